/* SPDX-License-Identifier: BSD-3-Clause */
/* rpc.c - JSON-RPC 2.0 envelope: strict parsing and upstream-shaped responses (see rpc.h). */
#include "rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "jsonscan.h"

#define ID_MAX     256 /* longest string id we echo */
#define METHOD_MAX 128 /* longest method name we look at */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH)

const char *dc_rpc_code_name(int code)
{
    switch (code) {
    case DC_RPC_PARSE_ERROR: return "parse error";
    case DC_RPC_INVALID_REQUEST: return "invalid request";
    case DC_RPC_METHOD_NOT_FOUND: return "method not found";
    case DC_RPC_INVALID_PARAMS: return "invalid params";
    case DC_RPC_INTERNAL_ERROR: return "internal error";
    case DC_RPC_PAYLOAD_INVALID: return "payload invalid";
    case DC_RPC_IDENTITY: return "identity";
    case DC_RPC_PATH_DENIED: return "path denied";
    case DC_RPC_TOO_MANY_FUNCTIONS: return "too many functions";
    case DC_RPC_UNKNOWN_SYMBOL: return "unknown kernel symbol";
    case DC_RPC_VALIDITY: return "validity";
    case DC_RPC_NOT_ADMIN: return "not admin";
    case DC_RPC_RETURN_UNSAFE: return "return probe unsafe";
    case DC_RPC_CAPTURE_DENIED: return "capture denied";
    case DC_RPC_TOO_LARGE: return "too large";
    case DC_RPC_TIMEOUT: return "timeout";
    case DC_RPC_BUSY: return "busy";
    default: return "error";
    }
}

static int fail(char *msg, size_t msglen, int code, const char *text)
{
    snprintf(msg, msglen, "%s", text);
    return code;
}

static int id_valid(const json_t *id)
{
    if (json_is_string(id))
        return json_string_length(id) <= ID_MAX;
    return json_is_integer(id) || json_is_null(id);
}

/* Everything after json_load: the shape of the envelope. */
static int check_envelope(struct dc_rpc_request *rq, char *msg, size_t msglen)
{
    json_t *root = rq->root, *id, *version, *method, *value;
    const char *key;

    if (!json_is_object(root))
        return fail(msg, msglen, DC_RPC_INVALID_REQUEST,
                    "the request must be a JSON object (batches are not supported)");
    id = json_object_get(root, "id");
    if (id && !id_valid(id))
        return fail(msg, msglen, DC_RPC_INVALID_REQUEST,
                    "id must be a string of at most 256 bytes, an integer or null");
    rq->id = id;
    json_object_foreach(root, key, value)
    {
        if (strcmp(key, "jsonrpc") && strcmp(key, "id") && strcmp(key, "method") &&
            strcmp(key, "params")) {
            snprintf(msg, msglen, "unknown key '%.64s' in the request", key);
            return DC_RPC_INVALID_REQUEST;
        }
    }
    version = json_object_get(root, "jsonrpc");
    if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0)
        return fail(msg, msglen, DC_RPC_INVALID_REQUEST, "jsonrpc must be \"2.0\"");
    method = json_object_get(root, "method");
    if (!json_is_string(method) || json_string_length(method) == 0 ||
        json_string_length(method) > METHOD_MAX)
        return fail(msg, msglen, DC_RPC_INVALID_REQUEST, "method must be a non-empty string");
    rq->method = json_string_value(method);
    rq->params = json_object_get(root, "params");
    if (rq->params && !json_is_object(rq->params) && !json_is_array(rq->params))
        return fail(msg, msglen, DC_RPC_INVALID_REQUEST, "params must be an object or an array");
    return 0;
}

int dc_rpc_parse(const char *buf, size_t len, struct dc_rpc_request *rq, char *msg, size_t msglen)
{
    struct dc_canon_error cerr;
    struct dc_jsonscan scan = {0};
    json_error_t jerr;

    memset(rq, 0, sizeof(*rq));
    /* Clients that build the request like upstream (compact, '/' escaped) send canonical
     * JSON: the fast parser reads it in one pass, and its large string (the payload) is
     * decoded at memory speed. */
    rq->root = dc_canon_parse(buf, len, DC_RPC_MAX_VALUES, &cerr);
    if (rq->root)
        return check_envelope(rq, msg, msglen);
    if (cerr.result == DC_CANON_NOMEM)
        return fail(msg, msglen, DC_RPC_INTERNAL_ERROR, "out of memory");
    /* jansson builds every value it reads (tens of bytes each): count them first. */
    dc_jsonscan_feed(&scan, buf, len);
    if (cerr.result == DC_CANON_TOO_MANY || scan.values >= DC_RPC_MAX_VALUES) {
        snprintf(msg, msglen, "the request holds more than %d JSON values", DC_RPC_MAX_VALUES);
        return DC_RPC_INVALID_REQUEST;
    }
    /* Any other JSON (whitespace, \u escapes, a raw '/') and every error: jansson has the
     * last word, and the better message. Duplicate keys would let the log, the policy and a
     * later reader disagree on a value. */
    rq->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!rq->root) {
        if (json_error_code(&jerr) == json_error_duplicate_key)
            return fail(msg, msglen, DC_RPC_INVALID_REQUEST, jerr.text);
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return fail(msg, msglen, DC_RPC_INTERNAL_ERROR, "out of memory");
        snprintf(msg, msglen, "failed to parse the request: %s (at byte %d)", jerr.text,
                 jerr.position);
        return DC_RPC_PARSE_ERROR;
    }
    return check_envelope(rq, msg, msglen);
}

void dc_rpc_request_free(struct dc_rpc_request *rq)
{
    json_decref(rq->root);
    memset(rq, 0, sizeof(*rq));
}

static char *respond(const json_t *id, const char *kind, json_t *body, size_t *len)
{
    json_t *resp = json_object();
    char *out = NULL;

    if (!resp || !body)
        goto out;
    if (json_object_set_new(resp, "jsonrpc", json_string("2.0")) < 0 ||
        json_object_set_new(resp, "id", id ? json_deep_copy(id) : json_null()) < 0 ||
        json_object_set(resp, kind, body) < 0)
        goto out;
    out = json_dumps(resp, DUMP_FLAGS);
    if (out)
        *len = strlen(out);
out:
    json_decref(resp);
    json_decref(body);
    return out;
}

char *dc_rpc_result(const json_t *id, json_t *result, size_t *len)
{
    return respond(id, "result", result, len);
}

/* Messages quote user data and may have been cut inside a UTF-8 sequence; jansson refuses
 * invalid UTF-8, so replace every byte that does not start a complete sequence. */
static void utf8_clean(char *s)
{
    unsigned char *p = (unsigned char *)s;

    while (*p) {
        size_t n = *p < 0x80             ? 1
                   : (*p & 0xe0) == 0xc0 ? 2
                   : (*p & 0xf0) == 0xe0 ? 3
                   : (*p & 0xf8) == 0xf0 ? 4
                                         : 0;
        size_t i;

        for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
            ;
        if (n == 0 || i < n) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

char *dc_rpc_error(const json_t *id, int code, const char *message, size_t *len)
{
    char *clean = strdup(message);
    json_t *body = NULL;
    char *out;

    if (clean) {
        utf8_clean(clean);
        body = json_pack("{s:i,s:s}", "code", code, "message", clean);
        if (!body) /* overlong or surrogate encodings: give up on the text, keep the code */
            body = json_pack("{s:i,s:s}", "code", code, "message", dc_rpc_code_name(code));
    }
    out = respond(id, "error", body, len);
    free(clean);
    return out;
}
