/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * safety.h - how a user function is probed (a return probe would break some), and entry
 * instructions the kernel cannot probe. Both are decided per function before anything is
 * attached.
 *
 * A uretprobe replaces the return address on the stack. Functions that return twice (setjmp,
 * vfork, getcontext) save that address and later jump to it after the probe has fired, which
 * kills the program with SIGILL or corrupts it; functions that never return (exit, longjmp)
 * only leave unfinished calls behind; the C++ throw path cannot unwind through the probe.
 */
#ifndef DC_RT_SAFETY_H
#define DC_RT_SAFETY_H

#include <stddef.h>

enum rt_probe_how {
    RT_PROBE_BOTH,    /* entry and return probes */
    RT_PROBE_ENTRY,   /* an entry probe only: each call recorded with dur 0 and no return value */
    RT_PROBE_REFUSED, /* not traced */
};

/*
 * How a user-space function (ELF symbol, possibly "name@VERSION" or "name:0xOFFSET") is probed,
 * by the rules the signer applies too (sitepolicy.h: one table for both): those listed in the
 * probe file's entry_functions get entry probes only, whatever they are; in functions, a C
 * function that returns twice, never returns or always throws is refused, and a C++ one that
 * always throws or never returns gets an entry probe only. *why: a sentence, or NULL.
 */
enum rt_probe_how rt_probe_how(const char *symbol, int entry_listed, const char **why);

/* Why the kernel would refuse a uprobe on the instruction starting at code[0..n) (x86: lock
 * prefix, int3), or NULL when it looks fine or the architecture is not checked. */
const char *rt_unprobeable_insn(const unsigned char *code, size_t n);

#endif
