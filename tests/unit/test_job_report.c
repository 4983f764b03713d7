/*
 * test_job_report.c: the briefing pack's text (src/report/html.c,
 * src/report/summary.c): HTML escaping of hostile text, and the key-figure
 * sentences against numbers worked by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat/job.h"

static void expect_escape(const char *text, const char *want)
{
    char *got = silk_html_escape(text);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void html_escaping(void **state)
{
    (void)state;
    expect_escape("<script>alert('x')</script>",
                  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect_escape("Refugees & \"asylum-seekers\"",
                  "Refugees &amp; &quot;asylum-seekers&quot;");
    expect_escape("\" onerror=\"alert(1)", "&quot; onerror=&quot;alert(1)");
    expect_escape("&amp;", "&amp;amp;"); /* escaped again, never trusted */
    expect_escape("system(\"touch PWNED\") `id`",
                  "system(&quot;touch PWNED&quot;) `id`");
    /* controls become spaces (newline and tab stay: HTML folds them) */
    expect_escape("a\rb\x01" "c\nd\te\x7F", "a b c\nd\te ");
    /* valid UTF-8 is kept; invalid bytes become U+FFFD */
    expect_escape("T\xC3\xBCrkiye, C\xC3\xB4te d'Ivoire",
                  "T\xC3\xBCrkiye, C\xC3\xB4te d&#39;Ivoire");
    expect_escape("a\xFF" "b\xC3", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    expect_escape("\xED\xA0\x80", /* a surrogate */
                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    expect_escape("\xC2\x85", "\xEF\xBF\xBD\xEF\xBF\xBD"); /* C1 control */
    expect_escape(NULL, "");
}

/* The summary of rows, compared exactly. */
static void expect_summary(const silk_figure *rows, size_t n,
                           const char *unit, const char *about,
                           const silk_figure_mark *marks, size_t n_marks,
                           const char *want)
{
    char *got = NULL;
    silk_error err;
    silk_error_clear(&err);
    if (silk_report_summary(rows, n, unit, about, marks, n_marks, &got,
                            &err) != SILK_OK)
        fail_msg("%s", err.message);
    assert_string_equal(got, want);
    free(got);
}

static void afghan_refugees(void **state)
{
    (void)state;
    /* UNHCR, refugees AFG -> IRN and PAK (datasets/README.md).
     * Iran: (758,339 - 3,477,082) / 3,477,082 = -78.2% -> "down 78%";
     * both in millions with three digits for the larger: 0.76M, 3.48M;
     * peak of the three: 3,743,000 in 2023 -> 3.74M.
     * Pakistan: (1,158,596 - 1,556,521) / 1,556,521 = -25.6% -> 26%;
     * peak 3,272,000 in 1989; Pakistan's latest is the larger, so it
     * comes first.  The mark at 2025 is quoted once. */
    const silk_figure rows[] = {
        {"Iran", "2023", 3743000},     {"Iran", "2024", 3477082},
        {"Iran", "2025", 758339},      {"Pakistan", "1989", 3272000},
        {"Pakistan", "2024", 1556521}, {"Pakistan", "2025", 1158596},
        {"Pakistan", "1990", NAN},
    };
    const silk_figure_mark marks[] = {{"2025", "2025: reclassification"}};
    expect_summary(rows, 7, "persons", "Afghan refugees in {label}", marks, 1,
                   "Afghan refugees in Pakistan: 1.16M in 2025, down 26% "
                   "from 1.56M in 2024 (marked on the chart: 2025: "
                   "reclassification); peak 3.27M in 1989. Afghan refugees "
                   "in Iran: 0.76M in 2025, down 78% from 3.48M in 2024; "
                   "peak 3.74M in 2023.");
}

static void units(void **state)
{
    (void)state;
    /* a rate changes in points: 74.2966 - 82.6644 = -8.37 -> 8.4 */
    const silk_figure rate[] = {{"Afghanistan", "2023", 85.134},
                                {"Afghanistan", "2024", 82.6644},
                                {"Afghanistan", "2025", 74.2966}};
    expect_summary(rate, 3, "%", "Total recognition rate of Afghans", NULL,
                   0,
                   "Total recognition rate of Afghans: 74.3% in 2025, down "
                   "8.4 points from 82.7% in 2024; peak 85.1% in 2023.");
    /* money: (34.914 - 26.6) / 26.6 = +31.3%; the latest is the peak */
    const silk_figure money[] = {{"Pakistan", "2022", 29.9e9},
                                 {"Pakistan", "2023", 26.6e9},
                                 {"Pakistan", "2024", 34.914e9}};
    expect_summary(money, 3, "current US$", NULL, NULL, 0,
                   "Pakistan: $34.9B in 2024, up 31% from $26.6B in 2023; "
                   "the highest since 2022.");
    /* a share of GDP keeps its unit; one point exactly, singular */
    const silk_figure share[] = {{"Pakistan", "2023", 7.9},
                                 {"Pakistan", "2024", 8.9}};
    expect_summary(share, 2, "% of GDP", NULL, NULL, 0,
                   "Pakistan: 8.9% of GDP in 2024, up 1 point from 7.9% of "
                   "GDP in 2023.");
}

static void changes(void **state)
{
    (void)state;
    /* 1,386,970 / 237,452 = 5.84 -> "5.8 times"; below a million the
     * figures are written in full */
    const silk_figure returns[] = {{"Iran", "2023", 516},
                                   {"Iran", "2024", 237452},
                                   {"Iran", "2025", 1386970}};
    expect_summary(returns, 3, "persons", "Afghans returning from {label}",
                   NULL, 0,
                   "Afghans returning from Iran: 1.39M in 2025, up from "
                   "0.24M in 2024 (5.8 times); the highest since 2023.");
    const silk_figure small[] = {{"Iraq", "2024", 171}, {"Iraq", "2025", 147}};
    /* (147 - 171) / 171 = -14.0% */
    expect_summary(small, 2, "persons", NULL, NULL, 0,
                   "Iraq: 147 in 2025, down 14% from 171 in 2024.");
    /* a balance below zero: changes in persons, no peak */
    const silk_figure net[] = {{"Pakistan", "2023", -1.6e6},
                               {"Pakistan", "2024", -1.4e6},
                               {"Pakistan", "2025", -1.24e6}};
    expect_summary(net, 3, "persons", "Net migration of {label}", NULL, 0,
                   "Net migration of Pakistan: -1.24M in 2025, up by 0.16M "
                   "from -1.4M in 2024.");
    /* from zero, and a change under 0.05% */
    const silk_figure zero[] = {{"A", "2024", 0}, {"A", "2025", 12}};
    expect_summary(zero, 2, "persons", NULL, NULL, 0,
                   "A: 12 in 2025, up from 0 in 2024.");
    const silk_figure flat[] = {{"A", "2024", 3200100}, {"A", "2025", 3200000}};
    expect_summary(flat, 2, "persons", NULL, NULL, 0,
                   "A: 3.2M in 2025, about the same as in 2024 (3.2M).");
}

static void many_series(void **state)
{
    (void)state;
    /* three largest by their latest value; one under 5% of the largest
     * is left to the table, as are the rest */
    const silk_figure rows[] = {
        {"A", "2024", 100}, {"A", "2025", 110}, {"B", "2024", 1000},
        {"B", "2025", 900}, {"C", "2024", 2},   {"C", "2025", 3},
        {"D", "2024", 400}, {"D", "2025", 400},
    };
    expect_summary(rows, 8, "persons", NULL, NULL, 0,
                   "B: 900 in 2025, down 10% from 1,000 in 2024. D: 400 in "
                   "2025, about the same as in 2024 (400). A: 110 in 2025, "
                   "up 10% from 100 in 2024. 1 other series in the table.");
}

static void rankings(void **state)
{
    (void)state;
    /* DESA stock 2019: 2,310,292 + 1,589,146 + 1,447,000 + 8,071 =
     * 5,354,509 -> 5.35M */
    const silk_figure rows[] = {
        {"Afghanistan to Pakistan", "2019", 1589146},
        {"Afghanistan to Iran", "2019", 2310292},
        {"Afghanistan to United Arab Emirates", "2019", 8071},
        {"Pakistan to Saudi Arabia", "2019", 1447000},
        {"Iran to Iran", "2019", NAN},
    };
    expect_summary(rows, 5, "persons", NULL, NULL, 0,
                   "In 2019 the largest are Afghanistan to Iran (2.31M), "
                   "Afghanistan to Pakistan (1.59M) and Pakistan to Saudi "
                   "Arabia (1.45M); the 4 shown total 5.35M.");
    const silk_figure rates[] = {{"Iran", "2024", 12.5}, {"Iraq", "2024", 40}};
    expect_summary(rates, 2, "%", NULL, NULL, 0,
                   "In 2024 the largest are Iraq (40%) and Iran (12.5%).");
    const silk_figure four_rates[] = {{"A", "2024", 4},
                                      {"B", "2024", 3},
                                      {"C", "2024", 2},
                                      {"D", "2024", 1}};
    expect_summary(four_rates, 4, "%", NULL, NULL, 0,
                   "In 2024 the largest are A (4%), B (3%) and C (2%), of 4 "
                   "shown.");
    const silk_figure one[] = {{"Germany", "2025", 471445}};
    expect_summary(one, 1, "persons", NULL, NULL, 0,
                   "Germany: 471,445 in 2025.");
    const silk_figure none[] = {{"A", "2025", NAN}};
    expect_summary(none, 1, "persons", NULL, NULL, 0, "No figures to show.");
    expect_summary(NULL, 0, "persons", NULL, NULL, 0, "No figures to show.");
}

static void forecast_fan(void **state)
{
    (void)state;
    /* the fan's extra series feed the sentence of the observed one; a
     * count's band is cut at zero */
    const silk_figure rows[] = {
        {"Afghanistan", "2024", 5.77e6},
        {"Afghanistan", "2025", 2.67e6},
        {"Afghanistan, forecast", "2030", 2.67e6},
        {"Afghanistan, 80% low", "2030", -0.2e6},
        {"Afghanistan, 80% high", "2030", 5.17e6},
        {"Afghanistan, 95% low", "2030", -1.1e6},
        {"Afghanistan, 95% high", "2030", 6.49e6},
    };
    expect_summary(rows, 7, "persons", NULL, NULL, 0,
                   "Afghanistan: 2.67M in 2025, down 54% from 5.77M in "
                   "2024; forecast 2.67M in 2030 (80% interval 0 to "
                   "5.17M).");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_escaping),
        cmocka_unit_test(afghan_refugees),
        cmocka_unit_test(units),
        cmocka_unit_test(changes),
        cmocka_unit_test(many_series),
        cmocka_unit_test(rankings),
        cmocka_unit_test(forecast_fan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
