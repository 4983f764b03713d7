#!/usr/bin/env bash
# bench/trend.sh [ROWS]: the trend suite at scale.  On the synthetic tidy
# file of ROWS rows (default 1000000; the one bench/run.sh generates and
# keeps), times OLS + Mann-Kendall + Sen for every series in silkstat
# (saved into the store, and as text; every core and one), the reading of
# the store alone, the same work in numpy (vectorised, as an analyst would
# write it; bench/peer_pandas.py) and R data.table's OLS, then Holt's
# damped trend on about HOLT_SERIES series in silkstat and statsmodels.
# Checks that silkstat and numpy agree series by series, compares the
# Holt fits, and prints one table (bench/README.md, "Trend", says what
# each figure means).  Benchmarks print numbers, they are not tests: this
# script never fails (exit 0) - a missing tool or a failed step prints
# "skipped (reason)".
#
#     bench/trend.sh              # 1M rows: about 2.5 minutes on 2 cores
#     bench/trend.sh 10000000     # the issue's size: about 6.5 minutes (plus the
#                                 # ingests on the first run)
#
# Environment, besides bench/common.sh's (SILKSTAT, SEED, CC, PYTHON,
# RSCRIPT, TIDY): REPEAT (default 3): runs of each silkstat and numpy
# step, the fastest is reported (the machine is shared: the spread is
# printed too); PEER_REPEAT (default 1): runs of the R and statsmodels
# steps; HOLT_SERIES (default 10000): series with >= 10 values wanted in
# the Holt selection, HOLT_INDICATORS (default
# refugees,asylum_seekers,returns): the indicators it takes them from
# (origins are added in code order until HOLT_SERIES is reached);
# HOLT=0 skips Holt, R=0 skips data.table.
set -u

cd "$(dirname "$0")/.." || exit 0
ROWS=${1:-1000000}
REPEAT=${REPEAT:-3}
PEER_REPEAT=${PEER_REPEAT:-1}
HOLT=${HOLT:-1}
R=${R:-1}
HOLT_SERIES=${HOLT_SERIES:-10000}
HOLT_INDICATORS=${HOLT_INDICATORS:-refugees,asylum_seekers,returns}
. bench/common.sh
if [ -n "$BENCH_SKIP" ]; then
    echo "trend bench: $BENCH_SKIP"
    exit 0
fi
for v in ROWS REPEAT PEER_REPEAT HOLT_SERIES; do
    case ${!v} in
        '' | *[!0-9]* | 0) echo "trend bench: $v must be a positive integer, got '${!v}'"; exit 0 ;;
    esac
done
# "Default threads" means every core: a SILKSTAT_THREADS of the caller's
# would change what the rows say.
unset SILKSTAT_THREADS
CORES=$(nproc 2> /dev/null || echo '?')

if [ ! -x "$SILKSTAT" ]; then
    echo "trend bench: skipped (no executable $SILKSTAT; run make)"
    exit 0
fi
if ! build_generator; then
    echo "trend bench: skipped (gen_tidy did not build)"
    exit 0
fi
if ! generate "$ROWS"; then
    echo "trend bench: skipped (gen_tidy failed)"
    exit 0
fi
FILE=$GENERATED
TAG=${TIDY}_${ROWS}_seed${SEED}
STORE=$OUT/trend_$TAG.h5            # silkstat's store, as ingested
SAVE_STORE=$OUT/trend_save_$TAG.h5  # a copy that --save writes into
ARRAYS=$OUT/trend_pandas_$TAG.h5    # the pandas ingest's arrays
RDS=$OUT/trend_datatable_$TAG.rds   # the data.table ingest's table
echo "input: $FILE, $ROWS rows, sha256 $(sha256sum "$FILE" | cut -c1-16)..."

# --- the inputs: each tool's ingest, kept while the file is unchanged ------
# silkstat's store also while the binary is, and only while it holds no
# result table (then it is not as ingested).  Not timed: run.sh times
# the ingests.
if [ ! -s "$STORE" ] || [ "$FILE" -nt "$STORE" ] || [ "$SILKSTAT" -nt "$STORE" ] ||
    "$SILKSTAT" info --store "$STORE" 2> /dev/null | grep -q '^results ('; then
    echo "silkstat ingest ..."
    rm -f "$STORE" "$STORE.lock"
    if ! "$SILKSTAT" ingest --store "$STORE" --quiet "$FILE" 2> "$OUT/trend_ingest.err"; then
        echo "trend bench: skipped (silkstat ingest failed: $(head -c 200 "$OUT/trend_ingest.err"))"
        rm -f "$STORE"
        exit 0
    fi
fi
HAVE_PY=
if "$PYTHON" -c 'import pandas, numpy, h5py, scipy' > /dev/null 2>&1; then
    HAVE_PY=1
    if [ ! -s "$ARRAYS" ] || [ "$FILE" -nt "$ARRAYS" ]; then
        echo "pandas ingest ..."
        "$PYTHON" bench/peer_pandas.py ingest "$FILE" "$ARRAYS.tmp" > /dev/null \
            2> "$OUT/trend_pandas_ingest.err" && mv "$ARRAYS.tmp" "$ARRAYS" ||
            { rm -f "$ARRAYS.tmp"; HAVE_PY=; }
    fi
fi
HAVE_R=
if [ "$R" != 0 ] && command -v "$RSCRIPT" > /dev/null 2>&1 &&
    "$RSCRIPT" -e 'suppressPackageStartupMessages(library(data.table))' > /dev/null 2>&1; then
    HAVE_R=1
    if [ ! -s "$RDS" ] || [ "$FILE" -nt "$RDS" ]; then
        echo "data.table ingest ..."
        "$RSCRIPT" bench/peer_datatable.R ingest "$FILE" "$RDS.tmp" > /dev/null \
            2> "$OUT/trend_r_ingest.err" && mv "$RDS.tmp" "$RDS" ||
            { rm -f "$RDS.tmp"; HAVE_R=; }
    fi
fi

# --- timing -----------------------------------------------------------------
# best N NAME CMD...: runs `timed NAME CMD` N times; sets SECS to the
# fastest run's seconds, KIB to the largest peak of all runs, RUNS to
# every run's seconds, and returns the last status.  Statuses up to
# OKSTATUS (default 0) count as success: silkstat exits 1 when some
# series failed (too short for Holt) but still prints the others.
best() {
    local n=$1 name=$2 r status=0 secs= kib= runs=
    shift 2
    for ((r = 1; r <= n; r++)); do
        timed "$name" "$@"
        status=$?
        [ "$status" -le "${OKSTATUS:-0}" ] || break
        runs="$runs${runs:+ }$SECS"
        secs=$(awk -v a="$secs" -v b="$SECS" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        kib=$(awk -v a="$kib" -v b="$KIB" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }')
    done
    SECS=$secs; KIB=$kib; RUNS=$runs
    [ "$status" -le "${OKSTATUS:-0}" ]
}

TABLE=()
# row TASK TOOL THREADS SECS SERIES KIB BASE_SECS RUNS
row() {
    TABLE+=("$(awk -v task="$1" -v tool="$2" -v th="$3" -v s="$4" -v n="$5" \
        -v kib="$6" -v base="$7" -v runs="$8" 'BEGIN {
        rate = (s > 0 && n != "") ? sprintf("%.0f", n / s) : "-";
        mem = (kib == "") ? "-" : sprintf("%.0f", kib / 1024);
        ratio = (base == "" || base <= 0) ? "-" : sprintf("%.2f", s / base);
        printf "%-6s %-38s %7s %8.2f %10s %8s %6s  %s", task, tool, th, s, rate, mem, ratio, runs }')")
}
skip() {
    TABLE+=("$(printf '%-6s %-38s skipped (%s)' "$1" "$2" "$3")")
}
failed() { # failed NAME: the last line of its stderr, for skip
    tail -n 1 "$OUT/$1.err" | cut -c1-160
}

# --save writes into a copy: `silkstat info` also reads every result
# table (217,000 rows cost it 0.5 s at 10M rows), so the store that info
# and the other runs read stays as ingested.  Once untimed: writes
# results/all, so every timed save sees the same store (a save rewrites
# the whole store), and brings the files into the page cache, as for
# every tool after it.
rm -f "$SAVE_STORE" "$SAVE_STORE.lock"
cp "$STORE" "$SAVE_STORE" || exit 0
echo "silkstat trend --save all (warm-up) ..."
if ! "$SILKSTAT" trend --store "$SAVE_STORE" --quiet --save all 2> "$OUT/trend_warmup.err"; then
    echo "trend bench: skipped (silkstat trend failed: $(head -c 200 "$OUT/trend_warmup.err"))"
    exit 0
fi

# --- silkstat -----------------------------------------------------------------
echo "silkstat info (reads the store) ..."
READ_SECS=
if best "$REPEAT" trend_silk_read "$SILKSTAT" info --store "$STORE"; then
    READ_SECS=$SECS
    row read "silkstat info (reads every cube)" 1 "$SECS" "" "$KIB" "" "$RUNS"
else
    skip read "silkstat info" "failed: $(failed trend_silk_read)"
fi

echo "silkstat trend > csv (every core, then one) ..."
SERIES=; PAIRS=; TEXT=; TEXT1=
if best "$REPEAT" trend_silk_text "$SILKSTAT" trend --store "$STORE"; then
    TEXT=$SECS
    read -r SERIES PAIRS < <(awk -F, 'NR > 1 { s++; p += $5 * ($5 - 1) / 2 }
        END { printf "%d %.0f\n", s, p }' "$OUT/trend_silk_text.out")
    TEXT_ROW=("$SECS" "$KIB" "$RUNS")
else
    echo "trend bench: skipped (silkstat trend failed: $(failed trend_silk_text))"
    exit 0
fi
if best "$REPEAT" trend_silk_text1 "$SILKSTAT" trend --store "$STORE" --threads 1; then
    TEXT1=$SECS; TEXT1_ROW=("$SECS" "$KIB" "$RUNS")
fi

echo "silkstat trend --save all --quiet (every core, then one) ..."
SAVE=; SAVE1=
if best "$REPEAT" trend_silk_save "$SILKSTAT" trend --store "$SAVE_STORE" --quiet --save all; then
    SAVE=$SECS
    row trend "silkstat --save all --quiet" "$CORES" "$SECS" "$SERIES" "$KIB" "" "$RUNS"
else
    skip trend "silkstat --save all --quiet" "failed: $(failed trend_silk_save)"
fi
if best "$REPEAT" trend_silk_save1 "$SILKSTAT" trend --store "$SAVE_STORE" --quiet --save all --threads 1; then
    SAVE1=$SECS
    row trend "silkstat --save all --quiet" 1 "$SECS" "$SERIES" "$KIB" "" "$RUNS"
else
    skip trend "silkstat --save all --quiet --threads 1" "failed: $(failed trend_silk_save1)"
fi
# --quiet without --save prints and saves nothing: the reading and the
# computing alone, what is left when the output costs nothing.
echo "silkstat trend --quiet (no output; every core, then one) ..."
QUIET=
for th in "$CORES" 1; do
    if best "$REPEAT" "trend_silk_quiet$th" "$SILKSTAT" trend --store "$STORE" --quiet --threads "$th"; then
        [ "$th" = "$CORES" ] && QUIET=$SECS
        row trend "silkstat --quiet (no output)" "$th" "$SECS" "$SERIES" "$KIB" "" "$RUNS"
    else
        skip trend "silkstat --quiet --threads $th" "failed: $(failed "trend_silk_quiet$th")"
    fi
done
row trend "silkstat > csv" "$CORES" "${TEXT_ROW[0]}" "$SERIES" "${TEXT_ROW[1]}" "" "${TEXT_ROW[2]}"
if [ -n "$TEXT1" ]; then
    row trend "silkstat > csv" 1 "${TEXT1_ROW[0]}" "$SERIES" "${TEXT1_ROW[1]}" "" "${TEXT1_ROW[2]}"
else
    skip trend "silkstat > csv --threads 1" "failed: $(failed trend_silk_text1)"
fi

# --- numpy ----------------------------------------------------------------------
PY_H5=$OUT/trend_numpy.h5
PY_CSV=$OUT/trend_numpy.csv
PY_OK=
if [ -z "$HAVE_PY" ]; then
    skip trend "numpy OLS+MK+Sen" "$PYTHON cannot import pandas, numpy, h5py and scipy, or the pandas ingest failed"
else
    echo "numpy trend -> h5, then -> csv ..."
    if best "$REPEAT" trend_numpy_h5 "$PYTHON" bench/peer_pandas.py trend "$ARRAYS" "$PY_H5"; then
        PY_OK=1
        row trend "numpy OLS+MK+Sen -> h5 (vs --save)" 1 "$SECS" \
            "$(awk '/^series/ { print $2 }' "$OUT/trend_numpy_h5.out")" "$KIB" "$SAVE" "$RUNS"
        PY_PHASES=$(grep '^phases' "$OUT/trend_numpy_h5.out")
    else
        skip trend "numpy OLS+MK+Sen -> h5" "failed: $(failed trend_numpy_h5)"
    fi
    if best "$REPEAT" trend_numpy_csv "$PYTHON" bench/peer_pandas.py trend "$ARRAYS" "$PY_CSV"; then
        row trend "numpy OLS+MK+Sen -> to_csv (vs > csv)" 1 "$SECS" \
            "$(awk '/^series/ { print $2 }' "$OUT/trend_numpy_csv.out")" "$KIB" "$TEXT" "$RUNS"
    else
        skip trend "numpy OLS+MK+Sen -> to_csv" "failed: $(failed trend_numpy_csv)"
    fi
fi

# --- data.table -----------------------------------------------------------------
if [ -z "$HAVE_R" ]; then
    skip trend "data.table OLS only" "R=0, no $RSCRIPT with data.table, or its ingest failed"
else
    echo "data.table trend (OLS only) ..."
    if best "$PEER_REPEAT" trend_r "$RSCRIPT" bench/peer_datatable.R trend "$RDS" "$OUT/trend_datatable.csv"; then
        row trend "data.table OLS only -> fwrite" "$CORES" "$SECS" \
            "$(awk '/^series/ { print $2 }' "$OUT/trend_r.out")" "$KIB" "$TEXT" "$RUNS"
    else
        skip trend "data.table OLS only" "failed: $(failed trend_r)"
    fi
fi

# --- Holt: about HOLT_SERIES series ------------------------------------------------
# The selection: HOLT_INDICATORS, origins in code order until the series
# with >= 10 values reach HOLT_SERIES (counted in the text output above).
HOLT_LINES=()
if [ "$HOLT" != 0 ]; then
    read -r HOLT_ORIGINS HOLT_N10 < <(awk -F, -v want="$HOLT_SERIES" -v inds="$HOLT_INDICATORS" '
        BEGIN { k = split(inds, a, ","); for (i = 1; i <= k; i++) ind[a[i]] = 1 }
        NR > 1 && ($1 in ind) && $5 >= 10 { c[$2]++ }
        END {
            m = 0; for (o in c) names[++m] = o
            # insertion sort: a handful of hundred codes
            for (i = 2; i <= m; i++) { v = names[i]; j = i - 1
                while (j > 0 && names[j] > v) { names[j + 1] = names[j]; j-- }
                names[j + 1] = v }
            total = 0; list = ""
            for (i = 1; i <= m && total < want; i++) { list = list (list == "" ? "" : ",") names[i]; total += c[names[i]] }
            print (list == "" ? "-" : list), total }' "$OUT/trend_silk_text.out")
    HOLT_ARGS=(--method holt --indicator "$HOLT_INDICATORS" --origin "$HOLT_ORIGINS")
    echo "silkstat trend --method holt on $HOLT_N10 series with >= 10 values (every core, then one) ..."
    HOLT_SILK=; HOLT_FIT=
    if OKSTATUS=1 best "$REPEAT" trend_holt_silk "$SILKSTAT" trend --store "$STORE" "${HOLT_ARGS[@]}"; then
        HOLT_SILK=$SECS
        # fitted: rows with a holt_alpha; too short (3 values): an error line
        HOLT_FIT=$(awk -F, 'NR > 1 && $8 != "" { n++ } END { print n + 0 }' "$OUT/trend_holt_silk.out")
        HOLT_SHORT=$(grep -c 'needs at least 4' "$OUT/trend_holt_silk.err")
        row holt "silkstat --method holt" "$CORES" "$SECS" "$HOLT_FIT" "$KIB" "" "$RUNS"
    else
        skip holt "silkstat --method holt" "failed: $(failed trend_holt_silk)"
    fi
    if OKSTATUS=1 best "$REPEAT" trend_holt_silk1 "$SILKSTAT" trend --store "$STORE" "${HOLT_ARGS[@]}" --threads 1; then
        row holt "silkstat --method holt" 1 "$SECS" "$HOLT_FIT" "$KIB" "" "$RUNS"
    else
        skip holt "silkstat --method holt --threads 1" "failed: $(failed trend_holt_silk1)"
    fi
    if [ -z "$HAVE_PY" ] || ! "$PYTHON" -c 'import statsmodels' > /dev/null 2>&1; then
        skip holt "statsmodels" "$PYTHON cannot import statsmodels, or the pandas ingest failed"
    else
        echo "statsmodels ExponentialSmoothing on the same series ..."
        if best "$PEER_REPEAT" trend_holt_sm "$PYTHON" bench/peer_pandas.py holt "$ARRAYS" \
                "$HOLT_INDICATORS" "$HOLT_ORIGINS" "$OUT/trend_holt_sm.csv"; then
            row holt "statsmodels ExponentialSmoothing" 1 "$SECS" \
                "$(awk '/^series/ { print $2 }' "$OUT/trend_holt_sm.out")" "$KIB" "$HOLT_SILK" "$RUNS"
            [ -n "$HOLT_SILK" ] && mapfile -t HOLT_LINES < <("$PYTHON" bench/peer_pandas.py \
                holt-compare "$OUT/trend_holt_silk.out" "$OUT/trend_holt_sm.csv" 2>&1)
        else
            skip holt "statsmodels" "failed: $(failed trend_holt_sm)"
        fi
    fi
fi

# --- the table --------------------------------------------------------------------
echo
echo "silkstat trend bench: $ROWS rows ($FILE), $SERIES series with >= 3 values," \
    "$PAIRS Mann-Kendall/Sen pairs; $CORES cores; best of $REPEAT runs" \
    "(R and statsmodels: $PEER_REPEAT)"
printf '%-6s %-38s %7s %8s %10s %8s %6s  %s\n' task tool threads seconds series/s "peak MiB" ratio "all runs (s)"
for line in "${TABLE[@]}"; do
    echo "$line"
done
echo "ratio = peer seconds / silkstat's at $CORES threads for the same output" \
    "(above 1: silkstat is faster)"
[ -n "${PY_PHASES:-}" ] && echo "numpy -> h5 $PY_PHASES (inside the process, last run)"
if [ -n "$READ_SECS" ]; then
    awk -v r="$READ_SECS" -v q="$QUIET" -v s="$SAVE" -v t="$TEXT" 'BEGIN {
        printf "reading the store alone: %.2f s = %.0f%% of the --save run, %.0f%% of the text run\n",
            r, (s > 0) ? 100 * r / s : 0, (t > 0) ? 100 * r / t : 0
        if (q != "")
            printf "reading and computing, no output: %.2f s; so the output costs %.2f s (--save) and %.2f s (text)\n",
                q, s - q, t - q }'
fi
awk -v s="$SAVE" -v t="$TEXT" -v p="$PAIRS" -v rows="$ROWS" 'BEGIN {
    best = (s != "" && s + 0 < t + 0) ? s : t; scaled = 1.5 * p / 480e6
    printf "goal (trend suite issue, a 10M-row file): OLS + MK + Sen for every series in under 1.5 s on 2 cores; %.2f s with --save, %.2f s as text: %s\n",
        s, t, (rows != 10000000) ? "(this file has " rows " rows)" : (best + 0 < 1.5) ? "met" : "not met"
    printf "  scaled by pairs (the issue counts about 480M, this file %.0fM): %.2f s: %s\n",
        p / 1e6, scaled, (best + 0 < scaled) ? "met" : "not met" }'
if [ "$HOLT" != 0 ] && [ -n "${HOLT_FIT:-}" ]; then
    echo "holt selection: --indicator $HOLT_INDICATORS --origin $(echo "$HOLT_ORIGINS" | awk -F, '{ print NF }') codes" \
        "($(echo "$HOLT_ORIGINS" | cut -c1-23)...); $HOLT_N10 series with >= 10 values;" \
        "$HOLT_FIT fitted (>= 4 values), ${HOLT_SHORT:-0} with 3 values refused (silkstat exits 1 for them)"
    for line in "${HOLT_LINES[@]}"; do
        echo "$line"
    done
fi

# --- agreement --------------------------------------------------------------------
if [ -n "$PY_OK" ] && [ -n "$SAVE" ]; then
    "$PYTHON" bench/peer_pandas.py compare "$SAVE_STORE" "$PY_H5" ||
        echo "agreement check skipped (compare failed)"
    "$PYTHON" bench/peer_pandas.py compare "$OUT/trend_silk_text.out" "$PY_H5" ||
        echo "agreement check skipped (compare failed)"
fi
exit 0
