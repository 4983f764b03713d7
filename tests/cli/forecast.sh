# CLI: silkstat forecast (Holt's damped trend) on series whose forecasts
# are known by hand.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5
# x: 10 20 _ 40 50 (2001-2005, 2003 missing): the gap is filled linearly
# (30).  With alpha 1, beta 0, phi 1 the level is the last value and the
# trend stays the start trend, the slope of the OLS line through
# 10..50 = 10: forecasts 60, 70, 80; the one-step errors are all 0, so
# sigma is 0 and the intervals have no width.
# y: 100 values that wobble, for the fitted case.
/usr/bin/python3 - > f.csv <<'PY'
import math
print("indicator,origin,destination,period,value")
for year, v in ((2001, 10), (2002, 20), (2004, 40), (2005, 50)):
    print("x,AFG,IRN,%d,%d" % (year, v))
print("x,AFG,PAK,2001,1")
for i in range(30):
    print("x,AFG,TUR,%d,%.3f" % (1990 + i, 100 + 3 * i + 10 * math.sin(i)))
PY
run ingest --store $S f.csv
expect_status 0 "ingest"
run forecast --store $S --indicator x --destination IRN --horizon 3 --alpha 1 --beta 0 --phi 1
expect_out "indicator,origin,destination,period,h,forecast,low80,high80,low95,high95,alpha,beta,phi,sigma,n,filled
x,AFG,IRN,2006,1,60,60,60,60,60,1,0,1,0,5,1
x,AFG,IRN,2007,2,70,70,70,70,70,1,0,1,0,5,1
x,AFG,IRN,2008,3,80,80,80,80,80,1,0,1,0,5,1" "fixed parameters on a straight line with a gap"

run forecast --store $S --indicator x --horizon 4 --json
/usr/bin/python3 - "$TMP/.stdout" <<'PY' && ok "fitted: one row a step, nested widening intervals; AFG>PAK (1 value) skipped" || { not_ok "fitted forecast"; cat "$TMP/.stdout"; }
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["destination"] for r in rows] == ["IRN"] * 4 + ["TUR"] * 4, rows
tur = [r for r in rows if r["destination"] == "TUR"]
assert [r["period"] for r in tur] == ["2020", "2021", "2022", "2023"], tur
for r in tur:
    assert r["low95"] < r["low80"] < r["forecast"] < r["high80"] < r["high95"], r
    assert 0 < r["alpha"] <= 1 and 0.8 <= r["phi"] <= 0.98 and r["n"] == 30, r
widths = [r["high95"] - r["low95"] for r in tur]
assert widths == sorted(widths) and widths[0] < widths[-1], widths
PY

run forecast --store $S --indicator x --destination IRN --horizon 2 --alpha 1 --beta 0 --phi 1 --save fx --quiet
expect_status 0 "--save --quiet"
/usr/bin/python3 - $S <<'PY' && ok "the saved table holds the forecasts" || not_ok "saved forecast"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    g = f["results/fx"]
    assert list(g["forecast"][...]) == [60, 70], g["forecast"][...]
    assert [p.decode() for p in g["period"][...]] == ["2006", "2007"]
    kind = g.attrs["kind"]
    assert (kind.decode() if isinstance(kind, bytes) else kind) == "forecast"
PY

run forecast --store $S --indicator x --horizon 0
expect_status 2 "--horizon 0"
expect_err_line "silkstat: --horizon '0' is not a whole number from 1 to 1000" "its message"
run forecast --store $S --indicator x --alpha 2
expect_status 2 "--alpha 2"
run forecast --store $S --indicator x,y
expect_status 2 "two indicators"
finish
