/*
 * silkstat/module.h: the indicator module interface, the researchers'
 * door into silkstat.
 *
 * A module is a descriptor (what it computes, from which inputs, with
 * which parameters, in which units) and a compute function over plain C
 * arrays.  silkstat does everything else: it reads the inputs from the
 * store, applies the user's selection, lines every input up on the same
 * axes, checks and converts the parameters, calls compute, and writes the
 * outputs back into the store with their provenance.  A module therefore
 * needs only this header and the C standard library:
 *
 *     cc -std=c11 -shared -fPIC -Iinclude -o my_rate.so my_rate.c
 *     silkstat compute --module ./my_rate.so my_rate --origin silk5
 *
 * Rules for a module:
 *   - compute never aborts, exits or prints: it returns 0, or non-zero
 *     with a one-line reason in call->message.
 *   - it reads only its inputs and parameters and writes only its output
 *     arrays (already allocated and filled with NaN and 0 flags); a cell
 *     it cannot compute (missing input, zero denominator) stays NaN.
 *   - it keeps no state between calls (silkstat may call it from any
 *     thread, once per run).
 *
 * The ABI is versioned: SILK_MODULE_ABI is the first member of the
 * descriptor, and silkstat refuses a module whose version differs before
 * it reads any other member.  Any change to the structures below bumps
 * the version.
 */
#ifndef SILKSTAT_MODULE_H
#define SILKSTAT_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SILK_MODULE_ABI 1

/* What one result cell describes, which fixes the shape of the outputs. */
typedef enum silk_module_kind {
    /* One series per country: outputs are [country][period].  Stored as
     * an indicator whose origin is the country and whose destination is
     * the country-level entry "". */
    SILK_MODULE_COUNTRY = 1,
    /* One series per (origin, destination): outputs are
     * [origin][destination][period], on the inputs' axes. */
    SILK_MODULE_CORRIDOR = 2,
    /* Figures of the whole origin x destination matrix, one per period:
     * outputs are [period].  Stored as a result table (results/NAME) with
     * a period column and one column per output. */
    SILK_MODULE_MATRIX = 3
} silk_module_kind;

typedef enum silk_module_param_type {
    SILK_PARAM_NUMBER = 1,  /* a finite decimal number: value.number */
    SILK_PARAM_INTEGER = 2, /* a whole number: value.integer */
    SILK_PARAM_TEXT = 3,    /* any text: value.text */
    SILK_PARAM_PERIOD = 4,  /* a period label (2024, 2024-Q3, 2024-07):
                               value.text, and value.period, its index on
                               the period axis or -1 if not on it */
    SILK_PARAM_CHOICE = 5   /* one of `choices`: value.text, and
                               value.integer, its index in the list */
} silk_module_param_type;

/* A parameter the user sets with --param NAME=VALUE. */
typedef struct silk_module_param {
    const char *name;        /* [a-z][a-z0-9_]*, at most 32 bytes */
    silk_module_param_type type;
    const char *default_text; /* the default as the user would type it;
                                 NULL makes the parameter required */
    const char *choices;      /* SILK_PARAM_CHOICE: "zero|return"; else NULL */
    const char *description;  /* one line, shown by `silkstat modules` */
} silk_module_param;

/* An input: a role the module needs filled by an indicator of the store.
 * The user binds another indicator with --input ROLE=INDICATOR. */
typedef struct silk_module_input {
    const char *role;        /* [a-z][a-z0-9_]*: "recognized", "population" */
    const char *indicator;   /* the indicator bound by default (a name as
                                ingested, e.g. "dec_recognized",
                                "SP.POP.TOTL"); NULL: --input is required */
    const char *description; /* one line: what it must hold, its units */
    int optional;            /* non-zero: a missing indicator is allowed;
                                the module then sees present == 0 */
} silk_module_input;

/* An output.  A module with one output writes the indicator (or table)
 * the user names, by default the module's name; with several, each is
 * NAME.OUTPUT ("od_totals.net"), or a column OUTPUT of the table. */
typedef struct silk_module_output {
    const char *name;        /* [a-z][a-z0-9_]* */
    const char *units;       /* "per 1,000 inhabitants", "%", "persons" */
    const char *description; /* one line */
} silk_module_output;

/* The axes every input and output of a call shares.  silkstat builds
 * them from the inputs and the user's selection: the union of the
 * inputs' codes and periods within the selection, sorted; a cell that an
 * input does not have is NaN in it. */
typedef struct silk_module_axes {
    size_t n_origin, n_destination, n_period, n_country;
    const char *const *origin;      /* ISO3 codes (or aggregates, Q-codes) */
    const char *const *destination; /* likewise; "" is the country-level
                                       entry (a value not split by
                                       destination), when an input has it */
    /* COUNTRY modules: the union of origin and destination codes, ""
     * excluded, sorted.  Other kinds: 0 and NULL. */
    const char *const *country;
    /* The index of "" in destination, or -1: where country-level
     * inputs (population, GDP) hold their values. */
    long country_level;
    /* COUNTRY modules: for each country, its index in origin and in
     * destination, or -1.  Other kinds: NULL. */
    const long *country_origin, *country_destination;
    const char *const *period;      /* labels: "2024", "2024-Q3", "2024-07" */
    const long *ordinal;            /* consecutive periods differ by 1 */
    int periods_per_year;           /* 1, 4 or 12 */
} silk_module_axes;

/* One input, on the call's axes: [origin][destination][period], C order,
 * index (o * n_destination + d) * n_period + p.  NaN is missing.  flags
 * are silkstat's flag bits of each cell (provisional, estimated,
 * redacted, ...): a module that wants to carry them ORs the flags of the
 * cells a result comes from into the result's flags. */
typedef struct silk_module_array {
    const char *indicator; /* the store indicator bound to the role */
    const char *units;     /* as stored; "" when the data did not say */
    int present;           /* 0 only for a missing optional input: then
                              value and flags are NULL */
    const double *value;
    const uint32_t *flags;
} silk_module_array;

/* A parameter's value, checked and converted by silkstat. */
typedef struct silk_module_value {
    const char *text; /* as given (or the default), never NULL */
    double number;    /* SILK_PARAM_NUMBER; also INTEGER as a double */
    long integer;     /* SILK_PARAM_INTEGER; the index for CHOICE */
    long period;      /* SILK_PARAM_PERIOD: index on the axis, or -1 */
} silk_module_value;

/* One output's arrays, allocated by silkstat and filled with NaN values
 * and 0 flags before compute is called.  Shapes by kind:
 * COUNTRY [n_country][n_period], CORRIDOR [n_origin][n_destination]
 * [n_period], MATRIX [n_period]. */
typedef struct silk_module_result {
    double *value;
    uint32_t *flags;
} silk_module_result;

typedef struct silk_module_call {
    const silk_module_axes *axes;
    const silk_module_array *input;   /* n_input, in the descriptor's order */
    size_t n_input;
    const silk_module_value *param;   /* n_param, in the descriptor's order */
    size_t n_param;
    silk_module_result *output;       /* n_output, in the descriptor's order */
    size_t n_output;
    char *message;                    /* for a failure: one line, no
                                         trailing newline */
    size_t message_size;
} silk_module_call;

/* The descriptor.  Every string is static, UTF-8, and never NULL unless
 * said otherwise. */
typedef struct silk_module {
    int abi;                 /* SILK_MODULE_ABI; must stay first */
    const char *name;        /* [a-z][a-z0-9_]*, at most 48 bytes; unique */
    const char *version;     /* the module's own version, e.g. "1.0" */
    const char *title;       /* one line, e.g. "Refugee recognition rate" */
    const char *description; /* a paragraph: the formula, and the rules for
                                missing inputs and zero denominators */
    silk_module_kind kind;
    const silk_module_input *inputs;
    size_t n_inputs;
    const silk_module_param *params;
    size_t n_params;
    const silk_module_output *outputs;
    size_t n_outputs;        /* at least 1 */
    /* 0 on success; otherwise non-zero with call->message filled. */
    int (*compute)(silk_module_call *call);
} silk_module;

/* An out-of-tree module (a shared object) exports this function, which
 * returns its descriptor (static storage, valid while the object is
 * loaded). */
#define SILK_MODULE_ENTRY "silkstat_module"
typedef const silk_module *(*silk_module_entry_fn)(void);

/* The entry point itself, declared here so that the compiler checks a
 * module's definition against it, a module built with
 * -Wmissing-prototypes needs no declaration of its own, and
 * -fvisibility=hidden cannot hide it from dlsym.  silkstat never defines
 * or calls it by name (it looks SILK_MODULE_ENTRY up with dlsym). */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
const silk_module *silkstat_module(void);

#ifdef __cplusplus
}
#endif

#endif
