# CLI: `silkstat modules` and `silkstat compute` with the fixture modules
# of tests/modules (built by the Makefile into BUILD/tests/modules) on a
# small store; the derived indicator read back by series, trend, chart
# and info; recompute, failure, ABI and path errors.  Values by hand.
. "$(dirname "$0")/lib.sh"
M=$(cd "$(dirname "$SILKSTAT")" && pwd)/tests/modules
EX=$(cd "$(dirname "$SILKSTAT")" && pwd)/examples
if [ ! -f "$M/twice.so" ]; then
    echo "skip: $M/twice.so is not built (make unit)"
    exit 77
fi
cd "$TMP"
S=store.h5
# x on AFG->IRN is 1 3 2 5 4 in 2001-2005 (2002 provisional); AFG->PAK 5
# in 2001; IRQ->IRN 7 in 2003.
cat > t.csv <<'CSV'
indicator,origin,destination,period,value,flag,unit
x,AFG,IRN,2001,1,,persons
x,AFG,IRN,2002,3,p,persons
x,AFG,IRN,2003,2,,persons
x,AFG,IRN,2004,5,,persons
x,AFG,IRN,2005,4,,persons
x,AFG,PAK,2001,5,,persons
x,IRQ,IRN,2003,7,,persons
CSV
run ingest --store $S t.csv
expect_status 0 "ingest"

# ---- modules ----
run modules --module "$M/twice.so"
expect_status 0 "modules"
if grep -qx "twice                    corridor  Twice the input (test fixture) \[$M/twice.so\]" "$TMP/.stdout" &&
   grep -q '^net_migration_rate  *country ' "$TMP/.stdout"; then
    ok "modules lists the built-ins and the loaded module"; else
    not_ok "modules list"; cat "$TMP/.stdout"; fi
if [ "$(cut -d' ' -f1 "$TMP/.stdout" | sort | uniq -d)" = "" ]; then
    ok "every module listed once"; else not_ok "a module listed twice"; fi
run modules twice --module "$M/twice.so"
expect_status 0 "modules NAME"
expect_out "twice 1.0: Twice the input (test fixture)
kind: corridor
stored as: indicator twice, one series per origin and destination
from: $M/twice.so

value = factor * x; a missing x gives NaN.

inputs (bind another indicator with --input ROLE=INDICATOR):
  x                default x
                   any count
parameters (--param NAME=VALUE):
  factor           number, default 2
                   the multiplier
outputs:
  value            persons
                   factor times x" "modules NAME shows the module in full"
run modules twice --json --module "$M/twice.so"
if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["name"] == "twice" and m["kind"] == "corridor" and m["version"] == "1.0", m
assert m["inputs"] == [{"role": "x", "indicator": "x", "description": "any count", "optional": False}], m
assert m["parameters"] == [{"name": "factor", "type": "number", "default": "2", "choices": None, "description": "the multiplier"}], m
assert m["outputs"] == [{"name": "value", "units": "persons", "description": "factor times x"}], m
PY
then ok "modules NAME --json"; else not_ok "modules NAME --json"; cat "$TMP/.stdout"; fi
run modules --json
if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import json, sys
ms = json.load(open(sys.argv[1]))
names = [m["name"] for m in ms]
assert len(names) == len(set(names)) and "net_migration_rate" in names, names
assert all(m["origin"] is None for m in ms)
PY
then ok "modules --json"; else not_ok "modules --json"; cat "$TMP/.stdout"; fi
run modules no_such
expect_status 2 "unknown module"
expect_err_line "silkstat: unknown module 'no_such'; 'silkstat modules' lists them" "unknown module message"

# ---- compute, and the result read back ----
run compute twice --module "$M/twice.so" --store $S
expect_status 0 "compute"
expect_out "twice: wrote 7 values to indicator twice in $S" "compute summary"
# twice = 2x: 2 6 4 10 8 on AFG->IRN, the 2002 flag carried
run series --store $S --indicator twice --origin AFG --destination IRN
expect_out "period,value,flag
2001,2,
2002,6,p
2003,4,
2004,10,
2005,8," "series reads the derived indicator"
# trend of 2 6 4 10 8 at 2001..2005: twice the slopes of 1 3 2 5 4
# (tests/cli/trend.sh: OLS 0.8, Sen 0.875, MK S 6): OLS 1.6, Sen 1.75, S 6
run trend --store $S --indicator twice --origin AFG --destination IRN
if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
r = rows[0]
assert (r["indicator"], r["n"], r["first"], r["last"]) == ("twice", "5", "2001", "2005"), r
assert abs(float(r["ols_slope"]) - 1.6) < 1e-12, r
assert abs(float(r["sen_slope"]) - 1.75) < 1e-12, r
assert float(r["mk_s"]) == 6, r
PY
then ok "trend on the derived indicator"; else not_ok "trend"; cat "$TMP/.stdout"; fi
if command -v "${SILKSTAT_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    run chart --store $S --indicator twice --origin AFG --destination IRN,PAK --out out/twice.svg
    expect_status 0 "chart on the derived indicator"
    [ -s out/twice.svg ] && ok "chart written" || not_ok "chart written"
else
    ok "chart skipped: no gnuplot"
fi
# info: how it was derived, the file's own sha256 (computed here)
sha=$(sha256sum t.csv | cut -d' ' -f1)
run info --store $S
if grep -q "^ *derived: module twice 1.0 at 20[0-9-]*T[0-9:]*Z (silkstat " "$TMP/.stdout" &&
   grep -qx " *parameters: factor=2 (default)" "$TMP/.stdout" &&
   grep -qx " *selection: origin=\*; destination=\*; from=\*; to=\*; where=\*" "$TMP/.stdout" &&
   grep -qx " *inputs: x=x" "$TMP/.stdout" &&
   grep -qx " *from: x: t.csv sha256:$sha" "$TMP/.stdout" &&
   grep -q "^  twice  *persons .* 7 values, 2001-2005" "$TMP/.stdout"; then
    ok "info shows the derivation"; else not_ok "info derivation"; cat "$TMP/.stdout"; fi
run info --store $S --json
if /usr/bin/python3 - "$TMP/.stdout" "$sha" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
ind = {i["name"]: i for i in info["indicators"]}
d = ind["twice"]["derivation"]
assert d["module"] == "twice" and d["module_version"] == "1.0", d
assert d["parameters"] == "factor=2 (default)" and d["inputs"] == "x=x", d
assert d["input_provenance"] == "x: t.csv sha256:" + sys.argv[2], d
assert "derivation" not in ind["x"]
PY
then ok "info --json derivation"; else not_ok "info --json"; cat "$TMP/.stdout"; fi

# an ingest of other data keeps the derivation
printf 'indicator,origin,destination,period,value\nother,BGD,IND,2020,1\n' > o.csv
run ingest --store $S o.csv
run info --store $S
grep -qx " *parameters: factor=2 (default)" "$TMP/.stdout" &&
    ok "an ingest keeps the derivation" || not_ok "ingest dropped the derivation"

# a recompute on a narrower selection replaces it whole: only IRQ->IRN
# 2003 = 3 * 7 = 21 is left, AFG is gone
run compute twice --module "$M/twice.so" --store $S --origin IRQ --param factor=3 --quiet
expect_status 0 "recompute"
[ ! -s "$TMP/.stdout" ] && ok "--quiet prints nothing" || not_ok "--quiet printed"
run series --store $S --indicator twice --origin IRQ --destination IRN
expect_out "period,value,flag
2003,21," "recompute value"
run series --store $S --indicator twice --origin AFG --destination IRN
expect_status 1 "no stale cells after a narrower recompute"
expect_err_line "silkstat: indicator 'twice' has no origin 'AFG'" "stale cells message"
run info --store $S
grep -qx " *selection: origin=IRQ; destination=\*; from=\*; to=\*; where=\*" "$TMP/.stdout" &&
    grep -qx " *parameters: factor=3" "$TMP/.stdout" &&
    ok "the record follows the recompute" || not_ok "record after recompute"

# --as, --input, --from and --json
run compute twice --module "$M/twice.so" --store $S --as six --input x=twice --param factor=2 --from 2003 --json
if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["module"] == "twice" and r["table"] is None, r
assert r["outputs"] == [{"name": "six", "values": 1}], r
assert (r["origins"], r["destinations"], r["periods"]) == (1, 1, 1), r
PY
then ok "compute --as --input --json"; else not_ok "compute --json"; cat "$TMP/.stdout"; fi
run series --store $S --indicator six --origin IRQ --destination IRN
expect_out "period,value,flag
2003,42," "a module on a derived indicator (2 x 21)"

# ---- errors: the store is left byte for byte ----
cp $S before.h5
run compute fails --module "$M/fails.so" --store $S
expect_status 1 "failing compute"
expect_err_line "silkstat: module fails: denominator is zero everywhere" "failing compute message"
cmp -s $S before.h5 && ok "a failed compute leaves the store byte-identical" || not_ok "store changed"
run compute twice --module "$M/abi2.so" --store $S
expect_status 1 "wrong ABI"
expect_err_line "silkstat: $M/abi2.so: module ABI version 2; this silkstat supports version 1 (rebuild it against include/silkstat/module.h)" "wrong ABI message"
run modules --module "$M/duplicate.so"
expect_status 1 "a built-in's name"
expect_err_line "silkstat: $M/duplicate.so: module 'net_migration_rate' is already registered (built in)" "duplicate name message"
run compute twice --module nope.so --store $S
expect_status 1 "--module path that does not exist"
expect_err_line "silkstat: nope.so: cannot load module: No such file or directory" "missing module message"
run compute twice --module "$M/twice.so" --store $S --param factor=abc
expect_status 2 "bad number"
expect_err_line "silkstat: parameter 'factor': 'abc' is not a number; expected a finite decimal number such as 2.5" "bad number message"
run compute twice --module "$M/twice.so" --store $S --param size=3
expect_status 2 "unknown parameter"
expect_err_line "silkstat: module 'twice' has no parameter 'size'; its parameters: factor" "unknown parameter message"
run compute twice --module "$M/twice.so" --store $S --param factor
expect_status 2 "--param without a value"
expect_err_line "silkstat: --param 'factor' is not a setting; expected NAME=VALUE" "--param syntax message"
run compute twice --module "$M/twice.so" --store $S --as other
expect_status 1 "an ingested indicator is not replaced"
expect_err_line "silkstat: indicator 'other' of store '$S' was ingested, not computed by a module; it is not replaced (choose another name)" "ingested indicator message"
run compute twice --module "$M/twice.so" --store $S --from 2030
expect_status 1 "empty selection"
expect_err_line "silkstat: module 'twice': the selection leaves no period of its inputs; nothing to compute" "empty selection message"
run compute
expect_status 2 "compute without a module"
cmp -s $S before.h5 && ok "no failed command changed the store" || not_ok "store changed"

# ---- SILKSTAT_MODULE_PATH ----
run_path() { # LIST ARGS...: silkstat ARGS with SILKSTAT_MODULE_PATH=LIST
    list=$1
    shift
    SILKSTAT_MODULE_PATH=$list "$SILKSTAT" "$@" >"$TMP/.stdout" 2>"$TMP/.stderr"
    STATUS=$?
}
run_path "$M/fails.so:$M/twice.so" modules
if grep -q '^fails ' "$TMP/.stdout" && grep -q '^twice ' "$TMP/.stdout"; then
    ok "SILKSTAT_MODULE_PATH files"; else not_ok "SILKSTAT_MODULE_PATH"; cat "$TMP/.stderr"; fi
run_path "$M/twice.so" compute twice --store $S --as eight --input x=six --param factor=2
expect_out "twice: wrote 1 value to indicator eight in $S" "compute through SILKSTAT_MODULE_PATH"
mkdir -p mods && cp "$M/twice.so" "$M/fails.so" mods/
run_path mods modules
grep -q '^fails ' "$TMP/.stdout" && grep -q '^twice ' "$TMP/.stdout" &&
    ok "SILKSTAT_MODULE_PATH folder" || not_ok "SILKSTAT_MODULE_PATH folder"
run_path "$M" modules
expect_status 1 "a folder with a bad module"
expect_err_line "silkstat: $M/abi2.so: module ABI version 2; this silkstat supports version 1 (rebuild it against include/silkstat/module.h)" "folder: name order, abi2.so first"

# ---- the examples (make examples): template and worked example ----
if [ -f "$EX/asylum_share.so" ] && [ -f "$EX/template.so" ]; then
    # AFG->DEU 2020: 50 / (150 + 50) = 25%; 2021: 30 / (90 + 30) = 25%
    # with the p of 2021; AFG->PAK 2020: no asylum-seekers given (R1:
    # missing, not 0%); AFG->TUR 2020: 0 + 0 (R2: missing)
    cat > a.csv <<'CSV'
indicator,origin,destination,period,value,flag,unit
refugees,AFG,DEU,2020,150,,persons
refugees,AFG,DEU,2021,90,p,persons
refugees,AFG,PAK,2020,1000,,persons
refugees,AFG,TUR,2020,0,,persons
asylum_seekers,AFG,DEU,2020,50,,persons
asylum_seekers,AFG,DEU,2021,30,,persons
asylum_seekers,AFG,TUR,2020,0,,persons
CSV
    run ingest --store a.h5 a.csv
    run compute asylum_share --module "$EX/asylum_share.so" --store a.h5
    expect_out "asylum_share: wrote 2 values to indicator asylum_share in a.h5" "worked example"
    run series --store a.h5 --indicator asylum_share --origin AFG --destination DEU
    expect_out "period,value,flag
2020,25,
2021,25,p" "worked example values"
    run series --store a.h5 --indicator asylum_share --origin AFG --destination PAK
    expect_status 1 "worked example: nothing where a count is missing"
    # the template: 100 * asylum_seekers / refugees: DEU 2020 33.3...,
    # 2021 33.3...; TUR 0/0 missing
    run compute template_ratio --module "$EX/template.so" --store a.h5 --destination DEU,TUR
    expect_out "template_ratio: wrote 2 values to indicator template_ratio in a.h5" "template"
    run series --store a.h5 --indicator template_ratio --origin AFG --destination DEU --json
    if /usr/bin/python3 - "$TMP/.stdout" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
vals = [r["value"] for r in rows]
assert all(abs(v - 100 / 3) < 1e-12 for v in vals) and len(vals) == 2, rows
PY
    then ok "template values"; else not_ok "template values"; cat "$TMP/.stdout"; fi
else
    ok "examples skipped: not built (make examples)"
fi
finish
