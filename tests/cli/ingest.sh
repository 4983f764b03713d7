# CLI: ingest, info, series; upsert; a failed ingest leaves the store as
# it was; error messages name file, line and column.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5

cat > a.csv <<'CSV'
indicator,origin,destination,period,value,flag,unit,source
refugees,AFG,IRN,2022,3400000,,persons,UNHCR test
refugees,AFG,IRN,2023,3700000,p,persons,UNHCR test
refugees,AFG,IRN,2024,,,persons,UNHCR test
refugees,AFG,PAK,2023,2000000,,persons,UNHCR test
population,AFG,,2023,41454761,,persons,WB test
CSV
# the same columns in another order, CRLF endings and a BOM
printf '\357\273\277period,value,indicator,destination,origin\r\n2022,12.5,remittances,,BGD\r\n' > b.csv

run ingest --store $S a.csv b.csv
expect_status 0 "ingest two files"
run series --store $S --indicator refugees --origin AFG --destination IRN
expect_status 0 "series"
expect_out "period,value,flag
2022,3400000,
2023,3700000,p
2024,," "series prints missing as empty and keeps the flag"
run series --store $S --indicator population --origin AFG --destination -
expect_out "period,value,flag
2023,41454761," "country-level series with destination '-'"
run series --store $S --indicator remittances --origin BGD --destination - --json
expect_out '[
  {"period": "2022", "value": 12.5, "flag": ""}
]' "series --json from a BOM + CRLF file"

# upsert: change one cell, add a period; the rest stays
cat > c.csv <<'CSV'
indicator,origin,destination,period,value
refugees,AFG,IRN,2023,3690000
refugees,AFG,IRN,2025,758339
CSV
run ingest --store $S c.csv
expect_status 0 "re-ingest"
run series --store $S --indicator refugees --origin AFG --destination IRN
expect_out "period,value,flag
2022,3400000,
2023,3690000,
2024,,
2025,758339," "upsert updates cells and adds periods"
run series --store $S --indicator refugees --origin AFG --destination PAK
expect_out "period,value,flag
2022,,
2023,2000000,
2024,,
2025,," "upsert leaves the other series"

run info --store $S
expect_status 0 "info"
if grep -q "refugees .*persons .*annual .*1 origins x   2 destinations x   4 periods, 4 values, 2022-2025" "$TMP/.stdout" &&
   grep -q "provenance (3 ingested files)" "$TMP/.stdout"; then
    ok "info lists indicators with counts and provenance"
else not_ok "info lists indicators with counts and provenance"; cat "$TMP/.stdout"; fi
sum=$(sha256sum c.csv | cut -d' ' -f1)
run info --store $S --json
if /usr/bin/python3 -c "
import json,sys
d=json.load(open('$TMP/.stdout'))
p=d['provenance'][-1]
assert p['file']=='c.csv' and p['sha256']=='$sum' and p['rows']==2, p
assert [i['name'] for i in d['indicators']]==['population','refugees','remittances'], d
"; then ok "info --json parses, provenance has the file's SHA-256"; else not_ok "info --json"; fi

# a bad file changes nothing
cp $S before.h5
bad() { # NAME CONTENT EXPECTED-FIRST-LINE
    printf "$2" > "$1"
    run ingest --store $S "$1"
    expect_status 1 "$1 rejected"
    expect_err_line "$3" "$1 message"
    if cmp -s $S before.h5; then ok "$1 leaves the store unchanged"; else
        not_ok "$1 changed the store"; fi
}
H='indicator,origin,destination,period,value\n'
bad nonnumeric.csv "${H}refugees,AFG,IRN,2020,12x\n" \
    "silkstat: nonnumeric.csv:2:5: '12x' in column 'value' is not a number; expected a decimal value such as 1234 or 12.5, or an empty field for missing"
bad period.csv "${H}refugees,AFG,IRN,2020-13,1\n" \
    "silkstat: period.csv:2:4: '2020-13' in column 'period' is not a period; expected YYYY, YYYY-Qn or YYYY-MM such as 2024, 2024-Q3 or 2024-07"
bad code.csv "${H}refugees,Iran,IRN,2020,1\n" \
    "silkstat: code.csv:2:2: 'Iran' in column 'origin' is not a country code; expected three capital letters such as AFG"
bad conflict.csv "${H}refugees,AFG,IRN,2020,1\nrefugees,AFG,IRN,2020,2\n" \
    "silkstat: conflict.csv:3:5: duplicate key (refugees, AFG, IRN, 2020) with a different value than on line 2; expected each key once per file"
bad empty.csv "" \
    "silkstat: empty.csv:1:1: empty file; expected a header row naming the columns indicator, origin, destination, period, value (required, any order), flag, unit, source (optional)"

# SILKSTAT_STORE names the default store; --store wins over it
SILKSTAT_STORE=env.h5 "$SILKSTAT" ingest --quiet c.csv 2>"$TMP/.stderr"
if [ -f env.h5 ] && [ ! -f silkstat.h5 ]; then ok "SILKSTAT_STORE sets the store"; else not_ok "SILKSTAT_STORE"; fi
(unset SILKSTAT_STORE; "$SILKSTAT" ingest --quiet c.csv)
if [ -f silkstat.h5 ]; then ok "default store is ./silkstat.h5"; else not_ok "default store"; fi

# A header and exactly 8 rows without a final newline: format detection
# reads 8 records, and the 9th arrives only at the end of the file (a
# valid file once failed here with an empty message; found by make fuzz).
{ echo "indicator,origin,destination,period,value"
  for y in 2001 2002 2003 2004 2005 2006 2007; do echo "n8,AFG,,$y,1"; done
  printf 'n8,AFG,,2008,8'; } > eight.csv
run ingest --store $S eight.csv
expect_status 0 "8 rows without a final newline"

run ingest --store $S missing.csv
expect_status 1 "missing file"
expect_err_line "silkstat: cannot open 'missing.csv': No such file or directory" "missing file message"
run ingest
expect_status 2 "ingest without files is a usage error"
run frobnicate
expect_status 2 "unknown command"
run series --store nothere.h5 --indicator x --origin AFG --destination -
expect_status 1 "series on a missing store"
run series --store $S --indicator nope --origin AFG --destination -
expect_status 1 "unknown indicator"
finish
