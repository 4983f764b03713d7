#!/usr/bin/python3
"""make-datasets.py: build the bundled tidy CSV files in datasets/.

Reads three published tables from the shared data folder (default
../shared/datasets relative to the repository root; pass another folder
as the first argument) and writes, in silkstat's tidy format
(indicator,origin,destination,period,value,flag,unit,source):

  datasets/unhcr_population_silk5.csv   from unhcr_population.csv
  datasets/unhcr_solutions_silk5.csv    from unhcr_solutions.csv
  datasets/wb_silk5.csv                 from wb_wdi_migration_indicators.csv
  datasets/undesa_stock_silk5.csv       from undesa_ims2019_bilateral_stock_wide.csv

and, in UNHCR's own layout (its categorical columns kept, so that
silkstat reads it as the UNHCR format and `--where` can select them):

  datasets/unhcr_asylum_decisions_silk5.csv  from unhcr_asylum_decisions.csv

Only rows touching the five Silk Routes countries are kept.  Values are
copied verbatim as text (validated as plain decimals), empty stays empty,
never 0.  Output is deterministic: rows sorted by (indicator, origin,
destination, period), LF line endings, minimal RFC 4180 quoting.  After
writing, the script reads its own output back and asserts the check
values published in the data MANIFEST.  The rules are documented in
datasets/README.md; keep the two in step.

Standard library only; run with /usr/bin/python3 from anywhere:
    /usr/bin/python3 scripts/make-datasets.py [SHARED_DATASETS_DIR]
"""

import csv
import os
import re
import sys

FIVE = ("AFG", "BGD", "IRN", "IRQ", "PAK")
HEADER = ["indicator", "origin", "destination", "period", "value", "flag",
          "unit", "source"]

SRC_UNHCR = "UNHCR Refugee Population Statistics Database (CC BY 4.0)"
SRC_WB = "World Bank World Development Indicators (CC BY 4.0)"
SRC_DESA = ("UN DESA, International Migrant Stock 2019 "
            "(POP/DB/MIG/Stock/Rev.2019; CC BY 3.0 IGO)")

# UNHCR population table: output indicator <- source column.
POPULATION = [
    ("refugees", "refugees"),
    ("asylum_seekers", "asylum_seekers"),
    ("returned_refugees", "returned_refugees"),
    ("idps", "idps"),
    ("oip", "oip"),
]
# UNHCR solutions table.  refugee_returns: origin = coo_iso = the country
# people returned TO, destination = coa_iso = the asylum country they
# returned FROM.
SOLUTIONS = [
    ("refugee_returns", "returned_refugees"),
    ("resettlement", "resettlement"),
]
# World Bank WDI: output indicator <- indicator_code, unit.
WDI = [
    ("population", "SP.POP.TOTL", "persons"),
    ("net_migration", "SM.POP.NETM", "persons"),
    ("remittances", "BX.TRF.PWKR.CD.DT", "current US$"),
    ("gdp", "NY.GDP.MKTP.CD", "current US$"),
]

CODE_RE = re.compile(r"^[A-Z]{3}$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
# A plain decimal: optional minus, digits, optional fraction.  No exponent,
# no thousands separators, no leading '+'.
VALUE_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class DataError(Exception):
    pass


def read_table(path):
    """Yields (line_number, row_dict) for a UTF-8 CSV with a header."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            yield reader.line_num, row


def check_value(text, where):
    """Returns the value text unchanged ('' = missing) or raises."""
    if text == "":
        return ""
    if not VALUE_RE.match(text):
        raise DataError("%s: expected a plain decimal, got '%s'" % (where, text))
    return text


def is_zero(text):
    return text != "" and float(text) == 0.0


def unhcr_rows(path, columns, stats):
    """Series of a UNHCR table restricted to the five: returns a dict
    (indicator, origin, destination) -> {year: value_text}."""
    name = os.path.basename(path)
    series = {}
    stats.update(read=0, subset=0, skipped_empty_iso=0)
    for line, row in read_table(path):
        stats["read"] += 1
        origin, destination = row["coo_iso"], row["coa_iso"]
        if origin == "" or destination == "":
            # UNHCR's Tibetan rows can lack an ISO code; without one the row
            # cannot be placed on an ISO axis, so it is skipped and counted.
            stats["skipped_empty_iso"] += 1
            continue
        if origin not in FIVE and destination not in FIVE:
            continue
        where = "%s:%d" % (name, line)
        for code in (origin, destination):
            if not CODE_RE.match(code):
                raise DataError("%s: expected a 3-letter code, got '%s'" % (where, code))
        year = row["year"]
        if not YEAR_RE.match(year):
            raise DataError("%s: expected a year, got '%s'" % (where, year))
        stats["subset"] += 1
        for indicator, column in columns:
            value = check_value(row[column], "%s: column '%s'" % (where, column))
            key = (indicator, origin, destination)
            cells = series.setdefault(key, {})
            if year in cells:
                raise DataError("%s: duplicate %s %s->%s %s" % (where, indicator, origin, destination, year))
            cells[year] = value
    return series


def flatten(series, unit, source, stats):
    """Tidy rows from series, dropping a whole series only when it carries
    no non-zero number (every value 0 or empty)."""
    rows = []
    stats.update(series_kept=0, series_dropped=0)
    for (indicator, origin, destination), cells in series.items():
        if all(v == "" or is_zero(v) for v in cells.values()):
            stats["series_dropped"] += 1
            continue
        stats["series_kept"] += 1
        for year, value in cells.items():
            rows.append([indicator, origin, destination, year, value, "",
                         unit, source])
    return rows


def wdi_rows(path, stats):
    name = os.path.basename(path)
    wanted = {code: (indicator, unit) for indicator, code, unit in WDI}
    rows = []
    seen = set()
    stats.update(read=0, subset=0)
    for line, row in read_table(path):
        stats["read"] += 1
        code = row["indicator_code"]
        country = row["country_code"]
        if code not in wanted or country not in FIVE:
            continue
        where = "%s:%d" % (name, line)
        year = row["year"]
        if not YEAR_RE.match(year):
            raise DataError("%s: expected a year, got '%s'" % (where, year))
        value = check_value(row["value"], where)
        indicator, unit = wanted[code]
        key = (indicator, country, year)
        if key in seen:
            raise DataError("%s: duplicate %s %s %s" % (where, indicator, country, year))
        seen.add(key)
        stats["subset"] += 1
        rows.append([indicator, country, "", year, value, "", unit, SRC_WB])
    return rows


def decision_rows(path, stats):
    """The asylum-decisions table's rows whose origin (coo_iso) is one of
    the five, every column verbatim, in the source's order: decisions
    taken on the five countries' nationals, everywhere."""
    name = os.path.basename(path)
    stats.update(read=0, subset=0)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        origin = header.index("coo_iso")
        year = header.index("year")
        rows = []
        for row in reader:
            stats["read"] += 1
            if row[origin] not in FIVE:
                continue
            if not YEAR_RE.match(row[year]):
                raise DataError("%s:%d: expected a year, got '%s'"
                                % (name, reader.line_num, row[year]))
            stats["subset"] += 1
            rows.append(row)
    return header, rows


def write_rows(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)
    return len(rows)


def country_codes(countries_csv):
    """{name or alias, case-folded: iso3} from the project's country table
    (the names as the agencies spell them, DESA's among them)."""
    codes = {}
    with open(countries_csv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names = [row["name"]] + [a for a in row["aliases"].split("|") if a]
            for n in names:
                codes[n.strip().casefold()] = row["iso3"]
    return codes


def desa_rows(path, codes, stats):
    """DESA's wide bilateral stock (rows: destination, `Dest`; one column
    per origin name) as tidy rows where origin or destination is one of
    the five.  Zeros stay (they are stocks of zero, and the
    origin-destination indices need the whole matrix); DESA's `..`
    becomes empty, never 0.  Names that are not countries (DESA's regional
    rows, "Other North", ...) are counted and left out."""
    name = os.path.basename(path)
    rows = []
    stats.update(read=0, subset=0, not_a_country=0)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        origins = [codes.get(h.strip().casefold()) for h in header[2:]]
        stats["not_a_country"] += sum(1 for o in origins if o is None)
        seen = set()
        for row in reader:
            stats["read"] += 1
            year, dest = row[0], codes.get(row[1].strip().casefold())
            if dest is None:
                stats["not_a_country"] += 1
                continue
            if not YEAR_RE.match(year):
                raise DataError("%s:%d: expected a year, got '%s'"
                                % (name, reader.line_num, year))
            for origin, text in zip(origins, row[2:]):
                if origin is None or (origin not in FIVE and dest not in FIVE):
                    continue
                text = text.strip().replace(" ", "")
                value = "" if text == ".." else check_value(
                    text, "%s:%d" % (name, reader.line_num))
                key = (origin, dest, year)
                if key in seen:
                    raise DataError("%s:%d: duplicate %s->%s %s"
                                    % (name, reader.line_num, origin, dest, year))
                seen.add(key)
                stats["subset"] += 1
                rows.append(["migrant_stock", origin, dest, year, value, "",
                             "persons", SRC_DESA])
    return rows


def write_tidy(path, rows):
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(HEADER)
        writer.writerows(rows)
    os.replace(tmp, path)
    return len(rows)


def load_tidy(path):
    """Reads a written file back: {(indicator, origin, destination, period): value}."""
    cells = {}
    with open(path, "rb") as f:
        raw = f.read()
    assert b"\r" not in raw, "%s: CR found" % path
    assert not raw.startswith(b"\xef\xbb\xbf"), "%s: BOM found" % path
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == HEADER, "%s: bad header" % path
        for row in reader:
            assert len(row) == 8, "%s: row %r" % (path, row)
            key = tuple(row[:4])
            assert key not in cells, "%s: duplicate %r" % (path, key)
            assert CODE_RE.match(row[1]) and (row[2] == "" or CODE_RE.match(row[2]))
            assert VALUE_RE.match(row[4]) or row[4] == ""
            cells[key] = row[4]
    return cells


def self_check(out_dir, stats):
    pop = load_tidy(os.path.join(out_dir, "unhcr_population_silk5.csv"))
    sol = load_tidy(os.path.join(out_dir, "unhcr_solutions_silk5.csv"))
    wb = load_tidy(os.path.join(out_dir, "wb_silk5.csv"))

    def expect(table, key, want, label):
        got = table.get(key)
        print("  check %-52s %14s  (expected %s)" % (label, got, want))
        assert got == want, "self-check failed: %s = %r, expected %r" % (label, got, want)

    print("self-check against MANIFEST.md:")
    # MANIFEST 1a: subset row counts of the source tables.
    assert stats["population"]["subset"] == 12298, stats["population"]
    assert stats["solutions"]["subset"] == 2371, stats["solutions"]
    print("  source subset rows: population 12298, solutions 2371: ok")
    # MANIFEST 1d: Afghan refugee returns from Iran and Pakistan.
    for dest, values in (("IRN", ("516", "237452", "1386970")),
                         ("PAK", ("56797", "126812", "558359"))):
        for year, want in zip(("2023", "2024", "2025"), values):
            expect(sol, ("refugee_returns", "AFG", dest, year), want,
                   "refugee_returns AFG<-%s %s" % (dest, year))
    # MANIFEST 1a: the 2025 reclassification of Afghans in Iran.
    expect(pop, ("refugees", "AFG", "IRN", "2024"), "3477082", "refugees AFG->IRN 2024")
    expect(pop, ("refugees", "AFG", "IRN", "2025"), "758339", "refugees AFG->IRN 2025")
    expect(pop, ("oip", "AFG", "IRN", "2025"), "879500", "oip AFG->IRN 2025")
    expect(pop, ("oip", "AFG", "IRN", "2020"), "", "oip AFG->IRN 2020 (empty, not 0)")
    idp = float(pop[("idps", "AFG", "AFG", "2025")])
    print("  check %-52s %14.0f  (expected about 3.2M)" % ("idps AFG 2025", idp))
    assert 3.1e6 < idp < 3.3e6
    # In the population table returned_refugees is 0 for AFG->AFG (MANIFEST
    # 1a): a series that is 0 in every year is dropped.
    assert not any(k[:3] == ("returned_refugees", "AFG", "AFG") for k in pop)
    # MANIFEST 2a: 66 years of population and net migration for each of five.
    for ind in ("population", "net_migration"):
        for c in FIVE:
            n = sum(1 for k in wb if k[0] == ind and k[1] == c)
            assert n == 66, (ind, c, n)
    n = {c: sum(1 for k in wb if k[0] == "remittances" and k[1] == c) for c in FIVE}
    assert n == {"AFG": 13, "BGD": 49, "IRN": 14, "IRQ": 20, "PAK": 49}, n
    print("  wdi years: population/net_migration 66 each, remittances %s: ok" % n)
    expect(wb, ("remittances", "PAK", "", "2024"), "34914000000", "remittances PAK 2024")
    for c, want in (("PAK", 7.89), ("BGD", 5.05)):
        share = 100 * float(wb[("remittances", c, "", "2023")]) / float(wb[("gdp", c, "", "2023")])
        print("  check %-52s %14.2f  (expected about %.2f)" % ("remittances/gdp %% %s 2023" % c, share, want))
        assert abs(share - want) < 0.01
    # MANIFEST 1c: decisions on Afghans in 2024, summed over every country
    # of asylum, procedure and level.
    sums = [0, 0, 0, 0]
    with open(os.path.join(out_dir, "unhcr_asylum_decisions_silk5.csv"),
              encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["coo_iso"] == "AFG" and row["year"] == "2024":
                for k, col in enumerate(("dec_recognized", "dec_other",
                                         "dec_rejected", "dec_closed")):
                    if VALUE_RE.match(row[col]):
                        sums[k] += int(row[col])
    print("  check %-52s %14s  (expected [83221, 26626, 23036, 28757])"
          % ("decisions on Afghans 2024", sums))
    assert sums == [83221, 26626, 23036, 28757], sums
    # MANIFEST 3b: Afghans in Iran and Pakistan, 1990 and 2019.
    desa = load_tidy(os.path.join(out_dir, "undesa_stock_silk5.csv"))
    for dest, (a, b) in (("IRN", ("3123968", "2310292")),
                         ("PAK", ("3374973", "1589146"))):
        expect(desa, ("migrant_stock", "AFG", dest, "1990"), a,
               "migrant_stock AFG->%s 1990" % dest)
        expect(desa, ("migrant_stock", "AFG", dest, "2019"), b,
               "migrant_stock AFG->%s 2019" % dest)
    # every pair among the five in every DESA year (20 pairs x 7 years)
    pairs = [k for k in desa if k[1] in FIVE and k[2] in FIVE and k[1] != k[2]]
    assert len(pairs) == 140, len(pairs)
    print("  desa: 140 cells among the five: ok")
    print("self-check passed")


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src_dir = argv[1] if len(argv) > 1 else os.path.join(repo, "..", "shared", "datasets")
    out_dir = os.path.join(repo, "datasets")
    os.makedirs(out_dir, exist_ok=True)
    stats = {"population": {}, "solutions": {}, "wdi": {}}

    pop = unhcr_rows(os.path.join(src_dir, "unhcr_population.csv"), POPULATION, stats["population"])
    rows = flatten(pop, "persons", SRC_UNHCR, stats["population"])
    stats["population"]["rows"] = write_tidy(os.path.join(out_dir, "unhcr_population_silk5.csv"), rows)

    sol = unhcr_rows(os.path.join(src_dir, "unhcr_solutions.csv"), SOLUTIONS, stats["solutions"])
    rows = flatten(sol, "persons", SRC_UNHCR, stats["solutions"])
    stats["solutions"]["rows"] = write_tidy(os.path.join(out_dir, "unhcr_solutions_silk5.csv"), rows)

    rows = wdi_rows(os.path.join(src_dir, "wb_wdi_migration_indicators.csv"), stats["wdi"])
    stats["wdi"]["rows"] = write_tidy(os.path.join(out_dir, "wb_silk5.csv"), rows)

    stats["decisions"] = {}
    header, rows = decision_rows(os.path.join(src_dir, "unhcr_asylum_decisions.csv"), stats["decisions"])
    stats["decisions"]["rows"] = write_rows(
        os.path.join(out_dir, "unhcr_asylum_decisions_silk5.csv"), header, rows)

    stats["desa"] = {}
    codes = country_codes(os.path.join(out_dir, "countries.csv"))
    rows = desa_rows(os.path.join(src_dir, "undesa_ims2019_bilateral_stock_wide.csv"), codes, stats["desa"])
    stats["desa"]["rows"] = write_tidy(os.path.join(out_dir, "undesa_stock_silk5.csv"), rows)

    for name, s in stats.items():
        print("%-10s %s" % (name, " ".join("%s=%d" % kv for kv in sorted(s.items()))))
    self_check(out_dir, stats)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (DataError, OSError, KeyError) as e:
        print("make-datasets.py: error: %s" % e, file=sys.stderr)
        sys.exit(1)
