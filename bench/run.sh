#!/usr/bin/env bash
# bench/run.sh [ROWS]: time silkstat's ingest and trend on a synthetic tidy
# file of ROWS rows (default 1000000) and the same work done by pandas and
# R data.table.  Prints a table; see bench/README.md for what each figure
# means.  Benchmarks print numbers, they are not tests: this script never
# fails (exit 0) - a missing tool or a failed step prints "skipped (reason)".
#
# Then the ingest alone at scale, on a generated file of INGEST_ROWS rows
# (default 10000000, about 360 MB; 0 skips it), and on a real file,
# ../shared/datasets/unhcr_population.csv (UNHCR_FILE; skipped with a
# message when absent): silkstat against pandas, and both against libcsv
# alone (bench/csv_floor.c: the parse without any work, on one core).
#
# Environment: SILKSTAT (default build/silkstat), SEED (default 1),
# CC (default cc), PYTHON (default /usr/bin/python3), RSCRIPT (default Rscript),
# UNHCR_FILE (default ../shared/datasets/unhcr_population.csv),
# INGEST_ROWS (default 10000000), TIDY (compact, the default: unit and
# source left empty, about 36 bytes a row; full: both filled, about 70).
# The trend suite at scale is bench/trend.sh (bench/README.md, "Trend").
set -u

cd "$(dirname "$0")/.." || exit 0
ROWS=${1:-1000000}
UNHCR_FILE=${UNHCR_FILE:-../shared/datasets/unhcr_population.csv}
INGEST_ROWS=${INGEST_ROWS:-10000000}
# SEED, SILKSTAT, CC, PYTHON, RSCRIPT, TIDY, OUT, build_generator,
# build_floor,
# generate and timed
. bench/common.sh
if [ -n "$BENCH_SKIP" ]; then
    echo "bench: $BENCH_SKIP"
    exit 0
fi
mkdir -p "$OUT" || exit 0

case $ROWS in
    '' | *[!0-9]*) echo "bench: ROWS must be a positive integer, got '$ROWS'"; exit 0 ;;
esac
case $INGEST_ROWS in
    '' | *[!0-9]*) echo "bench: INGEST_ROWS must be an integer, got '$INGEST_ROWS'"; exit 0 ;;
esac

# --- the generator and the floor ------------------------------------------
if ! build_generator; then
    echo "bench: skipped (gen_tidy did not build)"
    exit 0
fi
# libcsv alone (csv_floor.c); a missing libcsv only skips the floor.
build_floor

if ! generate "$ROWS"; then
    echo "bench: skipped (gen_tidy failed)"
    exit 0
fi
FILE=$GENERATED
BYTES=$(wc -c < "$FILE")
echo "input: $FILE, $ROWS rows, $BYTES bytes, sha256 $(sha256sum "$FILE" | cut -c1-16)..."

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
PANDAS_TREND_OK=; PANDAS_INGEST=; PANDAS_INGEST_KIB=
if ! "$PYTHON" -c 'import pandas, numpy, h5py' > /dev/null 2>&1; then
    skip ingest pandas+h5py "$PYTHON cannot import pandas, numpy and h5py"
    skip trend pandas+numpy "$PYTHON cannot import pandas, numpy and h5py"
else
    echo "pandas ingest ..."
    if timed pandas_ingest "$PYTHON" bench/peer_pandas.py ingest "$FILE" "$OUT/pandas.h5"; then
        PANDAS_INGEST=$SECS; PANDAS_INGEST_KIB=$KIB
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

# --- the ingest alone: silkstat, pandas and libcsv on one file ---------------
# Issue 3: the whole ingest of a 392 MB tidy file in under 1.5 s where
# pandas took 5.2 s and libcsv alone 1.0 s, i.e. within about 1.5 times
# the bare parse, with peak memory under the cube + 100 MB.

# scale_line TOOL SECS KIB ROWS MB SILK_SECS FLOOR_SECS
scale_line() {
    awk -v tool="$1" -v s="$2" -v kib="$3" -v n="$4" -v mb="$5" -v base="$6" \
        -v floor="$7" 'BEGIN {
        rate = (s > 0) ? sprintf("%.0f", n / s) : "-";
        mbs = (s > 0) ? sprintf("%.1f", mb / s) : "-";
        mem = (kib == "") ? "-" : sprintf("%.0f", kib / 1024);
        vs = (base == "" || base <= 0) ? "-" : sprintf("%.2f", s / base);
        vf = (floor == "" || floor <= 0) ? "-" : sprintf("%.2f", s / floor);
        printf "%-40s %8.2f %9s %11s %8s %10s %9s\n", tool, s, mem, rate, mbs, vs, vf }'
}

# ingest_vs NAME FILE ROWS MODE: silkstat's ingest, the pandas peer
# (peer_pandas.py MODE: ingest or ingest-unhcr) and libcsv alone on FILE,
# then a table.  REUSE_SILK="SECS KIB CELLS" and REUSE_PANDAS="SECS KIB"
# give figures measured already on the same file (the main table's).
ingest_vs() {
    local name=$1 file=$2 rows=$3 mode=$4 mb lines=() store=$OUT/$1.h5
    local silk_secs= silk_kib= cells= pandas_secs= pandas_kib= floor= strict=
    local floor_kib=
    mb=$(awk -v b="$(wc -c < "$file")" 'BEGIN { printf "%.3f", b / 1e6 }')
    if [ -n "${REUSE_SILK:-}" ]; then
        read -r silk_secs silk_kib cells <<< "$REUSE_SILK"
    elif [ ! -x "$SILKSTAT" ]; then
        lines+=("silkstat: skipped (no executable $SILKSTAT; run make)")
    else
        rm -f "$store" "$store.lock"
        echo "silkstat ingest $file ..."
        if timed "silk_$name" "$SILKSTAT" ingest --store "$store" --quiet "$file"; then
            silk_secs=$SECS; silk_kib=$KIB
            cells=$(cube_cells "$store")
        else
            lines+=("silkstat: failed: $(head -c 200 "$OUT/silk_$name.err")")
        fi
    fi
    if [ -n "${REUSE_PANDAS:-}" ]; then
        read -r pandas_secs pandas_kib <<< "$REUSE_PANDAS"
    elif ! "$PYTHON" -c 'import pandas, numpy, h5py' > /dev/null 2>&1; then
        lines+=("pandas+h5py: skipped ($PYTHON cannot import pandas, numpy and h5py)")
    else
        echo "pandas $mode $file ..."
        if timed "pandas_$name" "$PYTHON" bench/peer_pandas.py "$mode" "$file" "$OUT/pandas_$name.h5"; then
            pandas_secs=$SECS; pandas_kib=$KIB
        else
            lines+=("pandas+h5py: failed: $(tail -n 1 "$OUT/pandas_$name.err")")
        fi
    fi
    if [ ! -x "$OUT/csv_floor" ]; then
        lines+=("libcsv alone: skipped (bench/csv_floor.c did not build: $(head -n 1 "$OUT/csv_floor.build"))")
    else
        echo "libcsv alone on $file ..."
        timed "floor_$name" "$OUT/csv_floor" --plain "$file" && floor=$SECS &&
            floor_kib=$KIB
        timed "floor_strict_$name" "$OUT/csv_floor" "$file" && strict=$SECS
    fi

    echo
    echo "ingest of $file: $rows rows, $mb MB, $(nproc 2>/dev/null || echo '?') cores"
    printf '%-40s %8s %9s %11s %8s %10s %9s\n' tool seconds "peak MiB" rows/s MB/s "x silkstat" "x libcsv"
    [ -n "$silk_secs" ] && scale_line "silkstat ingest" "$silk_secs" "$silk_kib" "$rows" "$mb" "$silk_secs" "$floor"
    [ -n "$pandas_secs" ] && scale_line "pandas+h5py (read_csv, cube, h5py)" "$pandas_secs" "$pandas_kib" "$rows" "$mb" "$silk_secs" "$floor"
    [ -n "$floor" ] && scale_line "libcsv alone (parse only, one core)" "$floor" "$floor_kib" "$rows" "$mb" "$silk_secs" "$floor"
    [ -n "$strict" ] && scale_line "  with silkstat's libcsv options" "$strict" "" "$rows" "$mb" "$silk_secs" "$floor"
    for line in "${lines[@]}"; do
        echo "$line"
    done
    echo "x silkstat = seconds / silkstat's seconds; x libcsv = seconds / libcsv alone's"
    # the time goal is the generated file's: a small real table is
    # dominated by its cubes and the country table, not by the parse
    if [ "$name" = scale ] && [ -n "$silk_secs" ] && [ -n "$floor" ]; then
        awk -v s="$silk_secs" -v f="$floor" 'BEGIN {
            printf "issue 3 goal, time: silkstat within 1.5 x libcsv alone (1.5 s against 1.0 s there): %.2f x, %s\n",
                s / f, (s <= 1.5 * f) ? "met" : "not met" }'
    fi
    [ -n "$silk_secs" ] && memory_line "issue 3 goal, memory" "$silk_kib" "$cells"
    return 0
}

if [ "$INGEST_ROWS" -gt 0 ]; then
    echo
    if [ "$INGEST_ROWS" -eq "$ROWS" ]; then
        REUSE_SILK=; REUSE_PANDAS=
        [ -n "$BASE_INGEST" ] && REUSE_SILK="$BASE_INGEST $BASE_INGEST_KIB $CUBE_CELLS"
        [ -n "$PANDAS_INGEST" ] && REUSE_PANDAS="$PANDAS_INGEST $PANDAS_INGEST_KIB"
        ingest_vs scale "$FILE" "$ROWS" ingest
    elif generate "$INGEST_ROWS"; then
        REUSE_SILK=; REUSE_PANDAS=
        ingest_vs scale "$GENERATED" "$INGEST_ROWS" ingest
    else
        echo "ingest of $INGEST_ROWS rows: skipped (gen_tidy failed)"
    fi
fi

# --- a real file: UNHCR's population table ----------------------------------
echo
if [ ! -s "$UNHCR_FILE" ]; then
    echo "unhcr: skipped (no $UNHCR_FILE; set UNHCR_FILE)"
    exit 0
fi
REUSE_SILK=; REUSE_PANDAS=
ingest_vs unhcr "$UNHCR_FILE" "$(($(wc -l < "$UNHCR_FILE") - 1))" ingest-unhcr
exit 0
