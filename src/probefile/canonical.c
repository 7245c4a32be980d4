/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * canonical.c - the bytes that are signed (reference section 5.3).
 *
 * jansson's compact dump with JSON_ESCAPE_SLASH is byte-identical to json-c's PLAIN output for
 * every string without control characters (json-c writes \u00XX in lowercase where jansson
 * writes uppercase, so those are refused rather than signed), valid UTF-8 (both copy it raw)
 * and integers (doubles print differently everywhere, so they are refused too).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER)

static const char PREFIX[] = "{\"summary\":";
static const char MIDDLE[] = ",\"categories\":";
static const char SUFFIX[] = ",\"checksum_algorithm\":\"" DC_PF_ALGORITHM "\"}";

/* 0 when the string may be signed, else the status. */
static enum dc_pf_status check_string(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            return DC_PF_ERR_CONTROL;
    return dc_utf8_valid(s, n) ? DC_PF_OK : DC_PF_ERR_SCHEMA;
}

/* where is the JSON path so far (for the message); depth is bounded by jansson's parser. */
static enum dc_pf_status walk(const json_t *j, char *where, size_t wlen, size_t wcap, char **detail)
{
    enum dc_pf_status st;

    switch (json_typeof(j)) {
    case JSON_STRING:
        st = check_string(json_string_value(j), json_string_length(j));
        if (st == DC_PF_ERR_CONTROL)
            return pf_fail(detail, st, "%s holds a control character", where);
        if (st != DC_PF_OK)
            return pf_fail(detail, st, "%s is not valid UTF-8", where);
        return DC_PF_OK;
    case JSON_REAL: return pf_fail(detail, DC_PF_ERR_SCHEMA, "%s is not an integer", where);
    case JSON_OBJECT: {
        const char *key;
        json_t *v;

        json_object_foreach((json_t *)(uintptr_t)j, key, v)
        {
            size_t klen = strlen(key);

            st = check_string(key, klen);
            if (st != DC_PF_OK)
                return pf_fail(detail, st, "a key in %s %s", where,
                               st == DC_PF_ERR_CONTROL ? "holds a control character"
                                                       : "is not valid UTF-8");
            if (wlen + klen + 2 < wcap) {
                where[wlen] = '.';
                memcpy(where + wlen + 1, key, klen + 1);
                st = walk(v, where, wlen + klen + 1, wcap, detail);
            } else {
                st = walk(v, where, wlen, wcap, detail);
            }
            where[wlen] = '\0';
            if (st != DC_PF_OK)
                return st;
        }
        return DC_PF_OK;
    }
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(j); i++) {
            int n = snprintf(where + wlen, wcap - wlen, "[%zu]", i);
            size_t nlen = (n > 0 && (size_t)n < wcap - wlen) ? wlen + (size_t)n : wlen;

            where[nlen] = '\0';
            st = walk(json_array_get(j, i), where, nlen, wcap, detail);
            where[wlen] = '\0';
            if (st != DC_PF_OK)
                return st;
        }
        return DC_PF_OK;
    default: return DC_PF_OK; /* integers, true, false, null */
    }
}

enum dc_pf_status pf_check_signable(const json_t *j, const char *root, char **detail)
{
    char where[256];

    snprintf(where, sizeof(where), "%s", root);
    return walk(j, where, strlen(where), sizeof(where), detail);
}

enum dc_pf_status dc_pf_payload(const json_t *summary, const json_t *categories, char **bytes,
                                size_t *len)
{
    char *s = NULL, *c = NULL, *p;
    size_t slen, clen, n;
    enum dc_pf_status st;

    *bytes = NULL;
    *len = 0;
    if (!json_is_object(summary) || !json_is_array(categories))
        return DC_PF_ERR_SCHEMA;
    if ((st = pf_check_signable(summary, "summary", NULL)) != DC_PF_OK ||
        (st = pf_check_signable(categories, "categories", NULL)) != DC_PF_OK)
        return st;
    s = json_dumps(summary, DUMP_FLAGS);
    c = json_dumps(categories, DUMP_FLAGS);
    if (!s || !c) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    slen = strlen(s);
    clen = strlen(c);
    n = sizeof(PREFIX) - 1 + slen + sizeof(MIDDLE) - 1 + clen + sizeof(SUFFIX) - 1;
    p = malloc(n + 1);
    if (!p) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    *bytes = p;
    *len = n;
    memcpy(p, PREFIX, sizeof(PREFIX) - 1);
    p += sizeof(PREFIX) - 1;
    memcpy(p, s, slen);
    p += slen;
    memcpy(p, MIDDLE, sizeof(MIDDLE) - 1);
    p += sizeof(MIDDLE) - 1;
    memcpy(p, c, clen);
    p += clen;
    memcpy(p, SUFFIX, sizeof(SUFFIX));
    st = DC_PF_OK;
cleanup:
    free(s);
    free(c);
    return st;
}

enum dc_pf_status dc_pf_payload_parse(const void *buf, size_t len, json_t **summary,
                                      json_t **categories, char **detail)
{
    json_t *doc = NULL, *s, *c, *alg;
    json_error_t jerr;
    char *again = NULL;
    size_t againlen;
    const char *key;
    json_t *v;
    size_t i = 0;
    enum dc_pf_status st;
    static const char *const order[] = {"summary", "categories", "checksum_algorithm"};

    *summary = *categories = NULL;
    if (detail)
        *detail = NULL;
    if (len > DC_PF_MAX_DECOMPRESSED)
        return pf_fail(detail, DC_PF_ERR_TOO_LARGE, "the payload is larger than %u bytes",
                       DC_PF_MAX_DECOMPRESSED);
    doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return pf_fail(detail, DC_PF_ERR_JSON, "line %d column %d: %s", jerr.line, jerr.column,
                       jerr.text);
    if (!json_is_object(doc) || json_object_size(doc) != 3) {
        st = pf_fail(detail, DC_PF_ERR_SCHEMA,
                     "the payload must be an object of summary, categories, checksum_algorithm");
        goto cleanup;
    }
    json_object_foreach(doc, key, v)
    {
        if (strcmp(key, order[i++]) != 0) {
            st = pf_fail(detail, DC_PF_ERR_SCHEMA,
                         "the payload keys must be summary, categories, checksum_algorithm "
                         "in that order");
            goto cleanup;
        }
    }
    s = json_object_get(doc, "summary");
    c = json_object_get(doc, "categories");
    alg = json_object_get(doc, "checksum_algorithm");
    if (!json_is_string(alg) || strcmp(json_string_value(alg), DC_PF_ALGORITHM) != 0) {
        st = pf_fail(detail, DC_PF_ERR_ALGORITHM, "checksum_algorithm must be \"%s\"",
                     DC_PF_ALGORITHM);
        goto cleanup;
    }
    if (!json_is_object(s) || !json_is_array(c)) {
        st = pf_fail(detail, DC_PF_ERR_SCHEMA, "summary must be an object and categories an array");
        goto cleanup;
    }
    if ((st = pf_check_signable(s, "summary", detail)) != DC_PF_OK ||
        (st = pf_check_signable(c, "categories", detail)) != DC_PF_OK)
        goto cleanup;
    if ((st = dc_pf_payload(s, c, &again, &againlen)) != DC_PF_OK) {
        st = pf_fail(detail, st, "%s", dc_pf_status_str(st));
        goto cleanup;
    }
    if (againlen != len || memcmp(again, buf, len) != 0) {
        st = pf_fail(detail, DC_PF_ERR_SCHEMA,
                     "the payload is not in canonical form (compact, '/' escaped as '\\/')");
        goto cleanup;
    }
    *summary = json_incref(s);
    *categories = json_incref(c);
    st = DC_PF_OK;
cleanup:
    free(again);
    json_decref(doc);
    return st;
}
