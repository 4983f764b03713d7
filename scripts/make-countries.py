#!/usr/bin/python3
"""Write datasets/countries.csv: ISO3 code, UNHCR code and a short English
name for chart labels, from UNHCR's country table (CC BY 4.0).

Usage: /usr/bin/python3 scripts/make-countries.py [SHARED_DATASETS_DIR]

The short name drops UNHCR's formal parentheses ("Iran (Islamic Rep. of)"
-> "Iran") and shortens a few long official names, because a chart's
direct labels must fit beside the line.  The full UNHCR name is kept in
the unhcr_name column.  Issue 3 extends this file with aliases and groups.
"""
import csv
import os
import re
import sys

SHORT = {
    "GBR": "United Kingdom",
    "USA": "United States",
    "SRB": "Serbia and Kosovo",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "COD": "DR Congo",
    "LAO": "Laos",
    "MDA": "Moldova",
    "SYR": "Syria",
    "TZA": "Tanzania",
    "CAF": "Central African Republic",
    "DOM": "Dominican Republic",
    "HKG": "Hong Kong SAR, China",
    "MAC": "Macao SAR, China",
    "NLD": "Netherlands",
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "shared", "datasets")
    src = os.path.join(shared, "unhcr_countries.csv")
    rows = []
    with open(src, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            iso = r["iso_code"].strip()
            if not iso:
                # UNHCR's Tibetan row has no ISO code; TIB is UNHCR's own.
                iso = r["unhcr_code"].strip()
            name = r["name"].strip()
            short = SHORT.get(iso, re.sub(r"\s*\(.*\)$", "", name))
            rows.append((iso, r["unhcr_code"].strip(), short, name,
                         r["unhcr_region"].strip()))
    # Pseudo-codes used in UNHCR's ISO columns but absent from its table.
    known = {r[0] for r in rows}
    for code, name in (("UNK", "Unknown"), ("UKN", "Unknown"),
                       ("STA", "Stateless")):
        if code not in known:
            rows.append((code, code, name, name, ""))
    rows.sort()
    out = os.path.join(here, "..", "datasets", "countries.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3", "unhcr_code", "name", "unhcr_name", "unhcr_region"])
        w.writerows(rows)
    names = {r[0]: r[2] for r in rows}
    assert names["IRN"] == "Iran" and names["AFG"] == "Afghanistan", names
    assert names["TUR"] == "Türkiye", names["TUR"]
    print(f"wrote {out}: {len(rows)} countries")


if __name__ == "__main__":
    main()
