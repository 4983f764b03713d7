#!/usr/bin/env bash
# bench/run.sh [ROWS]: time silkstat's ingest and trend on a synthetic tidy
# file of ROWS rows (default 1000000) and the same work done by pandas and
# R data.table.  Prints a table; see bench/README.md for what each figure
# means.  Benchmarks print numbers, they are not tests: this script never
# fails (exit 0) - a missing tool or a failed step prints "skipped (reason)".
#
# Then the same for a real file, ../shared/datasets/unhcr_population.csv
# (UNHCR_FILE; skipped with a message when absent): silkstat's ingest
# against pandas's.
#
# Environment: SILKSTAT (default build/silkstat), SEED (default 1),
# CC (default cc), PYTHON (default /usr/bin/python3), RSCRIPT (default Rscript),
# UNHCR_FILE (default ../shared/datasets/unhcr_population.csv).
set -u

cd "$(dirname "$0")/.." || exit 0
ROWS=${1:-1000000}
SEED=${SEED:-1}
SILKSTAT=${SILKSTAT:-build/silkstat}
CC=${CC:-cc}
PYTHON=${PYTHON:-/usr/bin/python3}
RSCRIPT=${RSCRIPT:-Rscript}
UNHCR_FILE=${UNHCR_FILE:-../shared/datasets/unhcr_population.csv}
OUT=build/bench
mkdir -p "$OUT" || exit 0

case $ROWS in
    '' | *[!0-9]*) echo "bench: ROWS must be a positive integer, got '$ROWS'"; exit 0 ;;
esac

# --- the generator --------------------------------------------------------
# -ffp-contract=off: no fused multiply-add, so the file is the same on
# every machine (see gen_tidy.c).
if ! $CC -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -Wshadow \
        -Wstrict-prototypes -Wmissing-prototypes \
        -o "$OUT/gen_tidy" bench/gen_tidy.c; then
    echo "bench: skipped (gen_tidy did not build)"
    exit 0
fi
FILE=$OUT/tidy_${ROWS}_seed${SEED}.csv
if [ ! -s "$FILE" ] || [ "$OUT/gen_tidy" -nt "$FILE" ]; then
    echo "generating $FILE ..."
    if ! "$OUT/gen_tidy" "$ROWS" "$SEED" > "$FILE.tmp"; then
        rm -f "$FILE.tmp"
        echo "bench: skipped (gen_tidy failed)"
        exit 0
    fi
    mv "$FILE.tmp" "$FILE"
fi
BYTES=$(wc -c < "$FILE")
echo "input: $FILE, $ROWS rows, $BYTES bytes, sha256 $(sha256sum "$FILE" | cut -c1-16)..."

# --- timing ---------------------------------------------------------------
# timed NAME CMD...: runs CMD with stdout to $OUT/NAME.out, stderr to
# $OUT/NAME.err; sets SECS and KIB (peak resident set).  Returns CMD's status.
TIME_BIN=/usr/bin/time
timed() {
    local name=$1
    shift
    SECS=; KIB=
    if [ -x "$TIME_BIN" ]; then
        "$TIME_BIN" -f '%e %M' -o "$OUT/$name.time" "$@" \
            > "$OUT/$name.out" 2> "$OUT/$name.err"
        local status=$?
        read -r SECS KIB < <(tail -n 1 "$OUT/$name.time")
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
        local status=$?
        t1=$(date +%s.%N)
        SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
        KIB=
    fi
    return $status
}

ROWS_OUT=()
# row TASK TOOL SECS COUNT UNIT MBS KIB BASE_SECS [BASE_KIB]
row() {
    ROWS_OUT+=("$(awk -v task="$1" -v tool="$2" -v s="$3" -v n="$4" -v unit="$5" \
        -v mb="$6" -v kib="$7" -v base="$8" -v basekib="${9:-}" 'BEGIN {
        rate = (s > 0) ? sprintf("%.0f %s/s", n / s, unit) : "-";
        mbs = (mb == "" || s <= 0) ? "-" : sprintf("%.1f", mb / s);
        mem = (kib == "") ? "-" : sprintf("%.0f", kib / 1024);
        ratio = (base == "" || base <= 0) ? "-" : sprintf("%.2f", s / base);
        memratio = (basekib == "" || basekib <= 0 || kib == "") ? "-" : sprintf("%.2f", kib / basekib);
        printf "%-7s %-22s %9.2f %20s %8s %9s %7s %9s", task, tool, s, rate, mbs, mem, ratio, memratio }')")
}
skip() {
    ROWS_OUT+=("$(printf '%-7s %-22s skipped (%s)' "$1" "$2" "$3")")
}
lines_minus_header() {
    local n
    n=$(wc -l < "$1")
    echo $((n > 0 ? n - 1 : 0))
}
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.3f", b / 1e6 }')

# cube_cells STORE: the cells of every indicator's dense cube (origins x
# destinations x periods, summed), from `silkstat info`; "" if unknown.
cube_cells() {
    "$SILKSTAT" info --store "$1" 2> /dev/null | awk '
        / origins x .* destinations x .* periods/ {
            for (i = 1; i <= NF; i++) {
                if ($(i + 1) == "origins") o = $i
                if ($(i + 1) == "destinations") d = $i
                if ($(i + 1) == "periods,") p = $i
            }
            n += o * d * p; found = 1
        }
        END { if (found) printf "%.0f", n }'
}
# memory_line LABEL KIB CELLS: silkstat's peak next to the cube's size
# (13 bytes a cell: value 8, flags 4, set 1) and the goal of issue 3,
# peak < cube + 100 MB.
memory_line() {
    if [ -z "$2" ] || [ -z "$3" ]; then
        echo "$1: peak memory or cube size unknown"
        return
    fi
    awk -v label="$1" -v kib="$2" -v cells="$3" 'BEGIN {
        peak = kib * 1024 / 1e6; cube = cells * 13 / 1e6; goal = cube + 100;
        printf "%s: silkstat peak %.0f MB; cube %.0f cells x 13 B = %.0f MB; goal peak < cube + 100 MB = %.0f MB: %s\n",
            label, peak, cells, cube, goal, (peak < goal) ? "met" : sprintf("not met (%.0f MB over)", peak - goal) }'
}

# --- (1), (2) silkstat ----------------------------------------------------
BASE_INGEST=; BASE_TREND=; BASE_INGEST_KIB=; CUBE_CELLS=
STORE=$OUT/bench.h5
if [ ! -x "$SILKSTAT" ]; then
    skip ingest silkstat "no executable $SILKSTAT; run make"
    skip trend silkstat "no executable $SILKSTAT; run make"
else
    rm -f "$STORE" "$STORE.lock"
    echo "silkstat ingest ..."
    if timed silk_ingest "$SILKSTAT" ingest --store "$STORE" --quiet "$FILE"; then
        BASE_INGEST=$SECS
        BASE_INGEST_KIB=$KIB
        CUBE_CELLS=$(cube_cells "$STORE")
        row ingest silkstat "$SECS" "$ROWS" rows "$MB" "$KIB" ""
    else
        skip ingest silkstat "failed: $(head -c 200 "$OUT/silk_ingest.err")"
    fi
    if ! "$SILKSTAT" trend --help > /dev/null 2>&1; then
        skip trend silkstat "this silkstat has no trend command"
    elif [ -z "$BASE_INGEST" ]; then
        skip trend silkstat "no store: ingest failed"
    else
        echo "silkstat trend ..."
        if timed silk_trend "$SILKSTAT" trend --store "$STORE"; then
            BASE_TREND=$SECS
            SILK_SERIES=$(lines_minus_header "$OUT/silk_trend.out")
            row trend silkstat "$SECS" "$SILK_SERIES" series "" "$KIB" ""
        else
            skip trend silkstat "failed: $(head -c 200 "$OUT/silk_trend.err")"
        fi
    fi
fi

# --- (3) pandas + numpy + h5py ---------------------------------------------
PANDAS_TREND_OK=
if ! "$PYTHON" -c 'import pandas, numpy, h5py' > /dev/null 2>&1; then
    skip ingest pandas+h5py "$PYTHON cannot import pandas, numpy and h5py"
    skip trend pandas+numpy "$PYTHON cannot import pandas, numpy and h5py"
else
    echo "pandas ingest ..."
    if timed pandas_ingest "$PYTHON" bench/peer_pandas.py ingest "$FILE" "$OUT/pandas.h5"; then
        row ingest pandas+h5py "$SECS" "$ROWS" rows "$MB" "$KIB" "$BASE_INGEST" "$BASE_INGEST_KIB"
        echo "pandas trend ..."
        if timed pandas_trend "$PYTHON" bench/peer_pandas.py trend "$OUT/pandas.h5" "$OUT/pandas_trend.csv"; then
            row trend pandas+numpy "$SECS" "$(lines_minus_header "$OUT/pandas_trend.csv")" series "" "$KIB" "$BASE_TREND"
            PANDAS_TREND_OK=1
        else
            skip trend pandas+numpy "failed: $(tail -n 1 "$OUT/pandas_trend.err")"
        fi
    else
        skip ingest pandas+h5py "failed: $(tail -n 1 "$OUT/pandas_ingest.err")"
        skip trend pandas+numpy "no arrays: ingest failed"
    fi
fi

# --- (4) R data.table -----------------------------------------------------
if ! command -v "$RSCRIPT" > /dev/null 2>&1; then
    skip ingest data.table "no $RSCRIPT"
    skip trend data.table "no $RSCRIPT"
elif ! "$RSCRIPT" -e 'suppressPackageStartupMessages(library(data.table))' > /dev/null 2>&1; then
    skip ingest data.table "R package data.table is not installed"
    skip trend data.table "R package data.table is not installed"
else
    echo "data.table ingest ..."
    if timed r_ingest "$RSCRIPT" bench/peer_datatable.R ingest "$FILE" "$OUT/datatable.rds"; then
        row ingest data.table "$SECS" "$ROWS" rows "$MB" "$KIB" "$BASE_INGEST" "$BASE_INGEST_KIB"
        echo "data.table trend ..."
        if timed r_trend "$RSCRIPT" bench/peer_datatable.R trend "$OUT/datatable.rds" "$OUT/datatable_trend.csv"; then
            row trend "data.table (OLS only)" "$SECS" "$(lines_minus_header "$OUT/datatable_trend.csv")" series "" "$KIB" "$BASE_TREND"
        else
            skip trend data.table "failed: $(tail -n 1 "$OUT/r_trend.err")"
        fi
    else
        skip ingest data.table "failed: $(tail -n 1 "$OUT/r_ingest.err")"
        skip trend data.table "no table: ingest failed"
    fi
fi

# --- the table --------------------------------------------------------------
echo
echo "silkstat bench: $ROWS rows, $MB MB, seed $SEED, $(nproc 2>/dev/null || echo '?') cores"
printf '%-7s %-22s %9s %20s %8s %9s %7s %9s\n' task tool seconds rate MB/s "peak MiB" ratio "mem ratio"
for line in "${ROWS_OUT[@]}"; do
    echo "$line"
done
echo "ratio = peer seconds / silkstat seconds (above 1: silkstat is faster)"
echo "mem ratio = peer peak / silkstat peak (above 1: silkstat uses less memory)"
[ -n "$BASE_INGEST" ] && memory_line "ingest of $ROWS rows" "$BASE_INGEST_KIB" "$CUBE_CELLS"

# --- do the trend results agree? (a sanity check, not a test) ----------------
if [ -n "$BASE_TREND" ] && [ -n "$PANDAS_TREND_OK" ]; then
    "$PYTHON" bench/peer_pandas.py compare "$OUT/silk_trend.out" "$OUT/pandas_trend.csv" ||
        echo "agreement check skipped (compare failed)"
fi

# --- a real file: UNHCR's population table ----------------------------------
echo
if [ ! -s "$UNHCR_FILE" ]; then
    echo "unhcr: skipped (no $UNHCR_FILE; set UNHCR_FILE)"
    exit 0
fi
UROWS=$(($(wc -l < "$UNHCR_FILE") - 1))
UMB=$(awk -v b="$(wc -c < "$UNHCR_FILE")" 'BEGIN { printf "%.3f", b / 1e6 }')
ROWS_OUT=()
U_SECS=; U_KIB=; U_CELLS=
USTORE=$OUT/unhcr.h5
if [ ! -x "$SILKSTAT" ]; then
    skip ingest silkstat "no executable $SILKSTAT; run make"
else
    rm -f "$USTORE" "$USTORE.lock"
    echo "silkstat ingest $UNHCR_FILE ..."
    if timed silk_unhcr "$SILKSTAT" ingest --store "$USTORE" --quiet "$UNHCR_FILE"; then
        U_SECS=$SECS; U_KIB=$KIB
        U_CELLS=$(cube_cells "$USTORE")
        row ingest silkstat "$SECS" "$UROWS" rows "$UMB" "$KIB" ""
    else
        skip ingest silkstat "failed: $(head -c 200 "$OUT/silk_unhcr.err")"
    fi
fi
if ! "$PYTHON" -c 'import pandas, numpy, h5py' > /dev/null 2>&1; then
    skip ingest pandas+h5py "$PYTHON cannot import pandas, numpy and h5py"
else
    echo "pandas ingest $UNHCR_FILE ..."
    if timed pandas_unhcr "$PYTHON" bench/peer_pandas.py ingest-unhcr "$UNHCR_FILE" "$OUT/pandas_unhcr.h5"; then
        row ingest pandas+h5py "$SECS" "$UROWS" rows "$UMB" "$KIB" "$U_SECS" "$U_KIB"
    else
        skip ingest pandas+h5py "failed: $(tail -n 1 "$OUT/pandas_unhcr.err")"
    fi
fi
echo
echo "unhcr bench: $UNHCR_FILE, $UROWS rows, $UMB MB"
printf '%-7s %-22s %9s %20s %8s %9s %7s %9s\n' task tool seconds rate MB/s "peak MiB" ratio "mem ratio"
for line in "${ROWS_OUT[@]}"; do
    echo "$line"
done
[ -n "$U_SECS" ] && memory_line "ingest of $(basename "$UNHCR_FILE")" "$U_KIB" "$U_CELLS"
exit 0
