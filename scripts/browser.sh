# shellcheck shell=bash
# Debian's chromium and chromedriver for the browser tests
# (examples/demo/tests/browser.rs). Meant to be sourced (by scripts/test):
#
#     source scripts/browser.sh
#     ensure_browser
#
# ensure_browser installs the Debian packages chromium and chromium-driver
# (as root, with apt-get) when /usr/bin/chromium or /usr/bin/chromedriver is
# missing, and fails with a clear message when it cannot. The tests start
# chromedriver and chromium themselves, one set per test, and stop them.

# shellcheck source=scripts/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

INZANT_CHROMIUM=/usr/bin/chromium
INZANT_CHROMEDRIVER=/usr/bin/chromedriver

# Prints an error; callers then `return 1` (so this works under `set -e`).
_browser_err() {
    printf 'scripts/browser.sh: %s\n' "$*" >&2
}

_browser_present() {
    [ -x "$INZANT_CHROMIUM" ] && [ -x "$INZANT_CHROMEDRIVER" ]
}

ensure_browser() {
    if _browser_present; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        _browser_err "the browser tests need $INZANT_CHROMIUM and $INZANT_CHROMEDRIVER; install them as root: apt-get install chromium chromium-driver"
        return 1
    fi
    apt_install _browser_err chromium chromium-driver || return 1
    _browser_present || {
        _browser_err "chromium and chromium-driver were installed, but $INZANT_CHROMIUM or $INZANT_CHROMEDRIVER is still missing."
        return 1
    }
    "$INZANT_CHROMEDRIVER" --version >/dev/null 2>&1 || {
        _browser_err "$INZANT_CHROMEDRIVER was installed but does not run."
        return 1
    }
}

# The page checkers the tests run: the Nu Html Checker (vnu.jar, on Java)
# and axe-core, pinned, from the npm registry into target/web-tools.
INZANT_WEB_TOOLS="$(pwd)/target/web-tools"
INZANT_VNU_VERSION=26.9.27
INZANT_AXE_VERSION=4.14.1

ensure_web_checkers() {
    local vnu="$INZANT_WEB_TOOLS/node_modules/vnu-jar/build/dist/vnu.jar"
    local axe="$INZANT_WEB_TOOLS/node_modules/axe-core/axe.min.js"
    if ! command -v java >/dev/null; then
        if [ "$(id -u)" -ne 0 ]; then
            _browser_err "the HTML checks need Java; install it as root: apt-get install default-jre-headless"
            return 1
        fi
        apt_install _browser_err default-jre-headless || return 1
    fi
    if [ -f "$vnu" ] && [ -f "$axe" ] \
        && grep -q "\"version\": *\"$INZANT_AXE_VERSION\"" "$INZANT_WEB_TOOLS/node_modules/axe-core/package.json" \
        && grep -q "\"version\": *\"$INZANT_VNU_VERSION\"" "$INZANT_WEB_TOOLS/node_modules/vnu-jar/package.json"; then
        return 0
    fi
    command -v npm >/dev/null || {
        _browser_err "npm is needed to fetch vnu-jar and axe-core (apt-get install nodejs npm)."
        return 1
    }
    printf '==> installing the Nu Html Checker %s and axe-core %s from npm\n' "$INZANT_VNU_VERSION" "$INZANT_AXE_VERSION"
    mkdir -p "$INZANT_WEB_TOOLS"
    # --ignore-scripts: vnu-jar's install script would download a Java from GitHub; the system's Java runs it.
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$INZANT_WEB_TOOLS" \
        "vnu-jar@$INZANT_VNU_VERSION" "axe-core@$INZANT_AXE_VERSION" >/dev/null \
        || { _browser_err "npm install vnu-jar axe-core failed."; return 1; }
    [ -f "$vnu" ] && [ -f "$axe" ] || {
        _browser_err "npm installed vnu-jar and axe-core, but $vnu or $axe is missing."
        return 1
    }
}
