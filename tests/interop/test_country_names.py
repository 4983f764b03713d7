"""Interop: every country name and code that the agencies' files use
resolves through the committed datasets/countries.csv, the way silkstat's
resolver matches (casefold, Latin accents stripped, curly apostrophe as
straight, surrounding spaces ignored), and aggregates are marked.  Guards
the committed table against drift from the source files.

Run by tests/run.sh from the repository root; prints one "ok - what" /
"not ok - what" line per check; exits 77 if ../shared/datasets is absent.
"""
import collections
import csv
import glob
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "datasets")
COUNTRIES = os.path.join(ROOT, "datasets", "countries.csv")
GROUPS = os.path.join(ROOT, "datasets", "country-groups.csv")

# UN DESA destination rows that are UN M49 regions, not countries.
DESA_REGIONS = {"Caribbean", "Melanesia", "Micronesia", "Polynesia",
                "South America"}
# UNHCR pseudo-codes that mean the same thing.
SAME = {"STA": "XXA", "UKN": "UNK"}
# Codes that silkstat cannot store (not three capital letters).
UNUSABLE = {"AB9"}

failures = 0


def check(ok, what, detail=None):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failures += 1
        if detail:
            print("#   " + str(detail)[:2000])


def norm(s):
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold().strip()


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    if not os.path.isdir(SHARED):
        print(f"../shared/datasets not found ({SHARED}); skipping")
        return 77

    raw = open(COUNTRIES, "rb").read()
    check(raw.startswith(b"iso3,iso2,m49,unhcr_code,name,kind,region,"
                         b"aliases\n") and b"\r" not in raw,
          "countries.csv: header, LF line endings, no BOM")
    rows = read(COUNTRIES)
    codes = [r["iso3"] for r in rows]
    by_code = {r["iso3"]: r for r in rows}
    check(codes == sorted(set(codes)) and
          all(re.fullmatch(r"[A-Z]{3}", c) for c in codes),
          f"countries.csv: {len(rows)} unique three-letter codes, sorted")
    check(all(r["kind"] in ("country", "territory", "pseudo", "aggregate")
              for r in rows), "countries.csv: every kind is known")
    check(all(r["m49"] == "" or re.fullmatch(r"[0-9]{3}", r["m49"])
              for r in rows), "countries.csv: m49 is empty or 3 digits")
    check([by_code.get(c, {}).get("m49") for c in
           ("AFG", "BGD", "IRN", "IRQ", "PAK")] ==
          ["004", "050", "364", "368", "586"],
          "the five Silk Routes countries with their M49 codes")

    by_name = collections.defaultdict(set)
    for r in rows:
        for n in [r["name"]] + (r["aliases"].split("|") if r["aliases"]
                                else []):
            by_name[norm(n)].add(r["iso3"])
    conflicts = {k: sorted(v) for k, v in by_name.items() if len(v) > 1}
    check(not conflicts, "no name or alias resolves to two rows", conflicts)
    clash = {k: sorted(v) for k, v in by_name.items()
             if k.upper() in by_code and v != {k.upper()}}
    check(not clash, "no alias is another row's code", clash)

    def resolve(text):
        t = text.strip()
        if len(t) == 3 and t.upper() in by_code:
            return {t.upper()}
        return by_name.get(norm(t), set())

    def same(got, want):
        return SAME.get(got, got) == SAME.get(want, want)

    def expect(label, pairs):
        """pairs: (text, expected code or None); each must resolve to
        exactly one row (the expected one when given)."""
        bad = []
        for text, want in sorted(pairs, key=lambda p: (p[0], p[1] or "")):
            hits = resolve(text)
            if len(hits) != 1 or (want and not same(next(iter(hits)), want)):
                bad.append((text, want, sorted(hits)))
        check(not bad, f"{label}: all {len(pairs)} resolve", bad)

    # UN DESA wide file: destinations and origin headers.
    path = os.path.join(SHARED, "undesa_ims2019_bilateral_stock_wide.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        head = next(rd)
        names = set(head[2:]) | {row[1] for row in rd}
    expect("UN DESA names (Dest values and origin headers)",
           {(n, None) for n in names - DESA_REGIONS})
    regions = [by_code[next(iter(resolve(n)))] if len(resolve(n)) == 1 else None
               for n in sorted(DESA_REGIONS)]
    check(names >= DESA_REGIONS and
          all(r is not None and r["kind"] == "aggregate" for r in regions),
          "UN DESA's region rows (Caribbean, Micronesia, ...) resolve to "
          "aggregates, never to a country")
    check(resolve("Iran (Islamic Republic of)") == {"IRN"} and
          resolve("iran, islamic rep.") == {"IRN"} and
          resolve("  Turkiye ") == {"TUR"} and
          resolve("Cote d\u2019Ivoire") == {"CIV"},
          "spot checks: DESA/WB spellings of IRN, TUR and CIV")

    # World Bank files: codes, names (to the code's row), aggregates.
    wb = set()
    for r in read(os.path.join(SHARED, "wb_wdi_migration_indicators.csv")):
        wb.add((r["country_code"], r["country_name"]))
    for r in read(os.path.join(SHARED,
                               "wb_sm_pop_netm_datahub_original_crlf.csv")):
        wb.add((r["Country Code"], r["Country Name"]))
    expect("World Bank country codes", {(c, c) for c, _ in wb})
    expect("World Bank country names", {(n, c) for c, n in wb})
    iso_like = {c for c in by_code if by_code[c]["iso2"]} | {"XKX", "CHI"}
    wb_agg = {c for c, _ in wb if c not in iso_like}
    unmarked = sorted(c for c in wb_agg
                      if by_code.get(c, {}).get("kind") != "aggregate")
    check(not unmarked and len(wb_agg) > 40,
          f"World Bank aggregates ({len(wb_agg)}: WLD, ARB, LMC, ...) are "
          "kind aggregate", unmarked)
    wrong = sorted(c for c in iso_like if by_code[c]["kind"] == "aggregate")
    check(not wrong and by_code.get("WLD", {}).get("kind") == "aggregate",
          "WLD is an aggregate and no ISO code is", wrong)

    # UNHCR tables: *_iso codes and coo_name/coa_name.
    pairs = set()
    for p in sorted(glob.glob(os.path.join(SHARED, "unhcr_*.csv"))):
        if p.endswith("unhcr_countries.csv"):
            continue
        with open(p, newline="", encoding="utf-8") as f:
            rd = csv.reader(f)
            head = next(rd)
            cols = [(head.index(x + "_iso"), head.index(x + "_name"))
                    for x in ("coo", "coa") if x + "_iso" in head]
            for row in rd:
                for i, n in cols:
                    pairs.add((row[i], row[n]))
    pairs = {(c, n) for c, n in pairs if c not in UNUSABLE}
    check(len(pairs) > 200, f"UNHCR tables: {len(pairs)} code/name pairs")
    expect("UNHCR ISO codes (coo_iso, coa_iso)", {(c, c) for c, _ in pairs})
    expect("UNHCR names (coo_name, coa_name)",
           {(n, c) for c, n in pairs if n.strip()})
    table = [r for r in read(os.path.join(SHARED, "unhcr_countries.csv"))
             if r["iso_code"] and r["iso_code"] != "XXX"]
    expect("UNHCR country table names", {(r["name"], r["iso_code"])
                                         for r in table})
    check(all(by_code.get(r["iso_code"], {}).get("unhcr_code") ==
              r["unhcr_code"] for r in table),
          "UNHCR codes copied from UNHCR's table")

    # Groups.
    graw = open(GROUPS, "rb").read()
    groups = read(GROUPS)
    check(graw.startswith(b"group,title,members\n") and b"\r" not in graw,
          "country-groups.csv: header, LF line endings")
    bad = [g["group"] for g in groups
           if not re.fullmatch(r"[a-z0-9_]+", g["group"]) or
           not all(m in by_code for m in g["members"].split(" "))]
    check(not bad, f"country-groups.csv: {len(groups)} groups, names "
          "[a-z0-9_], every member a row of countries.csv", bad)
    gm = {g["group"]: g["members"].split(" ") for g in groups}
    check(gm.get("silk5") == ["AFG", "BGD", "IRN", "IRQ", "PAK"] and
          len(gm.get("eu27", [])) == 27 and len(gm.get("gcc", [])) == 6,
          "silk5 has the five, eu27 27 members, gcc 6")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
