/*
 * registry.c: the modules silkstat knows: the built-ins (joined once from
 * the lists of src/modules/builtin.h) and the shared objects loaded on
 * request (--module PATH, SILKSTAT_MODULE_PATH).  Loading follows SQLite's
 * loadext.c and Redis's module.c: dlopen, one fixed entry symbol, the ABI
 * version checked before anything else, the descriptor validated, names
 * unique, handles kept open until the registry is freed.  Nothing here
 * aborts or prints: a bad module is an error naming its file.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "silkstat.h"
#include "modules/builtin.h"

/* Limits of the names a descriptor gives (module.h). */
#define MODULE_NAME_MAX 48
#define ROLE_NAME_MAX 32

typedef struct entry {
    const silk_module *module;
    char *origin; /* the file it came from; NULL for a built-in */
    void *handle; /* dlopen handle, or NULL */
} entry;

struct silk_registry {
    entry *entries;
    size_t n, cap;
};

/* The built-in lists, in the order `silkstat modules` shows them.  A new
 * file of src/modules adds its list to builtin.h and one row here. */
static const struct {
    const silk_module *const *list;
    const size_t *count;
} builtins[] = {
    {silk_builtin_rates, &silk_builtin_rates_count},
    {silk_builtin_protection, &silk_builtin_protection_count},
    {silk_builtin_returns, &silk_builtin_returns_count},
    {silk_builtin_growth, &silk_builtin_growth_count},
    {silk_builtin_od, &silk_builtin_od_count},
};

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* [a-z][a-z0-9_]*, 1..max bytes. */
static bool name_ok(const char *name, size_t max)
{
    if (name == NULL || name[0] < 'a' || name[0] > 'z')
        return false;
    size_t len = 0;
    for (const char *p = name; *p; p++, len++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return len <= max;
}

const char *silk_module_kind_name(silk_module_kind kind)
{
    switch (kind) {
    case SILK_MODULE_COUNTRY: return "country";
    case SILK_MODULE_CORRIDOR: return "corridor";
    case SILK_MODULE_MATRIX: return "matrix";
    }
    return "?";
}

const char *silk_module_param_type_name(silk_module_param_type type)
{
    switch (type) {
    case SILK_PARAM_NUMBER: return "number";
    case SILK_PARAM_INTEGER: return "integer";
    case SILK_PARAM_TEXT: return "text";
    case SILK_PARAM_PERIOD: return "period";
    case SILK_PARAM_CHOICE: return "choice";
    }
    return "?";
}

/* True when text is one of the '|'-separated alternatives of choices. */
static bool choice_of(const char *choices, const char *text)
{
    size_t len = strlen(text);
    for (const char *p = choices; *p;) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, text, len) == 0)
            return true;
        p += n + (p[n] == '|');
    }
    return false;
}

/* A CHOICE list: alternatives separated by '|', none empty. */
static bool choices_ok(const char *choices)
{
    if (choices == NULL || choices[0] == '\0')
        return false;
    for (const char *p = choices; *p;) {
        size_t n = strcspn(p, "|");
        if (n == 0 || (p[n] == '|' && p[n + 1] == '\0'))
            return false;
        p += n + (p[n] == '|');
    }
    return true;
}

/* Whether a default (or any given text) reads as the parameter's type;
 * the host (host.c) applies the same rules with messages. */
static bool default_ok(const silk_module_param *param)
{
    const char *text = param->default_text;
    char *end = NULL;
    silk_period period;
    switch (param->type) {
    case SILK_PARAM_NUMBER: {
        errno = 0;
        double x = strtod(text, &end);
        return end != text && *end == '\0' && isfinite(x) && errno == 0;
    }
    case SILK_PARAM_INTEGER:
        errno = 0;
        (void)strtol(text, &end, 10);
        return end != text && *end == '\0' && errno == 0;
    case SILK_PARAM_TEXT:
        return true;
    case SILK_PARAM_PERIOD:
        return silk_period_parse(text, strlen(text), &period) == SILK_OK;
    case SILK_PARAM_CHOICE:
        return choice_of(param->choices, text);
    }
    return false;
}

#define BAD(...) silk_error_set(err, SILK_EPARSE, __VA_ARGS__)

static int validate_inputs(const silk_module *m, silk_error *err)
{
    if (m->n_inputs == 0 || m->inputs == NULL)
        return BAD("module '%s': no inputs; expected at least one (the "
                   "axes are the inputs')", m->name);
    for (size_t i = 0; i < m->n_inputs; i++) {
        const silk_module_input *in = &m->inputs[i];
        if (!name_ok(in->role, ROLE_NAME_MAX))
            return BAD("module '%s': input %zu: role '%s' does not match "
                       "[a-z][a-z0-9_]* (at most %d bytes)", m->name, i + 1,
                       in->role ? in->role : "(null)", ROLE_NAME_MAX);
        if (in->indicator != NULL &&
            !silk_indicator_name_valid(in->indicator, strlen(in->indicator)))
            return BAD("module '%s': input '%s': default indicator '%s' is "
                       "not an indicator name", m->name, in->role,
                       in->indicator);
        if (in->description == NULL)
            return BAD("module '%s': input '%s' has no description",
                       m->name, in->role);
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->inputs[k].role, in->role) == 0)
                return BAD("module '%s': input role '%s' appears twice",
                           m->name, in->role);
    }
    return SILK_OK;
}

static int validate_params(const silk_module *m, silk_error *err)
{
    if (m->n_params > 0 && m->params == NULL)
        return BAD("module '%s': n_params is %zu but params is NULL",
                   m->name, m->n_params);
    for (size_t i = 0; i < m->n_params; i++) {
        const silk_module_param *p = &m->params[i];
        if (!name_ok(p->name, ROLE_NAME_MAX))
            return BAD("module '%s': parameter %zu: name '%s' does not match "
                       "[a-z][a-z0-9_]* (at most %d bytes)", m->name, i + 1,
                       p->name ? p->name : "(null)", ROLE_NAME_MAX);
        if (p->type < SILK_PARAM_NUMBER || p->type > SILK_PARAM_CHOICE)
            return BAD("module '%s': parameter '%s' has type %d; expected "
                       "SILK_PARAM_NUMBER, INTEGER, TEXT, PERIOD or CHOICE",
                       m->name, p->name, (int)p->type);
        if (p->type == SILK_PARAM_CHOICE && !choices_ok(p->choices))
            return BAD("module '%s': choice parameter '%s' has no choices; "
                       "expected alternatives such as \"zero|return\"",
                       m->name, p->name);
        if (p->default_text != NULL && !default_ok(p))
            return BAD("module '%s': parameter '%s': default '%s' is not a "
                       "valid %s%s%s", m->name, p->name, p->default_text,
                       silk_module_param_type_name(p->type),
                       p->type == SILK_PARAM_CHOICE ? ": expected one of "
                                                    : "",
                       p->type == SILK_PARAM_CHOICE ? p->choices : "");
        if (p->description == NULL)
            return BAD("module '%s': parameter '%s' has no description",
                       m->name, p->name);
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->params[k].name, p->name) == 0)
                return BAD("module '%s': parameter '%s' appears twice",
                           m->name, p->name);
    }
    return SILK_OK;
}

static int validate_outputs(const silk_module *m, silk_error *err)
{
    if (m->n_outputs == 0 || m->outputs == NULL)
        return BAD("module '%s': no outputs; expected at least one",
                   m->name);
    for (size_t i = 0; i < m->n_outputs; i++) {
        const silk_module_output *out = &m->outputs[i];
        if (!name_ok(out->name, SILK_INDICATOR_MAX))
            return BAD("module '%s': output %zu: name '%s' does not match "
                       "[a-z][a-z0-9_]*", m->name, i + 1,
                       out->name ? out->name : "(null)");
        /* Several outputs are stored as NAME.OUTPUT, one indicator name. */
        if (m->n_outputs > 1 &&
            strlen(m->name) + 1 + strlen(out->name) > SILK_INDICATOR_MAX)
            return BAD("module '%s': output '%s': '%s.%s' is longer than "
                       "an indicator name (%d bytes)", m->name, out->name,
                       m->name, out->name, SILK_INDICATOR_MAX);
        if (m->kind == SILK_MODULE_MATRIX && strcmp(out->name, "period") == 0)
            return BAD("module '%s': a matrix module's output cannot be "
                       "named 'period' (the table's period column)", m->name);
        if (out->units == NULL || out->description == NULL)
            return BAD("module '%s': output '%s' has no %s", m->name,
                       out->name, out->units == NULL ? "units" : "description");
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->outputs[k].name, out->name) == 0)
                return BAD("module '%s': output '%s' appears twice", m->name,
                           out->name);
    }
    return SILK_OK;
}

int silk_module_validate(const silk_module *m, silk_error *err)
{
    if (m == NULL)
        return BAD("no module descriptor");
    if (m->abi != SILK_MODULE_ABI)
        return BAD("module ABI version %d; this silkstat supports version %d "
                   "(rebuild it against include/silkstat/module.h)", m->abi,
                   SILK_MODULE_ABI);
    if (!name_ok(m->name, MODULE_NAME_MAX))
        return BAD("module name '%s' does not match [a-z][a-z0-9_]* (at "
                   "most %d bytes)", m->name ? m->name : "(null)",
                   MODULE_NAME_MAX);
    if (m->version == NULL || m->title == NULL || m->title[0] == '\0' ||
        m->description == NULL)
        return BAD("module '%s' has no %s", m->name,
                   m->version == NULL ? "version"
                   : m->description == NULL ? "description" : "title");
    if (m->kind != SILK_MODULE_COUNTRY && m->kind != SILK_MODULE_CORRIDOR &&
        m->kind != SILK_MODULE_MATRIX)
        return BAD("module '%s' has kind %d; expected SILK_MODULE_COUNTRY, "
                   "CORRIDOR or MATRIX", m->name, (int)m->kind);
    if (m->compute == NULL)
        return BAD("module '%s' has no compute function", m->name);
    int status = validate_inputs(m, err);
    if (status == SILK_OK)
        status = validate_params(m, err);
    if (status == SILK_OK)
        status = validate_outputs(m, err);
    return status;
}

/* ------------------------------------------------------------------ */
/* The registry                                                        */
/* ------------------------------------------------------------------ */

size_t silk_registry_count(const silk_registry *reg)
{
    return reg->n;
}

const silk_module *silk_registry_module(const silk_registry *reg, size_t i)
{
    return i < reg->n ? reg->entries[i].module : NULL;
}

const char *silk_registry_origin(const silk_registry *reg, size_t i)
{
    return i < reg->n ? reg->entries[i].origin : NULL;
}

const silk_module *silk_registry_find(const silk_registry *reg,
                                      const char *name, size_t *index)
{
    for (size_t i = 0; name != NULL && i < reg->n; i++)
        if (strcmp(reg->entries[i].module->name, name) == 0) {
            if (index != NULL)
                *index = i;
            return reg->entries[i].module;
        }
    return NULL;
}

/* Appends a validated, uniquely named module; takes handle on success. */
static int add(silk_registry *reg, const silk_module *module,
               const char *origin, void *handle, silk_error *err)
{
    size_t at;
    if (silk_registry_find(reg, module->name, &at) != NULL) {
        const char *where = reg->entries[at].origin;
        return silk_error_set(err, SILK_ECONFLICT,
                              "module '%s' is already registered (%s%s)",
                              module->name, where ? "loaded from " : "built in",
                              where ? where : "");
    }
    if (reg->n == reg->cap) {
        size_t cap = reg->cap ? 2 * reg->cap : 32;
        entry *grown = realloc(reg->entries, cap * sizeof *grown);
        if (grown == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        reg->entries = grown;
        reg->cap = cap;
    }
    entry e = {module, NULL, handle};
    if (origin != NULL && (e.origin = strdup(origin)) == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    reg->entries[reg->n++] = e;
    return SILK_OK;
}

int silk_registry_add(silk_registry *reg, const silk_module *module,
                      const char *origin, silk_error *err)
{
    int status = silk_module_validate(module, err);
    if (status == SILK_OK)
        status = add(reg, module, origin, NULL, err);
    if (status != SILK_OK && origin != NULL)
        silk_error_prefix(err, "%s: ", origin);
    return status;
}

int silk_registry_alloc(silk_registry **out, silk_error *err)
{
    *out = NULL;
    silk_registry *reg = calloc(1, sizeof *reg);
    if (reg == NULL)
        return silk_error_set(err, SILK_ENOMEM, "out of memory");
    int status = SILK_OK;
    for (size_t b = 0; b < sizeof builtins / sizeof *builtins; b++)
        for (size_t i = 0; i < *builtins[b].count && status == SILK_OK; i++) {
            /* A bad built-in is silkstat's own bug: said, not hidden. */
            status = silk_module_validate(builtins[b].list[i], err);
            if (status == SILK_OK)
                status = add(reg, builtins[b].list[i], NULL, NULL, err);
            if (status != SILK_OK)
                silk_error_prefix(err, "built-in module: ");
        }
    if (status != SILK_OK) {
        silk_registry_free(reg);
        return status;
    }
    *out = reg;
    return SILK_OK;
}

void silk_registry_free(silk_registry *reg)
{
    if (reg == NULL)
        return;
    /* Newest first: no descriptor is used after its object is closed. */
    for (size_t i = reg->n; i-- > 0;) {
        if (reg->entries[i].handle != NULL)
            dlclose(reg->entries[i].handle);
        free(reg->entries[i].origin);
    }
    free(reg->entries);
    free(reg);
}

int silk_registry_load(silk_registry *reg, const char *path, silk_error *err)
{
    struct stat st;
    char local[4096];
    if (path == NULL || path[0] == '\0')
        return silk_error_set(err, SILK_EINVAL, "no module path given");
    if (stat(path, &st) != 0)
        return silk_error_set(err, SILK_EIO, "%s: cannot load module: %s",
                              path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return silk_error_set(err, SILK_EIO, "%s: cannot load module: not a "
                              "file", path);
    /* Without a slash dlopen searches the library path, not the folder
     * the user means. */
    if (strchr(path, '/') == NULL) {
        if (snprintf(local, sizeof local, "./%s", path) >= (int)sizeof local)
            return silk_error_set(err, SILK_EINVAL, "%s: path too long",
                                  path);
    } else if (snprintf(local, sizeof local, "%s", path) >= (int)sizeof local) {
        return silk_error_set(err, SILK_EINVAL, "%s: path too long", path);
    }
    dlerror();
    void *handle = dlopen(local, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        return silk_error_set(err, SILK_EIO, "%s: cannot load module: %s",
                              path, why ? why : "dlopen failed");
    }
    for (size_t i = 0; i < reg->n; i++)
        if (reg->entries[i].handle == handle) {
            dlclose(handle); /* the same object again: already there */
            return SILK_OK;
        }
    int status = SILK_OK;
    dlerror();
    /* POSIX: a function pointer round-trips through dlsym's void *. */
    void *symbol = dlsym(handle, SILK_MODULE_ENTRY);
    silk_module_entry_fn entry_fn = NULL;
    memcpy(&entry_fn, &symbol, sizeof entry_fn);
    const silk_module *module = entry_fn != NULL ? entry_fn() : NULL;
    if (symbol == NULL) {
        status = silk_error_set(err, SILK_EIO,
                                "%s: no function '%s'; a module exports "
                                "'const silk_module *%s(void)'", path,
                                SILK_MODULE_ENTRY, SILK_MODULE_ENTRY);
    } else if (module == NULL) {
        status = silk_error_set(err, SILK_EPARSE, "%s: %s() returned no "
                                "descriptor", path, SILK_MODULE_ENTRY);
    } else if (module->abi != SILK_MODULE_ABI) {
        /* The version first and alone: another version's descriptor may
         * have another layout, so no other member is read. */
        status = silk_error_set(err, SILK_EPARSE,
                                "%s: module ABI version %d; this silkstat "
                                "supports version %d (rebuild it against "
                                "include/silkstat/module.h)", path,
                                module->abi, SILK_MODULE_ABI);
    } else {
        status = silk_module_validate(module, err);
        if (status == SILK_OK)
            status = add(reg, module, path, handle, err);
        if (status != SILK_OK)
            silk_error_prefix(err, "%s: ", path);
    }
    if (status != SILK_OK)
        dlclose(handle);
    return status;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_so(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* Every *.so of dir, in name order. */
static int load_folder(silk_registry *reg, const char *dir, silk_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return silk_error_set(err, SILK_EIO, "%s: cannot list module folder: "
                              "%s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = SILK_OK;
    struct dirent *e;
    while (status == SILK_OK && (e = readdir(d)) != NULL) {
        if (!ends_with_so(e->d_name))
            continue;
        if (n == cap) {
            size_t grown_cap = cap ? 2 * cap : 16;
            char **grown = realloc(names, grown_cap * sizeof *grown);
            if (grown == NULL) {
                status = silk_error_set(err, SILK_ENOMEM, "out of memory");
                break;
            }
            names = grown;
            cap = grown_cap;
        }
        if ((names[n] = strdup(e->d_name)) == NULL)
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
        else
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n && status == SILK_OK; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *file = malloc(len);
        if (file == NULL) {
            status = silk_error_set(err, SILK_ENOMEM, "out of memory");
            break;
        }
        snprintf(file, len, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        status = silk_registry_load(reg, file, err);
        free(file);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return status;
}

int silk_registry_load_path(silk_registry *reg, const char *list,
                            silk_error *err)
{
    if (list == NULL)
        return SILK_OK;
    int status = SILK_OK;
    for (const char *p = list; *p && status == SILK_OK;) {
        size_t len = strcspn(p, ":");
        char *item = strndup(p, len);
        p += len + (p[len] == ':');
        if (item == NULL)
            return silk_error_set(err, SILK_ENOMEM, "out of memory");
        struct stat st;
        if (item[0] == '\0')
            status = SILK_OK;
        else if (stat(item, &st) == 0 && S_ISDIR(st.st_mode))
            status = load_folder(reg, item, err);
        else
            status = silk_registry_load(reg, item, err);
        free(item);
    }
    return status;
}
