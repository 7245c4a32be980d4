/* SPDX-License-Identifier: BSD-3-Clause */
/* render.c - a probe file for people (text) and for programs (--json). */
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

/* Text from a probe file may hold anything but C0 controls (the reader refused those); DEL and
 * the C1 controls (U+0080-U+009F) still act on some terminals, so they become '?'. */
static void put_safe(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x7f)
            fputc('?', out);
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            fputc('?', out);
            p++;
        } else
            fputc(*p, out);
    }
}

/* put_safe, then spaces up to width columns (bytes: names are mostly ASCII). */
static void put_padded(FILE *out, const char *s, size_t width)
{
    put_safe(out, s);
    for (size_t n = strlen(s); n < width; n++)
        fputc(' ', out);
}

/* A JSON string of s even when s is not UTF-8 (a path from the command line may not be). */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    char *copy;

    if (j || !s)
        return j;
    copy = strdup(s);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void field(FILE *out, const char *label, const char *value)
{
    if (!value)
        return;
    fprintf(out, "%-14s", label);
    put_safe(out, value);
    fputc('\n', out);
}

static void duration(char *buf, size_t len, long long s)
{
    if (s >= 86400)
        snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
    else if (s >= 3600)
        snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, len, "%lldm %llds", s / 60, s % 60);
}

static size_t total_functions(const json_t *categories)
{
    size_t n = 0;

    for (size_t i = 0; i < json_array_size(categories); i++)
        n += json_array_size(json_object_get(json_array_get(categories, i), "functions"));
    return n;
}

/* What a category attaches to, when it names a file or a provider. */
static const char *target_of(const json_t *cat)
{
    const char *t = str(cat, "binary_path");

    return t ? t : str(cat, "bpf_path");
}

static const char *verdict_text(const struct report *r)
{
    switch (r->verdict) {
    case V_NOT_ASKED: return "not requested (--verify checks the checksum; it needs root)";
    case V_OK: return "ok: the checksum matches and the file is within its validity window";
    case V_STRUCTURE: return "structure only: the secret cannot be read here (run as root)";
    case V_BAD_SECRET: return "impossible: the secret is unusable";
    case V_FAILED: return dc_pf_status_str(r->status);
    }
    return "";
}

void render_text(FILE *out, const struct report *r)
{
    const json_t *s = r->pf->summary, *cats = r->pf->categories;
    const json_t *uid = json_object_get(s, "uid");
    char buf[128], when[64];
    time_t t;

    fprintf(out, "%-14s", "probe file");
    put_safe(out, r->path);
    fprintf(out, " (%s, %lld bytes)\n", r->pf->was_gzip ? "gzip" : "plain JSON", r->file_size);
    if (str(s, "user") || uid) {
        fprintf(out, "%-14s", "user");
        put_safe(out, str(s, "user") ? str(s, "user") : "?");
        if (uid)
            fprintf(out, " (uid %lld)", (long long)json_integer_value(uid));
        fputc('\n', out);
    }
    field(out, "host", str(s, "hostname"));
    field(out, "install user", str(s, "install_user"));
    field(out, "config", str(s, "config_file_path"));
    field(out, "written as", str(s, "probe_file_path"));
    field(out, "issued", str(s, "issued_at"));
    if (dc_pf_summary_time(r->pf, "expires_at", &t) == 1) {
        long long left = (long long)t - (long long)r->now;

        duration(when, sizeof(when), left > 0 ? left : -left);
        snprintf(buf, sizeof(buf), "%s (%s %s%s)", str(s, "expires_at"),
                 left > 0 ? "in" : "EXPIRED", when, left > 0 ? "" : " ago");
        field(out, "expires", buf);
    } else {
        field(out, "expires", "never (no expires_at: an unbounded, upstream-style file)");
    }
    fprintf(out, "%-14s%s %.16s...\n", "checksum", DC_PF_ALGORITHM, r->pf->checksum);
    fprintf(out, "%-14s%zu (%zu functions)\n", "categories", json_array_size(cats),
            total_functions(cats));
    if (json_array_size(cats))
        fprintf(out, "  %3s  %-8s  %-20s  %9s  %s\n", "#", "TYPE", "NAME", "FUNCTIONS", "TARGET");
    for (size_t i = 0; i < json_array_size(cats); i++) {
        const json_t *c = json_array_get(cats, i);
        const char *target = target_of(c);

        fprintf(out, "  %3zu  %-8s  ", i + 1,
                dc_pf_type_name(json_integer_value(json_object_get(c, "type"))));
        put_padded(out, str(c, "name"), 20);
        fprintf(out, "  %9zu", json_array_size(json_object_get(c, "functions")));
        if (target) {
            fputs("  ", out);
            put_safe(out, target);
        }
        fputc('\n', out);
    }
    fprintf(out, "%-14s%s\n", "verification", verdict_text(r));
    if (r->why && (r->verdict == V_STRUCTURE || r->verdict == V_BAD_SECRET)) {
        fprintf(out, "%-14s", "");
        put_safe(out, r->why);
        fputc('\n', out);
    }
}

static const char *verdict_word(enum verdict v)
{
    switch (v) {
    case V_NOT_ASKED: return "not-requested";
    case V_OK: return "verified";
    case V_STRUCTURE: return "structure-only";
    case V_BAD_SECRET: return "secret-unusable";
    case V_FAILED: return "failed";
    }
    return "";
}

int render_json(FILE *out, const struct report *r)
{
    json_t *o = json_object(), *cats = json_array();
    const json_t *pcats = r->pf->categories;
    time_t t;
    int rc = -1;

    if (!o || !cats)
        goto cleanup;
    for (size_t i = 0; i < json_array_size(pcats); i++) {
        const json_t *c = json_array_get(pcats, i);
        json_int_t type = json_integer_value(json_object_get(c, "type"));
        json_t *e =
            json_pack("{s:I, s:s, s:O, s:I}", "type", type, "type_name", dc_pf_type_name(type),
                      "name", json_object_get(c, "name"), "functions",
                      (json_int_t)json_array_size(json_object_get(c, "functions")));

        if (!e || json_array_append_new(cats, e) < 0)
            goto cleanup;
        if (target_of(c) && json_object_set_new(e, "target", json_string(target_of(c))) < 0)
            goto cleanup;
    }
    if (json_object_set_new(o, "file", jstr(r->path)) < 0 ||
        json_object_set_new(o, "format", json_string(r->pf->was_gzip ? "gzip" : "json")) < 0 ||
        json_object_set_new(o, "size", json_integer(r->file_size)) < 0 ||
        json_object_set(o, "summary", r->pf->summary) < 0 ||
        json_object_set(o, "categories", cats) < 0 ||
        json_object_set_new(o, "total_functions",
                            json_integer((json_int_t)total_functions(pcats))) < 0 ||
        json_object_set_new(o, "checksum_algorithm", json_string(DC_PF_ALGORITHM)) < 0 ||
        json_object_set_new(o, "checksum", json_string(r->pf->checksum)) < 0)
        goto cleanup;
    if (json_object_set_new(o, "expired",
                            dc_pf_summary_time(r->pf, "expires_at", &t) == 1
                                ? json_boolean(t <= r->now)
                                : json_null()) < 0 ||
        json_object_set_new(o, "verification", json_string(verdict_word(r->verdict))) < 0)
        goto cleanup;
    if (r->verdict == V_FAILED &&
        json_object_set_new(o, "verification_error", json_string(dc_pf_status_str(r->status))) < 0)
        goto cleanup;
    if (r->why && (r->verdict == V_STRUCTURE || r->verdict == V_BAD_SECRET) &&
        json_object_set_new(o, "verification_error", jstr(r->why)) < 0)
        goto cleanup;
    if (json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
        goto cleanup;
    fputc('\n', out);
    rc = 0;
cleanup:
    json_decref(cats);
    json_decref(o);
    return rc;
}
