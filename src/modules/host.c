/*
 * host.c: runs an indicator module over the store.  Everything a module
 * does not do is here, once for every module: reading and rebinding its
 * inputs, the user's selection (countries, groups, periods, categories),
 * the shared axes of module.h, the parameters checked and converted, the
 * output arrays, the call, and the write-back with a derivation record
 * (silk_module_commit).  A module sees only plain arrays.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "silkstat.h"

#define MESSAGE_SIZE 512

/* A country list resolved to codes ("" is the country-level entry). */
typedef struct code_set {
    bool all;
    char **code; /* sorted, distinct */
    size_t n;
    char **named; /* codes given one by one (not through a group): each
                     must be on an axis */
    size_t n_named;
} code_set;

/* One input of the call, before and after alignment. */
typedef struct input_slot {
    const char *indicator; /* bound indicator (borrowed), NULL if unbound */
    silk_cube *cube;       /* NULL: a missing optional input */
    double *value;         /* aligned, the call's shape */
    uint32_t *flags;
} input_slot;

/* Everything one run holds, released in one place. */
typedef struct run_state {
    const silk_module *module;
    const silk_module_request *req;
    code_set origin, destination;
    input_slot *slot;         /* n_inputs */
    silk_module_array *array; /* n_inputs */
    silk_module_value *value; /* n_params */
    bool *defaulted;          /* n_params */
    silk_module_results *res;
} run_state;

static char *dupstr(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_texts(char **texts, size_t n)
{
    if (texts == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
}

/* Sorts and removes repeats (freeing them); returns the new count. */
static size_t sort_unique(char **texts, size_t n)
{
    if (n == 0)
        return 0;
    qsort(texts, n, sizeof *texts, compare_text);
    size_t u = 1;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(texts[u - 1], texts[i]) == 0)
            free(texts[i]);
        else
            texts[u++] = texts[i];
    }
    return u;
}

static long find_text(char *const *texts, size_t n, const char *text)
{
    if (n == 0)
        return -1; /* texts may then be NULL, which bsearch must not get */
    char *const *hit = bsearch(&text, texts, n, sizeof *texts, compare_text);
    return hit != NULL ? (long)(hit - texts) : -1;
}

static bool set_has(const code_set *set, const char *code)
{
    return set->all || find_text(set->code, set->n, code) >= 0;
}

/* ------------------------------------------------------------------ */
/* Selection: country lists to codes                                   */
/* ------------------------------------------------------------------ */

static void code_set_release(code_set *set)
{
    free_texts(set->code, set->n);
    free_texts(set->named, set->n_named);
    *set = (code_set){0};
}

static int push(char ***texts, size_t *n, size_t *cap, const char *text)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 16;
        char **grown = realloc(*texts, grown_cap * sizeof *grown);
        if (grown == NULL)
            return SILK_ENOMEM;
        *texts = grown;
        *cap = grown_cap;
    }
    if (((*texts)[*n] = strdup(text)) == NULL)
        return SILK_ENOMEM;
    (*n)++;
    return SILK_OK;
}

/* The rules of the CLI's country lists (cli_pick_labels): codes, '-',
 * '*', group names, then country names as the agencies spell them. */
static int resolve_list(const char *list, const char *axis,
                        const silk_countries *countries, code_set *out,
                        silk_error *err)
{
    size_t cap = 0, cap_named = 0;
    *out = (code_set){0};
    if (list == NULL || strcmp(list, "*") == 0 || list[0] == '\0') {
        out->all = true;
        return SILK_OK;
    }
    int status = SILK_OK;
    for (const char *p = list; *p && status == SILK_OK;) {
        size_t len = strcspn(p, ",");
        char token[128];
        snprintf(token, sizeof token, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        const char *code = NULL;
        const char *const *members;
        size_t n_members;
        silk_error ignored = {0};
        if (strcmp(token, "*") == 0) {
            out->all = true;
            continue;
        }
        if (strcmp(token, "-") == 0 || silk_code_valid(token, len)) {
            code = token[0] == '-' ? "" : token;
        } else if (countries != NULL &&
                   silk_countries_group(countries, token, &members,
                                        &n_members, &ignored) == SILK_OK) {
            for (size_t k = 0; k < n_members && status == SILK_OK; k++)
                status = push(&out->code, &out->n, &cap, members[k]);
            continue;
        } else if (countries == NULL) {
            status = silk_error_set(err, SILK_EINVAL,
                                    "%s '%s' is not a country code; expected "
                                    "ISO 3166 alpha-3 codes such as AFG,IRN, "
                                    "'-' for none, or '*' for all",
                                    axis, token);
            break;
        } else if (silk_countries_resolve(countries, token, strlen(token),
                                          &code, err) != SILK_OK) {
            char why[SILK_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", err->message);
            status = silk_error_set(err, SILK_EINVAL,
                                    "%s: %s (and no group of that name)",
                                    axis, why);
            break;
        }
        status = push(&out->code, &out->n, &cap, code);
        if (status == SILK_OK)
            status = push(&out->named, &out->n_named, &cap_named, code);
    }
    if (status == SILK_ENOMEM)
        silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status != SILK_OK) {
        code_set_release(out);
        return status;
    }
    out->n = sort_unique(out->code, out->n);
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                          */
/* ------------------------------------------------------------------ */

static bool choice_index(const char *choices, const char *text, long *index)
{
    size_t len = strlen(text);
    long i = 0;
    for (const char *p = choices; *p; i++) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, text, len) == 0) {
            *index = i;
            return true;
        }
        p += n + (p[n] == '|');
    }
    return false;
}

/* Converts one text to the parameter's type (the period index is set
 * later, once the axis is known). */
static int convert(const silk_module_param *param, const char *text,
                   silk_module_value *out, silk_error *err)
{
    char *end = NULL;
    silk_period period;
    *out = (silk_module_value){.text = text, .number = NAN, .period = -1};
    switch (param->type) {
    case SILK_PARAM_NUMBER:
        errno = 0;
        out->number = strtod(text, &end);
        if (end == text || *end != '\0' || errno != 0 ||
            !isfinite(out->number))
            return silk_error_set(err, SILK_EINVAL,
                                  "parameter '%s': '%s' is not a number; "
                                  "expected a finite decimal number such as "
                                  "2.5", param->name, text);
        return SILK_OK;
    case SILK_PARAM_INTEGER:
        errno = 0;
        out->integer = strtol(text, &end, 10);
        if (end == text || *end != '\0' || errno != 0)
            return silk_error_set(err, SILK_EINVAL,
                                  "parameter '%s': '%s' is not a whole "
                                  "number; expected an integer such as 3",
                                  param->name, text);
        out->number = (double)out->integer;
        return SILK_OK;
    case SILK_PARAM_TEXT:
        return SILK_OK;
    case SILK_PARAM_PERIOD:
        if (silk_period_parse(text, strlen(text), &period) != SILK_OK)
            return silk_error_set(err, SILK_EINVAL,
                                  "parameter '%s': '%s' is not a period; "
                                  "expected YYYY, YYYY-Qn or YYYY-MM",
                                  param->name, text);
        return SILK_OK;
    case SILK_PARAM_CHOICE:
        if (!choice_index(param->choices, text, &out->integer))
            return silk_error_set(err, SILK_EINVAL,
                                  "parameter '%s': '%s' is not one of %s",
                                  param->name, text, param->choices);
        return SILK_OK;
    }
    return silk_error_set(err, SILK_EINVAL, "parameter '%s' has an unknown "
                          "type", param->name);
}

/* Writes the n names as "a, b, c" into buf (truncated to fit). */
static void list_names(char *buf, size_t size, const char *const *names,
                       size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static int check_params(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_request *req = st->req;
    char known[512];
    const char *names[64];
    size_t n_names = 0;
    for (size_t k = 0; k < m->n_params && n_names < 64; k++)
        names[n_names++] = m->params[k].name;
    list_names(known, sizeof known, names, n_names);

    for (size_t i = 0; i < req->n_params; i++) {
        const char *name = req->params[i].name;
        bool found = false;
        for (size_t k = 0; k < m->n_params && !found; k++)
            found = strcmp(m->params[k].name, name) == 0;
        if (!found)
            return silk_error_set(err, SILK_EINVAL,
                                  "module '%s' has no parameter '%s'; %s%s",
                                  m->name, name,
                                  m->n_params ? "its parameters: "
                                              : "it takes none",
                                  m->n_params ? known : "");
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->params[j].name, name) == 0)
                return silk_error_set(err, SILK_EINVAL,
                                      "parameter '%s' is given twice", name);
    }
    for (size_t k = 0; k < m->n_params; k++) {
        const silk_module_param *param = &m->params[k];
        const char *text = param->default_text;
        st->defaulted[k] = true;
        for (size_t i = 0; i < req->n_params; i++)
            if (strcmp(req->params[i].name, param->name) == 0) {
                text = req->params[i].value ? req->params[i].value : "";
                st->defaulted[k] = false;
            }
        if (text == NULL)
            return silk_error_set(err, SILK_EINVAL,
                                  "module '%s': parameter '%s' is required; "
                                  "give it a value (--param %s=%s)", m->name,
                                  param->name, param->name,
                                  silk_module_param_type_name(param->type));
        int status = convert(param, text, &st->value[k], err);
        if (status != SILK_OK)
            return status;
    }
    return SILK_OK;
}

/* A period parameter's position on the axis: a period given by the user
 * must be on it; a default that is not gets -1 (module.h). */
static int locate_periods(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_results *res = st->res;
    for (size_t k = 0; k < m->n_params; k++) {
        if (m->params[k].type != SILK_PARAM_PERIOD)
            continue;
        silk_period p;
        silk_period_parse(st->value[k].text, strlen(st->value[k].text), &p);
        st->value[k].period = -1;
        for (size_t i = 0; i < res->axes.n_period; i++)
            if (p.freq == res->freq &&
                silk_period_ordinal(p) == res->ordinal[i])
                st->value[k].period = (long)i;
        if (st->value[k].period < 0 && !st->defaulted[k])
            return silk_error_set(
                err, SILK_EINVAL,
                "parameter '%s': period %s is not on the period axis; "
                "expected one of %s to %s (%s)", m->params[k].name,
                st->value[k].text, res->period_label[0],
                res->period_label[res->axes.n_period - 1],
                res->freq == SILK_FREQ_MONTHLY     ? "monthly"
                : res->freq == SILK_FREQ_QUARTERLY ? "quarterly"
                                                   : "annual");
    }
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

static int bind_inputs(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_request *req = st->req;
    for (size_t i = 0; i < req->n_inputs; i++) {
        const char *role = req->inputs[i].name;
        const char *indicator = req->inputs[i].value;
        size_t k = 0;
        while (k < m->n_inputs && strcmp(m->inputs[k].role, role) != 0)
            k++;
        if (k == m->n_inputs) {
            char known[512];
            const char *names[64];
            size_t n = 0;
            for (size_t j = 0; j < m->n_inputs && n < 64; j++)
                names[n++] = m->inputs[j].role;
            list_names(known, sizeof known, names, n);
            return silk_error_set(err, SILK_EINVAL,
                                  "module '%s' has no input '%s'; its "
                                  "inputs: %s", m->name, role, known);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->inputs[j].name, role) == 0)
                return silk_error_set(err, SILK_EINVAL,
                                      "input '%s' is bound twice", role);
        if (indicator == NULL ||
            !silk_indicator_name_valid(indicator, strlen(indicator)))
            return silk_error_set(err, SILK_EINVAL,
                                  "input '%s': '%s' is not an indicator name",
                                  role, indicator ? indicator : "");
        st->slot[k].indicator = indicator;
    }
    for (size_t k = 0; k < m->n_inputs; k++) {
        if (st->slot[k].indicator == NULL)
            st->slot[k].indicator = m->inputs[k].indicator;
        if (st->slot[k].indicator == NULL && !m->inputs[k].optional)
            return silk_error_set(err, SILK_EINVAL,
                                  "module '%s': input '%s' has no default "
                                  "indicator; bind one (--input %s="
                                  "INDICATOR)", m->name, m->inputs[k].role,
                                  m->inputs[k].role);
    }
    return SILK_OK;
}

static int read_inputs(run_state *st, silk_store *store, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_request *req = st->req;
    size_t present = 0, categorical = 0;
    for (size_t k = 0; k < m->n_inputs; k++) {
        input_slot *slot = &st->slot[k];
        if (slot->indicator == NULL)
            continue;
        int status = silk_store_read(store, slot->indicator, &slot->cube,
                                     err);
        if (status == SILK_ENOTFOUND && m->inputs[k].optional) {
            silk_error_clear(err);
            continue;
        }
        if (status != SILK_OK)
            return silk_error_prefix(err, "module '%s': input '%s': ",
                                     m->name, m->inputs[k].role);
        present++;
        /* --where sums the selected categories, as `series --where`; an
         * input split by other columns is an error naming them. */
        if (req->n_where > 0 && slot->cube->detail != NULL) {
            silk_cube *selected = NULL;
            status = silk_cube_select(slot->cube, req->where, req->n_where,
                                      &selected, err);
            if (status != SILK_OK)
                return silk_error_prefix(err, "module '%s': input '%s': ",
                                         m->name, m->inputs[k].role);
            silk_cube_free(slot->cube);
            slot->cube = selected;
            categorical++;
        }
    }
    if (present == 0)
        return silk_error_set(err, SILK_ENOTFOUND,
                              "module '%s': none of its inputs is in the "
                              "store", m->name);
    if (req->n_where > 0 && categorical == 0)
        return silk_error_set(err, SILK_EINVAL,
                              "--where '%s': no input of module '%s' is "
                              "split by categorical columns",
                              req->where[0].column, m->name);
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* Axes                                                                */
/* ------------------------------------------------------------------ */

static const char *freq_name(silk_freq freq)
{
    return freq == SILK_FREQ_MONTHLY     ? "monthly"
           : freq == SILK_FREQ_QUARTERLY ? "quarterly"
                                         : "annual";
}

static bool has_country_level(const silk_cube *cube)
{
    return cube->n_destination > 0 && cube->destination[0][0] == '\0';
}

/* Whether origin o of an input belongs on the origin axis: selected, or
 * (COUNTRY modules) a country on the destination axis whose own
 * country-level values (population, GDP) the module needs to put its
 * destination figures in proportion. */
static bool origin_wanted(const run_state *st, const silk_cube *cube,
                          const char *o, char *const *destination,
                          size_t n_destination)
{
    if (set_has(&st->origin, o))
        return true;
    return st->module->kind == SILK_MODULE_COUNTRY && o[0] != '\0' &&
           has_country_level(cube) &&
           find_text(destination, n_destination, o) >= 0;
}

static bool destination_wanted(const run_state *st, const char *d)
{
    /* after --total every bilateral input is its sum in "" */
    if (st->req->total)
        return d[0] == '\0';
    if (d[0] == '\0')
        return st->module->kind == SILK_MODULE_COUNTRY ||
               st->destination.all ||
               find_text(st->destination.code, st->destination.n, "") >= 0;
    return set_has(&st->destination, d);
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* "indicator 'x' has no origin 'IRQ'" as the CLI says it, or with
 * several inputs "no input (a, b) has ...". */
static int absent(const run_state *st, const char *axis, const char *code,
                  silk_error *err)
{
    const char *names[64];
    size_t n = 0;
    for (size_t k = 0; k < st->module->n_inputs && n < 64; k++)
        if (st->slot[k].cube != NULL)
            names[n++] = st->slot[k].indicator;
    const char *label = code[0] ? code : "-";
    if (n == 1)
        return silk_error_set(err, SILK_ENOTFOUND,
                              "indicator '%s' has no %s '%s'", names[0], axis,
                              label);
    char list[512];
    list_names(list, sizeof list, names, n);
    return silk_error_set(err, SILK_ENOTFOUND, "no input (%s) has %s '%s'",
                          list, axis, label);
}

/* --total: each input with bilateral cells becomes one country-level
 * column "" holding, per origin and period, the sum over the selected
 * destinations ("" itself excluded); a period with no value among them
 * stays missing, and the flags of the values summed are kept. */
static int total_inputs(run_state *st, silk_error *err)
{
    for (size_t k = 0; k < st->module->n_inputs; k++) {
        silk_cube *cube = st->slot[k].cube, *sum = NULL;
        if (cube == NULL || (cube->n_destination == 1 &&
                             cube->destination[0][0] == '\0'))
            continue;
        const char *level[1] = {""};
        int status = silk_cube_alloc(
            cube->indicator, cube->freq, (const char *const *)cube->origin,
            cube->n_origin, level, 1, cube->period, cube->n_period, false,
            &sum, err);
        if (status == SILK_OK)
            status = silk_cube_set_unit(sum, cube->unit, err);
        if (status == SILK_OK)
            status = silk_cube_set_source(sum, cube->source, err);
        if (status != SILK_OK) {
            silk_cube_free(sum);
            return status;
        }
        for (size_t o = 0; o < cube->n_origin; o++)
            for (size_t d = 0; d < cube->n_destination; d++) {
                const char *code = cube->destination[d];
                if (code[0] == '\0' || !(st->destination.all ||
                                          set_has(&st->destination, code)))
                    continue;
                for (size_t p = 0; p < cube->n_period; p++) {
                    size_t from = silk_cube_index(cube, o, d, p);
                    size_t to = silk_cube_index(sum, o, 0, p);
                    if (isnan(cube->value[from]))
                        continue;
                    sum->value[to] = isnan(sum->value[to])
                                         ? cube->value[from]
                                         : sum->value[to] + cube->value[from];
                    sum->flags[to] |= cube->flags[from];
                }
            }
        sum->derivation = cube->derivation;
        cube->derivation = NULL;
        silk_cube_free(cube);
        st->slot[k].cube = sum;
    }
    return SILK_OK;
}

static int build_axes(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_request *req = st->req;
    silk_module_results *res = st->res;
    char **origin = NULL, **destination = NULL;
    size_t n_o = 0, n_d = 0, cap_o = 0, cap_d = 0, n_p = 0, cap_p = 0;
    long *ordinal = NULL;
    const char *first = NULL;
    int status = SILK_OK;

    /* One frequency: a module's arithmetic lines periods up one to one. */
    res->freq = SILK_FREQ_NONE;
    for (size_t k = 0; k < m->n_inputs; k++) {
        const silk_cube *cube = st->slot[k].cube;
        if (cube == NULL)
            continue;
        if (res->freq == SILK_FREQ_NONE) {
            res->freq = cube->freq;
            first = cube->indicator;
        } else if (cube->freq != res->freq) {
            return silk_error_set(err, SILK_ECONFLICT,
                                  "module '%s': input '%s' is %s but '%s' is "
                                  "%s; bind inputs of one frequency",
                                  m->name, cube->indicator,
                                  freq_name(cube->freq), first,
                                  freq_name(res->freq));
        }
    }
    for (int end = 0; end < 2; end++) {
        bool has = end ? req->has_to : req->has_from;
        silk_period p = end ? req->to : req->from;
        if (!has || p.freq == res->freq)
            continue;
        char label[SILK_PERIOD_LABEL_MAX];
        silk_period_format(p, label);
        return silk_error_set(err, SILK_EINVAL,
                              "%s %s is a %s period; the inputs are %s",
                              end ? "to" : "from", label, freq_name(p.freq),
                              freq_name(res->freq));
    }
    long from = req->has_from ? silk_period_ordinal(req->from) : 0;
    long to = req->has_to ? silk_period_ordinal(req->to) : 0;

    for (size_t k = 0; k < m->n_inputs && status == SILK_OK; k++) {
        const silk_cube *cube = st->slot[k].cube;
        if (cube == NULL)
            continue;
        for (size_t i = 0; i < cube->n_destination && status == SILK_OK; i++)
            if (destination_wanted(st, cube->destination[i]))
                status = push(&destination, &n_d, &cap_d,
                              cube->destination[i]);
        for (size_t i = 0; i < cube->n_period && status == SILK_OK; i++) {
            long t = silk_period_ordinal(cube->period[i]);
            if ((req->has_from && t < from) || (req->has_to && t > to))
                continue;
            if (n_p == cap_p) {
                size_t grown_cap = cap_p ? 2 * cap_p : 64;
                long *grown = realloc(ordinal, grown_cap * sizeof *grown);
                if (grown == NULL) {
                    status = SILK_ENOMEM;
                    break;
                }
                ordinal = grown;
                cap_p = grown_cap;
            }
            ordinal[n_p++] = t;
        }
    }
    /* Origins once the destinations are known (origin_wanted). */
    n_d = sort_unique(destination, n_d);
    for (size_t k = 0; k < m->n_inputs && status == SILK_OK; k++) {
        const silk_cube *cube = st->slot[k].cube;
        for (size_t i = 0; cube != NULL && i < cube->n_origin &&
                           status == SILK_OK; i++)
            if (origin_wanted(st, cube, cube->origin[i], destination, n_d))
                status = push(&origin, &n_o, &cap_o, cube->origin[i]);
    }
    if (status != SILK_OK) {
        free_texts(origin, n_o);
        free_texts(destination, n_d);
        free(ordinal);
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    res->origin = origin;
    res->destination = destination;
    res->axes.n_origin = n_o = sort_unique(origin, n_o);
    res->axes.n_destination = n_d;
    if (n_p > 0)
        qsort(ordinal, n_p, sizeof *ordinal, compare_long);
    size_t u = 0;
    for (size_t i = 0; i < n_p; i++)
        if (u == 0 || ordinal[u - 1] != ordinal[i])
            ordinal[u++] = ordinal[i];
    res->ordinal = ordinal;
    res->axes.n_period = n_p = u;

    /* A code named one by one must be there, as in `series`. */
    for (size_t i = 0; i < st->origin.n_named; i++)
        if (find_text(origin, n_o, st->origin.named[i]) < 0)
            return absent(st, "origin", st->origin.named[i], err);
    for (size_t i = 0; i < st->destination.n_named; i++)
        if (find_text(destination, n_d, st->destination.named[i]) < 0)
            return absent(st, "destination", st->destination.named[i], err);
    const char *empty = n_p == 0 ? "period" : n_o == 0 ? "origin"
                        : n_d == 0 ? "destination" : NULL;
    if (empty != NULL)
        return silk_error_set(err, SILK_ETOOFEW,
                              "module '%s': the selection leaves no %s of "
                              "its inputs; nothing to compute", m->name,
                              empty);

    res->period = calloc(n_p, sizeof *res->period);
    res->period_label = calloc(n_p, sizeof *res->period_label);
    if (res->period == NULL || res->period_label == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_p; i++) {
        char label[SILK_PERIOD_LABEL_MAX];
        res->period[i] = silk_period_from_ordinal(res->freq, ordinal[i]);
        silk_period_format(res->period[i], label);
        if ((res->period_label[i] = strdup(label)) == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    res->axes.origin = (const char *const *)res->origin;
    res->axes.destination = (const char *const *)res->destination;
    res->axes.period = (const char *const *)res->period_label;
    res->axes.ordinal = res->ordinal;
    res->axes.periods_per_year = (int)res->freq;
    res->axes.country_level = find_text(destination, n_d, "");

    if (m->kind != SILK_MODULE_COUNTRY)
        return SILK_OK;
    /* The countries: every code of both axes but "", sorted. */
    char **country = calloc(n_o + n_d + 1, sizeof *country);
    size_t n_c = 0;
    if (country == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    res->country = country;
    for (size_t i = 0; i < n_o + n_d; i++) {
        const char *code = i < n_o ? origin[i] : destination[i - n_o];
        if (code[0] == '\0')
            continue;
        if ((country[n_c] = strdup(code)) == NULL) {
            res->axes.n_country = n_c;
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
        n_c++;
    }
    res->axes.n_country = n_c = sort_unique(country, n_c);
    if (n_c == 0)
        return silk_error_set(err, SILK_ETOOFEW,
                              "module '%s': the selection leaves no "
                              "country; nothing to compute", m->name);
    res->country_origin = malloc(n_c * sizeof *res->country_origin);
    res->country_destination = malloc(n_c * sizeof *res->country_destination);
    if (res->country_origin == NULL || res->country_destination == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t c = 0; c < n_c; c++) {
        res->country_origin[c] = find_text(origin, n_o, country[c]);
        res->country_destination[c] = find_text(destination, n_d, country[c]);
    }
    res->axes.country = (const char *const *)res->country;
    res->axes.country_origin = res->country_origin;
    res->axes.country_destination = res->country_destination;
    return SILK_OK;
}

/* Positions of labels on an axis (-1: not on it). */
static long *map_labels(char *const *labels, size_t n, char *const *axis,
                        size_t n_axis)
{
    long *map = malloc((n ? n : 1) * sizeof *map);
    if (map != NULL)
        for (size_t i = 0; i < n; i++)
            map[i] = find_text(axis, n_axis, labels[i]);
    return map;
}

static int align_inputs(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    silk_module_results *res = st->res;
    const silk_module_axes *ax = &res->axes;
    size_t cells = ax->n_origin * ax->n_destination;
    size_t total = cells * ax->n_period;
    if ((ax->n_destination && cells / ax->n_destination != ax->n_origin) ||
        (ax->n_period && total / ax->n_period != cells))
        return silk_error_set(err, SILK_ENOMEM, "module '%s': the axes are "
                              "too large", m->name);
    for (size_t k = 0; k < m->n_inputs; k++) {
        input_slot *slot = &st->slot[k];
        silk_module_array *array = &st->array[k];
        *array = (silk_module_array){.indicator = slot->indicator
                                                      ? slot->indicator
                                                      : "",
                                     .units = ""};
        const silk_cube *cube = slot->cube;
        if (cube == NULL)
            continue;
        slot->value = malloc(total * sizeof *slot->value);
        slot->flags = calloc(total, sizeof *slot->flags);
        long *mo = map_labels(cube->origin, cube->n_origin, res->origin,
                              ax->n_origin);
        long *md = map_labels(cube->destination, cube->n_destination,
                              res->destination, ax->n_destination);
        long *mp = malloc((cube->n_period ? cube->n_period : 1) * sizeof *mp);
        bool *bilateral = malloc((cube->n_origin ? cube->n_origin : 1) *
                                 sizeof *bilateral);
        if (slot->value == NULL || slot->flags == NULL || mo == NULL ||
            md == NULL || mp == NULL || bilateral == NULL) {
            free(mo);
            free(md);
            free(mp);
            free(bilateral);
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < total; i++)
            slot->value[i] = NAN;
        for (size_t p = 0; p < cube->n_period; p++) {
            long t = silk_period_ordinal(cube->period[p]);
            long *hit = bsearch(&t, res->ordinal, ax->n_period,
                                sizeof *res->ordinal, compare_long);
            mp[p] = hit ? hit - res->ordinal : -1;
        }
        /* An origin added only for its country-level values brings no
         * bilateral cell: those are outside the user's selection. */
        for (size_t o = 0; o < cube->n_origin; o++)
            bilateral[o] = set_has(&st->origin, cube->origin[o]);
        for (size_t o = 0; o < cube->n_origin; o++) {
            if (mo[o] < 0)
                continue;
            for (size_t d = 0; d < cube->n_destination; d++) {
                if (md[d] < 0 ||
                    (cube->destination[d][0] != '\0' && !bilateral[o]))
                    continue;
                size_t to = ((size_t)mo[o] * ax->n_destination +
                             (size_t)md[d]) * ax->n_period;
                size_t from = silk_cube_index(cube, o, d, 0);
                for (size_t p = 0; p < cube->n_period; p++) {
                    if (mp[p] < 0)
                        continue;
                    slot->value[to + (size_t)mp[p]] = cube->value[from + p];
                    slot->flags[to + (size_t)mp[p]] = cube->flags[from + p];
                }
            }
        }
        free(mo);
        free(md);
        free(mp);
        free(bilateral);
        array->units = cube->unit ? cube->unit : "";
        array->present = 1;
        array->value = slot->value;
        array->flags = slot->flags;
    }
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* Calling the module                                                  */
/* ------------------------------------------------------------------ */

static size_t output_cells(const silk_module *m, const silk_module_axes *ax)
{
    switch (m->kind) {
    case SILK_MODULE_COUNTRY:
        return ax->n_country * ax->n_period;
    case SILK_MODULE_CORRIDOR:
        return ax->n_origin * ax->n_destination * ax->n_period;
    case SILK_MODULE_MATRIX:
        return ax->n_period;
    }
    return 0;
}

static int output_names(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    silk_module_results *res = st->res;
    const char *name = st->req->name ? st->req->name : m->name;
    if (!silk_indicator_name_valid(name, strlen(name)))
        return silk_error_set(err, SILK_EINVAL,
                              "'%s' is not a result name; expected 1-64 "
                              "letters, digits, '_', '.' or '-', not "
                              "starting with '.' or '-'", name);
    if ((res->name = strdup(name)) == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    res->n_output = m->n_outputs;
    res->output = calloc(m->n_outputs, sizeof *res->output);
    res->output_name = calloc(m->n_outputs, sizeof *res->output_name);
    res->output_values = calloc(m->n_outputs, sizeof *res->output_values);
    if (res->output == NULL || res->output_name == NULL ||
        res->output_values == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    for (size_t k = 0; k < m->n_outputs; k++) {
        char full[2 * SILK_INDICATOR_MAX + 2];
        const char *out = m->outputs[k].name;
        if (m->kind == SILK_MODULE_MATRIX)
            snprintf(full, sizeof full, "%s", out);
        else if (m->n_outputs == 1)
            snprintf(full, sizeof full, "%s", name);
        else
            snprintf(full, sizeof full, "%s.%s", name, out);
        if (!silk_indicator_name_valid(full, strlen(full)))
            return silk_error_set(err, SILK_EINVAL,
                                  "'%s' is not an indicator name (over 64 "
                                  "bytes?); choose a shorter result name",
                                  full);
        /* Reading an input and replacing it in one run would leave a
         * record that names itself as its own source. */
        for (size_t i = 0; m->kind != SILK_MODULE_MATRIX &&
                           i < m->n_inputs; i++)
            if (st->slot[i].indicator != NULL &&
                strcmp(st->slot[i].indicator, full) == 0)
                return silk_error_set(err, SILK_EINVAL,
                                      "result '%s' would replace the "
                                      "module's own input '%s'; choose "
                                      "another name", full,
                                      m->inputs[i].role);
        if ((res->output_name[k] = strdup(full)) == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    return SILK_OK;
}

static int call_module(run_state *st, silk_error *err)
{
    const silk_module *m = st->module;
    silk_module_results *res = st->res;
    size_t n = output_cells(m, &res->axes);
    for (size_t k = 0; k < m->n_outputs; k++) {
        res->output[k].value = malloc((n ? n : 1) * sizeof(double));
        res->output[k].flags = calloc(n ? n : 1, sizeof(uint32_t));
        if (res->output[k].value == NULL || res->output[k].flags == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            res->output[k].value[i] = NAN;
    }
    char message[MESSAGE_SIZE] = "";
    silk_module_call call = {
        .axes = &res->axes,
        .input = st->array,
        .n_input = m->n_inputs,
        .param = st->value,
        .n_param = m->n_params,
        .output = res->output,
        .n_output = m->n_outputs,
        .message = message,
        .message_size = sizeof message,
    };
    if (m->compute(&call) != 0) {
        message[sizeof message - 1] = '\0';
        size_t len = strcspn(message, "\r\n");
        message[len] = '\0';
        return silk_error_set(err, SILK_ENUMERIC, "module %s: %s", m->name,
                              message[0] ? message
                                         : "failed without saying why");
    }
    /* Only numbers reach the store: a module's inf is a missing value,
     * and a missing value carries no flags. */
    for (size_t k = 0; k < m->n_outputs; k++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            if (isfinite(res->output[k].value[i])) {
                count++;
            } else {
                res->output[k].value[i] = NAN;
                res->output[k].flags[i] = 0;
            }
        }
        res->output_values[k] = count;
    }
    return SILK_OK;
}

/* ------------------------------------------------------------------ */
/* The derivation record                                               */
/* ------------------------------------------------------------------ */

/* True when the comma-separated list holds name as a whole entry. */
static bool list_has(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *hit = strstr(list, name); hit != NULL;
         hit = strstr(hit + 1, name))
        if ((hit == list || hit[-1] == ',') &&
            (hit[len] == '\0' || hit[len] == ','))
            return true;
    return false;
}

static void utc_now(char buf[32])
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

/* One input's sources: its files and their SHA-256 from the store's
 * provenance, or the derivation that made it. */
static void describe_source(FILE *f, const silk_cube *cube,
                            const silk_provenance *prov, size_t n_prov)
{
    fprintf(f, "%s:", cube->indicator);
    const silk_derivation *d = cube->derivation;
    if (d != NULL) {
        fprintf(f, " module %s %s at %s from %s", d->module,
                d->module_version, d->created, d->inputs);
        if (d->input_provenance[0])
            fprintf(f, " [%s]", d->input_provenance);
        return;
    }
    size_t found = 0;
    for (size_t i = 0; i < n_prov; i++)
        if (prov[i].indicators != NULL &&
            list_has(prov[i].indicators, cube->indicator))
            fprintf(f, "%s %s sha256:%s", found++ ? "," : "", prov[i].file,
                    prov[i].sha256);
    if (found == 0)
        fprintf(f, " no provenance record");
}

static int derivation(run_state *st, silk_store *store, silk_error *err)
{
    const silk_module *m = st->module;
    const silk_module_request *req = st->req;
    silk_derivation *d = calloc(1, sizeof *d);
    silk_provenance *prov = NULL;
    size_t n_prov = 0;
    char *text[4] = {NULL, NULL, NULL, NULL};
    size_t len[4] = {0, 0, 0, 0};
    FILE *f[4] = {NULL, NULL, NULL, NULL};
    int status = d == NULL ? silk_error_set(err, SILK_ENOMEM, "out of memory")
                           : silk_store_provenance(store, &prov, &n_prov, err);
    st->res->derivation = d;
    for (int i = 0; i < 4 && status == SILK_OK; i++)
        if ((f[i] = open_memstream(&text[i], &len[i])) == NULL)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status == SILK_OK) {
        for (size_t k = 0; k < m->n_params; k++)
            fprintf(f[0], "%s%s=%s%s", k ? "; " : "", m->params[k].name,
                    st->value[k].text, st->defaulted[k] ? " (default)" : "");
        char from[SILK_PERIOD_LABEL_MAX] = "*", to[SILK_PERIOD_LABEL_MAX] = "*";
        if (req->has_from)
            silk_period_format(req->from, from);
        if (req->has_to)
            silk_period_format(req->to, to);
        fprintf(f[1], "origin=%s; destination=%s; from=%s; to=%s; where=",
                req->origin && req->origin[0] ? req->origin : "*",
                req->destination && req->destination[0] ? req->destination
                                                        : "*",
                from, to);
        for (size_t w = 0; w < req->n_where; w++) {
            fprintf(f[1], "%s%s=", w ? " " : "", req->where[w].column);
            for (size_t v = 0; v < req->where[w].n_values; v++)
                fprintf(f[1], "%s%s", v ? "," : "", req->where[w].values[v]);
        }
        if (req->n_where == 0)
            fputc('*', f[1]);
        if (req->total)
            fputs("; total over the destinations", f[1]);
        size_t listed = 0;
        for (size_t k = 0; k < m->n_inputs; k++) {
            const input_slot *slot = &st->slot[k];
            fprintf(f[2], "%s%s=%s", k ? "; " : "", m->inputs[k].role,
                    slot->cube ? slot->indicator : "(none)");
            if (slot->cube == NULL)
                continue;
            bool seen = false; /* one indicator bound to two roles */
            for (size_t j = 0; j < k && !seen; j++)
                seen = st->slot[j].cube != NULL &&
                       strcmp(st->slot[j].indicator, slot->indicator) == 0;
            if (seen)
                continue;
            if (listed++)
                fputs("; ", f[3]);
            describe_source(f[3], slot->cube, prov, n_prov);
        }
    }
    for (int i = 0; i < 4; i++)
        if (f[i] != NULL && fclose(f[i]) != 0 && status == SILK_OK)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    if (status == SILK_OK) {
        char now[32];
        utc_now(now);
        d->module = dupstr(m->name);
        d->module_version = dupstr(m->version);
        d->parameters = text[0];
        d->selection = text[1];
        d->inputs = text[2];
        d->input_provenance = text[3];
        d->created = dupstr(now);
        d->silkstat_version = dupstr(SILK_VERSION);
        for (int i = 0; i < 4; i++)
            text[i] = NULL;
        if (!d->module || !d->module_version || !d->created ||
            !d->silkstat_version)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    }
    for (int i = 0; i < 4; i++)
        free(text[i]);
    silk_store_provenance_free(prov, n_prov);
    return status;
}

/* ------------------------------------------------------------------ */
/* Run                                                                 */
/* ------------------------------------------------------------------ */

void silk_module_results_free(silk_module_results *res)
{
    if (res == NULL)
        return;
    free(res->name);
    free_texts(res->origin, res->axes.n_origin);
    free_texts(res->destination, res->axes.n_destination);
    free_texts(res->country, res->axes.n_country);
    free_texts(res->period_label, res->axes.n_period);
    free(res->ordinal);
    free(res->country_origin);
    free(res->country_destination);
    free(res->period);
    for (size_t k = 0; res->output != NULL && k < res->n_output; k++) {
        free(res->output[k].value);
        free(res->output[k].flags);
    }
    free(res->output);
    free_texts(res->output_name, res->n_output);
    free(res->output_values);
    silk_derivation_free(res->derivation);
    free(res);
}

static void run_release(run_state *st)
{
    code_set_release(&st->origin);
    code_set_release(&st->destination);
    for (size_t k = 0; st->slot != NULL && k < st->module->n_inputs; k++) {
        silk_cube_free(st->slot[k].cube);
        free(st->slot[k].value);
        free(st->slot[k].flags);
    }
    free(st->slot);
    free(st->array);
    free(st->value);
    free(st->defaulted);
    silk_module_results_free(st->res);
}

int silk_module_run(silk_store *store, const silk_registry *reg,
                    const silk_module_request *req,
                    silk_module_results **out, silk_error *err)
{
    *out = NULL;
    if (store == NULL || reg == NULL || req == NULL || req->module == NULL)
        return silk_error_set(err, SILK_EINVAL, "no store, registry or "
                              "module given");
    run_state st = {.req = req};
    st.module = silk_registry_find(reg, req->module, NULL);
    if (st.module == NULL)
        return silk_error_set(err, SILK_EINVAL,
                              "unknown module '%s'; 'silkstat modules' lists "
                              "them", req->module);
    const silk_module *m = st.module;
    st.slot = calloc(m->n_inputs, sizeof *st.slot);
    st.array = calloc(m->n_inputs, sizeof *st.array);
    st.value = calloc(m->n_params ? m->n_params : 1, sizeof *st.value);
    st.defaulted = calloc(m->n_params ? m->n_params : 1,
                          sizeof *st.defaulted);
    st.res = calloc(1, sizeof *st.res);
    int status = SILK_OK;
    if (st.slot == NULL || st.array == NULL || st.value == NULL ||
        st.defaulted == NULL || st.res == NULL)
        status = silk_error_set(err, SILK_ENOMEM, "out of memory");
    else
        st.res->module = m;
    /* What the request says is checked before the store is read. */
    if (status == SILK_OK)
        status = bind_inputs(&st, err);
    if (status == SILK_OK)
        status = check_params(&st, err);
    if (status == SILK_OK)
        status = output_names(&st, err);
    if (status == SILK_OK)
        status = resolve_list(req->origin, "origin", req->countries,
                              &st.origin, err);
    if (status == SILK_OK)
        status = resolve_list(req->destination, "destination",
                              req->countries, &st.destination, err);
    if (status == SILK_OK)
        status = read_inputs(&st, store, err);
    if (status == SILK_OK && req->total)
        status = total_inputs(&st, err);
    if (status == SILK_OK)
        status = build_axes(&st, err);
    if (status == SILK_OK)
        status = locate_periods(&st, err);
    if (status == SILK_OK)
        status = align_inputs(&st, err);
    if (status == SILK_OK)
        status = call_module(&st, err);
    if (status == SILK_OK)
        status = derivation(&st, store, err);
    if (status == SILK_OK) {
        *out = st.res;
        st.res = NULL;
    }
    run_release(&st);
    return status;
}

/* ------------------------------------------------------------------ */
/* Commit                                                              */
/* ------------------------------------------------------------------ */

static int commit_table(const char *path, const silk_module_results *res,
                        silk_error *err)
{
    const silk_derivation *d = res->derivation;
    silk_table *table = NULL;
    silk_table_column *col = NULL;
    char *params = NULL, *inputs = NULL;
    int status = silk_table_alloc(res->name, "module", res->axes.n_period,
                                  &table, err);
    if (status == SILK_OK)
        status = silk_table_add_column(table, "period", true, &col, err);
    for (size_t p = 0; status == SILK_OK && p < res->axes.n_period; p++)
        status = silk_table_set_text(col, p, res->period_label[p], err);
    for (size_t k = 0; status == SILK_OK && k < res->n_output; k++) {
        status = silk_table_add_column(table, res->output_name[k], false,
                                       &col, err);
        for (size_t p = 0; status == SILK_OK && p < res->axes.n_period; p++)
            col->number[p] = res->output[k].value[p];
    }
    if (status == SILK_OK) {
        size_t n_p = strlen(d->module) + strlen(d->module_version) +
                     strlen(d->parameters) + strlen(d->selection) + 64;
        size_t n_i = strlen(d->inputs) + strlen(d->input_provenance) + 16;
        params = malloc(n_p);
        inputs = malloc(n_i);
        if (params == NULL || inputs == NULL) {
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        } else {
            snprintf(params, n_p, "module %s %s; %s%s%s", d->module,
                     d->module_version, d->parameters,
                     d->parameters[0] ? "; " : "", d->selection);
            snprintf(inputs, n_i, "%s; %s", d->inputs, d->input_provenance);
            status = silk_table_set_info(table, params, inputs, err);
        }
    }
    if (status == SILK_OK)
        status = silk_store_commit_table(path, table, err);
    free(params);
    free(inputs);
    silk_table_free(table);
    return status;
}

int silk_module_commit(const char *path, const silk_module_results *res,
                       silk_error *err)
{
    if (res == NULL || res->module == NULL)
        return silk_error_set(err, SILK_EINVAL, "no results given");
    const silk_module *m = res->module;
    const silk_module_axes *ax = &res->axes;
    size_t total = 0;
    for (size_t k = 0; k < res->n_output; k++)
        total += res->output_values[k];
    /* An empty result would only erase an earlier one. */
    if (total == 0)
        return silk_error_set(err, SILK_ETOOFEW,
                              "module %s computed no value in the "
                              "selection; nothing was written", m->name);
    if (m->kind == SILK_MODULE_MATRIX)
        return commit_table(path, res, err);

    silk_batch *batch = NULL;
    silk_derived *derived = calloc(res->n_output, sizeof *derived);
    char source[256];
    snprintf(source, sizeof source, "computed by module %s %s", m->name,
             m->version);
    int status = derived == NULL
                     ? silk_error_set(err, SILK_ENOMEM, "out of memory")
                     : silk_batch_alloc(&batch, err);
    for (size_t k = 0; status == SILK_OK && k < res->n_output; k++) {
        const silk_module_result *out = &res->output[k];
        const char *name = res->output_name[k];
        const char *units = m->outputs[k].units;
        derived[k] = (silk_derived){name, res->derivation};
        if (m->kind == SILK_MODULE_COUNTRY) {
            for (size_t c = 0; status == SILK_OK && c < ax->n_country; c++)
                for (size_t p = 0; status == SILK_OK && p < ax->n_period;
                     p++) {
                    size_t i = c * ax->n_period + p;
                    if (!isnan(out->value[i]))
                        status = silk_batch_put(batch, name, ax->country[c],
                                                "", res->period[p],
                                                out->value[i], out->flags[i],
                                                units, source, 0, 0, err);
                }
            continue;
        }
        for (size_t o = 0; status == SILK_OK && o < ax->n_origin; o++)
            for (size_t d = 0; status == SILK_OK && d < ax->n_destination;
                 d++)
                for (size_t p = 0; status == SILK_OK && p < ax->n_period;
                     p++) {
                    size_t i = (o * ax->n_destination + d) * ax->n_period + p;
                    if (!isnan(out->value[i]))
                        status = silk_batch_put(batch, name, ax->origin[o],
                                                ax->destination[d],
                                                res->period[p],
                                                out->value[i], out->flags[i],
                                                units, source, 0, 0, err);
                }
    }
    if (status == SILK_OK)
        status = silk_store_commit_derived(path, batch, derived,
                                           res->n_output, err);
    silk_batch_free(batch);
    free(derived);
    return status;
}
