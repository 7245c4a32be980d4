/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sigtable.h - built-in argument signatures for what BTF and stripped libraries cannot tell.
 *
 * Most I/O syscalls have no prototype in the kernel's BTF (their __do_sys_ bodies are inlined)
 * and distribution C libraries carry no debug information, yet the runtime wants to record a
 * path or a descriptor. These are the Linux syscall ABI and the POSIX/C prototypes, which do
 * not change; the tables are C text read by the same scanner as kernel headers.
 */
#ifndef DC_SIGTABLE_H
#define DC_SIGTABLE_H

#include "cdecl.h"

/* Syscalls under their kernel names with the sys_ prefix ("sys_read", "sys_newstat"). */
int dc_sigtable_syscalls(struct dc_cdecls *out);
/* C library functions ("open", "fopen", ...). */
int dc_sigtable_libc(struct dc_cdecls *out);

#endif
