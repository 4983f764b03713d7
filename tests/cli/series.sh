# CLI: series --fill and --moving on a series worked out by hand:
# 10 20 _ _ 50 40 70 (2001-2007; 2003 and 2004 absent from the store).
# Linear filling gives 30 and 40 (on the line from 20 to 50), flagged i;
# the centred moving mean over 3 is (10+20+30)/3 = 20 at 2002, 30, 40,
# (40+50+40)/3 = 43.33 at 2005, (50+40+70)/3 = 53.33 at 2006, and none at
# the ends; the moving median without filling has a full window only at
# 2006: median(50, 40, 70) = 50.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
printf 'indicator,origin,destination,period,value\ns,AFG,IRN,2001,10\ns,AFG,IRN,2002,20\ns,AFG,IRN,2005,50\ns,AFG,IRN,2006,40\ns,AFG,IRN,2007,70\n' > s.csv
run ingest --store s.h5 s.csv
run series --store s.h5 --indicator s --origin AFG --destination IRN
expect_out "period,value,flag
2001,10,
2002,20,
2005,50,
2006,40,
2007,70," "without options: the stored periods only"
run series --store s.h5 --indicator s --origin AFG --destination IRN --fill linear --moving mean:3
expect_out "period,value,flag,moving
2001,10,,
2002,20,,20
2003,30,i,30
2004,40,i,40
2005,50,,43.333333333333336
2006,40,,53.333333333333336
2007,70,," "--fill linear flags i; --moving mean:3"
run series --store s.h5 --indicator s --origin AFG --destination IRN --moving median:3 --from 2005
expect_out "period,value,flag,moving
2005,50,,
2006,40,,50
2007,70,," "--moving median:3 (no window across the range's ends)"
run series --store s.h5 --indicator s --origin AFG --destination IRN --fill steffen
sed -n 4,5p "$TMP/.stdout" | grep -c ',i$' | grep -qx 2 && ok "--fill steffen fills and flags the gap" || { not_ok "steffen"; cat "$TMP/.stdout"; }
run series --store s.h5 --indicator s --origin AFG --destination IRN --moving mean:4
expect_status 2 "an even window"
expect_err_line "silkstat: --moving 'mean:4' is not a window; expected mean:K or median:K with K odd, from 3 to 999" "its message"
run series --store s.h5 --indicator s --origin AFG --destination IRN --fill cubic
expect_status 2 "an unknown fill method"
finish
