/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * handler.h - one request in, one response out, one log line.
 *
 * Methods: sign_probe_payload {signing_payload} -> {checksum}, and status -> {version,
 * key_fingerprint, kernel_symbols}. Called from the worker threads: the handler is shared,
 * read-only except for the kernel symbol set, which dc_handler_set_ksyms() swaps under a lock.
 */
#ifndef DC_SIGN_HANDLER_H
#define DC_SIGN_HANDLER_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "access.h"
#include "ksyms.h"
#include "peer.h"
#include "probefile.h"
#include "rpc.h"
#include "sitepolicy.h"

struct dc_handler {
    const unsigned char *key; /* the secret (not owned) */
    size_t keylen;
    char fingerprint[DC_PF_FPR_LEN + 1];
    long max_functions;
    long validity;
    char admin_group[64];
    int have_admin_gid;
    gid_t admin_gid;
    enum dc_access (*readable)(const struct dc_peer *p, const char *path, char *why, size_t whylen);
    time_t (*clock)(void); /* NULL: time() */
    int quiet;             /* no log lines (fuzzer) */
    pthread_rwlock_t lock; /* guards ksyms and site */
    struct dc_ksyms *ksyms;
    struct dc_site_policy *site; /* the probe policy (NULL: nothing allowed) */
};

/* The request bytes. release (may be NULL) is called as soon as they have been parsed, so
 * that a large request is freed before its payload is checked. */
struct dc_request_input {
    const char *buf;
    size_t len;
    void (*release)(void *arg);
    void *arg;
};

/* key must stay valid while h is used. Returns 0 or -1. */
int dc_handler_init(struct dc_handler *h, const unsigned char *key, size_t keylen);
/* Replace the kernel symbol set (h takes ownership; the old one is freed). */
void dc_handler_set_ksyms(struct dc_handler *h, struct dc_ksyms *k);
/* Replace the probe policy (h takes ownership of p, malloc'ed; the old one is freed). */
void dc_handler_set_site(struct dc_handler *h, struct dc_site_policy *p);
void dc_handler_destroy(struct dc_handler *h);

/*
 * Handle one request from peer. Returns the malloc'ed response (length in *len), or NULL when
 * none is due (a notification) or memory ran out. Logs the decision.
 */
char *dc_handle_request(struct dc_handler *h, struct dc_peer *peer,
                        const struct dc_request_input *in, size_t *len);

/* A response for a refusal decided before any parsing (too large, timeout, busy), logged the
 * same way. */
char *dc_handle_refusal(struct dc_handler *h, const struct dc_peer *peer, int code,
                        const char *message, size_t *len);

#endif
