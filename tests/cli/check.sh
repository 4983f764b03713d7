# CLI: the bad-file corpus (tests/corpus: each NAME.csv with the exact
# first stderr line of a plain ingest in NAME.expected, extra arguments in
# NAME.args, an exit status other than 1 in NAME.status), the store left
# byte-identical by every one; `ingest --check` listing every problem
# grouped and counted, in text and JSON, never touching the store; sanity
# warnings that do not block a plain ingest.
. "$(dirname "$0")/lib.sh"
ROOT=$(pwd)
S=$TMP/store.h5

printf 'indicator,origin,destination,period,value,flag,unit\nrefugees,AFG,IRN,2019,3000000,,persons\n' > "$TMP/good.csv"
run ingest --store "$S" --quiet "$TMP/good.csv"
expect_status 0 "a store from a good file"
cp "$S" "$TMP/before.h5"

# ---- the corpus, from the repository root so paths read tests/corpus/...
# Each file twice: as read (one pass: these files are small) and cut in
# two (SILKSTAT_SPLIT=always), where most fields are used in place rather
# than copied (reader.c); the messages must not differ.
n_corpus=0
for expected in tests/corpus/*.expected; do
    name=${expected%.expected}
    base=$(basename "$name")
    want_status=1
    [ -f "$name.status" ] && want_status=$(cat "$name.status")
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    for split in auto always; do
        # shellcheck disable=SC2086 # args holds whole words on purpose
        SILKSTAT_SPLIT=$split run ingest --store "$S" $args "$name.csv"
        expect_status "$want_status" "corpus $base rejected ($split)"
        expect_err_line "$(cat "$expected")" "corpus $base message ($split)"
        if cmp -s "$S" "$TMP/before.h5"; then
            ok "corpus $base leaves the store unchanged ($split)"
        else
            not_ok "corpus $base changed the store ($split)"
            cp "$TMP/before.h5" "$S"
        fi
    done
    n_corpus=$((n_corpus + 1))
done
if [ "$n_corpus" -ge 40 ]; then ok "corpus has $n_corpus bad files"
else not_ok "corpus has only $n_corpus bad files; expected at least 40"; fi

cd "$TMP" || exit 1

# ---- --check: every problem of two files, grouped and counted
cat > m1.csv <<'CSV'
indicator,origin,destination,period,value,flag,unit
refugees,AFG,IRN,2020,abc,,persons
refugees,AFG,IRN,2021,12,,persons
refugees,AFG,IRN,2022,250000,,persons
refugees,AFG,IRN,2023,15,,persons
refugees,AFG,AFG,2023,15,,persons
refugees,AFG,PAK,1900,-3,,persons
refugees,AFG,PAK,2024,1,,persons,x
refugees,AFG,PAK,2025,xyz,,persons
CSV
# the quote error comes after the first 8 records: those are read once
# first to detect the format, and an error there ends the file at once
{
    printf 'indicator,origin,destination,period,value\nrefugees,PAK,IRN,2020-13,5\n'
    for year in 2001 2002 2003 2004 2005 2006 2007 2008; do
        echo "refugees,PAK,IRN,$year,5"
    done
    printf 'refugees,"PAK,IRN,2021,5\n'
} > m2.csv
cp "$S" check-before.h5
run ingest --check --store "$S" m1.csv m2.csv
expect_status 1 "--check with errors"
expect_out "error (2): column 'value' is not a number
  m1.csv:2:5: 'abc' in column 'value' is not a number; expected a decimal value such as 1234 or 12.5, or an empty field for missing
  m1.csv:9:5: 'xyz' in column 'value' is not a number; expected a decimal value such as 1234 or 12.5, or an empty field for missing
error (1): line N has N fields
  m1.csv:8:8: line 8 has 8 fields; expected 7 as in the header
error (1): column 'period' is not a period
  m2.csv:2:4: '2020-13' in column 'period' is not a period; expected YYYY, YYYY-Qn or YYYY-MM such as 2024, 2024-Q3 or 2024-07
error (1): quote opened here in column 'origin' is never closed
  m2.csv:11:2: quote opened here in column 'origin' is never closed; expected a closing '\"' (write a quote inside a quoted field as \"\")
warning (1): origin and destination are the same, which is impossible for indicator 'refugees'
  m1.csv:6:3: origin and destination are the same (AFG), which is impossible for indicator 'refugees'; expected people counted outside their own country (only IDPs stay in it)
warning (1): column 'period' is an implausible year
  m1.csv:7:4: '1900' in column 'period' is an implausible year; expected 1950 or later
warning (1): column 'value' is a negative number of persons
  m1.csv:7:5: '-3' in column 'value' is a negative number of persons; check the sign and the unit
warning (1): a value 1000 times above or below both neighbours in its series
  m1.csv:4:5: indicator refugees, AFG -> IRN, period 2022: 250000 jumps from 12 in 2021 and 15 in 2023 (x16667); check for a unit or typing error
5 errors, 4 warnings in 2 files" "--check lists every problem grouped and counted"
if [ -s "$TMP/.stderr" ]; then not_ok "--check writes nothing to stderr"; cat "$TMP/.stderr"
else ok "--check writes nothing to stderr"; fi
if cmp -s "$S" check-before.h5; then ok "--check leaves the store unchanged"
else not_ok "--check changed the store"; fi

run ingest --check --json --store "$S" m1.csv m2.csv
expect_status 1 "--check --json with errors"
if /usr/bin/python3 -c "
import json
d = json.load(open('$TMP/.stdout'))
assert d['errors'] == 5 and d['warnings'] == 4 and d['files'] == 2, d
kinds = [(g['severity'], g['kind'], g['count']) for g in d['groups']]
assert kinds[0] == ('error', \"column 'value' is not a number\", 2), kinds
assert [k[0] for k in kinds] == ['error'] * 4 + ['warning'] * 4, kinds
assert sum(g['count'] for g in d['groups']) == 9
p = d['groups'][0]['problems'][1]
assert (p['file'], p['line'], p['column']) == ('m1.csv', 9, 5), p
assert p['message'].startswith(\"'xyz' in column 'value' is not a number;\"), p
j = d['groups'][-1]['problems'][0]
assert j['file'] == 'm1.csv' and j['line'] == 4 and j['column'] == 5 and j['message'].startswith('indicator refugees, AFG -> IRN, period 2022: 250000 jumps'), j
"; then ok "--check --json parses with the right counts and positions"
else not_ok "--check --json"; cat "$TMP/.stdout"; fi

# --check never creates a store, and exits 0 on warnings alone
printf 'indicator,origin,destination,period,value\nrefugees,AFG,IRN,2150,5\n' > future.csv
run ingest --check --store none.h5 future.csv
expect_status 0 "--check with warnings only"
expect_out "warning (1): column 'period' is an implausible year
  future.csv:2:4: '2150' in column 'period' is an implausible year; expected at most next year
0 errors, 1 warning in 1 file" "--check lists a future year as a warning"
if [ -e none.h5 ] || [ -e none.h5.lock ]; then not_ok "--check created a store"
else ok "--check creates no store"; fi
run ingest --check --store none.h5 "$TMP/good.csv"
expect_status 0 "--check on a good file"
expect_out "0 errors, 0 warnings in 1 file" "--check on a good file says so"
SILKSTAT_STORE=env.h5 "$SILKSTAT" ingest --check m1.csv >/dev/null 2>&1
if [ -e env.h5 ]; then not_ok "--check created \$SILKSTAT_STORE"
else ok "--check leaves \$SILKSTAT_STORE alone"; fi

# a group lists its first 100 problems and counts the rest
{
    echo "indicator,origin,destination,period,value"
    i=1900
    while [ $i -lt 2005 ]; do echo "refugees,AFG,IRN,$i,x$i"; i=$((i + 1)); done
} > many.csv
run ingest --check many.csv
expect_status 1 "--check on 105 bad values"
if [ "$(grep -c "^  many.csv:" "$TMP/.stdout")" -eq 100 ] &&
   grep -qx "  ... and 5 more" "$TMP/.stdout" &&
   grep -qx "error (105): column 'value' is not a number" "$TMP/.stdout" &&
   [ "$(tail -n 1 "$TMP/.stdout")" = "105 errors, 0 warnings in 1 file" ]; then
    ok "--check lists 100 problems of a group and counts the rest"
else not_ok "--check cap"; tail -n 3 "$TMP/.stdout"; fi

run ingest --json m1.csv
expect_status 2 "--json without --check is a usage error"
expect_err_line "silkstat: --json applies to ingest --check only" "--json without --check message"

# ---- warnings do not block a plain ingest
cat > w.csv <<'CSV'
indicator,origin,destination,period,value,unit
refugees,AFG,AFG,2020,10,persons
idps,AFG,AFG,2020,10,persons
refugees,UNK,UNK,2020,10,persons
refugees,AFG,IRN,2150,10,persons
refugees,AFG,PAK,2020,-4,persons
CSV
run ingest --store w.h5 w.csv
expect_status 0 "a plain ingest with warnings succeeds"
printf '%s\n' \
    "silkstat: warning: w.csv:2:3: origin and destination are the same (AFG), which is impossible for indicator 'refugees'; expected people counted outside their own country (only IDPs stay in it)" \
    "silkstat: warning: w.csv:5:4: '2150' in column 'period' is an implausible year; expected at most next year" \
    "silkstat: warning: w.csv:6:5: '-4' in column 'value' is a negative number of persons; check the sign and the unit" > want.err
if cmp -s want.err "$TMP/.stderr"; then ok "a plain ingest prints its warnings"
else not_ok "plain ingest warnings"; diff want.err "$TMP/.stderr" | sed 's/^/#   /'; fi
expect_out "ingested 5 rows from 1 file into w.h5: refugees, idps" "the rows are written despite warnings"
run series --store w.h5 --indicator refugees --origin AFG --destination PAK
expect_out "period,value,flag
2020,-4,
2150,," "a warned value is stored as read"

# at most 20 warnings, then how many more
{
    echo "indicator,origin,destination,period,value,unit"
    i=2000
    while [ $i -lt 2025 ]; do echo "refugees,AFG,IRN,$i,-$i,persons"; i=$((i + 1)); done
} > neg.csv
run ingest --store w.h5 neg.csv
expect_status 0 "25 warnings do not block"
if [ "$(grep -c "^silkstat: warning: neg.csv:" "$TMP/.stderr")" -eq 20 ] &&
   [ "$(tail -n 1 "$TMP/.stderr")" = "silkstat: warning: ... and 5 more warnings (see ingest --check)" ]; then
    ok "a plain ingest prints 20 warnings and counts the rest"
else not_ok "warning cap"; cat "$TMP/.stderr"; fi

# a plain ingest still stops at the first error and prints no warnings
cp "$S" plain-before.h5
run ingest --store "$S" m1.csv
expect_status 1 "plain ingest of m1.csv"
if [ -s "$TMP/.stdout" ]; then not_ok "a failed ingest prints nothing on stdout"
else ok "a failed ingest prints nothing on stdout"; fi
printf '%s\n' \
    "silkstat: m1.csv:2:5: 'abc' in column 'value' is not a number; expected a decimal value such as 1234 or 12.5, or an empty field for missing" \
    "silkstat: nothing was written to $S" > want.err
if cmp -s want.err "$TMP/.stderr"; then ok "a plain ingest stops at the first error"
else not_ok "plain ingest first error"; diff want.err "$TMP/.stderr" | sed 's/^/#   /'; fi
if cmp -s "$S" plain-before.h5; then ok "m1.csv leaves the store unchanged"
else not_ok "m1.csv changed the store"; fi

finish
