/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * regex.h - the capture filter: a PCRE2 pattern, case-insensitive and matching the whole
 * name, as upstream's std::regex_match with icase did (upstream templates use lookahead,
 * which POSIX regcomp lacks). It is applied to the symbol name only, never to the ":0x..."
 * offset that uprobe names carry in the probe file (upstream bug 10.12).
 */
#ifndef DC_REGEX_H
#define DC_REGEX_H

#include <stddef.h>

struct dc_regex;

enum dc_regex_mode {
    DC_REGEX_FULL,   /* the whole name, case-insensitive (every capture) */
    DC_REGEX_SEARCH, /* anywhere in the name, case-sensitive (ksym's first pass, as upstream) */
};

/*
 * Compile pattern. Returns NULL with the reason (PCRE2's message and the offset) in err when
 * the pattern is invalid.
 */
struct dc_regex *dc_regex_compile(const char *pattern, enum dc_regex_mode mode, char *err,
                                  size_t errlen);
/*
 * 1 when name[0..len) matches, 0 when not, -1 when the match gave up (the backtracking limit:
 * a pathological pattern); callers treat -1 as no match and say so once.
 */
int dc_regex_match(struct dc_regex *re, const char *name, size_t len);
void dc_regex_free(struct dc_regex *re);

#endif
