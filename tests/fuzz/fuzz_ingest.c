/*
 * fuzz_ingest.c: libFuzzer harness for the CSV readers.  Each input is
 * written to a file (ingest reads paths, as the CLI does) and ingested
 * through silk_ingest_file, so format detection picks whichever reader
 * the header suggests (tidy, UNHCR, World Bank, DESA, Eurostat), with the
 * bundled country table ($SILK_FUZZ_COUNTRIES); any crash, leak or
 * sanitizer report is a finding.
 * Every error must carry the file's path first, as the CLI promises.
 *
 * Each input is read twice: in one pass (SILKSTAT_SPLIT=off) and cut in
 * up to 8 parts read on two threads (SILKSTAT_SPLIT=always), where fields of
 * plain lines are used in place and the digest comes from its own
 * thread.  The two reads must agree on the status, the message, the rows,
 * the digest and every cube: a difference is a finding too.
 * Built and run by `make fuzz` (clang); not part of `make test`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef struct outcome {
    int status;
    silk_error err;
    uint64_t rows;
    silk_batch *batch;
} outcome;

static silk_countries *countries_once(void)
{
    static silk_countries *countries;
    static int loaded;
    if (!loaded) {
        const char *table = getenv("SILK_FUZZ_COUNTRIES");
        silk_error load_err = {0};
        if (table != NULL &&
            silk_countries_load(table, NULL, &countries, &load_err) != SILK_OK)
            abort(); /* the harness is misconfigured */
        loaded = 1;
    }
    return countries;
}

static void ingest(const char *path, const char *split, outcome *out)
{
    setenv("SILKSTAT_SPLIT", split, 1);
    memset(out, 0, sizeof *out);
    if (silk_batch_alloc(&out->batch, &out->err) != SILK_OK)
        abort();
    silk_ingest_options opt = {.countries = countries_once(),
                               .indicator = "fuzz"};
    out->status = silk_ingest_file(path, &opt, 0, out->batch, &out->rows,
                                   NULL, &out->err);
    if (out->status != SILK_OK &&
        strncmp(out->err.message, path, strlen(path)) != 0)
        abort(); /* a message that does not say where */
}

static bool same_cells(const silk_cube *a, const silk_cube *b)
{
    size_t n = a->n_origin * a->n_destination * a->n_period;
    if (a->n_origin != b->n_origin || a->n_destination != b->n_destination ||
        a->n_period != b->n_period)
        return false;
    for (size_t k = 0; k < n; k++)
        if (a->flags[k] != b->flags[k] ||
            (a->value[k] != b->value[k] &&
             !(isnan(a->value[k]) && isnan(b->value[k]))))
            return false;
    return true;
}

/* Both reads gave the same result. */
static void expect_same(const outcome *one, const outcome *two)
{
    if (one->status != two->status ||
        strcmp(one->err.message, two->err.message) != 0)
        abort();
    if (one->status != SILK_OK)
        return;
    size_t n = silk_batch_indicator_count(one->batch);
    if (one->rows != two->rows || n != silk_batch_indicator_count(two->batch))
        abort();
    const silk_provenance *p1 = silk_batch_provenance(one->batch, 0);
    const silk_provenance *p2 = silk_batch_provenance(two->batch, 0);
    if ((p1 == NULL) != (p2 == NULL) ||
        (p1 != NULL && strcmp(p1->sha256, p2->sha256) != 0))
        abort();
    for (size_t i = 0; i < n; i++) {
        silk_cube *a = NULL, *b = NULL;
        silk_error err = {0};
        int sa = silk_batch_cube(one->batch, i, &a, &err);
        int sb = silk_batch_cube(two->batch, i, &b, &err);
        if (sa != sb || (sa == SILK_OK && !same_cells(a, b)))
            abort();
        silk_cube_free(a);
        silk_cube_free(b);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static char path[64];
    if (path[0] == '\0')
        snprintf(path, sizeof path, "/tmp/silk-fuzz-%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    outcome one, two;
    ingest(path, "off", &one);
    ingest(path, "always", &two);
    expect_same(&one, &two);
    silk_batch_free(one.batch);
    silk_batch_free(two.batch);
    return 0;
}
