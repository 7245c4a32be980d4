/* SPDX-License-Identifier: BSD-3-Clause */
/* systab.h - syscall names to numbers for this architecture (generated from <sys/syscall.h>). */
#ifndef DC_RT_SYSTAB_H
#define DC_RT_SYSTAB_H

/*
 * The number of the syscall called name, or -1. The kernel's spellings that probe builders
 * produce are accepted too: "sys_openat", "__x64_sys_openat", and "newfstat" for fstat
 * (the kernel's name for the current version of a renamed syscall).
 */
int rt_syscall_nr(const char *name);

/* The name of syscall nr, or NULL. */
const char *rt_syscall_name(int nr);

#endif
