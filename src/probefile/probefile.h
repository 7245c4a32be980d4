/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probefile.h - the signed probe file v1 (docs/design.md §4.3): canonical JSON, HMAC-SHA256,
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

#define DC_PF_ALGORITHM  "hmac-sha256"
#define DC_PF_HEX_LEN    64  /* checksum and secret: 64 lowercase hex chars */
#define DC_PF_FPR_LEN    16  /* secret fingerprint: 16 lowercase hex chars */
#define DC_PF_CLOCK_SKEW 300 /* seconds issued_at may lie in the future */
/*
 * Readers refuse more than this many bytes of JSON, gzip'ed or not (gzip bombs, and jansson
 * needs up to ~70 bytes of memory per byte of hostile JSON). A probe file at the 16384-function
 * limit with argument specs is a few MiB.
 */
#define DC_PF_MAX_DECOMPRESSED (16u << 20)

/* Which check failed; each has a distinct message (dc_pf_status_str) and tools map them to
 * exit codes. */
enum dc_pf_status {
    DC_PF_OK = 0,
    DC_PF_ERR_IO,        /* cannot open or read the file */
    DC_PF_ERR_TOO_LARGE, /* decompressed size over the cap */
    DC_PF_ERR_GZIP,      /* corrupt or truncated gzip stream, or data after it */
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

/* Category types (summary of upstream's ProbeType), and their names for humans. */
enum dc_pf_type {
    DC_PF_SYSCALLS = 0,
    DC_PF_KPROBE = 1,
    DC_PF_UPROBE = 2,
    DC_PF_USDT = 3,
    DC_PF_CUSTOM = 4,
};
/* "syscalls", "kprobe", "uprobe", "usdt", "custom", or "unknown". */
const char *dc_pf_type_name(json_int_t type);

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
 * O_NOFOLLOW unless follow_symlinks is set, and must be a regular file. On error, *detail (if
 * not NULL) gets a malloc'ed human-readable explanation. Free with dc_pf_free().
 *
 * Structure: exactly the four keys above in that order; summary an object whose known keys
 * have their types (strings; uid a non-negative integer; issued_at/expires_at RFC 3339);
 * categories an array of objects with an integer type, a string name and an array of string
 * functions; no control character and no non-integer number anywhere in summary/categories.
 */
enum dc_pf_status dc_pf_read(const char *path, int follow_symlinks, struct dc_probefile *pf,
                             char **detail);
/* Same, from a buffer in memory (used by the fuzzer and the signer). */
enum dc_pf_status dc_pf_parse(const void *buf, size_t len, struct dc_probefile *pf, char **detail);
void dc_pf_free(struct dc_probefile *pf);

/*
 * The canonical signing payload P for summary S and categories C (both borrowed), as a
 * malloc'ed byte string (NUL-terminated for convenience; *len is authoritative).
 * Fails with DC_PF_ERR_CONTROL when a string holds a control character, DC_PF_ERR_SCHEMA when
 * S is not an object, C not an array, or either holds a non-integer number or invalid UTF-8.
 */
enum dc_pf_status dc_pf_payload(const json_t *summary, const json_t *categories, char **bytes,
                                size_t *len);

/*
 * The reverse, for the signer: parse a payload received from a client and accept it only when
 * it is exactly the canonical P of what it holds (so the MAC the signer computes over those
 * bytes is the one every verifier recomputes). On success *summary and *categories are new
 * references. Errors as dc_pf_parse (DC_PF_ERR_SCHEMA when the bytes are not canonical).
 */
enum dc_pf_status dc_pf_payload_parse(const void *buf, size_t len, json_t **summary,
                                      json_t **categories, char **detail);

/* HMAC-SHA256 of data under key, as 64 lowercase hex characters plus NUL. Returns 0 or -1. */
int dc_pf_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
                   char out[DC_PF_HEX_LEN + 1]);

/* Constant-time comparison of two 64-char hex MACs: 1 equal, 0 not. */
int dc_pf_mac_equal(const char *a, const char *b);

/* 1 when s is exactly 64 lowercase hex characters. */
int dc_pf_is_hex64(const char *s);

/* Payload + HMAC in one step: the checksum of (summary, categories) under key. */
enum dc_pf_status dc_pf_sign(const json_t *summary, const json_t *categories, const void *key,
                             size_t keylen, char out[DC_PF_HEX_LEN + 1]);

/*
 * Verify: MAC under key, then the time window (expires_at > now, issued_at <= now +
 * DC_PF_CLOCK_SKEW) when the summary has them. now == 0 means time(NULL). Callers that trace
 * for a user also call dc_pf_check_user.
 */
enum dc_pf_status dc_pf_verify(const struct dc_probefile *pf, const void *key, size_t keylen,
                               time_t now);
/*
 * summary.uid must be present and equal uid; summary.user, when present, must be the name of
 * that uid in the user database.
 */
enum dc_pf_status dc_pf_check_user(const struct dc_probefile *pf, unsigned uid);

/*
 * Read summary.issued_at / summary.expires_at. Returns 1 with *t set, 0 when the key is absent,
 * -1 when it is not a valid timestamp.
 */
int dc_pf_summary_time(const struct dc_probefile *pf, const char *key, time_t *t);

/*
 * Write a signed document {summary, categories, checksum_algorithm, checksum} to path
 * atomically (temp file + rename, via common/atomic.h) with the given mode, gzip when gzip != 0.
 * The JSON is indented by 2 (whitespace is not signed). Returns DC_PF_ERR_IO with errno set
 * when the file cannot be written.
 */
enum dc_pf_status dc_pf_write(const char *path, const json_t *summary, const json_t *categories,
                              const char *checksum_hex, int gzip, unsigned mode);

/* RFC 3339 UTC timestamps ("2026-11-22T01:59:34Z") used in summary.issued_at/expires_at.
 * Parsing accepts exactly that form. Both return 0 or -1. */
int dc_pf_time_format(time_t t, char out[32]);
int dc_pf_time_parse(const char *s, time_t *out);

/*
 * The secret (docs/design.md §4.2). Each way it can be unusable has its own reason, message
 * (dc_pf_secret_reason_str) and, in datacrumbs_secret(8), exit code.
 */
enum dc_pf_secret_reason {
    DC_SECRET_OK = 0,
    DC_SECRET_MISSING,         /* no such file */
    DC_SECRET_SYMLINK,         /* the file is a symbolic link */
    DC_SECRET_NOT_REGULAR,     /* not a regular file */
    DC_SECRET_BAD_OWNER,       /* not owned by root */
    DC_SECRET_GROUP_WRITABLE,  /* mode allows the group to write */
    DC_SECRET_WORLD_WRITABLE,  /* mode allows others to write */
    DC_SECRET_GROUP_READABLE,  /* mode allows the group to read */
    DC_SECRET_WORLD_READABLE,  /* mode allows others to read */
    DC_SECRET_PARENT_INSECURE, /* a parent directory is writable by others or not root's */
    DC_SECRET_UNREADABLE,      /* cannot be checked or opened (not root, I/O error) */
    DC_SECRET_EMPTY,           /* zero bytes */
    DC_SECRET_WRONG_LENGTH,    /* not 64 bytes */
    DC_SECRET_NOT_HEX,         /* a byte outside [0-9a-fA-F] */
    DC_SECRET_UPPERCASE,       /* hex, but with A-F */
    DC_SECRET_NEWLINE,         /* 64 hex characters followed by a newline */
};

const char *dc_pf_secret_reason_str(enum dc_pf_secret_reason r);

/*
 * Load the secret after the path security checks (common/path.h with
 * DC_PATH_REGULAR|DC_PATH_SECRET, then again with fstat on the opened file), requiring exactly
 * 64 lowercase hex characters and no newline. key receives the 64 bytes as they are in the
 * file (they are the HMAC key). Returns the reason; the full message naming the path is in why.
 * Callers explicit_bzero() the key when done.
 */
enum dc_pf_secret_reason dc_pf_secret_read(const char *path, unsigned char key[DC_PF_HEX_LEN],
                                           char *why, size_t whylen);
/* The same as a dc_pf_status: DC_PF_OK or DC_PF_ERR_SECRET. */
enum dc_pf_status dc_pf_secret_load(const char *path, unsigned char key[DC_PF_HEX_LEN], char *why,
                                    size_t whylen);
/* The content rules alone, for len bytes read from a secret file. */
enum dc_pf_secret_reason dc_pf_secret_classify(const void *buf, size_t len, char *why,
                                               size_t whylen);
/*
 * A short digest that is safe to print, for comparing the secrets of two nodes: the first 16
 * hex characters of SHA-256("datacrumbs-fingerprint-v1" || key). Returns 0 or -1.
 */
int dc_pf_secret_fingerprint(const void *key, size_t keylen, char out[DC_PF_FPR_LEN + 1]);

#endif
