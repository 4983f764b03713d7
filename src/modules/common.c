/*
 * common.c: helpers shared by the built-in modules (see common.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "modules/common.h"

int silk_mod_fail(silk_module_call *call, const char *format, ...)
{
    if (call->message && call->message_size > 0) {
        va_list args;
        va_start(args, format);
        vsnprintf(call->message, call->message_size, format, args);
        va_end(args);
    }
    return 1;
}

void silk_mod_put(silk_module_result *out, size_t i, double value,
                  uint32_t flags)
{
    if (!isfinite(value))
        return;
    out->value[i] = value;
    if (out->flags)
        out->flags[i] |= flags;
}

double silk_mod_country_value(const silk_module_axes *axes,
                              const silk_module_array *in, size_t c,
                              size_t p, uint32_t *flags)
{
    if (!in->present || axes->country_level < 0 || !axes->country_origin ||
        axes->country_origin[c] < 0)
        return NAN;
    size_t i = silk_mod_cell(axes, (size_t)axes->country_origin[c],
                             (size_t)axes->country_level, p);
    if (!isfinite(in->value[i]))
        return NAN;
    *flags |= silk_mod_flags(in, i);
    return in->value[i];
}

static void add(silk_mod_total *t, const silk_module_array *in, size_t i)
{
    double x = in->value[i];
    if (!isfinite(x))
        return;
    t->sum = t->n == 0 ? x : t->sum + x;
    t->n++;
    if (x < 0.0)
        t->negative++;
    t->flags |= silk_mod_flags(in, i);
}

void silk_mod_total_row(const silk_module_axes *axes,
                        const silk_module_array *in, size_t o, size_t p,
                        silk_mod_total *out)
{
    *out = (silk_mod_total){.sum = NAN};
    if (!in->present)
        return;
    for (size_t d = 0; d < axes->n_destination; d++)
        if ((long)d != axes->country_level)
            add(out, in, silk_mod_cell(axes, o, d, p));
}

void silk_mod_total_column(const silk_module_axes *axes,
                           const silk_module_array *in, size_t d, size_t p,
                           silk_mod_total *out)
{
    *out = (silk_mod_total){.sum = NAN};
    if (!in->present)
        return;
    for (size_t o = 0; o < axes->n_origin; o++)
        add(out, in, silk_mod_cell(axes, o, d, p));
}
