/* SPDX-License-Identifier: BSD-3-Clause */
/* systab.c - syscall name lookup (see systab.h). */
#include "systab.h"

#include <stddef.h>
#include <string.h>

struct sc {
    const char *name;
    int nr;
};

/* dc_syscalls.h is written by CMake from the C library's <sys/syscall.h> (__NR_* macros). */
static const struct sc table[] = {
#define DC_SYSCALL(name, nr) {name, nr},
#include "dc_syscalls.h"
#undef DC_SYSCALL
};

/*
 * The kernel's entry point names (SYSCALL_DEFINE, what BTF and tracefs call a syscall) that
 * are not the name of the syscall number they implement on this architecture, from the
 * kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/
 * unistd.h). Looked up before the C library's names, so that a name means the kernel's
 * function wherever the two differ. The "new" names (newstat for stat) follow a rule instead.
 */
struct alias {
    const char *kernel, *uapi;
};

static const struct alias aliases[] = {
#if defined(__x86_64__) && !defined(__ILP32__)
    {"sendfile64", "sendfile"}, /* 40: sys_sendfile64 */
    {"umount", "umount2"},      /* 166: sys_umount */
#elif defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64) || defined(__loongarch64)
    {"sendfile64", "sendfile"},    /* __NR3264_sendfile: sys_sendfile64 */
    {"umount", "umount2"},         /* 39: sys_umount */
    {"fadvise64_64", "fadvise64"}, /* __NR3264_fadvise64: sys_fadvise64_64 */
    {"arm64_personality", "personality"},
#endif
    {NULL, NULL},
};

/*
 * Syscalls newer than the C library headers this was built with may know. From Linux 5.1 on
 * (424) a new syscall has one number on every architecture but alpha and mips, so these hold
 * on the ones the aliases above cover; the headers' own numbers win where they have them.
 */
static const struct sc newer[] = {
#if (defined(__x86_64__) && !defined(__ILP32__)) || defined(__aarch64__) ||                        \
    (defined(__riscv) && __riscv_xlen == 64) || defined(__loongarch64)
    {"cachestat", 451},
    {"fchmodat2", 452},
    {"map_shadow_stack", 453},
    {"futex_wake", 454},
    {"futex_wait", 455},
    {"futex_requeue", 456},
    {"statmount", 457},
    {"listmount", 458},
    {"lsm_get_self_attr", 459},
    {"lsm_set_self_attr", 460},
    {"lsm_list_modules", 461},
    {"mseal", 462},
    {"setxattrat", 463},
    {"getxattrat", 464},
    {"listxattrat", 465},
    {"removexattrat", 466},
    {"open_tree_attr", 467},
    {"file_getattr", 468},
    {"file_setattr", 469},
#endif
#if defined(__x86_64__) && !defined(__ILP32__)
    {"uretprobe", 335},
    {"uprobe", 336},
#endif
    {NULL, -1},
};

static int lookup(const struct sc *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n && t[i].name; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].nr;
    return -1;
}

static int exact(const char *name)
{
    int nr = lookup(table, sizeof(table) / sizeof(table[0]), name);

    return nr >= 0 ? nr : lookup(newer, sizeof(newer) / sizeof(newer[0]), name);
}

int rt_syscall_nr(const char *name)
{
    static const char *const prefixes[] = {"__x64_sys_",   "__arm64_sys_", "__s390x_sys_",
                                           "__riscv_sys_", "__se_sys_",    "sys_"};
    int nr;

    if (!name || !*name)
        return -1;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t n = strlen(prefixes[i]);

        if (strncmp(name, prefixes[i], n) == 0 && name[n]) {
            name += n;
            break;
        }
    }
    for (size_t i = 0; aliases[i].kernel; i++)
        if (strcmp(aliases[i].kernel, name) == 0)
            return exact(aliases[i].uapi);
    if ((nr = exact(name)) >= 0)
        return nr;
    if (strncmp(name, "new", 3) == 0 && name[3])
        return exact(name + 3);
    return -1;
}

const char *rt_syscall_name(int nr)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].nr == nr)
            return table[i].name;
    for (size_t i = 0; newer[i].name; i++)
        if (newer[i].nr == nr)
            return newer[i].name;
    return NULL;
}
