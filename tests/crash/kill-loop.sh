#!/bin/sh
# make crash: kill `silkstat ingest` with SIGKILL at random moments and
# check, after each kill, that the store still opens, holds every
# indicator, and that a sentinel cell holds either the old or the new
# value (never anything else).  Prints the counts; exits 1 if any store
# was damaged.  RUNS (default 100) sets the number of kills.
set -u
cd "$(dirname "$0")/../.." || exit 2
SILKSTAT=${SILKSTAT:-build/silkstat}
RUNS=${RUNS:-100}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
S=$DIR/store.h5

# base: the bundled data; update: a 300k-row generated file whose first
# row rewrites the sentinel AFG->IRN refugees 2024 from 3477082 to 1.
cc -std=c11 -O2 -ffp-contract=off -o "$DIR/gen" bench/gen_tidy.c || exit 2
{
    echo "indicator,origin,destination,period,value,flag,unit,source"
    echo "refugees,AFG,IRN,2024,1,,persons,"
    "$DIR/gen" 300000 3 | tail -n +2 | grep -v '^refugees,AFG,IRN,2024,'
} > "$DIR/update.csv"
"$SILKSTAT" ingest --quiet --store "$S" datasets/unhcr_population_silk5.csv \
    datasets/unhcr_solutions_silk5.csv datasets/wb_silk5.csv || exit 2
n_ind=$("$SILKSTAT" info --store "$S" --json | grep -c '"name"')

# how long a full ingest of the update takes, to spread the kills over it
cp "$S" "$DIR/timing.h5"
start=$(date +%s%N)
"$SILKSTAT" ingest --quiet --store "$DIR/timing.h5" "$DIR/update.csv" || exit 2
span=$(( ($(date +%s%N) - start) / 1000000 ))
echo "crash: one ingest of the update takes ${span} ms; $RUNS kills spread over 1.3 times that"

old=0 new=0 damaged=0
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    reset=0
    "$SILKSTAT" ingest --quiet --store "$S" "$DIR/update.csv" 2>/dev/null &
    pid=$!
    delay=$(awk -v s="$span" -v r="$(od -An -N4 -tu4 /dev/urandom)" \
        'BEGIN { printf "%.3f", (r % (s * 13 / 10 + 1)) / 1000 }')
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    value=$("$SILKSTAT" series --store "$S" --indicator refugees --origin AFG \
        --destination IRN --from 2024 --to 2024 2>/dev/null | sed -n 2p)
    count=$("$SILKSTAT" info --store "$S" --json 2>/dev/null | grep -c '"name"')
    case "$value" in
        2024,3477082,) old=$((old + 1)) ;;
        2024,1,) new=$((new + 1)); reset=1 ;;
        *) damaged=$((damaged + 1)); echo "run $i: sentinel reads '$value'" ;;
    esac
    if [ "$count" -lt "$n_ind" ]; then
        damaged=$((damaged + 1))
        echo "run $i: store lists $count indicators, expected at least $n_ind"
    fi
    # start each run from the old store again, so every kill races a write
    if [ $reset -eq 1 ]; then
        rm -f "$S"
        "$SILKSTAT" ingest --quiet --store "$S" datasets/unhcr_population_silk5.csv \
            datasets/unhcr_solutions_silk5.csv datasets/wb_silk5.csv || exit 2
    fi
done
left=$(ls "$DIR" | grep -c 'store.h5.tmp-' || true)
echo "crash: $RUNS kills: $old left the old store, $new the new one, $damaged damaged; $left temporary files left for the next writer to remove"
[ "$damaged" -eq 0 ]
