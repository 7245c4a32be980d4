/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * event.h - what the BPF side (datacrumbs.bpf.c) and the daemon share: per-function settings,
 * the ring buffer records and the counters. Included by both, so only fixed-size types.
 */
#ifndef DC_RT_EVENT_H
#define DC_RT_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define DC_MAX_ARGS    6                /* parameter registers captured per call */
#define DC_MAX_STR     2                /* string arguments per function */
#define DC_STR_LEN     256              /* bytes read per string, NUL included (a power of 2) */
#define DC_STR_MAX     (DC_STR_LEN - 1) /* the most bytes of a string an event shows */
#define DC_MAX_DEPTH   16               /* nested traced calls per thread (power of 2) */
#define DC_MAX_PROCS   16384
#define DC_MAX_THREADS 65536
#define DC_MAX_SYSCALL 1024 /* syscall numbers the filter map covers */

/* Where a function lives; decides how registers and strings are read. */
enum dc_fn_kind {
    DC_KIND_USER = 1,    /* uprobe: user registers, user memory */
    DC_KIND_KERNEL = 2,  /* kprobe: kernel registers, kernel memory */
    DC_KIND_SYSCALL = 3, /* sys_enter/sys_exit: the syscall's registers, user memory */
};

/* One per function id (the BPF cookie of its probes): what to capture at entry. */
struct dc_fn_cfg {
    __u8 kind;     /* enum dc_fn_kind */
    __u8 nregs;    /* parameter registers to read (highest index used + 1) */
    __u8 nstr;     /* string arguments (<= DC_MAX_STR) */
    __u8 str_when; /* per string s: bit s, an output buffer read when the call returns (else
                    * read at entry, and again at return if it could not be read then); bit
                    * s + 4, at most as many bytes as the call returned (read-like calls) */
    __u8 str_reg[DC_MAX_STR];  /* parameter index of each string */
    __u16 str_len[DC_MAX_STR]; /* bytes shown for each (num_bytes), + 1: 2..DC_STR_LEN */
    __u8 flags;                /* DC_FN_* */
    __u8 pad[3];
};
#define DC_FN_ENTRY_ONLY 0x1 /* no return probe: an event per call at entry (dur 0, no ret) */

/* A call in progress: kept per thread from entry to exit. */
struct dc_frame {
    __u64 ts;                /* entry time, bpf_ktime_get_ns() */
    __u32 id;                /* function id; 0 = empty slot */
    __u32 nr;                /* syscall number (syscall frames) */
    __u64 args[DC_MAX_ARGS]; /* raw parameter registers */
    __s32 slen[DC_MAX_STR];  /* bytes read per string, its NUL included; < 0: unreadable */
    __u32 cut;               /* bit s: string s is longer than what was read */
    __u32 pad;
    char str[DC_MAX_STR][DC_STR_LEN];
};

/* Per-thread state (hash by TID): a call stack for functions, one slot for the syscall. */
struct dc_thread {
    __u32 depth; /* may exceed DC_MAX_DEPTH: those frames are counted, not kept */
    __u32 tgid;  /* its process */
    struct dc_frame sys;
    struct dc_frame frames[DC_MAX_DEPTH];
};

/* Ring buffer record of one completed call. */
#define DC_EV_STRINGS 0x1 /* the record is a struct dc_event_str */
#define DC_EV_CONTROL 0x2 /* the record is a struct dc_ctl: for the daemon, not the trace */
/* A call still in flight when tracing stopped, written by the daemon from its frame: dur is up
 * to the stop, and there is no return value. */
#define DC_EV_UNFINISHED 0x4
struct dc_event {
    __u64 ts;  /* entry, ns on CLOCK_MONOTONIC */
    __u64 dur; /* ns */
    __u32 pid; /* process (TGID) */
    __u32 tid; /* thread */
    __u32 id;  /* function id */
    __u32 flags;
    __s64 ret; /* return register */
    __u64 args[DC_MAX_ARGS];
};

struct dc_event_str {
    struct dc_event ev;
    __s32 slen[DC_MAX_STR]; /* as in dc_frame */
    __u32 cut;
    __u32 pad;
    char str[DC_MAX_STR][DC_STR_LEN];
};

/*
 * Process selection, for the daemon (never written to the trace). Probes in user space are
 * placed per process: the daemon links them for each traced process on ANNOUNCE or FORK and
 * removes them on GONE. An ANNOUNCE whose thread was held (DC_CTL_F_HELD: the client library
 * got DC_HOLD_SIGNAL) waits for DC_ACK_SIGNAL from the daemon once the probes are in place.
 */
enum dc_ctl_kind {
    DC_CTL_ANNOUNCE = 1, /* datacrumbs_announce() accepted in pid/tid */
    DC_CTL_FORK = 2,     /* pid is the new child of a traced process */
    DC_CTL_GONE = 3,     /* pid exited or stopped being traceable: unlink its probes */
};
#define DC_CTL_F_HELD 0x1

struct dc_ctl {
    __u64 ts;
    __u64 dur;   /* 0 */
    __u32 pid;   /* process (TGID) */
    __u32 tid;   /* thread that announced */
    __u32 kind;  /* enum dc_ctl_kind (in the place of dc_event.id) */
    __u32 flags; /* DC_EV_CONTROL */
    __u32 ctl_flags;
    __u32 ns_pid; /* pid and tid as the daemon's pid namespace sees them (0: not visible) */
    __u32 ns_tid;
    __u32 pad;
};

/* The handshake signals (see src/client/client.c): both are ignored by default, so a late one
 * never hurts a program that stopped waiting. */
#define DC_HOLD_SIGNAL 23 /* SIGURG, from the BPF program to the announcing thread */
#define DC_ACK_SIGNAL  18 /* SIGCONT, from the daemon once the process's probes are linked */

/* What the BPF side remembers of a traced process. */
struct dc_proc {
    __u64 added; /* bpf_ktime_get_ns() */
    __u64 cred;  /* the struct cred checked last: credentials are replaced, never changed */
    __u32 gid;   /* the group ids it must keep (the user ids must all be the target's) */
    __u32 pad;
    __u64 cap_eff; /* capability sets it must keep */
    __u64 cap_prm;
};

#define DC_RUN_ID_LEN 72 /* a run id (64 bytes at most) and its NUL, padded */

/* Counters (per-CPU array, summed by the daemon); every event not written is in one of them. */
enum dc_stat {
    DC_STAT_EVENTS = 0,   /* records submitted to the ring buffer */
    DC_STAT_RING_FULL,    /* dropped: ring buffer full */
    DC_STAT_SHORT,        /* dropped: shorter than the configured minimum duration */
    DC_STAT_DEPTH,        /* dropped: nested deeper than DC_MAX_DEPTH */
    DC_STAT_UNMATCHED,    /* dropped: an exit without its entry, or an entry never exited */
    DC_STAT_NO_THREAD,    /* dropped: the per-thread table was full */
    DC_STAT_PROC_ADDED,   /* processes that started tracing (datacrumbs_start or fork) */
    DC_STAT_PROC_REMOVED, /* processes that stopped (datacrumbs_stop, exit, setuid exec) */
    DC_STAT_PROC_FULL,    /* processes not traced: the process table was full */
    DC_STAT_PROC_OTHER,   /* datacrumbs_start calls of other users, ignored */
    DC_STAT_PROC_CRED,    /* processes no longer traced: credentials changed (setgid exec...) */
    DC_STAT_PROC_RUN,     /* datacrumbs_start calls naming another run (or none, with two
                           * runs of the user active), ignored */
    DC_STAT_CTL_LOST,     /* selection records lost (ring buffer full): probes not linked */
    DC_STAT_N,
};

#endif
