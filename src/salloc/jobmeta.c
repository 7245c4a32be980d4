/* SPDX-License-Identifier: BSD-3-Clause */
/* jobmeta.c - build and parse the DataCrumbs job comment (see jobmeta.h). */
#include "jobmeta.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY "datacrumbs"

/* Replace control characters and DEL with '?': messages about hostile text stay one line. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            *s = '?';
}

static enum dc_jobmeta_result verdict(enum dc_jobmeta_result r, char *err, size_t errlen,
                                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum dc_jobmeta_result verdict(enum dc_jobmeta_result r, char *err, size_t errlen,
                                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    sanitize(err);
    return r;
}

/* Nesting depth of JSON text, counting brackets outside strings; stops early past limit. */
static int json_depth(const char *s, size_t len, int limit)
{
    int depth = 0, max = 0, in_str = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
            if (max > limit)
                return max;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* A short, printable rendering of a JSON value for messages. */
static void describe(const json_t *v, char *out, size_t outlen)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    if (!s) {
        snprintf(out, outlen, "(a JSON value)");
        return;
    }
    if (strlen(s) > 40)
        snprintf(out, outlen, "%.37s...", s);
    else
        snprintf(out, outlen, "%s", s);
    free(s);
    sanitize(out);
}

static enum dc_jobmeta_result check_request(json_t *dc, char *probe_file, size_t pflen, char *err,
                                            size_t errlen)
{
    const char *pf;
    json_t *enable, *path;
    char shown[48], why[512];

    /* Other keys (upstream's legacy "composite", "probes") are ignored, as upstream does. */
    if (!json_is_object(dc))
        return verdict(DC_JOBMETA_INVALID, err, errlen, "\"%s\" is not a JSON object", KEY);
    enable = json_object_get(dc, "enable");
    if (!enable)
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s has no \"enable\" key", KEY);
    if (!json_is_string(enable)) {
        describe(enable, shown, sizeof(shown));
        return verdict(DC_JOBMETA_INVALID, err, errlen,
                       "\"enable\" must be the string \"yes\" or \"no\", not %s", shown);
    }
    if (strcmp(json_string_value(enable), "no") == 0)
        return verdict(DC_JOBMETA_DISABLED, err, errlen, "%s",
                       "tracing not requested (enable is \"no\")");
    if (strcmp(json_string_value(enable), "yes") != 0) {
        describe(enable, shown, sizeof(shown));
        return verdict(DC_JOBMETA_INVALID, err, errlen,
                       "\"enable\" must be the string \"yes\" or \"no\", not %s", shown);
    }
    path = json_object_get(dc, "probe_file");
    if (!path)
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s",
                       "tracing requested without a \"probe_file\"");
    if (!json_is_string(path)) {
        describe(path, shown, sizeof(shown));
        return verdict(DC_JOBMETA_INVALID, err, errlen, "\"probe_file\" must be a string, not %s",
                       shown);
    }
    pf = json_string_value(path);
    if (json_string_length(path) != strlen(pf))
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s",
                       "the probe file path holds a NUL character");
    if (dc_probepath_check(pf, why, sizeof(why)) < 0)
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s", why);
    if (strlen(pf) >= pflen)
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s", "the probe file path is too long");
    memcpy(probe_file, pf, strlen(pf) + 1);
    snprintf(err, errlen, "tracing requested");
    return DC_JOBMETA_ENABLED;
}

enum dc_jobmeta_result dc_jobmeta_parse(const char *comment, size_t len, char *probe_file,
                                        size_t pflen, char *err, size_t errlen)
{
    enum dc_jobmeta_result r;
    json_error_t jerr;
    json_t *root;
    char why[256];

    if (pflen)
        probe_file[0] = '\0';
    if (!comment || len == 0)
        return verdict(DC_JOBMETA_ABSENT, err, errlen, "%s", "the job has no comment");
    /* Ordinary comments are none of our business, whatever they hold. */
    if (!memmem(comment, len, KEY, strlen(KEY)))
        return verdict(DC_JOBMETA_ABSENT, err, errlen, "%s",
                       "the comment does not mention datacrumbs");
    if (len > DC_JOBMETA_MAX) {
        snprintf(err, errlen, "the comment is %zu bytes, over the %d-byte limit", len,
                 DC_JOBMETA_MAX);
        return DC_JOBMETA_INVALID;
    }
    if (memchr(comment, '\0', len))
        return verdict(DC_JOBMETA_INVALID, err, errlen, "%s", "the comment holds a NUL byte");
    if (json_depth(comment, len, DC_JOBMETA_DEPTH) > DC_JOBMETA_DEPTH) {
        snprintf(err, errlen, "the comment nests deeper than %d levels", DC_JOBMETA_DEPTH);
        return DC_JOBMETA_INVALID;
    }
    root = json_loadb(comment, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(why, sizeof(why), "%.120s (at byte %d)", jerr.text, jerr.position);
        return verdict(DC_JOBMETA_INVALID, err, errlen, "the comment is not valid JSON: %s", why);
    }
    if (!json_is_object(root)) {
        r = verdict(DC_JOBMETA_INVALID, err, errlen, "%s", "the comment is JSON but not an object");
    } else if (!json_object_get(root, KEY)) {
        r = verdict(DC_JOBMETA_ABSENT, err, errlen, "%s",
                    "the comment has no \"datacrumbs\" member");
    } else {
        r = check_request(json_object_get(root, KEY), probe_file, pflen, err, errlen);
    }
    json_decref(root);
    return r;
}

/* The user's comment with our member first (see dc_jobmeta_merge). NULL with err on failure. */
static json_t *merge_into(const char *user_comment, json_t *meta, int wrap_text, char *err,
                          size_t errlen)
{
    json_t *user, *root, *v;
    const char *key;

    user = json_loads(user_comment, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(user)) {
        json_t *have = json_object_get(user, KEY);

        if (have) {
            if (json_equal(have, meta))
                return user;
            json_decref(user);
            snprintf(err, errlen,
                     "the job comment already has a \"datacrumbs\" member that differs from "
                     "this request; remove it from --comment, or drop --datacrumbs-enable");
            return NULL;
        }
        root = json_object();
        json_object_set(root, KEY, meta);
        json_object_foreach(user, key, v)
        {
            json_object_set(root, key, v);
        }
        json_decref(user);
        return root;
    }
    json_decref(user);
    if (!wrap_text) {
        snprintf(err, errlen,
                 "the job comment is not a JSON object, so the DataCrumbs metadata cannot be "
                 "merged into it; write it as a JSON object (for example "
                 "--comment='{\"note\":\"...\"}'), or add --datacrumbs-merge-comment to keep it "
                 "as {\"comment\":\"...\"}");
        return NULL;
    }
    v = json_string(user_comment);
    if (!v) {
        snprintf(err, errlen, "the job comment is not valid UTF-8");
        return NULL;
    }
    root = json_object();
    json_object_set(root, KEY, meta);
    json_object_set_new(root, "comment", v);
    return root;
}

int dc_jobmeta_merge(const char *user_comment, const char *probe_file, int wrap_text, char **out,
                     char *err, size_t errlen)
{
    json_t *meta = json_object(), *root = NULL;
    char *text = NULL, pf[DC_PROBEPATH_MAX + 1], why[512];
    int rc = -1;

    *out = NULL;
    if (dc_probepath_check(probe_file, err, errlen) < 0)
        goto cleanup;
    if (!meta || json_object_set_new(meta, "enable", json_string("yes")) < 0 ||
        json_object_set_new(meta, "probe_file", json_string(probe_file)) < 0) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    /* An empty --comment= (or one of blanks) says nothing: the request alone, as without. */
    if (user_comment && user_comment[strspn(user_comment, " \t\r\n")]) {
        root = merge_into(user_comment, meta, wrap_text, err, errlen);
    } else {
        root = json_object();
        if (root)
            json_object_set(root, KEY, meta);
    }
    if (!root)
        goto cleanup;
    text = json_dumps(root, JSON_COMPACT);
    if (!text) {
        snprintf(err, errlen, "cannot encode the job comment");
        goto cleanup;
    }
    if (dc_jobmeta_parse(text, strlen(text), pf, sizeof(pf), why, sizeof(why)) !=
        DC_JOBMETA_ENABLED) {
        snprintf(err, errlen, "the job comment would be refused by the nodes: %s", why);
        goto cleanup;
    }
    *out = text;
    text = NULL;
    rc = 0;
cleanup:
    free(text);
    json_decref(root);
    json_decref(meta);
    return rc;
}
