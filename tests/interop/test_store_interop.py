"""Interop: a store written by `silkstat ingest` read back with h5py and
with xarray (engine h5netcdf), the way an analyst would open it.

Run by tests/run.sh with SILKSTAT set to the CLI binary; prints one
"ok - what" / "not ok - what" line per check, exits 77 if the CLI is absent.
"""
import math
import os
import subprocess
import sys
import tempfile

TIDY = """indicator,origin,destination,period,value,flag,unit,source
refugees,AFG,IRN,2023,3000000,e,persons,UNHCR
refugees,AFG,IRN,2024,,*,persons,UNHCR
refugees,AFG,PAK,2024,1500000,,persons,UNHCR
refugees,IRQ,,2023,12.5,pe,persons,UNHCR
asylum_q,BGD,,2024-Q1,5,,,
asylum_q,BGD,,2024-Q3,7,p,,
"""

BIT = {c: 1 << (ord(c) - ord("a")) for c in "abcdefghijklmnopqrstuvwxyz"}
REDACTED = 1 << 26

failures = 0


def check(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failures += 1


def same(a, b):
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def text(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def main():
    cli = os.environ.get("SILKSTAT", "")
    if not cli or not os.access(cli, os.X_OK):
        print("SILKSTAT is not set to an executable silkstat binary: skipped")
        return 77
    try:
        import h5py
        import xarray
    except ImportError as e:
        print("python modules missing (%s): skipped" % e)
        return 77

    with tempfile.TemporaryDirectory() as tmp:
        tidy = os.path.join(tmp, "tidy.csv")
        store = os.path.join(tmp, "s.h5")
        with open(tidy, "w") as f:
            f.write(TIDY)
        run = subprocess.run([cli, "ingest", "--store", store, tidy],
                             capture_output=True, text=True)
        check(run.returncode == 0,
              "silkstat ingest exits 0 (%s)" % run.stderr.strip())
        if run.returncode != 0:
            return 1

        # --- h5py: raw layout ---------------------------------------
        with h5py.File(store, "r") as f:
            check(int(f.attrs["silkstat_format"]) == 1, "silkstat_format is 1")
            check(sorted(f["indicators"].keys()) == ["asylum_q", "refugees"],
                  "h5py lists both indicators")
            g = f["indicators/refugees"]
            value, flags = g["value"], g["flags"]
            labels = {}
            for axis, name in enumerate(["origin", "destination", "period"]):
                scales = value.dims[axis]
                check(len(scales) == 1 and scales[0].name ==
                      "/indicators/refugees/" + name,
                      "value axis %d has scale '%s'" % (axis, name))
                check(value.dims[axis].label == name,
                      "value axis %d is labelled '%s'" % (axis, name))
                check(len(flags.dims[axis]) == 1,
                      "flags axis %d has a scale" % axis)
                labels[name] = [text(x) for x in g[name][...]]
            check(labels == {"origin": ["AFG", "IRQ"],
                             "destination": ["", "IRN", "PAK"],
                             "period": ["2023", "2024"]},
                  "h5py scale labels are sorted axes")
            v, fl = value[...], flags[...]

            def at(o, d, p):
                return (labels["origin"].index(o),
                        labels["destination"].index(d),
                        labels["period"].index(p))

            check(v.shape == (2, 3, 2) and v.dtype == "float64",
                  "value is float64 [2][3][2]")
            check(v[at("AFG", "IRN", "2023")] == 3000000, "h5py AFG>IRN 2023")
            check(math.isnan(v[at("AFG", "IRN", "2024")]),
                  "h5py AFG>IRN 2024 is NaN")
            check(v[at("IRQ", "", "2023")] == 12.5, "h5py IRQ 2023")
            check(sum(math.isnan(x) for x in v.ravel()) == 9, "h5py 9 NaN cells of 12")
            check(fl[at("AFG", "IRN", "2024")] == REDACTED,
                  "h5py AFG>IRN 2024 flag is redacted")
            check(fl[at("IRQ", "", "2023")] == BIT["p"] | BIT["e"],
                  "h5py IRQ 2023 flags are p|e")
            check(value.fletcher32 and value.compression == "gzip"
                  and value.shuffle and math.isnan(value.fillvalue),
                  "value is shuffled, deflated, checksummed, NaN-filled")
            check(value.maxshape == (None, None, None),
                  "value is extendible on every axis")
            check(text(value.attrs["units"]) == "persons"
                  and text(value.attrs["source"]) == "UNHCR"
                  and text(value.attrs["frequency"]) == "annual",
                  "units, source and frequency attributes")
            prov = f["provenance"][...]
            check(len(prov) == 1 and text(prov[0]["file"]) == tidy
                  and int(prov[0]["rows"]) == 6,
                  "one provenance record for tidy.csv with 6 rows")

        # --- xarray over h5netcdf ------------------------------------
        ds = xarray.open_dataset(store, engine="h5netcdf",
                                 group="indicators/refugees")
        check(set(ds.data_vars) == {"value", "flags"},
              "xarray sees variables value and flags")
        check(ds["value"].dims == ("origin", "destination", "period"),
              "xarray dims are origin, destination, period")
        check(list(ds["origin"].values) == ["AFG", "IRQ"]
              and list(ds["destination"].values) == ["", "IRN", "PAK"]
              and list(ds["period"].values) == ["2023", "2024"],
              "xarray coordinates hold the labels")
        sel = ds["value"].sel
        check(same(sel(origin="AFG", destination="IRN", period="2023"),
                   3000000), "xarray AFG>IRN 2023 = 3000000")
        check(same(sel(origin="AFG", destination="PAK", period="2024"),
                   1500000), "xarray AFG>PAK 2024 = 1500000")
        check(same(sel(origin="AFG", destination="IRN", period="2024"),
                   float("nan")), "xarray AFG>IRN 2024 is NaN")
        check(same(sel(origin="IRQ", destination="", period="2024"),
                   float("nan")), "xarray IRQ 2024 (never given) is NaN")
        check(int(ds["flags"].sel(origin="AFG", destination="IRN",
                                  period="2023")) == BIT["e"],
              "xarray AFG>IRN 2023 flag is e")
        check(ds["value"].attrs.get("units") == "persons",
              "xarray reads units")
        meanings = ds["flags"].attrs.get("flag_meanings", "").split()
        masks = list(ds["flags"].attrs.get("flag_masks", []))
        check(len(meanings) == 27 and meanings[-1] == "redacted"
              and masks[meanings.index("p")] == BIT["p"]
              and masks[-1] == REDACTED,
              "CF flag_masks / flag_meanings describe the bits")
        ds.close()

        q = xarray.open_dataset(store, engine="h5netcdf",
                                group="indicators/asylum_q")
        check(list(q["period"].values) == ["2024-Q1", "2024-Q3"]
              and same(q["value"].sel(origin="BGD", destination="",
                                      period="2024-Q3"), 7),
              "xarray quarterly indicator BGD 2024-Q3 = 7")
        q.close()

        # A second ingest touching only refugees: asylum_q is carried over
        # and must keep its attached scales.
        update = os.path.join(tmp, "update.csv")
        with open(update, "w") as f:
            f.write("indicator,origin,destination,period,value,flag,unit,"
                    "source\nrefugees,IRQ,IRN,2025,10,p,,\n")
        run = subprocess.run([cli, "ingest", "--store", store, update],
                             capture_output=True, text=True)
        check(run.returncode == 0,
              "second ingest exits 0 (%s)" % run.stderr.strip())
        ds = xarray.open_dataset(store, engine="h5netcdf",
                                 group="indicators/refugees")
        check(list(ds["origin"].values) == ["AFG", "IRQ"]
              and list(ds["destination"].values) == ["", "IRN", "PAK"]
              and list(ds["period"].values) == ["2023", "2024", "2025"]
              and same(ds["value"].sel(origin="IRQ", destination="IRN",
                                       period="2025"), 10)
              and same(ds["value"].sel(origin="AFG", destination="IRN",
                                       period="2023"), 3000000)
              and int(ds["flags"].sel(origin="IRQ", destination="IRN",
                                      period="2025")) == BIT["p"],
              "upsert adds IRQ>IRN 2025 = 10 (p), keeps AFG>IRN 2023")
        ds.close()
        q = xarray.open_dataset(store, engine="h5netcdf",
                                group="indicators/asylum_q")
        check(list(q["period"].values) == ["2024-Q1", "2024-Q3"]
              and same(q["value"].sel(origin="BGD", destination="",
                                      period="2024-Q1"), 5),
              "untouched indicator still opens with its labels")
        q.close()
        with h5py.File(store, "r") as f:
            prov = f["provenance"][...]
            check([text(r["file"]) for r in prov] == [tidy, update],
                  "provenance appended in order")

        root = xarray.open_dataset(store, engine="h5netcdf")
        check("provenance" in root.variables
              and root.attrs.get("silkstat_format") == 1,
              "xarray opens the root group (provenance, attributes)")
        root.close()
        check_detail(cli, tmp, xarray, h5py)
    return 0 if failures == 0 else 1


DECISIONS = """year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,procedure_type,dec_level,dec_pc,dec_recognized,dec_other,dec_rejected,dec_closed,dec_total
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,FI,P,100,20,10,5,135
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,AR,P,30,2,8,0,40
2023,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,NA,C,1,0,0,0,1
2024,Afghanistan,AFG,AFG,Germany,GFR,DEU,G,FI,P,200,40,20,10,270
2024,Iraq,IRQ,IRQ,Germany,GFR,DEU,U,FI,P,7,0,0,0,7
"""


def check_detail(cli, tmp, xarray, h5py):
    """A categorical table: xarray opens the indicator and its detail/,
    and the detail gives back every row as read."""
    src = os.path.join(tmp, "decisions.csv")
    store = os.path.join(tmp, "d.h5")
    with open(src, "w") as f:
        f.write(DECISIONS)
    run = subprocess.run([cli, "ingest", "--store", store, src],
                         capture_output=True, text=True)
    check(run.returncode == 0,
          "categorical ingest exits 0 (%s)" % run.stderr.strip())
    if run.returncode != 0:
        return
    ds = xarray.open_dataset(store, engine="h5netcdf",
                             group="indicators/dec_recognized")
    # 100 + 30 + 1
    check(same(ds["value"].sel(origin="AFG", destination="DEU",
                               period="2023"), 131),
          "xarray: the indicator's value is the sum over categories")
    origins = list(ds["origin"].values)
    destinations = list(ds["destination"].values)
    periods = list(ds["period"].values)
    ds.close()
    d = xarray.open_dataset(store, engine="h5netcdf",
                            group="indicators/dec_recognized/detail")
    check(d.attrs.get("columns") == "procedure_type dec_level dec_pc",
          "detail names its columns in order")
    rows = set()
    values = d["value"].values
    for s in range(d.sizes["series"]):
        c = int(d["series_category"][s])
        key = (origins[int(d["series_origin"][s])],
               destinations[int(d["series_destination"][s])],
               str(d["procedure_type"].values[c]),
               str(d["dec_level"].values[c]), str(d["dec_pc"].values[c]))
        for p, year in enumerate(periods):
            if not math.isnan(values[s, p]):
                rows.add(key[:2] + (year,) + key[2:] + (values[s, p],))
    d.close()
    want = set()
    for line in DECISIONS.splitlines()[1:]:
        f = line.split(",")
        want.add((f[3], f[6], f[0], f[7], f[8], f[9], float(f[10])))
    check(rows == want, "detail/ rebuilds every row as read (NA kept)")
    with h5py.File(store, "r") as f:
        g = f["indicators/dec_recognized/detail"]
        check(g["value"].dims[1][0].name == "/indicators/dec_recognized/period",
              "detail value's period axis is the indicator's period scale")


if __name__ == "__main__":
    sys.exit(main())
