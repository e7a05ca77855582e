# shellcheck shell=bash
# A real SMTP server on loopback for the mail tests: Debian's aiosmtpd,
# delivering into a maildir. Meant to be sourced (by scripts/test):
#
#     source scripts/smtp.sh
#     start_smtp    # exports INZANT_TEST_SMTP_URL and INZANT_TEST_MAILDIR
#     ...
#     stop_smtp
#
# Run from the workspace root. start_smtp installs python3-aiosmtpd when it
# is missing (as root) and fails with a clear message when it cannot.

# shellcheck source=scripts/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

INZANT_SMTP_PID=
INZANT_SMTP_PYTHON=/usr/bin/python3

# Prints an error; callers then `return 1` (so this works under `set -e`).
_smtp_err() {
    printf 'scripts/smtp.sh: %s\n' "$*" >&2
}

# Installs python3-aiosmtpd unless the system Python can already import it.
_smtp_ensure_aiosmtpd() {
    [ -x "$INZANT_SMTP_PYTHON" ] || { _smtp_err "$INZANT_SMTP_PYTHON is missing; install python3 (apt-get install python3)."; return 1; }
    "$INZANT_SMTP_PYTHON" -c 'import aiosmtpd' 2>/dev/null && return 0
    if [ "$(id -u)" -ne 0 ]; then
        _smtp_err "the mail tests need python3-aiosmtpd; install it as root: apt-get install python3-aiosmtpd"
        return 1
    fi
    apt_install _smtp_err python3-aiosmtpd || return 1
    "$INZANT_SMTP_PYTHON" -c 'import aiosmtpd' 2>/dev/null \
        || { _smtp_err "python3-aiosmtpd was installed but $INZANT_SMTP_PYTHON cannot import it."; return 1; }
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
_smtp_free_port() {
    "$INZANT_SMTP_PYTHON" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# True once something accepts connections on 127.0.0.1:$1.
_smtp_accepts() {
    "$INZANT_SMTP_PYTHON" -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
except OSError:
    sys.exit(1)' "$1"
}

start_smtp() {
    _smtp_ensure_aiosmtpd || return 1

    local root maildir log port
    root="$(pwd)/target/smtp-test"
    maildir="$root/mail"
    log="$root/aiosmtpd.log"
    rm -rf "$maildir"
    mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur" || { _smtp_err "cannot create $maildir."; return 1; }

    port=$(_smtp_free_port) || { _smtp_err "cannot find a free loopback port."; return 1; }
    "$INZANT_SMTP_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
        >"$log" 2>&1 &
    INZANT_SMTP_PID=$!

    local tries=0
    until _smtp_accepts "$port"; do
        if ! kill -0 "$INZANT_SMTP_PID" 2>/dev/null; then
            INZANT_SMTP_PID=
            _smtp_err "aiosmtpd exited at start; its output ($log):"
            cat "$log" >&2
            return 1
        fi
        tries=$((tries + 1))
        if [ "$tries" -ge 100 ]; then
            stop_smtp
            _smtp_err "aiosmtpd did not accept connections on 127.0.0.1:$port within 10 s; see $log."
            return 1
        fi
        sleep 0.1
    done

    export INZANT_TEST_SMTP_URL="smtp://127.0.0.1:$port"
    export INZANT_TEST_MAILDIR="$maildir"
    printf '==> SMTP server (aiosmtpd) on %s, delivering to %s\n' "$INZANT_TEST_SMTP_URL" "$maildir"
}

stop_smtp() {
    if [ -n "$INZANT_SMTP_PID" ]; then
        kill "$INZANT_SMTP_PID" 2>/dev/null || true
        wait "$INZANT_SMTP_PID" 2>/dev/null || true
        INZANT_SMTP_PID=
    fi
    unset INZANT_TEST_SMTP_URL INZANT_TEST_MAILDIR
}
