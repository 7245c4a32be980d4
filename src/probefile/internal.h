/* SPDX-License-Identifier: BSD-3-Clause */
/* internal.h - helpers shared by the probefile sources, not part of the API. */
#ifndef DC_PF_INTERNAL_H
#define DC_PF_INTERNAL_H

#include <stddef.h>

#include "probefile.h"

/* Set *detail (when detail is not NULL) to a malloc'ed message; returns status. */
enum dc_pf_status pf_fail(char **detail, enum dc_pf_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Inflate a gzip stream (one or more members) into a new buffer of at most cap bytes. Bytes
 * after the last member are an error. Returns DC_PF_OK with *out (NUL-terminated) and *outlen.
 */
enum dc_pf_status pf_gunzip(const void *in, size_t inlen, size_t cap, char **out, size_t *outlen,
                            char **detail);

/* Deflate into one gzip member (default level, no name, mtime 0: reproducible). */
enum dc_pf_status pf_gzip(const void *in, size_t inlen, unsigned char **out, size_t *outlen);

/*
 * Everything that is signed must serialise the same in every implementation: no control
 * characters (DC_PF_ERR_CONTROL), valid UTF-8, integers only (DC_PF_ERR_SCHEMA). where names
 * the root ("summary") in the message.
 */
enum dc_pf_status pf_check_signable(const json_t *j, const char *where, char **detail);

/* The structure checks of dc_pf_parse on an already parsed document. */
enum dc_pf_status pf_check_schema(json_t *doc, struct dc_probefile *pf, char **detail);

#endif
