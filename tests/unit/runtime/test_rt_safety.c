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

    const char *why;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        if (rt_probe_how(bad[i], 0, &why) != RT_PROBE_REFUSED || !why)
            fail_msg("%s should be refused, with a reason", bad[i]);
        /* Listed in entry_functions, each gets an entry probe: safe for all of them. */
        if (rt_probe_how(bad[i], 1, &why) != RT_PROBE_ENTRY || !why)
            fail_msg("%s in entry_functions should get an entry probe", bad[i]);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (rt_probe_how(good[i], 0, &why) != RT_PROBE_BOTH)
            fail_msg("%s should be allowed", good[i]);
        if (rt_probe_how(good[i], 1, &why) != RT_PROBE_ENTRY)
            fail_msg("%s in entry_functions should get an entry probe only", good[i]);
    }
}

/* C++: helpers that always throw (or never return) get entry probes only wherever they are
 * listed; other C++ functions keep both in "functions" (the signer put them there only where
 * the site's policy allows their return probe), and entry probes in entry_functions. */
static void test_cxx(void **state)
{
    const char *why = NULL;

    (void)state;
    assert_int_equal(rt_probe_how("_ZSt24__throw_out_of_range_fmtPKcz", 0, &why), RT_PROBE_ENTRY);
    assert_non_null(why);
    assert_int_equal(rt_probe_how("_ZSt9terminatev", 0, &why), RT_PROBE_ENTRY);
    assert_int_equal(rt_probe_how("__ZSt20__throw_length_errorPKc", 0, &why), RT_PROBE_ENTRY);
    assert_int_equal(rt_probe_how("_ZNSt6vectorIiSaIiEE2atEm@@GLIBCXX_3.4", 0, &why),
                     RT_PROBE_BOTH);
    assert_int_equal(rt_probe_how("_ZNSt6vectorIiSaIiEE2atEm@@GLIBCXX_3.4", 1, &why),
                     RT_PROBE_ENTRY);
    assert_int_equal(rt_probe_how("__ZN5H5std6H5File4openEv", 1, &why), RT_PROBE_ENTRY);
    assert_int_equal(rt_probe_how("write", 0, &why), RT_PROBE_BOTH);
    assert_int_equal(rt_probe_how("Z", 0, &why), RT_PROBE_BOTH);
    assert_int_equal(rt_probe_how("", 0, &why), RT_PROBE_BOTH);
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
        cmocka_unit_test(test_cxx),
        cmocka_unit_test(test_instructions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
