/* SPDX-License-Identifier: BSD-3-Clause */
/* handler.c - dispatch of one JSON-RPC request, and its log line (see handler.h). */
#include "handler.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_config.h"
#include "log.h"
#include "policy.h"

int dc_handler_init(struct dc_handler *h, const unsigned char *key, size_t keylen)
{
    h->key = key;
    h->keylen = keylen;
    if (dc_pf_secret_fingerprint(key, keylen, h->fingerprint) < 0)
        return -1;
    if (!h->readable)
        h->readable = dc_access_readable;
    return pthread_rwlock_init(&h->lock, NULL) == 0 ? 0 : -1;
}

void dc_handler_set_ksyms(struct dc_handler *h, struct dc_ksyms *k)
{
    struct dc_ksyms *old;

    pthread_rwlock_wrlock(&h->lock);
    old = h->ksyms;
    h->ksyms = k;
    pthread_rwlock_unlock(&h->lock);
    dc_ksyms_free(old);
}

static void site_free(struct dc_site_policy *p)
{
    if (p)
        dc_sp_free(p);
    free(p);
}

void dc_handler_set_site(struct dc_handler *h, struct dc_site_policy *p)
{
    struct dc_site_policy *old;

    pthread_rwlock_wrlock(&h->lock);
    old = h->site;
    h->site = p;
    pthread_rwlock_unlock(&h->lock);
    site_free(old);
}

void dc_handler_destroy(struct dc_handler *h)
{
    dc_ksyms_free(h->ksyms);
    h->ksyms = NULL;
    site_free(h->site);
    h->site = NULL;
    pthread_rwlock_destroy(&h->lock);
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32) {
        snprintf(out, 65, "-");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

/*
 * The one line per decision. It leads with who asked, as the kernel says (SO_PEERCRED, and the
 * user database's name for the uid); whatever the caller wrote (the method, a reason that
 * quotes the request) comes after, quoted and bounded (dc_log_quote), so it cannot end the
 * line or pass for the part that is ours.
 */
static void log_decision(const struct dc_handler *h, const struct dc_peer *peer, const char *method,
                         const char *sha, size_t bytes, int code, const char *why)
{
    char m[64 * 4 + 8], w[512 * 4 + 8];

    if (h->quiet)
        return;
    dc_log_quote(method, 64, m, sizeof(m));
    if (code == 0)
        dc_info("uid=%u user=%s pid=%d method=%s bytes=%zu sha256=%s accepted", (unsigned)peer->uid,
                peer->user[0] ? peer->user : "?", (int)peer->pid, m, bytes, sha);
    else
        dc_info("uid=%u user=%s pid=%d method=%s bytes=%zu sha256=%s refused (%d %s): %s",
                (unsigned)peer->uid, peer->user[0] ? peer->user : "?", (int)peer->pid, m, bytes,
                sha, code, dc_rpc_code_name(code), dc_log_quote(why, 512, w, sizeof(w)));
}

static char *do_status(struct dc_handler *h, const json_t *id, size_t *len)
{
    size_t nsyms;

    pthread_rwlock_rdlock(&h->lock);
    nsyms = dc_ksyms_count(h->ksyms);
    pthread_rwlock_unlock(&h->lock);
    return dc_rpc_result(id,
                         json_pack("{s:s,s:s,s:I}", "version", DC_VERSION, "key_fingerprint",
                                   h->fingerprint, "kernel_symbols", (json_int_t)nsyms),
                         len);
}

static char *do_sign(struct dc_handler *h, struct dc_peer *peer, const struct dc_rpc_request *rq,
                     size_t bytes, size_t *len)
{
    json_t *payload = rq->params ? json_object_get(rq->params, "signing_payload") : NULL;
    struct dc_refusal *r = NULL;
    struct dc_policy pol;
    char sha[65] = "-", mac[DC_PF_HEX_LEN + 1];
    char *resp = NULL, *msg;
    int code;

    if (!json_is_object(rq->params) || json_object_size(rq->params) != 1 ||
        !json_is_string(payload)) {
        const char *why = "params must be {\"signing_payload\": STRING}";

        log_decision(h, peer, rq->method, sha, bytes, DC_RPC_INVALID_PARAMS, why);
        return dc_rpc_error(rq->id, DC_RPC_INVALID_PARAMS, why, len);
    }
    sha256_hex(json_string_value(payload), json_string_length(payload), sha);
    r = malloc(sizeof(*r));
    if (!r)
        return NULL;
    pol = (struct dc_policy){
        .max_functions = h->max_functions,
        .validity = h->validity,
        .admin_group = h->admin_group,
        .have_admin_gid = h->have_admin_gid,
        .admin_gid = h->admin_gid,
        .now = h->clock ? h->clock() : time(NULL),
        .readable = h->readable,
    };
    pthread_rwlock_rdlock(&h->lock);
    pol.ksyms = h->ksyms;
    pol.site = h->site;
    code = dc_policy_check(&pol, peer, json_string_value(payload), json_string_length(payload), r);
    pthread_rwlock_unlock(&h->lock);
    if (code != 0) {
        log_decision(h, peer, rq->method, sha, bytes, code, r->first);
        msg = dc_refusal_message(r);
        if (msg)
            resp = dc_rpc_error(rq->id, code, msg, len);
        free(msg);
        goto out;
    }
    if (dc_pf_hmac_hex(h->key, h->keylen, json_string_value(payload), json_string_length(payload),
                       mac) < 0) {
        log_decision(h, peer, rq->method, sha, bytes, DC_RPC_INTERNAL_ERROR,
                     "failed to compute probe signature");
        resp =
            dc_rpc_error(rq->id, DC_RPC_INTERNAL_ERROR, "failed to compute probe signature", len);
        goto out;
    }
    log_decision(h, peer, rq->method, sha, bytes, 0, NULL);
    resp = dc_rpc_result(rq->id, json_pack("{s:s}", "checksum", mac), len);
out:
    free(r);
    return resp;
}

char *dc_handle_request(struct dc_handler *h, struct dc_peer *peer,
                        const struct dc_request_input *in, size_t *len)
{
    struct dc_rpc_request rq;
    char msg[512];
    char *resp = NULL;
    int code;

    dc_peer_lookup_user(peer);
    code = dc_rpc_parse(in->buf, in->len, &rq, msg, sizeof(msg));
    if (in->release)
        in->release(in->arg);
    if (code != 0) {
        log_decision(h, peer, rq.method ? rq.method : "-", "-", in->len, code, msg);
        resp = dc_rpc_error(rq.id, code, msg, len);
    } else if (!rq.id) {
        /* JSON-RPC 2.0: a notification gets no response; a signature nobody receives is
         * pointless, so nothing is done either. */
        log_decision(h, peer, rq.method, "-", in->len, DC_RPC_INVALID_REQUEST,
                     "notification (no id): not answered");
    } else if (strcmp(rq.method, "sign_probe_payload") == 0) {
        resp = do_sign(h, peer, &rq, in->len, len);
    } else if (strcmp(rq.method, "status") == 0) {
        size_t nparams =
            json_is_object(rq.params) ? json_object_size(rq.params) : json_array_size(rq.params);

        if (nparams != 0) {
            log_decision(h, peer, rq.method, "-", in->len, DC_RPC_INVALID_PARAMS,
                         "status takes no params");
            resp = dc_rpc_error(rq.id, DC_RPC_INVALID_PARAMS, "status takes no params", len);
        } else {
            log_decision(h, peer, rq.method, "-", in->len, 0, NULL);
            resp = do_status(h, rq.id, len);
        }
    } else {
        snprintf(msg, sizeof(msg), "unsupported RPC method \"%.64s\"", rq.method);
        log_decision(h, peer, rq.method, "-", in->len, DC_RPC_METHOD_NOT_FOUND, msg);
        resp = dc_rpc_error(rq.id, DC_RPC_METHOD_NOT_FOUND, msg, len);
    }
    dc_rpc_request_free(&rq);
    return resp;
}

char *dc_handle_refusal(struct dc_handler *h, const struct dc_peer *peer, int code,
                        const char *message, size_t *len)
{
    log_decision(h, peer, "-", "-", 0, code, message);
    return dc_rpc_error(NULL, code, message, len);
}
