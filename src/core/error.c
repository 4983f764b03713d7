/*
 * error.c: status codes and the caller-owned error struct.
 *
 * Every fallible function in libsilkstat reports through silk_error so that
 * the library itself never prints; only the CLI decides what reaches stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "silkstat.h"

const char *silk_strerror(int code)
{
    switch (code) {
    case SILK_OK: return "success";
    case SILK_ENOMEM: return "out of memory";
    case SILK_EIO: return "input/output error";
    case SILK_EPARSE: return "malformed input";
    case SILK_EINVAL: return "invalid argument";
    case SILK_ENOTFOUND: return "not found";
    case SILK_ESTORE: return "store error";
    case SILK_ECONFLICT: return "conflicting values";
    case SILK_ENUMERIC: return "numerical failure";
    case SILK_ELOCK: return "store is locked";
    case SILK_ECHART: return "chart rendering failed";
    case SILK_ETOOFEW: return "too few values";
    }
    return "unknown error";
}

int silk_error_set(silk_error *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int silk_error_prefix(silk_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return SILK_EINVAL;
    char prefix[SILK_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);

    /* Keep as much of the prefix and then of the old message as fits. */
    size_t lp = strlen(prefix), lm = strlen(err->message);
    if (lp > SILK_MESSAGE_MAX - 1)
        lp = SILK_MESSAGE_MAX - 1;
    if (lm > SILK_MESSAGE_MAX - 1 - lp)
        lm = SILK_MESSAGE_MAX - 1 - lp;
    memmove(err->message + lp, err->message, lm);
    memcpy(err->message, prefix, lp);
    err->message[lp + lm] = '\0';
    return err->code;
}

void silk_error_clear(silk_error *err)
{
    if (err == NULL)
        return;
    err->code = SILK_OK;
    err->message[0] = '\0';
}
