/* SPDX-License-Identifier: BSD-3-Clause */
/* write.c - write a signed probe file, all or nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "internal.h"

enum dc_pf_status dc_pf_write(const char *path, const json_t *summary, const json_t *categories,
                              const char *checksum_hex, int gzip, unsigned mode)
{
    json_t *doc = NULL;
    char *text = NULL;
    unsigned char *gz = NULL;
    size_t len, gzlen;
    enum dc_pf_status st;

    if (!json_is_object(summary) || !json_is_array(categories) || !dc_pf_is_hex64(checksum_hex))
        return DC_PF_ERR_SCHEMA;
    if ((st = pf_check_signable(summary, "summary", NULL)) != DC_PF_OK ||
        (st = pf_check_signable(categories, "categories", NULL)) != DC_PF_OK)
        return st;
    doc = json_object();
    if (!doc || json_object_set(doc, "summary", (json_t *)(uintptr_t)summary) < 0 ||
        json_object_set(doc, "categories", (json_t *)(uintptr_t)categories) < 0 ||
        json_object_set_new(doc, "checksum_algorithm", json_string(DC_PF_ALGORITHM)) < 0 ||
        json_object_set_new(doc, "checksum", json_string(checksum_hex)) < 0) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER);
    if (!text) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    len = strlen(text);
    text[len++] = '\n'; /* replaces the NUL: a text file ends with a newline */
    if (gzip && (st = pf_gzip(text, len, &gz, &gzlen)) != DC_PF_OK)
        goto cleanup;
    if (dc_atomic_write_file(path, gzip ? (const void *)gz : text, gzip ? gzlen : len,
                             (mode_t)mode) < 0) {
        st = DC_PF_ERR_IO;
        goto cleanup;
    }
    st = DC_PF_OK;
cleanup : {
    int e = errno;

    free(gz);
    free(text);
    json_decref(doc);
    errno = e;
}
    return st;
}
