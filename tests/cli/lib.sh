# Shared helpers for the CLI tests (sourced, not run).  Each check prints
# "ok - what" or "not ok - what" for tests/run.sh to count.
set -u
: "${SILKSTAT:=$(pwd)/build/silkstat}"
if [ ! -x "$SILKSTAT" ]; then
    echo "skip: $SILKSTAT is not built"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILED=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; FAILED=1; }

# run CMD...: runs silkstat, keeps stdout in $TMP/.stdout, stderr in
# $TMP/.stderr,
# the exit status in $STATUS.
run() {
    "$SILKSTAT" "$@" >"$TMP/.stdout" 2>"$TMP/.stderr"
    STATUS=$?
}

expect_status() { # WANT WHAT
    if [ "$STATUS" -eq "$1" ]; then ok "$2 (exit $1)"; else
        not_ok "$2: exit $STATUS, expected $1"; sed 's/^/#   /' "$TMP/.stderr"; fi
}

expect_out() { # EXPECTED-TEXT WHAT
    printf '%s\n' "$1" >"$TMP/.want"
    if cmp -s "$TMP/.want" "$TMP/.stdout"; then ok "$2"; else
        not_ok "$2"; diff "$TMP/.want" "$TMP/.stdout" | sed 's/^/#   /'; fi
}

expect_err_line() { # EXACT-LINE WHAT: the first stderr line
    got=$(head -n 1 "$TMP/.stderr")
    if [ "$got" = "$1" ]; then ok "$2"; else
        not_ok "$2"; echo "#   got:      $got"; echo "#   expected: $1"; fi
}

finish() { exit "$FAILED"; }
