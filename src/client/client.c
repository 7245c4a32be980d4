/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * client.c - libdatacrumbs_client.so.0, the "trace me" marker.
 *
 * The daemon puts uprobes on datacrumbs_announce and datacrumbs_stop, so these functions are
 * the whole protocol: they must stay real, out-of-line and cheap. Tracing ends when the process
 * exits (the daemon sees that in the kernel) or when the program itself calls datacrumbs_stop();
 * the library never calls it. The library is loaded into
 * arbitrary programs (including forked children and multi-threaded ones), so it allocates
 * nothing, uses no stdio, keeps no lock, and never exits or aborts.
 *
 * The handshake: datacrumbs_announce(run) names the run the process belongs to
 * (DATACRUMBS_RUN_ID, else the scheduler's job id). A daemon that takes the process links its
 * probes into it; meanwhile the BPF program sends the announcing thread SIGURG ("held"), and the
 * daemon sends SIGCONT once the probes are in place. Both are blocked around the call and
 * collected with sigtimedwait(), so the program never sees them; both are ignored by default,
 * so a late one is harmless. Without a daemon (or one that does not take the process) no
 * SIGURG comes and the call costs a few system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datacrumbs/client.h"
#include "runid.h"

#define DC_API __attribute__((visibility("default")))

/* The daemon probes it (see above); not in the public header. */
DC_API void datacrumbs_announce(const char *run);

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
 * its callers nor drop it, so the symbol's entry is executed on every call. The daemon reads
 * run (a string or NULL) at the entry.
 */
DC_API __attribute__((noinline)) void datacrumbs_announce(const char *run)
{
    __asm__ volatile("" : : "r"(run) : "memory");
}

/* The run this process belongs to: the one the user named, else the job's (SLURM's id, or
 * Flux's in the form its hook names the run: runid.h). */
static const char *run_named(void)
{
    static char flux[DC_RUNID_MAX + 1];
    static const char *const vars[] = {"DATACRUMBS_RUN_ID", "SLURM_JOB_ID"};
    const char *v;

    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    v = getenv("FLUX_JOB_ID");
    return v && *v && dc_runid_from_flux(v, flux) ? flux : NULL;
}

/* How long a held thread waits for its probes before it goes on untraced at first. */
#define HOLD_MAX_NS 2000000000LL

static long long mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wait up to the deadline for sig (blocked); returns whether it came. */
static int wait_signal(int sig, long long deadline)
{
    sigset_t one;

    sigemptyset(&one);
    sigaddset(&one, sig);
    for (;;) {
        long long left = deadline - mono_ns();
        struct timespec ts;

        if (left < 0)
            left = 0;
        ts.tv_sec = (time_t)(left / 1000000000LL);
        ts.tv_nsec = (long)(left % 1000000000LL);
        if (sigtimedwait(&one, NULL, &ts) == sig)
            return 1;
        if (errno != EINTR || left == 0)
            return 0;
    }
}

static void announce(void)
{
    sigset_t both, old, pending;
    int saved = errno;

    sigemptyset(&both);
    sigaddset(&both, SIGURG);
    sigaddset(&both, SIGCONT);
    if (pthread_sigmask(SIG_BLOCK, &both, &old) != 0) {
        datacrumbs_announce(run_named());
        errno = saved;
        return;
    }
    /* A signal of the program's own already waiting: leave it be and do not wait. */
    if (sigpending(&pending) == 0 && !sigismember(&pending, SIGURG) &&
        !sigismember(&pending, SIGCONT)) {
        datacrumbs_announce(run_named());
        if (wait_signal(SIGURG, 0))
            wait_signal(SIGCONT, mono_ns() + HOLD_MAX_NS);
    } else {
        datacrumbs_announce(run_named());
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
}

DC_API __attribute__((noinline)) int datacrumbs_start(void)
{
    __asm__ volatile("" ::: "memory");
    if (env_is_one("DATACRUMBS_DISABLE", 0))
        return 1;
    announce();
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
/* A forked child is a process of its own: its probes are linked anew before it runs on. */
static void dc_client_child(void)
{
    if (!env_is_one("DATACRUMBS_DISABLE", 0))
        announce();
}

__attribute__((constructor)) static void dc_client_init(void)
{
    if (!env_is_one("DATACRUMBS_DISABLE", 0))
        datacrumbs_start();
    pthread_atfork(NULL, NULL, dc_client_child);
}

/*
 * Not datacrumbs_stop(): a process is traced until it really ends, as the kernel sees it (the
 * daemon follows sched_process_exit). Destructors run before the C library's exit-time flush of
 * stdio (and a C++ or Fortran runtime's), before later atexit handlers and other libraries'
 * destructors, all of which still do I/O; a stop here lost the last writes of every program
 * that left a FILE open. Only the debug line says the program is on its way out.
 */
__attribute__((destructor)) static void dc_client_fini(void)
{
    if (!env_is_one("DATACRUMBS_DISABLE", 0))
        debug_line("exit");
}
