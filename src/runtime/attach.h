/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * attach.h - the BPF object: load it for a plan, attach the process-selection probes and every
 * traceable function, read the counters, detach.
 */
#ifndef DC_RT_ATTACH_H
#define DC_RT_ATTACH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event.h"
#include "plan.h"

struct datacrumbs_bpf;
struct bpf_link;

struct rt_bpf_opts {
    uid_t uid;                /* only this user's processes are traced */
    const char *run_id;       /* and only those that name this run (or none, see sole_run) */
    uint64_t min_duration_ns; /* shorter calls are counted, not recorded */
    unsigned ring_mb;         /* ring buffer size, MiB (power of two) */
    int no_multi;             /* attach uprobes one by one even where uprobe_multi works */
    const char *client_lib;   /* where the uprobe_multi support test probes */
};

/* Probes held together: the run's own, or one process's. */
struct rt_linkset {
    struct bpf_link **links; /* libbpf links (tracepoints, single probes) */
    size_t nlinks, caplinks;
    int *mfds; /* uprobe_multi link descriptors */
    size_t nmfds, capmfds;
};

struct rt_bpf {
    struct datacrumbs_bpf *skel;
    struct rt_linkset own;   /* selection, syscalls, kernel functions */
    int multi;               /* uprobe_multi available and wanted */
    size_t attached, failed; /* functions */
    size_t user_funcs;       /* of those attached, in user space: linked per process */
};

/* Open and load the object with the plan's function settings. Returns 0 or -1 with err. */
int rt_bpf_load(struct rt_bpf *b, const struct rt_plan *p, const struct rt_bpf_opts *o, char *err,
                size_t errlen);

/* The fork, exec and exit tracepoints that follow traced processes. Without them nothing can
 * be traced, so a failure is returned (-1 with err). */
int rt_bpf_attach_selection(struct rt_bpf *b, char *err, size_t errlen);

/* Entry probes on datacrumbs_announce and datacrumbs_stop in the client library open at fd
 * (label names it in errors): how processes join and leave. They stay until rt_bpf_detach;
 * the descriptor may be closed afterwards. Returns 0 or -1 with err. */
int rt_bpf_probe_client(struct rt_bpf *b, int fd, const char *label, char *err, size_t errlen);

/*
 * Link the user-space functions that rt_bpf_attach_functions() found attachable into process
 * pid only, into set. Returns the number of probes placed (0: none, errno set).
 */
size_t rt_bpf_link_process(struct rt_bpf *b, const struct rt_plan *p, pid_t pid,
                           struct rt_linkset *set);

/* Remove a set's probes (each close waits for the kernel's grace period). */
void rt_linkset_close(struct rt_linkset *set);

/* Tell the BPF side whether pid's probes are linked (so an announcement is not held). */
void rt_bpf_mark_linked(struct rt_bpf *b, pid_t pid, int on);

/* No other run of the user is active on this node (see datacrumbs.bpf.c). */
void rt_bpf_set_sole_run(struct rt_bpf *b, int sole);

/* Attach every traceable function of the plan. Failures are recorded per function
 * (rt_plan_fail) and counted in b->failed; the others are attached whatever happens. Functions
 * in user space are tried in the daemon's own process, then removed: they are linked into the
 * traced processes only (rt_bpf_link_process), never into a whole file. */
void rt_bpf_attach_functions(struct rt_bpf *b, struct rt_plan *p);

/* The ring buffer map's descriptor (for ring_buffer__new). */
int rt_bpf_ring_fd(const struct rt_bpf *b);

/* The per-thread frames map's descriptor (calls in flight, rt_trace_in_flight). */
int rt_bpf_threads_fd(const struct rt_bpf *b);

/* Sum the per-CPU counters. */
void rt_bpf_stats(const struct rt_bpf *b, uint64_t out[DC_STAT_N]);

/* Close the tracing window: from now on no event is recorded, so the ring buffer can be
 * drained while the (slow) detaching goes on. */
void rt_bpf_quiesce(struct rt_bpf *b);

/* Remove every probe (the maps stay readable until rt_bpf_destroy). */
void rt_bpf_detach(struct rt_bpf *b);

void rt_bpf_destroy(struct rt_bpf *b);

#endif
