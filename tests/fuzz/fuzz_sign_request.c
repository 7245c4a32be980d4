/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_sign_request - libFuzzer target for the request parser of datacrumbs_sign_probes.
 *
 * For each input:
 *  1. The canonical parser (src/sign_probes/canon.h) against jansson. Whatever canon accepts,
 *     jansson accepts as an equal value, and dumps back to exactly the input; whatever jansson
 *     reads and dumps back to exactly the input (within canon's rules: no control characters,
 *     no reals, depth <= 64), canon accepts. A difference aborts.
 *  2. The input as a whole request (envelope parser, dispatch, policy, response).
 *  3. The input as the signing_payload of a well-formed request (the policy on its own).
 * Every response must be one JSON object with "jsonrpc":"2.0".
 *
 * Run: tests/fuzz/run-fuzz.sh fuzz_sign_request SECONDS (seeds in tests/fuzz/corpus/sign_request).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canon.h"
#include "handler.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER)
#define NOW        1800000000 /* the seeds' summaries are issued at 2027-01-15T08:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dc_handler handler;
static struct dc_peer peer;

static time_t fixed_clock(void)
{
    return NOW;
}

/* No file system access: "/ok/..." is readable, "/fail/..." cannot be checked, the rest not. */
static enum dc_access fake_readable(const struct dc_peer *p, const char *path, char *why,
                                    size_t whylen)
{
    (void)p;
    if (strncmp(path, "/ok/", 4) == 0)
        return DC_ACCESS_OK;
    snprintf(why, whylen, "%s: no", path);
    return strncmp(path, "/fail/", 6) == 0 ? DC_ACCESS_FAILED : DC_ACCESS_DENIED;
}

static void init(void)
{
    static const char *const names[] = {"vfs_read", "__x64_sys_openat", "__x64_sys_read",
                                        "sys_close"};
    static const unsigned char key[64] = "0123456789abcdef0123456789abcdef"
                                         "0123456789abcdef0123456789abcdef";

    handler.max_functions = 64;
    handler.validity = 7 * 86400;
    handler.quiet = 1;
    handler.clock = fixed_clock;
    handler.readable = fake_readable;
    snprintf(handler.admin_group, sizeof(handler.admin_group), "adm");
    handler.have_admin_gid = 1;
    handler.admin_gid = 4;
    if (dc_handler_init(&handler, key, sizeof(key)) < 0)
        abort();
    dc_handler_set_ksyms(&handler, dc_ksyms_from_names(names, sizeof(names) / sizeof(names[0])));
    peer.uid = getuid();
    peer.gid = getgid();
}

/* Within canon's rules: strings and keys without control characters, integers only, and
 * nesting of at most depth levels. */
static int in_canon_rules(const json_t *j, int depth)
{
    const char *key;
    json_t *v;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        if (depth > DC_CANON_MAX_DEPTH)
            return 0;
        json_object_foreach((json_t *)(uintptr_t)j, key, v)
        {
            for (const char *p = key; *p; p++)
                if ((unsigned char)*p < 0x20)
                    return 0;
            if (!in_canon_rules(v, depth + 1))
                return 0;
        }
        return 1;
    case JSON_ARRAY:
        if (depth > DC_CANON_MAX_DEPTH)
            return 0;
        for (size_t i = 0; i < json_array_size(j); i++)
            if (!in_canon_rules(json_array_get(j, i), depth + 1))
                return 0;
        return 1;
    case JSON_STRING:
        for (size_t i = 0; i < json_string_length(j); i++)
            if ((unsigned char)json_string_value(j)[i] < 0x20)
                return 0;
        return 1;
    case JSON_REAL: return 0;
    default: return 1;
    }
}

static void cross_check(const char *buf, size_t len)
{
    struct dc_canon_error err;
    json_error_t jerr;
    json_t *c = dc_canon_parse(buf, len, 1u << 20, &err);
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    char *dump;

    if (c) {
        if (!j || !json_equal(c, j)) {
            fprintf(stderr, "canon accepted what jansson reads differently: %s\n",
                    j ? "another value" : jerr.text);
            abort();
        }
        dump = json_dumps(c, DUMP_FLAGS);
        if (!dump || strlen(dump) != len || memcmp(dump, buf, len) != 0) {
            fprintf(stderr, "canon accepted non-canonical input\n");
            abort();
        }
        free(dump);
    } else if (err.result == DC_CANON_INVALID && j && in_canon_rules(j, 1)) {
        dump = json_dumps(j, DUMP_FLAGS);
        if (dump && strlen(dump) == len && memcmp(dump, buf, len) == 0) {
            fprintf(stderr, "canon refused canonical input: %s at %zu\n", err.reason, err.offset);
            abort();
        }
        free(dump);
    }
    json_decref(c);
    json_decref(j);
}

static void check_response(const char *resp, size_t len)
{
    json_error_t jerr;
    json_t *r;

    if (!resp)
        return;
    r = json_loadb(resp, len, 0, &jerr);
    if (!json_is_object(r) || !json_is_string(json_object_get(r, "jsonrpc")) ||
        strcmp(json_string_value(json_object_get(r, "jsonrpc")), "2.0") != 0) {
        fprintf(stderr, "bad response: %.*s\n", (int)len, resp);
        abort();
    }
    json_decref(r);
}

static void handle(const char *buf, size_t len)
{
    struct dc_request_input in = {.buf = buf, .len = len};
    size_t rlen = 0;
    char *resp = dc_handle_request(&handler, &peer, &in, &rlen);

    check_response(resp, rlen);
    free(resp);
    dc_peer_clear(&peer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    const char *buf = (const char *)data;
    json_t *req, *payload;
    char *text;

    if (!ready) {
        init();
        ready = 1;
    }
    cross_check(buf, size);
    handle(buf, size);
    /* The same bytes as the payload (jansson holds only valid UTF-8 strings). */
    payload = json_stringn(buf, size);
    if (!payload)
        return 0;
    req = json_pack("{s:s,s:i,s:s,s:{s:o}}", "jsonrpc", "2.0", "id", 1, "method",
                    "sign_probe_payload", "params", "signing_payload", payload);
    text = req ? json_dumps(req, DUMP_FLAGS) : NULL;
    if (text)
        handle(text, strlen(text));
    free(text);
    json_decref(req);
    return 0;
}
