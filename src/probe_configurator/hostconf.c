/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostconf.c - load the host YAML file (see hostconf.h).
 *
 * libyaml's document API gives a node tree with line numbers; the shapes we accept are fixed
 * and shallow (a mapping, a sequence of mappings of scalars), so hostile input can make the
 * tree large only in proportion to the file, which is capped.
 */
#include "hostconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "placeholder.h"
#include "probefile.h"

#define PLACEHOLDERS_LISTED 10
#define TEXT_MAX            4096 /* a path, a regex */
#define MAPPING_KEYS_MAX    64
#define LIST_VALUES_MAX     100000 /* exclude entries in the file, aliases counted */

struct loader {
    const char *file;
    struct dc_diag *d;
    yaml_document_t *doc;
    unsigned errors;
    size_t list_values; /* an anchor used many times must not multiply the work */
};

enum kind { K_STRING, K_BOOL, K_INT, K_LIST, K_IGNORED };

/* Which capture types each key applies to (bit per enum dc_capture_type). */
#define T(x)  (1u << (x))
#define T_ALL 0x3fu

struct keydef {
    const char *name;
    enum kind kind;
    unsigned types;
};

static const struct keydef top_keys[] = {
    {"capture_probes", K_LIST, 0},   {"trace_log_dir", K_STRING, 0},
    {"data_dir", K_STRING, 0},       {"user", K_STRING, 0},
    {"inclusion_path", K_STRING, 0}, {"exclusion_file", K_STRING, 0},
    {"name", K_IGNORED, 0},          {"profiling_interval", K_IGNORED, 0},
};

static const struct keydef cap_keys[] = {
    {"type", K_STRING, T_ALL},
    {"probe", K_STRING, T_ALL},
    {"name", K_STRING, T_ALL},
    {"regex", K_STRING, T_ALL},
    {"enable_explorer", K_BOOL, T_ALL},
    {"exclude", K_LIST, T_ALL},
    {"file", K_STRING, T(DC_CAP_HEADER) | T(DC_CAP_BINARY) | T(DC_CAP_CUSTOM)},
    {"include_offsets", K_BOOL, T(DC_CAP_BINARY)},
    {"binary_path", K_STRING, T(DC_CAP_USDT)},
    {"provider", K_STRING, T(DC_CAP_USDT)},
    {"probes", K_STRING, T(DC_CAP_CUSTOM)},
    {"process_header", K_STRING, T(DC_CAP_CUSTOM)},
    {"start_event_id", K_INT, T(DC_CAP_CUSTOM)},
    {"event_type", K_INT, T(DC_CAP_CUSTOM)},
    {"string_bytes", K_INT, T(DC_CAP_HEADER) | T(DC_CAP_BINARY) | T(DC_CAP_KSYM) | T(DC_CAP_BTF)},
};

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const type_names[] = {"header", "binary", "ksym", "usdt", "custom", "btf"};
static const char *const probe_names[] = {"syscalls", "kprobe", "uprobe", "usdt", "custom"};

/* The probe types each capture type can produce (bit per enum dc_pf_type). */
static const unsigned allowed_probes[] = {
    [DC_CAP_HEADER] = T(DC_PF_SYSCALLS) | T(DC_PF_KPROBE),
    [DC_CAP_BINARY] = T(DC_PF_UPROBE) | T(DC_PF_KPROBE),
    [DC_CAP_KSYM] = T(DC_PF_SYSCALLS) | T(DC_PF_KPROBE),
    [DC_CAP_USDT] = T(DC_PF_USDT),
    [DC_CAP_CUSTOM] = T(DC_PF_CUSTOM),
    [DC_CAP_BTF] = T(DC_PF_SYSCALLS) | T(DC_PF_KPROBE),
};

const char *dc_capture_type_name(enum dc_capture_type t)
{
    return (unsigned)t < NKEYS(type_names) ? type_names[t] : "unknown";
}

const char *dc_probe_type_name(int probe)
{
    return probe >= 0 && (unsigned)probe < NKEYS(probe_names) ? probe_names[probe] : "unknown";
}

static unsigned line_of(const yaml_node_t *n)
{
    return (unsigned)n->start_mark.line + 1;
}

static void lerr(struct loader *l, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lwarn(struct loader *l, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lerr(struct loader *l, unsigned line, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    l->errors++;
    dc_diag_error(l->d, "%s:%u: %s", l->file, line, msg);
}

static void lwarn(struct loader *l, unsigned line, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dc_diag_warn(l->d, "%s:%u: %s", l->file, line, msg);
}

/* Edit distance of two short words, for "did you mean". */
static unsigned distance(const char *a, const char *b)
{
    unsigned row[64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

    if (la >= 63 || lb >= 63)
        return 99;
    for (unsigned j = 0; j <= lb; j++)
        row[j] = j;
    for (unsigned i = 1; i <= la; i++) {
        unsigned diag = row[0];

        row[0] = i;
        for (unsigned j = 1; j <= lb; j++) {
            unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

static const char *suggest(const char *key, const struct keydef *defs, size_t n)
{
    const char *best = NULL;
    unsigned bestd = 3;

    for (size_t i = 0; i < n; i++) {
        unsigned dist = distance(key, defs[i].name);

        if (dist < bestd) {
            bestd = dist;
            best = defs[i].name;
        }
    }
    return best;
}

/* A scalar's text, or NULL (reported) when the node is not a scalar or holds a NUL. */
static const char *scalar_text(struct loader *l, yaml_node_t *n, const char *where, const char *key)
{
    const char *s;

    if (n->type != YAML_SCALAR_NODE) {
        lerr(l, line_of(n), "%s: key '%s' must be a single value, not a %s", where, key,
             n->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
        return NULL;
    }
    s = (const char *)n->data.scalar.value;
    if (strlen(s) != n->data.scalar.length) {
        lerr(l, line_of(n), "%s: key '%s' holds a NUL byte", where, key);
        return NULL;
    }
    return s;
}

static int is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_null(const yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;

    return is_plain(n) && (!s[0] || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
                           !strcmp(s, "NULL"));
}

/* A string value: no control characters, at most max bytes. NULL (reported) otherwise. */
static char *get_string(struct loader *l, yaml_node_t *n, const char *where, const char *key,
                        size_t max)
{
    const char *s = scalar_text(l, n, where, key);
    char *copy;

    if (!s)
        return NULL;
    if (is_null(n))
        s = "";
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            lerr(l, line_of(n), "%s: key '%s' holds a control character", where, key);
            return NULL;
        }
    }
    if (strlen(s) > max) {
        lerr(l, line_of(n), "%s: key '%s' is longer than %zu bytes", where, key, max);
        return NULL;
    }
    copy = strdup(s);
    if (!copy)
        lerr(l, line_of(n), "out of memory");
    return copy;
}

/* YAML 1.1 booleans, as upstream's yaml-cpp reads them. */
static int get_bool(struct loader *l, yaml_node_t *n, const char *where, const char *key, int *out)
{
    static const char *const yes[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
    static const char *const no[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                     "False", "FALSE", "off", "Off", "OFF"};
    const char *s = scalar_text(l, n, where, key);

    if (!s)
        return -1;
    if (is_plain(n)) {
        for (size_t i = 0; i < NKEYS(yes); i++) {
            if (!strcmp(s, yes[i])) {
                *out = 1;
                return 0;
            }
            if (!strcmp(s, no[i])) {
                *out = 0;
                return 0;
            }
        }
    }
    lerr(l, line_of(n), "%s: key '%s' must be true or false, not '%.64s'", where, key, s);
    return -1;
}

static int get_int(struct loader *l, yaml_node_t *n, const char *where, const char *key,
                   long long min, long long max, long long *out)
{
    const char *s = scalar_text(l, n, where, key);
    char *end;
    long long v;
    int neg = 0, base = 10;
    const char *p;

    if (!s)
        return -1;
    p = s;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    errno = 0;
    if (!is_plain(n) || !*p || (base == 10 && !(*p >= '0' && *p <= '9')))
        goto bad;
    v = strtoll(p, &end, base);
    if (*end || errno == ERANGE || end == p)
        goto bad;
    if (neg)
        v = -v;
    if (v < min || v > max) {
        lerr(l, line_of(n), "%s: key '%s' must be between %lld and %lld, not %lld", where, key, min,
             max, v);
        return -1;
    }
    *out = v;
    return 0;
bad:
    lerr(l, line_of(n), "%s: key '%s' must be an integer, not '%.64s'", where, key, s);
    return -1;
}

static int lookup(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, names[i]))
            return (int)i;
    return -1;
}

/*
 * Duplicate keys of a mapping (libyaml keeps both), reported once each. Returns -1 when the
 * mapping has more keys than any host file needs (the check is quadratic).
 */
static int check_duplicates(struct loader *l, yaml_node_t *map, const char *where)
{
    yaml_node_pair_t *a, *b;

    if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > MAPPING_KEYS_MAX) {
        lerr(l, line_of(map), "%s: more than %d keys", where, MAPPING_KEYS_MAX);
        return -1;
    }
    for (a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
        yaml_node_t *ka = yaml_document_get_node(l->doc, a->key);

        if (!ka || ka->type != YAML_SCALAR_NODE)
            continue;
        for (b = map->data.mapping.pairs.start; b < a; b++) {
            yaml_node_t *kb = yaml_document_get_node(l->doc, b->key);

            if (kb && kb->type == YAML_SCALAR_NODE &&
                !strcmp((char *)ka->data.scalar.value, (char *)kb->data.scalar.value)) {
                lerr(l, line_of(ka), "%s: key '%s' appears twice (first on line %u)", where,
                     (char *)ka->data.scalar.value, line_of(kb));
                break;
            }
        }
    }
    return 0;
}

static char **get_list(struct loader *l, yaml_node_t *n, const char *where, const char *key,
                       size_t *count)
{
    yaml_node_item_t *it;
    char **v;
    size_t i = 0;

    *count = 0;
    if (n->type == YAML_SCALAR_NODE && is_null(n))
        return NULL;
    if (n->type != YAML_SEQUENCE_NODE) {
        lerr(l, line_of(n), "%s: key '%s' must be a list", where, key);
        return NULL;
    }
    l->list_values += (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (l->list_values > LIST_VALUES_MAX) {
        lerr(l, line_of(n), "%s: key '%s': more than %d list values in the file", where, key,
             LIST_VALUES_MAX);
        return NULL;
    }
    v = calloc((size_t)(n->data.sequence.items.top - n->data.sequence.items.start) + 1,
               sizeof(char *));
    if (!v) {
        lerr(l, line_of(n), "out of memory");
        return NULL;
    }
    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(l->doc, *it);
        char *s = e ? get_string(l, e, where, key, TEXT_MAX) : NULL;

        if (s && *s)
            v[i++] = s;
        else
            free(s);
    }
    *count = i;
    return v;
}

static void free_capture(struct dc_capture *c)
{
    free(c->name);
    free(c->regex);
    free(c->file);
    free(c->binary_path);
    free(c->provider);
    free(c->probes);
    free(c->process_header);
    for (size_t i = 0; i < c->nexclude; i++)
        free(c->exclude[i]);
    free(c->exclude);
    for (size_t i = 0; i < c->nstrbytes; i++) {
        free(c->strbytes[i].fn);
        free(c->strbytes[i].arg);
    }
    free(c->strbytes);
}

static int valid_name(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

/* One string_bytes rule: "*", FUNCTION or FUNCTION.ARGUMENT (the last dot splits). */
static int add_strbytes(struct dc_capture *c, const char *key, long long bytes)
{
    const char *dot = strrchr(key, '.');
    struct dc_strbytes *r = &c->strbytes[c->nstrbytes];

    r->fn = dot ? strndup(key, (size_t)(dot - key)) : strdup(key);
    r->arg = dot ? strdup(dot + 1) : NULL;
    r->bytes = (unsigned)bytes;
    if (!r->fn || (dot && !r->arg)) {
        free(r->fn);
        free(r->arg);
        return -1;
    }
    c->nstrbytes++;
    return 0;
}

/*
 * string_bytes: N (every string argument of the capture), or a mapping of "*", FUNCTION or
 * FUNCTION.ARGUMENT (a label or an index) to N; N from 1 to DC_ARG_CAPTURE_MAX.
 */
static void get_strbytes(struct loader *l, yaml_node_t *v, const char *where, struct dc_capture *c)
{
    yaml_node_pair_t *p;
    size_t n = 1;
    long long bytes;

    for (size_t i = 0; i < c->nstrbytes; i++) { /* a repeated key, reported already */
        free(c->strbytes[i].fn);
        free(c->strbytes[i].arg);
    }
    free(c->strbytes);
    c->strbytes = NULL;
    c->nstrbytes = 0;
    if (v->type == YAML_MAPPING_NODE) {
        if (check_duplicates(l, v, where) < 0)
            return;
        n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    } else if (v->type != YAML_SCALAR_NODE) {
        lerr(l, line_of(v),
             "%s: key 'string_bytes' must be a number or a mapping of FUNCTION[.ARGUMENT] to a "
             "number",
             where);
        return;
    }
    c->strbytes = calloc(n + 1, sizeof(*c->strbytes));
    if (!c->strbytes) {
        lerr(l, line_of(v), "out of memory");
        return;
    }
    if (v->type == YAML_SCALAR_NODE) {
        if (get_int(l, v, where, "string_bytes", 1, DC_ARG_CAPTURE_MAX, &bytes) == 0 &&
            add_strbytes(c, "*", bytes) < 0)
            lerr(l, line_of(v), "out of memory");
        return;
    }
    for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *val = yaml_document_get_node(l->doc, p->value);
        const char *key = k ? scalar_text(l, k, where, "string_bytes") : NULL;
        const char *dot;
        char what[300];

        if (!key || !val)
            continue;
        dot = strrchr(key, '.');
        if (!key[0] || !valid_name(key) || strlen(key) > 256 || dot == key || (dot && !dot[1])) {
            lerr(l, line_of(k),
                 "%s: string_bytes: '%.64s' is not \"*\", FUNCTION or FUNCTION.ARGUMENT", where,
                 key);
            continue;
        }
        snprintf(what, sizeof(what), "string_bytes: %s", key);
        if (get_int(l, val, where, what, 1, DC_ARG_CAPTURE_MAX, &bytes) == 0 &&
            add_strbytes(c, key, bytes) < 0)
            lerr(l, line_of(val), "out of memory");
    }
}

/* One capture_probes entry. Returns 0 or -1 (reported). */
static int load_capture(struct loader *l, yaml_node_t *map, size_t index, struct dc_capture *c)
{
    char where[64 + DC_HOSTCONF_NAME_MAX];
    yaml_node_pair_t *p;
    yaml_node_t *type_node = NULL, *probe_node = NULL, *name_node = NULL;
    unsigned errors = l->errors, line = line_of(map);
    int type = -1, probe = -1;

    memset(c, 0, sizeof(*c));
    c->index = index;
    c->line = line;
    c->enable_explorer = 1;
    c->include_offsets = -1;
    c->event_type = 1;
    snprintf(where, sizeof(where), "capture_probes[%zu]", index);
    if (map->type != YAML_MAPPING_NODE) {
        lerr(l, line, "%s must be a mapping of keys (type, probe, name, ...)", where);
        return -1;
    }
    if (check_duplicates(l, map, where) < 0)
        return -1;
    /* type, probe and name first: the other keys are checked against the type. */
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);

        if (!k || !v || k->type != YAML_SCALAR_NODE)
            continue;
        if (!strcmp((char *)k->data.scalar.value, "type"))
            type_node = v;
        else if (!strcmp((char *)k->data.scalar.value, "probe"))
            probe_node = v;
        else if (!strcmp((char *)k->data.scalar.value, "name"))
            name_node = v;
    }
    if (name_node && (c->name = get_string(l, name_node, where, "name", DC_HOSTCONF_NAME_MAX))) {
        if (!c->name[0] || !valid_name(c->name))
            lerr(l, line_of(name_node),
                 "%s: key 'name' must be a non-empty word of printable characters", where);
        else
            snprintf(where, sizeof(where), "capture_probes[%zu] (%s)", index, c->name);
    }
    if (!type_node) {
        lerr(l, line, "%s: key 'type' is required (header, binary, ksym, usdt, custom or btf)",
             where);
    } else {
        const char *s = scalar_text(l, type_node, where, "type");

        if (s && (type = lookup(s, type_names, NKEYS(type_names))) < 0)
            lerr(l, line_of(type_node),
                 "%s: key 'type': unknown capture type '%.64s'; valid types are header, binary, "
                 "ksym, usdt, custom and btf",
                 where, s);
    }
    if (!probe_node) {
        lerr(l, line, "%s: key 'probe' is required (syscalls, kprobe, uprobe, usdt or custom)",
             where);
    } else {
        const char *s = scalar_text(l, probe_node, where, "probe");

        if (s && (probe = lookup(s, probe_names, NKEYS(probe_names))) < 0)
            lerr(l, line_of(probe_node),
                 "%s: key 'probe': unknown probe type '%.64s'; valid types are syscalls, kprobe, "
                 "uprobe, usdt and custom",
                 where, s);
    }
    if (!name_node)
        lerr(l, line, "%s: key 'name' is required (it becomes the category name)", where);
    if (type >= 0 && probe >= 0 && !(allowed_probes[type] & T(probe))) {
        char list[64] = "";

        for (int i = 0; i < (int)NKEYS(probe_names); i++)
            if (allowed_probes[type] & T(i))
                snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                         list[0] ? " or " : "", probe_names[i]);
        lerr(l, line_of(probe_node), "%s: type %s cannot make %s probes (use probe: %s)", where,
             type_names[type], probe_names[probe], list);
    }
    c->type = type >= 0 ? (enum dc_capture_type)type : DC_CAP_HEADER;
    c->probe = probe >= 0 ? probe : 0;

    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const struct keydef *def = NULL;
        const char *key;
        int b;

        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            lerr(l, line_of(k), "%s: keys must be plain words", where);
            continue;
        }
        key = (const char *)k->data.scalar.value;
        for (size_t i = 0; i < NKEYS(cap_keys); i++)
            if (!strcmp(key, cap_keys[i].name))
                def = &cap_keys[i];
        if (!def) {
            const char *s = suggest(key, cap_keys, NKEYS(cap_keys));

            if (s)
                lwarn(l, line_of(k), "%s: unknown key '%.64s' ignored (did you mean '%s'?)", where,
                      key, s);
            else
                lwarn(l, line_of(k), "%s: unknown key '%.64s' ignored", where, key);
            continue;
        }
        if (type >= 0 && !(def->types & T(type))) {
            lwarn(l, line_of(k), "%s: key '%s' does not apply to type %s (ignored)", where, key,
                  type_names[type]);
            continue;
        }
        if (!strcmp(key, "regex")) {
            free(c->regex);
            c->regex = get_string(l, v, where, key, TEXT_MAX);
            c->regex_line = line_of(v);
            if (c->regex && !c->regex[0]) { /* upstream: an empty regex is no filter */
                free(c->regex);
                c->regex = NULL;
            }
        } else if (!strcmp(key, "enable_explorer")) {
            if (get_bool(l, v, where, key, &b) == 0)
                c->enable_explorer = b;
        } else if (!strcmp(key, "include_offsets")) {
            if (get_bool(l, v, where, key, &b) == 0)
                c->include_offsets = b;
        } else if (!strcmp(key, "exclude")) {
            /* A repeated key is an error already; the last list is kept until then. */
            for (size_t i = 0; i < c->nexclude; i++)
                free(c->exclude[i]);
            free(c->exclude);
            c->exclude = get_list(l, v, where, key, &c->nexclude);
        } else if (!strcmp(key, "start_event_id")) {
            get_int(l, v, where, key, 1, INT64_MAX, &c->start_event_id);
        } else if (!strcmp(key, "event_type")) {
            get_int(l, v, where, key, 1, INT64_MAX, &c->event_type);
        } else if (!strcmp(key, "string_bytes")) {
            get_strbytes(l, v, where, c);
        } else if (def->kind == K_STRING) {
            char **dst = !strcmp(key, "file")             ? &c->file
                         : !strcmp(key, "binary_path")    ? &c->binary_path
                         : !strcmp(key, "provider")       ? &c->provider
                         : !strcmp(key, "probes")         ? &c->probes
                         : !strcmp(key, "process_header") ? &c->process_header
                                                          : NULL;
            if (dst) {
                free(*dst);
                *dst = get_string(l, v, where, key, TEXT_MAX);
                if (*dst && !**dst) {
                    free(*dst);
                    *dst = NULL;
                }
            }
        }
    }

    /* What each type needs (upstream's checks, as configuration errors). */
    if (type >= 0 && probe >= 0) {
        switch (c->type) {
        case DC_CAP_HEADER:
            if (!c->file)
                lerr(l, line, "%s: type header needs 'file' (the C header to read)", where);
            break;
        case DC_CAP_BINARY:
            if (!c->file)
                lerr(l, line, "%s: type binary needs 'file' (the ELF file to read)", where);
            break;
        case DC_CAP_KSYM:
            if (!c->regex)
                lerr(l, line, "%s: type ksym needs 'regex' (which kernel symbols to take)", where);
            break;
        case DC_CAP_BTF:
            if (!c->regex && c->probe == 1 /* kprobe */)
                lerr(l, line,
                     "%s: type btf with probe kprobe needs 'regex' (which kernel functions to "
                     "take; '.*' for all)",
                     where);
            break;
        case DC_CAP_USDT:
            if (!c->binary_path || !c->provider)
                lerr(l, line, "%s: type usdt needs 'binary_path' and 'provider'", where);
            break;
        case DC_CAP_CUSTOM:
            if (!c->file || !c->probes || !c->process_header)
                lerr(l, line, "%s: type custom needs 'file', 'probes' and 'process_header'", where);
            if (!c->start_event_id)
                lerr(l, line, "%s: type custom needs 'start_event_id' (its first event id)", where);
            break;
        }
    }
    return l->errors == errors ? 0 : -1;
}

static void load_captures(struct loader *l, yaml_node_t *seq, struct dc_hostconf *hc)
{
    yaml_node_item_t *it;
    size_t n;

    if (seq->type == YAML_SCALAR_NODE && is_null(seq))
        return;
    if (seq->type != YAML_SEQUENCE_NODE) {
        lerr(l, line_of(seq), "key 'capture_probes' must be a list of captures");
        return;
    }
    n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n > DC_HOSTCONF_CAPTURES_MAX) {
        lerr(l, line_of(seq), "key 'capture_probes' has %zu entries; at most %d are allowed", n,
             DC_HOSTCONF_CAPTURES_MAX);
        return;
    }
    hc->caps = calloc(n ? n : 1, sizeof(*hc->caps));
    if (!hc->caps) {
        lerr(l, line_of(seq), "out of memory");
        return;
    }
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(l->doc, *it);

        if (!e)
            continue;
        load_capture(l, e, hc->ncaps, &hc->caps[hc->ncaps]);
        hc->ncaps++;
    }
    /* Names identify categories (reuse, exclusions, the trace's "cat"): say when they repeat. */
    for (size_t i = 0; i < hc->ncaps; i++)
        for (size_t j = 0; j < i; j++)
            if (hc->caps[i].name && hc->caps[j].name &&
                !strcmp(hc->caps[i].name, hc->caps[j].name)) {
                lwarn(l, hc->caps[i].line,
                      "capture_probes[%zu]: name '%s' is also used on line %u; the categories "
                      "will share it",
                      i, hc->caps[i].name, hc->caps[j].line);
                break;
            }
}

static void load_top(struct loader *l, yaml_node_t *root, struct dc_hostconf *hc)
{
    yaml_node_pair_t *p;

    if (root->type != YAML_MAPPING_NODE) {
        lerr(l, line_of(root), "the file must be a mapping with a 'capture_probes' list");
        return;
    }
    if (check_duplicates(l, root, "top level") < 0)
        return;
    for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const struct keydef *def = NULL;
        const char *key;
        char **dst = NULL;

        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            lerr(l, line_of(k), "keys must be plain words");
            continue;
        }
        key = (const char *)k->data.scalar.value;
        for (size_t i = 0; i < NKEYS(top_keys); i++)
            if (!strcmp(key, top_keys[i].name))
                def = &top_keys[i];
        if (!def) {
            const char *s = suggest(key, top_keys, NKEYS(top_keys));

            if (s)
                lwarn(l, line_of(k), "unknown key '%.64s' ignored (did you mean '%s'?)", key, s);
            else
                lwarn(l, line_of(k), "unknown key '%.64s' ignored", key);
            continue;
        }
        if (def->kind == K_IGNORED)
            continue;
        if (!strcmp(key, "capture_probes")) {
            if (!hc->caps)
                load_captures(l, v, hc);
            continue;
        }
        dst = !strcmp(key, "trace_log_dir")    ? &hc->trace_log_dir
              : !strcmp(key, "data_dir")       ? &hc->data_dir
              : !strcmp(key, "user")           ? &hc->user
              : !strcmp(key, "inclusion_path") ? &hc->inclusion_path
                                               : &hc->exclusion_file;
        free(*dst);
        *dst = get_string(l, v, "top level", key, TEXT_MAX);
    }
    if (l->errors == 0 && hc->ncaps == 0)
        lerr(l, line_of(root), "no capture_probes entries: there is nothing to discover");
}

/* Refuse templates: a placeholder left means a path or a pattern is not what the user meant. */
static int check_placeholders(struct loader *l, const char *buf, size_t len)
{
    struct dc_ph_iter it;
    struct dc_placeholder ph;
    unsigned n = 0;

    dc_ph_iter_init(&it, buf, len);
    while (dc_ph_next(&it, &ph)) {
        if (n++ < PLACEHOLDERS_LISTED)
            lerr(l, ph.line, "unrendered template placeholder @%.*s@", (int)ph.name_len, ph.name);
    }
    if (n > PLACEHOLDERS_LISTED)
        dc_diag_error(l->d, "%s: %u more placeholders", l->file, n - PLACEHOLDERS_LISTED);
    if (n)
        dc_diag_error(l->d,
                      "%s is an unconfigured template: render it first with "
                      "datacrumbs_configure_template(1)",
                      l->file);
    return n ? -1 : 0;
}

int dc_hostconf_parse(const char *buf, size_t len, const char *name, struct dc_hostconf *hc,
                      struct dc_diag *d)
{
    struct loader l = {.file = name, .d = d};
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    yaml_node_t *root;
    int have_doc = 0;

    memset(hc, 0, sizeof(*hc));
    hc->path = strdup(name);
    if (!hc->path) {
        dc_diag_error(d, "out of memory");
        return -1;
    }
    if (check_placeholders(&l, buf, len) < 0)
        return -1;
    if (!yaml_parser_initialize(&parser)) {
        dc_diag_error(d, "%s: cannot start the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        dc_diag_error(d, "%s:%zu:%zu: YAML syntax error: %s%s%s", name,
                      parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                      parser.problem ? parser.problem : "unknown problem",
                      parser.context ? " " : "", parser.context ? parser.context : "");
        l.errors++;
        goto cleanup;
    }
    have_doc = 1;
    l.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (!root) {
        dc_diag_error(d, "%s: the file is empty: it needs a 'capture_probes' list", name);
        l.errors++;
        goto cleanup;
    }
    load_top(&l, root, hc);
    if (yaml_parser_load(&parser, &extra)) {
        if (yaml_document_get_root_node(&extra))
            lerr(&l, (unsigned)parser.mark.line + 1,
                 "a second YAML document follows; the file must hold one");
        yaml_document_delete(&extra);
    } else {
        lerr(&l, (unsigned)parser.problem_mark.line + 1, "YAML syntax error: %s",
             parser.problem ? parser.problem : "unknown problem");
    }
cleanup:
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return l.errors ? -1 : 0;
}

int dc_hostconf_load(const char *path, struct dc_hostconf *hc, struct dc_diag *d)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    int fd, rc = -1;

    memset(hc, 0, sizeof(*hc));
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        dc_diag_error(d, "cannot open host file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        dc_diag_error(d, "host file %s is not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > DC_HOSTCONF_SIZE_MAX) {
        dc_diag_error(d, "host file %s is larger than %d bytes", path, DC_HOSTCONF_SIZE_MAX);
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        dc_diag_error(d, "out of memory");
        goto cleanup;
    }
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            dc_diag_error(d, "cannot read host file %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    rc = dc_hostconf_parse(buf, len, path, hc, d);
cleanup:
    free(buf);
    close(fd);
    return rc;
}

void dc_hostconf_free(struct dc_hostconf *hc)
{
    for (size_t i = 0; i < hc->ncaps; i++)
        free_capture(&hc->caps[i]);
    free(hc->caps);
    free(hc->path);
    free(hc->user);
    free(hc->data_dir);
    free(hc->trace_log_dir);
    free(hc->inclusion_path);
    free(hc->exclusion_file);
    memset(hc, 0, sizeof(*hc));
}
