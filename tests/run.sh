#!/bin/sh
# Runs every test against one or more build folders and ends with the line
# "N passed, N failed".  Per build folder:
#   - each cmocka binary BUILD/tests/test_* (its case counts are parsed);
#   - each tests/cli/*.sh and tests/interop/*.py, run with SILKSTAT set to
#     BUILD/silkstat; they print "ok - what" or "not ok - what" per check
#     and exit 77 to be skipped whole.
# Usage: tests/run.sh BUILD [BUILD...]
set -u
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_tap() {
    # $1 = label, $2 = exit status; reads the output in $log
    ok=$(grep -c '^ok ' "$log")
    bad=$(grep -c '^not ok ' "$log")
    if [ "$2" -eq 77 ]; then
        skipped=$((skipped + 1))
        echo "SKIP $1: $(tail -n 1 "$log")"
        return
    fi
    if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then
        bad=1
        echo "FAIL $1 exited with status $2"
        tail -n 20 "$log" | sed 's/^/    /'
    fi
    grep '^not ok ' "$log" | sed "s|^|FAIL $1: |"
    passed=$((passed + ok))
    failed=$((failed + bad))
    echo "     $1: $ok passed, $bad failed"
}

for build in "$@"; do
    echo "== build: $build"
    export SILKSTAT="$root/$build/silkstat"
    for bin in "$build"/tests/test_*; do
        [ -x "$bin" ] || continue
        name=$(basename "$bin")
        ( cd "$root" && "$bin" ) >"$log" 2>&1
        status=$?
        ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        skip=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        if [ "$skip" -gt 0 ]; then
            skipped=$((skipped + skip))
            echo "SKIP $name: $(grep -m1 'skipping' "$log")"
        fi
        if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
            bad=1
        fi
        if [ "$bad" -ne 0 ]; then
            echo "FAIL $name"
            grep -E '^\[  (FAILED|ERROR)|error|Error|ERROR' "$log" | head -n 30 | sed 's/^/    /'
        fi
        passed=$((passed + ok))
        failed=$((failed + bad))
        echo "     $name: $ok passed, $bad failed"
    done
    for script in tests/cli/*.sh tests/interop/*.py; do
        [ -f "$script" ] || continue
        [ "$(basename "$script")" = lib.sh ] && continue
        case "$script" in
            *.py) ( /usr/bin/python3 "$script" ) >"$log" 2>&1 ;;
            *) ( sh "$script" ) >"$log" 2>&1 ;;
        esac
        count_tap "$script" $?
    done
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
