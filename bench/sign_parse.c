/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sign_parse - CPU cost of each step of one sign request, jansson against the signer's
 * canonical parser (src/sign_probes/canon.h). Used by bench/sign_bench.sh; not installed.
 *
 *   sign_parse REQUEST_FILE [ITERATIONS]
 *
 * REQUEST_FILE is a sign_probe_payload request (tests/integration/sign_probes/sign_client
 * request ...). Prints one "step us_per_request" line per step; the last line is the whole
 * handler (parse, policy with real path checks as the caller, HMAC, response) against the
 * kernel symbols of this machine; the caller is summary.uid of the payload (run as root).
 */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canon.h"
#include "handler.h"
#include "probefile.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1u << 16, n = 0, r;
    char *buf = malloc(cap);

    if (!f || !buf)
        return NULL;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *b = realloc(buf, cap *= 2);

            if (!b)
                return NULL;
            buf = b;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static void report(const char *step, double t0, int iterations)
{
    printf("%-34s %9.1f\n", step, (now_s() - t0) / iterations * 1e6);
}

int main(int argc, char **argv)
{
    static const unsigned char key[DC_PF_HEX_LEN] = "00112233445566778899aabbccddeeff"
                                                    "00112233445566778899aabbccddeeff";
    struct dc_handler h = {.max_functions = 1000000, .validity = 366L * 86400, .quiet = 1};
    struct dc_peer peer = {0};
    struct passwd *pw;
    struct dc_canon_error cerr;
    json_error_t jerr;
    json_t *req, *doc;
    const char *payload;
    size_t len, plen;
    char *buf, mac[DC_PF_HEX_LEN + 1], err[512];
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    double t0;

    if (argc < 2 || n < 1 || !(buf = read_all(argv[1], &len))) {
        fprintf(stderr, "usage: sign_parse REQUEST_FILE [ITERATIONS]\n");
        return 2;
    }
    req = json_loadb(buf, len, 0, &jerr);
    payload = json_string_value(json_object_get(json_object_get(req, "params"), "signing_payload"));
    if (!payload) {
        fprintf(stderr, "sign_parse: %s is not a sign_probe_payload request\n", argv[1]);
        return 2;
    }
    plen = json_string_length(json_object_get(json_object_get(req, "params"), "signing_payload"));
    doc = json_loadb(payload, plen, 0, &jerr);
    /* The caller is whoever the payload was made for (run as root to take that identity). */
    peer.uid = (uid_t)json_integer_value(json_object_get(json_object_get(doc, "summary"), "uid"));
    pw = getpwuid(peer.uid);
    peer.gid = pw ? pw->pw_gid : (gid_t)-1;
    printf("# request %zu bytes, payload %zu bytes, %d iterations, microseconds per request\n", len,
           plen, n);

    t0 = now_s();
    for (int i = 0; i < n; i++)
        json_decref(json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr));
    report("envelope jansson", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++)
        json_decref(dc_canon_parse(buf, len, 64, &cerr));
    report("envelope canon", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++)
        json_decref(json_loadb(payload, plen, JSON_REJECT_DUPLICATES, &jerr));
    report("payload jansson parse", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        char *again = NULL;
        size_t alen;

        dc_pf_payload(json_object_get(doc, "summary"), json_object_get(doc, "categories"), &again,
                      &alen);
        free(again);
    }
    report("payload jansson dump (canonical?)", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        json_t *s = NULL, *c = NULL;
        char *detail = NULL;

        dc_pf_payload_parse(payload, plen, &s, &c, &detail);
        json_decref(s);
        json_decref(c);
        free(detail);
    }
    report("payload dc_pf_payload_parse", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++)
        json_decref(dc_canon_parse(payload, plen, 1u << 20, &cerr));
    report("payload canon", t0, n);
    t0 = now_s();
    for (int i = 0; i < n; i++)
        dc_pf_hmac_hex(key, sizeof(key), payload, plen, mac);
    report("hmac-sha256", t0, n);

    if (dc_handler_init(&h, key, sizeof(key)) < 0)
        return 1;
    dc_handler_set_ksyms(&h, dc_ksyms_load(NULL, err, sizeof(err)));
    {
        struct dc_request_input in = {.buf = buf, .len = len};
        size_t rlen;
        char *resp = dc_handle_request(&h, &peer, &in, &rlen);

        if (!resp || !strstr(resp, "\"result\":"))
            printf("# the handler refused the request: %.300s\n", resp ? resp : "(nothing)");
        free(resp);
        dc_peer_clear(&peer);
    }
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        struct dc_request_input in = {.buf = buf, .len = len};
        size_t rlen;

        free(dc_handle_request(&h, &peer, &in, &rlen));
        dc_peer_clear(&peer);
    }
    report("whole handler (canon)", t0, n);
    dc_handler_destroy(&h);
    json_decref(doc);
    json_decref(req);
    free(buf);
    return 0;
}
