/*
 * test_chart_types.c: the chart types of include/silkstat/chart_types.h.
 * The helpers (palette, fixed colours, population types, slugs, label
 * widths and spreading), the validation of every spec with its exact
 * message, renders of every type in PNG, SVG and PDF, and the safety
 * rule: titles, sources and labels full of quotes, backquotes,
 * system(...), newlines, @, \ and $ are drawn literally and never run.
 * Needs gnuplot on PATH.
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

/* ---- one spec of every type, its texts from t[] ------------------------ */

enum { LINE, MULTIPLES, AREA, BARS, GROUPED, HEATMAP, FAN, DUMBBELL,
       N_TYPES };
static const char *const type_name[N_TYPES] = {
    "line", "multiples", "area", "bars", "grouped", "heatmap", "fan",
    "dumbbell"};

static const double years[] = {2015, 2016, 2017, 2018, 2019,
                               2020, 2021, 2022, 2023, 2024};
static const double afg[] = {2.6e6, 2.5e6, 2.6e6, 2.7e6, 2.7e6,
                             2.6e6, 2.7e6, 5.7e6, 6.4e6, 5.8e6};
static const double irq[] = {2.6e5, 3.2e5, NAN, 3.5e5, 3.4e5,
                             3.3e5, 3.2e5, 3.3e5, 3.1e5, 2.9e5};
static const double pak[] = {3e5, 1.3e5, 1.3e5, 1.4e5, 1.5e5,
                             1.4e5, 1.5e5, 1.3e5, 1.2e5, 1.1e5};
static const double lo[] = {2.0e6, 2.1e6, 2.2e6, 2.3e6, 2.4e6,
                            2.6e6, 2.8e6, 3.0e6, 3.2e6, 3.4e6};
static const double hi[] = {3.0e6, 3.1e6, 3.2e6, 3.4e6, 3.6e6,
                            3.8e6, 4.0e6, 4.3e6, 4.6e6, 5.0e6};
static const uint32_t flags[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, SILK_FLAG('p')};

static silk_chart_frame frame(const char *const *t, const char *out)
{
    return (silk_chart_frame){t[0], t[1], t[2], t[3], out, NULL};
}

/* Renders type with the texts t[0..11] (title, subtitle, units, source,
 * then labels). */
static int render(int type, const char *const *t, const char *out,
                  silk_error *err)
{
    silk_chart_line lines[3] = {
        {.label = t[4], .n = 10, .x = years, .y = afg, .flags = flags,
         .colour = 1, .has_trend = true, .trend_x0 = 2015,
         .trend_y0 = 2.5e6, .trend_x1 = 2024, .trend_y1 = 4.2e6},
        {.label = t[5], .n = 10, .x = years, .y = irq, .colour = 5},
        {.label = t[6], .n = 10, .x = years, .y = pak, .colour = 3}};
    silk_chart_band bands[3] = {{lo, hi}, {NULL, NULL}, {NULL, NULL}};
    silk_chart_marker markers[2] = {{2022, t[7]}, {2023, t[8]}};
    switch (type) {
    case LINE: {
        silk_chart_spec spec = {t[0], t[1], t[2], t[3], lines, 2, markers,
                                2, out, NULL};
        return silk_chart_render_bands(&spec, bands, err);
    }
    case MULTIPLES: {
        silk_chart_multiples_spec spec = {frame(t, out), lines, 3, bands,
                                          markers, 2, 0};
        return silk_chart_render_multiples(&spec, err);
    }
    case AREA: {
        silk_chart_series layers[3] = {{t[4], afg, 1}, {t[5], irq, 5},
                                       {t[6], pak, SILK_CHART_OTHER}};
        silk_chart_area_spec spec = {frame(t, out), 10, years, layers, 3,
                                     markers, 1};
        return silk_chart_render_area(&spec, err);
    }
    case BARS: {
        const char *labels[5] = {t[4], t[5], t[6], t[7], t[8]};
        double values[5] = {3.5e6, NAN, 2.8e5, 1.6e6, 9.4e3};
        silk_chart_bars_spec spec = {frame(t, out), 5, labels, values, NULL,
                                     false};
        return silk_chart_render_bars(&spec, err);
    }
    case GROUPED: {
        const char *groups[2] = {t[4], t[5]};
        const char *cats[3] = {t[6], t[7], t[8]};
        double values[6] = {9.5e5, 1.6e6, 3e4, 3.5e6, 1.6e6, NAN};
        silk_chart_grouped_spec spec = {frame(t, out), 2, 3, groups, cats,
                                        values};
        return silk_chart_render_grouped(&spec, err);
    }
    case HEATMAP: {
        const char *rows[2] = {t[4], t[5]};
        const char *cols[3] = {t[6], t[7], t[8]};
        double values[6] = {3.5e6, 1.6e6, 2.8e5, 12, NAN, 0};
        silk_chart_heatmap_spec spec = {frame(t, out), 2, 3, rows, cols,
                                        values, true, t[9], t[10]};
        return silk_chart_render_heatmap(&spec, err);
    }
    case FAN: {
        static const double fx[3] = {2025, 2026, 2027};
        static const double mean[3] = {5.9e6, 6.0e6, 6.1e6};
        static const double lo80[3] = {5.2e6, 4.9e6, 4.6e6};
        static const double hi80[3] = {6.6e6, 7.1e6, 7.6e6};
        static const double lo95[3] = {4.8e6, 4.3e6, NAN};
        static const double hi95[3] = {7.0e6, 7.7e6, NAN};
        silk_chart_fan_spec spec = {frame(t, out), t[4], 1, 10, years, afg,
                                    flags, 3, fx, mean, lo80, hi80, lo95,
                                    hi95, t[5], markers, 1};
        return silk_chart_render_fan(&spec, err);
    }
    case DUMBBELL: {
        const char *labels[4] = {t[4], t[5], t[6], t[7]};
        double then[4] = {9.5e5, 1.6e6, NAN, 2.4e4};
        double now[4] = {3.5e6, 1.6e6, 2.8e5, 4.6e3};
        silk_chart_dumbbell_spec spec = {frame(t, out), 4, labels, then, now,
                                         t[8], t[9], false};
        return silk_chart_render_dumbbell(&spec, err);
    }
    }
    return -1;
}

static const char *const plain[] = {
    "Afghan refugees", "End of year, 2015-2024", "persons",
    "Source: test data (CC BY 4.0)", "Afghanistan", "Iraq", "Pakistan",
    "2022: new method", "2023: census", "Origin", "Destination", "x"};

/* ---- palette, colours, population types ---------------------------------- */

static void test_colours(void **state)
{
    (void)state;
    assert_string_equal(silk_chart_palette(1), "#0072B2");
    assert_string_equal(silk_chart_palette(8), "#F0E442");
    assert_string_equal(silk_chart_palette(SILK_CHART_OTHER), "#999999");
    assert_null(silk_chart_palette(0));
    assert_null(silk_chart_palette(10));
    /* the five keep the entries cmd_chart.c gave them */
    assert_int_equal(silk_chart_country_colour("AFG"), 1);
    assert_int_equal(silk_chart_country_colour("IRN"), 2);
    assert_int_equal(silk_chart_country_colour("PAK"), 3);
    assert_int_equal(silk_chart_country_colour("BGD"), 4);
    assert_int_equal(silk_chart_country_colour("IRQ"), 5);
    assert_int_equal(silk_chart_country_colour("DEU"), 0);
    assert_int_equal(silk_chart_country_colour(NULL), 0);

    static const struct {
        const char *indicator;
        silk_population type;
        unsigned colour;
        const char *label;
    } cases[] = {
        {"refugees", SILK_POP_REFUGEES, 1, "Refugees"},
        {"asylum_seekers", SILK_POP_ASYLUM_SEEKERS, 6, "Asylum-seekers"},
        {"returned_refugees", SILK_POP_RETURNED_REFUGEES, 3,
         "Returned refugees"},
        {"refugee_returns", SILK_POP_RETURNED_REFUGEES, 3,
         "Returned refugees"},
        {"idps", SILK_POP_IDPS, 5, "IDPs"},
        {"idps_idmc", SILK_POP_IDPS, 5, "IDPs"},
        {"oip", SILK_POP_OIP, 4,
         "Other people in need of international protection"},
        {"stateless", SILK_POP_STATELESS, 2, "Stateless persons"},
        {"flows.refugees", SILK_POP_REFUGEES, 1, "Refugees"},
        {"remittances", SILK_POP_NONE, 0, ""},
        {"refugees_x", SILK_POP_NONE, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        silk_population type = silk_chart_population_of(cases[i].indicator);
        assert_int_equal(type, cases[i].type);
        assert_int_equal(silk_chart_population_colour(type), cases[i].colour);
        assert_string_equal(silk_chart_population_label(type),
                            cases[i].label);
    }
    assert_int_equal(silk_chart_population_of(NULL), SILK_POP_NONE);
    /* the six population types have six different colours */
    for (int a = SILK_POP_REFUGEES; a <= SILK_POP_STATELESS; a++)
        for (int b = a + 1; b <= SILK_POP_STATELESS; b++)
            assert_int_not_equal(silk_chart_population_colour(a),
                                 silk_chart_population_colour(b));
}

/* ---- slugs: names from data never leave the output folder ---------------- */

static void expect_slug(const char *text, size_t size, const char *want)
{
    char buf[64];
    silk_chart_slug(text, buf, size);
    assert_string_equal(buf, want);
    char name[80];
    snprintf(name, sizeof name, "%s.png", buf);
    assert_true(silk_chart_name_ok(name));
}

static void test_slug(void **state)
{
    (void)state;
    expect_slug("../x", 64, "x");
    expect_slug("..", 64, "chart");
    expect_slug("../../etc/passwd", 64, "etc-passwd");
    expect_slug("/abs/path", 64, "abs-path");
    expect_slug("-rf", 64, "rf");
    expect_slug("", 64, "chart");
    expect_slug(NULL, 64, "chart");
    expect_slug("Côte d'Ivoire", 64, "c-te-d-ivoire");
    expect_slug("Refugees: AFG -> IRN, 2024", 64, "refugees-afg-irn-2024");
    expect_slug("`touch PWNED` $(x) |cmd", 64, "touch-pwned-x-cmd");
    /* cut at a word boundary when it has to cut */
    expect_slug("alpha beta gamma", 12, "alpha-beta");
    expect_slug("abcdefghijklmnop", 8, "abcdefg");

    /* a chart named by a slug lands in its folder, nowhere else */
    char dir[] = "/tmp/silk_slug_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char name[64], out[600];
    silk_chart_slug("../x", name, sizeof name);
    snprintf(out, sizeof out, "%s/%s.svg", dir, name);
    silk_error err = {0};
    assert_int_equal(render(BARS, plain, out, &err), SILK_OK);
    assert_true(exists(path_in(dir, "x.svg")));
    assert_true(exists(path_in(dir, "x.gp")));
    assert_true(exists(path_in(dir, "x.dat")));
    remove_tree(dir);

    /* a name with a folder in it is refused outright */
    snprintf(out, sizeof out, "/tmp/../tmp/a b.svg");
    assert_int_equal(render(BARS, plain, out, &err), SILK_EINVAL);
    assert_string_equal(err.message,
                        "chart file name 'a b.svg' must be 1-200 characters "
                        "of [A-Za-z0-9_.-], not starting with '-'");
}

/* ---- label geometry -------------------------------------------------------- */

static void test_layout_helpers(void **state)
{
    (void)state;
    /* Lato: I 280 + r 364 + a 497 + n 558 = 1.699 em; 13 pt = 17.33 px */
    assert_true(fabs(chart_text_px("Iran", 13, false) - 1.699 * 13 * 4 / 3) <
                1e-9);
    assert_true(chart_text_px("Iran", 13, true) >
                chart_text_px("Iran", 13, false));
    /* a non-ASCII character counts once, at 0.56 em */
    assert_true(fabs(chart_text_px("\xC3\xBC", 10, false) - 0.56 * 10 * 4 /
                     3) < 1e-9);
    assert_int_equal(chart_chars("T\xC3\xBCrkiye"), 7);

    double pos[3] = {1, 1.05, 5}, size[3] = {1, 1, 2};
    chart_spread_sized(pos, size, 3, 0, 10);
    assert_true(pos[0] == 1 && pos[1] == 2 && pos[2] == 5);
    /* pushed off the top: the stack slides down */
    double top[3] = {9.5, 9.6, 9.7};
    chart_spread(top, 3, 1, 0, 10);
    assert_true(top[2] == 10 && top[1] == 9 && top[0] == 8);
    /* NaN positions are left alone */
    double gaps[2] = {NAN, 3};
    chart_spread(gaps, 2, 1, 0, 10);
    assert_true(isnan(gaps[0]) && gaps[1] == 3);

    char label[32];
    chart_tick_label(500000, 3.5e6, label, sizeof label);
    assert_string_equal(label, "0.5M");
    chart_tick_label(0, 3.5e6, label, sizeof label);
    assert_string_equal(label, "0");
}

/* ---- renders ------------------------------------------------------------- */

static void test_render_every_format(void **state)
{
    const char *dir = *state;
    static const struct {
        const char *ext, *magic;
        size_t len;
    } formats[] = {{"png", "\x89PNG\r\n\x1a\n", 8},
                   {"svg", "<?xml", 5},
                   {"pdf", "%PDF-", 5}};
    for (int type = 0; type < N_TYPES; type++)
        for (size_t k = 0; k < 3; k++) {
            char name[64], out[600];
            snprintf(name, sizeof name, "%s.%s", type_name[type],
                     formats[k].ext);
            snprintf(out, sizeof out, "%s/%s", dir, name);
            silk_error err = {0};
            if (render(type, plain, out, &err) != SILK_OK)
                fail_msg("%s: %s", name, err.message);
            size_t len;
            char *image = slurp(out, &len);
            assert_non_null(image);
            assert_true(len > formats[k].len);
            assert_memory_equal(image, formats[k].magic, formats[k].len);
            free(image);
            char side[80];
            snprintf(side, sizeof side, "%s.gp", type_name[type]);
            assert_true(exists(path_in(dir, side)));
            snprintf(side, sizeof side, "%s.dat", type_name[type]);
            assert_true(exists(path_in(dir, side)));
        }
    assert_int_equal(count_files(dir, 1), 0); /* no temporary image left */
}

/* The data files say what was drawn: gaps as blank lines, a band block,
 * provisional values, the stack's running totals. */
static void test_data_files(void **state)
{
    const char *dir = *state;
    silk_error err = {0};
    assert_int_equal(render(LINE, plain, path_in(dir, "l.svg"), &err),
                     SILK_OK);
    char *dat = slurp(path_in(dir, "l.dat"), NULL);
    assert_non_null(strstr(dat, "\n2024 5800000 5800000\n")); /* 'p' */
    assert_non_null(strstr(dat, "\n2016 320000 NaN\n\n2018 350000 NaN\n"));
    assert_non_null(strstr(dat, "# band of line 0\n2015 2000000 3000000\n"));
    free(dat);
    char *gp = slurp(path_in(dir, "l.gp"), NULL);
    assert_non_null(strstr(gp, "with filledcurves fill transparent solid "
                               "0.16 noborder lc rgb '#0072B2'"));
    assert_non_null(strstr(gp, "pt 6 ps 1.4 lw 2 lc rgb '#0072B2'"));
    free(gp);

    /* The stack: the x where Iraq is missing is a gap for every layer. */
    assert_int_equal(render(AREA, plain, path_in(dir, "a.svg"), &err),
                     SILK_OK);
    dat = slurp(path_in(dir, "a.dat"), NULL);
    assert_non_null(strstr(dat, "\n2015 0 2600000 2860000 3160000\n"
                                "2016 0 2500000 2820000 2950000\n\n"
                                "2018 0 2700000 3050000 3190000\n"));
    free(dat);

    /* Bars: sorted largest first, NaN kept at the bottom as "no data". */
    assert_int_equal(render(BARS, plain, path_in(dir, "b.svg"), &err),
                     SILK_OK);
    dat = slurp(path_in(dir, "b.dat"), NULL);
    /* x-centre y half-width half-height colour: the rows in rank order,
     * all in blue (0x0072B2 = 29362); the NaN row has no bar */
    const char *body = strchr(dat, '\n') + 1;
    static const char *const rows[] = {"1750000 5 1750000 ", "800000 4 800000 ",
                                       "140000 3 140000 ", "4700 2 4700 "};
    for (size_t i = 0; i < 4; i++) {
        assert_memory_equal(body, rows[i], strlen(rows[i]));
        body = strchr(body, '\n');
        assert_memory_equal(body - 6, " 29362", 6);
        body++;
    }
    assert_string_equal(body, "");
    free(dat);
    gp = slurp(path_in(dir, "b.gp"), NULL);
    assert_non_null(strstr(gp, "set label \"no data\" at 0, 1 left"));
    assert_non_null(strstr(gp, "set label \"3.5M\" at 3500000, 5 left"));
    free(gp);

    /* Heatmap on a log scale: 0 takes the bottom colour, NaN is grey. */
    assert_int_equal(render(HEATMAP, plain, path_in(dir, "h.svg"), &err),
                     SILK_OK);
    dat = slurp(path_in(dir, "h.dat"), NULL);
    assert_non_null(strstr(dat, "\n1 1 0.5 0.5 1.0791812460476249\n"));
    assert_non_null(strstr(dat, "\n3 1 0.5 0.5 1\n")); /* 0 -> 10^1 */
    assert_non_null(strstr(dat, "# block 1\n2 1 0.5 0.5\n"));
    free(dat);
    gp = slurp(path_in(dir, "h.gp"), NULL);
    assert_non_null(strstr(gp, "set cbtics (\"10\" 1, \"100\" 2, \"1k\" 3, "
                               "\"10k\" 4, \"100k\" 5, \"1M\" 6, \"10M\" 7)"));
    free(gp);

    /* Fan: the forecast block opens at the last observed value. */
    assert_int_equal(render(FAN, plain, path_in(dir, "f.svg"), &err),
                     SILK_OK);
    dat = slurp(path_in(dir, "f.dat"), NULL);
    assert_non_null(strstr(dat, "# block 1\n2024 5800000 5800000 5800000 "
                                "5800000 5800000\n2025 5900000 5200000 "
                                "6600000 4800000 7000000\n"));
    assert_non_null(strstr(dat, "\n2027 6100000 4600000 7600000 nan nan\n"));
    free(dat);
}

/* ---- validation ------------------------------------------------------------ */

#define EXPECT_ERROR(call, code, ...)                                         \
    do {                                                                      \
        char want_[900];                                                      \
        snprintf(want_, sizeof want_, __VA_ARGS__);                           \
        silk_error err_ = {0};                                                \
        assert_int_equal((call)(&spec, &err_), code);                         \
        assert_string_equal(err_.message, want_);                             \
    } while (0)

static void test_validation(void **state)
{
    const char *dir = *state;
    char out[600];
    snprintf(out, sizeof out, "%s/v.png", dir);
    static const double nan10[10] = {NAN, NAN, NAN, NAN, NAN,
                                     NAN, NAN, NAN, NAN, NAN};
    double bad[10];
    memcpy(bad, afg, sizeof bad);

    { /* bands */
        silk_chart_line lines[1] = {
            {.label = "L", .n = 10, .x = years, .y = afg}};
        silk_chart_band bands[1] = {{hi, lo}};
        silk_chart_spec spec = {"t", "s", "u", "src", lines, 1, NULL, 0, out,
                                NULL};
        silk_error err = {0};
        assert_int_equal(silk_chart_render_bands(&spec, bands, &err),
                         SILK_EINVAL);
        assert_string_equal(err.message, "chart line 'L': band[0] has lower "
                                         "3e+06 above upper 2e+06");
        bands[0] = (silk_chart_band){lo, NULL};
        assert_int_equal(silk_chart_render_bands(&spec, bands, &err),
                         SILK_EINVAL);
        assert_string_equal(err.message, "chart line 'L': a band needs both "
                                         "lower and upper");
        bad[3] = INFINITY;
        bands[0] = (silk_chart_band){lo, bad};
        assert_int_equal(silk_chart_render_bands(&spec, bands, &err),
                         SILK_EINVAL);
        assert_string_equal(err.message, "chart line 'L': band[3] is "
                                         "infinite");
        bad[3] = afg[3];
    }
    { /* multiples */
        silk_chart_line panels[13];
        for (size_t i = 0; i < 13; i++)
            panels[i] = (silk_chart_line){.label = "P", .n = 10, .x = years,
                                          .y = afg};
        silk_chart_multiples_spec spec = {{"t", "s", "u", "src", out, NULL},
                                          panels, 0, NULL, NULL, 0, 0};
        EXPECT_ERROR(silk_chart_render_multiples, SILK_EINVAL,
                     "chart '%s' has no panels", out);
        spec.n_panels = 13;
        EXPECT_ERROR(silk_chart_render_multiples, SILK_EINVAL,
                     "chart '%s' has 13 panels; at most 12 fit (select "
                     "fewer series or draw two charts)", out);
        spec.n_panels = 2;
        panels[1].y = nan10;
        panels[0].y = nan10;
        EXPECT_ERROR(silk_chart_render_multiples, SILK_EINVAL,
                     "chart '%s' has no values to plot", out);
    }
    { /* area */
        silk_chart_series layers[10];
        for (size_t i = 0; i < 10; i++)
            layers[i] = (silk_chart_series){"A", afg, 0};
        silk_chart_area_spec spec = {{"t", "s", "u", "src", out, NULL}, 10,
                                     years, layers, 0, NULL, 0};
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart '%s' has no layers", out);
        spec.n_layers = 10;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart '%s' has 10 layers; at most 9 stack readably "
                     "(merge the smallest into 'other')", out);
        spec.n_layers = 2;
        bad[4] = -1;
        layers[1].y = bad;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart layer 'A': y[4] = -1; a stack needs finite "
                     "values >= 0 (NaN for a gap)");
        bad[4] = INFINITY;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart layer 'A': y[4] = inf; a stack needs finite "
                     "values >= 0 (NaN for a gap)");
        bad[4] = afg[4];
        layers[1].y = nan10;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart '%s' has no x where every layer has a value",
                     out);
        layers[1].y = afg;
        static const double backwards[10] = {2015, 2016, 2016, 2018, 2019,
                                             2020, 2021, 2022, 2023, 2024};
        spec.x = backwards;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart '%s': x[2] does not increase", out);
        /* markers counted but not given: refused, never read */
        spec.x = years;
        spec.n_markers = 1;
        EXPECT_ERROR(silk_chart_render_area, SILK_EINVAL,
                     "chart '%s' has no marker array", out);
    }
    { /* bars */
        const char *labels[31];
        double values[31];
        for (size_t i = 0; i < 31; i++) {
            labels[i] = "B";
            values[i] = (double)i;
        }
        silk_chart_bars_spec spec = {{"t", "s", "u", "src", out, NULL}, 0,
                                     labels, values, NULL, false};
        EXPECT_ERROR(silk_chart_render_bars, SILK_EINVAL,
                     "chart '%s' has no bars", out);
        spec.n = 31;
        EXPECT_ERROR(silk_chart_render_bars, SILK_EINVAL,
                     "chart '%s' has 31 bars; at most 30 are readable (show "
                     "the top ones)", out);
        spec.n = 3;
        values[1] = -INFINITY;
        EXPECT_ERROR(silk_chart_render_bars, SILK_EINVAL,
                     "chart '%s': the value of 'B' is infinite", out);
        values[0] = values[1] = values[2] = NAN;
        EXPECT_ERROR(silk_chart_render_bars, SILK_EINVAL,
                     "chart '%s' has no values to plot", out);
        spec.labels = NULL;
        EXPECT_ERROR(silk_chart_render_bars, SILK_EINVAL,
                     "chart '%s' has no labels", out);
    }
    { /* grouped */
        const char *groups[5] = {"2015", "2020", "2024", "x", "y"};
        const char *cats[13];
        double values[5 * 13];
        for (size_t i = 0; i < 13; i++)
            cats[i] = "C";
        for (size_t i = 0; i < 5 * 13; i++)
            values[i] = 1;
        silk_chart_grouped_spec spec = {{"t", "s", "u", "src", out, NULL}, 5,
                                        3, groups, cats, values};
        EXPECT_ERROR(silk_chart_render_grouped, SILK_EINVAL,
                     "chart '%s' has 5 groups; at most 4 bars per category "
                     "compare well", out);
        spec.n_groups = 2;
        spec.n_categories = 13;
        EXPECT_ERROR(silk_chart_render_grouped, SILK_EINVAL,
                     "chart '%s' has 13 categories; at most 12 (show the "
                     "top ones)", out);
        spec.n_categories = 3;
        values[4] = INFINITY;
        EXPECT_ERROR(silk_chart_render_grouped, SILK_EINVAL,
                     "chart '%s': the value of 'C' in group '2020' is "
                     "infinite", out);
        for (size_t i = 0; i < 6; i++)
            values[i] = NAN;
        EXPECT_ERROR(silk_chart_render_grouped, SILK_EINVAL,
                     "chart '%s' has no values to plot", out);
        spec.n_groups = 0;
        EXPECT_ERROR(silk_chart_render_grouped, SILK_EINVAL,
                     "chart '%s' has no groups or no categories", out);
    }
    { /* heatmap */
        const char *names[31];
        double values[31 * 2];
        for (size_t i = 0; i < 31; i++)
            names[i] = "R";
        for (size_t i = 0; i < 62; i++)
            values[i] = 5;
        silk_chart_heatmap_spec spec = {{"t", "s", "u", "src", out, NULL},
                                        31, 2, names, names, values, false,
                                        NULL, NULL};
        EXPECT_ERROR(silk_chart_render_heatmap, SILK_EINVAL,
                     "chart '%s' has 31 rows and 2 columns; at most 30 each "
                     "(show the top ones)", out);
        spec.n_rows = 2;
        values[3] = -4;
        spec.log_scale = true;
        EXPECT_ERROR(silk_chart_render_heatmap, SILK_EINVAL,
                     "chart '%s': cell 'R' x 'R' is -4; a log scale needs "
                     "values >= 0", out);
        values[3] = NAN;
        values[1] = INFINITY;
        EXPECT_ERROR(silk_chart_render_heatmap, SILK_EINVAL,
                     "chart '%s': cell 'R' x 'R' is infinite", out);
        for (size_t i = 0; i < 4; i++)
            values[i] = NAN;
        EXPECT_ERROR(silk_chart_render_heatmap, SILK_EINVAL,
                     "chart '%s' has no values to plot", out);
    }
    { /* fan */
        double fx[2] = {2025, 2026}, mean[2] = {5, 6}, l80[2] = {4, 5};
        double h80[2] = {6, 7}, l95[2] = {3, 4}, h95[2] = {7, 8};
        silk_chart_fan_spec spec = {{"t", "s", "u", "src", out, NULL}, "F", 0,
                                    10, years, afg, NULL, 0, fx, mean, l80,
                                    h80, l95, h95, NULL, NULL, 0};
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s' has no forecast (x, mean and the four "
                     "bounds are needed)", out);
        spec.n_forecast = 2;
        l80[1] = 3;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s': forecast step 2 needs lo95 <= lo80 <= "
                     "mean <= hi80 <= hi95", out);
        l80[1] = 5;
        fx[0] = 2024;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s': forecast step 1 is not after the history "
                     "and the steps before it", out);
        fx[0] = 2025;
        mean[0] = NAN;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s': forecast step 1 has no finite x or mean",
                     out);
        mean[0] = 5;
        h95[1] = INFINITY;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s': forecast step 2 has an infinite bound",
                     out);
        h95[1] = 8;
        spec.history_y = nan10;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s' has no observed value", out);
        spec.n_history = 0;
        EXPECT_ERROR(silk_chart_render_fan, SILK_EINVAL,
                     "chart '%s' has no history", out);
    }
    { /* dumbbell */
        const char *labels[2] = {"D", "E"};
        double then[2] = {NAN, NAN}, now[2] = {NAN, NAN};
        silk_chart_dumbbell_spec spec = {{"t", "s", "u", "src", out, NULL}, 0,
                                         labels, then, now, "2015", "2024",
                                         false};
        EXPECT_ERROR(silk_chart_render_dumbbell, SILK_EINVAL,
                     "chart '%s' has no categories", out);
        spec.n = 2;
        EXPECT_ERROR(silk_chart_render_dumbbell, SILK_EINVAL,
                     "chart '%s' has no values to plot", out);
        now[1] = INFINITY;
        EXPECT_ERROR(silk_chart_render_dumbbell, SILK_EINVAL,
                     "chart '%s': the value of 'E' is infinite", out);
    }
    /* Nothing was written for any rejected spec. */
    assert_int_equal(count_files(dir, 0), 0);
    assert_int_equal(count_files(dir, 1), 0);
}

/* ---- hostile text ----------------------------------------------------------- */

static const char *const hostile[] = {
    "Iran 'quoted' \"double\" `touch PWNED`",
    "system(\"touch PWNED2\")",
    "'.system(\"touch PWNED3\").'",
    "first line\n!touch PWNED4\nthird",
    "at @ backslash \\ & < > _^{}&~ $HOME end",
    "trailing backslash \\",
    "`touch PWNED5`",
    "$LBL[1] $(touch PWNED6) ${x}",
    "\"; set output '|touch PWNED7'; \"",
    "EOD",
    "T\xC3\xBCrkiye/C\xC3\xB4te d'Ivoire",
    "bad \xFF utf8",
};

/* Every <text> of the SVG, joined by single spaces (a label wrapped on
 * two lines at a space reads whole again). */
static char *svg_texts(const char *svg)
{
    char *out = malloc(strlen(svg) + 1), *w = out;
    for (const char *p = svg; (p = strstr(p, "<text>")) != NULL;) {
        p += 6;
        const char *end = strstr(p, "</text>");
        if (end == NULL)
            break;
        if (w > out)
            *w++ = ' ';
        memcpy(w, p, (size_t)(end - p));
        w += end - p;
        p = end;
    }
    *w = '\0';
    return out;
}

static void test_hostile_every_type(void **state)
{
    const char *dir = *state;
    enum { N = sizeof hostile / sizeof *hostile };
    /* texts each type draws (which of t[] it uses) */
    static const int used[N_TYPES][12] = {
        [LINE] = {0, 1, 2, 3, 4, 5, 7, 8, -1},
        [MULTIPLES] = {0, 1, 2, 3, 4, 5, 6, 7, 8, -1},
        [AREA] = {0, 1, 2, 3, 4, 5, 6, 7, -1},
        [BARS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, -1},
        [GROUPED] = {0, 1, 2, 3, 4, 5, 6, 7, 8, -1},
        [HEATMAP] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1},
        [FAN] = {0, 1, 2, 3, 4, 5, 7, -1},
        [DUMBBELL] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1},
    };
    for (int type = 0; type < N_TYPES; type++) {
        /* rotate the hostile texts so each lands in every role somewhere */
        const char *t[12];
        for (size_t i = 0; i < 12; i++)
            t[i] = hostile[(i + (size_t)type) % N];
        char name[64];
        snprintf(name, sizeof name, "hostile-%s.svg", type_name[type]);
        silk_error err = {0};
        if (render(type, t, path_in(dir, name), &err) != SILK_OK)
            fail_msg("%s: %s", name, err.message);
        assert_no_pwned(dir);
        char *svg = slurp(path_in(dir, name), NULL);
        char *texts = svg_texts(svg);
        for (size_t k = 0; used[type][k] >= 0; k++) {
            char *want = svg_text(t[used[type][k]]);
            if (strstr(texts, want) == NULL)
                fail_msg("%s: text %d not drawn literally: %s", name,
                         used[type][k], want);
            free(want);
        }
        free(texts);
        free(svg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_layout_helpers),
        cmocka_unit_test_setup_teardown(test_render_every_format, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_data_files, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_validation, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_hostile_every_type, setup_dir,
                                        teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
