/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * umulti.h - uprobe_multi links (Linux 6.6+): one bpf(BPF_LINK_CREATE) attaches a program at
 * many offsets of one file, each with its own cookie. libbpf 1.1 predates them, so this is the
 * raw system call; attaching one uprobe at a time (perf_event_open each) stays the fallback.
 */
#ifndef DC_RT_UMULTI_H
#define DC_RT_UMULTI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RT_BPF_TRACE_UPROBE_MULTI 48 /* enum bpf_attach_type */

/*
 * Attach prog_fd (loaded with expected_attach_type RT_BPF_TRACE_UPROBE_MULTI) at cnt offsets
 * of path, as return probes when retprobe is set, in process pid only (the kernel then places
 * the breakpoints in that process's memory and no other: 0 would mean every process that maps
 * the file). Returns the link descriptor, or -1 with errno set; nothing is attached on failure.
 */
int rt_umulti_attach(int prog_fd, const char *path, const uint64_t *offsets,
                     const uint64_t *cookies, size_t cnt, int retprobe, pid_t pid);

#endif
