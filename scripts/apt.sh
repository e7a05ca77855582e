# shellcheck shell=bash
# Installing the Debian packages the test scripts need, as root. Sourced by
# scripts/postgres.sh, scripts/smtp.sh and scripts/browser.sh.

# apt_install ERROR_FUNCTION PACKAGE...: installs the packages, running
# `apt-get update` once per run of the test command, whichever script asks
# first. On failure it reports through ERROR_FUNCTION and returns 1.
apt_install() {
    local err=$1
    shift
    command -v apt-get >/dev/null || {
        "$err" "cannot install $*: apt-get is not available."
        return 1
    }
    printf '==> installing %s\n' "$*"
    if [ -z "${INZANT_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            || { "$err" "apt-get update failed; cannot install $*."; return 1; }
        INZANT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
        || { "$err" "apt-get install $* failed."; return 1; }
}
