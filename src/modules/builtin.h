/*
 * builtin.h: the modules compiled into silkstat, one list per file of
 * src/modules.  registry.c joins the lists; a new file adds its list
 * here and there.  Each list is in the order `silkstat modules` shows.
 */
#ifndef SILK_MODULES_BUILTIN_H
#define SILK_MODULES_BUILTIN_H

#include <stddef.h>

#include "silkstat/module.h"

/* rates.c: per 1,000 inhabitants, share of GDP, net migration rate */
extern const silk_module *const silk_builtin_rates[];
extern const size_t silk_builtin_rates_count;
/* protection.c: recognition rates (UNHCR and Eurostat) */
extern const silk_module *const silk_builtin_protection[];
extern const size_t silk_builtin_protection_count;
/* returns.c: return rate, refugee returns */
extern const silk_module *const silk_builtin_returns[];
extern const size_t silk_builtin_returns_count;
/* growth.c: change, CAGR, index, shares, top-N, concentration */
extern const silk_module *const silk_builtin_growth[];
extern const size_t silk_builtin_growth_count;
/* od.c: origin-destination analytics (migest's set) */
extern const silk_module *const silk_builtin_od[];
extern const size_t silk_builtin_od_count;

#endif
