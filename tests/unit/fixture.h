/*
 * fixture.h: what the format tests share (header-only, included by one
 * test file each after <cmocka.h>): a temporary folder for files a test
 * writes, a country table loaded once, the cube of one indicator of a
 * batch, and the comparison of two cubes' axes.
 *
 *     static int setup(void **state) { (void)state;
 *         return fixture_setup(DATA "countries.csv"); }
 *     static int teardown(void **state) { (void)state;
 *         return fixture_teardown(); }
 */
#ifndef SILK_TEST_FIXTURE_H
#define SILK_TEST_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"

static char tmpdir[64];
static char path[256]; /* the last path write_text returned */
static silk_countries *countries;

/* Creates the folder and loads countries_csv (NULL: no table). */
static inline int fixture_setup(const char *countries_csv)
{
    silk_error err = {0};
    snprintf(tmpdir, sizeof tmpdir, "/tmp/silk_test_XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    if (countries_csv != NULL &&
        silk_countries_load(countries_csv, NULL, &countries, &err) !=
            SILK_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static inline int fixture_teardown(void)
{
    silk_countries_free(countries);
    countries = NULL;
    /* the folder is flat: its files, then itself, without a shell */
    DIR *dir = opendir(tmpdir);
    if (dir == NULL)
        return -1;
    struct dirent *entry;
    char file[sizeof tmpdir + 256 + 2];
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof file, "%s/%s", tmpdir, entry->d_name);
        remove(file);
    }
    closedir(dir);
    return rmdir(tmpdir);
}

/* Writes len bytes to name in the folder; returns its path, in a buffer
 * that the next call reuses (copy it to keep two). */
static inline const char *write_bytes(const char *name, const char *bytes,
                                      size_t len)
{
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static inline const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* The batch's cube of indicator (the caller frees it); fails the test if
 * the batch has no such indicator. */
static inline silk_cube *cube_of(const silk_batch *batch,
                                 const char *indicator)
{
    silk_cube *cube = NULL;
    silk_error err = {0};
    for (size_t i = 0; i < silk_batch_indicator_count(batch); i++)
        if (strcmp(silk_batch_indicator_name(batch, i), indicator) == 0) {
            assert_int_equal(silk_batch_cube(batch, i, &cube, &err), SILK_OK);
            return cube;
        }
    fail_msg("no indicator '%s' in the batch", indicator);
    return NULL;
}

/* Two cubes with the same name, unit, source, frequency and axes (each
 * test then compares the cells as strictly as it needs). */
static inline void expect_same_axes(const silk_cube *a, const silk_cube *b)
{
    assert_string_equal(a->indicator, b->indicator);
    assert_string_equal(a->unit, b->unit);
    assert_string_equal(a->source, b->source);
    assert_int_equal(a->freq, b->freq);
    assert_int_equal(a->n_origin, b->n_origin);
    assert_int_equal(a->n_destination, b->n_destination);
    assert_int_equal(a->n_period, b->n_period);
    for (size_t i = 0; i < a->n_origin; i++)
        assert_string_equal(a->origin[i], b->origin[i]);
    for (size_t i = 0; i < a->n_destination; i++)
        assert_string_equal(a->destination[i], b->destination[i]);
    for (size_t i = 0; i < a->n_period; i++)
        assert_int_equal(silk_period_compare(a->period[i], b->period[i]), 0);
}

#endif
