#!/bin/sh
# make crash: kill `silkstat ingest` with SIGKILL at random moments and
# check, after each kill, that the store still opens and holds exactly the
# old state (byte-identical to the store before the ingest) or exactly the
# new one (`info --json` equal to a completed ingest's, minus the commit
# times), with a sentinel cell holding the old or the new value, never
# anything else.  Prints the counts; exits 1 if any store was damaged.
#
# Settings (environment):
#   RUNS   number of kills (default 100)
#   ROWS   rows of the generated update (default 300000); its first row
#          rewrites the sentinel AFG->IRN refugees 2024 from 3477082 to 1
#   BASE   the files of the old store, relative to the repository
#          (default the three bundled ones); a row setting the sentinel
#          to 3477082 (its value in the bundled data) is always added
#   TAP    1: print "ok - ..." / "not ok - ..." lines for tests/run.sh
#          (tests/cli/store.sh runs it so with small RUNS and ROWS)
#   SILKSTAT  the binary (default build/silkstat)
set -u
cd "$(dirname "$0")/../.." || exit 2
SILKSTAT=${SILKSTAT:-build/silkstat}
RUNS=${RUNS:-100}
ROWS=${ROWS:-300000}
BASE=${BASE:-datasets/unhcr_population_silk5.csv datasets/unhcr_solutions_silk5.csv datasets/wb_silk5.csv}
TAP=${TAP:-0}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
S=$DIR/store.h5

say() { # a line for humans; a comment in TAP mode
    if [ "$TAP" = 1 ]; then echo "# $1"; else echo "crash: $1"; fi
}
damage() { # run, what
    damaged=$((damaged + 1))
    if [ "$TAP" = 1 ]; then echo "not ok - kill $1: $2"; else echo "run $1: $2"; fi
}
fatal() {
    if [ "$TAP" = 1 ]; then echo "not ok - kill loop set-up: $1"; else echo "crash: $1" >&2; fi
    exit 2
}
# info --json without the per-commit times: equal for equal contents
snapshot() { # store > text
    "$SILKSTAT" info --store "$1" --json 2>/dev/null | sed 's/"time": "[^"]*"//'
}

cc -std=c11 -O2 -ffp-contract=off -o "$DIR/gen" bench/gen_tidy.c ||
    fatal "cannot build bench/gen_tidy.c"
{
    echo "indicator,origin,destination,period,value,flag,unit,source"
    echo "refugees,AFG,IRN,2024,1,,persons,"
    "$DIR/gen" "$ROWS" 3 | tail -n +2 | grep -v '^refugees,AFG,IRN,2024,'
} > "$DIR/update.csv"
printf '%s\n' "indicator,origin,destination,period,value,flag,unit,source" \
    "refugees,AFG,IRN,2024,3477082,,persons,UNHCR Refugee Population Statistics Database (CC BY 4.0)" \
    > "$DIR/sentinel.csv"
# shellcheck disable=SC2086
"$SILKSTAT" ingest --quiet --store "$DIR/base.h5" $BASE "$DIR/sentinel.csv" ||
    fatal "cannot ingest $BASE"
snapshot "$DIR/base.h5" | sed "s|$DIR/base.h5|$S|" > "$DIR/old.json"

# how long a full ingest of the update takes (the median of three), to
# spread the kills over it; its result is the "new" state
for t in 1 2 3; do
    cp "$DIR/base.h5" "$S"
    start=$(date +%s%N)
    "$SILKSTAT" ingest --quiet --store "$S" "$DIR/update.csv" 2>"$DIR/err" ||
        fatal "cannot ingest the update: $(grep -v warning "$DIR/err" | head -n 1)"
    echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$DIR/times"
done
span=$(sort -n "$DIR/times" | sed -n 2p)
snapshot "$S" > "$DIR/new.json"
cmp -s "$DIR/old.json" "$DIR/new.json" && fatal "the update changes nothing"
say "one ingest of a $ROWS-row update takes ${span} ms; $RUNS kills spread over 1.3 times that"

old=0 new=0 damaged=0 finished=0 midwrite=0
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    # start each run from the old store, so every kill races a write
    cp "$DIR/base.h5" "$S"
    delay=$(awk -v s="$span" -v r="$(od -An -N4 -tu4 /dev/urandom)" \
        'BEGIN { printf "%.3f", (r % (s * 13 / 10 + 1)) / 1000 }')
    "$SILKSTAT" ingest --quiet --store "$S" "$DIR/update.csv" 2>"$DIR/err" &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    status=$?
    case $status in
        137) [ -e "$S.tmp-$pid" ] && midwrite=$((midwrite + 1)) ;;
        0) finished=$((finished + 1)) ;;
        *) damage $i "ingest failed on its own (exit $status): $(grep -v warning "$DIR/err" | head -n 1)" ;;
    esac
    value=$("$SILKSTAT" series --store "$S" --indicator refugees --origin AFG \
        --destination IRN --from 2024 --to 2024 2>&1 | sed -n 2p)
    snapshot "$S" > "$DIR/now.json"
    if cmp -s "$DIR/base.h5" "$S"; then
        state=old
    elif cmp -s "$DIR/new.json" "$DIR/now.json"; then
        state=new
    else
        state=damaged
        damage $i "after a kill at ${delay} s the store is neither the old nor the new one: $(head -c 300 "$DIR/now.json" | tr '\n' ' ')"
    fi
    case "$state:$value" in
        old:2024,3477082,) old=$((old + 1)) ;;
        new:2024,1,) new=$((new + 1)) ;;
        damaged:*) ;;
        *) damage $i "store is the $state one but the sentinel reads '$value'" ;;
    esac
done
# the next writer removes what the killed ones left
left=$(ls "$DIR" | grep -c 'store.h5.tmp-')
"$SILKSTAT" ingest --quiet --store "$S" "$DIR/update.csv" 2>"$DIR/err" ||
    damage $((RUNS + 1)) "an ingest after the kills failed"
after=$(ls "$DIR" | grep -c 'store.h5.tmp-')
[ "$after" -eq 0 ] ||
    damage $((RUNS + 1)) "$after temporary files left after a clean ingest"

summary="$RUNS kills: $old old, $new new, $damaged damaged ($((RUNS - finished)) killed mid-ingest, $midwrite of them with the temporary store in place; $finished after the ingest ended); $left temporary files left, removed by the next writer"
if [ "$TAP" = 1 ]; then
    if [ "$damaged" -eq 0 ]; then echo "ok - $summary"; else echo "not ok - $summary"; fi
else
    echo "crash: $summary"
fi
[ "$damaged" -eq 0 ]
