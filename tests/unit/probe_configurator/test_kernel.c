/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_kernel.c - the kernel sources: /proc/kallsyms parsing, BTF functions and their argument
 * signatures (a fixture BTF compiled by clang, and this machine's kernel when it has BTF), the
 * syscall prefix, and the type text rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "argspec.h"
#include "btf.h"
#include "kallsyms.h"
#include "strmap.h"

static void test_kallsyms_parse(void **state)
{
    static const char text[] = "ffffffff81000000 T _stext\n"
                               "ffffffff81001000 t do_one_initcall\n"
                               "ffffffff81002000 D some_data\n"
                               "ffffffff81003000 W weak_fn\n"
                               "0000000000000000 T vfs_read\n"
                               "ffffffffc0001000 t lustre_read\t[lustre]\n"
                               "ffffffffc0002000 T dup_name\t[mod_a]\n"
                               "ffffffffc0003000 t dup_name\t[mod_b]\n"
                               "garbage\n"
                               "ffff TT bad_type\n"
                               "ffff T bad\x01name\n"
                               "\n"
                               "ffffffff81004000 T no_newline_at_end";
    struct dc_kallsyms k;
    char err[256];

    (void)state;
    assert_int_equal(dc_kallsyms_parse(text, sizeof(text) - 1, &k, err, sizeof(err)), 0);
    assert_int_equal(k.n, 7);
    assert_string_equal(k.v[0].name, "_stext");
    assert_null(k.v[0].module);
    assert_string_equal(k.v[3].name, "lustre_read");
    assert_string_equal(k.v[3].module, "lustre");
    assert_string_equal(k.v[5].module, "mod_b");
    assert_string_equal(k.v[6].name, "no_newline_at_end");
    assert_true(dc_kallsyms_has(&k, "vfs_read", 8));
    assert_true(dc_kallsyms_has(&k, "dup_name", 8));
    assert_false(dc_kallsyms_has(&k, "some_data", 9)); /* data is not a function */
    assert_false(dc_kallsyms_has(&k, "weak_fn", 7));
    assert_false(dc_kallsyms_has(&k, "vfs_rea", 7));
    assert_int_equal(k.skipped, 3);
    dc_kallsyms_free(&k);
    assert_int_equal(dc_kallsyms_parse("", 0, &k, err, sizeof(err)), 0);
    assert_int_equal(k.n, 0);
    dc_kallsyms_free(&k);
}

static void test_kallsyms_load(void **state)
{
    struct dc_kallsyms k;
    char err[256];

    (void)state;
    assert_int_equal(dc_kallsyms_load("/nonexistent/kallsyms", &k, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open /nonexistent/kallsyms"));
    if (access(DC_KALLSYMS_PATH, R_OK) != 0)
        skip();
    assert_int_equal(dc_kallsyms_load(DC_KALLSYMS_PATH, &k, err, sizeof(err)), 0);
    assert_true(k.n > 1000);
    assert_true(dc_kallsyms_has(&k, "schedule", 8));
    dc_kallsyms_free(&k);
}

static const struct dc_arg *arg(const struct dc_sig *s, unsigned i)
{
    assert_non_null(s);
    assert_true(i < s->nargs);
    return &s->args[i];
}

static void expect_arg(const struct dc_sig *s, unsigned i, const char *label, const char *type,
                       unsigned bytes, int ptr)
{
    const struct dc_arg *a = arg(s, i);

    assert_string_equal(a->label, label);
    assert_string_equal(a->c_type, type);
    assert_int_equal(a->num_bytes, bytes);
    assert_int_equal(a->is_pointer, ptr);
}

static void test_btf_fixture(void **state)
{
#ifdef FX_BTF
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_btf *b;
    char err[512];
    long pos;
    const struct dc_sig *s;

    (void)state;
    b = dc_btf_open(FX_BTF, NULL, &a, err, sizeof(err));
    if (!b)
        fail_msg("%s", err);
    assert_int_equal(dc_btf_nfuncs(b), 11);
    assert_string_equal(dc_btf_syscall_prefix(b), "__x64_sys_");
    assert_true(dc_btf_find(b, "__x64_sys_read") >= 0);
    assert_int_equal(dc_btf_find(b, "nope"), -1);
    assert_string_equal(dc_btf_path(b), FX_BTF);
    pos = dc_btf_find(b, "ksys_read");
    assert_true(pos >= 0);
    s = dc_btf_func_sig(b, (size_t)pos);
    assert_int_equal(s->nargs, 3);
    expect_arg(s, 0, "fd", "unsigned int", 4, 0);
    expect_arg(s, 1, "buf", "char *", DC_ARG_CAPTURE_BYTES, 1); /* a string: 255 bytes shown */
    expect_arg(s, 2, "count", "size_t", 8, 0);
    s = dc_btf_func_sig(b, (size_t)dc_btf_find(b, "__do_sys_openat"));
    expect_arg(s, 1, "filename", "const char *", DC_ARG_CAPTURE_BYTES, 1);
    expect_arg(s, 3, "mode", "umode_t", 2, 0);
    s = dc_btf_func_sig(b, (size_t)dc_btf_find(b, "vfs_read_fx"));
    expect_arg(s, 0, "file", "struct file *", 8, 1);
    expect_arg(s, 3, "pos", "loff_t *", 8, 1);
    s = dc_btf_func_sig(b, (size_t)dc_btf_find(b, "filemap_fault_fx"));
    expect_arg(s, 0, "vmf", "const void *", 8, 1);
    expect_arg(s, 2, "names", "char *const *", 8, 1); /* a pointer to pointers: no string */
    s = dc_btf_func_sig(b, (size_t)dc_btf_find(b, "__x64_sys_read"));
    expect_arg(s, 0, "regs", "const struct pt_regs *", 8, 1);
    /* one prototype, one signature */
    assert_ptr_equal(dc_btf_func_sig(b, (size_t)dc_btf_find(b, "__x64_sys_read")), s);
    assert_null(dc_btf_func_sig(b, 1000));
    dc_btf_close(b);
    dc_arena_free(&a);
#else
    (void)state;
    skip(); /* no clang to compile the BTF fixture */
#endif
}

static void test_btf_errors(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    char err[512];

    (void)state;
    assert_null(dc_btf_open("/nonexistent/vmlinux", NULL, &a, err, sizeof(err)));
    assert_non_null(strstr(err, "cannot read BTF from /nonexistent/vmlinux"));
    assert_null(dc_btf_open(FX_LIB, NULL, &a, err, sizeof(err))); /* an ELF without .BTF */
    assert_non_null(strstr(err, "cannot read BTF from"));
    dc_arena_free(&a);
}

static void test_btf_running_kernel(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_btf *b;
    char err[512];
    long pos;

    (void)state;
    if (access(DC_BTF_VMLINUX, R_OK) != 0)
        skip(); /* this kernel has no BTF */
    b = dc_btf_open(DC_BTF_VMLINUX, NULL, &a, err, sizeof(err));
    if (!b)
        fail_msg("%s", err);
    assert_true(dc_btf_nfuncs(b) > 1000);
    pos = dc_btf_find(b, "ksys_read");
    if (pos >= 0) {
        const struct dc_sig *s = dc_btf_func_sig(b, (size_t)pos);

        expect_arg(s, 0, "fd", "unsigned int", 4, 0);
        expect_arg(s, 1, "buf", "char *", DC_ARG_CAPTURE_BYTES, 1);
    }
    for (size_t i = 0; i < dc_btf_nfuncs(b); i++)
        dc_btf_func_sig(b, i); /* every signature renders (ASan watches) */
    dc_btf_close(b);
    dc_arena_free(&a);
}

static void test_type_text(void **state)
{
    char t1[] = "  const   char*  ", t2[] = "char * * x", t3[] = "struct  file\t*", t4[] = "int";

    (void)state;
    dc_ctype_normalise(t1);
    assert_string_equal(t1, "const char *");
    dc_ctype_normalise(t2);
    assert_string_equal(t2, "char **x");
    dc_ctype_normalise(t3);
    assert_string_equal(t3, "struct file *");
    dc_ctype_normalise(t4);
    assert_string_equal(t4, "int");
    assert_int_equal(dc_arg_num_bytes("char *", 1, 0), DC_ARG_CAPTURE_BYTES);
    assert_int_equal(dc_arg_num_bytes("const char *", 1, 0), DC_ARG_CAPTURE_BYTES);
    assert_int_equal(dc_arg_num_bytes("char **", 1, 0), 8);
    assert_int_equal(dc_arg_num_bytes("void *", 1, 0), 8);
    assert_int_equal(dc_arg_num_bytes("unsigned char", 0, 0), 1);
    assert_int_equal(dc_arg_num_bytes("short", 0, 0), 2);
    assert_int_equal(dc_arg_num_bytes("unsigned long", 0, 0), 8);
    assert_int_equal(dc_arg_num_bytes("int", 0, 0), 4);
    assert_int_equal(dc_arg_num_bytes("size_t", 0, 0), 8);
    assert_int_equal(dc_arg_num_bytes("mode_t", 0, 0), 4);
    assert_int_equal(dc_arg_num_bytes("umode_t", 0, 0), 2);
    assert_int_equal(dc_arg_num_bytes("struct big", 0, 120), 8); /* capped */
    assert_int_equal(dc_arg_num_bytes("enum e", 0, 0), 4);
    assert_int_equal(dc_arg_num_bytes("double", 0, 0), 8);
    assert_int_equal(dc_arg_num_bytes("mystery_t", 0, 0), 8);
}

static void test_strmap(void **state)
{
    struct dc_strmap m = DC_STRMAP_INIT;
    static char keys[20000][8];
    uint64_t v = 99;

    (void)state;
    assert_int_equal(dc_strmap_get(&m, "x", 1, &v), 0);
    /* a set: no value array */
    assert_int_equal(dc_strmap_put(&m, "a", 1, 0, NULL), 1);
    assert_null(m.vals);
    assert_int_equal(dc_strmap_put(&m, "a", 1, 5, &v), 0);
    assert_int_equal(v, 0);
    /* a value arrives: the array appears, earlier keys read 0 */
    assert_int_equal(dc_strmap_put(&m, "b", 1, 7, NULL), 1);
    assert_non_null(m.vals);
    assert_int_equal(dc_strmap_get(&m, "b", 1, &v), 1);
    assert_int_equal(v, 7);
    assert_int_equal(dc_strmap_get(&m, "a", 1, &v), 1);
    assert_int_equal(v, 0);
    /* growth keeps everything; "ab" and "a" differ, "" is a key like any other */
    for (unsigned i = 0; i < 20000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%u", i);
        assert_int_equal(dc_strmap_put(&m, keys[i], strlen(keys[i]), i + 1000, NULL), 1);
    }
    assert_int_equal(dc_strmap_put(&m, "", 0, 3, NULL), 1);
    assert_int_equal(m.n, 20003);
    for (unsigned i = 0; i < 20000; i += 7) {
        assert_int_equal(dc_strmap_get(&m, keys[i], strlen(keys[i]), &v), 1);
        assert_int_equal(v, i + 1000);
    }
    assert_int_equal(dc_strmap_get(&m, "k20000", 6, NULL), 0);
    assert_int_equal(dc_strmap_get(&m, "ab", 2, NULL), 0);
    assert_int_equal(dc_strmap_get(&m, "", 0, &v), 1);
    assert_int_equal(v, 3);
    assert_int_equal(dc_strmap_reserve(&m, 100000), 0);
    assert_int_equal(dc_strmap_get(&m, "k19999", 6, &v), 1);
    assert_int_equal(v, 20999);
    dc_strmap_free(&m);
    assert_int_equal(m.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kallsyms_parse),
        cmocka_unit_test(test_kallsyms_load),
        cmocka_unit_test(test_btf_fixture),
        cmocka_unit_test(test_btf_errors),
        cmocka_unit_test(test_btf_running_kernel),
        cmocka_unit_test(test_type_text),
        cmocka_unit_test(test_strmap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
