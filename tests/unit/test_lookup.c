/*
 * test_lookup.c: UNHCR's country code lookup table checked against the
 * country table (src/ingest/lookup.c, format unhcr-countries).  Comments
 * cite the numbered rules of lookup.c's header.
 *
 * GOOD below is thirteen rows of ../shared/datasets/unhcr_countries.csv
 * copied verbatim (CRLF line endings added): ordinary rows, UNHCR codes
 * that differ from ISO (ALG, ICO), the four kinds of odd rows (XXA/STA,
 * XXX/UKN, the Tibetan row without an ISO code, CRB without ISO code or
 * name), UNHCR codes that are other countries' ISO codes (AUS, CHI, ARE)
 * and names with a comma, an accent and a trailing space.  The bad rows
 * are those rows with one field changed.  The country table is the
 * project's datasets/countries.csv.  The real table is read when
 * ../shared/datasets is present.  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"
#include "ingest/format.h"
#include "fixture.h"

#define SHARED "../shared/datasets/"
#define HEADER                                                            \
    "iso_code,unhcr_code,name,unhcr_region,unsd_region,unsd_subregion,"   \
    "unsd_imregion\r\n"
#define GOOD                                                              \
    HEADER                                                                \
    "AFG,AFG,Afghanistan,Asia and the Pacific,Asia,Southern Asia,\r\n"    \
    "DZA,ALG,Algeria,Middle East and North Africa,Africa,Northern "       \
    "Africa,\r\n"                                                         \
    "AUT,AUS,Austria,Europe,Europe,Western Europe,\r\n"                   \
    "BES,BES,\"Bonaire, Saint Eustatius and Saba\",The Americas,"         \
    "Americas,Latin America and the Caribbean,Caribbean\r\n"              \
    ",CRB,CRB,,,,\r\n"                                                    \
    "CHN,CHI,China,Asia and the Pacific,Asia,Eastern Asia,\r\n"           \
    "CIV,ICO,Cote d'Ivoire,West and Central Africa,Africa,Sub-Saharan "   \
    "Africa,Western Africa\r\n"                                           \
    "CUW,CUW,Curacao ,The Americas,Americas,Latin America and the "       \
    "Caribbean,Caribbean\r\n"                                             \
    "EGY,ARE,Egypt,Middle East and North Africa,Africa,Northern "         \
    "Africa,\r\n"                                                         \
    "XXA,STA,Stateless,,,,\r\n"                                           \
    ",TIB,Tibetan,Asia and the Pacific,,,\r\n"                            \
    "TUR,TUR,T\xc3\xbcrkiye,Europe,Asia,Western Asia,\r\n"               \
    "XXX,UKN,Unknown,,,,\r\n"

static int setup(void **state)
{
    (void)state;
    return fixture_setup("datasets/countries.csv");
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

/* Reads file as unhcr-countries; expects rows rows, no indicator and one
 * provenance record. */
static void read_ok(const char *file, const silk_ingest_options *opt,
                    uint64_t expected_rows)
{
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_format_unhcr_countries.read(file, opt, 3, batch, &rows, &err) !=
        SILK_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rows, expected_rows);
    /* rule 6 */
    assert_int_equal(silk_batch_indicator_count(batch), 0);
    assert_int_equal(silk_batch_provenance_count(batch), 1);
    assert_int_equal(silk_batch_provenance(batch, 0)->rows, expected_rows);
    assert_string_equal(silk_batch_provenance(batch, 0)->indicators, "");
    silk_batch_free(batch);
}

/* Expects code and the message "<file><suffix>" for GOOD's header and
 * the one row given; with prefix_only, a message that starts so (the
 * resolver's suggestions are countries.c's business). */
static void expect_message(const char *row, int code, const char *suffix,
                           bool prefix_only)
{
    silk_ingest_options opt = {.countries = countries};
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 99;
    char text[1024], expected[SILK_MESSAGE_MAX];

    snprintf(text, sizeof text, HEADER "%s\r\n", row);
    const char *file = write_text("bad.csv", text);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    snprintf(expected, sizeof expected, "%s%s", file, suffix);
    assert_int_equal(
        silk_format_unhcr_countries.read(file, &opt, 0, batch, &rows, &err),
        code);
    assert_int_equal(err.code, code);
    if (prefix_only)
        assert_memory_equal(err.message, expected, strlen(expected));
    else
        assert_string_equal(err.message, expected);
    assert_int_equal(rows, 0);
    silk_batch_free(batch);
}

static void expect_failure(const char *row, int code, const char *suffix)
{
    expect_message(row, code, suffix, false);
}

/* ---- the good rows -------------------------------------------------- */

/* Rules 2-4 and 6 on GOOD: every row agrees with the country table; CRB
 * is the one warning (rule 3), and the file puts nothing in the batch. */
static void test_good(void **state)
{
    silk_problems *problems = NULL;
    silk_error err = {0};

    (void)state;
    silk_ingest_options opt = {.countries = countries};
    read_ok(write_text("good.csv", GOOD), &opt, 13);

    assert_int_equal(silk_problems_alloc(true, &problems, &err), SILK_OK);
    opt.problems = problems;
    read_ok(write_text("good.csv", GOOD), &opt, 13);
    assert_int_equal(silk_problems_error_count(problems), 0);
    assert_int_equal(silk_problems_warning_count(problems), 1);
    const silk_problem *p = silk_problems_get(problems, 0, 0);
    assert_int_equal(p->line, 6);
    assert_int_equal(p->column, 2);
    assert_string_equal(p->message,
                        "'CRB' in column 'unhcr_code' has neither an ISO code "
                        "nor a name of its own in UNHCR's table; not checked");
    silk_problems_free(problems);
}

/* Rule 1 and detection through silk_ingest_file: the header alone picks
 * the format, whatever the region columns. */
static void test_ingest_file(void **state)
{
    silk_ingest_options opt = {.countries = countries};
    silk_batch *batch = NULL;
    silk_error err = {0};
    const char *format = NULL;
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    if (silk_ingest_file(write_text("lookup.csv", GOOD), &opt, 0, batch,
                         &rows, &format, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "unhcr-countries");
    assert_int_equal(rows, 13);
    assert_int_equal(silk_batch_indicator_count(batch), 0);
    /* the three columns alone, in another order */
    if (silk_ingest_file(write_text("short.csv",
                                    "name,iso_code,unhcr_code\n"
                                    "Algeria,DZA,ALG\n"),
                         &opt, 1, batch, &rows, &format, &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(format, "unhcr-countries");
    assert_int_equal(rows, 1);
    assert_int_equal(silk_batch_provenance_count(batch), 2);
    silk_batch_free(batch);
}

/* ---- disagreements -------------------------------------------------- */

static void test_iso_code(void **state)
{
    (void)state;
    /* rule 2: three capital letters, known to the table */
    expect_failure("Dza,ALG,Algeria,,,,", SILK_EPARSE,
                   ":2:1: 'Dza' in column 'iso_code' is not a country code; "
                   "expected three capital letters such as AFG, or an empty "
                   "field");
    /* the resolver's message (countries.c), placed */
    expect_message("ZZZ,ZZZ,Zedland,,,,", SILK_ENOTFOUND,
                   ":2:1: unknown country 'ZZZ'; closest known: ", true);
}

static void test_unhcr_code(void **state)
{
    (void)state;
    /* rule 4: ANG is Angola's UNHCR code, ALX nobody's */
    expect_failure("DZA,ANG,Algeria,,,,", SILK_EPARSE,
                   ":2:2: 'ANG' in column 'unhcr_code' is not the UNHCR code "
                   "of DZA (Algeria) in the country table; expected ALG");
    expect_failure("DZA,ALX,Algeria,,,,", SILK_EPARSE,
                   ":2:2: 'ALX' in column 'unhcr_code' is not the UNHCR code "
                   "of DZA (Algeria) in the country table; expected ALG");
    /* rule 4, letter for letter: Austria's UNHCR code is AUS, not its ISO
     * code, and another row's ISO code (AUS, Australia) is no pass */
    expect_failure("AUT,AUT,Austria,,,,", SILK_EPARSE,
                   ":2:2: 'AUT' in column 'unhcr_code' is not the UNHCR code "
                   "of AUT (Austria) in the country table; expected AUS");
    expect_failure("CHN,AUS,China,,,,", SILK_EPARSE,
                   ":2:2: 'AUS' in column 'unhcr_code' is not the UNHCR code "
                   "of CHN (China) in the country table; expected CHI");
    /* the World Bank's Channel Islands have no UNHCR code in the table */
    expect_failure("CHI,CHI,Channel Islands,,,,", SILK_EPARSE,
                   ":2:2: 'CHI' in column 'unhcr_code' is not the UNHCR code "
                   "of CHI (Channel Islands) in the country table; expected "
                   "none (the table gives no UNHCR code)");
    expect_failure("DZA,,Algeria,,,,", SILK_EPARSE,
                   ":2:2: '' in column 'unhcr_code' is not a UNHCR code; "
                   "expected three capital letters, UNHCR's code of DZA "
                   "(Algeria)");
    /* rule 3: without an ISO code, the UNHCR code must be known */
    expect_message(",TBX,Tibetan,Asia and the Pacific,,,", SILK_ENOTFOUND,
                   ":2:2: unknown country 'TBX'; closest known: ", true);
    expect_failure(",,Tibetan,,,,", SILK_EPARSE,
                   ":2:1: empty field in column 'iso_code' and in column "
                   "'unhcr_code'; expected at least UNHCR's code");
}

static void test_name(void **state)
{
    (void)state;
    /* rules 2 and 3: the name must resolve to the same code */
    expect_failure("DZA,ALG,Angola,,,,", SILK_EPARSE,
                   ":2:3: 'Angola' in column 'name' is AGO (Angola) in the "
                   "country table; expected a name of DZA (Algeria) as in "
                   "column 'iso_code'");
    expect_message(",TIB,Tibet,,,,", SILK_ENOTFOUND,
                   ":2:3: unknown country 'Tibet'; closest known: 'Tibetan' "
                   "(TIB), ", true);
    expect_failure(",TIB,Stateless,,,,", SILK_EPARSE,
                   ":2:3: 'Stateless' in column 'name' is XXA (Stateless) in "
                   "the country table; expected a name of TIB (Tibetan) as "
                   "in column 'unhcr_code'");
    expect_failure("AFG,AFG,,,,,", SILK_EPARSE,
                   ":2:3: empty field in column 'name'; expected the name of "
                   "AFG (Afghanistan)");
}

static void test_file_errors(void **state)
{
    silk_ingest_options none = {.countries = NULL};
    silk_batch *batch = NULL;
    silk_error err = {0};
    char expected[SILK_MESSAGE_MAX];

    (void)state;
    expect_failure("AFG,AFG,Afghanistan", SILK_EPARSE,
                   ":2:4: line 2 has 3 fields; expected 7 as in the header");
    /* rule 1 */
    const char *file = write_text("h1.csv", "iso_code,name\nAFG,Afghanistan\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    silk_ingest_options opt = {.countries = countries};
    assert_int_equal(silk_format_unhcr_countries.read(file, &opt, 0, batch,
                                                      NULL, &err),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:1:1: the header lacks the column 'unhcr_code'; expected "
             "iso_code, unhcr_code and name (UNHCR's country lookup table)",
             file);
    assert_string_equal(err.message, expected);
    file = write_text("h2.csv", "");
    assert_int_equal(silk_format_unhcr_countries.read(file, &opt, 0, batch,
                                                      NULL, &err),
                     SILK_EPARSE);
    snprintf(expected, sizeof expected,
             "%s:1:1: empty file; expected a header naming iso_code, "
             "unhcr_code and name (UNHCR's country lookup table)", file);
    assert_string_equal(err.message, expected);
    file = write_text("h3.csv", GOOD);
    assert_int_equal(silk_format_unhcr_countries.read(file, &none, 0, batch,
                                                      NULL, &err),
                     SILK_EINVAL);
    snprintf(expected, sizeof expected,
             "%s:1:1: a country lookup table is checked against the country "
             "table; expected the country table (datasets/countries.csv)",
             file);
    assert_string_equal(err.message, expected);
    silk_batch_free(batch);
}

/* Rule 5: with an ingest --check collector every disagreement of the
 * file is listed, the agreeing rows still counted. */
static void test_check_collects(void **state)
{
    silk_problems *problems = NULL;
    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;

    (void)state;
    assert_int_equal(silk_problems_alloc(true, &problems, &err), SILK_OK);
    silk_ingest_options opt = {.countries = countries, .problems = problems};
    const char *file = write_text("check.csv",
                                  HEADER "DZA,ANG,Algeria,,,,\n"
                                         "AFG,AFG,Afghanistan,,,,\n"
                                         "DZA,ALG,Angola,,,,\n"
                                         "ZZZ,ZZZ,Zedland,,,,\n");
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_format_unhcr_countries.read(file, &opt, 0, batch,
                                                      &rows, &err),
                     SILK_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(silk_problems_error_count(problems), 3);
    assert_int_equal(silk_batch_indicator_count(batch), 0);
    silk_batch_free(batch);
    silk_problems_free(problems);
}

static void test_detect(void **state)
{
    silk_sniff sniff;
    static char f0[] = "iso_code", f1[] = "unhcr_code", f2[] = "name",
                f3[] = "unhcr_region", coo[] = "coo_iso";

    (void)state;
    memset(&sniff, 0, sizeof sniff);
    sniff.n_records = 1;
    sniff.record[0].field[0] = f0;
    sniff.record[0].field[1] = f1;
    sniff.record[0].field[2] = f2;
    sniff.record[0].field[3] = f3;
    sniff.record[0].n_stored = sniff.record[0].n_fields = 4;
    assert_int_equal(silk_format_unhcr_countries.detect(&sniff), 90);
    sniff.record[0].field[0] = coo;
    assert_int_equal(silk_format_unhcr_countries.detect(&sniff), 0);
    sniff.n_records = 0;
    assert_int_equal(silk_format_unhcr_countries.detect(&sniff), 0);
}

/* The real table passes: 232 rows, its CRB and CUR rows the only
 * warnings (rule 3). */
static void test_real_table(void **state)
{
    const char *file = SHARED "unhcr_countries.csv";
    silk_problems *problems = NULL;
    silk_error err = {0};

    (void)state;
    if (access(file, R_OK) != 0) {
        print_message("# " SHARED " absent: real UNHCR lookup skipped\n");
        skip();
    }
    assert_int_equal(silk_problems_alloc(true, &problems, &err), SILK_OK);
    silk_ingest_options opt = {.countries = countries, .problems = problems};
    read_ok(file, &opt, 232);
    /* on a surprise, show what the table disagrees with */
    if (silk_problems_error_count(problems) != 0 ||
        silk_problems_warning_count(problems) != 2)
        for (size_t g = 0; g < silk_problems_group_count(problems); g++)
            for (size_t i = 0; i < silk_problems_group_listed(problems, g);
                 i++)
                print_message("# %s\n",
                              silk_problems_get(problems, g, i)->message);
    assert_int_equal(silk_problems_error_count(problems), 0);
    assert_int_equal(silk_problems_warning_count(problems), 2);
    assert_int_equal(silk_problems_get(problems, 0, 0)->line, 36);
    assert_int_equal(silk_problems_get(problems, 0, 1)->line, 37);
    silk_problems_free(problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_ingest_file),
        cmocka_unit_test(test_iso_code),
        cmocka_unit_test(test_unhcr_code),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_check_collects),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_real_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
