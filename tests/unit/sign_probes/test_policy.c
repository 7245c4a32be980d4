/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_policy.c - every rule of the signing policy (src/sign_probes/policy.h), with a fixed
 * clock, a stand-in for the readability check and a small kernel symbol list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "probefile.h"
#include "rpc.h"

#define NOW      1800000000 /* 2027-01-15T08:00:00Z */
#define VALIDITY (7 * 86400)
#define MAXFN    20
#define ADMIN    4242

static int readable_calls;

/* "/ok/..." readable, "/fail/..." cannot be checked, anything else denied. */
static enum dc_access fake_readable(const struct dc_peer *p, const char *path, char *why,
                                    size_t whylen)
{
    (void)p;
    readable_calls++;
    if (strncmp(path, "/ok/", 4) == 0)
        return DC_ACCESS_OK;
    if (strncmp(path, "/fail/", 6) == 0) {
        snprintf(why, whylen, "cannot take the identity");
        return DC_ACCESS_FAILED;
    }
    snprintf(why, whylen, "%s is not readable by alice: Permission denied", path);
    return DC_ACCESS_DENIED;
}

static gid_t alice_groups[] = {1000, 3000};
static struct dc_peer alice = {
    .uid = 1000, .gid = 1000, .pid = 99, .groups = alice_groups, .ngroups = 2, .user = "alice"};

struct fixture {
    struct dc_ksyms *ksyms;
    struct dc_policy pol;
    struct dc_refusal r;
};

static int setup(void **state)
{
    static const char *const names[] = {"vfs_read", "__x64_sys_openat", "__x64_sys_read",
                                        "sys_close", "do_sys_open"};
    struct fixture *f = calloc(1, sizeof(*f));

    f->ksyms = dc_ksyms_from_names(names, sizeof(names) / sizeof(names[0]));
    f->pol = (struct dc_policy){
        .max_functions = MAXFN,
        .validity = VALIDITY,
        .admin_group = "dcadmin",
        .have_admin_gid = 1,
        .admin_gid = ADMIN,
        .ksyms = f->ksyms,
        .now = NOW,
        .readable = fake_readable,
    };
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    dc_ksyms_free(f->ksyms);
    free(f);
    return 0;
}

static char *ts(time_t t)
{
    static char buf[4][32];
    static int i;

    i = (i + 1) % 4;
    dc_pf_time_format(t, buf[i]);
    return buf[i];
}

/* A summary that passes, for alice, issued now, valid one day. */
static json_t *summary(void)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}", "config_file_path", "/ok/host.yaml",
                     "probe_file_path", "/home/alice/probes.json.gz", "hostname", "node1", "user",
                     "alice", "install_user", "root", "uid", 1000, "issued_at", ts(NOW),
                     "expires_at", ts(NOW + 86400));
}

static json_t *cat_sys(void)
{
    return json_pack("{s:i,s:s,s:[s,s],s:{s:[{s:i,s:i,s:b,s:s,s:s}]}}", "type", 0, "name", "sys",
                     "functions", "openat", "read", "function_arguments", "read", "index", 0,
                     "num_bytes", 4, "is_pointer", 0, "label", "fd", "c_type", "unsigned int");
}

static json_t *cat_uprobe(const char *path)
{
    return json_pack("{s:i,s:s,s:[s,s],s:s,s:b}", "type", 2, "name", "libc", "functions",
                     "fopen:0x7f1c0", "fread", "binary_path", path, "include_offsets", 1);
}

static json_t *cat_custom(void)
{
    return json_pack("{s:i,s:s,s:[s],s:s,s:i,s:s,s:i}", "type", 4, "name", "c", "functions", "e1",
                     "bpf_path", "/ok/c.bpf.c", "start_event_id", 100000, "process_header",
                     "/ok/c.h", "event_type", 1);
}

/* Check summary s and categories c (both stolen) as alice; returns the code. */
static int check(struct fixture *f, json_t *s, json_t *c)
{
    char *payload = NULL;
    size_t len = 0;
    int code;

    /* Payloads the canonical writer refuses (control characters) are dumped directly. */
    if (dc_pf_payload(s, c, &payload, &len) != DC_PF_OK) {
        json_t *doc = json_pack("{s:O,s:O,s:s}", "summary", s, "categories", c,
                                "checksum_algorithm", "hmac-sha256");

        payload = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER);
        len = strlen(payload);
        json_decref(doc);
    }
    code = dc_policy_check(&f->pol, &alice, payload, len, &f->r);
    free(payload);
    json_decref(s);
    json_decref(c);
    return code;
}

static int check_raw(struct fixture *f, const char *payload)
{
    return dc_policy_check(&f->pol, &alice, payload, strlen(payload), &f->r);
}

static void expect_at(int line, struct fixture *f, int code, json_t *s, json_t *c,
                      const char *needle)
{
    int got = check(f, s, c);

    if (got != code)
        fail_msg("line %d: code %d, want %d: %s", line, got, code, f->r.text);
    if (needle && !strstr(f->r.text, needle))
        fail_msg("line %d: no \"%s\" in: %s", line, needle, f->r.text);
}

/* EXPECT(f, code, summary, categories, needle or NULL): summary and categories are stolen. */
#define EXPECT(f, code, s, c, needle) expect_at(__LINE__, f, code, s, c, needle)

static void test_accepts(void **state)
{
    struct fixture *f = *state;

    EXPECT(f, 0, summary(), json_pack("[o,o]", cat_sys(), cat_uprobe("/ok/libc.so.6")), NULL);
    assert_int_equal(f->r.count, 0);
    /* The 594-byte vector's layout (without our summary keys) is not enough any more. */
    EXPECT(f, DC_RPC_PAYLOAD_INVALID,
           json_pack("{s:s,s:s,s:s,s:s,s:s}", "config_file_path", "/ok/h", "probe_file_path",
                     "/ok/p", "hostname", "h", "user", "alice", "install_user", "root"),
           json_pack("[o]", cat_sys()), "missing key \"uid\"");
}

static void test_identity(void **state)
{
    struct fixture *f = *state;
    json_t *s, *c;
    struct dc_peer nameless = alice;
    char *payload;
    size_t len;

    s = summary();
    json_object_set_new(s, "user", json_string("root"));
    EXPECT(f, DC_RPC_IDENTITY, s, json_pack("[o]", cat_sys()), "the caller is \"alice\"");
    s = summary();
    json_object_set_new(s, "uid", json_integer(0));
    EXPECT(f, DC_RPC_IDENTITY, s, json_pack("[o]", cat_sys()), "caller's uid 1000");
    s = summary();
    json_object_set_new(s, "uid", json_string("1000"));
    EXPECT(f, DC_RPC_IDENTITY, s, json_pack("[o]", cat_sys()), NULL);
    /* A uid without a name in the user database signs nothing. */
    nameless.user[0] = '\0';
    s = summary();
    c = json_array();
    dc_pf_payload(s, c, &payload, &len);
    assert_int_equal(dc_policy_check(&f->pol, &nameless, payload, len, &f->r), DC_RPC_IDENTITY);
    assert_non_null(strstr(f->r.text, "no entry in the user database"));
    free(payload);
    json_decref(s);
    json_decref(c);
}

static void test_paths(void **state)
{
    struct fixture *f = *state;
    json_t *s;

    EXPECT(f, DC_RPC_PATH_DENIED, summary(), json_pack("[o]", cat_uprobe("/root/libsecret.so")),
           "categories[0].binary_path: /root/libsecret.so is not readable by alice");
    s = summary();
    json_object_set_new(s, "config_file_path", json_string("/home/bob/host.yaml"));
    EXPECT(f, DC_RPC_PATH_DENIED, s, json_pack("[]"), "summary.config_file_path");
    /* The output path is not read by anyone: not checked for readability. */
    s = summary();
    json_object_set_new(s, "probe_file_path", json_string("/denied/out.json.gz"));
    EXPECT(f, 0, s, json_pack("[]"), NULL);
    /* When the check itself fails, that is the signer's error, not the caller's. */
    EXPECT(f, DC_RPC_INTERNAL_ERROR, summary(), json_pack("[o]", cat_uprobe("/fail/lib.so")),
           "cannot check the path");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("lib.so")),
           "is not an absolute path");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/ok/../etc/x")),
           "\"..\" component");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/ok/./x")),
           "\"..\" component");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/ok//x")),
           "empty component");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/ok/x/")),
           "empty component");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/proc/self/exe")),
           "/proc");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("/proc")), "/proc");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", cat_uprobe("")), "1 to 4095");
    /* "/process" is not /proc. */
    EXPECT(f, DC_RPC_PATH_DENIED, summary(), json_pack("[o]", cat_uprobe("/process/x")), NULL);
}

/* Categories repeat their binaries: each distinct path is checked once per request. */
static void test_path_cache(void **state)
{
    struct fixture *f = *state;

    readable_calls = 0;
    EXPECT(f, 0, summary(),
           json_pack("[o,o,o]", cat_uprobe("/ok/a.so"), cat_uprobe("/ok/a.so"),
                     cat_uprobe("/ok/b.so")),
           NULL);
    assert_int_equal(readable_calls, 3); /* config file, a.so, b.so */
    readable_calls = 0;
    EXPECT(f, DC_RPC_PATH_DENIED, summary(),
           json_pack("[o,o]", cat_uprobe("/no/a.so"), cat_uprobe("/no/a.so")), NULL);
    assert_int_equal(readable_calls, 2);
    assert_int_equal(f->r.count, 2); /* still reported for each category */
}

static void test_schema(void **state)
{
    struct fixture *f = *state;
    json_t *s, *c;

    s = summary();
    json_object_set_new(s, "key_id", json_string("k1"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "summary: unknown key \"key_id\"");
    s = summary();
    json_object_del(s, "hostname");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "missing key \"hostname\"");
    s = summary();
    json_object_set_new(s, "hostname", json_integer(1));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "summary.hostname must be a string");
    s = summary();
    json_object_set_new(s, "install_user", json_string(""));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "summary.install_user");
    /* Summary keys out of order. */
    s = summary();
    json_object_del(s, "config_file_path");
    json_object_set_new(s, "config_file_path", json_string("/ok/host.yaml"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "keys must come in the order");

    c = cat_sys();
    json_object_set_new(c, "color", json_string("red"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "unknown key \"color\"");
    /* A uprobe key on a syscall category is unknown there. */
    c = cat_sys();
    json_object_set_new(c, "binary_path", json_string("/ok/x"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c),
           "unknown key \"binary_path\"");
    c = cat_uprobe("/ok/x");
    json_object_del(c, "include_offsets");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c),
           "missing key \"include_offsets\"");
    c = cat_uprobe("/ok/x");
    json_object_set_new(c, "include_offsets", json_string("yes"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "true or false");
    c = json_pack("{s:s,s:i,s:[s]}", "name", "sys", "type", 0, "functions", "read");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "keys must come");
    c = json_pack("{s:i,s:s,s:[s]}", "type", 9, "name", "x", "functions", "read");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "from 0 to 4");
    c = json_pack("{s:s,s:[s]}", "name", "x", "functions", "read");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "missing key \"type\"");
    c = json_pack("{s:i,s:s,s:[]}", "type", 0, "name", "x", "functions");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "non-empty array");
    c = json_pack("{s:i,s:s,s:[i]}", "type", 2, "name", "x", "functions", 5);
    json_object_set_new(c, "binary_path", json_string("/ok/x"));
    json_object_set_new(c, "include_offsets", json_false());
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "functions[0] must be");
    c = json_pack("{s:i,s:s,s:[s]}", "type", 0, "name", "", "functions", "read");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), ".name must be");
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[i]", 1), "must be an object");
}

static void test_arguments(void **state)
{
    struct fixture *f = *state;
    json_t *c, *spec;

    c = cat_sys();
    spec = json_array_get(json_object_get(json_object_get(c, "function_arguments"), "read"), 0);
    json_object_set_new(spec, "deref", json_true());
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "unknown key \"deref\"");
    c = cat_sys();
    spec = json_array_get(json_object_get(json_object_get(c, "function_arguments"), "read"), 0);
    json_object_set_new(spec, "index", json_integer(64));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "index must be");
    c = cat_sys();
    spec = json_array_get(json_object_get(json_object_get(c, "function_arguments"), "read"), 0);
    json_object_set_new(spec, "num_bytes", json_integer(0));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "num_bytes must be");
    c = cat_sys();
    spec = json_array_get(json_object_get(json_object_get(c, "function_arguments"), "read"), 0);
    json_object_set_new(spec, "is_pointer", json_integer(1));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "is_pointer");
    c = cat_sys();
    json_object_set_new(json_object_get(c, "function_arguments"), "write", json_array());
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c),
           "\"write\" is not one of the category's functions");
    c = cat_sys();
    json_object_set_new(c, "function_arguments", json_array());
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "must be an object");
    c = cat_sys();
    json_object_set_new(json_object_get(c, "function_arguments"), "read", json_integer(1));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "argument specs");
    c = cat_sys();
    spec = json_object_get(json_object_get(c, "function_arguments"), "read");
    for (int i = 0; i < 16; i++)
        json_array_append(spec, json_array_get(spec, 0));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "at most 16");
}

static void test_validity(void **state)
{
    struct fixture *f = *state;
    json_t *s;

    s = summary();
    json_object_set_new(s, "issued_at", json_string(ts(NOW + 301)));
    EXPECT(f, DC_RPC_VALIDITY, s, json_pack("[]"), "from the signer's clock");
    s = summary();
    json_object_set_new(s, "issued_at", json_string(ts(NOW - 301)));
    EXPECT(f, DC_RPC_VALIDITY, s, json_pack("[]"), "from the signer's clock");
    s = summary();
    json_object_set_new(s, "issued_at", json_string(ts(NOW + 300)));
    json_object_set_new(s, "expires_at", json_string(ts(NOW + 3600)));
    EXPECT(f, 0, s, json_pack("[]"), NULL);
    s = summary();
    json_object_set_new(s, "expires_at", json_string(ts(NOW)));
    EXPECT(f, DC_RPC_VALIDITY, s, json_pack("[]"), "in the past");
    s = summary();
    json_object_set_new(s, "issued_at", json_string(ts(NOW - 200)));
    json_object_set_new(s, "expires_at", json_string(ts(NOW - 200)));
    EXPECT(f, DC_RPC_VALIDITY, s, json_pack("[]"), "not after summary.issued_at");
    s = summary();
    json_object_set_new(s, "expires_at", json_string(ts(NOW + VALIDITY)));
    EXPECT(f, 0, s, json_pack("[]"), NULL);
    s = summary();
    json_object_set_new(s, "expires_at", json_string(ts(NOW + VALIDITY + 1)));
    EXPECT(f, DC_RPC_VALIDITY, s, json_pack("[]"), "probe_validity allows 604800 s");
    s = summary();
    json_object_set_new(s, "issued_at", json_string("2027-01-15 08:00:00"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "summary.issued_at must be a UTC time");
    s = summary();
    json_object_set_new(s, "expires_at", json_integer(NOW + 60));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, s, json_pack("[]"), "summary.expires_at must be");
}

static json_t *many_functions(int n, int type)
{
    json_t *fns = json_array();
    char name[32];

    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        json_array_append_new(fns, json_string(name));
    }
    if (type == 4)
        return json_pack("{s:i,s:s,s:o,s:s,s:i,s:s,s:i}", "type", 4, "name", "c", "functions", fns,
                         "bpf_path", "/ok/c.bpf.c", "start_event_id", 1, "process_header",
                         "/ok/c.h", "event_type", 1);
    return json_pack("{s:i,s:s,s:o,s:s,s:b}", "type", 2, "name", "u", "functions", fns,
                     "binary_path", "/ok/lib.so", "include_offsets", 0);
}

static void test_function_limit(void **state)
{
    struct fixture *f = *state;
    static gid_t admin_groups[] = {1000, ADMIN};
    struct dc_peer admin = alice;
    char *payload;
    size_t len;
    json_t *s, *c;

    EXPECT(f, 0, summary(), json_pack("[o]", many_functions(MAXFN, 2)), NULL);
    EXPECT(f, DC_RPC_TOO_MANY_FUNCTIONS, summary(), json_pack("[o]", many_functions(MAXFN + 1, 2)),
           "21 runtime functions selected; max_runtime_functions allows 20");
    EXPECT(f, DC_RPC_TOO_MANY_FUNCTIONS, summary(),
           json_pack("[o,o]", many_functions(MAXFN / 2, 2), many_functions(MAXFN / 2 + 1, 2)),
           NULL);
    /* Custom probes are the admin's own BPF program: not counted. */
    admin.groups = admin_groups;
    s = summary();
    c = json_pack("[o,o]", many_functions(MAXFN, 2), many_functions(50, 4));
    dc_pf_payload(s, c, &payload, &len);
    assert_int_equal(dc_policy_check(&f->pol, &admin, payload, len, &f->r), 0);
    free(payload);
    json_decref(s);
    json_decref(c);
}

static void test_kernel_symbols(void **state)
{
    struct fixture *f = *state;
    json_t *c;

    c = json_pack("{s:i,s:s,s:[s,s,s]}", "type", 0, "name", "s", "functions", "openat", "sys_read",
                  "close");
    EXPECT(f, 0, summary(), json_pack("[o]", c), NULL);
    c = json_pack("{s:i,s:s,s:[s]}", "type", 0, "name", "s", "functions", "__x64_sys_openat");
    EXPECT(f, 0, summary(), json_pack("[o]", c), NULL);
    c = json_pack("{s:i,s:s,s:[s,s]}", "type", 0, "name", "s", "functions", "openat",
                  "dc_no_such_syscall");
    EXPECT(f, DC_RPC_UNKNOWN_SYMBOL, summary(), json_pack("[o]", c),
           "kernel function not found in list: \"dc_no_such_syscall\"");
    c = json_pack("{s:i,s:s,s:[s,s]}", "type", 1, "name", "k", "functions", "vfs_read",
                  "do_sys_open:0x10");
    EXPECT(f, 0, summary(), json_pack("[o]", c), NULL);
    /* kprobes name the symbol itself: no syscall prefix games. */
    c = json_pack("{s:i,s:s,s:[s]}", "type", 1, "name", "k", "functions", "openat");
    EXPECT(f, DC_RPC_UNKNOWN_SYMBOL, summary(), json_pack("[o]", c), NULL);
    c = json_pack("{s:i,s:s,s:[s]}", "type", 1, "name", "k", "functions", "vfs_rea");
    EXPECT(f, DC_RPC_UNKNOWN_SYMBOL, summary(), json_pack("[o]", c), NULL);
    /* Without a symbol list, kernel probes cannot be signed; user probes still can. */
    f->pol.ksyms = NULL;
    c = json_pack("{s:i,s:s,s:[s]}", "type", 1, "name", "k", "functions", "vfs_read");
    EXPECT(f, DC_RPC_UNKNOWN_SYMBOL, summary(), json_pack("[o]", c), "no kernel symbol list");
    EXPECT(f, 0, summary(), json_pack("[o]", cat_uprobe("/ok/x.so")), NULL);
    f->pol.ksyms = f->ksyms;
}

static void test_custom(void **state)
{
    struct fixture *f = *state;
    static gid_t admin_groups[] = {1000, ADMIN};
    struct dc_peer admin = alice;
    char *payload;
    size_t len;
    json_t *s, *c;

    EXPECT(f, DC_RPC_NOT_ADMIN, summary(), json_pack("[o,o]", cat_custom(), cat_custom()),
           "only signed for members of group \"dcadmin\"");
    assert_int_equal(f->r.count, 1); /* said once */
    admin.groups = admin_groups;
    s = summary();
    c = json_pack("[o]", cat_custom());
    dc_pf_payload(s, c, &payload, &len);
    assert_int_equal(dc_policy_check(&f->pol, &admin, payload, len, &f->r), 0);
    /* Membership through the primary group counts too. */
    admin.groups = NULL;
    admin.ngroups = 0;
    admin.gid = ADMIN;
    assert_int_equal(dc_policy_check(&f->pol, &admin, payload, len, &f->r), 0);
    /* No admin_group configured (or one that does not exist): nobody. */
    f->pol.have_admin_gid = 0;
    assert_int_equal(dc_policy_check(&f->pol, &admin, payload, len, &f->r), DC_RPC_NOT_ADMIN);
    f->pol.admin_group = "";
    assert_int_equal(dc_policy_check(&f->pol, &admin, payload, len, &f->r), DC_RPC_NOT_ADMIN);
    assert_non_null(strstr(f->r.text, "no admin_group is configured"));
    free(payload);
    json_decref(s);
    json_decref(c);
    c = cat_custom();
    json_object_set_new(c, "start_event_id", json_integer(0));
    f->pol.have_admin_gid = 1;
    EXPECT(f, DC_RPC_NOT_ADMIN, summary(), json_pack("[o]", c), "start_event_id must be");
}

static void test_not_canonical(void **state)
{
    struct fixture *f = *state;
    char *payload, *p;
    size_t len;
    json_t *s = summary(), *c = json_pack("[o]", cat_sys()), *doc;

    dc_pf_payload(s, c, &payload, &len);
    assert_int_equal(check_raw(f, payload), 0);
    /* One space, an unescaped '/', a real: each is refused. */
    p = realloc(payload, len + 2);
    assert_non_null(p);
    payload = p;
    p = strstr(payload, "\"hostname\":");
    memmove(p + 1, p, strlen(p) + 1);
    *p = ' ';
    assert_int_equal(check_raw(f, payload), DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "not canonical JSON"));
    free(payload);
    doc = json_pack("{s:O,s:O,s:s}", "summary", s, "categories", c, "checksum_algorithm",
                    "hmac-sha256");
    payload = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_int_equal(check_raw(f, payload), DC_RPC_PAYLOAD_INVALID);
    free(payload);
    json_decref(doc);
    assert_int_equal(check_raw(f, "{\"summary\":{},\"categories\":[],\"checksum_algorithm\":"
                                  "\"hmac-sha256\",\"x\":1}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_int_equal(check_raw(f, "{\"categories\":[],\"summary\":{},\"checksum_algorithm\":"
                                  "\"hmac-sha256\"}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "in that order"));
    assert_int_equal(check_raw(f, "{\"summary\":{},\"categories\":[],\"checksum\":"
                                  "\"hmac-sha256\"}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "in that order"));
    assert_int_equal(check_raw(f, "{\"summary\":{},\"categories\":[],\"checksum_algorithm\":"
                                  "\"md5\"}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_int_equal(check_raw(f, "{\"summary\":[],\"categories\":{},\"checksum_algorithm\":"
                                  "\"hmac-sha256\"}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_int_equal(check_raw(f, "[]"), DC_RPC_PAYLOAD_INVALID);
    assert_int_equal(check_raw(f, "{\"summary\":{\"uid\":1.5},\"categories\":[],"
                                  "\"checksum_algorithm\":\"hmac-sha256\"}"),
                     DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "not an integer"));
    json_decref(s);
    json_decref(c);
    /* Control characters are never signed. */
    c = cat_sys();
    json_object_set_new(c, "name", json_string("a\tb"));
    EXPECT(f, DC_RPC_PAYLOAD_INVALID, summary(), json_pack("[o]", c), "control character");
    assert_non_null(strstr(f->r.text, "never signed"));
}

static void test_size_limits(void **state)
{
    struct fixture *f = *state;
    size_t big = DC_PF_MAX_DECOMPRESSED + 1, n = 0;
    char *buf = malloc(big + 1);

    memset(buf, ' ', big);
    buf[big] = '\0';
    assert_int_equal(dc_policy_check(&f->pol, &alice, buf, big, &f->r), DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "larger than"));
    /* More JSON values than any payload within max_runtime_functions needs. */
    n = (size_t)sprintf(buf, "{\"summary\":{},\"categories\":[");
    for (size_t i = 0; i <= dc_policy_max_values(MAXFN); i++)
        n += (size_t)sprintf(buf + n, "%s0", i ? "," : "");
    sprintf(buf + n, "],\"checksum_algorithm\":\"hmac-sha256\"}");
    assert_int_equal(check_raw(f, buf), DC_RPC_PAYLOAD_INVALID);
    assert_non_null(strstr(f->r.text, "more than"));
    free(buf);
}

static void test_many_errors(void **state)
{
    struct fixture *f = *state;
    json_t *cats = json_array();
    char *msg;

    f->pol.max_functions = 1000; /* 50 functions: only the paths are wrong */
    for (int i = 0; i < 25; i++)
        json_array_append_new(cats, cat_uprobe("/no/lib.so"));
    EXPECT(f, DC_RPC_PATH_DENIED, summary(), cats, NULL);
    if (f->r.count != 25)
        fail_msg("%u errors: %s", f->r.count, f->r.text);
    assert_non_null(strstr(f->r.first, "categories[0].binary_path"));
    msg = dc_refusal_message(&f->r);
    assert_non_null(msg);
    assert_true(strncmp(msg, "payload validation failed (25 error(s)):\n- categories[0]",
                        strlen("payload validation failed (25 error(s)):\n- categories[0]")) == 0);
    assert_non_null(strstr(msg, "categories[19]"));
    assert_null(strstr(msg, "categories[20]"));
    assert_non_null(strstr(msg, "\n- ... and 5 more"));
    free(msg);
    /* An internal error outranks the caller's errors in the code. */
    EXPECT(f, DC_RPC_INTERNAL_ERROR, summary(),
           json_pack("[o,o]", cat_uprobe("/no/lib.so"), cat_uprobe("/fail/lib.so")), NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accepts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_function_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kernel_symbols, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_errors, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
