/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h - the one message printer of every datacrumbs program.
 *
 * Messages go to stderr as "prog: error: text", "prog: warning: text", "prog: text" (info) or
 * "prog: debug: text". User-supplied data is always passed as an argument, never as the format.
 */
#ifndef DC_LOG_H
#define DC_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum dc_log_level {
    DC_LOG_QUIET = 0, /* errors only */
    DC_LOG_NORMAL,    /* errors, warnings, info */
    DC_LOG_VERBOSE,   /* and debug */
};

/* Set the program name (basename is taken) and verbosity; call first thing in main(). */
void dc_log_init(const char *argv0, enum dc_log_level level);
void dc_log_set_level(enum dc_log_level level);
enum dc_log_level dc_log_get_level(void);
const char *dc_progname(void);

/* Also send every message to syslog (daemons and root hooks); ident is the program name. */
void dc_log_use_syslog(int facility);

/* Write warnings, info and debug messages to standard output, errors alone to standard error:
 * for a caller that logs a child's stderr as errors (Flux's prolog and epilog). */
void dc_log_errors_only_to_stderr(void);

void dc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dc_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Text a caller supplied (a method name, a reason quoting the request), made safe to put in a
 * log line: in double quotes, with '"', '\\', control characters and every byte outside
 * printable ASCII written as \" \\ \xNN, and cut after max input bytes ("..." follows
 * the closing quote). A caller cannot end the line or make its text look like ours. Returns
 * out, which always gets the closing quote (outlen >= 8).
 */
char *dc_log_quote(const char *s, size_t max, char *out, size_t outlen);

/* "--version" output shared by every program: "prog (datacrumbs-utils) X.Y.Z". */
void dc_print_version(void);

#endif
