/* SPDX-License-Identifier: BSD-3-Clause */
/* attach.c - load the BPF object and put the probes in place (see attach.h). */
#include "attach.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datacrumbs.skel.h"
#include "elfsym.h"
#include "grow.h"
#include "log.h"
#include "umulti.h"

/* While functions are attached, libbpf's own warning per failure would repeat what the daemon
 * reports per function; they are shown with --verbose only. */
static int libbpf_quiet;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    enum dc_log_level mine = dc_log_get_level();

    if (mine < DC_LOG_VERBOSE && (level == LIBBPF_DEBUG || libbpf_quiet))
        return 0;
    if (mine == DC_LOG_QUIET && level != LIBBPF_WARN)
        return 0;
    fprintf(stderr, "%s: ", dc_progname());
    return vfprintf(stderr, fmt, ap);
}

static int keep_link(struct rt_linkset *s, struct bpf_link *l)
{
    if (dc_grow(&s->links, &s->caplinks, s->nlinks, sizeof(*s->links), 16) < 0) {
        bpf_link__destroy(l);
        return -1;
    }
    s->links[s->nlinks++] = l;
    return 0;
}

static int keep_mfd(struct rt_linkset *s, int fd)
{
    if (dc_grow(&s->mfds, &s->capmfds, s->nmfds, sizeof(*s->mfds), 4) < 0) {
        close(fd);
        return -1;
    }
    s->mfds[s->nmfds++] = fd;
    return 0;
}

void rt_linkset_close(struct rt_linkset *s)
{
    /* Newest first: entry probes go before the return probes attached ahead of them. */
    for (size_t i = s->nmfds; i-- > 0;)
        close(s->mfds[i]);
    for (size_t i = s->nlinks; i-- > 0;)
        bpf_link__destroy(s->links[i]);
    free(s->links);
    free(s->mfds);
    memset(s, 0, sizeof(*s));
}

static double ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Does this kernel have uprobe_multi links? Load a do-nothing program for them and link it to
 * datacrumbs_stop() in the client library (few processes map it): the only reliable test, as
 * older kernels accept the program and refuse the link. The link is kept until the other probes
 * go, since closing one waits for an RCU grace period (up to a second on a busy machine).
 */
static int multi_supported(struct rt_bpf *b, const char *client_lib)
{
    const struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    LIBBPF_OPTS(bpf_prog_load_opts, opts,
                .expected_attach_type = (enum bpf_attach_type)RT_BPF_TRACE_UPROBE_MULTI);
    struct rt_elf_query q = {.name = "datacrumbs_stop"};
    uint64_t cookie = 0;
    char err[256];
    int prog, link;

    if (!client_lib || rt_elf_resolve(client_lib, &q, 1, err, sizeof(err)) < 0 || !q.found)
        return 0;
    prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "dc_probe", "Dual BSD/GPL", insns, 2, &opts);
    if (prog < 0)
        return 0;
    link = rt_umulti_attach(prog, client_lib, &q.offset, &cookie, 1, 0, getpid());
    if (link < 0)
        dc_debug("no uprobe_multi links here (%s): uprobes are attached one by one",
                 strerror(errno));
    close(prog);
    return link >= 0 && keep_mfd(&b->own, link) == 0;
}

/* The settings of every traceable function: one batch update where the kernel has them (a
 * system call per function costs ~5 us, 45 ms for the largest probe files). */
static int fill_maps(struct rt_bpf *b, const struct rt_plan *p, char *err, size_t errlen)
{
    int cfd = bpf_map__fd(b->skel->maps.fn_cfg), sfd = bpf_map__fd(b->skel->maps.sys_ids);
    __u32 *keys = calloc(p->nfuncs + 1, sizeof(*keys)), count = 0;
    struct dc_fn_cfg *vals = calloc(p->nfuncs + 1, sizeof(*vals));
    int rc = -1;

    if (!keys || !vals) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];
        __u32 nr, id = f->id;

        if (f->error || f->alias_of)
            continue;
        keys[count] = id;
        vals[count++] = f->cfg;
        if (f->kind != DC_KIND_SYSCALL)
            continue;
        nr = (__u32)f->nr;
        if (bpf_map_update_elem(sfd, &nr, &id, BPF_ANY) < 0) {
            snprintf(err, errlen, "cannot set up syscall %u: %s", nr, strerror(errno));
            goto cleanup;
        }
    }
    if (count) {
        __u32 n = count;

        if (bpf_map_update_batch(cfd, keys, vals, &n, NULL) == 0 && n == count) {
            rc = 0;
            goto cleanup;
        }
    }
    for (__u32 k = 0; k < count; k++)
        if (bpf_map_update_elem(cfd, &keys[k], &vals[k], BPF_ANY) < 0) {
            snprintf(err, errlen, "cannot set up function %u: %s", keys[k], strerror(errno));
            goto cleanup;
        }
    rc = 0;
cleanup:
    free(keys);
    free(vals);
    return rc;
}

/* The daemon's pid namespace: its inode and its depth (NSpid in /proc/self/status). */
static void own_pidns(uint64_t *ino, uint32_t *level)
{
    char line[512];
    struct stat st;
    FILE *f;

    *ino = stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0;
    *level = 0;
    f = fopen("/proc/self/status", "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "NSpid:", 6) == 0) {
            for (char *s = strtok(line + 6, " \t\n"); s; s = strtok(NULL, " \t\n"))
                ++*level;
            if (*level)
                --*level;
            break;
        }
    fclose(f);
}

int rt_bpf_load(struct rt_bpf *b, const struct rt_plan *p, const struct rt_bpf_opts *o, char *err,
                size_t errlen)
{
    uint64_t ring = (uint64_t)o->ring_mb << 20;
    int need_sys = 0, need_kernel = 0, need_user = 0, rc;
    double t0, t1;

    memset(b, 0, sizeof(*b));
    libbpf_set_print(libbpf_print);
    b->skel = datacrumbs_bpf__open();
    if (!b->skel) {
        snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
        return -1;
    }
    b->skel->rodata->targ_uid = o->uid;
    snprintf((char *)b->skel->rodata->run_id, sizeof(b->skel->rodata->run_id), "%s",
             o->run_id ? o->run_id : "");
    b->skel->rodata->per_process = 1;
    {
        uint64_t ino;
        uint32_t level;

        own_pidns(&ino, &level);
        b->skel->rodata->pidns_ino = ino;
        b->skel->rodata->pidns_level = level;
    }
    b->skel->rodata->min_dur_ns = o->min_duration_ns;
    /* Wake the reader when an eighth of the ring is waiting (it also polls on a timer). */
    b->skel->rodata->wakeup_bytes = ring / 8;
    bpf_map__set_max_entries(b->skel->maps.fn_cfg, (__u32)(p->nfuncs + 1));
    bpf_map__set_max_entries(b->skel->maps.events, (__u32)ring);
    /* Only the programs this plan needs: verifying each costs milliseconds. */
    for (size_t i = 0; i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];

        if (f->error || f->alias_of)
            continue;
        need_sys |= f->kind == DC_KIND_SYSCALL;
        need_kernel |= f->kind == DC_KIND_KERNEL;
        need_user |= f->kind == DC_KIND_USER;
    }
    t0 = ms();
    b->multi = need_user && !o->no_multi && multi_supported(b, o->client_lib);
    dc_debug("uprobe_multi %s (checked in %.1f ms)", b->multi ? "available" : "not used",
             ms() - t0);
    bpf_program__set_autoload(b->skel->progs.dc_sys_enter, need_sys);
    bpf_program__set_autoload(b->skel->progs.dc_sys_exit, need_sys);
    bpf_program__set_autoload(b->skel->progs.dc_entry, need_kernel || (need_user && !b->multi));
    bpf_program__set_autoload(b->skel->progs.dc_exit, need_kernel || (need_user && !b->multi));
    if (b->multi) {
        bpf_program__set_expected_attach_type(b->skel->progs.dc_entry_multi,
                                              (enum bpf_attach_type)RT_BPF_TRACE_UPROBE_MULTI);
        bpf_program__set_expected_attach_type(b->skel->progs.dc_exit_multi,
                                              (enum bpf_attach_type)RT_BPF_TRACE_UPROBE_MULTI);
    } else {
        bpf_program__set_autoload(b->skel->progs.dc_entry_multi, false);
        bpf_program__set_autoload(b->skel->progs.dc_exit_multi, false);
    }
    t0 = ms();
    rc = datacrumbs_bpf__load(b->skel);
    if (rc) {
        snprintf(err, errlen, "cannot load the BPF programs into the kernel: %s", strerror(-rc));
        return -1;
    }
    t1 = ms();
    rc = fill_maps(b, p, err, errlen);
    dc_debug("BPF object loaded in %.1f ms, function settings stored in %.1f ms", t1 - t0,
             ms() - t1);
    return rc;
}

int rt_bpf_probe_client(struct rt_bpf *b, int fd, const char *label, char *err, size_t errlen)
{
    struct rt_elf_query q[2] = {{.name = "datacrumbs_announce"}, {.name = "datacrumbs_stop"}};
    struct bpf_program *progs[2] = {b->skel->progs.dc_client_announce,
                                    b->skel->progs.dc_client_stop};
    char why[512], path[32];

    if (rt_elf_resolve_fd(fd, label, q, 2, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "client library: %s", why);
        return -1;
    }
    if (!q[0].found || !q[1].found) {
        snprintf(err, errlen, "%s does not define datacrumbs_announce and datacrumbs_stop", label);
        return -1;
    }
    /* Through the descriptor: the inode probed is the one just read. Entry probes on a library
     * that only processes which opted in map. */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    for (size_t i = 0; i < 2; i++) {
        struct bpf_link *l =
            bpf_program__attach_uprobe(progs[i], false, -1, path, (size_t)q[i].offset);

        if (!l || keep_link(&b->own, l) < 0) {
            snprintf(err, errlen, "cannot probe %s in %s: %s", q[i].name, label, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int rt_bpf_attach_selection(struct rt_bpf *b, char *err, size_t errlen)
{
    static const struct {
        const char *tp;
        size_t prog; /* which of the three below */
    } tps[] = {{"sched_process_fork", 0}, {"sched_process_exec", 1}, {"sched_process_exit", 2}};
    struct bpf_program *tp_progs[3] = {b->skel->progs.dc_fork, b->skel->progs.dc_exec,
                                       b->skel->progs.dc_exit_task};

    for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
        struct bpf_link *l = bpf_program__attach_raw_tracepoint(tp_progs[tps[i].prog], tps[i].tp);

        if (!l || keep_link(&b->own, l) < 0) {
            snprintf(err, errlen, "cannot attach to tracepoint %s: %s", tps[i].tp, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* ---- functions ---- */

static void fail(struct rt_bpf *b, struct rt_func *f, const char *what, int e)
{
    rt_plan_fail(f, "%s: %s", what, strerror(e));
    b->failed++;
}

static void attach_syscalls(struct rt_bpf *b, struct rt_plan *p)
{
    struct bpf_link *enter = NULL, *exit_ = NULL;
    int e = 0, any = 0;

    for (size_t i = 0; i < p->nfuncs; i++)
        if (p->funcs[i].kind == DC_KIND_SYSCALL && !p->funcs[i].error && !p->funcs[i].alias_of)
            any = 1;
    if (!any)
        return;
    exit_ = bpf_program__attach_raw_tracepoint(b->skel->progs.dc_sys_exit, "sys_exit");
    if (!exit_ || keep_link(&b->own, exit_) < 0)
        e = errno;
    else if (!(enter =
                   bpf_program__attach_raw_tracepoint(b->skel->progs.dc_sys_enter, "sys_enter")) ||
             keep_link(&b->own, enter) < 0)
        e = errno;
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->kind != DC_KIND_SYSCALL || f->error || f->alias_of)
            continue;
        if (e)
            fail(b, f, "raw tracepoint sys_enter/sys_exit", e);
        else {
            f->attached = 1;
            b->attached++;
        }
    }
}

static void attach_kernel(struct rt_bpf *b, struct rt_func *f)
{
    LIBBPF_OPTS(bpf_kprobe_opts, ret, .bpf_cookie = f->id, .retprobe = true);
    LIBBPF_OPTS(bpf_kprobe_opts, ent, .bpf_cookie = f->id);
    struct bpf_link *lr, *le;

    lr = bpf_program__attach_kprobe_opts(b->skel->progs.dc_exit, f->symbol, &ret);
    if (!lr) {
        fail(b, f, "kretprobe", errno);
        return;
    }
    le = bpf_program__attach_kprobe_opts(b->skel->progs.dc_entry, f->symbol, &ent);
    if (!le) {
        int e = errno;

        bpf_link__destroy(lr);
        fail(b, f, "kprobe", e);
        return;
    }
    if (keep_link(&b->own, lr) < 0 || keep_link(&b->own, le) < 0) {
        fail(b, f, "kprobe", ENOMEM);
        return;
    }
    f->attached = 1;
    b->attached++;
}

/* One uprobe (or uretprobe) at a time, in process pid: a perf event and a link each. */
static int attach_single(struct rt_bpf *b, struct rt_linkset *set, pid_t pid, const char *path,
                         uint64_t off, unsigned id, int retprobe)
{
    LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = id, .retprobe = retprobe);
    struct bpf_link *l = bpf_program__attach_uprobe_opts(
        retprobe ? b->skel->progs.dc_exit : b->skel->progs.dc_entry, pid, path, (size_t)off, &o);

    if (!l)
        return -1;
    return keep_link(set, l);
}

/*
 * Attach n offsets of one binary with as few uprobe_multi links as possible: the whole set in
 * one call; when the kernel refuses it (one bad offset fails the lot), each half on its own,
 * down to the single function that cannot be probed. ok[] marks those in place.
 */
static void attach_multi(struct rt_bpf *b, struct rt_linkset *set, pid_t pid, const char *path,
                         uint64_t *offs, uint64_t *cookies, size_t n, int retprobe, int *ok,
                         int *errs)
{
    int prog =
        bpf_program__fd(retprobe ? b->skel->progs.dc_exit_multi : b->skel->progs.dc_entry_multi);
    int fd;

    if (n == 0)
        return;
    fd = rt_umulti_attach(prog, path, offs, cookies, n, retprobe, pid);
    if (fd >= 0 && keep_mfd(set, fd) == 0) {
        for (size_t i = 0; i < n; i++)
            ok[i] = 1;
        return;
    }
    if (n == 1) {
        errs[0] = errno;
        return;
    }
    attach_multi(b, set, pid, path, offs, cookies, n / 2, retprobe, ok, errs);
    attach_multi(b, set, pid, path, offs + n / 2, cookies + n / 2, n - n / 2, retprobe, ok + n / 2,
                 errs + n / 2);
}

/* Place each of n probes (exits or entries) in pid, one way or the other; ok[k] says which. */
static void place(struct rt_bpf *b, struct rt_linkset *set, pid_t pid, const char *path,
                  uint64_t *offs, uint64_t *cookies, size_t n, int retprobe, int *ok, int *errs)
{
    memset(ok, 0, n * sizeof(*ok));
    memset(errs, 0, n * sizeof(*errs));
    if (b->multi) {
        attach_multi(b, set, pid, path, offs, cookies, n, retprobe, ok, errs);
        return;
    }
    for (size_t k = 0; k < n; k++)
        if (attach_single(b, set, pid, path, offs[k], (unsigned)cookies[k], retprobe) == 0)
            ok[k] = 1;
        else
            errs[k] = errno;
}

/*
 * The functions of one binary, in process pid. A trial (the daemon's own process, at start)
 * takes every traceable function and records which fail; otherwise only those that passed it
 * are placed. Returns the number of functions placed.
 */
static size_t place_binary(struct rt_bpf *b, struct rt_plan *p, size_t bin, pid_t pid,
                           struct rt_linkset *set, int trial)
{
    /* The inode the plan opened and checked, never the path again. */
    const char *path = p->bins[bin].attach_path;
    size_t n = 0, m, placed = 0;
    size_t *idx = calloc(p->nfuncs, sizeof(*idx));
    uint64_t *offs = calloc(p->nfuncs, sizeof(*offs)), *cookies = calloc(p->nfuncs, 8);
    int *ok = calloc(p->nfuncs, sizeof(*ok)), *errs = calloc(p->nfuncs, sizeof(*errs));

    if (!idx || !offs || !cookies || !ok || !errs) {
        for (size_t i = 0; trial && i < p->nfuncs; i++)
            if (p->funcs[i].binary == (int)bin && !p->funcs[i].error && !p->funcs[i].alias_of)
                fail(b, &p->funcs[i], "uprobe", ENOMEM);
        errno = ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];

        if (f->kind != DC_KIND_USER || f->binary != (int)bin || f->alias_of)
            continue;
        if (trial ? f->error != NULL : !f->attached)
            continue;
        idx[n] = i;
        offs[n] = f->offset;
        cookies[n] = f->id;
        n++;
    }
    if (!n)
        goto cleanup;
    /* Exits first: a function whose return cannot be probed gets no entry probe either.
     * Entry-only functions (safety.h) go last in the list and get no return probe. */
    for (size_t k = 0, e = n; k < e; k++)
        if (p->funcs[idx[k]].cfg.flags & DC_FN_ENTRY_ONLY) {
            size_t i = idx[k];
            uint64_t o = offs[k], c = cookies[k];

            e--;
            idx[k] = idx[e], offs[k] = offs[e], cookies[k] = cookies[e];
            idx[e] = i, offs[e] = o, cookies[e] = c;
            k--;
        }
    for (m = 0; m < n && !(p->funcs[idx[m]].cfg.flags & DC_FN_ENTRY_ONLY);)
        m++;
    place(b, set, pid, path, offs, cookies, m, 1, ok, errs);
    for (size_t k = m; k < n; k++)
        ok[k] = 1;
    m = 0;
    for (size_t k = 0; k < n; k++) {
        if (!ok[k]) {
            if (trial)
                fail(b, &p->funcs[idx[k]], "uretprobe", errs[k] ? errs[k] : EINVAL);
            continue;
        }
        idx[m] = idx[k];
        offs[m] = offs[k];
        cookies[m] = cookies[k];
        m++;
    }
    place(b, set, pid, path, offs, cookies, m, 0, ok, errs);
    for (size_t k = 0; k < m; k++) {
        struct rt_func *f = &p->funcs[idx[k]];

        if (!ok[k]) {
            /* Its return probe stays: with no entry recorded it never produces anything. */
            if (trial)
                fail(b, f, "uprobe", errs[k] ? errs[k] : EINVAL);
            continue;
        }
        placed++;
        if (trial) {
            f->attached = 1;
            b->attached++;
            b->user_funcs++;
        }
    }
cleanup:
    free(idx);
    free(offs);
    free(cookies);
    free(ok);
    free(errs);
    return placed;
}

void rt_bpf_attach_functions(struct rt_bpf *b, struct rt_plan *p)
{
    struct rt_linkset trial = {0};

    libbpf_quiet = 1;
    attach_syscalls(b, p);
    for (size_t i = 0; i < p->nfuncs; i++)
        if (p->funcs[i].kind == DC_KIND_KERNEL && !p->funcs[i].error && !p->funcs[i].alias_of)
            attach_kernel(b, &p->funcs[i]);
    /* The kernel checks a probe when it is linked, whichever process it is for: the daemon's
     * own pid finds what can be probed; no traced process is delayed by a failing one. */
    for (size_t bin = 0; bin < p->nbins; bin++)
        place_binary(b, p, bin, getpid(), &trial, 1);
    rt_linkset_close(&trial);
    libbpf_quiet = 0;
}

size_t rt_bpf_link_process(struct rt_bpf *b, const struct rt_plan *p, pid_t pid,
                           struct rt_linkset *set)
{
    size_t placed = 0;

    if (!b->user_funcs)
        return 0;
    libbpf_quiet = 1;
    for (size_t bin = 0; bin < p->nbins; bin++)
        placed += place_binary(b, (struct rt_plan *)p, bin, pid, set, 0);
    libbpf_quiet = 0;
    return placed;
}

void rt_bpf_mark_linked(struct rt_bpf *b, pid_t pid, int on)
{
    int fd = bpf_map__fd(b->skel->maps.linked);
    __u32 key = (__u32)pid, one = 1;

    if (on)
        bpf_map_update_elem(fd, &key, &one, BPF_ANY);
    else
        bpf_map_delete_elem(fd, &key);
}

void rt_bpf_set_sole_run(struct rt_bpf *b, int sole)
{
    if (b->skel && b->skel->bss)
        __atomic_store_n(&b->skel->bss->sole_run, sole ? 1u : 0u, __ATOMIC_RELAXED);
}

int rt_bpf_ring_fd(const struct rt_bpf *b)
{
    return bpf_map__fd(b->skel->maps.events);
}

int rt_bpf_threads_fd(const struct rt_bpf *b)
{
    return bpf_map__fd(b->skel->maps.threads);
}

void rt_bpf_stats(const struct rt_bpf *b, uint64_t out[DC_STAT_N])
{
    int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(b->skel->maps.stats);
    uint64_t *vals;

    memset(out, 0, sizeof(uint64_t) * DC_STAT_N);
    if (ncpu <= 0 || !(vals = calloc((size_t)ncpu, sizeof(*vals))))
        return;
    for (__u32 k = 0; k < DC_STAT_N; k++) {
        if (bpf_map_lookup_elem(fd, &k, vals) < 0)
            continue;
        for (int c = 0; c < ncpu; c++)
            out[k] += vals[c];
    }
    free(vals);
}

void rt_bpf_quiesce(struct rt_bpf *b)
{
    if (b->skel && b->skel->bss)
        __atomic_store_n(&b->skel->bss->stopping, 1, __ATOMIC_SEQ_CST);
}

void rt_bpf_detach(struct rt_bpf *b)
{
    rt_linkset_close(&b->own);
}

void rt_bpf_destroy(struct rt_bpf *b)
{
    rt_bpf_detach(b);
    datacrumbs_bpf__destroy(b->skel);
    b->skel = NULL;
}
