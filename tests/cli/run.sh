# CLI: `silkstat run` on a small job written here: first run, second run
# (everything up to date), one chart's title changed (only that chart and
# the report redone), the input file changed (everything redone), --force,
# --quiet, a failing chart (the others made, exit 1, the summary names it),
# a failing ingest (nothing after it runs, the old store kept), job file
# errors placed at their line before anything runs, and hostile text that
# must render literally and run nothing.
. "$(dirname "$0")/lib.sh"
J=$TMP/job
mkdir -p "$J"
cat >"$J/in.csv" <<'EOF'
indicator,origin,destination,period,value
refugees,AFG,IRN,2022,3400000
refugees,AFG,IRN,2023,3743000
refugees,AFG,IRN,2024,3477082
refugees,AFG,IRN,2025,758339
refugees,AFG,PAK,2022,1300000
refugees,AFG,PAK,2023,2000000
refugees,AFG,PAK,2024,1556521
refugees,AFG,PAK,2025,1158596
EOF
cat >"$J/job.ini" <<'EOF'
[job]
title = Test briefing
store = s.h5
out = out

[ingest]
file = in.csv

[chart iran]
goal = protection
title = Afghan refugees in Iran
indicator = refugees
origin = AFG
destination = IRN
no-trend = yes
about = Afghan refugees in Iran

[chart both]
goal = protection
title = Afghan refugees in Iran and Pakistan
indicator = refugees
origin = AFG
destination = IRN,PAK
no-trend = yes

[trend trends]
goal = protection
title = Trends of refugees
indicator = refugees
EOF

# lines of the summary, with the run time cut off
summary_of() {
    awk '/^  / { r = substr($0, 3, 10); l = substr($0, 15, 32);
                 sub(/ +$/, "", r); sub(/ +$/, "", l); print r " " l }' \
        "$TMP/.stdout"
}
expect_summary() { # WANT WHAT
    got=$(summary_of | tr '\n' ';')
    if [ "$got" = "$1" ]; then ok "$2"; else
        not_ok "$2"; echo "#   got:      $got"; echo "#   expected: $1"; fi
}

run run "$J/job.ini"
expect_status 0 "a first run"
expect_summary "ok ingest;ok chart iran;ok chart both;ok trend trends;ok report;" \
    "the first run does every step"
missing=""
for f in iran.svg iran.png iran.pdf iran.csv iran.gp iran.dat both.svg \
    trends.csv index.html briefing.pdf figures.csv logs/iran.log \
    logs/ingest.log .silkstat-job; do
    [ -s "$J/out/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ] && [ -f "$J/s.h5" ] && [ ! -e "$J/s.new.h5" ]; then
    ok "the charts, the table and the pack are in OUT"
else not_ok "missing in OUT:$missing"; ls -la "$J" "$J/out" | sed 's/^/#   /'; fi
if grep -q '^\[1/5\] ingest: ok (' "$TMP/.stderr" &&
    grep -q '^\[5/5\] report: ok (' "$TMP/.stderr"; then
    ok "progress lines on a stderr that is not a terminal"
else not_ok "progress lines"; sed 's/^/#   /' "$TMP/.stderr"; fi
pages=$(grep -ao '/Type /Page[^s]' "$J/out/briefing.pdf" | wc -l)
if [ "$pages" -eq 2 ]; then ok "briefing.pdf: one page per chart"
else not_ok "briefing.pdf has $pages pages, expected 2"; fi
if command -v pdfinfo >/dev/null; then
    n=$(pdfinfo "$J/out/briefing.pdf" | sed -n 's/^Pages: *//p')
    if [ "$n" = 2 ]; then ok "pdfinfo agrees: 2 pages"
    else not_ok "pdfinfo says $n pages"; fi
fi
if grep -q 'Afghan refugees in Iran: 0.76M in 2025, down 78% from 3.48M in 2024; peak 3.74M in 2023.' "$J/out/index.html"; then
    ok "the key figures come from the numbers drawn"
else not_ok "key figures"; grep -o '<p class="key">.*' "$J/out/index.html" | sed 's/^/#   /'; fi
head -n 2 "$J/out/figures.csv" >"$TMP/fig"
printf 'chart,label,period,value,flag\niran,Afghanistan,2022,3400000,\n' >"$TMP/want"
if cmp -s "$TMP/fig" "$TMP/want"; then ok "figures.csv: every chart's rows, the chart's name first"
else not_ok "figures.csv"; diff "$TMP/want" "$TMP/fig" | sed 's/^/#   /'; fi

run run "$J/job.ini"
expect_status 0 "a second run"
expect_summary "up to date ingest;up to date chart iran;up to date chart both;up to date trend trends;up to date report;" \
    "the second run: everything up to date"
if tail -n 1 "$TMP/.stdout" | grep -q '^5 steps: 0 ok, 5 up to date in '; then
    ok "the summary line counts them"
else not_ok "summary line: $(tail -n 1 "$TMP/.stdout")"; fi

sed -i 's/^title = Afghan refugees in Iran and Pakistan$/title = Afghans in Iran and Pakistan/' "$J/job.ini"
run run "$J/job.ini"
expect_status 0 "after a title changed"
expect_summary "up to date ingest;up to date chart iran;ok chart both;up to date trend trends;ok report;" \
    "a changed title redoes that chart and the report only"
if grep -q 'alt="Afghans in Iran and Pakistan"' "$J/out/index.html"; then
    ok "the page has the new title"
else not_ok "the page has the old title"; fi

echo "refugees,AFG,PAK,2021,1200000" >>"$J/in.csv"
run run "$J/job.ini"
expect_status 0 "after the input changed"
expect_summary "ok ingest;ok chart iran;ok chart both;ok trend trends;ok report;" \
    "a changed input file redoes everything"

run run "$J/job.ini" --force
expect_summary "ok ingest;ok chart iran;ok chart both;ok trend trends;ok report;" \
    "--force redoes everything"

run run --quiet --jobs 1 "$J/job.ini"
expect_status 0 "--quiet --jobs 1"
if [ ! -s "$TMP/.stderr" ] && [ "$(wc -l <"$TMP/.stdout")" -eq 1 ]; then
    ok "--quiet prints the summary line only"
else not_ok "--quiet printed more"; cat "$TMP/.stdout" "$TMP/.stderr" | sed 's/^/#   /'; fi

# A failing chart: the others are made, exit 1, the summary names it, the
# page says so, and a chart that fails no longer shows its old image.
cp "$J/job.ini" "$J/good.ini"
cat >>"$J/job.ini" <<'EOF'

[chart broken]
goal = return
title = A chart of nothing
indicator = nothing_here
origin = AFG
destination = IRN
EOF
sed -i '/^\[chart iran\]/,/^$/s/^indicator = refugees$/indicator = refugees_typo/' "$J/job.ini"
run run "$J/job.ini"
expect_status 1 "a job with failing charts"
if grep -q "^  FAILED      chart broken  *no indicator 'nothing_here' in store 's.h5' (log: .*/out/logs/broken.log)$" "$TMP/.stdout" &&
    grep -q "^  FAILED      chart iran  *no indicator 'refugees_typo' in store 's.h5' (log: .*/out/logs/iran.log)$" "$TMP/.stdout" &&
    grep -q '^  up to date  chart both$' "$TMP/.stdout" &&
    grep -q '^  ok          report' "$TMP/.stdout" &&
    tail -n 1 "$TMP/.stdout" | grep -q '2 FAILED'; then
    ok "the summary names the failed charts, their first error line and log"
else not_ok "summary of a failed chart"; sed 's/^/#   /' "$TMP/.stdout"; fi
if [ ! -e "$J/out/iran.svg" ] && [ ! -e "$J/out/iran.csv" ] && [ -s "$J/out/both.svg" ]; then
    ok "a failed chart leaves no old image; the others are drawn"
else not_ok "outputs after a failed chart"; ls "$J/out" | sed 's/^/#   /'; fi
if grep -q 'Not available in this run: see <a href="logs/broken.log">' "$J/out/index.html"; then
    ok "the page says which chart is missing and where its log is"
else not_ok "the page does not mention the failed chart"; fi
cp "$J/good.ini" "$J/job.ini"
run run "$J/job.ini"
expect_summary "up to date ingest;ok chart iran;up to date chart both;up to date trend trends;ok report;" \
    "once fixed, only the failed chart is redone"

# A failing ingest: nothing that needs it runs; the old store is kept.
cp "$J/in.csv" "$J/in.good"
echo "refugees,AFG,IRN,20x5,1" >>"$J/in.csv"
cksum <"$J/s.h5" >"$TMP/store.before"
run run "$J/job.ini"
expect_status 1 "a failing ingest"
if grep -q "^  FAILED      ingest  *in.csv:11:4: '20x5' in column 'period' is not a period; " "$TMP/.stdout" &&
    grep -q '^  not run     chart iran  *not run: ingest failed$' "$TMP/.stdout" &&
    grep -q '^  not run     report  *not run: ingest failed$' "$TMP/.stdout"; then
    ok "a failed ingest stops what needs it"
else not_ok "failed ingest summary"; sed 's/^/#   /' "$TMP/.stdout"; fi
if cksum <"$J/s.h5" | cmp -s - "$TMP/store.before" && [ ! -e "$J/s.new.h5" ]; then
    ok "the old store is kept whole"
else not_ok "the store changed after a failed ingest"; fi
cp "$J/in.good" "$J/in.csv"

# Job file errors: at their file and line, before anything runs.
rm -rf "$J/out"
sed 's/^no-trend = yes$/no-trend = yes\ncolour = red/' "$J/good.ini" >"$J/bad.ini"
run run "$J/bad.ini"
expect_status 2 "an unknown key"
expect_err_line "silkstat: $J/bad.ini:16: [chart iran] unknown key 'colour'; a chart section takes goal, note, about, title, type, indicator, origin, destination, from, to, where, countries, groups, subtitle, source, mark, total, no-trend, band, period, periods, top, by, log, horizon, alpha, beta, phi" \
    "the message names the file, line, section and key"
sed 's/^destination = IRN$/from = 19x9/' "$J/good.ini" >"$J/bad.ini"
run run "$J/bad.ini"
expect_status 2 "a value the command refuses"
expect_err_line "silkstat: $J/bad.ini:14: [chart iran] key 'from': --from '19x9' is not a period; expected YYYY, YYYY-Qn or YYYY-MM" \
    "the command's own message, placed at the key's line"
if [ ! -e "$J/out/.silkstat-job" ] && [ ! -e "$J/out/logs/ingest.log" ]; then
    ok "nothing ran"
else not_ok "steps ran before the check"; fi
run run "$J/none.ini"
expect_status 1 "a missing job file"
expect_err_line "silkstat: cannot read job file '$J/none.ini': No such file or directory" \
    "a missing job file is named"
run run
expect_status 2 "no job file"

# Hostile text: titles and labels with quotes, markup, backquotes, shell
# and gnuplot commands, newlines (the CSV can hold them; an INI value
# cannot).  Nothing runs, everything appears literally, escaped.
H=$TMP/hostile
mkdir -p "$H/cwd"
cp "$J/in.csv" "$H/in.csv"
cat >"$H/names.csv" <<'EOF'
iso3,name
AFG,Afghanistan
IRN,"Iran <script>alert(2)</script> & ""q"" `touch PWNED4`
system(""touch PWNED5"")"
PAK,Pakistan'); touch PWNED6; ('
EOF
cat >"$H/job.ini" <<'EOF'
[job]
title = Briefing <script>alert(1)</script> & "quotes" 'single'
subtitle = `touch PWNED1` $(touch PWNED2) system("touch PWNED3")
store = s.h5
out = out

[ingest]
file = in.csv

[chart evil]
goal = overview
title = He said "hi" <b>bold</b> `touch PWNED7` system("touch PWNED8") \
subtitle = $(touch PWNED9); rm -rf /nonexistent-PWNED
source = '; system("touch PWNED10"); '
indicator = refugees
origin = AFG
destination = IRN,PAK
countries = names.csv
no-trend = yes
note = <img src=x onerror=alert(3)> & more
EOF
(cd "$H/cwd" && "$SILKSTAT" run "$H/job.ini") >"$TMP/.stdout" 2>"$TMP/.stderr"
STATUS=$?
expect_status 0 "a job full of hostile text"
if [ -z "$(find "$TMP" / -maxdepth 1 -name 'PWNED*' 2>/dev/null; find "$H" -name 'PWNED*')" ]; then
    ok "no hostile text ran"
else not_ok "something ran: $(find "$H" -name 'PWNED*')"; fi
html=$H/out/index.html
if ! grep -q '<script' "$html" && ! grep -q '<b>bold' "$html" &&
    ! grep -q '<img src=x' "$html"; then
    ok "no markup from the job or the data reaches the page"
else not_ok "markup reached the page"; grep -n '<script\|<b>bold\|<img src=x' "$html" | sed 's/^/#   /'; fi
if grep -qF '<h1>Briefing &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;</h1>' "$html" &&
    grep -qF 'alt="He said &quot;hi&quot; &lt;b&gt;bold&lt;/b&gt; `touch PWNED7` system(&quot;touch PWNED8&quot;) \"' "$html" &&
    grep -qF '<th>Iran &lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;q&quot; `touch PWNED4`' "$html" &&
    grep -qF '<th>Pakistan&#39;); touch PWNED6; (&#39;</th>' "$html" &&
    grep -qF '&lt;img src=x onerror=alert(3)&gt; &amp; more' "$html"; then
    ok "titles, labels and notes appear literally, escaped"
else not_ok "hostile text not shown literally"; grep -n 'h1\|alt=\|<th>' "$html" | sed 's/^/#   /'; fi
if grep -qF 'He said "hi" &lt;b>bold&lt;/b> `touch PWNED7` system("touch PWNED8")' "$H/out/evil.svg"; then
    ok "the chart draws the title literally"
else not_ok "the SVG title"; fi
finish
