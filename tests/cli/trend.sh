# CLI: trend on series worked out by hand.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
S=store.h5
# Series y = 1, 3, 2, 5, 4 at 2001..2005 (hand calculation):
#   OLS: t - tbar = -2..2, S_tt = 10, S_ty = -2-3+0+5+8 = 8, slope 0.8,
#        intercept at t: ybar - 0.8*2003 = 3 - 1602.4; fitted residuals
#        e = 1-1.4, 3-2.2, 2-3.0, 5-3.8, 4-4.6 = -0.4 0.8 -1 1.2 -0.6,
#        SSE = 0.16+0.64+1+1.44+0.36 = 3.6, s^2 = 1.2, se = sqrt(0.12),
#        R^2 = 1 - 3.6/10 = 0.64.
#   MK: 8 concordant, 2 discordant pairs: S = 6, Var = 5*4*15/18 = 16.667,
#       z = 5/sqrt(16.667) = 1.2247, tau = 6/10 = 0.6.
#   Sen: pairwise slopes sorted -1 -1 1/3 1/2 3/4 1 1 4/3 2 3: median 0.875.
# A second series with only 2 values is skipped (needs 3).
cat > t.csv <<'CSV'
indicator,origin,destination,period,value
x,AFG,IRN,2001,1
x,AFG,IRN,2002,3
x,AFG,IRN,2003,2
x,AFG,IRN,2004,5
x,AFG,IRN,2005,4
x,AFG,PAK,2001,1
x,AFG,PAK,2002,2
CSV
run ingest --store $S t.csv
expect_status 0 "ingest"
run trend --store $S --indicator x
expect_status 0 "trend"
if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
r = {k: v for k, v in rows[0].items()}
def close(key, want, tol=1e-9):
    got = float(r[key])
    assert abs(got - want) <= tol * max(1, abs(want)), (key, got, want)
assert (r["indicator"], r["origin"], r["destination"], r["n"], r["first"], r["last"]) == ("x", "AFG", "IRN", "5", "2001", "2005"), r
close("ols_slope", 0.8)
close("ols_se", math.sqrt(0.12))
close("ols_r2", 0.64)
close("mk_s", 6)
close("mk_var_s", 300 / 18)
close("mk_z", 5 / math.sqrt(300 / 18))
close("mk_tau", 0.6)
close("sen_slope", 0.875)
# two-sided p of t = 0.8/sqrt(0.12) = 2.3094 with 3 df, from R: 2*pt(-2.309401, 3)
close("ols_p", 0.1040880, 1e-6)
PY
then ok "trend values match the hand calculation"; else not_ok "trend values"; cat "$TMP/.stdout"; fi
run trend --store $S --indicator x --from 2002 --to 2004
if [ "$(sed -n 2p "$TMP/.stdout" | cut -d, -f4-7)" = "1,3,2002,2004" ]; then
    ok "--from/--to restrict the periods"; else not_ok "--from/--to"; cat "$TMP/.stdout"; fi
run trend --store $S --indicator x --origin IRQ
expect_status 1 "unknown origin"
expect_err_line "silkstat: indicator 'x' has no origin 'IRQ'" "unknown origin message"

# --break 2004 splits the series into 2001-2003 (y 1 3 2) and 2004-2005
# (two values: too few, no row).  By hand for the first: t - tbar = -1 0 1,
# S_tt = 2, S_ty = 1, slope 0.5, intercept 2 - 0.5*2002 = -999; fitted
# 1.5 2 2.5, residuals -0.5 1 -0.5, SSE 1.5, s^2 = 1.5 (1 df), se =
# sqrt(0.75), R^2 = 1 - 1.5/2 = 0.25, t = 0.57735 = tan(pi/6) so p = 2/3,
# CI 0.5 -+ 12.7062047 * sqrt(0.75) (t quantile of 1 df: tan(0.475 pi)).
cat > check_break.py <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
r = rows[0]
assert (r["segment"], r["n"], r["first"], r["last"]) == ("1", "3", "2001", "2003"), r
half = math.tan(0.475 * math.pi) * math.sqrt(0.75)
want = {"ols_slope": 0.5, "ols_se": math.sqrt(0.75), "ols_r2": 0.25, "ols_p": 2 / 3,
        "ols_intercept": -999, "ols_resid_sd": math.sqrt(1.5),
        "ols_ci_low": 0.5 - half, "ols_ci_high": 0.5 + half}
for k, v in want.items():
    assert abs(float(r[k]) - v) <= 1e-9 * max(1, abs(v)), (k, r[k], v)
PY
run trend --store $S --indicator x --method ols --break 2004
/usr/bin/python3 check_break.py "$TMP/.stdout" && ok "--break splits a series (values by hand)" ||
    { not_ok "--break"; cat "$TMP/.stdout"; }
# the same break from a 'b' flag in the data
cat > b.csv <<'CSV'
indicator,origin,destination,period,value,flag
x,AFG,IRN,2004,5,b
CSV
run ingest --store $S b.csv
run trend --store $S --indicator x --method ols
/usr/bin/python3 check_break.py "$TMP/.stdout" && ok "a value flagged b starts a segment" ||
    { not_ok "b flag"; cat "$TMP/.stdout"; }
run trend --store $S --indicator x --method mk,bogus
expect_status 2 "an unknown method"
expect_err_line "silkstat: --method 'bogus' is not a method; expected a list of: ols, loglin, mk, sen, smk, pettitt, hampel, holt" "its message"
run trend --store $S --indicator x --threads 0
expect_status 2 "--threads 0"
run trend --store $S --indicator x --json --method sen
/usr/bin/python3 - "$TMP/.stdout" <<'PY' && ok "--json" || not_ok "--json"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1 and rows[0]["segment"] == 1 and rows[0]["first"] == "2001", rows
assert set(rows[0]) == {"indicator", "origin", "destination", "segment", "n", "first", "last",
                        "sen_slope", "sen_ci_low", "sen_ci_high", "sen_intercept"}, rows
PY

# many series: the output is byte-identical for 1, 2 and 5 threads
/usr/bin/python3 - > many.csv <<'PY'
import random
random.seed(7)
print("indicator,origin,destination,period,value")
codes = ["AFG", "IRN", "PAK", "IRQ", "BGD", "TUR", "DEU", "GRC"]
for o in codes:
    for d in codes:
        if o == d:
            continue
        for y in range(1990, 2025):
            if random.random() < 0.9:
                print("m,%s,%s,%d,%d" % (o, d, y, random.randint(0, 5000)))
PY
run ingest --store many.h5 many.csv
"$SILKSTAT" trend --store many.h5 --threads 1 > t1.csv
"$SILKSTAT" trend --store many.h5 --threads 2 > t2.csv
SILKSTAT_THREADS=5 "$SILKSTAT" trend --store many.h5 > t5.csv
if cmp -s t1.csv t2.csv && cmp -s t1.csv t5.csv && [ "$(wc -l < t1.csv)" -eq 57 ]; then
    ok "56 series, identical output for 1, 2 and 5 threads"
else not_ok "thread counts change the output"; wc -l t1.csv t2.csv t5.csv; fi

# The other methods on series whose answers are known by hand:
#   g: 100, 110, 121, 133.1 (2001-2004) grows exactly 10% a period: the
#      log-linear rate and the CAGR are both 10;
#   c: 1 1 1 1 10 10 10 10 (2001-2008) changes after 2004: Pettitt's K;
#      U_k = 2 sum r_i - k(n+1) with ranks 2.5 (x4) then 6.5 (x4):
#      U_4 = 2*10 - 4*9 = -16, the largest |U|, so U* = 16;
#   h: 1 2 1 2 50 1 2 1 2 (2001-2009): the Hampel filter (half-width 3,
#      3 MADs) flags 2005 alone.
cat > m.csv <<'CSV'
indicator,origin,destination,period,value
g,AFG,IRN,2001,100
g,AFG,IRN,2002,110
g,AFG,IRN,2003,121
g,AFG,IRN,2004,133.1
c,AFG,IRN,2001,1
c,AFG,IRN,2002,1
c,AFG,IRN,2003,1
c,AFG,IRN,2004,1
c,AFG,IRN,2005,10
c,AFG,IRN,2006,10
c,AFG,IRN,2007,10
c,AFG,IRN,2008,10
h,AFG,IRN,2001,1
h,AFG,IRN,2002,2
h,AFG,IRN,2003,1
h,AFG,IRN,2004,2
h,AFG,IRN,2005,50
h,AFG,IRN,2006,1
h,AFG,IRN,2007,2
h,AFG,IRN,2008,1
h,AFG,IRN,2009,2
CSV
run ingest --store m.h5 m.csv
run trend --store m.h5 --method loglin,pettitt,hampel,holt
/usr/bin/python3 - "$TMP/.stdout" <<'PY' && ok "loglin, pettitt, hampel and holt columns" || { not_ok "other methods"; cat "$TMP/.stdout"; }
import csv, math, sys
rows = {r["indicator"]: r for r in csv.DictReader(open(sys.argv[1]))}
g, c, h = rows["g"], rows["c"], rows["h"]
assert abs(float(g["loglin_rate"]) - 10) < 1e-9 and abs(float(g["cagr"]) - 10) < 1e-9, g
assert c["pettitt_k"] == "2004" and float(c["pettitt_u"]) == 16, c
assert h["hampel_outliers"] == "1" and h["hampel_worst"] == "2005", h
for r in rows.values():
    for k in ("holt_alpha", "holt_phi", "holt_next", "holt_next_low95", "holt_next_high95"):
        assert math.isfinite(float(r[k])), (k, r)
    assert float(r["holt_next_low95"]) <= float(r["holt_next"]) <= float(r["holt_next_high95"]), r
PY

# a method that needs more values than the series has leaves its columns
# empty: Holt needs 4, this series has 3
printf 'indicator,origin,destination,period,value\nthree,AFG,IRN,2001,1\nthree,AFG,IRN,2002,2\nthree,AFG,IRN,2003,4\n' > three.csv
run ingest --store three.h5 three.csv
run trend --store three.h5 --method ols,holt
expect_status 0 "Holt on 3 values: no error"
if sed -n 2p "$TMP/.stdout" | grep -q ',,,,,,,$'; then ok "its columns are empty"; else not_ok "holt on 3 values"; cat "$TMP/.stdout"; fi

# Seasonal Mann-Kendall on a monthly series: y = month + 10 * (year - 2020)
# over 2020-01..2021-12 without 2021-03 (absent from the store's axis).
# Each month rises once from one year to the next, except March, which
# has one value: S = 11 seasons x 1 = 11, Var(S) = 11 x 2*1*9/18 = 11,
# z = (11 - 1)/sqrt(11); the seasonal Sen slope is 10 a year.
/usr/bin/python3 - > monthly.csv <<'PY'
print("indicator,origin,destination,period,value")
for year in (2020, 2021):
    for month in range(1, 13):
        if (year, month) != (2021, 3):
            print("mo,AFG,IRN,%d-%02d,%d" % (year, month, month + 10 * (year - 2020)))
PY
run ingest --store mo.h5 monthly.csv
run trend --store mo.h5 --method smk
/usr/bin/python3 - "$TMP/.stdout" <<'PY' && ok "seasonal Mann-Kendall and Sen on a monthly series with a missing month" || { not_ok "smk"; cat "$TMP/.stdout"; }
import csv, math, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
assert float(r["smk_s"]) == 11 and float(r["smk_var_s"]) == 11, r
assert abs(float(r["smk_z"]) - 10 / math.sqrt(11)) < 1e-12, r
assert float(r["ssen_slope"]) == 10, r
PY

# --save: the rows into the store as results/NAME, the same numbers
run trend --store many.h5 --save all_m --quiet
expect_status 0 "--save --quiet"
test ! -s "$TMP/.stdout" && ok "--quiet prints nothing" || not_ok "--quiet printed"
run info --store many.h5
grep -q "^  all_m  *trend    56 rows x 24 columns" "$TMP/.stdout" &&
    grep -q "made by: --store many.h5 --save all_m --quiet" "$TMP/.stdout" &&
    grep -q "from: m: many.csv sha256:" "$TMP/.stdout" &&
    ok "info lists the table, its command line and inputs" || { not_ok "info results"; cat "$TMP/.stdout"; }
/usr/bin/python3 - many.h5 t1.csv <<'PY' && ok "the saved table holds the printed rows exactly" || not_ok "saved table"
import csv, math, sys, h5py
rows = list(csv.DictReader(open(sys.argv[2])))
with h5py.File(sys.argv[1], "r") as f:
    g = f["results/all_m"]
    assert g.attrs["kind"] in (b"trend", "trend")
    for name in rows[0]:
        col = g[name][...]
        assert len(col) == len(rows), name
        for r, v in zip(rows, col):
            if isinstance(v, bytes):
                assert v.decode() == r[name], (name, v, r[name])
            elif r[name] == "":
                assert math.isnan(v), (name, v)
            else:
                assert float(r[name]) == v, (name, v, r[name])
PY
run trend --store many.h5 --save "../x" --quiet
expect_status 2 "a bad --save name"
finish
