# CLI: a tidy file of more than 4 MiB is read in parts on every core; the
# store must be the one a single pass writes (SILKSTAT_SPLIT=off), and an
# error in a later part must read as it does in one pass.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5

# 30 codes, every pair, 3 indicators, 50 years: 130,500 rows, 5.2 MB
awk 'BEGIN {
    n = split("AFG IRN SYR TUR DEU AUT PAK IRQ SDN UGA KEN ETH SOM YEM LBN JOR EGY LBY TCD NER MLI BFA NGA CMR CAF COD SSD ERI VEN COL", c, " ")
    split("refugees asylum_seekers returns", ind, " ")
    print "indicator,origin,destination,period,value,flag,unit,source"
    row = 0
    for (i = 1; i <= 3; i++)
        for (o = 1; o <= n; o++)
            for (d = 1; d <= n; d++) {
                if (o == d) continue
                for (y = 1974; y < 2024; y++) {
                    row++
                    v = (row * 7919) % 100000
                    printf "%s,%s,%s,%d,%s,%s,,%s\n", ind[i], c[o], c[d], y,
                        (row % 31 == 0) ? "" : v, (row % 47 == 0) ? "p" : "",
                        (row % 5000 == 0) ? "split test" : ""
                }
            }
}' > big.csv

# dump STORE OUT: what the store holds, without the commit time
dump() {
    "$SILKSTAT" info --store "$1" | grep -v 'T[0-9][0-9]:[0-9][0-9]' > "$2.info"
    if command -v h5dump > /dev/null 2>&1; then
        h5dump "$1" | grep -v 'T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' > "$2"
    else
        cp "$2.info" "$2"
    fi
}

for mode in off auto always; do
    rm -f $S $S.lock
    SILKSTAT_SPLIT=$mode "$SILKSTAT" ingest --store $S --quiet big.csv \
        > $mode.out 2> $mode.err
    echo "exit $?" >> $mode.out
    dump $S $mode.dump
done
if grep -q 'exit 0' off.out; then ok "one pass reads the file"; else
    not_ok "one pass reads the file"; sed 's/^/#   /' off.err; fi
for mode in auto always; do
    if cmp -s off.dump $mode.dump && cmp -s off.out $mode.out &&
        cmp -s off.err $mode.err; then
        ok "SILKSTAT_SPLIT=$mode: the same store as one pass"
    else
        not_ok "SILKSTAT_SPLIT=$mode: the same store as one pass"
        diff off.dump $mode.dump | head -n 10 | sed 's/^/#   /'
    fi
done

# an error near the end, and a duplicate of line 2 with another value
sed '130000s/,[0-9]*,\([p]*\),,/,12x,\1,,/' big.csv > bad.csv
awk -F, -v OFS=, 'NR == 2 { first = $0 } { print }
    END { $0 = first; $5 = 99999999; print }' big.csv > dup.csv
for file in bad dup; do
    for mode in off always; do
        SILKSTAT_SPLIT=$mode "$SILKSTAT" ingest --store $S --quiet $file.csv \
            > $file.$mode.out 2> $file.$mode.err
        echo "exit $?" >> $file.$mode.out
    done
    if cmp -s $file.off.err $file.always.err &&
        cmp -s $file.off.out $file.always.out; then
        ok "$file.csv: the same message both ways"
    else
        not_ok "$file.csv: the same message both ways"
        diff $file.off.err $file.always.err | sed 's/^/#   /'
    fi
done
if grep -q "^silkstat: bad.csv:130000:5: '12x' in column 'value' is not a number" bad.always.err; then
    ok "the line of an error in a later part"; else
    not_ok "the line of an error in a later part"; sed 's/^/#   /' bad.always.err; fi
if grep -q "^silkstat: dup.csv:130502:5: duplicate key (refugees, AFG, IRN, 1974) with a different value than on line 2" dup.always.err; then
    ok "a duplicate across parts names both lines"; else
    not_ok "a duplicate across parts names both lines"; sed 's/^/#   /' dup.always.err; fi
finish
