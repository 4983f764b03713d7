# CLI: `silkstat report` alone, on an output folder written here by hand
# (the figures CSV of each chart in the chart command's format, a
# placeholder image, a table): the key figures from the numbers, the
# tables behind the charts, goals in the Call for Action's order, the
# sentence on goals without figures, the sources with their SHA-256,
# figures.csv, a chart not drawn, hostile labels, and the errors.
. "$(dirname "$0")/lib.sh"
J=$TMP/pack
mkdir -p "$J/out"
cat >"$J/in.csv" <<'EOF'
indicator,origin,destination,period,value
refugees,AFG,IRN,2024,3477082
EOF
run ingest --quiet --store "$J/s.h5" "$J/in.csv"
expect_status 0 "a store with a provenance record"
cat >"$J/job.ini" <<'EOF'
[job]
title = Pack & <test>
subtitle = Five countries
store = s.h5
out = out

[results od]
goal = legal
title = Indices <of> the matrix
table = od_indices
note = mei in %

[chart hosts]
goal = protection
title = Afghan refugees by host
indicator = refugees
origin = AFG
destination = IRN,PAK
about = Afghan refugees in {label}
mark = 2025=2025: reclassification
note = A note with <markup> & "quotes"

[chart gone]
goal = return
title = Returns
indicator = refugee_returns

[section protection]
intro = Intro with <i>markup</i>.
EOF
# the chart command's figures: label,period,value,flag (a missing value
# empty); the labels here are hostile
cat >"$J/out/hosts.csv" <<'EOF'
label,period,value,flag
"Iran <b>&""x""",2023,3743000,
"Iran <b>&""x""",2024,3477082,
"Iran <b>&""x""",2025,758339,p
Pakistan,2023,2000000,
Pakistan,2024,1556521,
Pakistan,2025,,
EOF
echo '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>' >"$J/out/hosts.svg"
cat >"$J/out/od.csv" <<'EOF'
period,mei,gini
1990,99.190197192326536,0.87723344456736374
1991,,
2019,93.366952090852848,0.89529990573434493
EOF

run report "$J/job.ini"
expect_status 0 "a report"
expect_out "wrote out/index.html, briefing.pdf and figures.csv" "it says what it wrote"
html=$J/out/index.html
# "Iran": (758,339 - 3,477,082) / 3,477,082 = -78.2%; Pakistan's last
# value is missing, so its latest is 2024
want='Afghan refugees in Pakistan: 1.56M in 2024, down 22% from 2M in 2023. Afghan refugees in Iran &lt;b&gt;&amp;&quot;x&quot;: 0.76M in 2025, down 78% from 3.48M in 2024 (marked on the chart: 2025: reclassification); peak 3.74M in 2023.'
if grep -qF "<p class=\"key\"><strong>Key figures.</strong> $want</p>" "$html"; then
    ok "key figures: latest, change and peak from the numbers"
else not_ok "key figures"; grep -o '<p class="key">.*' "$html" | sed 's/^/#   /'; fi
if grep -qF '<tr><th>Period</th><th>Iran &lt;b&gt;&amp;&quot;x&quot;</th><th>Pakistan</th></tr>' "$html" &&
    grep -qF '<tr><td>2025</td><td>758,339 <sup>p</sup></td><td></td></tr>' "$html"; then
    ok "the figures behind the chart: periods down, series across, flags kept"
else not_ok "figures table"; grep -n '<tr>' "$html" | sed 's/^/#   /'; fi
if grep -qF '<img src="hosts.svg" alt="Afghan refugees by host">' "$html" &&
    grep -qF '<p class="note">A note with &lt;markup&gt; &amp; &quot;quotes&quot;</p>' "$html" &&
    grep -qF '<h1>Pack &amp; &lt;test&gt;</h1>' "$html" &&
    grep -qF '<p class="intro">Intro with &lt;i&gt;markup&lt;/i&gt;.</p>' "$html"; then
    ok "titles, notes and intros escaped"
else not_ok "escaping"; fi
if grep -qF '<h3>Returns</h3>' "$html" &&
    grep -qF '<p class="missing">Not available in this run: see <a href="logs/gone.log">logs/gone.log</a>.</p>' "$html"; then
    ok "a chart not drawn is named, with its log"
else not_ok "a missing chart"; fi
if grep -qF '<summary>The table (2 rows)</summary>' "$html" &&
    grep -qF '<tr><td class="text">1990</td><td>99.2</td><td>0.877</td></tr>' "$html"; then
    ok "a table without its empty rows, periods as labels"
else not_ok "the table"; grep -n 'summary\|<td' "$html" | sed 's/^/#   /'; fi
order=$(grep -o '<section id="[a-z]*"' "$html" | sed 's/.*id="//; s/"//' | tr '\n' ' ')
if [ "$order" = "legal return protection gaps sources " ]; then
    ok "goals in the Call for Action's order"
else not_ok "section order: $order"; fi
if grep -qF 'cannot speak to <strong>irregular migration and migrant smuggling</strong> (goal 1; it would need detections' "$html" &&
    grep -qF '; <strong>migration and development</strong> (goal 4;' "$html" &&
    grep -qF ' or <strong>integration</strong> (goal 6; it would need' "$html"; then
    ok "goals without figures in one sentence, with the data they need"
else not_ok "the gaps sentence"; grep -n 'gaps' "$html" | sed 's/^/#   /'; fi
sum=$(sha256sum "$J/in.csv" | cut -d' ' -f1)
if grep -qF "<code>$sum</code>" "$html" && grep -qF "$J/in.csv" "$html"; then
    ok "the sources with their SHA-256"
else not_ok "sources"; fi
cat >"$TMP/want" <<'EOF'
chart,label,period,value,flag
hosts,"Iran <b>&""x""",2023,3743000,
hosts,"Iran <b>&""x""",2024,3477082,
hosts,"Iran <b>&""x""",2025,758339,p
hosts,Pakistan,2023,2000000,
hosts,Pakistan,2024,1556521,
hosts,Pakistan,2025,,
EOF
if cmp -s "$TMP/want" "$J/out/figures.csv"; then ok "figures.csv: every chart's rows"
else not_ok "figures.csv"; diff "$TMP/want" "$J/out/figures.csv" | sed 's/^/#   /'; fi
if [ ! -e "$J/out/briefing.pdf" ] && ! ls "$J/out" | grep -q 'tmp'; then
    ok "no PDF without chart scripts, no temporary files left"
else not_ok "files left: $(ls "$J/out")"; fi

# A figures file in another format is not guessed at.
printf 'period,value\n2024,1\n' >"$J/out/hosts.csv"
run report "$J/job.ini"
expect_status 0 "a report with a bad figures file"
if grep -qF 'Not available in this run (hosts.csv: expected the header label,period,value,flag)' "$html"; then
    ok "a figures file without its header is reported, not read"
else not_ok "bad figures header"; fi

rm -rf "$J/out"
run report "$J/job.ini"
expect_status 1 "no output folder"
expect_err_line "silkstat: $J/job.ini: output folder 'out' does not exist; run 'silkstat run $J/job.ini' first" \
    "the message says to run the job first"
run report
expect_status 2 "no job file"
finish
