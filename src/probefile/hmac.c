/* SPDX-License-Identifier: BSD-3-Clause */
/* hmac.c - HMAC-SHA256 as lowercase hex, constant-time comparison, signing in one step. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "probefile.h"

static const char HEX[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 0xf];
    }
    out[2 * n] = '\0';
}

int dc_pf_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
                   char out[DC_PF_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const unsigned char empty[1];

    out[0] = '\0';
    if (keylen > INT32_MAX)
        return -1;
    if (!HMAC(EVP_sha256(), key ? key : empty, (int)keylen, data ? data : empty, len, md, &mdlen) ||
        mdlen * 2 != DC_PF_HEX_LEN)
        return -1;
    to_hex(md, mdlen, out);
    OPENSSL_cleanse(md, sizeof(md));
    return 0;
}

int dc_pf_is_hex64(const char *s)
{
    size_t i;

    if (!s)
        return 0;
    for (i = 0; i < DC_PF_HEX_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[i] == '\0';
}

int dc_pf_mac_equal(const char *a, const char *b)
{
    /* Both are well-formed before any secret-dependent byte is compared, and the comparison
     * itself takes the same time wherever the first difference is. */
    if (!dc_pf_is_hex64(a) || !dc_pf_is_hex64(b))
        return 0;
    return CRYPTO_memcmp(a, b, DC_PF_HEX_LEN) == 0;
}

enum dc_pf_status dc_pf_sign(const json_t *summary, const json_t *categories, const void *key,
                             size_t keylen, char out[DC_PF_HEX_LEN + 1])
{
    char *payload = NULL;
    size_t len;
    enum dc_pf_status st;

    out[0] = '\0';
    st = dc_pf_payload(summary, categories, &payload, &len);
    if (st != DC_PF_OK)
        return st;
    if (dc_pf_hmac_hex(key, keylen, payload, len, out) < 0)
        st = DC_PF_ERR_NOMEM;
    free(payload);
    return st;
}

int dc_pf_secret_fingerprint(const void *key, size_t keylen, char out[DC_PF_FPR_LEN + 1])
{
    static const char label[] = "datacrumbs-fingerprint-v1";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = -1;

    out[0] = '\0';
    if (!ctx)
        return -1;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, label, sizeof(label) - 1) == 1 &&
        EVP_DigestUpdate(ctx, key, keylen) == 1 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
        mdlen * 2 >= DC_PF_FPR_LEN) {
        to_hex(md, DC_PF_FPR_LEN / 2, out);
        rc = 0;
    }
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(md, sizeof(md));
    return rc;
}
