# bench/common.sh: what bench/run.sh, bench/trend.sh and
# bench/ingest_pairs.sh share, sourced from the repository's top folder:
# the settings read from the environment, the generator (built and run),
# libcsv alone (csv_floor, built), and `timed`.  Defines
# functions and variables only; a failure sets BENCH_SKIP to the reason
# and the caller prints it and exits 0 (benchmarks never fail).
#
# Environment: SILKSTAT (default build/silkstat), SEED (default 1),
# CC (default cc), PYTHON (default /usr/bin/python3), RSCRIPT (default
# Rscript), TIDY (compact, the default: unit and source left empty, about
# 36 bytes a row; full: both filled, about 70).

SEED=${SEED:-1}
SILKSTAT=${SILKSTAT:-build/silkstat}
CC=${CC:-cc}
PYTHON=${PYTHON:-/usr/bin/python3}
RSCRIPT=${RSCRIPT:-Rscript}
TIDY=${TIDY:-compact}
OUT=build/bench
BENCH_SKIP=

case $TIDY in
    compact) GEN_FLAGS=--compact ;;
    full) GEN_FLAGS= ;;
    *) BENCH_SKIP="TIDY must be compact or full, got '$TIDY'" ;;
esac
case $SEED in
    '' | *[!0-9]*) BENCH_SKIP="SEED must be a non-negative integer, got '$SEED'" ;;
esac

# build_generator: builds $OUT/gen_tidy when missing or older than its
# source.  -ffp-contract=off: no fused multiply-add, so the file is the
# same on every machine (see gen_tidy.c).  Rebuilt only when its source
# changed, so a generated file is kept while the generator is the same.
build_generator() {
    mkdir -p "$OUT" || return 1
    if [ ! -x "$OUT/gen_tidy" ] || [ bench/gen_tidy.c -nt "$OUT/gen_tidy" ]; then
        if ! $CC -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -Wshadow \
                -Wstrict-prototypes -Wmissing-prototypes \
                -o "$OUT/gen_tidy" bench/gen_tidy.c; then
            rm -f "$OUT/gen_tidy"
            return 1
        fi
    fi
    return 0
}

# build_floor: builds $OUT/csv_floor (libcsv alone, bench/csv_floor.c)
# when missing or older than its source; on failure removes it (the
# compiler's messages in $OUT/csv_floor.build) and returns 1.
build_floor() {
    mkdir -p "$OUT" || return 1
    if [ ! -x "$OUT/csv_floor" ] || [ bench/csv_floor.c -nt "$OUT/csv_floor" ]; then
        if ! $CC -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Wshadow \
                -Wstrict-prototypes -Wmissing-prototypes \
                -o "$OUT/csv_floor" bench/csv_floor.c -lcsv 2> "$OUT/csv_floor.build"; then
            rm -f "$OUT/csv_floor"
            return 1
        fi
    fi
    return 0
}

# generate ROWS: sets GENERATED to the file (kept and reused while
# gen_tidy is unchanged).
generate() {
    GENERATED=$OUT/tidy_${TIDY}_${1}_seed${SEED}.csv
    if [ ! -s "$GENERATED" ] || [ "$OUT/gen_tidy" -nt "$GENERATED" ]; then
        echo "generating $GENERATED ..."
        if ! "$OUT/gen_tidy" $GEN_FLAGS "$1" "$SEED" > "$GENERATED.tmp"; then
            rm -f "$GENERATED.tmp"
            return 1
        fi
        mv "$GENERATED.tmp" "$GENERATED"
    fi
    return 0
}

# timed NAME CMD...: runs CMD with stdout to $OUT/NAME.out, stderr to
# $OUT/NAME.err; sets SECS and KIB (peak resident set).  Returns CMD's
# status.
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
