#!/usr/bin/python3
"""Write datasets/countries.csv and datasets/country-groups.csv.

Usage: /usr/bin/python3 scripts/make-countries.py [SHARED_DATASETS_DIR]

countries.csv (iso3,iso2,m49,unhcr_code,name,kind,region,aliases): one row
per ISO 3166-1 entry (Debian's iso-codes, /usr/share/iso-codes), joined
with UNHCR's country table, plus the territories, pseudo-codes and World
Bank aggregates that the agencies' files use.  `aliases` lists, separated
by `|`, every other spelling found in the agencies' files (ISO, UNHCR,
World Bank, UN DESA) and a few common English variants, so that silkstat
can resolve any of them to the ISO3 code.

country-groups.csv (group,title,members): named sets of ISO3 codes
(silk5, eu27, gcc, ...; UN M49 and UNHCR regions from UNHCR's table).

The script uses only the standard library, is deterministic, and asserts
its checks after writing (see datasets/README.md).  The name matching
re-implemented here (casefold, accents stripped by NFKD, curly apostrophe
as straight, surrounding spaces ignored) is the C resolver's.
"""
import collections
import csv
import glob
import json
import os
import re
import sys
import unicodedata

ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
HEADER = ["iso3", "iso2", "m49", "unhcr_code", "name", "kind", "region",
          "aliases"]
SILK5 = ["AFG", "BGD", "IRN", "IRQ", "PAK"]

# Short English names for chart labels; otherwise ISO's common_name or name.
SHORT = {
    "BOL": "Bolivia",
    "BRN": "Brunei",
    "COD": "DR Congo",
    # Not "Micronesia": in UN DESA's file that is the M49 sub-region.
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MDA": "Moldova",
    "PRK": "North Korea",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SHN": "Saint Helena",
    "SYR": "Syria",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "USA": "United States",
    "VAT": "Holy See",
    "VEN": "Venezuela",
    "VGB": "British Virgin Islands",
    "VIR": "US Virgin Islands",
    "VNM": "Viet Nam",
}

# ISO 3166-1 entries that are not UN member or observer states: kind
# "territory".  Every other ISO entry is a "country" (193 UN members plus
# the observer states Holy See and State of Palestine).
TERRITORIES = set("""
ABW AIA ALA ASM ATA ATF BES BLM BMU BVT CCK COK CUW CXR CYM ESH FLK FRO
GGY GIB GLP GRL GUF GUM HKG HMD IMN IOT JEY MAC MAF MNP MSR MTQ MYT NCL
NFK NIU PCN PRI PYF REU SGS SHN SJM SPM SXM TCA TKL TWN UMI VGB VIR WLF
""".split())

# Codes outside ISO 3166-1 used by the agencies for places.
# code: (iso2, m49, name, why)
EXTRA_TERRITORIES = {
    # World Bank code; not in ISO 3166-1 nor in UN M49 (so m49 is empty).
    # XK is the user-assigned alpha-2 code that the EU (Eurostat's
    # citizen and geo columns), the IMF and the World Bank give Kosovo.
    "XKX": ("XK", "", "Kosovo"),
    # World Bank and UN DESA (M49 830: Guernsey, Jersey and dependencies).
    "CHI": ("", "830", "Channel Islands"),
}

# UNHCR pseudo-codes found in the ISO columns of its tables.
# code: (unhcr_code, name, region).  Names must be distinct so that each
# resolves to one row: "Stateless" -> XXA, "Unknown" -> UNK; the flows
# table's own spellings for STA/UKN are kept as their names.
PSEUDO = {
    "UNK": ("UKN", "Unknown", ""),
    "UKN": ("UKN", "Unknown/other", ""),
    "XXA": ("STA", "Stateless", ""),
    "STA": ("STA", "Stateless (STA)", ""),
    "TIB": ("TIB", "Tibetan", "Asia and the Pacific"),
}
# Pseudo-codes that mean the same thing (a UNHCR name may resolve to either).
PSEUDO_SAME = {"STA": "XXA", "UKN": "UNK"}
# UNHCR's country table (unhcr_countries.csv) writes "Unknown" with the ISO
# code XXX (ICAO's "unspecified nationality"), its data tables with UNK or
# UKN: XXX is an alias of UNK so that the table's row resolves.
UNHCR_XXX = "UNK"

# Eurostat's codes that are no ISO 3166 alpha-2 country (the citizen and
# geo columns of migr_asyappctza, migr_asydcfsta, migr_eiord, migr_eirtn),
# as src/ingest/eurostat.c maps them: code: (Eurostat code, name, kind).
# Aggregates take ISO 3166's user-assigned alpha-3 range QMA-QZZ (EUU is
# the World Bank's European Union, already a row); citizenships that are
# no country take pseudo-codes in the user-assigned X-range, beside UNHCR's
# UNK and XXA (which Eurostat's UNK and STLS map to).  Keep the names in
# step with codes[] in eurostat.c.
EUROSTAT = {
    "QUA": ("EU28", "European Union, 28 countries 2013-2020", "aggregate"),
    "QUB": ("EU27_2007", "European Union, 27 countries 2007-2013",
            "aggregate"),
    "QUC": ("EU27_2020_FOR",
            "EU27 countries from 2020 except the reporting country",
            "aggregate"),
    "QUD": ("EU28_FOR", "EU28 countries except the reporting country",
            "aggregate"),
    "QUE": ("EA19", "Euro area, 19 countries 2015-2022", "aggregate"),
    "QUF": ("EA20", "Euro area, 20 countries from 2023", "aggregate"),
    "QXE": ("EXT_EU27_2020", "Non-EU27 countries from 2020", "aggregate"),
    "QXF": ("EXT_EU28", "Non-EU28 countries", "aggregate"),
    "QNA": ("EFTA", "EFTA countries", "aggregate"),
    "QNO": ("UK_OCT", "United Kingdom overseas countries and territories",
            "aggregate"),
    "QTO": ("TOTAL", "Eurostat total", "aggregate"),
    "QRF": ("AFR", "Africa", "aggregate"),
    "QRM": ("AME", "Americas", "aggregate"),
    "QRS": ("ASI", "Asia", "aggregate"),
    "QRE": ("EUR", "Europe", "aggregate"),
    "QRO": ("OCE", "Oceania", "aggregate"),
    "XNC": ("RNC", "Recognised non-citizens", "pseudo"),
    "XNR": ("NRP", "No response", "pseudo"),
}

# Codes seen in the agencies' files that cannot be rows: silkstat codes are
# three capital letters.  Reported, not written.
UNUSABLE_CODES = {"AB9": "Abyei Area (UNHCR IDMC table)"}
# ... so Abyei gets a user-assigned code, with UNHCR's AB9 as an alias that
# the UNHCR reader resolves.
ABYEI = ("XAB", "Abyei Area", ["AB9"])

# UN DESA (International Migrant Stock 2019) names that the normalised
# match to ISO/UNHCR/World Bank spellings does not find, plus the DESA
# spellings named in the issue (harmless if they also match).
DESA_NAMES = {
    "Bolivia (Plurinational State of)": "BOL",
    "China, Hong Kong SAR": "HKG",
    "China, Macao SAR": "MAC",
    "Curaçao": "CUW",
    "Côte d'Ivoire": "CIV",
    "Dem. People's Republic of Korea": "PRK",
    "Democratic Republic of the Congo": "COD",
    "Iran (Islamic Republic of)": "IRN",
    "Micronesia (Fed. States of)": "FSM",
    "Republic of Korea": "KOR",
    "Réunion": "REU",
    "Saint Helena": "SHN",
    "State of Palestine": "PSE",
    "United Republic of Tanzania": "TZA",
    "United States Virgin Islands": "VIR",
    "Wallis and Futuna Islands": "WLF",
}
# DESA rows that are UN M49 regions, not countries (destinations only).
# DESA destination rows that are regions, not countries: kept as
# aggregates under user-assigned codes (ISO 3166 reserves XA-XZ for such
# use), with their M49 codes, so a DESA table ingests whole and its
# regional totals stay apart from countries.
DESA_REGIONS = {
    "Caribbean": ("XCB", "029"),
    "Melanesia": ("XME", "054"),
    "Micronesia": ("XMI", "057"),
    "Polynesia": ("XPO", "061"),
    "South America": ("XSA", "005"),
}

# Common English variants (not necessarily in any agency file).
COMMON = {
    "ARE": ["UAE", "Emirates"],
    "BHS": ["The Bahamas"],
    "BIH": ["Bosnia"],
    "BRN": ["Brunei Darussalam"],
    "CHN": ["Mainland China"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "COD": ["DRC", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "COG": ["Congo-Brazzaville", "Republic of Congo"],
    "CPV": ["Cape Verde", "Cabo Verde"],
    "CZE": ["Czech Republic", "Czechia"],
    "GBR": ["UK", "Great Britain", "Britain"],
    "GMB": ["The Gambia"],
    "HKG": ["Hong Kong SAR"],
    "KOR": ["Korea, South"],
    "LAO": ["Lao PDR"],
    "MAC": ["Macau", "Macao SAR"],
    "MKD": ["Macedonia", "North Macedonia", "FYR Macedonia"],
    "MMR": ["Burma", "Myanmar"],
    "NLD": ["Holland", "The Netherlands"],
    "PRK": ["Korea, North"],
    "PSE": ["Palestinian Territories", "Occupied Palestinian Territory"],
    "RUS": ["Russian Federation"],
    "SWZ": ["Swaziland", "Eswatini"],
    "SYR": ["Syrian Arab Republic"],
    "TLS": ["East Timor", "Timor-Leste"],
    "TUR": ["Turkey", "Türkiye", "Turkiye"],
    "USA": ["US", "United States of America"],
    "VAT": ["Vatican", "Vatican City", "Holy See"],
    "VNM": ["Vietnam", "Viet Nam"],
    "XKX": ["Republic of Kosovo"],
}

EU27 = ("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU "
        "LUX MLT NLD POL PRT ROU SVK SVN ESP SWE").split()
FIXED_GROUPS = [
    ("silk5", "Silk Routes countries of the Budapest Process", SILK5),
    ("eu27", "European Union, 27 member states (since February 2020)", EU27),
    ("gcc", "Gulf Cooperation Council",
     "BHR KWT OMN QAT SAU ARE".split()),
    ("central_asia", "Central Asia", "KAZ KGZ TJK TKM UZB".split()),
    ("western_balkans", "Western Balkans",
     "ALB BIH XKX MNE MKD SRB".split()),
]


def norm(s):
    """The resolver's key: casefold, Latin accents stripped, curly
    apostrophe as straight, surrounding spaces ignored."""
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold().strip()


def slug(s):
    return re.sub(r"[^a-z0-9]+", "_", norm(s)).strip("_")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def apostrophe_variants(name):
    out = {name}
    if "'" in name:
        out.add(name.replace("'", "\u2019"))
    if "\u2019" in name:
        out.add(name.replace("\u2019", "'"))
    return out


def wb_names(shared):
    """{code: Counter(name)} over both World Bank files."""
    names = collections.defaultdict(collections.Counter)
    for r in read_csv(os.path.join(shared, "wb_wdi_migration_indicators.csv")):
        names[r["country_code"]][r["country_name"]] += 1
    for r in read_csv(os.path.join(
            shared, "wb_sm_pop_netm_datahub_original_crlf.csv")):
        names[r["Country Code"]][r["Country Name"]] += 1
    return names


def unhcr_data_names(shared):
    """{(iso, name)} from the coo/coa columns of every UNHCR data table."""
    pairs = set()
    for path in sorted(glob.glob(os.path.join(shared, "unhcr_*.csv"))):
        if path.endswith("unhcr_countries.csv"):
            continue
        with open(path, newline="", encoding="utf-8") as f:
            rd = csv.reader(f)
            head = next(rd)
            cols = [(head.index(p + "_iso"), head.index(p + "_name"))
                    for p in ("coo", "coa") if p + "_iso" in head]
            for row in rd:
                for i, n in cols:
                    pairs.add((row[i], row[n]))
    return pairs


def desa_names(shared):
    path = os.path.join(shared, "undesa_ims2019_bilateral_stock_wide.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        head = next(rd)
        dest = {row[1] for row in rd}
    return set(head[2:]) | dest


def build(shared):
    iso = json.load(open(ISO_JSON, encoding="utf-8"))["3166-1"]
    unhcr = read_csv(os.path.join(shared, "unhcr_countries.csv"))
    unhcr_by_iso = {r["iso_code"]: r for r in unhcr if r["iso_code"]}
    wb = wb_names(shared)
    report = []

    rows = {}      # iso3 -> dict
    aliases = collections.defaultdict(set)

    def add(code, iso2, m49, name, kind):
        u = unhcr_by_iso.get(code)
        rows[code] = {"iso3": code, "iso2": iso2, "m49": m49,
                      "unhcr_code": u["unhcr_code"].strip() if u else "",
                      "name": name, "kind": kind,
                      "region": u["unhcr_region"].strip() if u else ""}
        if u:
            aliases[code].add(u["name"].strip())

    for c in iso:
        code = c["alpha_3"]
        name = SHORT.get(code, c.get("common_name", c["name"]))
        add(code, c["alpha_2"], c["numeric"], name,
            "territory" if code in TERRITORIES else "country")
        for k in ("name", "common_name", "official_name"):
            if k in c:
                aliases[code].add(c[k])
    for code, (iso2, m49, name) in EXTRA_TERRITORIES.items():
        add(code, iso2, m49, name, "territory")
    for name, (code, m49) in DESA_REGIONS.items():
        add(code, "", m49, name, "aggregate")
    add(ABYEI[0], "", "", ABYEI[1], "territory")
    aliases[ABYEI[0]].update(ABYEI[2])
    for code, (ucode, name, region) in PSEUDO.items():
        rows[code] = {"iso3": code, "iso2": "", "m49": "",
                      "unhcr_code": ucode, "name": name, "kind": "pseudo",
                      "region": region}
    for code, (_, name, kind) in EUROSTAT.items():
        assert code not in rows, code
        rows[code] = {"iso3": code, "iso2": "", "m49": "", "unhcr_code": "",
                      "name": name, "kind": kind, "region": ""}
    # UNHCR's table: pseudo rows under their own names.
    for r in unhcr:
        if r["iso_code"] == "XXX":      # "Unknown", used as UNK/UKN in data
            aliases[UNHCR_XXX].add(r["name"])
            aliases[UNHCR_XXX].add("XXX")
        elif not r["iso_code"] and r["unhcr_code"] == "TIB":
            aliases["TIB"].add(r["name"])
        elif not r["iso_code"]:
            report.append("unhcr_countries.csv row without ISO code skipped: "
                          f"{r['unhcr_code']},{r['name']}")
    # World Bank: aggregates get rows; every spelling is an alias.
    for code in sorted(wb):
        counts = wb[code]
        if code not in rows:
            # The spelling used by most rows (the current WDI name).
            name = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            rows[code] = {"iso3": code, "iso2": "", "m49": "",
                          "unhcr_code": "", "name": name,
                          "kind": "aggregate", "region": ""}
        for n in counts:
            aliases[code] |= apostrophe_variants(n)
    # UNHCR data tables.
    for code, name in unhcr_data_names(shared):
        if code in UNUSABLE_CODES:
            continue
        assert code in rows, f"UNHCR ISO code {code} ({name}) has no row"
        twin = PSEUDO_SAME.get(code)
        if twin and norm(name) == norm(rows[twin]["name"]):
            continue    # flows' STA "Stateless" is XXA's name
        if name.strip():
            aliases[code].add(name.strip())
    # UN DESA: exact/normalised match to what we have, then DESA_NAMES.
    index = collections.defaultdict(set)
    for code, r in rows.items():
        for n in aliases[code] | {r["name"]}:
            index[norm(n)].add(code)
    desa_map = {}
    for n in sorted(desa_names(shared)):
        if n in DESA_REGIONS:
            report.append(f"DESA row is a region, kept as an aggregate: {n}")
            continue
        if n in DESA_NAMES:
            desa_map[n] = DESA_NAMES[n]
        else:
            hits = index.get(norm(n), set())
            assert len(hits) == 1, f"DESA name {n!r} matches {sorted(hits)}"
            desa_map[n] = next(iter(hits))
    for n, code in DESA_NAMES.items():
        desa_map.setdefault(n, code)
    for n, code in desa_map.items():
        aliases[code].add(n)
    for code, names in COMMON.items():
        aliases[code].update(names)

    out = []
    for code in sorted(rows):
        r = rows[code]
        al = {a.strip() for a in aliases[code] if a.strip()}
        al.discard(r["name"])
        for a in al:
            assert "|" not in a, a
        r["aliases"] = "|".join(sorted(al, key=lambda a: (norm(a), a)))
        out.append(r)
    return out, unhcr, report, desa_map


def build_groups(unhcr, codes):
    groups = [(g, t, list(m)) for g, t, m in FIXED_GROUPS]
    for col, prefix, what in (("unsd_region", "un_", "UN M49 region"),
                              ("unsd_subregion", "un_", "UN M49 sub-region"),
                              ("unsd_imregion", "un_",
                               "UN M49 intermediate region"),
                              ("unhcr_region", "unhcr_", "UNHCR region")):
        members = collections.defaultdict(set)
        for r in unhcr:
            label = r[col].strip()
            code = r["iso_code"] or (r["unhcr_code"]
                                     if r["unhcr_code"] == "TIB" else "")
            if label and code in codes:
                members[label].add(code)
        for label in sorted(members):
            groups.append((prefix + slug(label), f"{what}: {label}",
                           sorted(members[label])))
    names = [g for g, _, _ in groups]
    dup = [g for g, n in collections.Counter(names).items() if n > 1]
    assert not dup, f"duplicate group names {dup}"
    groups.sort(key=lambda g: g[0])
    return groups


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def resolver(path):
    """Re-implementation of the C resolver over the written file:
    ISO3 code, then any name or alias (normalised), then UNHCR code."""
    rows = read_csv(path)
    by_code = {r["iso3"]: r for r in rows}
    by_name = collections.defaultdict(set)
    by_unhcr = collections.defaultdict(set)
    for r in rows:
        for n in [r["name"]] + (r["aliases"].split("|") if r["aliases"]
                                else []):
            by_name[norm(n)].add(r["iso3"])
        if r["unhcr_code"]:
            by_unhcr[r["unhcr_code"]].add(r["iso3"])

    def resolve(text):
        t = text.strip()
        if t.upper() in by_code and len(t) == 3:
            return {t.upper()}
        hits = by_name.get(norm(t), set())
        if hits:
            return hits
        return by_unhcr.get(t.upper(), set())
    return rows, by_code, by_name, resolve


def check(path_c, path_g, shared, desa_map):
    rows, by_code, by_name, resolve = resolver(path_c)
    raw = open(path_c, "rb").read()
    assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\n", 1)[0].decode() == ",".join(HEADER)
    assert len(raw) < 100_000, len(raw)
    assert [r["iso3"] for r in rows] == sorted(by_code)
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in by_code)
    for c, m in zip(SILK5, ["004", "050", "364", "368", "586"]):
        assert by_code[c]["m49"] == m and by_code[c]["kind"] == "country", c
    irn = by_code["IRN"]["aliases"].split("|")
    assert "Iran (Islamic Republic of)" in irn and "Iran, Islamic Rep." in irn
    assert by_code["WLD"]["kind"] == "aggregate"
    assert by_code["TUR"]["name"] == "Türkiye"
    # No normalised name or alias maps to two rows, and none is another
    # row's code.
    conflicts = {k: v for k, v in by_name.items() if len(v) > 1}
    assert not conflicts, f"alias conflicts: {conflicts}"
    for k, v in by_name.items():
        if k.upper() in by_code:
            assert v == {k.upper()}, f"alias {k!r} of {v} is a code"
    # Eurostat (src/ingest/eurostat.c): an ISO2 code names one row (the
    # ISO2 resolver takes the first), XK is Kosovo, and every code that
    # eurostat.c maps to is a row of its kind and name.
    iso2 = collections.Counter(r["iso2"] for r in rows if r["iso2"])
    assert all(k == 1 for k in iso2.values()), iso2.most_common(3)
    assert by_code["XKX"]["iso2"] == "XK"
    for code, (_, name, kind) in EUROSTAT.items():
        assert (by_code[code]["kind"], by_code[code]["name"]) == (kind, name)
    for r in rows:
        al = r["aliases"].split("|") if r["aliases"] else []
        assert r["name"] not in al and len(al) == len(set(al)), r["iso3"]

    n = collections.Counter()

    def one(text, want=None, what=""):
        hits = resolve(text)
        assert len(hits) == 1, f"{what} {text!r} resolves to {sorted(hits)}"
        got = next(iter(hits))
        if want is not None:
            assert PSEUDO_SAME.get(got, got) == PSEUDO_SAME.get(want, want), \
                f"{what} {text!r} resolves to {got}, expected {want}"
        n[what] += 1
    # DESA: every name except the regions (which must not resolve).
    for name in sorted(desa_names(shared)):
        if name in DESA_REGIONS:
            one(name, DESA_REGIONS[name][0], "DESA region")
        else:
            one(name, desa_map[name], "DESA name")
    # World Bank: codes and names, the name to the code's row.
    aggregates = 0
    for code, counts in sorted(wb_names(shared).items()):
        one(code, code, "WB code")
        for name in counts:
            one(name, code, "WB name")
        if code not in EXTRA_TERRITORIES and by_code[code]["iso2"] == "":
            assert by_code[code]["kind"] == "aggregate", code
            aggregates += 1
        else:
            assert by_code[code]["kind"] != "aggregate", code
    # UNHCR: ISO codes and names.
    skipped = collections.Counter()
    for code, name in sorted(unhcr_data_names(shared)):
        if code in UNUSABLE_CODES:
            skipped[code] += 1
            continue
        one(code, code, "UNHCR code")
        if name.strip():
            one(name, code, "UNHCR name")
        else:
            skipped["empty name"] += 1
    for r in read_csv(os.path.join(shared, "unhcr_countries.csv")):
        if r["iso_code"]:
            # XXX reads as UNK; every other ISO code as itself
            code = UNHCR_XXX if r["iso_code"] == "XXX" else r["iso_code"]
            one(r["iso_code"], code, "UNHCR table code")
            one(r["name"], code, "UNHCR table name")
    # Groups.
    graw = open(path_g, "rb").read()
    assert b"\r" not in graw and not graw.startswith(b"\xef\xbb\xbf")
    groups = read_csv(path_g)
    assert list(groups[0].keys()) == ["group", "title", "members"]
    gm = {}
    for g in groups:
        assert re.fullmatch(r"[a-z0-9_]+", g["group"]), g["group"]
        mem = g["members"].split(" ")
        assert mem and all(m in by_code for m in mem), g
        assert len(mem) == len(set(mem)), g["group"]
        gm[g["group"]] = mem
    assert len(gm) == len(groups)
    assert gm["silk5"] == SILK5 and len(gm["eu27"]) == 27
    assert set(SILK5) <= (set(gm["un_southern_asia"]) |
                          set(gm["un_western_asia"]))
    kinds = collections.Counter(r["kind"] for r in rows)
    return kinds, n, aggregates, skipped, len(groups)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "shared", "datasets")
    rows, unhcr, report, desa_map = build(shared)
    out_c = os.path.join(here, "..", "datasets", "countries.csv")
    out_g = os.path.join(here, "..", "datasets", "country-groups.csv")
    write_csv(out_c, HEADER, [[r[h] for h in HEADER] for r in rows])
    groups = build_groups(unhcr, {r["iso3"] for r in rows})
    write_csv(out_g, ["group", "title", "members"],
              [(g, t, " ".join(m)) for g, t, m in groups])

    kinds, n, aggregates, skipped, ngroups = check(out_c, out_g, shared,
                                                   desa_map)
    codes = {r["iso3"] for r in rows}
    for r in rows:
        u = r["unhcr_code"]
        if u in codes and u != r["iso3"] and r["kind"] != "pseudo":
            report.append(f"UNHCR code {u} of {r['iso3']} is the ISO3 code of "
                          f"another row: '{u}' resolves to {u}")
    for line in report:
        print("note:", line)
    for code, why in UNUSABLE_CODES.items():
        print(f"note: code {code} ({why}) is not a three-letter code; "
              f"{skipped[code]} UNHCR code/name pairs skipped")
    print(f"note: {skipped['empty name']} UNHCR code/name pairs with an "
          "empty name (flows TIB) skipped")
    print(f"wrote {out_c}: {len(rows)} rows (" + ", ".join(
        f"{k} {v}" for k, v in sorted(kinds.items())) + "), "
        f"{sum(len(r['aliases'].split('|')) for r in rows if r['aliases'])}"
        " aliases")
    print(f"wrote {out_g}: {ngroups} groups")
    print("resolved: " + ", ".join(f"{k} {v}" for k, v in sorted(n.items()))
          + f"; {aggregates} World Bank aggregates marked")


if __name__ == "__main__":
    main()
