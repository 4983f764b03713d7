/*
 * test_store.c: the HDF5 store.  Batches are built through the core API,
 * committed into a fresh temporary folder per test, and read back; every
 * expected value below was worked out by hand from the cells put in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "silkstat.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/silkstore-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/s.h5", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    struct dirent *entry;
    if (d != NULL) {
        while ((entry = readdir(d)) != NULL)
            if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
                unlinkat(dirfd(d), entry->d_name, 0);
        closedir(d);
    }
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Names in the fixture folder, sorted, joined by spaces. */
static void list_dir(const fixture *fx, char *buf, size_t size)
{
    char names[16][64];
    size_t n = 0, used = 0;
    DIR *d = opendir(fx->dir);
    struct dirent *entry;
    assert_non_null(d);
    while ((entry = readdir(d)) != NULL && n < 16)
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
            snprintf(names[n++], 64, "%.63s", entry->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "",
                                 names[i]);
}

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    rewind(f);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *size = (size_t)len;
    return buf;
}

static void copy_file(const char *from, const char *to)
{
    size_t size;
    unsigned char *bytes = slurp(from, &size);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, size, f), size);
    fclose(f);
    free(bytes);
}

static void put(silk_batch *batch, const char *indicator, const char *origin,
                const char *destination, const char *period, double value,
                const char *flags, const char *unit, const char *source,
                unsigned file)
{
    silk_period p;
    uint32_t bits = 0;
    silk_error err = {0};
    assert_int_equal(silk_period_parse(period, strlen(period), &p), SILK_OK);
    assert_int_equal(silk_flags_parse(flags, strlen(flags), &bits), SILK_OK);
    assert_int_equal(silk_batch_put(batch, indicator, origin, destination, p,
                                    value, bits, unit, source, file, 1, &err),
                     SILK_OK);
}

static void provenance(silk_batch *batch, const char *file, const char *sha,
                       uint64_t rows)
{
    silk_error err = {0};
    assert_int_equal(silk_batch_add_provenance(batch, 0, file, sha, rows, &err),
                     SILK_OK);
}

static void commit_ok(const char *path, const silk_batch *batch)
{
    silk_error err = {0};
    int status = silk_store_commit(path, batch, &err);
    if (status != SILK_OK)
        fail_msg("commit failed: %s", err.message);
}

static silk_cube *read_cube(const char *path, const char *indicator)
{
    silk_store *store = NULL;
    silk_cube *cube = NULL;
    silk_error err = {0};
    if (silk_store_open(path, &store, &err) != SILK_OK)
        fail_msg("open failed: %s", err.message);
    if (silk_store_read(store, indicator, &cube, &err) != SILK_OK)
        fail_msg("read failed: %s", err.message);
    silk_store_close(store);
    return cube;
}

static size_t at(const silk_cube *cube, const char *origin,
                 const char *destination, const char *period)
{
    silk_period p;
    size_t o = silk_cube_find_origin(cube, origin);
    size_t d = silk_cube_find_destination(cube, destination);
    size_t t;
    assert_int_equal(silk_period_parse(period, strlen(period), &p), SILK_OK);
    t = silk_cube_find_period(cube, p);
    assert_true(o != (size_t)-1 && d != (size_t)-1 && t != (size_t)-1);
    return silk_cube_index(cube, o, d, t);
}

static void assert_periods(const silk_cube *cube, const char *expected)
{
    char buf[256] = "", label[SILK_PERIOD_LABEL_MAX];
    for (size_t i = 0; i < cube->n_period; i++) {
        silk_period_format(cube->period[i], label);
        strcat(buf, i ? " " : "");
        strcat(buf, label);
    }
    assert_string_equal(buf, expected);
}

static void assert_labels(char **labels, size_t n, const char *expected)
{
    char buf[256] = "";
    for (size_t i = 0; i < n; i++) {
        strcat(buf, i ? "," : "");
        strcat(buf, labels[i]);
    }
    assert_string_equal(buf, expected);
}

/* ------------------------------------------------------------------ */

static void test_default_path(void **state)
{
    (void)state;
    setenv("SILKSTAT_STORE", "/data/x.h5", 1);
    assert_string_equal(silk_store_default_path(), "/data/x.h5");
    setenv("SILKSTAT_STORE", "", 1);
    assert_string_equal(silk_store_default_path(), "silkstat.h5");
    unsetenv("SILKSTAT_STORE");
    assert_string_equal(silk_store_default_path(), "silkstat.h5");
}

static void test_missing_store(void **state)
{
    fixture *fx = *state;
    silk_store *store = (silk_store *)1;
    silk_error err = {0};
    char expected[256];
    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_ENOTFOUND);
    assert_null(store);
    snprintf(expected, sizeof expected,
             "store '%s' does not exist (run 'silkstat ingest' first)",
             fx->path);
    assert_string_equal(err.message, expected);
}

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_store *store = NULL;
    silk_cube *cube = NULL;
    silk_provenance *prov = NULL;
    size_t n_prov = 0;
    silk_error err = {0};
    char expected[256];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 3000000, "e", "persons",
        "UNHCR", 0);
    put(batch, "refugees", "AFG", "IRN", "2024", NAN, "*", "persons", "UNHCR",
        0);
    put(batch, "refugees", "AFG", "PAK", "2024", 1500000, "", "persons",
        "UNHCR", 0);
    put(batch, "refugees", "IRQ", "", "2023", 12.5, "pe", "persons", "UNHCR",
        0);
    put(batch, "asylum_q", "BGD", "", "2024-Q1", 5, "", NULL, NULL, 0);
    put(batch, "asylum_q", "BGD", "", "2024-Q3", 7, "p", NULL, NULL, 0);
    provenance(batch, "a.csv", SHA_A, 6);
    commit_ok(fx->path, batch);
    silk_batch_free(batch);

    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_OK);
    assert_int_equal(silk_store_indicator_count(store), 2);
    assert_string_equal(silk_store_indicator_name(store, 0), "asylum_q");
    assert_string_equal(silk_store_indicator_name(store, 1), "refugees");
    assert_null(silk_store_indicator_name(store, 2));

    assert_int_equal(silk_store_read(store, "refugees", &cube, &err), SILK_OK);
    assert_string_equal(cube->indicator, "refugees");
    assert_string_equal(cube->unit, "persons");
    assert_string_equal(cube->source, "UNHCR");
    assert_int_equal(cube->freq, SILK_FREQ_ANNUAL);
    assert_null(cube->set);
    assert_labels(cube->origin, cube->n_origin, "AFG,IRQ");
    assert_labels(cube->destination, cube->n_destination, ",IRN,PAK");
    assert_periods(cube, "2023 2024");
    /* 2 x 3 x 2 = 12 cells, 4 given */
    assert_true(cube->value[at(cube, "AFG", "IRN", "2023")] == 3000000);
    assert_int_equal(cube->flags[at(cube, "AFG", "IRN", "2023")],
                     SILK_FLAG('e'));
    assert_true(isnan(cube->value[at(cube, "AFG", "IRN", "2024")]));
    assert_int_equal(cube->flags[at(cube, "AFG", "IRN", "2024")],
                     SILK_FLAG_REDACTED);
    assert_true(cube->value[at(cube, "AFG", "PAK", "2024")] == 1500000);
    assert_int_equal(cube->flags[at(cube, "AFG", "PAK", "2024")], 0);
    assert_true(cube->value[at(cube, "IRQ", "", "2023")] == 12.5);
    assert_int_equal(cube->flags[at(cube, "IRQ", "", "2023")],
                     SILK_FLAG('p') | SILK_FLAG('e'));
    size_t nan_cells = 0;
    for (size_t i = 0; i < 12; i++)
        nan_cells += isnan(cube->value[i]) ? 1 : 0;
    assert_int_equal(nan_cells, 9); /* 8 never given + the redacted one */
    silk_cube_free(cube);

    assert_int_equal(silk_store_read(store, "asylum_q", &cube, &err), SILK_OK);
    assert_int_equal(cube->freq, SILK_FREQ_QUARTERLY);
    assert_string_equal(cube->unit, "");
    assert_string_equal(cube->source, "");
    assert_labels(cube->origin, cube->n_origin, "BGD");
    assert_labels(cube->destination, cube->n_destination, "");
    assert_periods(cube, "2024-Q1 2024-Q3");
    assert_true(cube->value[0] == 5 && cube->value[1] == 7);
    assert_int_equal(cube->flags[0], 0);
    assert_int_equal(cube->flags[1], SILK_FLAG('p'));
    silk_cube_free(cube);

    cube = (silk_cube *)1;
    assert_int_equal(silk_store_read(store, "missing", &cube, &err),
                     SILK_ENOTFOUND);
    assert_null(cube);
    snprintf(expected, sizeof expected, "no indicator 'missing' in store '%s'",
             fx->path);
    assert_string_equal(err.message, expected);

    assert_int_equal(silk_store_provenance(store, &prov, &n_prov, &err),
                     SILK_OK);
    assert_int_equal(n_prov, 1);
    assert_string_equal(prov[0].file, "a.csv");
    assert_string_equal(prov[0].sha256, SHA_A);
    assert_int_equal(prov[0].rows, 6);
    assert_string_equal(prov[0].version, SILK_VERSION);
    assert_string_equal(prov[0].indicators, "refugees,asylum_q");
    /* 2026-11-27T20:31:00Z */
    assert_int_equal(strlen(prov[0].time), 20);
    assert_true(prov[0].time[4] == '-' && prov[0].time[10] == 'T' &&
                prov[0].time[19] == 'Z');
    silk_store_provenance_free(prov, n_prov);
    silk_store_close(store);
}

/* First commit: refugees AFG>IRN 2023 = 100, 2024 = 200, AFG>PAK 2023 =
 * 300, and idps AFG 2024 = 50.  Second: AFG>IRN 2024 = 250 (p) and a new
 * origin and period IRQ>IRN 2025 = 10. */
static void test_upsert(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_store *store = NULL;
    silk_cube *cube = NULL;
    silk_provenance *prov = NULL;
    size_t n_prov = 0;
    silk_error err = {0};

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 100, "", "persons", "UNHCR",
        0);
    put(batch, "refugees", "AFG", "IRN", "2024", 200, "", "persons", "UNHCR",
        0);
    put(batch, "refugees", "AFG", "PAK", "2023", 300, "", "persons", "UNHCR",
        0);
    put(batch, "idps", "AFG", "", "2024", 50, "e", "persons", "IDMC", 0);
    provenance(batch, "first.csv", SHA_A, 4);
    commit_ok(fx->path, batch);
    silk_batch_free(batch);

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2024", 250, "p", NULL, NULL, 0);
    put(batch, "refugees", "IRQ", "IRN", "2025", 10, "", NULL, NULL, 0);
    provenance(batch, "second.csv", SHA_B, 2);
    commit_ok(fx->path, batch);
    silk_batch_free(batch);

    cube = read_cube(fx->path, "refugees");
    assert_labels(cube->origin, cube->n_origin, "AFG,IRQ");
    assert_labels(cube->destination, cube->n_destination, "IRN,PAK");
    assert_periods(cube, "2023 2024 2025");
    assert_string_equal(cube->unit, "persons"); /* kept from the store */
    assert_string_equal(cube->source, "UNHCR");
    static const double expected[12] = {
        100, 250, NAN, /* AFG>IRN */
        300, NAN, NAN, /* AFG>PAK */
        NAN, NAN, 10,  /* IRQ>IRN */
        NAN, NAN, NAN, /* IRQ>PAK */
    };
    for (size_t i = 0; i < 12; i++) {
        if (isnan(expected[i]))
            assert_true(isnan(cube->value[i]));
        else
            assert_true(cube->value[i] == expected[i]);
        assert_int_equal(cube->flags[i], i == 1 ? SILK_FLAG('p') : 0);
    }
    silk_cube_free(cube);

    /* idps was copied, not rewritten: still whole. */
    cube = read_cube(fx->path, "idps");
    assert_labels(cube->origin, cube->n_origin, "AFG");
    assert_labels(cube->destination, cube->n_destination, "");
    assert_periods(cube, "2024");
    assert_true(cube->value[0] == 50);
    assert_int_equal(cube->flags[0], SILK_FLAG('e'));
    assert_string_equal(cube->source, "IDMC");
    silk_cube_free(cube);

    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_OK);
    assert_int_equal(silk_store_indicator_count(store), 2);
    assert_int_equal(silk_store_provenance(store, &prov, &n_prov, &err),
                     SILK_OK);
    assert_int_equal(n_prov, 2);
    assert_string_equal(prov[0].file, "first.csv");
    assert_string_equal(prov[0].sha256, SHA_A);
    assert_int_equal(prov[0].rows, 4);
    assert_string_equal(prov[0].indicators, "refugees,idps");
    assert_string_equal(prov[1].file, "second.csv");
    assert_string_equal(prov[1].sha256, SHA_B);
    assert_int_equal(prov[1].rows, 2);
    assert_string_equal(prov[1].indicators, "refugees");
    assert_true(strcmp(prov[0].time, prov[1].time) <= 0);
    silk_store_provenance_free(prov, n_prov);
    silk_store_close(store);
}

static void test_conflict_leaves_store(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_error err = {0};
    unsigned char *before, *after;
    size_t n_before, n_after;
    char names[512];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 100, "", NULL, NULL, 0);
    put(batch, "idps", "AFG", "", "2023", 1, "", NULL, NULL, 0);
    commit_ok(fx->path, batch);
    silk_batch_free(batch);
    before = slurp(fx->path, &n_before);

    /* idps first, so the temporary file already holds it when refugees
     * fails to merge. */
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "idps", "AFG", "", "2024", 2, "", NULL, NULL, 0);
    put(batch, "refugees", "AFG", "IRN", "2024-Q1", 5, "", NULL, NULL, 0);
    assert_int_equal(silk_store_commit(fx->path, batch, &err),
                     SILK_ECONFLICT);
    assert_string_equal(err.message,
                        "indicator 'refugees' is stored with annual periods; "
                        "the input has quarterly periods (one indicator "
                        "holds one frequency)");
    silk_batch_free(batch);

    after = slurp(fx->path, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
    free(before);
    free(after);
    list_dir(fx, names, sizeof names);
    assert_string_equal(names, "s.h5 s.h5.lock");
}

static void test_lock_held(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_error err = {0};
    char lock[160], expected[256];
    int fd;

    snprintf(lock, sizeof lock, "%s.lock", fx->path);
    fd = open(lock, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 100, "", NULL, NULL, 0);
    assert_int_equal(silk_store_commit(fx->path, batch, &err), SILK_ELOCK);
    snprintf(expected, sizeof expected,
             "store '%s' is being written by another process", fx->path);
    assert_string_equal(err.message, expected);
    assert_int_equal(access(fx->path, F_OK), -1);

    close(fd);
    commit_ok(fx->path, batch);
    silk_batch_free(batch);
    assert_int_equal(access(fx->path, F_OK), 0);
}

static void refuse(const fixture *fx, const char *expected_fmt)
{
    silk_batch *batch = NULL;
    silk_store *store = NULL;
    silk_error err = {0};
    unsigned char *before, *after;
    size_t n_before, n_after;
    char expected[512];

    snprintf(expected, sizeof expected, expected_fmt, fx->path);
    before = slurp(fx->path, &n_before);
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 100, "", NULL, NULL, 0);
    assert_int_equal(silk_store_commit(fx->path, batch, &err), SILK_ESTORE);
    assert_string_equal(err.message, expected);
    silk_batch_free(batch);
    silk_error_clear(&err);
    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_ESTORE);
    assert_null(store);
    assert_string_equal(err.message, expected);
    after = slurp(fx->path, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
    free(before);
    free(after);
}

static void test_refuses_plain_hdf5(void **state)
{
    fixture *fx = *state;
    copy_file("tests/data/store_not_silkstat.h5", fx->path);
    refuse(fx, "'%s' is not a silkstat store (no 'silkstat_format' "
               "attribute)");
}

static void test_refuses_newer_format(void **state)
{
    fixture *fx = *state;
    copy_file("tests/data/store_format2.h5", fx->path);
    refuse(fx, "store '%s' has format 2; this silkstat reads format 1");
}

static void test_refuses_text(void **state)
{
    fixture *fx = *state;
    FILE *f = fopen(fx->path, "w");
    assert_non_null(f);
    fputs("indicator,origin,destination,period,value\n", f);
    fclose(f);
    refuse(fx, "'%s' is not a silkstat store (not an HDF5 file)");
}

/* A damaged store is reported with HDF5's innermost message, and a
 * commit refuses it instead of replacing it. */
static void test_truncated_store(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_store *store = NULL;
    silk_error err = {0};
    unsigned char *before, *after;
    size_t n_before, n_after;
    char expected[256];

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    put(batch, "refugees", "AFG", "IRN", "2023", 100, "", NULL, NULL, 0);
    commit_ok(fx->path, batch);
    assert_int_equal(truncate(fx->path, 1000), 0);
    before = slurp(fx->path, &n_before);

    snprintf(expected, sizeof expected,
             "store '%s': cannot open: truncated file: eof = 1000,",
             fx->path);
    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_ESTORE);
    assert_null(store);
    assert_memory_equal(err.message, expected, strlen(expected));
    silk_error_clear(&err);
    assert_int_equal(silk_store_commit(fx->path, batch, &err), SILK_ESTORE);
    assert_memory_equal(err.message, expected, strlen(expected));
    silk_batch_free(batch);

    after = slurp(fx->path, &n_after);
    assert_int_equal(n_after, 1000);
    assert_memory_equal(before, after, n_before);
    free(before);
    free(after);
}

static void test_stale_temp_removed(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_error err = {0};
    char name[192], names[512];
    static const char *const files[] = {"s.h5.tmp-1", "s.h5.tmp-99999",
                                        "s.h5.tmpx", "t.h5.tmp-1"};

    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s/%s", fx->dir, files[i]);
        FILE *f = fopen(name, "w");
        assert_non_null(f);
        fputs("half-written", f);
        fclose(f);
    }
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    commit_ok(fx->path, batch); /* an empty batch makes an empty store */
    silk_batch_free(batch);
    list_dir(fx, names, sizeof names);
    assert_string_equal(names, "s.h5 s.h5.lock s.h5.tmpx t.h5.tmp-1");
}

static void test_empty_store(void **state)
{
    fixture *fx = *state;
    silk_batch *batch = NULL;
    silk_store *store = NULL;
    silk_provenance *prov = (silk_provenance *)1;
    size_t n_prov = 7;
    silk_error err = {0};

    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    commit_ok(fx->path, batch);
    commit_ok(fx->path, batch); /* over an existing empty store */
    silk_batch_free(batch);
    assert_int_equal(silk_store_open(fx->path, &store, &err), SILK_OK);
    assert_int_equal(silk_store_indicator_count(store), 0);
    assert_int_equal(silk_store_provenance(store, &prov, &n_prov, &err),
                     SILK_OK);
    assert_int_equal(n_prov, 0);
    silk_store_provenance_free(prov, n_prov);
    silk_store_close(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_path),
        cmocka_unit_test_setup_teardown(test_missing_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_leaves_store, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lock_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_plain_hdf5, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refuses_newer_format, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refuses_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temp_removed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
