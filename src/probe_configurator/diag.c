/* SPDX-License-Identifier: BSD-3-Clause */
/* diag.c - the list of errors and warnings (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void dc_diag_init(struct dc_diag *d, int to_log)
{
    memset(d, 0, sizeof(*d));
    d->to_log = to_log;
}

static void add(struct dc_diag *d, enum dc_diag_kind kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void add(struct dc_diag *d, enum dc_diag_kind kind, const char *fmt, va_list ap)
{
    char msg[2048];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (kind == DC_DIAG_ERROR)
        d->errors++;
    else if (kind == DC_DIAG_WARNING)
        d->warnings++;
    if (d->to_log) {
        if (d->before_print && (kind != DC_DIAG_INFO || dc_log_get_level() >= DC_LOG_VERBOSE))
            d->before_print(d->before_ctx);
        if (kind == DC_DIAG_ERROR)
            dc_err("%s", msg);
        else if (kind == DC_DIAG_WARNING)
            dc_warn("%s", msg);
        else
            dc_debug("%s", msg);
    }
    if (d->n >= DC_DIAG_MAX)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct dc_diag_msg *v = realloc(d->v, cap * sizeof(*v));

        if (!v)
            return;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n].kind = kind;
    d->v[d->n].text = strdup(msg);
    if (d->v[d->n].text)
        d->n++;
}

void dc_diag_error(struct dc_diag *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add(d, DC_DIAG_ERROR, fmt, ap);
    va_end(ap);
}

void dc_diag_warn(struct dc_diag *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add(d, DC_DIAG_WARNING, fmt, ap);
    va_end(ap);
}

void dc_diag_info(struct dc_diag *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add(d, DC_DIAG_INFO, fmt, ap);
    va_end(ap);
}

int dc_diag_has(const struct dc_diag *d, enum dc_diag_kind kind, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].kind == kind && strstr(d->v[i].text, needle))
            return 1;
    return 0;
}

void dc_diag_free(struct dc_diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].text);
    free(d->v);
    memset(d, 0, sizeof(*d));
}
