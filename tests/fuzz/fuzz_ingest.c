/*
 * fuzz_ingest.c: libFuzzer harness for the CSV readers.  Each input is
 * written to a file (ingest reads paths, as the CLI does) and ingested
 * through silk_ingest_file, so format detection picks whichever reader
 * the header suggests (tidy, UNHCR, World Bank, DESA, Eurostat), with the
 * bundled country table ($SILK_FUZZ_COUNTRIES); any crash, leak or
 * sanitizer report is a finding.
 * Every error must carry the file's path first, as the CLI promises.
 * Built and run by `make fuzz` (clang); not part of `make test`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

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

    silk_batch *batch = NULL;
    silk_error err = {0};
    uint64_t rows = 0;
    if (silk_batch_alloc(&batch, &err) != SILK_OK)
        abort();
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
    silk_ingest_options opt = {.countries = countries, .indicator = "fuzz"};
    int status = silk_ingest_file(path, &opt, 0, batch, &rows, NULL, &err);
    if (status != SILK_OK && strncmp(err.message, path, strlen(path)) != 0)
        abort(); /* a message that does not say where */
    if (status == SILK_OK) {
        for (size_t i = 0; i < silk_batch_indicator_count(batch); i++) {
            silk_cube *cube = NULL;
            if (silk_batch_cube(batch, i, &cube, &err) == SILK_OK)
                silk_cube_free(cube);
        }
    }
    silk_batch_free(batch);
    return 0;
}
