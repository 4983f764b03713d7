# CLI: the table of figures every chart writes beside its image (OUT.csv:
# label,period,value,flag), and chart scripts that load into one gnuplot
# session as the pages of a briefing pack.
. "$(dirname "$0")/lib.sh"
S=$TMP/s.h5
cat >"$TMP/in.csv" <<'EOF'
indicator,origin,destination,period,value,flag
refugees,AFG,IRN,2021,100,
refugees,AFG,IRN,2022,,
refugees,AFG,IRN,2023,300,p
refugees,AFG,PAK,2021,50,
refugees,AFG,PAK,2022,60,
refugees,AFG,PAK,2023,70,
EOF
run ingest --quiet --store "$S" "$TMP/in.csv"
expect_status 0 "a small store"

run chart --store "$S" --indicator refugees --origin AFG \
    --destination IRN,PAK --no-trend --out "$TMP/out/line.svg"
expect_status 0 "a line chart"
# every cell drawn, the missing one empty (never 0), the flag kept
cat >"$TMP/want.csv" <<'EOF'
label,period,value,flag
Iran,2021,100,
Iran,2022,,
Iran,2023,300,p
Pakistan,2021,50,
Pakistan,2022,60,
Pakistan,2023,70,
EOF
if cmp -s "$TMP/want.csv" "$TMP/out/line.csv"; then ok "line.csv holds every number drawn"
else not_ok "line.csv"; diff "$TMP/want.csv" "$TMP/out/line.csv" | sed 's/^/#   /'; fi

run chart --store "$S" --type bars --indicator refugees --origin AFG \
    --destination '*' --period 2021 --out "$TMP/out/bars.pdf"
expect_status 0 "a bar chart"
cat >"$TMP/want.csv" <<'EOF'
label,period,value,flag
Iran,2021,100,
Pakistan,2021,50,
EOF
if cmp -s "$TMP/want.csv" "$TMP/out/bars.csv"; then ok "bars.csv: the bars in rank order"
else not_ok "bars.csv"; diff "$TMP/want.csv" "$TMP/out/bars.csv" | sed 's/^/#   /'; fi

# A failed chart leaves no table behind.
run chart --store "$S" --type bars --indicator refugees --origin AFG \
    --destination '*' --period 1999 --out "$TMP/out/none.png"
if [ "$STATUS" -ne 0 ] && [ ! -e "$TMP/out/none.csv" ]; then
    ok "a failed chart writes no table"
else not_ok "a failed chart: exit $STATUS, table present: $(ls "$TMP/out")"; fi

# The pack: two chart scripts (PDF variants) loaded in one session.
run chart --store "$S" --indicator refugees --origin AFG \
    --destination IRN,PAK --out "$TMP/out/line.pdf"
if command -v gnuplot >/dev/null; then
    (cd "$TMP/out" && gnuplot -e 'silk_pack = 1' -e \
        "set terminal pdfcairo size 8in,4.667in; set output 'pack.pdf'" \
        -e "load 'line.gp'; reset; load 'bars.gp'; unset output") \
        2>"$TMP/gp.err"
    pages=$(grep -ao '/Type /Page[^s]' "$TMP/out/pack.pdf" 2>/dev/null | wc -l)
    if [ "$pages" -eq 2 ]; then ok "two chart scripts make a two-page pack"
    else not_ok "the pack has $pages pages, expected 2"; sed 's/^/#   /' "$TMP/gp.err"; fi
else
    echo "skip: gnuplot not found (pack)"
fi
finish
