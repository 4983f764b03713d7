# CLI: the built-in modules on the real tables of ../shared/datasets, each
# checked against figures worked out without silkstat: the MANIFEST's
# check values by hand, and an independent reference implementation in
# Python's standard library reading the same CSV files (no silkstat code,
# no store).  Skipped when the datasets are absent.
. "$(dirname "$0")/lib.sh"
SHARED=../shared/datasets
PY=/usr/bin/python3
if [ ! -f "$SHARED/MANIFEST.md" ] || [ ! -x "$PY" ]; then
    echo "skip: $SHARED or $PY not found"
    exit 77
fi
S=$TMP/real.h5

# close WHAT GOT WANT: |got - want| <= 1e-9 |want|
close() {
    if awk -v g="$2" -v w="$3" 'BEGIN { d = g - w; if (d < 0) d = -d;
            a = w < 0 ? -w : w; exit !(g != "" && d <= 1e-9 * a) }'; then
        ok "$1 ($2)"
    else
        not_ok "$1: got '$2', expected $3"
    fi
}

# value_at PERIOD: the value of that period in the last `series` output
value_at() { awk -F, -v p="$1" '$1 == p { print $2 }' "$TMP/.stdout"; }
# column_at PERIOD COLUMN: a result table's cell
column_at() {
    awk -F, -v p="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
        if ($i == c) k = i; next } $1 == p { print $k }' "$TMP/.stdout"
}

run ingest --quiet --store "$S" \
    "$SHARED/unhcr_asylum_decisions.csv" \
    "$SHARED/undesa_ims2019_bilateral_stock_wide.csv" \
    "$SHARED/wb_wdi_migration_indicators.csv"
expect_status 0 "decisions, the DESA stock table and the WDI in one store"
[ "$STATUS" -eq 0 ] || finish

# --- Afghanistan's recognition rates, all countries of asylum ----------
# MANIFEST check values, AFG origin summed over asylum countries, 2024:
# recognised 83,221, other (complementary) 26,626, rejected 23,036,
# closed 28,757.  Otherwise-closed cases are not in the denominator:
# 83,221 + 26,626 + 23,036 = 132,883.
#   refugee rate = 100 * 83221 / 132883 = 62.627273616640...
#   total rate   = 100 * (83221 + 26626) / 132883 = 100 * 109847 / 132883
#                = 82.664449177095...
run compute recognition_rate --store "$S" --origin AFG --total
expect_status 0 "recognition_rate for Afghans over every country of asylum"
run series --store "$S" --indicator recognition_rate.refugee_rate \
    --origin AFG --destination -
close "Afghans' refugee recognition rate, 2024" "$(value_at 2024)" \
    62.627273616640
run series --store "$S" --indicator recognition_rate.total_rate \
    --origin AFG --destination -
close "Afghans' total recognition rate, 2024" "$(value_at 2024)" \
    82.664449177095
# every year against the reference implementation
$PY - "$SHARED/unhcr_asylum_decisions.csv" >"$TMP/rr.ref" <<'EOF'
import csv, sys
sums = {}
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')):
    if row['coo_iso'] != 'AFG':
        continue
    s = sums.setdefault(row['year'], [0.0, 0.0, 0.0])
    for k, col in enumerate(('dec_recognized', 'dec_other', 'dec_rejected')):
        if row[col] not in ('', 'NA'):
            s[k] += float(row[col])
for year in sorted(sums):
    rec, oth, rej = sums[year]
    d = rec + oth + rej
    if d > 0:
        print('%s,%.17g' % (year, 100 * (rec + oth) / d))
EOF
bad=$(awk -F, 'NR == FNR { want[$1] = $2; next }
    $1 in want { n++; d = $2 - want[$1]; if (d < 0) d = -d;
        if (d > 1e-9 * want[$1]) { print $1; bad++ } }
    END { if (n < 20) print "only " n " years compared" }' \
    "$TMP/rr.ref" "$TMP/.stdout")
if [ -z "$bad" ]; then ok "total recognition rate of every year = the reference"
else not_ok "total recognition rate differs from the reference: $bad"; fi
# the derived indicator works where an ingested one does
run trend --store "$S" --indicator recognition_rate.total_rate \
    --origin AFG --destination - --method ols,mk,sen
expect_status 0 "trend on the derived recognition rate"

# --- The five countries' migration effectiveness from the DESA stock ---
run compute od_indices --store "$S" --origin silk5 --destination silk5
expect_status 0 "od_indices of the five from the DESA bilateral stock"
run results od_indices --store "$S"
expect_status 0 "its result table prints"
cp "$TMP/.stdout" "$TMP/od.csv"
# Reference: the 5x5 matrix of stocks among the five (rows = origin, the
# column of the origin's name; columns = destination, the row's Dest),
# diagonal zeroed; MEI = 100 sum|D_i - O_i| / sum(D_i + O_i); Gini
# (Bell's correction) = sum_a sum_b |m_a - m_b| / (2 (N - 1) sum M)
# over the N = 20 off-diagonal cells.
$PY - "$SHARED/undesa_ims2019_bilateral_stock_wide.csv" >"$TMP/od.ref" <<'EOF'
import csv, sys
names = {'Afghanistan': 'AFG', 'Bangladesh': 'BGD',
         'Iran (Islamic Republic of)': 'IRN', 'Iraq': 'IRQ', 'Pakistan': 'PAK'}
five = sorted(names.values())
m = {}
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')):
    dest = names.get(row['Dest'].strip())
    if dest is None:
        continue
    for name, orig in names.items():
        v = row[name].strip().replace(' ', '')
        if orig != dest:
            m[(row['Year'], orig, dest)] = float(v) if v not in ('', '..') else float('nan')
for year in sorted({k[0] for k in m}):
    cells = [m[(year, o, d)] for o in five for d in five if o != d]
    out = {o: sum(m[(year, o, d)] for d in five if d != o) for o in five}
    inn = {d: sum(m[(year, o, d)] for o in five if o != d) for d in five}
    mei = 100 * sum(abs(inn[c] - out[c]) for c in five) / sum(inn[c] + out[c] for c in five)
    n = len(cells)
    gini = sum(abs(a - b) for a in cells for b in cells) / (2 * (n - 1) * sum(cells))
    print('%s,%.17g,%.17g' % (year, mei, gini))
EOF
years=0
while IFS=, read -r year mei gini; do
    years=$((years + 1))
    cp "$TMP/od.csv" "$TMP/.stdout"
    close "MEI of the five, $year" "$(column_at "$year" mei)" "$mei"
    close "Gini (corrected) of the five, $year" \
        "$(column_at "$year" gini_corrected)" "$gini"
done <"$TMP/od.ref"
if [ "$years" -eq 7 ]; then ok "seven DESA years compared"
else not_ok "$years DESA years compared, expected 7"; fi

# --- Remittances as a share of GDP, World Bank codes bound by --input ---
run compute remittances_gdp --store "$S" --origin silk5 \
    --input remittances=BX.TRF.PWKR.CD.DT --input gdp=NY.GDP.MKTP.CD
expect_status 0 "remittances_gdp on the WDI's own indicator codes"
$PY - "$SHARED/wb_wdi_migration_indicators.csv" >"$TMP/rem.ref" <<'EOF'
import csv, sys
v = {}
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')):
    if row['country_code'] in ('BGD', 'PAK') and row['value'] not in ('', '..'):
        v[(row['indicator_code'], row['country_code'], row['year'])] = float(row['value'])
for c in ('BGD', 'PAK'):
    for y in ('2010', '2020', '2023'):
        r, g = v.get(('BX.TRF.PWKR.CD.DT', c, y)), v.get(('NY.GDP.MKTP.CD', c, y))
        if r is not None and g:
            print('%s,%s,%.17g' % (c, y, 100 * r / g))
EOF
compared=0
while IFS=, read -r country year share; do
    compared=$((compared + 1))
    run series --store "$S" --indicator remittances_gdp --origin "$country" \
        --destination -
    close "remittances, % of GDP, $country $year" "$(value_at "$year")" \
        "$share"
done <"$TMP/rem.ref"
if [ "$compared" -ge 4 ]; then ok "$compared country-years compared"
else not_ok "only $compared remittance country-years compared"; fi

finish
