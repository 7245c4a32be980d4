/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs - the reference DataCrumbs runtime: trace the I/O functions a signed probe file
 * lists, in the processes of one user that opted in through libdatacrumbs_client.so.0.
 *
 * Exit status: 0 after SIGINT/SIGTERM (or a successful --check); 1 failure while running
 * (trace or run directory, writing); 2 usage; 3 configuration or secret; 4 probe file refused;
 * 5 the kernel refused the BPF programs or the process-selection probes.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "atomic.h"
#include "attach.h"
#include "clientlib.h"
#include "loadconf.h"
#include "elfsym.h"
#include "load.h"
#include "log.h"
#include "options.h"
#include "plan.h"
#include "procs.h"
#include "runfiles.h"
#include "runid.h"
#include "trace.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_REFUSED = 4, EXIT_BPF = 5 };

/* Failures printed one by one at start; the rest are in the summary. */
#define SHOW_FAILURES 20

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig; /* a second signal changes nothing */
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: datacrumbs [OPTIONS] PROBE_FILE [RUN_ID [USER]]\n"
                 "       datacrumbs --check [--config FILE] PROBE_FILE [RUN_ID [USER]]\n"
                 "       datacrumbs --help | --version\n"
                 "\n"
                 "Trace the functions and syscalls that the signed PROBE_FILE lists, in the\n"
                 "processes of USER that load libdatacrumbs_client.so.0 (datacrumbs_wrap,\n"
                 "datacrumbs_track) and their children, until SIGINT or SIGTERM. Must run as\n"
                 "root. USER defaults to the user the file was issued for; RUN_ID to the time.\n"
                 "The trace is <trace_dir>/trace-USER-RUN_ID-HOST.pfw.gz; readiness is\n"
                 "<run_dir>/datacrumbs-RUN_ID.ready (and sd_notify), the summary\n"
                 "<run_dir>/datacrumbs-RUN_ID.json.\n"
                 "\n"
                 "Options:\n"
                 "  --config FILE       read FILE instead of the system configuration\n"
                 "  --check             verify the file and show what would be attached; attach\n"
                 "                      nothing\n"
                 "  --min-duration DUR  count calls shorter than DUR (e.g. 500ns, 2us) as drops\n"
                 "                      instead of recording them (default: runtime_min_duration\n"
                 "                      of datacrumbs.conf(5), 0: record all)\n"
                 "  --ring-buffer MIB   kernel ring buffer size, a power of two (default:\n"
                 "                      runtime_ring_buffer, 64)\n"
                 "  --gzip-level N      compression level 1-9 of the trace (default:\n"
                 "                      runtime_gzip_level, 1)\n"
                 "  --max-trace-bytes SIZE  stop writing events once the compressed trace\n"
                 "                      would pass SIZE (e.g. 512M; 0: no cap; default:\n"
                 "                      runtime_max_trace_bytes, 1G); later ones are counted\n"
                 "  --no-uprobe-multi   attach uprobes one at a time even where the kernel has\n"
                 "                      uprobe_multi links\n"
                 "  -v, --verbose       show debug messages (and libbpf's)\n"
                 "  -q, --quiet         show errors only\n"
                 "  --help, --version\n"
                 "\n"
                 "Exit status: 0 stopped by a signal (or --check passed), 1 runtime failure,\n"
                 "2 usage, 3 configuration or secret, 4 probe file refused, 5 BPF failure.\n"
                 "\n"
                 "EXAMPLES\n"
                 "  sudo datacrumbs /tmp/probes.json.gz myrun           # until Ctrl-C\n"
                 "  sudo datacrumbs --check /tmp/probes.json.gz myrun alice\n"
                 "  systemctl start datacrumbs@myrun.service            # the usual way\n");
}

struct run {
    struct rt_opts opts;
    struct dc_sysconf sys;
    struct dc_probefile pf;
    struct rt_target who;
    struct rt_plan plan;
    struct rt_bpf bpf;
    struct rt_trace trace;
    struct rt_procs procs;
    struct rt_client client;         /* the library whose announcements are probed */
    struct rt_writer_report written; /* the trace budget's outcome (writer.h) */
    int have_plan, have_bpf, have_procs, tracing;
    double peers_checked_ms;
    char run_id[DC_RUNID_MAX + 1];
    char probe_path[PATH_MAX];
    struct rt_runfiles files;
    struct rt_summary sum;
};

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: the ring buffer wait must return */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Each single uprobe holds a perf event descriptor: make room for two per function. */
static void raise_nofile(size_t nfuncs)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)nfuncs * 2 + 1024;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
        return;
    if (rl.rlim_max < want)
        rl.rlim_max = want; /* root may raise the hard limit up to fs.nr_open */
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        dc_warn("cannot raise the open file limit to %llu: %s", (unsigned long long)want,
                strerror(errno));
}

/* The probe file's absolute name, for messages and the summary. Returns 0 or -1 (too long). */
static int absolute(const char *path, char *out, size_t outlen)
{
    char cwd[PATH_MAX];
    int n;

    if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
        n = snprintf(out, outlen, "%s", path);
    else
        n = snprintf(out, outlen, "%s/%s", cwd, path);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int print_check(struct run *r)
{
    struct rt_elf_query q[2] = {{.name = "datacrumbs_announce"}, {.name = "datacrumbs_stop"}};
    char why[512];
    size_t n = rt_plan_count_traceable(&r->plan);

    printf("probe file: %s (verified; for %s, uid %u)\n", r->probe_path, r->who.user,
           (unsigned)r->who.uid);
    if (rt_elf_resolve(r->sys.client_lib, q, 2, why, sizeof(why)) < 0 || !q[0].found ||
        !q[1].found) {
        dc_err("client library %s: %s", r->sys.client_lib,
               q[0].found ? "no datacrumbs_announce/datacrumbs_stop" : why);
        return EXIT_CONFIG;
    }
    printf("processes: uprobe %s+0x%llx (datacrumbs_announce), uprobe +0x%llx "
           "(datacrumbs_stop)\n",
           r->sys.client_lib, (unsigned long long)q[0].offset, (unsigned long long)q[1].offset);
    rt_plan_print(&r->plan, stdout);
    if (n == 0) {
        dc_err("nothing in %s can be traced here", r->probe_path);
        return EXIT_REFUSED;
    }
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* How many processes can hold their own probes at once: each takes two descriptors per binary
 * (uprobe_multi) or per function (single probes), from what the open file limit leaves. */
static size_t procs_max(const struct run *r)
{
    size_t per = r->bpf.multi ? 2 * r->plan.nbins : 2 * r->bpf.user_funcs, max = DC_MAX_PROCS;
    struct rlimit rl;

    if (per && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur > 1024 && (rl.rlim_cur - 1024) / per < max)
        max = (size_t)(rl.rlim_cur - 1024) / per;
    return max ? max : 1;
}

static void on_control(void *ctx, const struct dc_ctl *c)
{
    rt_procs_control(ctx, c);
}

/* Whether a process that names no run is this run's: only while no other run of the user is
 * active here. Checked at start and every quarter second. */
static void check_peers(struct run *r)
{
    double now = now_ms();

    if (r->peers_checked_ms && now - r->peers_checked_ms < 250)
        return;
    r->peers_checked_ms = now;
    rt_client_follow(&r->client, &r->bpf);
    rt_bpf_set_sole_run(&r->bpf, rt_procs_sole_run(r->sys.run_dir, r->run_id, r->who.uid));
}

static int start_tracing(struct run *r)
{
    struct rt_bpf_opts bo = {.uid = r->who.uid,
                             .run_id = r->run_id,
                             .min_duration_ns = r->opts.min_duration_ns,
                             .ring_mb = r->opts.ring_mb,
                             .no_multi = r->opts.no_multi,
                             .client_lib = r->sys.client_lib};
    char err[1024];
    double t0;
    int rc;

    raise_nofile(r->plan.nfuncs);
    t0 = now_ms();
    if (rt_bpf_load(&r->bpf, &r->plan, &bo, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        rt_bpf_destroy(&r->bpf);
        return EXIT_BPF;
    }
    r->have_bpf = 1;
    r->client.path = r->sys.client_lib;
    if (rt_bpf_attach_selection(&r->bpf, err, sizeof(err)) < 0 ||
        rt_client_probe(&r->client, &r->bpf, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return EXIT_BPF;
    }
    r->sum.load_ms = now_ms() - t0;
    t0 = now_ms();
    rt_bpf_attach_functions(&r->bpf, &r->plan);
    r->sum.attach_ms = now_ms() - t0;
    dc_debug("BPF load %.1f ms, functions attached in %.1f ms", r->sum.load_ms, r->sum.attach_ms);
    rt_plan_warn_failures(&r->plan, SHOW_FAILURES);
    if (r->bpf.attached == 0) {
        dc_err("none of the %zu functions of %s could be attached", r->plan.nfuncs, r->probe_path);
        return EXIT_BPF;
    }
    if (rt_procs_init(&r->procs, &r->bpf, &r->plan, procs_max(r), err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return EXIT_FAIL;
    }
    r->have_procs = 1;
    check_peers(r);
    if (rt_trace_start(&r->trace, &r->plan, rt_bpf_ring_fd(&r->bpf), r->files.trace_fd,
                       r->opts.gzip_level, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return EXIT_FAIL;
    }
    r->trace.on_control = on_control;
    r->trace.control_ctx = &r->procs;
    r->tracing = 1;
    rt_writer_limit(r->trace.w,
                    &(struct rt_writer_limits){.max_bytes = r->opts.max_trace_bytes,
                                               .min_free = r->opts.min_free_space},
                    &r->written);
    {
        char text[96];
        size_t len = rt_procs_ready_text(text, sizeof(text), r->who.uid, getpid());

        rc = dc_atomic_write_file(r->files.ready, text, len, 0644);
    }
    if (rc < 0) {
        dc_err("cannot write %s: %s", r->files.ready, strerror(errno));
        return EXIT_FAIL;
    }
    sd_notifyf(0, "READY=1\nSTATUS=tracing %s (uid %u): %zu functions", r->who.user,
               (unsigned)r->who.uid, r->bpf.attached);
    dc_info("tracing user %s for run %s: %zu of %zu functions attached in %.1f ms%s; trace %s",
            r->who.user, r->run_id, r->bpf.attached, r->plan.nfuncs, r->sum.attach_ms,
            r->bpf.multi ? " (uprobe_multi)" : "", r->files.trace);
    return 0;
}

/* The main loop: read the ring buffer until a signal (0) or a writing failure (EXIT_FAIL). */
static int trace_loop(struct run *r)
{
    while (!stop_signal) {
        if (rt_trace_poll(&r->trace, 250) < 0) {
            r->sum.error = "writing the trace failed";
            return EXIT_FAIL;
        }
        check_peers(r);
    }
    dc_info("signal %d: stopping", (int)stop_signal);
    return 0;
}

/* Probes off, ring buffer drained, trace closed, summary written. Returns the new status. */
static int finish(struct run *r, int status)
{
    char err[512];

    if (r->tracing || r->have_bpf)
        sd_notify(0, "STOPPING=1");
    if (r->have_bpf) {
        /* Stop recording first and drain: unregistering thousands of probes takes a while,
         * and nothing would read the ring buffer meanwhile. */
        rt_bpf_quiesce(&r->bpf);
        if (r->tracing)
            rt_trace_poll(&r->trace, 0);
        if (r->have_procs) {
            /* Records still in the ring buffer no longer link anything. */
            r->trace.on_control = NULL;
            r->sum.linked = r->procs.linked;
            r->sum.unlinked = r->procs.refused;
            rt_procs_finish(&r->procs);
            r->have_procs = 0;
        }
        rt_bpf_detach(&r->bpf);
        /* No probe can fire now: what is still in flight is written from its frame. */
        if (r->tracing) {
            struct timespec now;

            clock_gettime(CLOCK_MONOTONIC, &now);
            r->sum.in_flight =
                rt_trace_in_flight(&r->trace, rt_bpf_threads_fd(&r->bpf),
                                   (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec);
        }
    }
    if (r->tracing) {
        if (rt_trace_finish(&r->trace, &r->sum.trace_bytes, err, sizeof(err)) < 0) {
            dc_err("%s", err);
            r->sum.error = "writing the trace failed";
            status = EXIT_FAIL;
        }
        r->sum.lines = r->trace.lines - r->written.dropped;
        r->sum.malformed = r->trace.malformed;
        r->sum.not_written = r->written.dropped;
        r->sum.truncated = rt_writer_stop_reason(r->written.stopped);
    }
    if (r->have_bpf) {
        rt_bpf_stats(&r->bpf, r->sum.stats);
        rt_bpf_destroy(&r->bpf);
    }
    if (r->files.ready[0])
        unlink(r->files.ready);
    if (!r->tracing && rt_runfiles_discard_trace(&r->files))
        r->sum.trace_file = NULL; /* nothing was ever traced into it */
    if (r->files.summary[0]) {
        r->sum.stopped = time(NULL);
        if (status && !r->sum.error)
            r->sum.error = "the run failed to start";
        if (rt_summary_write(r->files.summary, &r->sum, r->have_plan ? &r->plan : NULL) < 0) {
            dc_err("cannot write %s: %s", r->files.summary, strerror(errno));
            status = status ? status : EXIT_FAIL;
        }
    }
    if (r->tracing)
        dc_info("%llu events written to %s, %llu dropped", (unsigned long long)r->sum.lines,
                r->files.trace, (unsigned long long)rt_summary_drops(&r->sum));
    return status;
}

/*
 * The binaries the probe file names are opened as the user it was issued for: root's rights
 * must not reach files (or devices) the user could not read. Not root: already a user.
 */
static int resolve_as_user(struct run *r)
{
    struct dc_fsident as = {.uid = r->who.uid, .gid = r->who.gid};
    gid_t *groups = NULL;
    long n;

    if (geteuid() != 0) {
        rt_plan_resolve(&r->plan, NULL);
        return 0;
    }
    n = dc_user_groups(r->who.user, r->who.gid, &groups);
    if (n < 0) {
        dc_err("cannot read the groups of user %s", r->who.user);
        return -1;
    }
    as.ngroups = (size_t)n;
    as.groups = groups;
    rt_plan_resolve(&r->plan, &as);
    free(groups);
    return 0;
}

static int run(struct run *r)
{
    char err[1024];
    int rc;

    if (dc_load_sysconf(&r->sys, r->opts.config_path) < 0)
        return EXIT_CONFIG;
    rt_opts_apply_conf(&r->opts, &r->sys);
    if (absolute(r->opts.probe_file, r->probe_path, sizeof(r->probe_path)) < 0) {
        dc_err("probe file name too long");
        return EXIT_USAGE;
    }
    switch (rt_load_probe_file(&r->sys, r->probe_path, r->opts.user, &r->pf, &r->who, err,
                               sizeof(err))) {
    case RT_LOAD_OK: break;
    case RT_LOAD_REFUSED: dc_err("%s", err); return EXIT_REFUSED;
    default: dc_err("%s", err); return EXIT_CONFIG;
    }
    if (rt_count_functions(&r->pf) > (size_t)r->sys.max_runtime_functions) {
        dc_err("probe file %s refused: %zu functions, more than max_runtime_functions (%ld)",
               r->probe_path, rt_count_functions(&r->pf), r->sys.max_runtime_functions);
        return EXIT_REFUSED;
    }
    if (rt_plan_build(&r->plan, r->pf.categories, err, sizeof(err)) < 0) {
        dc_err("probe file %s refused: %s", r->probe_path, err);
        return EXIT_REFUSED;
    }
    r->have_plan = 1;
    if (resolve_as_user(r) < 0)
        return EXIT_CONFIG;
    if (r->opts.check)
        return print_check(r);
    if (rt_plan_count_traceable(&r->plan) == 0) {
        rt_plan_warn_failures(&r->plan, SHOW_FAILURES);
        dc_err("probe file %s refused: nothing in it can be traced here", r->probe_path);
        return EXIT_REFUSED;
    }

    if (r->opts.run_id)
        snprintf(r->run_id, sizeof(r->run_id), "%s", r->opts.run_id);
    else {
        time_t now = time(NULL);
        struct tm tm;

        strftime(r->run_id, sizeof(r->run_id), "%Y%m%d%H%M%S", localtime_r(&now, &tm));
    }
    r->sum = (struct rt_summary){.run_id = r->run_id,
                                 .user = r->who.user,
                                 .uid = r->who.uid,
                                 .gid = r->who.gid,
                                 .host = r->files.host,
                                 .probe_file = r->probe_path,
                                 .pid = getpid(),
                                 .started = time(NULL)};
    switch (
        rt_runfiles_prepare(&r->files, &r->sys, r->who.user, r->who.uid, r->who.gid, r->run_id)) {
    case RT_RUNFILES_OK:
        r->sum.trace_file = r->files.trace;
        rc = 0;
        break;
    case RT_RUNFILES_CONFIG: rc = EXIT_CONFIG; break;
    default: rc = EXIT_FAIL;
    }
    if (rc == 0)
        rc = start_tracing(r);
    if (rc == 0 && !stop_signal)
        rc = trace_loop(r);
    return finish(r, rc);
}

int main(int argc, char **argv)
{
    struct run r;
    char err[512];
    int rc;

    memset(&r, 0, sizeof(r));
    rt_runfiles_init(&r.files);
    dc_log_init(argv[0], DC_LOG_NORMAL);
    switch (rt_parse_cmdline(&r.opts, argc, argv, err, sizeof(err))) {
    case RT_CMD_HELP: usage(stdout); return 0;
    case RT_CMD_VERSION: dc_print_version(); return 0;
    case RT_CMD_ERROR:
        dc_err("%s", err);
        usage(stderr);
        return EXIT_USAGE;
    case RT_CMD_RUN: break;
    }
    dc_log_set_level(r.opts.verbose ? DC_LOG_VERBOSE : r.opts.quiet ? DC_LOG_QUIET : DC_LOG_NORMAL);
    if (geteuid() != 0) {
        dc_err("must be run as root (it loads BPF programs and reads the probe signing secret)");
        return EXIT_FAIL;
    }
    umask(022);
    install_signals();
    rc = run(&r);
    rt_runfiles_close(&r.files);
    if (r.have_plan)
        rt_plan_free(&r.plan);
    dc_pf_free(&r.pf);
    return rc;
}
