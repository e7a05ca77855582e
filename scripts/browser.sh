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
    command -v apt-get >/dev/null || {
        _browser_err "chromium or chromedriver is missing and apt-get is not available to install them (the tests need Debian's chromium and chromium-driver packages)."
        return 1
    }
    printf '==> installing chromium and chromium-driver\n'
    # One `apt-get update` per run of the test command, whichever script asks first.
    if [ -z "${INZANT_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            || { _browser_err "apt-get update failed; cannot install chromium and chromium-driver."; return 1; }
        INZANT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
        || { _browser_err "apt-get install chromium chromium-driver failed."; return 1; }
    _browser_present || {
        _browser_err "chromium and chromium-driver were installed, but $INZANT_CHROMIUM or $INZANT_CHROMEDRIVER is still missing."
        return 1
    }
    "$INZANT_CHROMEDRIVER" --version >/dev/null 2>&1 || {
        _browser_err "$INZANT_CHROMEDRIVER was installed but does not run."
        return 1
    }
}
