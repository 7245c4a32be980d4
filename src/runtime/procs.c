/* SPDX-License-Identifier: BSD-3-Clause */
/* procs.c - per-process probe placement and the run's peers on the node (see procs.h). */
#include "procs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "grow.h"
#include "log.h"

struct rt_proc {
    pid_t pid; /* the kernel's (the BPF maps' key) */
    struct rt_linkset set;
};

static void *closer_main(void *arg)
{
    struct rt_procs *ps = arg;

    pthread_mutex_lock(&ps->mu);
    for (;;) {
        while (ps->ndoomed == 0 && !ps->closing_done)
            pthread_cond_wait(&ps->cv, &ps->mu);
        if (ps->ndoomed == 0)
            break;
        {
            struct rt_linkset s = ps->doomed[--ps->ndoomed];

            pthread_mutex_unlock(&ps->mu);
            rt_linkset_close(&s);
            pthread_mutex_lock(&ps->mu);
        }
    }
    pthread_mutex_unlock(&ps->mu);
    return NULL;
}

int rt_procs_init(struct rt_procs *ps, struct rt_bpf *b, const struct rt_plan *p, size_t max,
                  char *err, size_t errlen)
{
    int e;

    memset(ps, 0, sizeof(*ps));
    ps->bpf = b;
    ps->plan = p;
    ps->max = max;
    pthread_mutex_init(&ps->mu, NULL);
    pthread_cond_init(&ps->cv, NULL);
    e = pthread_create(&ps->closer, NULL, closer_main, ps);
    if (e) {
        snprintf(err, errlen, "cannot start a thread: %s", strerror(e));
        return -1;
    }
    ps->closer_running = 1;
    return 0;
}

static struct rt_proc *find(struct rt_procs *ps, pid_t pid)
{
    for (size_t i = 0; i < ps->n; i++)
        if (ps->tab[i].pid == pid)
            return &ps->tab[i];
    return NULL;
}

/* Hand a set to the closer thread (or close it here when that fails). */
static void doom(struct rt_procs *ps, struct rt_linkset *s)
{
    pthread_mutex_lock(&ps->mu);
    if (dc_grow(&ps->doomed, &ps->capdoomed, ps->ndoomed, sizeof(*ps->doomed), 16) < 0) {
        pthread_mutex_unlock(&ps->mu);
        rt_linkset_close(s);
        return;
    }
    ps->doomed[ps->ndoomed++] = *s;
    memset(s, 0, sizeof(*s));
    pthread_cond_signal(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
}

static void release(struct rt_procs *ps, const struct dc_ctl *c)
{
    /* To the one thread that waits (by the ids of the daemon's pid namespace); a process that
     * exited meanwhile is no error. */
    if (syscall(SYS_tgkill, (pid_t)c->ns_pid, (pid_t)c->ns_tid, DC_ACK_SIGNAL) == 0)
        ps->released++;
    else if (errno != ESRCH)
        dc_debug("cannot release process %u: %s", c->pid, strerror(errno));
}

/* pid is the kernel's, ns_pid the same process in the daemon's pid namespace. */
static void link_process(struct rt_procs *ps, pid_t pid, pid_t ns_pid)
{
    struct rt_proc *p;

    if (find(ps, pid))
        return;
    if (ns_pid <= 0) { /* not in the daemon's namespace: cannot be named to the kernel */
        ps->refused++;
        return;
    }
    if (ps->n >= ps->max) {
        ps->refused++;
        return;
    }
    if (dc_grow(&ps->tab, &ps->cap, ps->n, sizeof(*ps->tab), 64) < 0) {
        ps->refused++;
        return;
    }
    p = &ps->tab[ps->n];
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    if (rt_bpf_link_process(ps->bpf, ps->plan, ns_pid, &p->set) == 0) {
        /* Gone already, or nothing to place: either way nothing to keep. */
        rt_linkset_close(&p->set);
        if (ps->bpf->user_funcs)
            ps->refused++;
        return;
    }
    ps->n++;
    ps->linked++;
    rt_bpf_mark_linked(ps->bpf, pid, 1);
}

static void unlink_process(struct rt_procs *ps, pid_t pid)
{
    struct rt_proc *p = find(ps, pid);

    rt_bpf_mark_linked(ps->bpf, pid, 0);
    if (!p)
        return;
    doom(ps, &p->set);
    *p = ps->tab[--ps->n];
    ps->gone++;
}

void rt_procs_control(struct rt_procs *ps, const struct dc_ctl *c)
{
    switch (c->kind) {
    case DC_CTL_ANNOUNCE:
    case DC_CTL_FORK:
        link_process(ps, (pid_t)c->pid, (pid_t)c->ns_pid);
        if (c->ctl_flags & DC_CTL_F_HELD)
            release(ps, c);
        break;
    case DC_CTL_GONE: unlink_process(ps, (pid_t)c->pid); break;
    default: break;
    }
}

void rt_procs_finish(struct rt_procs *ps)
{
    while (ps->n)
        unlink_process(ps, ps->tab[ps->n - 1].pid);
    if (ps->closer_running) {
        pthread_mutex_lock(&ps->mu);
        ps->closing_done = 1;
        pthread_cond_signal(&ps->cv);
        pthread_mutex_unlock(&ps->mu);
        pthread_join(ps->closer, NULL);
        ps->closer_running = 0;
    }
    while (ps->ndoomed)
        rt_linkset_close(&ps->doomed[--ps->ndoomed]);
    free(ps->doomed);
    free(ps->tab);
    ps->doomed = NULL;
    ps->tab = NULL;
    pthread_mutex_destroy(&ps->mu);
    pthread_cond_destroy(&ps->cv);
}

size_t rt_procs_ready_text(char *buf, size_t size, uid_t uid, pid_t pid)
{
    int n = snprintf(buf, size, "ready\nuid %u\npid %ld\n", (unsigned)uid, (long)pid);

    return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* The uid of a live run's ready file, or -1 (not a run's, not alive, unreadable). */
static long ready_uid(int dirfd, const char *name)
{
    char text[128];
    unsigned uid;
    long pid;
    ssize_t n;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return -1;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    if (sscanf(text, "ready\nuid %u\npid %ld", &uid, &pid) != 2 || pid <= 0)
        return -1;
    if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
        return -1; /* its daemon died without removing it */
    return (long)uid;
}

int rt_procs_sole_run(const char *run_dir, const char *run_id, uid_t uid)
{
    static const char prefix[] = "datacrumbs-", suffix[] = ".ready";
    DIR *d = opendir(run_dir);
    struct dirent *de;
    int sole = 1;

    if (!d)
        return 1; /* nothing to compare with: this run is all there is */
    while (sole && (de = readdir(d))) {
        size_t len = strlen(de->d_name), plen = sizeof(prefix) - 1, slen = sizeof(suffix) - 1;

        if (len <= plen + slen || strncmp(de->d_name, prefix, plen) ||
            strcmp(de->d_name + len - slen, suffix))
            continue;
        if (len - plen - slen == strlen(run_id) &&
            !strncmp(de->d_name + plen, run_id, len - plen - slen))
            continue; /* this run */
        if (ready_uid(dirfd(d), de->d_name) == (long)uid)
            sole = 0;
    }
    closedir(d);
    return sole;
}
