/*
 * names.c: the country-name table used for chart labels (datasets/
 * countries.csv: iso3,...,name,...).  Read through the shared CSV reader,
 * so it gets the same line numbers and checks as data files; small
 * enough to keep whole in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/reader.h"

typedef struct entry {
    char code[SILK_CODE_LEN + 1];
    char *name;
} entry;

struct silk_names {
    entry *entries;
    size_t n, cap;
};

typedef struct loader {
    silk_names *names;
    const char *path;
    bool have_header;
    size_t code_col, name_col;
} loader;

#define MAX_FIELDS 64

static int on_row(silk_csv_reader *reader, void *ctx, const silk_csv_row *row,
                  silk_error *err)
{
    (void)reader;
    loader *l = ctx;
    if (!l->have_header) {
        l->code_col = l->name_col = MAX_FIELDS;
        for (size_t i = 0; i < row->n_stored; i++) {
            const silk_csv_field *f = &row->field[i];
            if (f->len == 4 && memcmp(f->text, "iso3", 4) == 0)
                l->code_col = i;
            else if (f->len == 4 && memcmp(f->text, "name", 4) == 0)
                l->name_col = i;
        }
        if (l->code_col == MAX_FIELDS || l->name_col == MAX_FIELDS)
            return silk_ingest_error_at(err, SILK_EPARSE, l->path, row->line,
                                        1, "the header must name the columns "
                                           "'iso3' and 'name'");
        l->have_header = true;
        return SILK_OK;
    }
    if (l->code_col >= row->n_stored || l->name_col >= row->n_stored)
        return silk_ingest_error_at(err, SILK_EPARSE, l->path, row->line,
                                    row->n_fields + 1,
                                    "line has %zu fields; expected the "
                                    "'iso3' and 'name' columns",
                                    row->n_fields);
    const silk_csv_field *code = &row->field[l->code_col];
    const silk_csv_field *name = &row->field[l->name_col];
    if (!silk_code_valid(code->text, code->len)) {
        char shown[64];
        return silk_ingest_error_at(
            err, SILK_EPARSE, l->path, row->line, l->code_col + 1,
            "'%s' in column 'iso3' is not a country code; expected three "
            "capital letters such as AFG",
            silk_ingest_show(code->text, code->len, shown, sizeof shown));
    }
    silk_names *names = l->names;
    if (names->n == names->cap) {
        size_t cap = names->cap ? names->cap * 2 : 256;
        entry *grown = realloc(names->entries, cap * sizeof *grown);
        if (grown == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        names->entries = grown;
        names->cap = cap;
    }
    entry *e = &names->entries[names->n];
    memcpy(e->code, code->text, SILK_CODE_LEN);
    e->code[SILK_CODE_LEN] = '\0';
    e->name = strndup(name->text, name->len);
    if (e->name == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    names->n++;
    return SILK_OK;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->code, ((const entry *)b)->code);
}

int silk_names_load(const char *path, silk_names **out, silk_error *err)
{
    *out = NULL;
    silk_names *names = calloc(1, sizeof *names);
    if (names == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    loader l = {.names = names, .path = path};
    char sha256[65];
    uint64_t bytes;
    int rc = silk_csv_read(path, MAX_FIELDS, on_row, &l, sha256, &bytes, err);
    if (rc == SILK_OK && !l.have_header)
        rc = silk_ingest_error_at(err, SILK_EPARSE, path, 1, 1,
                                  "empty file; expected a header naming "
                                  "'iso3' and 'name'");
    if (rc != SILK_OK) {
        silk_names_free(names);
        return rc;
    }
    qsort(names->entries, names->n, sizeof *names->entries, compare_entries);
    *out = names;
    return SILK_OK;
}

const char *silk_names_lookup(const silk_names *names, const char *code)
{
    if (names == NULL || strlen(code) != SILK_CODE_LEN)
        return NULL;
    entry key;
    memcpy(key.code, code, SILK_CODE_LEN + 1);
    const entry *hit = bsearch(&key, names->entries, names->n,
                               sizeof *names->entries, compare_entries);
    return hit ? hit->name : NULL;
}

void silk_names_free(silk_names *names)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < names->n; i++)
        free(names->entries[i].name);
    free(names->entries);
    free(names);
}
