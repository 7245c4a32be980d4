/* SPDX-License-Identifier: BSD-3-Clause */
/* safety.c - how to probe a user function, and instructions not to probe (see safety.h). */
#include "safety.h"

#include <string.h>

#include "sitepolicy.h"

static int mangled(const char *symbol)
{
    /* The Itanium C++ ABI's mangled names (GCC, Clang): _Z..., and __Z... on some targets. */
    return strncmp(symbol, "_Z", 2) == 0 || strncmp(symbol, "__Z", 3) == 0;
}

enum rt_probe_how rt_probe_how(const char *symbol, int entry_listed, const char **why)
{
    enum dc_ret_class cls = dc_sp_return_class(symbol, why);

    if (entry_listed) {
        if (!*why)
            *why = "listed in entry_functions";
        return RT_PROBE_ENTRY;
    }
    switch (cls) {
    case DC_RET_OK:
    case DC_RET_MAY_THROW:
        /* The signer signs a C++ function in "functions" only where the site's probe policy
         * allows its return probe (a file predating that policy is still bounded by its
         * validity). Mangled names that always throw or never return still get entry probes
         * only, which is safe wherever a file lists them. */
        return RT_PROBE_BOTH;
    default: return mangled(symbol) ? RT_PROBE_ENTRY : RT_PROBE_REFUSED;
    }
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
