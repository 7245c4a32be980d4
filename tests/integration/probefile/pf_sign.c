/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_sign - test helper (not installed): write a signed probe file with the library, as the
 * signer and configurator will.
 *   pf_sign SUMMARY_JSON CATEGORIES_JSON KEY_FILE OUT [plain]
 * SUMMARY_JSON may hold "@VALIDITY" as issued_at/expires_at values: "@now" and "@+N"/"@-N"
 * (seconds from now) are replaced by RFC 3339 times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probefile.h"

static int fix_time(json_t *summary, const char *key)
{
    const char *v = json_string_value(json_object_get(summary, key));
    char buf[32];

    if (!v || v[0] != '@')
        return 0;
    if (dc_pf_time_format(time(NULL) + (strcmp(v, "@now") ? atol(v + 1) : 0), buf) < 0)
        return -1;
    return json_object_set_new(summary, key, json_string(buf));
}

int main(int argc, char **argv)
{
    json_error_t e;
    json_t *s, *c;
    unsigned char key[4096];
    char mac[DC_PF_HEX_LEN + 1];
    size_t keylen;
    FILE *f;
    enum dc_pf_status st;

    if (argc < 5) {
        fprintf(stderr, "usage: pf_sign SUMMARY_JSON CATEGORIES_JSON KEY_FILE OUT [plain]\n");
        return 2;
    }
    s = json_loads(argv[1], JSON_REJECT_DUPLICATES, &e);
    c = json_loads(argv[2], JSON_REJECT_DUPLICATES, &e);
    f = fopen(argv[3], "rb");
    if (!s || !c || !f) {
        fprintf(stderr, "pf_sign: bad input\n");
        return 1;
    }
    keylen = fread(key, 1, sizeof(key), f);
    fclose(f);
    if (fix_time(s, "issued_at") < 0 || fix_time(s, "expires_at") < 0)
        return 1;
    st = dc_pf_sign(s, c, key, keylen, mac);
    if (st == DC_PF_OK)
        st = dc_pf_write(argv[4], s, c, mac, !(argc > 5 && strcmp(argv[5], "plain") == 0), 0600);
    if (st != DC_PF_OK) {
        fprintf(stderr, "pf_sign: %s\n", dc_pf_status_str(st));
        return 1;
    }
    json_decref(s);
    json_decref(c);
    return 0;
}
