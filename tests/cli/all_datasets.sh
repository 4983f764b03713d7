# CLI: every real input file of ../shared/datasets (MANIFEST.md) in ONE
# `silkstat ingest` into a fresh store, as an analyst would load the whole
# folder: each file detected by its header, the one per-indicator World
# Bank file named with --indicator FILE=NAME, the UNHCR country lookup
# checked and stored as nothing.  Then the indicators every file feeds are
# there, and the MANIFEST's check values read back.  Skipped when the
# datasets are absent.
. "$(dirname "$0")/lib.sh"
SHARED=../shared/datasets
if [ ! -f "$SHARED/MANIFEST.md" ]; then
    echo "skip: $SHARED not found"
    exit 77
fi
S=$TMP/all.h5

# shellcheck disable=SC2086 # the glob is meant to expand
run ingest --store "$S" \
    --indicator wb_sm_pop_netm_datahub_original_crlf.csv=SM.POP.NETM \
    $SHARED/*.csv
expect_status 0 "every file of $SHARED in one ingest"
# nothing below can hold without the store
[ "$STATUS" -eq 0 ] || finish
n_files=$(ls $SHARED/*.csv | wc -l)
if grep -q "^ingested [0-9]* rows from $n_files files into $S" "$TMP/.stdout"
then ok "the summary counts all $n_files files"
else not_ok "the summary counts all $n_files files"; tail -n 2 "$TMP/.stdout" | sed 's/^/#   /'; fi

# The indicators, by the file that feeds each: DESA (both layouts),
# UNHCR population, asylum applications and decisions, solutions, flows,
# IDMC, UNRWA, the World Bank's two files.
run info --store "$S" --json
if /usr/bin/python3 -c "
import json, sys
d = json.load(open('$TMP/.stdout'))
have = {i['name'] for i in d['indicators']}
want = ['migrant_stock', 'refugees', 'applied', 'dec_recognized',
        'refugee_returns', 'flows.refugees', 'idps_idmc', 'unrwa_refugees',
        'SM.POP.NETM', 'SP.POP.TOTL']
missing = [w for w in want if w not in have]
files = {p['file'].rsplit('/', 1)[-1]: p for p in d['provenance']}
lookup = files.get('unhcr_countries.csv')
if missing or lookup is None or lookup['indicators'] != '' or lookup['rows'] != 232:
    print('missing:', missing, 'lookup:', lookup, file=sys.stderr)
    sys.exit(1)
" 2>"$TMP/.py"; then
    ok "info lists migrant_stock, refugees, applied, dec_recognized, refugee_returns, flows.refugees, idps_idmc, unrwa_refugees, SM.POP.NETM, SP.POP.TOTL; the lookup touched none"
else
    not_ok "the indicators of every file"; sed 's/^/#   /' "$TMP/.py"
fi

# MANIFEST check values
run series --store "$S" --indicator refugee_returns --origin AFG \
    --destination IRN --from 2023 --to 2025
expect_out "period,value,flag
2023,516,
2024,237452,
2025,1386970," "Afghan refugee returns from Iran, 2023-2025 (MANIFEST 1d)"
run series --store "$S" --indicator migrant_stock --origin AFG \
    --destination PAK --from 2019
expect_out "period,value,flag
2019,1589146," "Afghans in Pakistan, migrant stock 2019 (MANIFEST 3b)"
run series --store "$S" --indicator migrant_stock --origin AFG \
    --destination IRN --to 1990
expect_out "period,value,flag
1990,3123968," "Afghans in Iran, migrant stock 1990 (MANIFEST 3b)"
run series --store "$S" --indicator refugees --origin AFG --destination IRN \
    --from 2024
expect_out "period,value,flag
2024,3477082,
2025,758339," "Afghan refugees in Iran, 2024-2025 (MANIFEST 1a)"
finish
