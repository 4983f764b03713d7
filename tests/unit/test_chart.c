/*
 * test_chart.c: the chart writer.  Short-scale numbers, the text cleaning
 * and quoting that keep data out of gnuplot's command language
 * (RELIABILITY.md), tick choice, and real renders to PNG, SVG and PDF,
 * including hostile labels that try to run commands.  Needs gnuplot on PATH.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"
#include "silkstat.h"

#include "chart_files.h"

static const double years[] = {2019, 2020, 2021, 2022, 2023, 2024};
static const double counts[] = {1.2e6, 1.5e6, NAN, 1.1e6, 9.5e5, 1.3e6};
static const double counts2[] = {4e5, 3e5, 3.5e5, 6e5, 7e5, 8e5};
static const uint32_t prov[] = {0, 0, 0, 0, 0, SILK_FLAG('p')};

static silk_chart_spec basic_spec(silk_chart_line *lines, const char *out)
{
    lines[0] = (silk_chart_line){.label = "Pakistan", .n = 6, .x = years,
                                 .y = counts, .flags = prov,
                                 .has_trend = true, .trend_x0 = 2019,
                                 .trend_y0 = 1.3e6, .trend_x1 = 2024,
                                 .trend_y1 = 1.1e6};
    lines[1] = (silk_chart_line){.label = "Iran", .n = 6, .x = years,
                                 .y = counts2};
    static const silk_chart_marker marker[] = {{2023, "2023: new method"}};
    return (silk_chart_spec){"Afghan refugees", "End of year, 2019-2024",
                             "people", "Source: test data (CC BY 4.0)",
                             lines, 2, marker, 1, out, NULL};
}

/* ---- silk_format_short ------------------------------------------------ */

static void test_format_short(void **state)
{
    (void)state;
    static const struct {
        double value;
        const char *text;
    } cases[] = {
        {0, "0"}, {-0.0, "0"}, {950, "950"}, {12.5, "12.5"},
        {0.25, "0.25"}, {999, "999"}, {999.996, "1k"}, {1000, "1k"},
        {1500, "1.5k"}, {250000, "250k"}, {999999, "1M"},
        {1234567, "1.2M"}, {2000000, "2M"}, {3.4e9, "3.4B"}, {1e12, "1T"},
        {-1500, "-1.5k"}, {-0.001, "0"}, {-2.5e6, "-2.5M"}, {NAN, "NaN"},
        {INFINITY, "inf"}, {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[32];
        silk_format_short(cases[i].value, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
    }
    char small[3] = "zz";
    silk_format_short(1234567, small, sizeof small);
    assert_string_equal(small, "1.");
    silk_format_short(1234567, small, 0); /* writes nothing */
    assert_string_equal(small, "1.");
}

/* ---- cleaning and quoting -------------------------------------------- */

static void expect_clean(const char *in, const char *out)
{
    char *got = silk_chart_clean_text(in);
    assert_non_null(got);
    assert_string_equal(got, out);
    free(got);
}

#define FFFD "\xEF\xBF\xBD"

static void test_clean_text(void **state)
{
    (void)state;
    expect_clean(NULL, "");
    expect_clean("Türkiye/Côte d'Ivoire", "Türkiye/Côte d'Ivoire");
    expect_clean("a\nb\r\tc\x7f" "d\x1b", "a b  c d ");
    expect_clean("x\n!touch PWNED4", "x !touch PWNED4");
    expect_clean("\xC2\x85next line", " next line"); /* C1 control */
    expect_clean("\xF0\x9F\x98\x80 ok", "\xF0\x9F\x98\x80 ok");
    expect_clean("bad \xFF\xFE end", "bad " FFFD FFFD " end");
    expect_clean("overlong \xC0\xAF", "overlong " FFFD FFFD);
    expect_clean("surrogate \xED\xA0\x80", "surrogate " FFFD FFFD FFFD);
    expect_clean("cut \xE2\x82", "cut " FFFD FFFD);
    expect_clean("big \xF4\x90\x80\x80", "big " FFFD FFFD FFFD FFFD);
    expect_clean("nonchar \xEF\xBF\xBF", "nonchar " FFFD);
}

static void expect_quote(const char *in, const char *out)
{
    char *got = silk_chart_quote(in);
    assert_non_null(got);
    assert_string_equal(got, out);
    free(got);
}

static void test_quote(void **state)
{
    (void)state;
    expect_quote("plain", "\"plain\"");
    expect_quote("a\\b", "\"a\\\\b\"");
    expect_quote("say \"hi\"", "\"say \\\"hi\\\"\"");
    expect_quote("`touch PWNED`", "\"\\`touch PWNED\\`\"");
    expect_quote("trailing\\", "\"trailing\\\\\"");
    expect_quote("it's", "\"it's\"");
    expect_quote("l1\nl2", "\"l1 l2\"");
    expect_quote("\xFF", "\"" FFFD "\"");
}

static void test_name_ok(void **state)
{
    (void)state;
    assert_true(silk_chart_name_ok("refugees_AFG-2024.png"));
    assert_true(silk_chart_name_ok(".x.tmp-12.svg"));
    assert_false(silk_chart_name_ok(""));
    assert_false(silk_chart_name_ok(NULL));
    assert_false(silk_chart_name_ok("-x.png"));
    assert_false(silk_chart_name_ok(".."));
    assert_false(silk_chart_name_ok("a b.png"));
    assert_false(silk_chart_name_ok("a'b.png"));
    assert_false(silk_chart_name_ok("a/b.png"));
    assert_false(silk_chart_name_ok("|cmd"));
}

static void test_ticks(void **state)
{
    (void)state;
    double first, last;
    /* 3.9e6 / 8 = 487500 -> step 5e5 */
    assert_true(silk_chart_ticks(0, 3.9e6, &first, &last) == 5e5);
    assert_true(first == 0 && last == 4e6);
    /* 1.04 / 8 = 0.13 -> 0.2, top 1.2 */
    assert_true(fabs(silk_chart_ticks(0, 1.04, &first, &last) - 0.2) < 1e-12);
    assert_true(fabs(last - 1.2) < 1e-12);
    /* 10 / 8 = 1.25 -> 2; -3 -> -4, 7 -> 8 */
    assert_true(silk_chart_ticks(-3, 7, &first, &last) == 2);
    assert_true(first == -4 && last == 8);
    /* degenerate range: one unit above */
    assert_true(silk_chart_ticks(5, 5, &first, &last) == 0.2);
}

/* ---- rendering -------------------------------------------------------- */

static void render_format(const char *dir, const char *name,
                          const char *magic, size_t magic_len)
{
    silk_chart_line lines[2];
    silk_chart_spec spec = basic_spec(lines, path_in(dir, name));
    silk_error err = {0};
    assert_int_equal(silk_chart_render(&spec, &err), SILK_OK);
    size_t len;
    char *image = slurp(spec.out_path, &len);
    assert_non_null(image);
    assert_true(len > magic_len);
    assert_memory_equal(image, magic, magic_len);
    free(image);
    char stem[64];
    snprintf(stem, sizeof stem, "%.*s", (int)(strrchr(name, '.') - name),
             name);
    char gp[80], dat[80];
    snprintf(gp, sizeof gp, "%s.gp", stem);
    snprintf(dat, sizeof dat, "%s.dat", stem);
    assert_true(exists(path_in(dir, gp)));
    assert_true(exists(path_in(dir, dat)));
    assert_int_equal(count_files(dir, 1), 0);
}

static void test_render_png_svg_pdf(void **state)
{
    const char *dir = *state;
    render_format(dir, "chart.png", "\x89PNG\r\n\x1a\n", 8);
    render_format(dir, "chart.svg", "<?xml", 5);
    render_format(dir, "chart.pdf", "%PDF-", 5);
}

/* The .dat holds one block per line, a single blank line at gaps, two
 * between blocks, then the trend blocks; column 3 marks provisional. */
static void test_data_file(void **state)
{
    const char *dir = *state;
    silk_chart_line lines[2];
    silk_chart_spec spec = basic_spec(lines, path_in(dir, "d.svg"));
    silk_error err = {0};
    assert_int_equal(silk_chart_render(&spec, &err), SILK_OK);
    char *dat = slurp(path_in(dir, "d.dat"), NULL);
    assert_non_null(dat);
    const char *body = strstr(dat, "# line 0\n");
    assert_non_null(body);
    assert_string_equal(body,
                        "# line 0\n"
                        "2019 1200000 NaN\n"
                        "2020 1500000 NaN\n"
                        "\n"
                        "2022 1100000 NaN\n"
                        "2023 950000 NaN\n"
                        "2024 1300000 1300000\n"
                        "\n\n# line 1\n"
                        "2019 400000 NaN\n"
                        "2020 300000 NaN\n"
                        "2021 350000 NaN\n"
                        "2022 600000 NaN\n"
                        "2023 700000 NaN\n"
                        "2024 800000 NaN\n"
                        "\n\n# trend of line 0\n"
                        "2019 1300000 NaN\n"
                        "2024 1100000 NaN\n");
    free(dat);
    /* Ticks: top 1.5M + 4% headroom -> step 0.2M up to 1.6M. */
    char *gp = slurp(path_in(dir, "d.gp"), NULL);
    assert_non_null(strstr(gp, "set ytics (\"0\" 0, \"0.2M\" 200000, "));
    assert_non_null(strstr(gp, "\"1.6M\" 1600000) nomirror"));
    free(gp);
}

/* Someone running `gnuplot d.gp` by hand in the folder gets d.svg again. */
static void test_script_rerenders(void **state)
{
    const char *dir = *state;
    silk_chart_line lines[2];
    silk_chart_spec spec = basic_spec(lines, path_in(dir, "again.svg"));
    silk_error err = {0};
    assert_int_equal(silk_chart_render(&spec, &err), SILK_OK);
    assert_int_equal(unlink(spec.out_path), 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -d again.gp 2>/dev/null",
             dir);
    assert_int_equal(system(cmd), 0);
    assert_true(exists(spec.out_path));
}

static const char *const hostile[] = {
    "Iran 'quoted' \"double\" `touch PWNED`",
    "system(\"touch PWNED2\")",
    "'.system(\"touch PWNED3\").'",
    "first line\n!touch PWNED4",
    "at @ backslash \\ & < > _^{}&~ end",
    "trailing backslash \\",
    "EOD",
    "EOD_",
    "bad \xFF\xC3 utf8",
    "Türkiye/Côte d'Ivoire",
    "\"; set output '|touch PWNED5'; \"",
};

static void test_hostile_labels(void **state)
{
    const char *dir = *state;
    enum { N = sizeof hostile / sizeof *hostile };
    silk_chart_line lines[8];
    silk_chart_marker markers[N];
    for (size_t i = 0; i < 8; i++)
        lines[i] = (silk_chart_line){.label = hostile[i], .n = 6,
                                     .x = years, .y = counts, .flags = prov};
    for (size_t i = 0; i < N; i++)
        markers[i] = (silk_chart_marker){2019 + (double)(i % 6), hostile[i]};
    silk_chart_spec spec = {hostile[0], hostile[3], hostile[4], hostile[5],
                            lines, 8, markers, N, path_in(dir, "h.svg"), NULL};
    silk_error err = {0};
    assert_int_equal(silk_chart_render(&spec, &err), SILK_OK);
    assert_no_pwned(dir);
    char *svg = slurp(spec.out_path, NULL);
    assert_non_null(svg);
    for (size_t i = 0; i < N; i++) {
        char *want = svg_text(hostile[i]);
        char *tagged = malloc(strlen(want) + 16);
        sprintf(tagged, "<text>%s</text>", want);
        if (strstr(svg, tagged) == NULL)
            fail_msg("label %zu not drawn literally: %s", i, tagged);
        free(tagged);
        free(want);
    }
    free(svg);
    /* The same labels as quoted literals survive gnuplot too. */
    for (size_t i = 0; i < N; i++) {
        char *q = silk_chart_quote(hostile[i]);
        char gp[1024];
        FILE *f = fopen(path_in(dir, "q.gp"), "w");
        fprintf(f, "set print 'q.txt'\nprint %s\n", q);
        fclose(f);
        snprintf(gp, sizeof gp, "cd '%s' && gnuplot -d q.gp 2>/dev/null",
                 dir);
        assert_int_equal(system(gp), 0);
        char *printed = slurp(path_in(dir, "q.txt"), NULL);
        char *clean = silk_chart_clean_text(hostile[i]);
        assert_non_null(printed);
        assert_int_equal(strlen(printed), strlen(clean) + 1); /* + "\n" */
        assert_memory_equal(printed, clean, strlen(clean));
        free(printed);
        free(clean);
        free(q);
    }
    assert_no_pwned(dir);
}

/* ---- errors ----------------------------------------------------------- */

static void test_errors(void **state)
{
    const char *dir = *state;
    silk_chart_line lines[9];
    silk_error err = {0};
    char out[512];

    snprintf(out, sizeof out, "%s/x.jpg", dir);
    silk_chart_spec spec = basic_spec(lines, out);
    assert_int_equal(silk_chart_render(&spec, &err), SILK_EINVAL);
    char want[700];
    snprintf(want, sizeof want, "chart '%s': unknown extension '.jpg' "
             "(expected .png, .svg or .pdf)", out);
    assert_string_equal(err.message, want);

    snprintf(out, sizeof out, "%s/x y.png", dir);
    spec = basic_spec(lines, out);
    assert_int_equal(silk_chart_render(&spec, &err), SILK_EINVAL);
    assert_string_equal(err.message,
                        "chart file name 'x y.png' must be 1-200 characters "
                        "of [A-Za-z0-9_.-], not starting with '-'");

    snprintf(out, sizeof out, "%s/x.png", dir);
    spec = basic_spec(lines, out);
    spec.n_lines = 0;
    assert_int_equal(silk_chart_render(&spec, &err), SILK_EINVAL);
    snprintf(want, sizeof want, "chart '%s' has no lines", out);
    assert_string_equal(err.message, want);

    spec = basic_spec(lines, out);
    for (size_t i = 2; i < 9; i++)
        lines[i] = lines[1];
    spec.n_lines = 9;
    assert_int_equal(silk_chart_render(&spec, &err), SILK_EINVAL);
    snprintf(want, sizeof want, "chart '%s' has 9 lines; at most 8 fit on "
             "one panel: draw small multiples instead", out);
    assert_string_equal(err.message, want);

    static const double all_nan[] = {NAN, NAN};
    spec = basic_spec(lines, out);
    lines[0].n = lines[1].n = 2;
    lines[0].y = lines[1].y = all_nan;
    assert_int_equal(silk_chart_render(&spec, &err), SILK_EINVAL);
    snprintf(want, sizeof want, "chart '%s' has no values to plot", out);
    assert_string_equal(err.message, want);

    spec = basic_spec(lines, out);
    spec.gnuplot = "/nonexistent/gnuplot";
    assert_int_equal(silk_chart_render(&spec, &err), SILK_ECHART);
    assert_string_equal(err.message,
                        "cannot run gnuplot '/nonexistent/gnuplot': No such "
                        "file or directory (install gnuplot or give its "
                        "path)");
    assert_false(exists(out));
    assert_int_equal(count_files(dir, 1), 0);

    /* A program that fails without output: the exit status is named. */
    spec.gnuplot = "false";
    assert_int_equal(silk_chart_render(&spec, &err), SILK_ECHART);
    snprintf(want, sizeof want,
             "gnuplot failed on '%s/x.gp' (exit status 1): no message", dir);
    assert_string_equal(err.message, want);

    /* A program that "succeeds" without writing the image. */
    spec.gnuplot = "true";
    assert_int_equal(silk_chart_render(&spec, &err), SILK_ECHART);
    snprintf(want, sizeof want, "gnuplot wrote no image for '%s'", out);
    assert_string_equal(err.message, want);
    assert_false(exists(out));
    assert_int_equal(count_files(dir, 1), 0);
}

/* gnuplot's own complaint reaches the message: a script it rejects. */
static void test_gnuplot_stderr(void **state)
{
    const char *dir = *state;
    FILE *f = fopen(path_in(dir, "bad.gp"), "w");
    fputs("set nonsense_option\n", f);
    fclose(f);
    silk_error err = {0};
    assert_int_equal(silk_chart_run(NULL, dir, "bad.gp", ".bad.tmp-1.png",
                                    &err),
                     SILK_ECHART);
    char want[700];
    snprintf(want, sizeof want,
             "gnuplot failed on '%s/bad.gp' (exit status 1): "
             "set nonsense_option | \"bad.gp\" line 1: unrecognized option - "
             "see 'help set'.",
             dir);
    assert_string_equal(err.message, want);
    assert_int_equal(silk_chart_run(NULL, dir, "bad.gp", "x'.png", &err),
                     SILK_EINVAL);
    assert_string_equal(err.message, "chart file name 'x'.png' has "
                                     "characters other than [A-Za-z0-9_.-]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_short),
        cmocka_unit_test(test_clean_text),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_name_ok),
        cmocka_unit_test(test_ticks),
        cmocka_unit_test_setup_teardown(test_render_png_svg_pdf, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_data_file, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_script_rerenders, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_hostile_labels, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_errors, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_gnuplot_stderr, setup_dir,
                                        teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
