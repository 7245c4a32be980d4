/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * canon.h - parse canonical JSON into jansson values.
 *
 * "Canonical" is exactly what jansson's json_dumps(v, JSON_COMPACT | JSON_ESCAPE_SLASH |
 * JSON_PRESERVE_ORDER) writes for an object or array without control characters or reals
 * (reference 5.3): no whitespace, the only escapes \" \\ and \/ (a raw '/' is refused),
 * integers as -?(0|[1-9][0-9]*) within int64 and never "-0", strict UTF-8, no duplicate keys.
 * Anything else is refused with the offset and the reason.
 *
 * Why a second parser next to jansson: jansson reads about 60 MB/s, and a sign request is
 * parsed twice (the JSON-RPC envelope, then the payload inside it) and dumped once more to
 * prove the payload canonical. That was ~600 us of CPU per 13 KB request, which caps two cores
 * near 3,000 signs/s (docs/perf-signer.md). For canonical input, accepting it here proves
 * json_dumps(result) == input, so one pass replaces the parse-dump-compare, and it runs at
 * several hundred MB/s. It is deliberately small: no whitespace, no \u, no reals, so there is
 * little to get wrong; callers fall back to jansson (envelope) or refuse (payload) when the
 * input is not canonical. tests/fuzz/fuzz_sign_request.c checks both claims against jansson:
 * what this accepts, jansson parses to an equal value and dumps back to the same bytes; what
 * jansson dumps canonically, this accepts.
 */
#ifndef DC_SIGN_CANON_H
#define DC_SIGN_CANON_H

#include <jansson.h>
#include <stddef.h>

#define DC_CANON_MAX_DEPTH 64

enum dc_canon_result {
    DC_CANON_OK = 0,
    DC_CANON_INVALID,  /* not canonical JSON (maybe not JSON at all) */
    DC_CANON_TOO_MANY, /* more than max_values values */
    DC_CANON_NOMEM,
};

struct dc_canon_error {
    enum dc_canon_result result;
    size_t offset;      /* byte where the problem was found */
    const char *reason; /* static text */
};

/* Parse len bytes holding one object or array. Returns a new reference, or NULL with err set. */
json_t *dc_canon_parse(const char *buf, size_t len, size_t max_values, struct dc_canon_error *err);

#endif
