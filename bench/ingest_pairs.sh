#!/usr/bin/env bash
# bench/ingest_pairs.sh [ROWS] [ROUNDS]: issue 3's time goal measured in
# pairs.  Each round times silkstat's ingest of the generated tidy file of
# ROWS rows (default 10000000) into a fresh store and libcsv alone on the
# same file (bench/csv_floor.c, one core), silkstat first in odd rounds
# and second in even ones (so that neither always runs after the other),
# and prints both and their ratio; then the median, lowest and highest
# ratio over ROUNDS rounds (default 10).  This VM's speed drifts by 20-30% within minutes, so a
# ratio is only meaningful between runs made seconds apart: run.sh's
# single figures can land on either side of the goal.  Never fails (exit
# 0): a missing piece prints "skipped (reason)".
#
# Environment: as run.sh (SILKSTAT, SEED, CC, TIDY).
set -u

cd "$(dirname "$0")/.." || exit 0
ROWS=${1:-10000000}
ROUNDS=${2:-10}
. bench/common.sh
if [ -n "$BENCH_SKIP" ]; then
    echo "bench: $BENCH_SKIP"
    exit 0
fi
case "$ROWS$ROUNDS" in
    *[!0-9]*) echo "bench: ROWS and ROUNDS must be positive integers"; exit 0 ;;
esac
if [ ! -x "$SILKSTAT" ]; then
    echo "bench: skipped (no executable $SILKSTAT; run make)"
    exit 0
fi
if ! build_generator || ! generate "$ROWS"; then
    echo "bench: skipped (gen_tidy failed)"
    exit 0
fi
if ! build_floor; then
    echo "bench: skipped (csv_floor did not build: $(head -n 1 "$OUT/csv_floor.build"))"
    exit 0
fi

STORE=$OUT/pairs.h5
echo "ingest of $GENERATED, $ROWS rows: silkstat and libcsv alone, in turn first, $ROUNDS rounds"
printf '%5s %10s %10s %7s\n' round silkstat libcsv ratio
ratios=()
time_floor() {
    timed pairs_floor "$OUT/csv_floor" --plain "$GENERATED" || exit 0
    floor=$SECS
}
for round in $(seq 1 "$ROUNDS"); do
    rm -f "$STORE" "$STORE.lock"
    if [ $((round % 2)) -eq 0 ]; then time_floor; fi
    if ! timed pairs_silk "$SILKSTAT" ingest --store "$STORE" --quiet "$GENERATED"; then
        echo "bench: skipped (silkstat failed: $(head -c 200 "$OUT/pairs_silk.err"))"
        exit 0
    fi
    silk=$SECS
    if [ $((round % 2)) -eq 1 ]; then time_floor; fi
    ratio=$(awk -v s="$silk" -v f="$floor" 'BEGIN { printf "%.2f", s / f }')
    ratios+=("$ratio")
    printf '%5d %10.2f %10.2f %7s\n' "$round" "$silk" "$floor" "$ratio"
done
rm -f "$STORE" "$STORE.lock"
# the goal is the issue's for a file of about 10M rows (392 MB); a
# smaller one is dominated by fixed costs (the country table, the commit)
printf '%s\n' "${ratios[@]}" | sort -n | awk -v rows="$ROWS" '{ r[NR] = $1 } END {
    m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "ratio median %.2f, lowest %.2f, highest %.2f", m, r[1], r[NR]
    if (rows >= 10000000)
        printf "; issue 3 goal (within 1.5 x libcsv alone): %s at the median",
            (m <= 1.5) ? "met" : "not met"
    printf "\n" }'
# the order moves the ratio on this VM: each order's median apart
for first in 1 0; do
    for i in "${!ratios[@]}"; do
        [ $(((i + 1) % 2)) -eq "$first" ] && echo "${ratios[$i]}"
    done | sort -n | awk -v who="$([ "$first" = 1 ] && echo silkstat || echo libcsv)" '
        { r[NR] = $1 } END { if (NR == 0) exit
        m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
        printf "  median of the %d rounds with %s first: %.2f\n", NR, who, m }'
done
exit 0
