/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs.bpf.c - the kernel side of the datacrumbs daemon.
 *
 * One generic entry/exit pair serves every traced function: the BPF cookie of each probe is
 * the function id, which indexes fn_cfg (what to capture) and, in the daemon, the name and the
 * argument labels. Syscalls come from raw_tracepoint sys_enter/sys_exit, filtered by sys_ids.
 *
 * Only processes in procs are traced. One joins when its datacrumbs_announce() names this run
 * (or names none while this is its user's only run on the node; a process in a job's cgroup
 * names that job) and every one of its user and
 * group ids and capabilities is the user's; its children join by fork. It leaves at exit, at
 * datacrumbs_stop(), and as soon as its credentials change (a setuid, setgid or file
 * capability exec, a setresuid...): what such a program reads is not the user's to see.
 * User-space probes are linked per process by the daemon (ctl records), so no other process
 * ever meets a breakpoint of ours.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the daemon before load. */
const volatile __u32 targ_uid = 0;
const volatile __u64 min_dur_ns = 0;        /* shorter calls are counted, not recorded */
const volatile __u64 wakeup_bytes = 262144; /* wake the reader once this much is queued */

const volatile char run_id[DC_RUN_ID_LEN] = {0}; /* this run; what announcements must name */
const volatile __u32 per_process = 0;            /* user-space probes linked per process */
/* The daemon's pid namespace (a container's, say): process ids in ctl records are its own. */
const volatile __u32 pidns_level = 0;
const volatile __u64 pidns_ino = 0;

/* Set by the daemon when it stops: no call is entered after that. Calls in flight are still
 * written when they end, and those that never end before the probes go are written by the
 * daemon from their frames (DC_EV_UNFINISHED). */
volatile __u32 stopping = 0;
/* Kept by the daemon: no other run of the user is active here, so a process that names no
 * run is this one's. */
volatile __u32 sole_run = 0;

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, DC_MAX_PROCS);
    __type(key, __u32); /* TGID */
    __type(value, struct dc_proc);
} procs SEC(".maps");

/* The processes whose user-space probes the daemon has linked (it adds and removes them). */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, DC_MAX_PROCS);
    __type(key, __u32);   /* TGID */
    __type(value, __u32); /* 1 */
} linked SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1); /* resized by the daemon to the number of functions + 1 */
    __type(key, __u32);
    __type(value, struct dc_fn_cfg);
} fn_cfg SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, DC_MAX_SYSCALL);
    __type(key, __u32);   /* syscall number */
    __type(value, __u32); /* function id, 0 = not traced */
} sys_ids SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, DC_MAX_THREADS);
    __uint(map_flags, BPF_F_NO_PREALLOC); /* ~5 KiB a thread: only for threads that ran */
    __type(key, __u32);                   /* TID */
    __type(value, struct dc_thread);
} threads SEC(".maps");

/* All zeroes: the initial value of a new thread (too large for the BPF stack). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct dc_thread);
} zero_thread SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 24); /* resized by the daemon */
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, DC_STAT_N);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

static __always_inline void add(__u32 which, __u64 n)
{
    __u64 *v = bpf_map_lookup_elem(&stats, &which);

    if (v)
        *v += n;
}

static __always_inline void count(__u32 which)
{
    add(which, 1);
}

/* A struct pid's number in the daemon's pid namespace, 0 when it is not seen there. */
static __always_inline __u32 ns_nr(struct pid *p)
{
    struct upid up;

    if (!p || BPF_CORE_READ(p, level) < pidns_level)
        return 0;
    if (bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[pidns_level & 31]))
        return 0;
    if (pidns_ino && BPF_CORE_READ(up.ns, ns.inum) != pidns_ino)
        return 0;
    return (__u32)up.nr;
}

/* Tell the daemon about a process (task: its thread that announced, or its main thread);
 * returns 0 when the record is queued. */
static __always_inline int control(__u32 kind, __u32 tgid, struct task_struct *task,
                                   __u32 ctl_flags)
{
    __u32 tid = BPF_CORE_READ(task, pid);

    struct dc_ctl *c = bpf_ringbuf_reserve(&events, sizeof(*c), 0);

    if (!c) {
        count(DC_STAT_CTL_LOST);
        return -1;
    }
    c->ts = bpf_ktime_get_ns();
    c->dur = 0;
    c->pid = tgid;
    c->tid = tid;
    c->kind = kind;
    c->flags = DC_EV_CONTROL;
    c->ctl_flags = ctl_flags;
    c->ns_pid = ns_nr(BPF_CORE_READ(task, group_leader, thread_pid));
    c->ns_tid = ns_nr(BPF_CORE_READ(task, thread_pid));
    c->pad = 0;
    bpf_ringbuf_submit(c, BPF_RB_FORCE_WAKEUP); /* a held thread is waiting for it */
    return 0;
}

/* Take tgid out of the traced set; its probes go too. */
static __always_inline void untrace(__u32 tgid, __u32 why)
{
    if (bpf_map_delete_elem(&procs, &tgid) == 0)
        count(why);
    if (bpf_map_lookup_elem(&linked, &tgid))
        control(DC_CTL_GONE, tgid, (struct task_struct *)bpf_get_current_task(), 0);
}

/* Every user id is the target's, and the group ids and capabilities are what they were when
 * the process joined (all four group ids equal). */
static __always_inline int creds_match(const struct cred *c, const struct dc_proc *p)
{
    kernel_cap_t eff, prm;
    __u64 e, q;

    if (BPF_CORE_READ(c, uid.val) != targ_uid || BPF_CORE_READ(c, euid.val) != targ_uid ||
        BPF_CORE_READ(c, suid.val) != targ_uid || BPF_CORE_READ(c, fsuid.val) != targ_uid)
        return 0;
    if (BPF_CORE_READ(c, gid.val) != p->gid || BPF_CORE_READ(c, egid.val) != p->gid ||
        BPF_CORE_READ(c, sgid.val) != p->gid || BPF_CORE_READ(c, fsgid.val) != p->gid)
        return 0;
    eff = BPF_CORE_READ(c, cap_effective);
    prm = BPF_CORE_READ(c, cap_permitted);
    __builtin_memcpy(&e, &eff, sizeof(e));
    __builtin_memcpy(&q, &prm, sizeof(q));
    return e == p->cap_eff && q == p->cap_prm;
}

/*
 * Is the current process traced? Its credentials are checked on every event: a struct cred is
 * replaced, never changed, so the pointer seen last makes the usual case one read.
 */
static __always_inline int traced_tgid(__u32 tgid)
{
    struct task_struct *task;
    struct dc_proc *p = bpf_map_lookup_elem(&procs, &tgid);
    const struct cred *c;

    if (!p)
        return 0;
    task = (struct task_struct *)bpf_get_current_task();
    c = BPF_CORE_READ(task, cred);
    if ((__u64)c == p->cred)
        return 1;
    if (!creds_match(c, p)) {
        untrace(tgid, DC_STAT_PROC_CRED);
        return 0;
    }
    p->cred = (__u64)c;
    return 1;
}

static __always_inline struct dc_thread *thread_get(__u64 pid_tgid)
{
    __u32 tid = (__u32)pid_tgid;
    struct dc_thread *t = bpf_map_lookup_elem(&threads, &tid);
    __u32 zero = 0;

    if (t)
        return t;
    t = bpf_map_lookup_elem(&zero_thread, &zero);
    if (!t)
        return NULL;
    if (bpf_map_update_elem(&threads, &tid, t, BPF_NOEXIST) &&
        !bpf_map_lookup_elem(&threads, &tid)) {
        count(DC_STAT_NO_THREAD);
        return NULL;
    }
    t = bpf_map_lookup_elem(&threads, &tid);
    if (t)
        t->tgid = pid_tgid >> 32; /* for the daemon: calls in flight when it stops */
    return t;
}

static __always_inline int read_str(struct dc_frame *f, const struct dc_fn_cfg *cfg, int s,
                                    __u32 len, const void *p)
{
    if (cfg->kind == DC_KIND_KERNEL)
        return bpf_probe_read_kernel_str(f->str[s], len, p);
    return bpf_probe_read_user_str(f->str[s], len, p);
}

/*
 * String s at p, at most len - 1 bytes and a NUL, and whether it goes on: when the read filled
 * the buffer, the byte after is the string's NUL or more of it (either way the string's own
 * memory). One that cannot be read is counted as cut: nothing says it ended.
 */
static __always_inline void read_one(struct dc_frame *f, const struct dc_fn_cfg *cfg, int s,
                                     __u32 len, const void *p)
{
    int n = read_str(f, cfg, s, len, p);
    char more = 1;

    f->slen[s] = n;
    f->cut &= ~(1u << s);
    if (n != (int)len)
        return;
    if (cfg->kind == DC_KIND_KERNEL ? bpf_probe_read_kernel(&more, 1, (const char *)p + len - 1)
                                    : bpf_probe_read_user(&more, 1, (const char *)p + len - 1))
        more = 1;
    if (more)
        f->cut |= 1u << s;
}

/* Input strings named by cfg, at entry, into the frame; bounded by DC_STR_LEN. Output
 * buffers wait for the return (read_strings_exit). */
static __always_inline void read_strings(struct dc_frame *f, const struct dc_fn_cfg *cfg)
{
    f->cut = 0;
#pragma unroll
    for (int s = 0; s < DC_MAX_STR; s++) {
        __u32 reg, len;

        if (s >= cfg->nstr)
            break;
        reg = cfg->str_reg[s];
        len = cfg->str_len[s];
        f->slen[s] = -1;
        if (reg >= DC_MAX_ARGS || len < 2 || (cfg->str_when & (1u << s)))
            continue;
        if (len > DC_STR_LEN)
            len = DC_STR_LEN;
        read_one(f, cfg, s, len, (const void *)f->args[reg]);
    }
}

/*
 * At return: output buffers as the call left them (a read-like call's bounded by what it
 * returned: nothing when it failed, and cut when it returned more than is shown), and input
 * strings that could not be read at entry (a path in a page not yet touched: the call itself
 * faulted it in).
 */
static __always_inline void read_strings_exit(struct dc_frame *f, const struct dc_fn_cfg *cfg,
                                              __s64 ret)
{
#pragma unroll
    for (int s = 0; s < DC_MAX_STR; s++) {
        __u32 reg, len, n;
        const void *p;

        if (s >= cfg->nstr)
            break;
        reg = cfg->str_reg[s];
        len = cfg->str_len[s];
        if (reg >= DC_MAX_ARGS || len < 2)
            continue;
        if (len > DC_STR_LEN)
            len = DC_STR_LEN;
        p = (const void *)f->args[reg];
        if (!(cfg->str_when & (1u << s))) {
            if (f->slen[s] < 0)
                read_one(f, cfg, s, len, p);
            continue;
        }
        if (!(cfg->str_when & (1u << (s + 4)))) {
            read_one(f, cfg, s, len, p);
            continue;
        }
        n = ret <= 0 ? 0 : ret < len - 1 ? (__u32)ret : len - 1;
        n &= DC_STR_LEN - 1;
        if (ret > (__s64)n)
            f->cut |= 1u << s;
        else
            f->cut &= ~(1u << s);
        if (n && (cfg->kind == DC_KIND_KERNEL ? bpf_probe_read_kernel(f->str[s], n, p)
                                              : bpf_probe_read_user(f->str[s], n, p))) {
            f->slen[s] = -1;
            continue;
        }
        f->str[s][n] = '\0';
        f->slen[s] = (__s32)n + 1;
    }
}

/* Copy a finished frame into the ring buffer, unless it is too short (counted either way). */
static __always_inline void emit(const struct dc_frame *f, __u64 now, __u64 pid_tgid, __s64 ret,
                                 int strings)
{
    __u64 dur = now - f->ts, flags;
    struct dc_event *e;

    /* After the stop too: the call began while tracing (no entry is taken after it), and the
     * daemon reads the ring buffer until every probe is gone. */
    if (dur < min_dur_ns && now != f->ts) { /* an entry-only call has no duration to judge */
        count(DC_STAT_SHORT);
        return;
    }
    /* Only the reader's wake-up costs much; batch it unless a lot is waiting. */
    flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                          : BPF_RB_NO_WAKEUP;
    if (strings) {
        struct dc_event_str *es = bpf_ringbuf_reserve(&events, sizeof(*es), 0);

        if (!es) {
            count(DC_STAT_RING_FULL);
            return;
        }
        __builtin_memcpy(es->slen, f->slen, sizeof(es->slen));
        es->cut = f->cut;
        es->pad = 0;
        __builtin_memcpy(es->str, f->str, sizeof(es->str));
        e = &es->ev;
        e->flags = DC_EV_STRINGS;
    } else {
        e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (!e) {
            count(DC_STAT_RING_FULL);
            return;
        }
        e->flags = 0;
    }
    e->ts = f->ts;
    e->dur = dur;
    e->pid = pid_tgid >> 32;
    e->tid = (__u32)pid_tgid;
    e->id = f->id;
    e->ret = ret;
    __builtin_memcpy(e->args, f->args, sizeof(e->args));
    bpf_ringbuf_submit(e, flags);
    count(DC_STAT_EVENTS);
}

/* ---- user and kernel functions: uprobe/kprobe at entry, uretprobe/kretprobe at exit ---- */

static __always_inline int fn_entry(struct pt_regs *ctx, __u32 id)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    const struct dc_fn_cfg *cfg;
    struct dc_thread *t;
    struct dc_frame *f;
    __u32 d;

    if (stopping || !traced_tgid(pid_tgid >> 32))
        return 0;
    cfg = bpf_map_lookup_elem(&fn_cfg, &id);
    if (!cfg || id == 0)
        return 0;
    t = thread_get(pid_tgid);
    if (!t)
        return 0;
    d = t->depth;
    if (d >= DC_MAX_DEPTH) {
        t->depth = d + 1;
        count(DC_STAT_DEPTH);
        return 0;
    }
    /* An entry-only call borrows the free slot above the stack and is emitted at once. */
    if (!(cfg->flags & DC_FN_ENTRY_ONLY))
        t->depth = d + 1;
    f = &t->frames[d & (DC_MAX_DEPTH - 1)];
    f->id = id;
    f->args[0] = PT_REGS_PARM1(ctx);
    f->args[1] = PT_REGS_PARM2(ctx);
    f->args[2] = PT_REGS_PARM3(ctx);
    f->args[3] = PT_REGS_PARM4(ctx);
    f->args[4] = PT_REGS_PARM5(ctx);
#if defined(__TARGET_ARCH_x86)
    f->args[5] = ctx->r9;
#else
    f->args[5] = 0;
#endif
    if (cfg->nstr)
        read_strings(f, cfg);
    f->ts = bpf_ktime_get_ns(); /* last: the capture above is not the function's time */
    if (cfg->flags & DC_FN_ENTRY_ONLY) {
        emit(f, f->ts, pid_tgid, 0, cfg->nstr);
        f->id = 0;
    }
    return 0;
}

static __always_inline int fn_exit(struct pt_regs *ctx, __u32 id)
{
    __s64 ret = (__s64)PT_REGS_RC(ctx); /* read once: the verifier refuses a moved ctx */
    __u64 now = bpf_ktime_get_ns();
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u32 tid = (__u32)pid_tgid, d, k;
    const struct dc_fn_cfg *cfg;
    struct dc_thread *t;

    /* No process filter here: a call that began while the process was traced is finished
     * even if datacrumbs_stop ran in between. */
    t = bpf_map_lookup_elem(&threads, &tid);
    if (!t)
        return 0;
    d = t->depth;
    if (d == 0)
        return 0; /* entered before tracing began */
    if (d > DC_MAX_DEPTH) {
        t->depth = d - 1; /* that frame was never kept (counted at entry) */
        return 0;
    }
    /* Normally the top frame; deeper only when returns were skipped (longjmp). */
    for (k = 0; k < DC_MAX_DEPTH; k++) {
        struct dc_frame *f;

        if (k >= d)
            break;
        f = &t->frames[(d - 1 - k) & (DC_MAX_DEPTH - 1)];
        if (f->id != id)
            continue;
        if (k)
            add(DC_STAT_UNMATCHED, k); /* entered, never returned */
        t->depth = d - 1 - k;
        cfg = bpf_map_lookup_elem(&fn_cfg, &id);
        if (cfg && cfg->nstr)
            read_strings_exit(f, cfg, ret);
        emit(f, now, pid_tgid, ret, cfg && cfg->nstr);
        f->id = 0;
        return 0;
    }
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(dc_entry)
{
    return fn_entry(ctx, (__u32)bpf_get_attach_cookie(ctx));
}

SEC("uretprobe")
int BPF_KRETPROBE(dc_exit)
{
    return fn_exit(ctx, (__u32)bpf_get_attach_cookie(ctx));
}

/*
 * The same two handlers for uprobe_multi links (one link attaches a whole binary's functions
 * at once). The daemon loads them with expected_attach_type BPF_TRACE_UPROBE_MULTI, which
 * libbpf 1.1 cannot name, so the section names are the plain ones.
 */
SEC("uprobe")
int BPF_KPROBE(dc_entry_multi)
{
    return fn_entry(ctx, (__u32)bpf_get_attach_cookie(ctx));
}

SEC("uretprobe")
int BPF_KRETPROBE(dc_exit_multi)
{
    return fn_exit(ctx, (__u32)bpf_get_attach_cookie(ctx));
}

/* ---- syscalls ---- */

SEC("raw_tracepoint/sys_enter")
int dc_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
    __u32 nr = (__u32)ctx->args[1], *idp, id;
    const struct pt_regs *regs;
    const struct dc_fn_cfg *cfg;
    struct dc_thread *t;
    struct dc_frame *f;
    __u64 pid_tgid;

    /* Every system call on the node comes here: other users' leave at the cheapest test. */
    if ((__u32)bpf_get_current_uid_gid() != targ_uid || stopping)
        return 0;
    pid_tgid = bpf_get_current_pid_tgid();
    if (!traced_tgid(pid_tgid >> 32))
        return 0;
    idp = bpf_map_lookup_elem(&sys_ids, &nr);
    if (!idp || *idp == 0)
        return 0;
    id = *idp;
    cfg = bpf_map_lookup_elem(&fn_cfg, &id);
    if (!cfg)
        return 0;
    t = thread_get(pid_tgid);
    if (!t)
        return 0;
    f = &t->sys;
    if (f->id)
        count(DC_STAT_UNMATCHED); /* the previous one never returned (exit, exec) */
    f->id = id;
    f->nr = nr;
    regs = (const struct pt_regs *)ctx->args[0];
    /* Only the registers this syscall's arguments need: each read is a helper call. */
    if (cfg->nregs > 0)
        f->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
    if (cfg->nregs > 1)
        f->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
    if (cfg->nregs > 2)
        f->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
    if (cfg->nregs > 3)
        f->args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
    if (cfg->nregs > 4)
        f->args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
#if defined(__TARGET_ARCH_x86)
    if (cfg->nregs > 5)
        f->args[5] = BPF_CORE_READ(regs, r9);
#endif
    if (cfg->nstr)
        read_strings(f, cfg);
    f->ts = bpf_ktime_get_ns();
    return 0;
}

SEC("raw_tracepoint/sys_exit")
int dc_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
    const struct pt_regs *regs;
    const struct dc_fn_cfg *cfg;
    __u64 now, pid_tgid;
    struct dc_thread *t;
    __u32 tid, nr, id;

    __s64 ret = (__s64)ctx->args[1]; /* read once: the verifier refuses a moved ctx */

    if ((__u32)bpf_get_current_uid_gid() != targ_uid)
        return 0; /* as at entry (a call that changed the uid is counted there, unfinished) */
    now = bpf_ktime_get_ns();
    pid_tgid = bpf_get_current_pid_tgid();
    tid = (__u32)pid_tgid;
    t = bpf_map_lookup_elem(&threads, &tid);
    if (!t || !t->sys.id)
        return 0;
    regs = (const struct pt_regs *)ctx->args[0];
    nr = (__u32)BPF_CORE_READ(regs, orig_ax);
    if (nr != t->sys.nr)
        return 0; /* an untraced syscall; ours is still running (cannot happen) */
    id = t->sys.id;
    cfg = bpf_map_lookup_elem(&fn_cfg, &id);
    if (cfg && cfg->nstr)
        read_strings_exit(&t->sys, cfg, ret);
    emit(&t->sys, now, pid_tgid, ret, cfg && cfg->nstr);
    t->sys.id = 0;
    return 0;
}

/* ---- process selection ---- */

/* A process of the target user joins with the credentials it has now. */
static __always_inline int snapshot(struct task_struct *task, struct dc_proc *p)
{
    const struct cred *c = BPF_CORE_READ(task, cred);
    kernel_cap_t eff, prm;

    p->added = bpf_ktime_get_ns();
    p->cred = (__u64)c;
    p->gid = BPF_CORE_READ(c, gid.val);
    p->pad = 0;
    eff = BPF_CORE_READ(c, cap_effective);
    prm = BPF_CORE_READ(c, cap_permitted);
    __builtin_memcpy(&p->cap_eff, &eff, sizeof(p->cap_eff));
    __builtin_memcpy(&p->cap_prm, &prm, sizeof(p->cap_prm));
    return creds_match(c, p);
}

/* Does the run id the process named (NUL-terminated in buf) name this run? */
static __always_inline int names_this_run(const char *buf)
{
    for (int i = 0; i < DC_RUN_ID_LEN; i++) {
        if (buf[i] != run_id[i])
            return 0;
        if (buf[i] == '\0')
            return 1;
    }
    return 0;
}

/* Linux 6.15 renamed kernfs_node's parent; the older name, for CO-RE. */
struct kernfs_node___pre615 {
    struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
    if (bpf_core_field_exists(kn->__parent))
        return BPF_CORE_READ(kn, __parent);
    return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
}

#define DC_CGROUP_DEPTH 16 /* SLURM's deepest: .../job_N/step_N/user/task_N */

/* The id N of the nearest "job_N" (N all digits) on the path of cgroup node kn, into buf. */
static __always_inline int job_on_path(struct kernfs_node *kn, char *buf)
{
    char name[DC_RUN_ID_LEN];

    for (int i = 0; i < DC_CGROUP_DEPTH && kn; i++, kn = kn_parent(kn)) {
        int j;

        if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 6 ||
            name[0] != 'j' || name[1] != 'o' || name[2] != 'b' || name[3] != '_')
            continue;
        for (j = 4; j < DC_RUN_ID_LEN && name[j] >= '0' && name[j] <= '9'; j++)
            buf[j - 4] = name[j];
        if (j < DC_RUN_ID_LEN && name[j] == '\0') {
            buf[j - 4] = '\0';
            return 1;
        }
    }
    return 0;
}

/*
 * The scheduler's job the task runs in, from its cgroup: SLURM's cgroup plugins put every
 * process of job N under a "job_N" cgroup (cgroup v2, or the v1 freezer hierarchy), which only
 * root can leave or enter. So unlike a job id in the environment, it cannot be forged: a
 * process in job N's cgroup names run N, whatever its environment says.
 */
static __always_inline int job_of_task(struct task_struct *task, char *buf)
{
    struct css_set *cs = BPF_CORE_READ(task, cgroups);
    struct cgroup_subsys_state *css = NULL;

    if (job_on_path(BPF_CORE_READ(cs, dfl_cgrp, kn), buf))
        return 1;
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, freezer_cgrp_id)) {
        int id = bpf_core_enum_value(enum cgroup_subsys_id, freezer_cgrp_id);

        if (id >= 0 && id < 16 && !bpf_core_read(&css, sizeof(css), &cs->subsys[id]) && css)
            return job_on_path(BPF_CORE_READ(css, cgroup, kn), buf);
    }
    return 0;
}

/*
 * datacrumbs_announce(run_id): the client library's "trace me", at load, after fork and on an
 * explicit datacrumbs_start(). An entry probe: the library calls it only when tracing is not
 * disabled. Where probes are linked per process, the announcing thread is held (the library
 * waits for DC_ACK_SIGNAL, bounded) until they are in place, so its first calls are traced.
 */
SEC("uprobe")
int BPF_KPROBE(dc_client_announce, const char *named)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u32 tgid = pid_tgid >> 32;
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    char buf[DC_RUN_ID_LEN];
    struct dc_proc p, *have;

    if ((__u32)bpf_get_current_uid_gid() != targ_uid) {
        count(DC_STAT_PROC_OTHER);
        return 0;
    }
    buf[0] = '\0';
    if (!job_of_task(task, buf) && named && bpf_probe_read_user_str(buf, sizeof(buf), named) < 0)
        buf[0] = '\0';
    if (buf[0] ? !names_this_run(buf) : !sole_run) {
        count(DC_STAT_PROC_RUN);
        return 0;
    }
    have = bpf_map_lookup_elem(&procs, &tgid);
    if (!have) {
        if (!snapshot(task, &p)) {
            count(DC_STAT_PROC_CRED); /* not all its ids are the user's (setuid, setgid) */
            return 0;
        }
        if (bpf_map_update_elem(&procs, &tgid, &p, BPF_ANY)) {
            count(DC_STAT_PROC_FULL);
            return 0;
        }
        count(DC_STAT_PROC_ADDED);
    } else if (!traced_tgid(tgid)) {
        return 0;
    }
    if (!per_process || bpf_map_lookup_elem(&linked, &tgid))
        return 0;
    /* Hold the thread only when the daemon will hear of it and can see it (its pid namespace),
     * or it would wait in vain. */
    if (!ns_nr(BPF_CORE_READ(task, thread_pid)))
        return 0;
    if (control(DC_CTL_ANNOUNCE, tgid, task, DC_CTL_F_HELD) == 0)
        bpf_send_signal_thread(DC_HOLD_SIGNAL);
    return 0;
}

/*
 * An entry probe: stopping is always honoured, whatever datacrumbs_stop() would return (a
 * process that never started has nothing to remove), and calls made by the function itself or
 * the destructors after it are not traced.
 */
SEC("uprobe")
int BPF_KPROBE(dc_client_stop)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;

    if (bpf_map_delete_elem(&procs, &tgid) == 0)
        count(DC_STAT_PROC_REMOVED);
    return 0;
}

SEC("raw_tracepoint/sched_process_fork")
int dc_fork(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *parent = (struct task_struct *)ctx->args[0];
    struct task_struct *child = (struct task_struct *)ctx->args[1];
    __u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid;
    struct dc_proc *pp, cp;

    pp = bpf_map_lookup_elem(&procs, &ptgid);
    if (!pp || !traced_tgid(ptgid))
        return 0;
    ctgid = BPF_CORE_READ(child, tgid);
    if (ctgid == ptgid)
        return 0; /* a new thread: already covered by its TGID */
    cp = *pp;
    cp.added = bpf_ktime_get_ns();
    if (bpf_map_update_elem(&procs, &ctgid, &cp, BPF_ANY)) {
        count(DC_STAT_PROC_FULL);
        return 0;
    }
    count(DC_STAT_PROC_ADDED);
    if (per_process)
        control(DC_CTL_FORK, ctgid, child, 0);
    return 0;
}

/*
 * An exec that gives the process anything it did not have (AT_SECURE: set-user-ID or
 * set-group-ID, file capabilities, an LSM transition) ends its tracing, whatever the ids end
 * up being; other credential changes are caught by traced_tgid().
 */
SEC("raw_tracepoint/sched_process_exec")
int dc_exec(struct bpf_raw_tracepoint_args *ctx)
{
    struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;

    if (!traced_tgid(tgid))
        return 0;
    if (BPF_CORE_READ_BITFIELD_PROBED(bprm, secureexec))
        untrace(tgid, DC_STAT_PROC_CRED);
    return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int dc_exit_task(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *task = (struct task_struct *)ctx->args[0];
    __u32 tid = BPF_CORE_READ(task, pid), tgid;
    struct dc_thread *t = bpf_map_lookup_elem(&threads, &tid);

    if (t) {
        /* Calls that never return (exit_group, pthread_exit). */
        add(DC_STAT_UNMATCHED,
            (t->sys.id ? 1 : 0) + (t->depth > DC_MAX_DEPTH ? DC_MAX_DEPTH : t->depth));
        bpf_map_delete_elem(&threads, &tid);
    }
    /* The last thread of the group: the process is gone, its TGID may be reused. */
    if (BPF_CORE_READ(task, signal, live.counter) != 0)
        return 0;
    tgid = BPF_CORE_READ(task, tgid);
    if (bpf_map_delete_elem(&procs, &tgid) == 0)
        count(DC_STAT_PROC_REMOVED);
    if (bpf_map_lookup_elem(&linked, &tgid))
        control(DC_CTL_GONE, tgid, task, 0);
    return 0;
}
