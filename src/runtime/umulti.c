/* SPDX-License-Identifier: BSD-3-Clause */
/* umulti.c - bpf(BPF_LINK_CREATE) for uprobe_multi, without libbpf's help (see umulti.h). */
#include "umulti.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_bpf
#error "the bpf system call is not known on this architecture"
#endif

#define RT_BPF_LINK_CREATE           28
#define RT_BPF_F_UPROBE_MULTI_RETURN 1u

/* The link_create member of union bpf_attr as Linux 6.6 extended it, up to uprobe_multi. */
struct rt_link_create_attr {
    uint32_t prog_fd;
    uint32_t target_fd;
    uint32_t attach_type;
    uint32_t flags;
    uint64_t path;
    uint64_t offsets;
    uint64_t ref_ctr_offsets;
    uint64_t cookies;
    uint32_t cnt;
    uint32_t umulti_flags;
    uint32_t pid;
    uint32_t pad;
};

int rt_umulti_attach(int prog_fd, const char *path, const uint64_t *offsets,
                     const uint64_t *cookies, size_t cnt, int retprobe, pid_t pid)
{
    struct rt_link_create_attr attr;
    long fd;

    if (cnt == 0 || cnt > UINT32_MAX || pid <= 0) {
        errno = EINVAL;
        return -1;
    }
    memset(&attr, 0, sizeof(attr));
    attr.prog_fd = (uint32_t)prog_fd;
    attr.attach_type = RT_BPF_TRACE_UPROBE_MULTI;
    attr.path = (uint64_t)(uintptr_t)path;
    attr.offsets = (uint64_t)(uintptr_t)offsets;
    attr.cookies = (uint64_t)(uintptr_t)cookies;
    attr.cnt = (uint32_t)cnt;
    attr.umulti_flags = retprobe ? RT_BPF_F_UPROBE_MULTI_RETURN : 0;
    attr.pid = (uint32_t)pid;
    fd = syscall(__NR_bpf, RT_BPF_LINK_CREATE, &attr, sizeof(attr));
    if (fd < 0)
        return -1;
    /* O_CLOEXEC is what the kernel gives BPF link descriptors already. */
    return (int)fd;
}
