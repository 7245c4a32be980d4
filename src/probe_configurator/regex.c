/* SPDX-License-Identifier: BSD-3-Clause */
/* regex.c - PCRE2 filters (see regex.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

/* Enough for any sane filter over a symbol name; a pattern that needs more is pathological. */
#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000

struct dc_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

struct dc_regex *dc_regex_compile(const char *pattern, enum dc_regex_mode mode, char *err,
                                  size_t errlen)
{
    uint32_t opts = mode == DC_REGEX_FULL ? PCRE2_CASELESS | PCRE2_ANCHORED | PCRE2_ENDANCHORED : 0;
    struct dc_regex *re = calloc(1, sizeof(*re));
    PCRE2_SIZE off;
    int code;

    if (!re) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts | PCRE2_NEVER_UTF,
                             &code, &off, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, errlen, "%s at offset %zu", (char *)msg, (size_t)off);
        free(re);
        return NULL;
    }
    /* JIT is a speed-up only; where it is unavailable the interpreter gives the same answers. */
    (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->mc = pcre2_match_context_create(NULL);
    if (!re->md || !re->mc) {
        snprintf(err, errlen, "out of memory");
        dc_regex_free(re);
        return NULL;
    }
    pcre2_set_match_limit(re->mc, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mc, DEPTH_LIMIT);
    return re;
}

int dc_regex_match(struct dc_regex *re, const char *name, size_t len)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)name, len, 0, 0, re->md, re->mc);

    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    return -1;
}

void dc_regex_free(struct dc_regex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mc);
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}
