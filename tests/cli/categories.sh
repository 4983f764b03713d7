# CLI: an indicator split by categorical columns (UNHCR's asylum tables):
# the plain value is the sum over categories, --where sums a choice, info
# states the default; and --indicator FILE=NAME names one file of several.
# Expected values are sums of the fixture rows, worked out by hand.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5

cat >decisions.csv <<'EOF'
year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,procedure_type,dec_level,dec_pc,dec_recognized,dec_other,dec_rejected,dec_closed,dec_total
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,FI,P,100,20,10,5,135
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,AR,P,30,2,8,0,40
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,NA,C,1,0,0,0,1
2024,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,FI,P,200,40,20,10,270
EOF
cat >netm.csv <<'EOF'
Country Name,Country Code,Year,Value
Afghanistan,AFG,2023,-100
EOF
cat >gdp.csv <<'EOF'
Country Name,Country Code,Year,Value
Afghanistan,AFG,2023,17000000000
EOF

run ingest --store $S decisions.csv --indicator netm.csv=SM.POP.NETM netm.csv \
    --indicator "$TMP/gdp.csv=NY.GDP.MKTP.CD" gdp.csv
expect_status 0 "two per-indicator files named one by one, with a categorical table"
grep -q "dec_recognized, dec_other, dec_rejected, dec_closed, dec_total, SM.POP.NETM, NY.GDP.MKTP.CD" "$TMP/.stdout" &&
    ok "FILE=NAME by base name and by path" || { not_ok "indicator names"; cat "$TMP/.stdout"; }

run series --store $S --indicator dec_recognized --origin AFG --destination DEU
expect_out "period,value,flag
2023,131,
2024,200," "the default value sums every category (100 + 30 + 1)"
run series --store $S --indicator dec_recognized --origin AFG --destination DEU --where dec_level=FI,AR
expect_out "period,value,flag
2023,130,
2024,200," "--where with two values (100 + 30)"
run series --store $S --indicator dec_recognized --origin AFG --destination DEU --where dec_level=NA
expect_out "period,value,flag
2023,1,
2024,," "NA is a code, not a missing value; a year without it is missing"
run series --store $S --indicator dec_total --origin AFG --destination DEU --where dec_pc=P --where dec_level=AR
expect_out "period,value,flag
2023,40,
2024,," "two --where conditions"

run series --store $S --indicator dec_total --origin AFG --destination DEU --where dec_level=XX
expect_status 2 "an unknown category value"
expect_err_line "silkstat: 'XX' never occurs in column 'dec_level' of indicator 'dec_total'; expected one of: 'AR', 'FI', 'NA'" "the message lists the known values"
run series --store $S --indicator SM.POP.NETM --origin AFG --destination - --where dec_level=FI
expect_status 2 "--where on an indicator without categories"
run series --store $S --indicator dec_total --origin AFG --destination DEU --where dec_level
expect_status 2 "--where without a value"

run trend --store $S --origin AFG --destination DEU --where dec_pc=P
expect_status 0 "trend over every indicator with dec_pc (two points each: no rows)"
test "$(wc -l <"$TMP/.stdout")" -eq 1 && ok "indicators without the column are skipped" ||
    { not_ok "trend rows"; cat "$TMP/.stdout"; }

run info --store $S
grep -q "split by procedure_type (1: G), dec_level (3: AR FI NA), dec_pc (2: C P)" "$TMP/.stdout" &&
    ok "info lists the categorical columns and their values" || { not_ok "info categories"; cat "$TMP/.stdout"; }
grep -q "3 categories, 3 series; value = the sum over every category" "$TMP/.stdout" &&
    ok "info states the default aggregation" || not_ok "info aggregation"
run info --store $S --json
/usr/bin/python3 - "$TMP/.stdout" <<'EOF' && ok "info --json carries the categories" || not_ok "info --json categories"
import json, sys
info = json.load(open(sys.argv[1]))
ind = {i["name"]: i for i in info["indicators"]}
c = ind["dec_total"]["categories"]
assert c["count"] == 3 and c["series"] == 3, c
assert [x["name"] for x in c["columns"]] == ["procedure_type", "dec_level", "dec_pc"]
assert c["columns"][1]["values"] == ["AR", "FI", "NA"]
assert "categories" not in ind["SM.POP.NETM"]
EOF

run ingest --store $S --indicator nosuch.csv=X decisions.csv
expect_status 2 "FILE=NAME for a file not given"
expect_err_line "silkstat: --indicator 'nosuch.csv=X': no such FILE; expected FILE=NAME with FILE one of the files to ingest" "its message"
run ingest --store $S --indicator A --indicator B decisions.csv
expect_status 2 "two plain --indicator NAMEs"
finish
