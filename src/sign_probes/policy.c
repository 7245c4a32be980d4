/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * policy.c - the signing policy (see policy.h).
 *
 * The schema is exact: every key the runtime could act on is known here, so a key we do not
 * know is refused rather than signed blindly. Paths are absolute and plain (no "." or ".."
 * components, no "//", nothing under /proc whose meaning depends on who resolves it) and are
 * checked for readability as the caller, which is the question that matters: the runtime
 * attaches probes as root, so the signature is the only thing standing between a user and
 * probing someone else's binary.
 */
#include "policy.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "probefile.h"
#include "rpc.h"

#define PATH_LEN_MAX          4095
#define NAME_LEN_MAX          256
#define FUNC_LEN_MAX          4096 /* C++ names can be long */
#define ARGS_PER_FUNCTION_MAX 16
#define ARG_INDEX_MAX         63
#define ARG_BYTES_MAX         4096
#define PATH_CACHE            32 /* distinct paths remembered per request (categories repeat them) */

struct keyspec {
    const char *name;
    int required;
};

struct checked_path {
    const char *path; /* borrowed from the payload */
    int ok;
};

struct check {
    const struct dc_policy *pol;
    const struct dc_peer *peer;
    struct dc_refusal *r;
    struct checked_path paths[PATH_CACHE];
    size_t npaths;
    int custom_refused; /* reported once per request */
};

static void add(struct check *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct check *c, int code, const char *fmt, ...)
{
    struct dc_refusal *r = c->r;
    char msg[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->count++;
    if (r->code == 0 || (code == DC_RPC_INTERNAL_ERROR && r->code != DC_RPC_INTERNAL_ERROR))
        r->code = code;
    if (r->count == 1) {
        size_t flen = strnlen(msg, sizeof(r->first) - 1);

        memcpy(r->first, msg, flen);
        r->first[flen] = '\0';
    }
    if (r->count > DC_POLICY_MAX_LISTED || r->len >= sizeof(r->text) - 1)
        return;
    n = snprintf(r->text + r->len, sizeof(r->text) - r->len, "\n- %s", msg);
    if (n > 0)
        r->len += (size_t)n < sizeof(r->text) - r->len ? (size_t)n : sizeof(r->text) - r->len - 1;
}

/* Unknown keys, missing required keys, and the order (the probe file order, 5.1/5.2). */
static void check_keys(struct check *c, json_t *obj, const struct keyspec *spec, size_t n,
                       const char *where)
{
    const char *key;
    json_t *v;
    size_t next = 0;
    int in_order = 1;

    json_object_foreach(obj, key, v)
    {
        size_t j;

        for (j = 0; j < n && strcmp(spec[j].name, key) != 0; j++)
            ;
        if (j == n) {
            add(c, DC_RPC_PAYLOAD_INVALID, "%s: unknown key \"%.64s\"", where, key);
            continue;
        }
        if (j < next)
            in_order = 0;
        next = j + 1;
    }
    for (size_t j = 0; j < n; j++)
        if (spec[j].required && !json_object_get(obj, spec[j].name))
            add(c, DC_RPC_PAYLOAD_INVALID, "%s: missing key \"%s\"", where, spec[j].name);
    if (!in_order) {
        char list[512];
        size_t len = 0;

        list[0] = '\0';
        for (size_t j = 0; j < n && len < sizeof(list); j++)
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", j ? ", " : "",
                                    spec[j].name);
        add(c, DC_RPC_PAYLOAD_INVALID, "%s: keys must come in the order %s", where, list);
    }
}

/* A string of 1..max bytes, or NULL after reporting why not. */
static const char *get_string(struct check *c, json_t *v, size_t max, const char *where,
                              const char *key)
{
    size_t len;

    if (!v)
        return NULL; /* reported by check_keys */
    len = json_string_length(v);
    if (!json_is_string(v) || len == 0 || len > max || strlen(json_string_value(v)) != len) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s must be a string of 1 to %zu bytes", where, key, max);
        return NULL;
    }
    return json_string_value(v);
}

static int get_int(struct check *c, json_t *v, json_int_t lo, json_int_t hi, const char *where,
                   const char *key, json_int_t *out)
{
    if (!v)
        return -1;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s must be an integer from %lld to %lld", where, key,
            (long long)lo, (long long)hi);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static void get_bool(struct check *c, json_t *v, const char *where, const char *key)
{
    if (v && !json_is_boolean(v))
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s must be true or false", where, key);
}

/* NULL when p is an absolute plain path, else what is wrong with it. */
static const char *path_problem(const char *p)
{
    if (p[0] != '/')
        return "is not an absolute path";
    if (strcmp(p, "/proc") == 0 || strncmp(p, "/proc/", 6) == 0)
        return "is under /proc (its meaning depends on the process that opens it)";
    for (const char *s = p; *s;) {
        size_t n;

        s++; /* the '/' */
        n = strcspn(s, "/");
        if (n == 0)
            return "has an empty component (\"//\" or a trailing \"/\")";
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return "has a \".\" or \"..\" component";
        s += n;
    }
    return NULL;
}

static void check_path(struct check *c, json_t *v, const char *where, const char *key,
                       int must_read)
{
    const char *path = get_string(c, v, PATH_LEN_MAX, where, key);
    const char *problem;
    char why[PATH_LEN_MAX + 256];
    enum dc_access a;

    if (!path)
        return;
    if ((problem = path_problem(path)) != NULL) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s %s: %.512s", where, key, problem, path);
        return;
    }
    if (!must_read)
        return;
    for (size_t i = 0; i < c->npaths; i++) {
        if (strcmp(c->paths[i].path, path) == 0) {
            if (!c->paths[i].ok)
                add(c, DC_RPC_PATH_DENIED, "%s.%s: %.512s is not readable by the caller", where,
                    key, path);
            return;
        }
    }
    a = c->pol->readable(c->peer, path, why, sizeof(why));
    if (a == DC_ACCESS_FAILED) {
        add(c, DC_RPC_INTERNAL_ERROR, "%s.%s: cannot check the path: %.512s", where, key, why);
        return;
    }
    if (a != DC_ACCESS_OK)
        add(c, DC_RPC_PATH_DENIED, "%s.%s: %.900s", where, key, why);
    if (c->npaths < PATH_CACHE)
        c->paths[c->npaths++] = (struct checked_path){path, a == DC_ACCESS_OK};
}

static void check_times(struct check *c, json_t *s)
{
    json_t *iv = json_object_get(s, "issued_at"), *ev = json_object_get(s, "expires_at");
    const struct dc_policy *pol = c->pol;
    time_t issued, expires;
    int have_i = 0, have_e = 0;

    if (iv) {
        if (json_is_string(iv) && dc_pf_time_parse(json_string_value(iv), &issued) == 0)
            have_i = 1;
        else
            add(c, DC_RPC_PAYLOAD_INVALID,
                "summary.issued_at must be a UTC time like 2026-01-31T12:00:00Z");
    }
    if (ev) {
        if (json_is_string(ev) && dc_pf_time_parse(json_string_value(ev), &expires) == 0)
            have_e = 1;
        else
            add(c, DC_RPC_PAYLOAD_INVALID,
                "summary.expires_at must be a UTC time like 2026-01-31T12:00:00Z");
    }
    if (have_i && (issued > pol->now + DC_PF_CLOCK_SKEW || issued < pol->now - DC_PF_CLOCK_SKEW))
        add(c, DC_RPC_VALIDITY, "summary.issued_at is %lld s from the signer's clock (at most %d)",
            (long long)(issued - pol->now), DC_PF_CLOCK_SKEW);
    if (have_e && expires <= pol->now)
        add(c, DC_RPC_VALIDITY, "summary.expires_at is in the past");
    if (have_i && have_e && expires <= issued)
        add(c, DC_RPC_VALIDITY, "summary.expires_at is not after summary.issued_at");
    if (have_i && have_e && expires - issued > pol->validity)
        add(c, DC_RPC_VALIDITY,
            "summary.expires_at is %lld s after issued_at; probe_validity allows %ld s",
            (long long)(expires - issued), pol->validity);
}

static void check_summary(struct check *c, json_t *s)
{
    static const struct keyspec keys[] = {
        {"config_file_path", 1}, {"probe_file_path", 1},
        {"hostname", 1},         {"user", 1},
        {"install_user", 1},     {"uid", 1},
        {"issued_at", 1},        {"expires_at", 1},
    };
    const struct dc_peer *peer = c->peer;
    const char *user;
    json_t *uid = json_object_get(s, "uid");

    check_keys(c, s, keys, sizeof(keys) / sizeof(keys[0]), "summary");
    check_path(c, json_object_get(s, "config_file_path"), "summary", "config_file_path", 1);
    check_path(c, json_object_get(s, "probe_file_path"), "summary", "probe_file_path", 0);
    get_string(c, json_object_get(s, "hostname"), NAME_LEN_MAX, "summary", "hostname");
    get_string(c, json_object_get(s, "install_user"), NAME_LEN_MAX, "summary", "install_user");
    user = get_string(c, json_object_get(s, "user"), NAME_LEN_MAX, "summary", "user");
    if (user && !peer->user[0])
        add(c, DC_RPC_IDENTITY, "the caller's uid %u has no entry in the user database",
            (unsigned)peer->uid);
    else if (user && strcmp(user, peer->user) != 0)
        add(c, DC_RPC_IDENTITY, "summary.user is \"%.64s\" but the caller is \"%s\"", user,
            peer->user);
    if (uid && (!json_is_integer(uid) || json_integer_value(uid) != (json_int_t)peer->uid))
        add(c, DC_RPC_IDENTITY, "summary.uid must be the caller's uid %u", (unsigned)peer->uid);
    check_times(c, s);
}

static int kernel_has(const struct dc_ksyms *k, json_int_t type, const char *fn)
{
    size_t len;
    char buf[FUNC_LEN_MAX + 32];

    if (type == DC_PF_KPROBE) /* "sym" or "sym:0xOFFSET" */
        return dc_ksyms_has(k, fn, strcspn(fn, ":"));
    /* Syscalls: the bare name, as written or with an architecture's wrapper prefix. */
    fn = dc_sp_syscall_base(fn);
    len = strlen(fn);
    if (dc_ksyms_has(k, fn, len))
        return 1;
    for (size_t i = 0; i < dc_sp_nsyscall_prefixes; i++) {
        int n = snprintf(buf, sizeof(buf), "%s%s", dc_sp_syscall_prefixes[i], fn);

        if (n > 0 && (size_t)n < sizeof(buf) && dc_ksyms_has(k, buf, (size_t)n))
            return 1;
    }
    return 0;
}

/* What the checks of one category need to know about it. */
struct cat {
    const char *where; /* "categories[N]" */
    json_int_t type;
    const char *binary; /* binary_path (uprobe, usdt), else NULL */
};

/* What a capture is called in messages: the binary or "syscall"/"kernel". */
static const char *target_name(const struct cat *k)
{
    if (k->type == DC_PF_SYSCALLS)
        return "syscall";
    if (k->type == DC_PF_KPROBE)
        return "kernel";
    return k->binary ? k->binary : "?";
}

static void check_arg_spec(struct check *c, const struct cat *k, const char *fn, json_t *spec,
                           const char *where)
{
    static const struct keyspec keys[] = {
        {"index", 1}, {"num_bytes", 1}, {"is_pointer", 1}, {"label", 1}, {"c_type", 1},
    };
    const char *label, *c_type;
    json_int_t index = -1, v;

    if (!json_is_object(spec)) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s must be an object", where);
        return;
    }
    check_keys(c, spec, keys, sizeof(keys) / sizeof(keys[0]), where);
    get_int(c, json_object_get(spec, "index"), 0, ARG_INDEX_MAX, where, "index", &index);
    get_int(c, json_object_get(spec, "num_bytes"), 1, ARG_BYTES_MAX, where, "num_bytes", &v);
    get_bool(c, json_object_get(spec, "is_pointer"), where, "is_pointer");
    label = get_string(c, json_object_get(spec, "label"), NAME_LEN_MAX, where, "label");
    c_type = get_string(c, json_object_get(spec, "c_type"), NAME_LEN_MAX, where, "c_type");
    /* A string or buffer is memory of the traced process: only where the site says so. */
    if (index >= 0 && c_type &&
        dc_sp_is_capture(c_type, json_is_true(json_object_get(spec, "is_pointer"))) &&
        !(c->pol->site &&
          dc_sp_capture_allowed(c->pol->site, k->type, k->binary, fn, (unsigned)index)))
        add(c, DC_RPC_CAPTURE_DENIED,
            "%s: capture of argument %lld (%.64s, %.64s) of %.128s in %.512s is not allowed by "
            "the site's probe policy %s",
            where, (long long)index, label ? label : "?", c_type, fn, target_name(k),
            c->pol->site ? c->pol->site->source : "(none)");
}

/* The category's functions as a set of borrowed strings (categories hold thousands). */
struct strset {
    const char **slot;
    size_t mask;
};

static size_t str_hash(const char *s)
{
    size_t h = 5381;

    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static int strset_init(struct strset *set, json_t *fns)
{
    size_t n = json_array_size(fns), size = 16;

    while (size < 2 * n)
        size *= 2;
    set->slot = calloc(size, sizeof(*set->slot));
    if (!set->slot)
        return -1;
    set->mask = size - 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(fns, i));
        size_t k;

        if (!s)
            continue;
        for (k = str_hash(s) & set->mask; set->slot[k]; k = (k + 1) & set->mask)
            if (strcmp(set->slot[k], s) == 0)
                break;
        set->slot[k] = s;
    }
    return 0;
}

static int strset_has(const struct strset *set, const char *s)
{
    for (size_t k = str_hash(s) & set->mask; set->slot[k]; k = (k + 1) & set->mask)
        if (strcmp(set->slot[k], s) == 0)
            return 1;
    return 0;
}

static void check_arguments(struct check *c, const struct cat *k, json_t *args, json_t *fns,
                            json_t *entry_fns)
{
    struct strset names, entry;
    json_t *specs;
    const char *fn;
    char w[192];

    if (!json_is_object(args)) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.function_arguments must be an object", k->where);
        return;
    }
    if (json_object_size(args) == 0)
        return;
    if (strset_init(&names, fns) < 0) {
        add(c, DC_RPC_INTERNAL_ERROR, "out of memory");
        return;
    }
    if (strset_init(&entry, json_is_array(entry_fns) ? entry_fns : NULL) < 0) {
        free(names.slot);
        add(c, DC_RPC_INTERNAL_ERROR, "out of memory");
        return;
    }
    json_object_foreach(args, fn, specs)
    {
        if (!strset_has(&names, fn) && !strset_has(&entry, fn))
            add(c, DC_RPC_PAYLOAD_INVALID,
                "%s.function_arguments: \"%.128s\" is not one of the category's functions",
                k->where, fn);
        if (!json_is_array(specs) || json_array_size(specs) > ARGS_PER_FUNCTION_MAX) {
            add(c, DC_RPC_PAYLOAD_INVALID,
                "%s.function_arguments[\"%.128s\"] must be an array of at most %d argument specs",
                k->where, fn, ARGS_PER_FUNCTION_MAX);
            continue;
        }
        for (size_t i = 0; i < json_array_size(specs); i++) {
            snprintf(w, sizeof(w), "%s.function_arguments[\"%.64s\"][%zu]", k->where, fn, i);
            check_arg_spec(c, k, fn, json_array_get(specs, i), w);
        }
    }
    free(names.slot);
    free(entry.slot);
}

/* Keys of each category type, in the order the probe file writes them (reference 5.1). */
static const struct keyspec cat_keys[5][8] = {
    [DC_PF_SYSCALLS] = {{"type", 1}, {"name", 1}, {"functions", 1}, {"function_arguments", 0}},
    [DC_PF_KPROBE] = {{"type", 1}, {"name", 1}, {"functions", 1}, {"function_arguments", 0}},
    [DC_PF_UPROBE] = {{"type", 1},
                      {"name", 1},
                      {"functions", 1},
                      {"function_arguments", 0},
                      {"binary_path", 1},
                      {"include_offsets", 1},
                      {"entry_functions", 0}},
    [DC_PF_USDT] = {{"type", 1},
                    {"name", 1},
                    {"functions", 1},
                    {"function_arguments", 0},
                    {"binary_path", 1},
                    {"provider", 1}},
    [DC_PF_CUSTOM] = {{"type", 1},
                      {"name", 1},
                      {"functions", 1},
                      {"function_arguments", 0},
                      {"bpf_path", 1},
                      {"start_event_id", 1},
                      {"process_header", 1},
                      {"event_type", 1}},
};

static size_t nkeys(const struct keyspec *k)
{
    size_t n = 0;

    while (n < 8 && k[n].name)
        n++;
    return n;
}

/*
 * A uretprobe swaps the return address on the stack: only for functions that leave by
 * returning (sitepolicy.h). The others belong in entry_functions, which get entry probes only.
 */
static void check_return(struct check *c, const struct cat *k, size_t i, const char *fn)
{
    const char *why;
    enum dc_ret_class cls = dc_sp_return_class(fn, &why);

    if (cls == DC_RET_OK || (cls == DC_RET_MAY_THROW && c->pol->site &&
                             dc_sp_return_allowed(c->pol->site, k->binary, fn)))
        return;
    add(c, DC_RPC_RETURN_UNSAFE,
        "%s.functions[%zu]: no return probe on \"%.128s\" in %.512s: %s; list it in "
        "entry_functions%s",
        k->where, i, fn, target_name(k), why,
        cls == DC_RET_MAY_THROW ? " (or the site's probe policy must allow return probes for it)"
                                : "");
}

static void check_functions(struct check *c, const struct cat *k, json_t *fns, const char *key,
                            int may_be_empty, size_t *counted)
{
    const struct dc_ksyms *ks = c->pol->ksyms;
    int kernel = k->type == DC_PF_SYSCALLS || k->type == DC_PF_KPROBE;

    if (!fns)
        return;
    if (!json_is_array(fns) || (json_array_size(fns) == 0 && !may_be_empty)) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s must be a non-empty array of strings", k->where, key);
        return;
    }
    if (k->type != DC_PF_CUSTOM) /* the runtime's limit counts what it attaches itself */
        *counted += json_array_size(fns);
    if (kernel && dc_ksyms_count(ks) == 0) {
        add(c, DC_RPC_UNKNOWN_SYMBOL,
            "%s: kernel probes cannot be checked: the signer has no kernel symbol list", k->where);
        kernel = 0;
    }
    for (size_t i = 0; i < json_array_size(fns); i++) {
        json_t *f = json_array_get(fns, i);
        const char *fn = json_string_value(f);

        if (!fn || json_string_length(f) == 0 || json_string_length(f) > FUNC_LEN_MAX ||
            strlen(fn) != json_string_length(f)) {
            add(c, DC_RPC_PAYLOAD_INVALID, "%s.%s[%zu] must be a string of 1 to %d bytes", k->where,
                key, i, FUNC_LEN_MAX);
            continue;
        }
        if (kernel && !kernel_has(ks, k->type, fn))
            add(c, DC_RPC_UNKNOWN_SYMBOL, "%s: kernel function not found in %s: \"%.128s\"",
                k->where, dc_ksyms_source(ks), fn);
        if (k->type == DC_PF_UPROBE && strcmp(key, "functions") == 0)
            check_return(c, k, i, fn);
    }
}

static void check_category(struct check *c, json_t *cat, size_t i, size_t *counted)
{
    char where[64];
    json_int_t type, v;
    const struct dc_policy *pol = c->pol;
    json_t *entry_fns;
    struct cat k = {.where = where};

    snprintf(where, sizeof(where), "categories[%zu]", i);
    if (!json_is_object(cat)) {
        add(c, DC_RPC_PAYLOAD_INVALID, "%s must be an object", where);
        return;
    }
    if (get_int(c, json_object_get(cat, "type"), 0, 4, where, "type", &type) < 0) {
        if (!json_object_get(cat, "type"))
            add(c, DC_RPC_PAYLOAD_INVALID, "%s: missing key \"type\"", where);
        return; /* the other keys depend on the type */
    }
    k.type = type;
    if (type == DC_PF_UPROBE || type == DC_PF_USDT)
        k.binary = json_string_value(json_object_get(cat, "binary_path"));
    entry_fns = type == DC_PF_UPROBE ? json_object_get(cat, "entry_functions") : NULL;
    check_keys(c, cat, cat_keys[type], nkeys(cat_keys[type]), where);
    get_string(c, json_object_get(cat, "name"), NAME_LEN_MAX, where, "name");
    check_functions(c, &k, json_object_get(cat, "functions"), "functions",
                    json_array_size(entry_fns) > 0, counted);
    check_functions(c, &k, entry_fns, "entry_functions", 0, counted);
    if (json_object_get(cat, "function_arguments") &&
        json_is_array(json_object_get(cat, "functions")))
        check_arguments(c, &k, json_object_get(cat, "function_arguments"),
                        json_object_get(cat, "functions"), entry_fns);
    switch (type) {
    case DC_PF_UPROBE:
        check_path(c, json_object_get(cat, "binary_path"), where, "binary_path", 1);
        get_bool(c, json_object_get(cat, "include_offsets"), where, "include_offsets");
        break;
    case DC_PF_USDT:
        check_path(c, json_object_get(cat, "binary_path"), where, "binary_path", 1);
        get_string(c, json_object_get(cat, "provider"), NAME_LEN_MAX, where, "provider");
        break;
    case DC_PF_CUSTOM:
        if (!(pol->have_admin_gid && dc_peer_in_group(c->peer, pol->admin_gid)) &&
            !c->custom_refused) {
            c->custom_refused = 1;
            if (pol->admin_group && pol->admin_group[0])
                add(c, DC_RPC_NOT_ADMIN,
                    "%s: custom probes are only signed for members of "
                    "group \"%s\"",
                    where, pol->admin_group);
            else
                add(c, DC_RPC_NOT_ADMIN,
                    "%s: custom probes are not signed (no admin_group is configured)", where);
        }
        check_path(c, json_object_get(cat, "bpf_path"), where, "bpf_path", 1);
        check_path(c, json_object_get(cat, "process_header"), where, "process_header", 1);
        get_int(c, json_object_get(cat, "start_event_id"), 1, INT64_MAX, where, "start_event_id",
                &v);
        get_int(c, json_object_get(cat, "event_type"), 1, INT64_MAX, where, "event_type", &v);
        break;
    default: break;
    }
}

size_t dc_policy_max_values(long max_functions)
{
    /* A function with five argument specs is about 35 values; leave room beyond that. */
    return (size_t)max_functions * 40 + 65536;
}

/*
 * The payload must be canonical (what every verifier recomputes from the parsed file) and an
 * object of exactly summary, categories and checksum_algorithm, in that order.
 */
static json_t *parse_payload(struct check *c, const char *payload, size_t len)
{
    const struct dc_policy *pol = c->pol;
    struct dc_canon_error err;
    json_t *doc, *alg;
    const char *key;
    json_t *v;
    size_t i = 0;
    static const char *const order[] = {"summary", "categories", "checksum_algorithm"};

    if (len > DC_PF_MAX_DECOMPRESSED) {
        add(c, DC_RPC_PAYLOAD_INVALID, "the payload is larger than %u bytes",
            DC_PF_MAX_DECOMPRESSED);
        return NULL;
    }
    doc = dc_canon_parse(payload, len, dc_policy_max_values(pol->max_functions), &err);
    if (!doc) {
        if (err.result == DC_CANON_TOO_MANY)
            add(c, DC_RPC_PAYLOAD_INVALID,
                "the payload holds more than %zu JSON values (max_runtime_functions is %ld)",
                dc_policy_max_values(pol->max_functions), pol->max_functions);
        else if (err.result == DC_CANON_NOMEM)
            add(c, DC_RPC_INTERNAL_ERROR, "out of memory");
        else
            add(c, DC_RPC_PAYLOAD_INVALID,
                "the payload is not canonical JSON (compact, '/' written '\\/', integers "
                "only): %s at byte %zu",
                err.reason, err.offset);
        return NULL;
    }
    /* i counts the keys in place: all three only when each is where it belongs. */
    if (json_is_object(doc) && json_object_size(doc) == 3) {
        json_object_foreach(doc, key, v)
        {
            if (strcmp(key, order[i]) != 0)
                break;
            i++;
        }
    }
    if (i != 3) {
        add(c, DC_RPC_PAYLOAD_INVALID,
            "the payload must be an object of summary, categories "
            "and checksum_algorithm, in that order");
        goto bad;
    }
    alg = json_object_get(doc, "checksum_algorithm");
    if (!json_is_string(alg) || strcmp(json_string_value(alg), DC_PF_ALGORITHM) != 0) {
        add(c, DC_RPC_PAYLOAD_INVALID, "checksum_algorithm must be \"%s\"", DC_PF_ALGORITHM);
        goto bad;
    }
    if (!json_is_object(json_object_get(doc, "summary")) ||
        !json_is_array(json_object_get(doc, "categories"))) {
        add(c, DC_RPC_PAYLOAD_INVALID, "summary must be an object and categories an array");
        goto bad;
    }
    return doc;
bad:
    json_decref(doc);
    return NULL;
}

int dc_policy_check(const struct dc_policy *pol, const struct dc_peer *peer, const char *payload,
                    size_t len, struct dc_refusal *r)
{
    struct check c = {.pol = pol, .peer = peer, .r = r};
    json_t *doc, *categories;
    size_t counted = 0;

    memset(r, 0, sizeof(*r));
    doc = parse_payload(&c, payload, len);
    if (!doc)
        return r->code;
    check_summary(&c, json_object_get(doc, "summary"));
    categories = json_object_get(doc, "categories");
    for (size_t i = 0; i < json_array_size(categories); i++)
        check_category(&c, json_array_get(categories, i), i, &counted);
    if (counted > (size_t)pol->max_functions)
        add(&c, DC_RPC_TOO_MANY_FUNCTIONS,
            "%zu runtime functions selected; max_runtime_functions allows %ld", counted,
            pol->max_functions);
    json_decref(doc);
    return r->code;
}

char *dc_refusal_message(const struct dc_refusal *r)
{
    char *msg = NULL;
    unsigned more = r->count > DC_POLICY_MAX_LISTED ? r->count - DC_POLICY_MAX_LISTED : 0;
    char tail[64] = "";

    if (more)
        snprintf(tail, sizeof(tail), "\n- ... and %u more", more);
    if (asprintf(&msg, "payload validation failed (%u error(s)):%s%s", r->count, r->text, tail) < 0)
        return NULL;
    return msg;
}
