/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * client.c - libdatacrumbs_client.so.0, the "trace me" marker.
 *
 * The daemon puts uprobes on datacrumbs_start and datacrumbs_stop, so these functions are the
 * whole protocol: they must stay real, out-of-line and cheap. The library is loaded into
 * arbitrary programs (including forked children and multi-threaded ones), so it allocates
 * nothing, uses no stdio, keeps no lock, and never exits or aborts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datacrumbs/client.h"

#define DC_API __attribute__((visibility("default")))

static int env_is_one(const char *name, int secure)
{
    const char *v = secure ? secure_getenv(name) : getenv(name);

    return v && v[0] == '1' && v[1] == '\0';
}

/* Append the decimal form of v to buf at *pos (bounded). */
static void put_num(char *buf, size_t size, size_t *pos, long v)
{
    char digits[24];
    size_t n = 0;

    if (v < 0) {
        if (*pos < size)
            buf[(*pos)++] = '-';
        v = -v;
    }
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof(digits));
    while (n && *pos < size)
        buf[(*pos)++] = digits[--n];
}

static void put_str(char *buf, size_t size, size_t *pos, const char *s)
{
    while (*s && *pos < size)
        buf[(*pos)++] = *s++;
}

/*
 * Programs such as coreutils close stderr from an atexit handler, before our destructor runs,
 * so debug lines go to a private copy of stderr taken when the library is loaded.
 */
static int debug_fd = -1;

/* One line on stderr with write(2): safe in destructors, after fork, and in signal-heavy code.
 * secure_getenv keeps setuid programs quiet whatever the caller's environment says. */
static void debug_line(const char *what)
{
    char line[128];
    size_t pos = 0;
    int saved = errno;

    if (!env_is_one("DATACRUMBS_CLIENT_DEBUG", 1))
        return;
    if (__atomic_load_n(&debug_fd, __ATOMIC_ACQUIRE) < 0) {
        int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 100), unset = -1;

        /* Two threads may race here: one copy wins, the other is closed. */
        if (fd >= 0 && !__atomic_compare_exchange_n(&debug_fd, &unset, fd, 0, __ATOMIC_ACQ_REL,
                                                    __ATOMIC_ACQUIRE))
            close(fd);
    }
    put_str(line, sizeof(line) - 1, &pos, "datacrumbs_client: ");
    put_str(line, sizeof(line) - 1, &pos, what);
    put_str(line, sizeof(line) - 1, &pos, " (pid ");
    put_num(line, sizeof(line) - 1, &pos, (long)getpid());
    put_str(line, sizeof(line) - 1, &pos, ")\n");
    {
        int fd = __atomic_load_n(&debug_fd, __ATOMIC_ACQUIRE);

        (void)!write(fd >= 0 ? fd : STDERR_FILENO, line, pos);
    }
    errno = saved;
}

/*
 * noinline + an empty asm with a memory clobber: the compiler can neither fold the call into
 * the constructor nor drop it, so the symbol's entry is executed on every call.
 */
DC_API __attribute__((noinline)) int datacrumbs_start(void)
{
    __asm__ volatile("" ::: "memory");
    if (env_is_one("DATACRUMBS_DISABLE", 0))
        return 1;
    debug_line("start");
    return 0;
}

DC_API __attribute__((noinline)) int datacrumbs_stop(void)
{
    __asm__ volatile("" ::: "memory");
    if (env_is_one("DATACRUMBS_DISABLE", 0))
        return 1;
    debug_line("stop");
    return 0;
}

/* When disabled the functions are not even entered, so a daemon that probes their entry
 * (upstream's does) sees nothing either. */
__attribute__((constructor)) static void dc_client_init(void)
{
    if (!env_is_one("DATACRUMBS_DISABLE", 0))
        datacrumbs_start();
}

__attribute__((destructor)) static void dc_client_fini(void)
{
    if (!env_is_one("DATACRUMBS_DISABLE", 0))
        datacrumbs_stop();
}
