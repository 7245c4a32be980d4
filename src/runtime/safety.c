/* SPDX-License-Identifier: BSD-3-Clause */
/* safety.c - functions and instructions not to probe (see safety.h). */
#include "safety.h"

#include <string.h>

const char *rt_unsafe_return(const char *symbol)
{
    static const char *const twice[] = {"setjmp",     "longjmp",     "getcontext",
                                        "setcontext", "swapcontext", "makecontext"};
    static const char *const exact_twice[] = {"vfork", "clone", "clone3", "clone_internal",
                                              "fork_compat"};
    static const char *const never[] = {
        "exit",         "Exit",          "libc_start_main", "libc_start_call_main",
        "pthread_exit", "thrd_exit",     "abort",           "restore_rt",
        "start",        "start_context", "assert_fail",     "stack_chk_fail",
        "fortify_fail", "chk_fail"};
    static const char *const unwind[] = {
        "cxa_throw",     "cxa_rethrow",         "Unwind_RaiseException",
        "Unwind_Resume", "Unwind_ForcedUnwind", "Unwind_Resume_or_Rethrow"};
    char base[256];
    const char *b;
    size_t n = strcspn(symbol, "@");

    if (n >= sizeof(base))
        return NULL;
    memcpy(base, symbol, n);
    base[n] = '\0';
    /* glibc's internal spellings: __sigsetjmp, __GI___longjmp, _exit, __libc_start_main. */
    b = base;
    if (strncmp(b, "__GI_", 5) == 0)
        b += 5;
    while (*b == '_')
        b++;
    for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++)
        if (strstr(b, twice[i]))
            return "it returns twice or jumps away (setjmp/longjmp/context family); a return "
                   "probe would crash the program";
    for (size_t i = 0; i < sizeof(exact_twice) / sizeof(exact_twice[0]); i++)
        if (strcmp(b, exact_twice[i]) == 0)
            return "it returns on another stack or twice (vfork/clone); a return probe would "
                   "crash the program";
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        if (strcmp(b, never[i]) == 0)
            return "it never returns";
    for (size_t i = 0; i < sizeof(unwind) / sizeof(unwind[0]); i++)
        if (strcmp(b, unwind[i]) == 0)
            return "C++ exceptions cannot unwind through a return probe";
    return NULL;
}

const char *rt_entry_only(const char *symbol)
{
    /* The Itanium C++ ABI's mangled names (GCC, Clang): _Z..., and __Z... on some targets. */
    if (strncmp(symbol, "_Z", 2) == 0 || strncmp(symbol, "__Z", 3) == 0)
        return "a C++ function may throw, and an exception cannot unwind through a return probe";
    return NULL;
}

const char *rt_unprobeable_insn(const unsigned char *code, size_t n)
{
#if defined(__x86_64__)
    /* Legacy prefixes come first (any order), then at most one REX byte. */
    for (size_t i = 0; i < n && i < 15; i++) {
        unsigned char c = code[i];

        if (c == 0xf0)
            return "its first instruction is atomic (lock prefix), which uprobes cannot "
                   "single-step";
        if (c == 0x66 || c == 0x67 || c == 0xf2 || c == 0xf3 || c == 0x2e || c == 0x36 ||
            c == 0x3e || c == 0x26 || c == 0x64 || c == 0x65)
            continue;
        if (c >= 0x40 && c <= 0x4f)
            continue;
        if (c == 0xcc)
            return "its first instruction is a breakpoint (int3)";
        break;
    }
#else
    (void)code;
    (void)n;
#endif
    return NULL;
}
