/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cdecl.c - function declarations of C headers without a compiler (header captures, the
 * built-in prototype tables) and C parameter lists to argument specs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cdecl.h"
#include "params.h"
#include "sigtable.h"

static void test_params(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_sig s;
    static const char list[] = "unsigned int fd, char __user *buf, size_t count";
    static const char fp[] = "int (*filler)(void *, const char *), struct dir_context *ctx, "
                             "const char *const argv[], ...";

    (void)state;
    assert_int_equal(dc_params_parse(list, strlen(list), &a, &s), 0);
    assert_int_equal(s.nargs, 3);
    assert_string_equal(s.args[0].label, "fd");
    assert_string_equal(s.args[0].c_type, "unsigned int");
    assert_int_equal(s.args[0].num_bytes, 4);
    assert_string_equal(s.args[1].label, "buf");
    assert_string_equal(s.args[1].c_type, "char *"); /* __user dropped */
    assert_int_equal(s.args[1].num_bytes, DC_ARG_CAPTURE_BYTES);
    assert_true(s.args[1].is_pointer);
    assert_string_equal(s.args[2].c_type, "size_t");
    assert_int_equal(s.args[2].num_bytes, 8);
    /* function pointers, arrays, varargs */
    assert_int_equal(dc_params_parse(fp, strlen(fp), &a, &s), 0);
    assert_int_equal(s.nargs, 3);
    assert_string_equal(s.args[0].label, "filler");
    assert_string_equal(s.args[0].c_type, "void *");
    assert_string_equal(s.args[1].c_type, "struct dir_context *");
    assert_string_equal(s.args[2].label, "argv");
    assert_string_equal(s.args[2].c_type, "const char *const *");
    assert_int_equal(s.args[2].num_bytes, 8);
    /* unnamed parameters and (void) */
    assert_int_equal(dc_params_parse("int, struct stat *", 18, &a, &s), 0);
    assert_int_equal(s.nargs, 2);
    assert_string_equal(s.args[0].label, "arg1");
    assert_string_equal(s.args[1].label, "arg2");
    assert_string_equal(s.args[1].c_type, "struct stat *");
    assert_int_equal(dc_params_parse("void", 4, &a, &s), 0);
    assert_int_equal(s.nargs, 0);
    assert_int_equal(dc_params_parse("", 0, &a, &s), 0);
    assert_int_equal(s.nargs, 0);
    /* what is not C */
    assert_int_equal(dc_params_parse("int a; b", 8, &a, &s), -1);
    dc_arena_free(&a);
}

static void test_header_scan(void **state)
{
    static const char header[] =
        "/* SPDX */\n"
        "#ifndef X_H\n"
        "#define X_H\n"
        "#define NOT_A_DECL(x) foo(x)\n"
        "#define MULTI(a) \\\n"
        "    bar(a)\n"
        "struct file;\n"
        "// long sys_commented(int x);\n"
        "asmlinkage long sys_read(unsigned int fd, char __user *buf, size_t count);\n"
        "asmlinkage long sys_write(unsigned int fd,\n"
        "                          const char __user *buf, size_t count);\n"
        "static inline int helper(int a) { return call_inside(a); }\n"
        "extern void folio_mark_accessed(struct folio *);\n"
        "int two(int a), three(int b);\n"
        "const char *str = \"int fake(int x);\";\n"
        "void with_attr(int x) __attribute__((cold));\n"
        "struct s { int (*member)(int); int field; };\n"
        "#endif\n";
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_cdecls d = {.arena = &a};
    const struct dc_cdecl *c;

    (void)state;
    assert_int_equal(dc_cdecls_scan(&d, header, strlen(header)), 0);
    c = dc_cdecls_find(&d, "sys_read");
    assert_non_null(c);
    assert_non_null(c->sig);
    assert_int_equal(c->sig->nargs, 3);
    assert_string_equal(c->sig->args[1].c_type, "char *");
    c = dc_cdecls_find(&d, "sys_write");
    assert_non_null(c);
    assert_string_equal(c->sig->args[1].c_type, "const char *");
    assert_non_null(dc_cdecls_find(&d, "helper"));
    assert_non_null(dc_cdecls_find(&d, "folio_mark_accessed"));
    assert_non_null(dc_cdecls_find(&d, "two"));
    assert_non_null(dc_cdecls_find(&d, "with_attr"));
    /* comments, strings, macros, bodies and members are not declarations */
    assert_null(dc_cdecls_find(&d, "sys_commented"));
    assert_null(dc_cdecls_find(&d, "fake"));
    assert_null(dc_cdecls_find(&d, "NOT_A_DECL"));
    assert_null(dc_cdecls_find(&d, "foo"));
    assert_null(dc_cdecls_find(&d, "bar"));
    assert_null(dc_cdecls_find(&d, "call_inside"));
    assert_null(dc_cdecls_find(&d, "member"));
    dc_cdecls_free(&d);
    dc_arena_free(&a);
}

static void test_scan_file(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_cdecls d = {.arena = &a};

    (void)state;
    assert_int_equal(dc_cdecls_scan_file(&d, "/nonexistent.h"), -1);
    assert_int_equal(dc_cdecls_scan_file(&d, "/"), -1);
    assert_int_equal(dc_cdecls_scan_file(&d, FX_SRC "/fx_btf.c"), 0);
    assert_non_null(dc_cdecls_find(&d, "ksys_read"));
    dc_cdecls_free(&d);
    dc_arena_free(&a);
}

static void test_tables(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_cdecls sys = {.arena = &a}, libc = {.arena = &a};
    const struct dc_cdecl *c;

    (void)state;
    assert_int_equal(dc_sigtable_syscalls(&sys), 0);
    assert_int_equal(dc_sigtable_libc(&libc), 0);
    c = dc_cdecls_find(&sys, "sys_openat");
    assert_non_null(c);
    assert_string_equal(c->sig->args[1].label, "filename");
    assert_int_equal(c->sig->args[1].num_bytes, DC_ARG_CAPTURE_BYTES);
    /* every entry of both tables parses */
    for (size_t i = 0; i < sys.n; i++)
        assert_non_null(sys.v[i].sig);
    for (size_t i = 0; i < libc.n; i++)
        assert_non_null(libc.v[i].sig);
    c = dc_cdecls_find(&libc, "fopen");
    assert_non_null(c);
    assert_string_equal(c->sig->args[0].c_type, "const char *");
    assert_non_null(dc_cdecls_find(&libc, "fwrite"));
    assert_true(sys.n > 50);
    dc_cdecls_free(&sys);
    dc_cdecls_free(&libc);
    dc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_header_scan),
        cmocka_unit_test(test_scan_file),
        cmocka_unit_test(test_tables),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
