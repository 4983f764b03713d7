# CLI: charts render in every format with script and data beside them,
# and hostile text from the data is drawn literally, never run.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5
cat > d.csv <<'CSV'
indicator,origin,destination,period,value,flag,unit,source
refugees,AFG,IRN,2020,780000,,persons,"UNHCR `touch PWNED1` test"
refugees,AFG,IRN,2021,780000,,persons,
refugees,AFG,IRN,2022,3400000,,persons,
refugees,AFG,IRN,2023,3700000,p,persons,
refugees,AFG,PAK,2020,1400000,,persons,
refugees,AFG,PAK,2021,1500000,,persons,
refugees,AFG,PAK,2022,1700000,,persons,
refugees,AFG,PAK,2023,2000000,,persons,
CSV
run ingest --store $S d.csv
expect_status 0 "ingest"
for ext in png svg pdf; do
    run chart --store $S --indicator refugees --origin AFG --destination IRN,PAK --out "out/c.$ext"
    expect_status 0 "chart .$ext"
    if [ -s "out/c.$ext" ] && [ -f out/c.gp ] && [ -f out/c.dat ]; then
        ok ".$ext with its .gp and .dat"; else not_ok ".$ext files"; ls -la out; fi
done
# the five keep their colours in every chart: IRN vermillion, PAK green
if grep -q "with lines lw 2.5 lc rgb '#D55E00'" out/c.gp &&
   grep -q "with lines lw 2.5 lc rgb '#009E73'" out/c.gp; then
    ok "Iran and Pakistan keep their fixed colours"; else not_ok "fixed colours"; fi
head -c 8 out/c.png | od -An -c | grep -q 'P   N   G' && ok "png magic" || not_ok "png magic"
head -c 5 out/c.pdf | grep -q '%PDF' && ok "pdf magic" || not_ok "pdf magic"

# hostile country names arrive through the country table
cat > names.csv <<'CSV'
iso3,name
AFG,"Af""gh`touch PWNED2`an"
IRN,"Iran'; system(""touch PWNED3""); '"
PAK,"Pak@{x}\"
CSV
run chart --store $S --indicator refugees --origin AFG --destination IRN,PAK \
    --countries names.csv --title 'T `touch PWNED4` "x" @y' --out out/h.svg
expect_status 0 "chart with hostile names"
if ls PWNED* out/PWNED* 2>/dev/null | grep -q .; then not_ok "nothing was executed"; else ok "nothing was executed"; fi
grep -q 'system(&quot;touch PWNED3&quot;)\|system(&#34;touch PWNED3&#34;)\|system("touch PWNED3")' out/h.svg &&
    ok "hostile label appears literally" || not_ok "hostile label appears literally"
grep -q 'touch PWNED4' out/h.svg && ok "hostile title appears literally" || not_ok "hostile title appears literally"

run chart --store $S --indicator refugees --origin AFG --destination IRN --out out/x.bmp
expect_status 2 "unknown image format is a usage error"
run chart --store $S --indicator refugees --origin AFG --destination IRN
expect_status 2 "chart without --out"
finish
