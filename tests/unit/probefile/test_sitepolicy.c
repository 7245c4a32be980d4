/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sitepolicy.c - the site's probe policy (datacrumbs-probe-policy(5)): its parser with
 * every error naming the file and line, what each rule allows and nothing more, the capture
 * types, the shipped defaults, and the return-probe table that no policy lifts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "probefile.h"
#include "sitepolicy.h"

static char err[4096];

static int parse(struct dc_site_policy *p, const char *text)
{
    err[0] = '\0';
    return dc_sp_parse(p, text, strlen(text), "pol", err, sizeof(err));
}

static void refused(const char *text, const char *want)
{
    struct dc_site_policy p;

    assert_int_equal(parse(&p, text), -1);
    if (!strstr(err, want))
        fail_msg("policy \"%s\": error \"%s\" lacks \"%s\"", text, err, want);
    assert_null(p.rules);
}

static void test_parse(void **state)
{
    struct dc_site_policy p;

    (void)state;
    assert_int_equal(parse(&p, "# comment\n\n   \t\ncapture syscall openat 1\r\n"
                               "capture */libc.so.6 open,open64 0,2\n"
                               "return /opt/lib/libx.so _ZN3foo*\n"
                               "capture kernel vfs_* *\n"),
                     0);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.rules[0].verb, DC_SP_CAPTURE);
    assert_string_equal(p.rules[0].target, "syscall");
    assert_int_equal(p.rules[0].args, 1ull << 1);
    assert_int_equal(p.rules[0].line, 4);
    assert_int_equal(p.rules[1].args, (1ull << 0) | (1ull << 2));
    assert_int_equal(p.rules[2].verb, DC_SP_RETURN);
    assert_int_equal(p.rules[3].args, ~0ull);
    dc_sp_free(&p);
    assert_int_equal(parse(&p, ""), 0); /* empty: nothing allowed */
    assert_int_equal(p.n, 0);
    dc_sp_free(&p);
}

static void test_parse_errors(void **state)
{
    char big[DC_SP_MAX_FIELD + 64];

    (void)state;
    refused("capture syscall openat\n", "pol:1: expected \"capture TARGET FUNCTION ARGUMENTS\"");
    refused("\n\nallow syscall openat 1\n", "pol:3:");
    refused("return */libc.so.6 f 1\n", "pol:1: expected");
    refused("capture syscall openat 64\n", "pol:1: arguments must be");
    refused("capture syscall openat 1,\n", "arguments must be");
    refused("capture syscall openat ,1\n", "arguments must be");
    refused("capture syscall openat -1\n", "arguments must be");
    refused("capture syscall openat 1;2\n", "arguments must be");
    refused("capture syscall openat 99999999999999999999\n", "arguments must be");
    refused("capture a b c d e f\n", "pol:1: too many or too long fields");
    refused("return syscall openat\n", "pol:1: return rules are for binaries, not \"syscall\"");
    refused("return kernel vfs_read\n", "not \"kernel\"");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "capture x ", 10);
    big[sizeof(big) - 3] = ' ';
    big[sizeof(big) - 2] = '0';
    refused(big, "too many or too long fields");
    {
        struct dc_site_policy p;
        static const char nul[] = "capture syscall openat 1\n\0capture syscall open 0\n";

        assert_int_equal(dc_sp_parse(&p, nul, sizeof(nul) - 1, "pol", err, sizeof(err)), -1);
        assert_non_null(strstr(err, "pol: contains a NUL byte"));
    }
}

static void test_rule_limit(void **state)
{
    struct dc_site_policy p;
    size_t n = DC_SP_MAX_RULES + 1, len = n * sizeof("capture syscall openat 1\n");
    char *text = malloc(len + 1), *w = text;

    (void)state;
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "capture syscall openat 1\n");
    assert_int_equal(dc_sp_parse(&p, text, (size_t)(w - text), "pol", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "pol:10001: more than 10000 rules"));
    assert_int_equal(dc_sp_parse(&p, text, (size_t)(w - text) - 25, "pol", err, sizeof(err)), 0);
    assert_int_equal(p.n, DC_SP_MAX_RULES);
    dc_sp_free(&p);
    free(text);
}

static void test_capture_allowed(void **state)
{
    struct dc_site_policy p;

    (void)state;
    assert_int_equal(parse(&p, "capture syscall openat,statx 1\n"
                               "capture */libc.so.6 fopen* 0,1\n"
                               "capture kernel do_filp_open 1\n"
                               "capture /opt/app/bin/* solve_* *\n"),
                     0);
    /* System calls by their bare name, whatever the architecture's prefix. */
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "openat", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "__x64_sys_openat", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "__arm64_sys_statx", 1));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "openat", 0)); /* the fd */
    assert_false(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "read", 1));   /* file data */
    assert_false(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "openat2", 1));
    /* A syscall rule allows nothing in a kprobe of the same name, and back. */
    assert_false(dc_sp_capture_allowed(&p, DC_PF_KPROBE, NULL, "openat", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_KPROBE, NULL, "do_filp_open", 1));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "do_filp_open", 1));
    /* Uprobes: the binary matched as a pattern, @VERSION and :0xOFFSET dropped. */
    assert_true(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/lib/x86_64-linux-gnu/libc.so.6",
                                      "fopen64@GLIBC_2.2.5", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib/libc.so.6", "fopen:0x40", 0));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib/libc.so.6", "fopen", 2));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/home/eve/libc.so.6.evil", "fopen", 0));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, NULL, "fopen", 0));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_USDT, "/usr/lib/libc.so.6", "read", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/opt/app/bin/solver", "solve_x", 63));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/opt/app/bin/solver", "solve_x", 64));
    /* A binary named like a keyword is not the keyword. */
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "syscall", "openat", 1));
    dc_sp_free(&p);
    /* No policy: nothing. */
    assert_int_equal(parse(&p, ""), 0);
    assert_false(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "openat", 1));
    dc_sp_free(&p);
}

static void test_return_allowed(void **state)
{
    struct dc_site_policy p;

    (void)state;
    assert_int_equal(parse(&p, "return /opt/lib/libsolver.so _ZN6solver*\n"
                               "capture /opt/lib/libother.so * *\n"),
                     0);
    assert_true(dc_sp_return_allowed(&p, "/opt/lib/libsolver.so", "_ZN6solver3runEv@V1"));
    assert_false(dc_sp_return_allowed(&p, "/opt/lib/libsolver.so", "_ZN5other3runEv"));
    assert_false(dc_sp_return_allowed(&p, "/usr/lib/libstdc++.so.6", "_ZN6solver3runEv"));
    assert_false(dc_sp_return_allowed(&p, "/opt/lib/libother.so", "_ZN5other3runEv"));
    dc_sp_free(&p);
}

static void test_is_capture(void **state)
{
    static const char *const yes[] = {"char *",
                                      "const char *",
                                      "void *",
                                      "const void *",
                                      "unsigned char *",
                                      "uint8_t *",
                                      "const __u8 *",
                                      "char[]",
                                      "signed char *",
                                      "char *restrict",
                                      "const char *__restrict"};
    static const char *const no[] = {"char **", "int *",          "unsigned *", "struct stat *",
                                     "char",    "size_t",         "void",       "const int *",
                                     "FILE *",  "char * const *", NULL};

    (void)state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (!dc_sp_is_capture(yes[i], 0))
            fail_msg("\"%s\" should be a capture", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (dc_sp_is_capture(no[i], 0))
            fail_msg("\"%s\" should not be a capture", no[i] ? no[i] : "(null)");
    /* BTF says "pointer" apart from the type word. */
    assert_true(dc_sp_is_capture("char", 1));
    assert_false(dc_sp_is_capture("int", 1));
}

static void test_return_class(void **state)
{
    static const struct {
        const char *sym;
        enum dc_ret_class cls;
    } cases[] = {
        {"read", DC_RET_OK},
        {"fwrite@GLIBC_2.2.5", DC_RET_OK},
        {"pwrite64:0x10", DC_RET_OK},
        {"setjmp", DC_RET_JUMPS},
        {"__sigsetjmp", DC_RET_JUMPS},
        {"_setjmp", DC_RET_JUMPS},
        {"__GI___longjmp", DC_RET_JUMPS},
        {"siglongjmp", DC_RET_JUMPS},
        {"swapcontext", DC_RET_JUMPS},
        {"vfork", DC_RET_JUMPS},
        {"__clone3", DC_RET_JUMPS},
        {"exit", DC_RET_NEVER},
        {"_exit", DC_RET_NEVER},
        {"_Exit", DC_RET_NEVER},
        {"abort", DC_RET_NEVER},
        {"__libc_start_main@GLIBC_2.34", DC_RET_NEVER},
        {"__assert_fail", DC_RET_NEVER},
        {"__stack_chk_fail", DC_RET_NEVER},
        {"execve", DC_RET_NEVER},
        {"pthread_exit", DC_RET_NEVER},
        {"__cxa_throw", DC_RET_UNWINDS},
        {"__cxa_rethrow", DC_RET_UNWINDS},
        {"_Unwind_Resume", DC_RET_UNWINDS},
        {"_ZSt24__throw_out_of_range_fmtPKcz", DC_RET_UNWINDS},
        {"_ZSt24__throw_invalid_argumentPKc", DC_RET_UNWINDS},
        {"__ZSt20__throw_length_errorPKc", DC_RET_UNWINDS},
        {"_ZSt9terminatev", DC_RET_NEVER},
        {"_ZNSt13basic_filebufIcSt11char_traitsIcEE4openEPKcSt13_Ios_Openmode", DC_RET_MAY_THROW},
        {"_ZN6solver3runEv@V1", DC_RET_MAY_THROW},
        {"exit_group_like", DC_RET_OK}, /* exact names only, apart from the setjmp family */
        {"exiting", DC_RET_OK},
    };
    const char *why;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum dc_ret_class c = dc_sp_return_class(cases[i].sym, &why);

        if (c != cases[i].cls)
            fail_msg("%s: class %d, want %d", cases[i].sym, c, cases[i].cls);
        if ((c == DC_RET_OK) != (why == NULL))
            fail_msg("%s: a reason only for a refusal", cases[i].sym);
    }
    assert_non_null(strstr((dc_sp_return_class("__cxa_throw", &why), why), "exception"));
    assert_int_equal(dc_sp_return_class("read", NULL), DC_RET_OK);
}

static void test_syscall_base(void **state)
{
    (void)state;
    assert_string_equal(dc_sp_syscall_base("__x64_sys_openat"), "openat");
    assert_string_equal(dc_sp_syscall_base("__ia32_sys_read"), "read");
    assert_string_equal(dc_sp_syscall_base("sys_close"), "close");
    assert_string_equal(dc_sp_syscall_base("openat"), "openat");
    assert_string_equal(dc_sp_syscall_base("sys_"), "sys_"); /* nothing after the prefix */
}

static void test_load(void **state)
{
    char *dir = tu_mkdtemp(), path[PATH_MAX];
    struct dc_site_policy p;

    (void)state;
    snprintf(path, sizeof(path), "%s/none", dir);
    assert_int_equal(dc_sp_load(&p, path, 0, err, sizeof(err)), 0);
    assert_true(p.missing);
    assert_int_equal(p.n, 0);
    dc_sp_free(&p);
    /* Under the temp dir (sticky, anyone's): not a file to trust, unless only reading rules. */
    snprintf(path, sizeof(path), "%s/pol", dir);
    tu_write(path, "capture syscall openat 1\n", 0666);
    err[0] = '\0';
    assert_int_equal(dc_sp_load(&p, path, 0, err, sizeof(err)), -1);
    assert_true(err[0] != '\0');
    dc_sp_free(&p);
    assert_int_equal(dc_sp_load(&p, path, 1, err, sizeof(err)), 0);
    assert_int_equal(p.n, 1);
    assert_false(p.missing);
    dc_sp_free(&p);
    tu_write(path, "capture syscall openat 1\nbogus\n", 0644);
    assert_int_equal(dc_sp_load(&p, path, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/pol:2: expected"));
    tu_dir_done(&dir);
}

/* The shipped defaults: path names of open/stat-like calls, no file data, no C++ returns. */
static void test_shipped_defaults(void **state)
{
    struct dc_site_policy p;

    (void)state;
    assert_int_equal(dc_sp_load(&p, SHIPPED_POLICY, 1, err, sizeof(err)), 0);
    assert_true(p.n > 10);
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "__x64_sys_openat", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "newstat", 0));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, "renameat2", 3));
    assert_true(
        dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/lib/x86_64-linux-gnu/libc.so.6", "fopen64", 1));
    assert_true(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib64/libc.so.6", "open", 0));
    for (const char *const *f = (const char *const[]){"read", "write", "pread64", "pwrite64",
                                                      "readv", "sendfile", "recvfrom", NULL};
         *f; f++)
        for (unsigned a = 0; a < 6; a++)
            if (dc_sp_capture_allowed(&p, DC_PF_SYSCALLS, NULL, *f, a))
                fail_msg("the defaults capture argument %u of %s", a, *f);
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib/libc.so.6", "fwrite", 0));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib/libc.so.6", "read", 1));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_UPROBE, "/usr/lib/libc.so.6", "open", 1));
    assert_false(dc_sp_capture_allowed(&p, DC_PF_KPROBE, NULL, "vfs_read", 1));
    assert_false(dc_sp_return_allowed(&p, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                                      "_ZNSt13basic_filebufIcSt11char_traitsIcEE4openEPKc"));
    dc_sp_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),          cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_rule_limit),     cmocka_unit_test(test_capture_allowed),
        cmocka_unit_test(test_return_allowed), cmocka_unit_test(test_is_capture),
        cmocka_unit_test(test_return_class),   cmocka_unit_test(test_syscall_base),
        cmocka_unit_test(test_load),           cmocka_unit_test(test_shipped_defaults),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
