/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_hostconf.c - the host YAML loader: every key and capture type, and every error with the
 * file, line and key it names; unknown keys warned about; unrendered placeholders refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostconf.h"
#include "probefile.h"

struct loaded {
    struct dc_hostconf hc;
    struct dc_diag d;
    int rc;
};

static void load(struct loaded *l, const char *yaml)
{
    dc_diag_init(&l->d, 0);
    l->rc = dc_hostconf_parse(yaml, strlen(yaml), "host.yaml", &l->hc, &l->d);
}

static void unload(struct loaded *l)
{
    dc_hostconf_free(&l->hc);
    dc_diag_free(&l->d);
}

static void dump(const struct loaded *l)
{
    for (size_t i = 0; i < l->d.n; i++)
        print_message("  [%d] %s\n", l->d.v[i].kind, l->d.v[i].text);
}

#define expect_error(yaml, needle)   expect_diag(yaml, DC_DIAG_ERROR, needle, -1, __LINE__)
#define expect_warning(yaml, needle) expect_diag(yaml, DC_DIAG_WARNING, needle, 0, __LINE__)

/* Loading yaml gives rc and a message of kind containing needle. */
static void expect_diag(const char *yaml, enum dc_diag_kind kind, const char *needle, int rc,
                        int line)
{
    struct loaded l;

    load(&l, yaml);
    if (l.rc != rc || !dc_diag_has(&l.d, kind, needle)) {
        dump(&l);
        fail_msg("line %d: expected rc %d and a message with \"%s\", got rc %d", line, rc, needle,
                 l.rc);
    }
    unload(&l);
}

static void test_every_key(void **state)
{
    static const char yaml[] = "# a host file\n"
                               "user: alice\n"
                               "data_dir: /tmp\n"
                               "trace_log_dir: /tmp\n"
                               "inclusion_path: /a:/b\n"
                               "name: ignored\n"
                               "capture_probes:\n"
                               "  - name: libc\n"
                               "    type: binary\n"
                               "    probe: uprobe\n"
                               "    file: /lib/libc.so.6\n"
                               "    regex: (open|read)\n"
                               "    include_offsets: yes\n"
                               "    exclude: [openat, fopen64]\n"
                               "  - name: sys\n"
                               "    type: btf\n"
                               "    probe: syscalls\n"
                               "    enable_explorer: false\n"
                               "  - name: ks\n"
                               "    type: ksym\n"
                               "    probe: kprobe\n"
                               "    regex: ^vfs_\n"
                               "  - name: py\n"
                               "    type: usdt\n"
                               "    probe: usdt\n"
                               "    binary_path: /usr/lib/libpython3.so\n"
                               "    provider: python\n"
                               "  - name: custom1\n"
                               "    type: custom\n"
                               "    probe: custom\n"
                               "    file: /opt/x.bpf.c\n"
                               "    probes: /opt/p.json\n"
                               "    process_header: /opt/h.h\n"
                               "    start_event_id: 100000\n"
                               "    event_type: 0x2\n"
                               "  - name: hdr\n"
                               "    type: header\n"
                               "    probe: kprobe\n"
                               "    file: /usr/include/linux/pagemap.h\n"
                               "    regex: ''\n";
    struct loaded l;
    const struct dc_capture *c;

    (void)state;
    load(&l, yaml);
    if (l.rc != 0)
        dump(&l);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.d.errors, 0);
    assert_int_equal(l.d.warnings, 0);
    assert_string_equal(l.hc.user, "alice");
    assert_string_equal(l.hc.inclusion_path, "/a:/b");
    assert_int_equal(l.hc.ncaps, 6);
    c = &l.hc.caps[0];
    assert_int_equal(c->type, DC_CAP_BINARY);
    assert_int_equal(c->probe, DC_PF_UPROBE);
    assert_string_equal(c->name, "libc");
    assert_string_equal(c->file, "/lib/libc.so.6");
    assert_string_equal(c->regex, "(open|read)");
    assert_int_equal(c->regex_line, 12);
    assert_int_equal(c->line, 8);
    assert_int_equal(c->include_offsets, 1);
    assert_int_equal(c->enable_explorer, 1);
    assert_int_equal(c->nexclude, 2);
    assert_string_equal(c->exclude[1], "fopen64");
    c = &l.hc.caps[1];
    assert_int_equal(c->type, DC_CAP_BTF);
    assert_int_equal(c->probe, DC_PF_SYSCALLS);
    assert_null(c->regex);
    assert_int_equal(c->enable_explorer, 0);
    assert_int_equal(l.hc.caps[2].type, DC_CAP_KSYM);
    c = &l.hc.caps[3];
    assert_string_equal(c->binary_path, "/usr/lib/libpython3.so");
    assert_string_equal(c->provider, "python");
    c = &l.hc.caps[4];
    assert_int_equal(c->start_event_id, 100000);
    assert_int_equal(c->event_type, 2);
    assert_string_equal(c->process_header, "/opt/h.h");
    /* an empty regex is no filter, as upstream */
    assert_null(l.hc.caps[5].regex);
    assert_string_equal(dc_capture_type_name(DC_CAP_BTF), "btf");
    assert_string_equal(dc_probe_type_name(DC_PF_USDT), "usdt");
    unload(&l);
}

static const char good_entry[] = "capture_probes:\n"
                                 "  - name: libc\n"
                                 "    type: binary\n"
                                 "    probe: uprobe\n"
                                 "    file: /lib/libc.so.6\n";

static void test_unknown_keys(void **state)
{
    char yaml[512];

    (void)state;
    snprintf(yaml, sizeof(yaml), "%s    regx: open\n", good_entry);
    expect_warning(yaml, "host.yaml:6: capture_probes[0] (libc): unknown key 'regx' ignored "
                         "(did you mean 'regex'?)");
    snprintf(yaml, sizeof(yaml), "%s    zzzzzzzzzz: 1\n", good_entry);
    expect_warning(yaml, "host.yaml:6: capture_probes[0] (libc): unknown key 'zzzzzzzzzz' ignored");
    snprintf(yaml, sizeof(yaml), "captur_probes: []\n%s", good_entry);
    expect_warning(yaml, "host.yaml:1: unknown key 'captur_probes' ignored (did you mean "
                         "'capture_probes'?)");
    snprintf(yaml, sizeof(yaml), "%s    provider: python\n", good_entry);
    expect_warning(yaml, "host.yaml:6: capture_probes[0] (libc): key 'provider' does not apply "
                         "to type binary (ignored)");
}

static void test_capture_errors(void **state)
{
    (void)state;
    expect_error("capture_probes:\n  - name: a\n    probe: uprobe\n    file: /x\n",
                 "host.yaml:2: capture_probes[0] (a): key 'type' is required");
    expect_error("capture_probes:\n  - name: a\n    type: binray\n    probe: uprobe\n",
                 "host.yaml:3: capture_probes[0] (a): key 'type': unknown capture type 'binray'");
    expect_error("capture_probes:\n  - name: a\n    type: binary\n    probe: syscall\n",
                 "host.yaml:4: capture_probes[0] (a): key 'probe': unknown probe type 'syscall'");
    expect_error("capture_probes:\n  - type: binary\n    probe: uprobe\n    file: /x\n",
                 "host.yaml:2: capture_probes[0]: key 'name' is required");
    expect_error("capture_probes:\n  - name: a\n    type: binary\n    probe: uprobe\n",
                 "host.yaml:2: capture_probes[0] (a): type binary needs 'file'");
    expect_error("capture_probes:\n  - name: a\n    type: binary\n    probe: syscalls\n"
                 "    file: /x\n",
                 "host.yaml:4: capture_probes[0] (a): type binary cannot make syscalls probes "
                 "(use probe: kprobe or uprobe)");
    expect_error("capture_probes:\n  - name: a\n    type: ksym\n    probe: kprobe\n",
                 "type ksym needs 'regex'");
    expect_error("capture_probes:\n  - name: a\n    type: btf\n    probe: kprobe\n",
                 "type btf with probe kprobe needs 'regex'");
    expect_error("capture_probes:\n  - name: a\n    type: usdt\n    probe: usdt\n"
                 "    binary_path: /x\n",
                 "type usdt needs 'binary_path' and 'provider'");
    expect_error("capture_probes:\n  - name: a\n    type: custom\n    probe: custom\n"
                 "    file: /x\n    probes: /y\n    process_header: /z\n",
                 "type custom needs 'start_event_id'");
    expect_error("capture_probes:\n  - name: a\n    type: header\n    probe: kprobe\n",
                 "type header needs 'file'");
    expect_error("capture_probes:\n  - name: 'two words'\n    type: btf\n    probe: syscalls\n",
                 "host.yaml:2: capture_probes[0]: key 'name' must be a non-empty word");
    expect_error("capture_probes:\n  - just a string\n", "host.yaml:2: capture_probes[0] must be "
                                                         "a mapping");
}

static void test_value_errors(void **state)
{
    char yaml[512];

    (void)state;
    snprintf(yaml, sizeof(yaml), "%s    include_offsets: maybe\n", good_entry);
    expect_error(yaml, "host.yaml:6: capture_probes[0] (libc): key 'include_offsets' must be true "
                       "or false, not 'maybe'");
    snprintf(yaml, sizeof(yaml), "%s    include_offsets: 'true'\n", good_entry);
    expect_error(yaml, "must be true or false"); /* a quoted string is not a boolean */
    expect_error("capture_probes:\n  - name: c\n    type: custom\n    probe: custom\n"
                 "    file: /x\n    probes: /y\n    process_header: /z\n"
                 "    start_event_id: abc\n",
                 "host.yaml:8: capture_probes[0] (c): key 'start_event_id' must be an integer, "
                 "not 'abc'");
    expect_error("capture_probes:\n  - name: c\n    type: custom\n    probe: custom\n"
                 "    file: /x\n    probes: /y\n    process_header: /z\n"
                 "    start_event_id: 0\n",
                 "key 'start_event_id' must be between 1 and");
    expect_error("capture_probes:\n  - name: c\n    type: custom\n    probe: custom\n"
                 "    file: /x\n    probes: /y\n    process_header: /z\n"
                 "    start_event_id: 99999999999999999999999\n",
                 "must be an integer");
    snprintf(yaml, sizeof(yaml), "%s    regex: [a, b]\n", good_entry);
    expect_error(yaml, "host.yaml:6: capture_probes[0] (libc): key 'regex' must be a single "
                       "value, not a list");
    snprintf(yaml, sizeof(yaml), "%s    regex: \"a\\tb\"\n", good_entry);
    expect_error(yaml, "key 'regex' holds a control character");
    snprintf(yaml, sizeof(yaml), "%s    regex: \"a\\0b\"\n", good_entry);
    expect_error(yaml, "key 'regex' holds a NUL byte");
    snprintf(yaml, sizeof(yaml), "%s    exclude: open\n", good_entry);
    expect_error(yaml, "host.yaml:6: capture_probes[0] (libc): key 'exclude' must be a list");
    /* Found by fuzz_yaml: a repeated list key leaked the first list (ASan build checks). */
    snprintf(yaml, sizeof(yaml), "%s    exclude: [a, b]\n    exclude: [c]\n", good_entry);
    expect_error(yaml, "key 'exclude' appears twice");
    snprintf(yaml, sizeof(yaml), "%s    file: /other\n", good_entry);
    expect_error(yaml, "host.yaml:6: capture_probes[0]: key 'file' appears twice (first "
                       "on line 5)");
}

/* string_bytes: one number, or per function and argument; the most specific rule wins. */
static void test_string_bytes(void **state)
{
    char yaml[768];
    struct loaded l;
    const struct dc_capture *c;

    (void)state;
    snprintf(yaml, sizeof(yaml),
             "%s    string_bytes:\n      '*': 100\n      openat: 50\n      openat.file: 20\n"
             "      fopen.1: 8\n",
             good_entry);
    load(&l, yaml);
    assert_int_equal(l.rc, 0);
    c = &l.hc.caps[0];
    assert_int_equal(c->nstrbytes, 4);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "read", 1, "buf"), 100);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "openat", 2, "flags"), 50);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "openat", 1, "file"), 20);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "openat@@GLIBC_2.4", 1, "file"),
                     20);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "fopen", 1, "modes"), 8);
    assert_int_equal(dc_strbytes_for(c->strbytes, c->nstrbytes, "fopen", 0, "filename"), 100);
    assert_int_equal(dc_strbytes_for(NULL, 0, "fopen", 0, "filename"), DC_ARG_CAPTURE_BYTES);
    unload(&l);
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: 64\n", good_entry);
    load(&l, yaml);
    assert_int_equal(l.rc, 0);
    assert_int_equal(dc_strbytes_for(l.hc.caps[0].strbytes, l.hc.caps[0].nstrbytes, "x", 0, "y"),
                     64);
    unload(&l);
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: 256\n", good_entry);
    expect_error(yaml, "host.yaml:6: capture_probes[0] (libc): key 'string_bytes' must be between "
                       "1 and 255, not 256");
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: {open.file: 0}\n", good_entry);
    expect_error(yaml, "key 'string_bytes: open.file' must be between 1 and 255, not 0");
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: {.file: 9}\n", good_entry);
    expect_error(yaml, "string_bytes: '.file' is not");
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: [1]\n", good_entry);
    expect_error(yaml, "key 'string_bytes' must be a number or a mapping");
    snprintf(yaml, sizeof(yaml), "%s    string_bytes: 9\n    string_bytes: 10\n", good_entry);
    expect_error(yaml, "key 'string_bytes' appears twice");
}

static void test_document_errors(void **state)
{
    (void)state;
    expect_error("capture_probes:\n  - name: a\n   type: binary\n",
                 "host.yaml:3:4: YAML syntax error");
    expect_error("capture_probes: [\n", "YAML syntax error");
    expect_error("", "host.yaml: the file is empty");
    expect_error("# only a comment\n", "the file is empty");
    expect_error("- a\n- b\n", "host.yaml:1: the file must be a mapping");
    expect_error("capture_probes: 7\n", "host.yaml:1: key 'capture_probes' must be a list");
    expect_error("capture_probes: []\n", "no capture_probes entries");
    expect_error("user: a\n", "no capture_probes entries");
    expect_error("capture_probes: []\n---\ncapture_probes: []\n", "a second YAML document");
    expect_error("capture_probes: []\n...\n--- [\n", "YAML syntax error");
}

static void test_placeholders(void **state)
{
    static const char yaml[] = "capture_probes:\n"
                               "  - name: libc\n"
                               "    type: binary\n"
                               "    probe: uprobe\n"
                               "    file: @DATACRUMBS_LIBC_SO@\n"
                               "  - name: x\n"
                               "    type: binary\n"
                               "    probe: uprobe\n"
                               "    file: @A@/lib@B_2@.so # @@ and user@host are fine\n";
    struct loaded l;

    (void)state;
    load(&l, yaml);
    assert_int_equal(l.rc, -1);
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR,
                            "host.yaml:5: unrendered template placeholder @DATACRUMBS_LIBC_SO@"));
    assert_true(
        dc_diag_has(&l.d, DC_DIAG_ERROR, "host.yaml:9: unrendered template placeholder @A@"));
    assert_true(
        dc_diag_has(&l.d, DC_DIAG_ERROR, "host.yaml:9: unrendered template placeholder @B_2@"));
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "is an unconfigured template"));
    assert_int_equal(l.d.errors, 4);
    unload(&l);
    /* many: the first ten are listed, the rest counted */
    {
        char big[4096] = "capture_probes: []\n";

        for (int i = 0; i < 25; i++)
            snprintf(big + strlen(big), sizeof(big) - strlen(big), "# @K%d@\n", i);
        load(&l, big);
        assert_int_equal(l.rc, -1);
        assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "host.yaml: 15 more placeholders"));
        unload(&l);
    }
}

static void test_names_repeat(void **state)
{
    char yaml[512];

    (void)state;
    snprintf(yaml, sizeof(yaml), "%s  - name: libc\n    type: btf\n    probe: syscalls\n",
             good_entry);
    expect_warning(yaml, "host.yaml:6: capture_probes[1]: name 'libc' is also used on line 2");
}

static void test_limits(void **state)
{
    struct loaded l;
    char *yaml;
    size_t len = 0, cap = 1 << 20;

    (void)state;
    /* an anchor repeated: bounded work */
    yaml = malloc(cap);
    assert_non_null(yaml);
    len += (size_t)snprintf(yaml + len, cap - len, "x: &big [");
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "a%d,", i);
    len += (size_t)snprintf(yaml + len, cap - len, "z]\ncapture_probes:\n");
    for (int i = 0; i < 20; i++)
        len += (size_t)snprintf(yaml + len, cap - len,
                                "  - {name: c%d, type: btf, probe: syscalls, exclude: *big}\n", i);
    dc_diag_init(&l.d, 0);
    l.rc = dc_hostconf_parse(yaml, len, "host.yaml", &l.hc, &l.d);
    assert_int_equal(l.rc, -1);
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "list values in the file"));
    unload(&l);
    /* too many keys in a mapping */
    len = (size_t)snprintf(yaml, cap, "capture_probes: []\n");
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(yaml + len, cap - len, "k%d: 1\n", i);
    expect_error(yaml, "top level: more than 64 keys");
    free(yaml);
}

static void test_load_file(void **state)
{
    char dir[] = "/tmp/dc-hostconf.XXXXXX", path[256];
    struct loaded l;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/host.yaml", dir);
    dc_diag_init(&l.d, 0);
    assert_int_equal(dc_hostconf_load(path, &l.hc, &l.d), -1);
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "cannot open host file"));
    unload(&l);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(good_entry, f);
    fclose(f);
    dc_diag_init(&l.d, 0);
    assert_int_equal(dc_hostconf_load(path, &l.hc, &l.d), 0);
    assert_string_equal(l.hc.path, path);
    assert_int_equal(l.hc.ncaps, 1);
    unload(&l);
    dc_diag_init(&l.d, 0);
    assert_int_equal(dc_hostconf_load(dir, &l.hc, &l.d), -1);
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "is not a regular file"));
    unload(&l);
    /* too large */
    f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < DC_HOSTCONF_SIZE_MAX / 10 + 10; i++)
        fputs("#########\n", f);
    fclose(f);
    dc_diag_init(&l.d, 0);
    assert_int_equal(dc_hostconf_load(path, &l.hc, &l.d), -1);
    assert_true(dc_diag_has(&l.d, DC_DIAG_ERROR, "is larger than"));
    unload(&l);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),       cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_capture_errors),  cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_document_errors), cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_names_repeat),    cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_file),       cmocka_unit_test(test_string_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
