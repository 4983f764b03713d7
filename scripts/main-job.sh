#!/bin/sh
# The main job (`make run`): ingest the bundled datasets/ into a fresh
# store, compute trends, render the charts into plots/ and print a short
# summary.  Every argument below is fixed text: nothing read from the data
# reaches this shell.
set -eu
cd "$(dirname "$0")/.."

SILKSTAT=${SILKSTAT:-build/silkstat}
STORE=${STORE:-build/main.h5}
OUT=plots
UNHCR="UNHCR Refugee Population Statistics Database (CC BY 4.0)"
WB="World Bank, World Development Indicators (CC BY 4.0)"
FIVE=AFG,BGD,IRN,IRQ,PAK

mkdir -p build "$OUT"
rm -f "$STORE"
"$SILKSTAT" ingest --store "$STORE" datasets/unhcr_population_silk5.csv \
    datasets/unhcr_solutions_silk5.csv datasets/wb_silk5.csv \
    datasets/unhcr_asylum_decisions_silk5.csv datasets/undesa_stock_silk5.csv
"$SILKSTAT" info --store "$STORE"

chart() {
    "$SILKSTAT" chart --store "$STORE" "$@"
}

chart --indicator refugees --origin AFG --destination IRN,PAK \
    --from 1979 --no-trend --mark "2025=2025: reclassification" \
    --title "Afghan refugees hosted by Iran and Pakistan" \
    --subtitle "Refugees under UNHCR's mandate, end of year, 1979-2025" \
    --source "$UNHCR. 2025: part of the caseload in Iran reclassified as other people in need of international protection" \
    --out "$OUT/afghan-refugees-iran-pakistan.png"

chart --indicator refugee_returns --origin AFG --destination IRN,PAK \
    --from 2002 --no-trend \
    --title "Afghan refugees returning from Iran and Pakistan" \
    --subtitle "Refugee returns to Afghanistan by country of asylum, per year, 2002-2025" \
    --source "$UNHCR (solutions table)" \
    --out "$OUT/afghan-returns.png"

chart --indicator refugees --origin $FIVE --destination '*' --total \
    --from 1990 --no-trend --mark "2025=2025: reclassification in Iran" \
    --title "Refugees from the Silk Routes countries" \
    --subtitle "Refugees under UNHCR's mandate by country of origin, all countries of asylum, end of year, 1990-2025" \
    --source "$UNHCR" \
    --out "$OUT/refugees-from-silk-routes.png"

chart --indicator asylum_seekers --origin $FIVE --destination '*' --total \
    --from 2000 --no-trend \
    --title "Asylum-seekers from the Silk Routes countries" \
    --subtitle "Asylum-seekers awaiting a decision, by country of origin, all countries of asylum, end of year, 2000-2025" \
    --source "$UNHCR" \
    --out "$OUT/asylum-seekers-from-silk-routes.png"

chart --indicator remittances --origin AFG,BGD,IRQ,PAK --destination - --from 2005 \
    --title "Remittances received by the Silk Routes countries" \
    --subtitle "Personal remittances received, current US\$, 2005-2024 (Iran: no data after 2004); dashed: linear trend (OLS)" \
    --source "$WB" \
    --out "$OUT/remittances.png"

chart --indicator net_migration --origin BGD,PAK --destination - --from 1990 \
    --title "Net migration of Bangladesh and Pakistan" \
    --subtitle "Immigrants minus emigrants per year (below zero: more people leave than arrive), 1990-2025; dashed: linear trend (OLS)" \
    --source "$WB" \
    --out "$OUT/net-migration.png"

chart --indicator idps --origin AFG,IRQ,PAK --destination '*' --total \
    --from 2005 --no-trend \
    --title "People displaced within their own country" \
    --subtitle "Internally displaced people under UNHCR's protection or assistance, end of year, 2005-2025" \
    --source "$UNHCR" \
    --out "$OUT/idps.png"

# Trends of every series of the five as origin and as destination.
"$SILKSTAT" trend --store "$STORE" --origin $FIVE > "$OUT/trends-by-origin.csv"
"$SILKSTAT" trend --store "$STORE" --indicator refugees,refugee_returns \
    --origin AFG --destination IRN,PAK --from 2000 > "$OUT/trends-afghans.csv"

echo
echo "summary:"
echo "  store:  $STORE"
echo "  charts: $(ls "$OUT"/*.png | wc -l) PNG files in $OUT/ (each with its .gp script and .dat data)"
echo "  trends: $(($(wc -l < "$OUT/trends-by-origin.csv") - 1)) series in $OUT/trends-by-origin.csv"
echo "  Afghan refugees and returns since 2000 (OLS slope per year, Mann-Kendall p, Sen's slope):"
# columns by name (README "Trend columns"), not by position
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         { printf "    %-16s %s -> %s  n=%-3s ols=%.0f/yr  mk p=%.3g  sen=%.0f/yr\n",
                  $col["indicator"], $col["origin"], $col["destination"], $col["n"],
                  $col["ols_slope"], $col["mk_p"], $col["sen_slope"] }' \
    "$OUT/trends-afghans.csv"
