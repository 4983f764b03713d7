#!/bin/sh
# make fuzz: build the libFuzzer harness with clang (ASan + UBSan) and run
# it for FUZZ_SECONDS (default 120) from a seed corpus of the test fixtures
# and the bundled data.  Prints libFuzzer's figures; crashes land in
# build/fuzz/ as crash-* files.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${FUZZ_SECONDS:-120}
OUT=build/fuzz
mkdir -p "$OUT/corpus"
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
PKG=$(pkg-config --cflags gsl hdf5-serial inih 2>/dev/null || pkg-config --cflags gsl hdf5 inih)
LIBS="$(pkg-config --libs-only-L hdf5-serial 2>/dev/null) -lhdf5_hl $(pkg-config --libs gsl hdf5-serial inih 2>/dev/null) -lcsv -lpthread -lm"
# shellcheck disable=SC2086
clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $FLAGS -Iinclude -Isrc $PKG \
    tests/fuzz/fuzz_ingest.c src/core/*.c src/ingest/*.c -o "$OUT/fuzz_ingest" $LIBS
cp tests/data/ingest/*.csv "$OUT/corpus/" 2>/dev/null || true
head -c 4000 datasets/wb_silk5.csv > "$OUT/corpus/wb-head.csv"
head -c 4000 datasets/unhcr_solutions_silk5.csv > "$OUT/corpus/solutions-head.csv"
# The real downloads (UNHCR, World Bank, UN DESA, ...) when the shared
# folder is there: the first 4 KB of each, cut at a line end.
SHARED=${SHARED_DATASETS:-../shared/datasets}
if [ -d "$SHARED" ]; then
    for f in "$SHARED"/*.csv "$SHARED"/*.tsv "$SHARED"/*.txt; do
        [ -f "$f" ] || continue
        if [ "$(wc -c < "$f")" -gt 4096 ]; then
            head -c 4096 "$f" | sed '$d' > "$OUT/corpus/shared-$(basename "$f")"
        else
            cp "$f" "$OUT/corpus/shared-$(basename "$f")"
        fi
    done
fi
echo "fuzz: $(ls "$OUT/corpus" | wc -l) files in the corpus; running ${SECONDS_TO_RUN} s"
export SILK_FUZZ_COUNTRIES="$(pwd)/datasets/countries.csv"
cd "$OUT"
./fuzz_ingest -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -print_final_stats=1 corpus 2>&1 |
    grep -E 'stat::|Done|ERROR|SUMMARY|crash-' || true
