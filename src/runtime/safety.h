/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * safety.h - user functions a return probe would break, and entry instructions the kernel
 * cannot probe. Both are refused per function before anything is attached.
 *
 * A uretprobe replaces the return address on the stack. Functions that return twice (setjmp,
 * vfork, getcontext) save that address and later jump to it after the probe has fired, which
 * kills the program with SIGILL or corrupts it; functions that never return (exit, longjmp)
 * only leave unfinished calls behind; the C++ throw path cannot unwind through the probe.
 */
#ifndef DC_RT_SAFETY_H
#define DC_RT_SAFETY_H

#include <stddef.h>

/* Why a return probe on this function (ELF symbol, possibly "name@VERSION") is unsafe, or
 * NULL when it is fine. */
const char *rt_unsafe_return(const char *symbol);

/* Why this function gets an entry probe only (calls recorded, no duration or return value),
 * or NULL: a C++ function (a mangled name) may let an exception through, and the unwinder
 * cannot pass a return probe, so a uretprobe there kills the program that throws. */
const char *rt_entry_only(const char *symbol);

/* Why the kernel would refuse a uprobe on the instruction starting at code[0..n) (x86: lock
 * prefix, int3), or NULL when it looks fine or the architecture is not checked. */
const char *rt_unprobeable_insn(const unsigned char *code, size_t n);

#endif
