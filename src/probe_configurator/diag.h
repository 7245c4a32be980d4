/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diag.h - errors and warnings of loading and discovery, kept as a list.
 *
 * Every message is also printed through log.h when to_log is set (the program), and stays in
 * the list for the --json report and for the unit tests, which look at the exact text.
 */
#ifndef DC_DIAG_H
#define DC_DIAG_H

#include <stddef.h>

enum dc_diag_kind { DC_DIAG_ERROR, DC_DIAG_WARNING, DC_DIAG_INFO };

struct dc_diag_msg {
    enum dc_diag_kind kind;
    char *text;
};

struct dc_diag {
    int to_log;
    /* Called before a message is printed (the progress line clears itself). */
    void (*before_print)(void *ctx);
    void *before_ctx;
    unsigned errors, warnings;
    struct dc_diag_msg *v;
    size_t n, cap;
};

#define DC_DIAG_MAX 1000 /* messages kept; the counts go on */

void dc_diag_init(struct dc_diag *d, int to_log);
void dc_diag_error(struct dc_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dc_diag_warn(struct dc_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dc_diag_info(struct dc_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when some kept message contains needle (tests). */
int dc_diag_has(const struct dc_diag *d, enum dc_diag_kind kind, const char *needle);
void dc_diag_free(struct dc_diag *d);

#endif
