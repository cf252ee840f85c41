/*
 * specc diagnostics, see diag.h.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

/** Print one diagnostic line: PREFIX: error: MESSAGE. */
static void diag_vprint(const char *prefix, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: error: ", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void diag_error(const char *loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vprint(loc, fmt, ap);
    va_end(ap);
}

void diag_tool_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vprint("specc", fmt, ap);
    va_end(ap);
}
