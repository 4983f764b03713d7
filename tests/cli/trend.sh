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
if [ "$(sed -n 2p "$TMP/.stdout" | cut -d, -f4-6)" = "3,2002,2004" ]; then
    ok "--from/--to restrict the periods"; else not_ok "--from/--to"; cat "$TMP/.stdout"; fi
run trend --store $S --indicator x --origin IRQ
expect_status 1 "unknown origin"
expect_err_line "silkstat: indicator 'x' has no origin 'IRQ'" "unknown origin message"
finish
