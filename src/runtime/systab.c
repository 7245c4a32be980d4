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

static int exact(const char *name)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].nr;
    return -1;
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
    return NULL;
}
