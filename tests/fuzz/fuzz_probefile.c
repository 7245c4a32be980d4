/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_probefile.c - libFuzzer target for the probe file reader (dc_pf_parse), the canonical
 * payload and the secret's content rules.
 *
 * Besides "no crash, no leak, no UB", it checks the signing invariant: whatever the reader
 * accepts has a canonical payload, which the signer's dc_pf_payload_parse accepts back and
 * which serialises to the same bytes again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char KEY[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void check_payload_round_trip(const struct dc_probefile *pf)
{
    char *p = NULL, *again = NULL, *detail = NULL;
    size_t n, n2;
    json_t *s = NULL, *c = NULL;

    if (dc_pf_payload(pf->summary, pf->categories, &p, &n) != DC_PF_OK)
        abort(); /* the reader accepted something that cannot be signed */
    if (dc_pf_payload_parse(p, n, &s, &c, &detail) != DC_PF_OK)
        abort(); /* the signer would refuse the canonical form */
    if (dc_pf_payload(s, c, &again, &n2) != DC_PF_OK || n2 != n || memcmp(p, again, n) != 0)
        abort(); /* canonical form is not a fixed point */
    free(again);
    free(detail);
    json_decref(s);
    json_decref(c);
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dc_probefile pf;
    char *detail = NULL;
    char why[256];
    json_t *s = NULL, *c = NULL;

    if (dc_pf_parse(data, size, &pf, &detail) == DC_PF_OK) {
        time_t t;

        check_payload_round_trip(&pf);
        (void)dc_pf_verify(&pf, KEY, sizeof(KEY) - 1, 1767225600);
        (void)dc_pf_summary_time(&pf, "expires_at", &t);
        dc_pf_free(&pf);
    }
    free(detail);
    detail = NULL;
    /* The same bytes as a payload sent to the signer. */
    if (dc_pf_payload_parse(data, size, &s, &c, &detail) == DC_PF_OK) {
        json_decref(s);
        json_decref(c);
    }
    free(detail);
    (void)dc_pf_secret_classify(data, size, why, sizeof(why));
    return 0;
}
