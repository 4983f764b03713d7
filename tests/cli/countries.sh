# CLI: format detection, country names and groups in selections, with the
# bundled country table.
. "$(dirname "$0")/lib.sh"
DATA=$(pwd)/tests/data
cd "$TMP"
S=store.h5

cat > t.csv <<'CSV'
indicator,origin,destination,period,value
arrivals,AFG,TUR,2021,10
arrivals,AFG,TUR,2022,20
arrivals,AFG,TUR,2023,40
arrivals,IRQ,TUR,2021,5
arrivals,IRQ,TUR,2022,4
arrivals,IRQ,TUR,2023,3
arrivals,SYR,TUR,2021,7
arrivals,SYR,TUR,2022,8
arrivals,SYR,TUR,2023,9
CSV
run ingest --store $S "$DATA/unhcr/population.csv" t.csv
expect_status 0 "ingest a UNHCR table and a tidy file in one run"
grep -q "population.csv: .* rows (unhcr)" "$TMP/.stdout" &&
    ok "the UNHCR format is detected" || not_ok "the UNHCR format is detected"
run series --store $S --indicator refugees --origin Afghanistan \
    --destination "Iran (Islamic Republic of)" --from 2024 --to 2025
expect_out "period,value,flag
2024,3477082,
2025,758339," "names as the agencies spell them select series"
run series --store $S --indicator refugees --origin afghanistan --destination iran --from 2025
expect_out "period,value,flag
2025,758339," "names match without case"
run trend --store $S --indicator arrivals --origin silk5 --destination TUR
expect_status 0 "a group name selects its members"
if [ "$(cut -d, -f2 "$TMP/.stdout" | sed 1d | tr '\n' ' ')" = "AFG IRQ " ]; then
    ok "silk5 selects the members the indicator has"; else not_ok "silk5 members"; cat "$TMP/.stdout"; fi
run series --store $S --indicator refugees --origin Afganistan --destination IRN
expect_status 2 "a misspelled country is a usage error"
# edit distances from "afganistan": afghanistan 1, pakistan 4, then albania,
# kazakhstan, tajikistan, uzbekistan 5 each (ties in alphabetical order)
expect_err_line "silkstat: --origin: unknown country 'Afganistan'; closest known: 'Afghanistan' (AFG), 'Pakistan' (PAK), 'Albania' (ALB) (and no group of that name)" \
    "a misspelled country gets the closest names"
run ingest --store $S --format nosuch "$DATA/ingest/good.csv"
expect_status 2 "unknown --format"
printf 'a,b,c\n1,2,3\n' > odd.csv
run ingest --store $S odd.csv
expect_status 1 "a file of no known format"
grep -q "^silkstat: odd.csv:1:1: the header matches no known format; expected one of: tidy, unhcr" "$TMP/.stderr" &&
    ok "no-format message lists the formats" || not_ok "no-format message lists the formats"
finish
