/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probefile.h - the signed probe file v1 (ARCHITECTURE 4.3): canonical JSON, HMAC-SHA256,
 * gzip I/O and verification, shared by the configurator, the signer, inspect and the runtime.
 *
 * Document: {"summary":S,"categories":C,"checksum_algorithm":"hmac-sha256","checksum":HEX}
 * MAC:      HMAC-SHA256(secret bytes, P) with P = {"summary":S,"categories":C,
 *           "checksum_algorithm":"hmac-sha256"} dumped compact, in insertion order, '/' as '\/'.
 */
#ifndef DC_PROBEFILE_H
#define DC_PROBEFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DC_PF_ALGORITHM        "hmac-sha256"
#define DC_PF_HEX_LEN          64           /* checksum and secret: 64 lowercase hex chars */
#define DC_PF_MAX_DECOMPRESSED (256u << 20) /* readers refuse more than this (gzip bombs) */

/* Which check failed; each has a distinct message (dc_pf_status_str) and tools map them to
 * exit codes. */
enum dc_pf_status {
    DC_PF_OK = 0,
    DC_PF_ERR_IO,        /* cannot open or read the file */
    DC_PF_ERR_TOO_LARGE, /* decompressed size over the cap */
    DC_PF_ERR_GZIP,      /* corrupt or truncated gzip stream */
    DC_PF_ERR_JSON,      /* not JSON, or trailing data after the object */
    DC_PF_ERR_SCHEMA,    /* keys missing, in the wrong order, of the wrong type, or unknown */
    DC_PF_ERR_CONTROL,   /* a string holds a control character (never signed) */
    DC_PF_ERR_ALGORITHM, /* checksum_algorithm is not hmac-sha256 */
    DC_PF_ERR_CHECKSUM,  /* the MAC does not match (tampered, or another secret) */
    DC_PF_ERR_EXPIRED,   /* summary.expires_at is in the past */
    DC_PF_ERR_NOT_YET,   /* summary.issued_at is in the future (beyond clock skew) */
    DC_PF_ERR_USER,      /* issued for another user */
    DC_PF_ERR_SECRET,    /* the secret is missing, insecure or malformed */
    DC_PF_ERR_NOMEM,
};

const char *dc_pf_status_str(enum dc_pf_status s);

/* A loaded probe file. doc owns everything; summary/categories are borrowed from it. */
struct dc_probefile {
    json_t *doc;
    json_t *summary;    /* object */
    json_t *categories; /* array */
    char checksum[DC_PF_HEX_LEN + 1];
    int was_gzip; /* 1 when the file was gzip, 0 when plain JSON */
};

/*
 * Read a probe file (gzip or plain JSON, detected by magic), bounded by
 * DC_PF_MAX_DECOMPRESSED, and check its structure (not the MAC). The file is opened with
 * O_NOFOLLOW unless follow_symlinks is set. On error, *detail (if not NULL) gets a malloc'ed
 * human-readable explanation. Free with dc_pf_free().
 */
enum dc_pf_status dc_pf_read(const char *path, int follow_symlinks, struct dc_probefile *pf,
                             char **detail);
/* Same, from a buffer in memory (used by the fuzzer and the signer). */
enum dc_pf_status dc_pf_parse(const void *buf, size_t len, struct dc_probefile *pf, char **detail);
void dc_pf_free(struct dc_probefile *pf);

/*
 * The canonical signing payload P for summary S and categories C (both borrowed), as a
 * malloc'ed byte string (not NUL-terminated in meaning; *len is authoritative).
 * Fails with DC_PF_ERR_CONTROL when a string holds a control character.
 */
enum dc_pf_status dc_pf_payload(const json_t *summary, const json_t *categories, char **bytes,
                                size_t *len);

/* HMAC-SHA256 of data under key, as 64 lowercase hex characters plus NUL. Returns 0 or -1. */
int dc_pf_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
                   char out[DC_PF_HEX_LEN + 1]);

/* Constant-time comparison of two 64-char hex MACs: 1 equal, 0 not. */
int dc_pf_mac_equal(const char *a, const char *b);

/*
 * Verify: MAC under key, then the time window (expires_at > now, issued_at <= now + 300 s
 * skew) when the summary has them, then, when expected_uid is not (uid_t)-1 ... see
 * dc_pf_check_user. now == 0 means time(NULL).
 */
enum dc_pf_status dc_pf_verify(const struct dc_probefile *pf, const void *key, size_t keylen,
                               time_t now);
/* summary.uid (and summary.user when present) must name uid. */
enum dc_pf_status dc_pf_check_user(const struct dc_probefile *pf, unsigned uid);

/*
 * Write a signed document {summary, categories, checksum_algorithm, checksum} to path
 * atomically (temp file + rename, via common/atomic.h) with the given mode, gzip when gzip != 0.
 */
enum dc_pf_status dc_pf_write(const char *path, const json_t *summary, const json_t *categories,
                              const char *checksum_hex, int gzip, unsigned mode);

/* RFC 3339 UTC timestamps ("2026-11-22T01:59:34Z") used in summary.issued_at/expires_at. */
int dc_pf_time_format(time_t t, char out[32]);
int dc_pf_time_parse(const char *s, time_t *out);

/*
 * The secret (ARCHITECTURE 4.2): load it after the path security checks (common/path.h with
 * DC_PATH_REGULAR|DC_PATH_SECRET), requiring exactly 64 lowercase hex characters and no newline.
 * key receives the 64 bytes as they are in the file (they are the HMAC key). Returns DC_PF_OK or
 * DC_PF_ERR_SECRET with the reason in why. Callers explicit_bzero() the key when done.
 */
enum dc_pf_status dc_pf_secret_load(const char *path, unsigned char key[DC_PF_HEX_LEN], char *why,
                                    size_t whylen);

#endif
