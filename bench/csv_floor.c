/*
 * csv_floor.c: libcsv alone on a file, the floor under any ingest that
 * uses it.  Reads the file in 1 MiB blocks and hands them to csv_parse
 * with callbacks that only count fields and records: no copies, no
 * validation, no cube, no store.
 *
 *     csv_floor [--plain] FILE
 *
 * By default the parser is set up as silkstat's reader sets it up
 * (CSV_STRICT | CSV_STRICT_FINI, a space function that keeps spaces), so
 * the figure is what silkstat cannot go below on one core; --plain uses
 * libcsv's defaults (options 0, its built-in space test), which is what
 * "libcsv parsing without doing anything" usually means.  Prints
 * "records N fields M bytes B seconds S" (wall time of the parse loop,
 * file reads included).
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK (1 << 20)

typedef struct counts {
    uint64_t fields, records;
} counts;

static void on_field(void *text, size_t len, void *data)
{
    (void)text;
    (void)len;
    ((counts *)data)->fields++;
}

static void on_record(int terminator, void *data)
{
    (void)terminator;
    ((counts *)data)->records++;
}

static int keep_spaces(unsigned char c)
{
    (void)c;
    return 0;
}

int main(int argc, char **argv)
{
    int plain = argc > 1 && strcmp(argv[1], "--plain") == 0;
    if (argc != 2 + plain) {
        fprintf(stderr, "usage: csv_floor [--plain] FILE\n");
        return 2;
    }
    const char *path = argv[1 + plain];
    FILE *file = fopen(path, "rb");
    unsigned char *block = malloc(BLOCK);
    struct csv_parser parser;
    counts n = {0, 0};
    uint64_t bytes = 0;
    size_t got;
    struct timespec t0, t1;

    if (file == NULL || block == NULL) {
        fprintf(stderr, "csv_floor: cannot read '%s'\n", path);
        return 1;
    }
    if (csv_init(&parser, plain ? 0 : CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fprintf(stderr, "csv_floor: csv_init failed\n");
        return 1;
    }
    if (!plain)
        csv_set_space_func(&parser, keep_spaces);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((got = fread(block, 1, BLOCK, file)) > 0) {
        bytes += got;
        if (csv_parse(&parser, block, got, on_field, on_record, &n) != got) {
            fprintf(stderr, "csv_floor: %s: %s\n", path,
                    csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    if (csv_fini(&parser, on_field, on_record, &n) != 0) {
        fprintf(stderr, "csv_floor: %s: unterminated quote\n", path);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    csv_free(&parser);
    fclose(file);
    free(block);
    printf("records %llu fields %llu bytes %llu seconds %.3f\n",
           (unsigned long long)n.records, (unsigned long long)n.fields,
           (unsigned long long)bytes,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
