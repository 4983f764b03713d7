# CLI: the formats that need options: a national office's wide table read
# through a column mapping, and a Eurostat TSV.  Expected values are the
# fixture cells as written (thousands separated by spaces).
. "$(dirname "$0")/lib.sh"
DATA=$(pwd)/tests/data
cd "$TMP"
S=store.h5

run ingest --store $S --indicator asylum_applications \
    --column origin=Citizenship --column "destination=Reporting country" \
    --periods-as-columns "$DATA/mapping/national_wide.csv"
expect_status 0 "a semicolon-separated wide table through a mapping"
run series --store $S --indicator asylum_applications --origin IRN --destination AUT
expect_out "period,value,flag
2020,1010,
2021,1185,
2022,2016,
2023,," "names resolved, '1 010' read as 1010, '..' missing"
run series --store $S --indicator asylum_applications --origin AFG --destination AUT --from 2023
expect_out "period,value,flag
2023,7950," "Afghan applications in Austria, 2023"

run ingest --store $S --indicator migr_asyappctza "$DATA/eurostat/migr_asyappctza.tsv"
expect_status 0 "a Eurostat TSV"
# asyl_app varies (ASY_APP, NASY_APP), so its value names the indicator
grep -q "migr_asyappctza.ASY_APP, migr_asyappctza.ASY_APP.aggregates, migr_asyappctza.NASY_APP" "$TMP/.stdout" &&
    ok "varying dimensions name the indicators; EU aggregates kept apart" || not_ok "Eurostat indicator names"
run series --store $S --indicator migr_asyappctza.ASY_APP --origin AFG --destination DEU
if sed -n 4p "$TMP/.stdout" | grep -q '^2023,51275,p$'; then
    ok "Eurostat ISO2 codes and the provisional flag"; else not_ok "Eurostat values"; cat "$TMP/.stdout"; fi
run series --store $S --indicator migr_asyappctza.ASY_APP --origin AFG --destination GRC --from 2023
expect_out "period,value,flag
2023,3915,e" "EL is Greece; the estimate flag is kept"

run ingest --store $S --column bad=x "$DATA/mapping/national_wide.csv"
expect_status 2 "a bad --column"
expect_err_line "silkstat: --column 'bad=x' is not a mapping; expected origin=COL, destination=COL or period=COL" "bad --column message"
run ingest --store $S --delimiter '|' "$DATA/mapping/national_wide.csv"
expect_status 2 "an unsupported --delimiter"
finish
