/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * schema.c - the structure of a probe file (reference 5.1, 5.2 and our summary keys).
 *
 * Strict where a mistake could change what is traced or whom it is for; open where upstream
 * adds keys (extra summary and category keys are signed like the rest, so they are kept).
 */
#include <string.h>

#include "internal.h"

static const char *const top_keys[] = {"summary", "categories", "checksum_algorithm", "checksum"};

static const char *const summary_strings[] = {
    "config_file_path", "probe_file_path", "hostname", "user", "install_user",
};

static enum dc_pf_status check_summary(const json_t *s, char **detail)
{
    const json_t *uid = json_object_get(s, "uid");
    static const char *const times[] = {"issued_at", "expires_at"};

    for (size_t i = 0; i < sizeof(summary_strings) / sizeof(summary_strings[0]); i++) {
        const json_t *v = json_object_get(s, summary_strings[i]);

        if (v && !json_is_string(v))
            return pf_fail(detail, DC_PF_ERR_SCHEMA, "summary.%s is not a string",
                           summary_strings[i]);
    }
    if (uid && (!json_is_integer(uid) || json_integer_value(uid) < 0 ||
                json_integer_value(uid) >= (json_int_t)UINT32_MAX))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "summary.uid is not a user id");
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_object_get(s, times[i]);
        time_t t;

        if (v && (!json_is_string(v) || dc_pf_time_parse(json_string_value(v), &t) < 0))
            return pf_fail(detail, DC_PF_ERR_SCHEMA,
                           "summary.%s is not a UTC time like 2026-01-31T12:00:00Z", times[i]);
    }
    return DC_PF_OK;
}

static enum dc_pf_status check_category(const json_t *c, size_t i, char **detail)
{
    const json_t *type = json_object_get(c, "type"), *name = json_object_get(c, "name");
    const json_t *fns = json_object_get(c, "functions");

    if (!json_is_object(c))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "categories[%zu] is not an object", i);
    if (!json_is_integer(type))
        return pf_fail(detail, DC_PF_ERR_SCHEMA,
                       "categories[%zu].type is missing or not an "
                       "integer",
                       i);
    if (!json_is_string(name))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "categories[%zu].name is missing or not a string",
                       i);
    if (!json_is_array(fns))
        return pf_fail(detail, DC_PF_ERR_SCHEMA,
                       "categories[%zu].functions is missing or not an array", i);
    for (size_t k = 0; k < json_array_size(fns); k++)
        if (!json_is_string(json_array_get(fns, k)))
            return pf_fail(detail, DC_PF_ERR_SCHEMA,
                           "categories[%zu].functions[%zu] is not a "
                           "string",
                           i, k);
    return DC_PF_OK;
}

enum dc_pf_status pf_check_schema(json_t *doc, struct dc_probefile *pf, char **detail)
{
    const char *key;
    json_t *v, *alg, *sum;
    size_t i = 0;
    enum dc_pf_status st;

    if (!json_is_object(doc))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "the root is not a JSON object");
    json_object_foreach(doc, key, v)
    {
        if (i >= 4 || strcmp(key, top_keys[i]) != 0)
            return pf_fail(detail, DC_PF_ERR_SCHEMA,
                           "the keys must be summary, categories, checksum_algorithm, checksum "
                           "in that order (found \"%s\" at position %zu)",
                           key, i + 1);
        i++;
    }
    if (i != 4)
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "\"%s\" is missing", top_keys[i]);
    pf->summary = json_object_get(doc, "summary");
    pf->categories = json_object_get(doc, "categories");
    alg = json_object_get(doc, "checksum_algorithm");
    sum = json_object_get(doc, "checksum");
    if (!json_is_object(pf->summary))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "summary is not an object");
    if (!json_is_array(pf->categories))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "categories is not an array");
    if (!json_is_string(alg))
        return pf_fail(detail, DC_PF_ERR_SCHEMA, "checksum_algorithm is not a string");
    if (strcmp(json_string_value(alg), DC_PF_ALGORITHM) != 0 ||
        strlen(json_string_value(alg)) != json_string_length(alg))
        return pf_fail(detail, DC_PF_ERR_ALGORITHM, "checksum_algorithm is not \"%s\"",
                       DC_PF_ALGORITHM);
    if (!json_is_string(sum) || !dc_pf_is_hex64(json_string_value(sum)) ||
        json_string_length(sum) != DC_PF_HEX_LEN)
        return pf_fail(detail, DC_PF_ERR_SCHEMA,
                       "checksum is not 64 lowercase hexadecimal characters");
    if ((st = pf_check_signable(pf->summary, "summary", detail)) != DC_PF_OK ||
        (st = pf_check_signable(pf->categories, "categories", detail)) != DC_PF_OK)
        return st;
    if ((st = check_summary(pf->summary, detail)) != DC_PF_OK)
        return st;
    for (size_t c = 0; c < json_array_size(pf->categories); c++)
        if ((st = check_category(json_array_get(pf->categories, c), c, detail)) != DC_PF_OK)
            return st;
    memcpy(pf->checksum, json_string_value(sum), DC_PF_HEX_LEN + 1);
    return DC_PF_OK;
}
