# Browser: the real briefing (scripts/jobs/briefing.ini on the bundled
# datasets, written into a temporary folder) opened in headless Chromium.
# index.html carries no script, so a copy gets a small probe that, once
# the page has loaded, writes into the DOM how many images there are and
# which have no pixels; --dump-dom reads it back.  Console errors come from
# Chromium's log (--enable-logging=stderr, lines with CONSOLE).  A copy
# with a broken image and a console.error shows the checks can fail.  The
# screenshot stays beside the binary (build/briefing-screenshot.png) for a
# human to look at.  Skipped when chromium is not installed.
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "skip: chromium not found (scripts/install-deps.sh installs it)"
    exit 77
fi
ROOT=$(pwd)
OUT=$TMP/pack
sed -e "s|^root = .*|root = $ROOT|" -e "s|^store = .*|store = $TMP/main.h5|" \
    -e "s|^out = .*|out = $OUT|" scripts/jobs/briefing.ini >"$TMP/briefing.ini"
run run --quiet "$TMP/briefing.ini"
expect_status 0 "the briefing job"
charts=$(grep -c '^\[chart ' "$TMP/briefing.ini")

browse() { # OUTPUT-OPTIONS... FILE: Chromium without a profile of its own
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$TMP/chromium" --virtual-time-budget=15000 "$@"
}
# The probe: counts images and the ones that did not load.
probe='<script>window.addEventListener("load",function(){var im=document.images,bad=[];for(var i=0;i<im.length;i++)if(!(im[i].complete&&im[i].naturalWidth>0))bad.push(im[i].getAttribute("src"));var p=document.createElement("pre");p.id="silk-probe";p.textContent="images="+im.length+" broken="+bad.length+(bad.length?" "+bad.join(" "):"");document.body.appendChild(p);});</script>'
with_probe() { # SOURCE TARGET [EXTRA-HTML]: the page writes </body> alone
    sed '/^<\/body>$/,$d' "$1" >"$2"
    printf '%s%s\n</body>\n</html>\n' "${3:-}" "$probe" >>"$2"
}

if grep -qi '<script' "$OUT/index.html"; then not_ok "the page carries a script"
else ok "the page carries no script"; fi
if grep -Eq '(src|href)="(https?:)?//' "$OUT/index.html"; then
    not_ok "the page loads something from the network"
else ok "nothing is loaded from the network"; fi

with_probe "$OUT/index.html" "$OUT/probe.html"
browse --enable-logging=stderr --v=0 --dump-dom "file://$OUT/probe.html" \
    >"$TMP/dom.html" 2>"$TMP/console.log"
got=$(sed -n 's/.*<pre id="silk-probe">\([^<]*\)<.*/\1/p' "$TMP/dom.html")
if [ "$got" = "images=$charts broken=0" ]; then
    ok "every chart loaded ($charts images)"
else not_ok "images: '$got', expected $charts and none broken"; fi
if grep -q 'CONSOLE' "$TMP/console.log"; then
    not_ok "console messages"; grep 'CONSOLE' "$TMP/console.log" | sed 's/^/#   /'
else ok "no console errors"; fi

# The same checks fail on a page with a broken image and a console error.
with_probe "$OUT/index.html" "$OUT/probe-bad.html" \
    '<img src="missing.svg" alt="x"><script>console.error("planted")</script>'
browse --enable-logging=stderr --v=0 --dump-dom "file://$OUT/probe-bad.html" \
    >"$TMP/dom-bad.html" 2>"$TMP/console-bad.log"
if grep -q "images=$((charts + 1)) broken=1 missing.svg" "$TMP/dom-bad.html" &&
    grep -q 'CONSOLE.*"planted"' "$TMP/console-bad.log"; then
    ok "the checks catch a broken image and a console error"
else not_ok "the negative control was not caught"; fi
rm -f "$OUT/probe.html" "$OUT/probe-bad.html"

shot=$(dirname "$SILKSTAT")/briefing-screenshot.png
browse --window-size=1280,2400 --screenshot="$OUT/screenshot.png" \
    "file://$OUT/index.html" >/dev/null 2>&1
if [ -s "$OUT/screenshot.png" ] && cp "$OUT/screenshot.png" "$shot"; then
    ok "a screenshot: $shot"
else not_ok "no screenshot"; fi
finish
