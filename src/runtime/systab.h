/* SPDX-License-Identifier: BSD-3-Clause */
/* systab.h - syscall names to numbers for this architecture (generated from <sys/syscall.h>). */
#ifndef DC_RT_SYSTAB_H
#define DC_RT_SYSTAB_H

/*
 * The number of the syscall called name, or -1. A name is the kernel's: what BTF, tracefs
 * and probe builders call the function that implements the syscall ("sendfile64" is x86_64's
 * syscall 40, "sendfile" in the C library; "newfstat" is fstat), or the C library's where the
 * kernel has no other function for it. The kernel's spellings "sys_openat" and
 * "__x64_sys_openat" are accepted too. Syscalls newer than the build's headers are known up to
 * Linux 6.17.
 */
int rt_syscall_nr(const char *name);

/* The C library's name of syscall nr, or NULL. */
const char *rt_syscall_name(int nr);

#endif
