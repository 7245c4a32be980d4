/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * format.h - trace lines in the DFTracer/pfw format: one JSON object per line,
 *   {"id":7,"name":"write","cat":"libc","ph":"X","ts":..,"dur":..,"pid":..,"tid":..,"args":{..}}
 * with ts and dur in microseconds (ts since the Unix epoch). Every string is escaped here, so
 * a hostile function name, label or string argument cannot break a line.
 */
#ifndef DC_RT_FORMAT_H
#define DC_RT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/* Worst-case growth of escaping: one byte becomes "\u00XX". */
#define RT_ESC_MAX(n) ((n)*6)

/*
 * Escape n bytes of s as the inside of a JSON string into out (room for RT_ESC_MAX(n)), and
 * return the bytes written. Valid UTF-8 is copied; every other byte >= 0x80 and every control
 * character is written as \u00XX, so the result is valid JSON whatever the input.
 */
size_t rt_json_escape(char *out, const char *s, size_t n);

/*
 * Escape n bytes of a captured string as the inside of a JSON string into out (room for
 * RT_ESC_MAX(n)): valid UTF-8 as it is (control characters and NUL bytes escaped, as they are
 * text too), and each byte that is not UTF-8 as U+FFFD, the replacement character, with
 * *invalid set so that the caller writes the exact bytes beside it (datacrumbs(8)).
 */
size_t rt_json_escape_text(char *out, const char *s, size_t n, int *invalid);

/* Whether open flags make the mode an argument: O_CREAT, or O_TMPFILE (as the C library's
 * __OPEN_NEEDS_MODE). */
int rt_open_needs_mode(uint64_t flags);

/* Lowercase hexadecimal of n bytes into out (room for 2n). Returns 2n. */
size_t rt_fmt_hexbytes(char *out, const char *s, size_t n);

/* The same into a new string with quotes around it (NULL when out of memory). */
char *rt_json_quote(const char *s);

/* Decimal forms, for the hot path (no locale, no printf). Return the bytes written. */
size_t rt_fmt_u64(char *out, uint64_t v);
size_t rt_fmt_i64(char *out, int64_t v);
size_t rt_fmt_hex(char *out, uint64_t v); /* "0x1f" */

struct rt_fmt {
    const struct rt_plan *plan;
    int64_t clock_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC when the run started */
    uint64_t seq;            /* the "id" of the next line */
};

/* The longest line any function of the plan can produce (including the newline). */
size_t rt_format_max_line(const struct rt_plan *plan);

/*
 * Format one ring buffer record (data, size bytes) as a line ending in '\n' into out, which has
 * room for rt_format_max_line(). Returns the length, or 0 when the record is malformed (too
 * short, or an unknown function id).
 */
size_t rt_format_event(struct rt_fmt *f, const void *data, size_t size, char *out);

#endif
