/*
 * table.c: result tables (silk_table) in memory: named columns of numbers
 * or text, plus what made them.  The store writes and reads them
 * (src/store/table_h5.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silkstat.h"

static char *dupstr(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s ? s : "", n);
    return copy;
}

static bool column_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    /* the store keeps its own dimension under this name */
    return strcmp(name, "row") != 0;
}

static void free_column(silk_table_column *c, size_t n_rows)
{
    free(c->name);
    free(c->number);
    if (c->string != NULL)
        for (size_t r = 0; r < n_rows; r++)
            free(c->string[r]);
    free(c->string);
}

void silk_table_free(silk_table *table)
{
    if (table == NULL)
        return;
    for (size_t k = 0; k < table->n_columns; k++)
        free_column(&table->columns[k], table->n_rows);
    free(table->columns);
    free(table->name);
    free(table->kind);
    free(table->parameters);
    free(table->inputs);
    free(table->created);
    free(table);
}

int silk_table_alloc(const char *name, const char *kind, size_t n_rows,
                     silk_table **out, silk_error *err)
{
    *out = NULL;
    if (!silk_indicator_name_valid(name, strlen(name)))
        return silk_error_set(err, SILK_EINVAL,
                              "'%s' is not a result name; expected 1-64 "
                              "letters, digits, '_', '.' or '-', not "
                              "starting with '.' or '-'", name);
    silk_table *t = calloc(1, sizeof *t);
    if (t == NULL || (t->name = dupstr(name)) == NULL ||
        (t->kind = dupstr(kind)) == NULL ||
        (t->parameters = dupstr("")) == NULL ||
        (t->inputs = dupstr("")) == NULL || (t->created = dupstr("")) == NULL) {
        silk_table_free(t);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    t->n_rows = n_rows;
    *out = t;
    return SILK_OK;
}

int silk_table_add_column(silk_table *table, const char *name, bool text,
                          silk_table_column **out, silk_error *err)
{
    if (!column_name_valid(name))
        return silk_error_set(err, SILK_EINVAL,
                              "'%s' is not a column name; expected "
                              "lower-case letters, digits and '_'", name);
    for (size_t k = 0; k < table->n_columns; k++)
        if (strcmp(table->columns[k].name, name) == 0)
            return silk_error_set(err, SILK_EINVAL,
                                  "table '%s' has a column '%s' already",
                                  table->name, name);
    size_t cap = table->n_columns; /* grown one at a time: few columns */
    silk_table_column *grown =
        realloc(table->columns, (cap + 1) * sizeof *grown);
    if (grown == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    table->columns = grown;
    silk_table_column c = {0};
    size_t n = table->n_rows ? table->n_rows : 1;
    c.name = dupstr(name);
    c.text = text;
    if (text)
        c.string = calloc(n, sizeof *c.string);
    else
        c.number = malloc(n * sizeof *c.number);
    bool ok = c.name != NULL && (text ? c.string != NULL : c.number != NULL);
    for (size_t r = 0; ok && r < table->n_rows; r++) {
        if (text)
            ok = (c.string[r] = dupstr("")) != NULL;
        else
            c.number[r] = NAN;
    }
    if (!ok) {
        free_column(&c, table->n_rows);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    table->columns[table->n_columns] = c;
    if (out != NULL)
        *out = &table->columns[table->n_columns];
    table->n_columns++;
    return SILK_OK;
}

int silk_table_set_text(silk_table_column *column, size_t row,
                        const char *text, silk_error *err)
{
    char *copy = dupstr(text);
    if (copy == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    free(column->string[row]);
    column->string[row] = copy;
    return SILK_OK;
}

int silk_table_set_info(silk_table *table, const char *parameters,
                        const char *inputs, silk_error *err)
{
    char *p = dupstr(parameters), *i = dupstr(inputs);
    if (p == NULL || i == NULL) {
        free(p);
        free(i);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    free(table->parameters);
    free(table->inputs);
    table->parameters = p;
    table->inputs = i;
    return SILK_OK;
}
