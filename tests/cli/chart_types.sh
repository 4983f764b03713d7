# CLI: every chart type (--type line, multiples, area, bars, grouped,
# heatmap, fan, dumbbell) renders in PNG, SVG and PDF with its script and
# data beside it; hostile titles, sources, marks and country names are
# drawn literally and never run; options that do not fit a type are
# refused.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5
PY=/usr/bin/python3
{
    echo "indicator,origin,destination,period,value,flag,unit,source"
    y=2015
    for v in 950000 970000 980000 1000000 1000000 800000 780000 3400000 3700000 3480000; do
        echo "refugees,AFG,IRN,$y,$v,,persons,\"UNHCR \`touch PWNED_SRC\` \$x @y\""
        echo "refugees,AFG,PAK,$y,$((v / 2 + 900000)),,persons,"
        echo "refugees,AFG,DEU,$y,$((v / 10)),,persons,"
        echo "refugees,IRQ,DEU,$y,$((v / 20)),,persons,"
        echo "refugees,IRQ,IRN,$y,12000,,persons,"
        echo "asylum_seekers,AFG,DEU,$y,$((v / 30)),,persons,"
        echo "idps,AFG,AFG,$y,$((v * 2)),,persons,"
        echo "remittances,PAK,,$y,$((v * 20000)),,current US\$,World Bank"
        y=$((y + 1))
    done
    echo "refugees,AFG,PAK,2025,1200000,p,persons,"
} > d.csv
run ingest --store $S d.csv
expect_status 0 "ingest"

# type|countries named in the chart|arguments (no --out)
cat > types.txt <<'EOF'
line|IRN PAK|--indicator refugees --origin AFG --destination IRN,PAK --band --mark 2021=m
multiples|AFG IRQ|--indicator refugees --origin AFG,IRQ --destination * --total --band
area||--indicator refugees,asylum_seekers,idps --origin AFG --destination *
area|PAK IRN|--indicator refugees --origin AFG,IRQ --destination * --by destination --top 2
bars|AFG IRN DEU IRQ|--indicator refugees --origin * --destination * --by corridor --period 2024
grouped|IRN PAK DEU|--indicator refugees --origin AFG --destination * --periods 2015,2020,2024
heatmap|AFG IRQ IRN PAK DEU|--indicator refugees --origin * --destination * --period 2024 --log
fan||--indicator remittances --origin PAK --destination - --horizon 4
dumbbell|IRN PAK DEU|--indicator refugees --origin AFG,IRQ --destination * --periods 2015,2024
EOF

valid() { # FILE EXT: the file is a whole image of its format
    case $2 in
    png) [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ;;
    svg) "$PY" -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>/dev/null ;;
    pdf) [ "$(head -c 5 "$1")" = "%PDF-" ] && tail -c 1024 "$1" | grep -q '%%EOF' ;;
    esac
}

n=0
set -f # the arguments hold '*'
while IFS='|' read -r type codes args; do
    n=$((n + 1))
    for ext in png svg pdf; do
        out="out/$type-$n.$ext"
        # shellcheck disable=SC2086
        run chart --store $S --type "$type" $args --out "$out"
        expect_status 0 "$type ($n) .$ext"
        if [ -s "$out" ] && valid "$out" $ext && [ -s "out/$type-$n.gp" ] &&
            [ -s "out/$type-$n.dat" ]; then
            ok "$type ($n) .$ext is a valid $ext with its .gp and .dat"
        else
            not_ok "$type ($n) .$ext"; ls -la out
        fi
    done
done < types.txt
set +f
if ls out/.*tmp* 2>/dev/null | grep -q .; then not_ok "no temporary images left"; else ok "no temporary images left"; fi

# The line chart is still the default type, and --band draws its band.
run chart --store $S --indicator refugees --origin AFG --destination IRN --out out/default.svg --band
expect_status 0 "line without --type"
grep -q "with filledcurves" out/default.gp && grep -q "# band of line 0" out/default.dat &&
    ok "--band draws the trend's confidence band" || not_ok "--band"
# Provisional values are ringed and explained.
run chart --store $S --indicator refugees --origin AFG --destination PAK --out out/prov.svg
grep -q "pt 6 ps 1.4" out/prov.gp && grep -q "provisional value" out/prov.svg &&
    ok "provisional value marked" || not_ok "provisional value marked"
# Population types keep their colours: refugees blue, IDPs orange.
grep -q "lc rgb '#0072B2'" out/area-3.gp && grep -q "lc rgb '#E69F00'" out/area-3.gp &&
    ok "population types in their fixed colours" || not_ok "population colours"
# The fan's forecast rows come from the Holt fit, starting after 2024.
grep -q "^2028 " out/fan-8.dat && ! grep -q "^2029 " out/fan-8.dat &&
    ok "fan: four forecast steps" || not_ok "fan horizon"

# ---- hostile text in every type ------------------------------------------
cat > names.csv <<'CSV'
iso3,name
AFG,"Af""gh`touch PWNED1`an"
IRN,"Iran'; system(""touch PWNED2""); '"
PAK,"Pak@{x}\ $HOME"
DEU,"De`touch PWNED3`u ""q"" 'x'"
IRQ,"Ir$(touch PWNED4)aq"
CSV
NL='
'
TITLE="T \`touch PWNED5\` \"dq\" 'sq'${NL}!touch PWNED6"
SUB="system(\"touch PWNED7\") @x \\ \$y \`touch PWNED8\`"
SRC="src' . system(\"touch PWNED9\") . '${NL}next \\"
# what the SVG must show, one a line (newlines drawn as spaces)
{
    printf '%s\n' "T \`touch PWNED5\` \"dq\" 'sq' !touch PWNED6"
    printf '%s\n' "$SUB"
    printf '%s\n' "src' . system(\"touch PWNED9\") . ' next \\"
} > want-frame.txt
# the names of names.csv as drawn, by code
cat > names-drawn.txt <<'EOF'
AFG Af"gh`touch PWNED1`an
IRN Iran'; system("touch PWNED2"); '
PAK Pak@{x}\ $HOME
DEU De`touch PWNED3`u "q" 'x'
IRQ Ir$(touch PWNED4)aq
EOF
cat > check.py <<'EOF'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
texts = ["".join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE)
         for t in doc.getElementsByTagName("text")]
joined = " ".join(texts)
missing = [w for f in sys.argv[2:] for w in open(f, encoding="utf-8").read().split("\n")
           if w and w not in joined]
for w in missing:
    print("#   missing: " + w)
sys.exit(1 if missing else 0)
EOF
n=0
set -f
while IFS='|' read -r type codes args; do
    n=$((n + 1))
    out="out/hostile-$type-$n.svg"
    mark=
    case $type in line|multiples|area|fan) mark="--mark";; esac
    # shellcheck disable=SC2086
    run chart --store $S --countries names.csv --type "$type" $args \
        --title "$TITLE" --subtitle "$SUB" --source "$SRC" \
        ${mark:+$mark} ${mark:+"2022=m \`touch PWNED10\` \$z"} --out "$out"
    expect_status 0 "$type ($n) with hostile text"
    : > want-names.txt
    for code in $codes; do
        sed -n "s/^$code //p" names-drawn.txt >> want-names.txt
    done
    if "$PY" check.py "$out" want-frame.txt want-names.txt; then
        ok "$type ($n): hostile text drawn literally"
    else
        not_ok "$type ($n): hostile text drawn literally"
    fi
done < types.txt
set +f
if find . -name 'PWNED*' | grep -q .; then not_ok "nothing was executed"; find . -name 'PWNED*'
else ok "nothing was executed"; fi
# Every file written is in out/ (or the test's own inputs): no name came
# from the data.
extra=$(find . -type f ! -path './out/*' ! -name '.stdout' ! -name '.stderr' \
    ! -name d.csv ! -name store.h5 ! -name '*.lock' ! -name types.txt \
    ! -name names.csv ! -name 'want-*' ! -name check.py \
    ! -name names-drawn.txt)
[ -z "$extra" ] && ok "files only in the output folder" || { not_ok "files outside out/"; echo "# $extra"; }

# ---- errors ----------------------------------------------------------------
run chart --store $S --type pie --indicator refugees --origin AFG --destination IRN --out out/p.png
expect_status 2 "unknown type"
expect_err_line "silkstat: --type 'pie' is not a chart type; expected line, multiples, area, bars, grouped, heatmap, fan or dumbbell" "unknown type message"
run chart --store $S --type line --log --indicator refugees --origin AFG --destination IRN --out out/p.png
expect_status 2 "--log on a line chart"
expect_err_line "silkstat: --log does not apply to --type line" "--log message"
run chart --store $S --type grouped --indicator refugees --origin AFG --destination '*' --out out/p.png
expect_status 2 "grouped without --periods"
expect_err_line "silkstat: chart --type grouped needs --periods P1,P2[,...]" "--periods message"
run chart --store $S --type dumbbell --indicator refugees --origin AFG --destination '*' --periods 2015,2020,2024 --out out/p.png
expect_status 2 "dumbbell with three periods"
expect_err_line "silkstat: --periods '2015,2020,2024': at most 2 periods" "dumbbell periods message"
run chart --store $S --type bars --indicator refugees --origin AFG --destination '*' --period 1990 --out out/p.png
expect_status 1 "a period the indicator lacks"
expect_err_line "silkstat: indicator 'refugees' has no period '1990'" "missing period message"
run chart --store $S --type bars --indicator refugees --origin AFG --destination '*' --top 0 --out out/p.png
expect_status 2 "--top 0"
expect_err_line "silkstat: --top '0' is not a whole number from 1 to 30" "--top message"
run chart --store $S --type fan --indicator refugees --origin AFG --destination IRN,PAK --out out/p.png
expect_status 2 "fan of two series"
expect_err_line "silkstat: a fan chart forecasts one series: select one origin and one destination, or use --total" "fan message"
run chart --store $S --type area --by indicator --indicator refugees --origin AFG --destination '*' --out out/p.png
expect_status 2 "--by indicator with one indicator"
run chart --store $S --type multiples --indicator refugees --origin AFG --destination IRN --band --no-trend --out out/p.png
expect_status 2 "--band without the trend"
[ ! -e out/p.png ] && ok "no image for a refused chart" || not_ok "no image for a refused chart"
finish
