/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_safety.c - functions a return probe would break; instructions uprobes refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "runtime/safety.h"

static void test_unsafe_returns(void **state)
{
    const char *bad[] = {"setjmp",
                         "_setjmp",
                         "__sigsetjmp",
                         "sigsetjmp",
                         "longjmp",
                         "__longjmp_chk",
                         "siglongjmp",
                         "getcontext",
                         "swapcontext",
                         "vfork",
                         "__vfork",
                         "__clone",
                         "clone3",
                         "_exit",
                         "exit",
                         "__libc_start_main",
                         "abort",
                         "pthread_exit",
                         "__cxa_throw",
                         "_Unwind_Resume",
                         "setjmp@GLIBC_2.2.5",
                         "__GI___sigsetjmp",
                         "__stack_chk_fail"};
    const char *good[] = {"read",          "write",   "open64", "fork",        "atexit",
                          "exit_group_x",  "fopen",   "memcpy", "posix_spawn", "pthread_create",
                          "MPI_File_open", "H5Fopen", "starter"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!rt_unsafe_return(bad[i]))
            fail_msg("%s should be refused", bad[i]);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (rt_unsafe_return(good[i]))
            fail_msg("%s should be allowed", good[i]);
}

/* C++ functions (mangled names) get entry probes only; C functions keep both. */
static void test_entry_only(void **state)
{
    (void)state;
    assert_non_null(rt_entry_only("_ZSt24__throw_out_of_range_fmtPKcz"));
    assert_non_null(rt_entry_only("_ZNSt6vectorIiSaIiEE2atEm@@GLIBCXX_3.4"));
    assert_non_null(rt_entry_only("__ZN5H5std6H5File4openEv"));
    assert_null(rt_entry_only("write"));
    assert_null(rt_entry_only("H5Fopen"));
    assert_null(rt_entry_only("Z"));
    assert_null(rt_entry_only(""));
}

static void test_instructions(void **state)
{
    const unsigned char endbr[] = {0xf3, 0x0f, 0x1e, 0xfa};
    const unsigned char push[] = {0x55, 0x48, 0x89, 0xe5};
    const unsigned char lock_xadd[] = {0xf0, 0x0f, 0xc1, 0x07};
    const unsigned char rex_lock[] = {0x66, 0xf0, 0x48, 0x0f, 0xc1, 0x07};
    const unsigned char int3[] = {0xcc};

    assert_null(rt_unprobeable_insn(endbr, sizeof(endbr)));
    assert_null(rt_unprobeable_insn(push, sizeof(push)));
    assert_null(rt_unprobeable_insn(push, 0));
#if defined(__x86_64__)
    assert_non_null(rt_unprobeable_insn(lock_xadd, sizeof(lock_xadd)));
    assert_non_null(rt_unprobeable_insn(rex_lock, sizeof(rex_lock)));
    assert_non_null(rt_unprobeable_insn(int3, sizeof(int3)));
#else
    (void)lock_xadd;
    (void)rex_lock;
    (void)int3;
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsafe_returns),
        cmocka_unit_test(test_entry_only),
        cmocka_unit_test(test_instructions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
