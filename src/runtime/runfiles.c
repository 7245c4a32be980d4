/* SPDX-License-Identifier: BSD-3-Clause */
/* runfiles.c - ready file name and the summary JSON of a run (see runfiles.h). */
#include "runfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "log.h"
#include "path.h"
#include "probefile.h"
#include "tracefile.h"

int rt_run_path(char *out, size_t outlen, const char *run_dir, const char *run_id,
                const char *suffix)
{
    int n = snprintf(out, outlen, "%s/datacrumbs-%s%s", run_dir, run_id, suffix);

    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

void rt_runfiles_init(struct rt_runfiles *f)
{
    memset(f, 0, sizeof(*f));
    f->trace_dirfd = f->trace_fd = -1;
}

enum rt_runfiles_result rt_runfiles_prepare(struct rt_runfiles *f, const struct dc_sysconf *sys,
                                            const char *user, uid_t uid, gid_t gid,
                                            const char *run_id)
{
    char dir[DC_CONF_PATH_MAX], stem[512], host[256], err[1024], name[600], token[256], sub[320];
    struct dc_path_verdict v;
    int n;

    if (mkdir(sys->run_dir, 0755) < 0 && errno != EEXIST) {
        dc_err("cannot create run directory %s: %s", sys->run_dir, strerror(errno));
        return RT_RUNFILES_FAIL;
    }
    if (dc_path_is_secure(sys->run_dir, 0, &v) != 1) {
        dc_err("run directory: %s", v.message);
        return RT_RUNFILES_FAIL;
    }
    if (rt_run_path(f->ready, sizeof(f->ready), sys->run_dir, run_id, ".ready") < 0 ||
        rt_run_path(f->summary, sizeof(f->summary), sys->run_dir, run_id, ".json") < 0) {
        dc_err("run directory path too long");
        f->ready[0] = f->summary[0] = '\0';
        return RT_RUNFILES_FAIL;
    }
    /* Whatever an earlier run with this id left must not be taken for this run's. */
    unlink(f->ready);
    unlink(f->summary);
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    rt_file_token(host, f->host, sizeof(f->host));
    if (rt_trace_dir_expand(sys->trace_dir, time(NULL), dir, sizeof(dir)) < 0) {
        dc_err("trace_dir %s does not expand to an absolute path", sys->trace_dir);
        return RT_RUNFILES_CONFIG;
    }
    f->trace_dirfd = rt_open_dir_secure(dir, 1, err, sizeof(err));
    if (f->trace_dirfd < 0) {
        dc_err("trace directory: %s", err);
        return RT_RUNFILES_FAIL;
    }
    rt_file_token(user, token, sizeof(token));
    if (rt_dir_shared(f->trace_dirfd)) {
        /* Others may create names here: the trace goes to a directory of the user's own. */
        int udir, taken;
        size_t len = strlen(dir);

        udir = rt_open_user_dir(f->trace_dirfd, token, uid, gid, sub, sizeof(sub), &taken, err,
                                sizeof(err));
        if (udir < 0) {
            dc_err("trace directory %s: %s", dir, err);
            return RT_RUNFILES_FAIL;
        }
        if (taken)
            dc_warn("%s/datacrumbs-%s-%u is not %s's (somebody else took the name): using %s/%s",
                    dir, token, (unsigned)uid, user, dir, sub);
        close(f->trace_dirfd);
        f->trace_dirfd = udir;
        n = snprintf(dir + len, sizeof(dir) - len, "/%s", sub);
        if (n < 0 || (size_t)n >= sizeof(dir) - len) {
            dc_err("trace directory name too long");
            return RT_RUNFILES_FAIL;
        }
    }
    snprintf(stem, sizeof(stem), "trace-%s-%s-%s", user, run_id, f->host);
    f->trace_fd =
        rt_create_trace_file(f->trace_dirfd, stem, uid, gid, name, sizeof(name), err, sizeof(err));
    if (f->trace_fd < 0) {
        dc_err("trace file in %s: %s", dir, err);
        return RT_RUNFILES_FAIL;
    }
    n = snprintf(f->trace, sizeof(f->trace), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(f->trace)) {
        dc_err("trace file name too long");
        unlinkat(f->trace_dirfd, name, 0);
        f->trace[0] = '\0';
        return RT_RUNFILES_FAIL;
    }
    if (strcmp(name + strlen(stem), ".pfw.gz") != 0)
        dc_warn("%s/%s.pfw.gz exists: writing %s", dir, stem, f->trace);
    return RT_RUNFILES_OK;
}

int rt_runfiles_discard_trace(struct rt_runfiles *f)
{
    const char *base = strrchr(f->trace, '/');

    if (f->trace_fd < 0 || !base)
        return 0;
    unlinkat(f->trace_dirfd, base + 1, 0);
    f->trace[0] = '\0';
    return 1;
}

void rt_runfiles_close(struct rt_runfiles *f)
{
    if (f->trace_fd >= 0)
        close(f->trace_fd);
    if (f->trace_dirfd >= 0)
        close(f->trace_dirfd);
    f->trace_fd = f->trace_dirfd = -1;
}

uint64_t rt_summary_drops(const struct rt_summary *s)
{
    return s->stats[DC_STAT_RING_FULL] + s->stats[DC_STAT_SHORT] + s->stats[DC_STAT_DEPTH] +
           s->stats[DC_STAT_NO_THREAD] + s->malformed + s->not_written;
}

static json_t *time_str(time_t t)
{
    char buf[32];

    if (t == 0 || dc_pf_time_format(t, buf) < 0)
        return json_null();
    return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *failures(const struct rt_plan *p, size_t *attached, size_t *failed, size_t *aliases)
{
    json_t *a = json_array();

    *attached = *failed = *aliases = 0;
    for (size_t i = 0; p && a && i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];

        if (f->alias_of) {
            (*aliases)++;
        } else if (f->attached && !f->error) {
            (*attached)++;
        } else {
            (*failed)++;
            json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "category", f->category,
                                               "function", f->name, "error",
                                               f->error ? f->error : "not attached"));
        }
    }
    return a;
}

char *rt_summary_json(const struct rt_summary *s, const struct rt_plan *p)
{
    size_t attached, failed, aliases;
    json_t *fails = failures(p, &attached, &failed, &aliases), *doc;
    uint64_t drops = rt_summary_drops(s);
    char *text;

    if (!fails)
        return NULL;
    /* The last two keys are the names upstream's summary used. */
    doc = json_pack(
        "{s:o, s:o, s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I,"
        " s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:{s:I, s:I, s:I, s:I},"
        " s:{s:I, s:I, s:I, s:I}, s:o, s:{s:f, s:f}, s:I, s:I}",
        "run_id", str_or_null(s->run_id), "user", str_or_null(s->user), "uid", (json_int_t)s->uid,
        "host", str_or_null(s->host), "pid", (json_int_t)s->pid, "probe_file",
        str_or_null(s->probe_file), "trace_file", str_or_null(s->trace_file), "started_at",
        time_str(s->started), "stopped_at", time_str(s->stopped), "error", str_or_null(s->error),
        "truncated", str_or_null(s->truncated), "events", (json_int_t)s->lines, "kernel_events",
        (json_int_t)s->stats[DC_STAT_EVENTS], "trace_bytes", (json_int_t)s->trace_bytes, "drops",
        (json_int_t)drops, "drop_reasons", "ring_buffer_full",
        (json_int_t)s->stats[DC_STAT_RING_FULL], "shorter_than_minimum",
        (json_int_t)s->stats[DC_STAT_SHORT], "nested_too_deep", (json_int_t)s->stats[DC_STAT_DEPTH],
        "thread_table_full", (json_int_t)s->stats[DC_STAT_NO_THREAD], "unreadable_record",
        (json_int_t)s->malformed, "after_truncation", (json_int_t)s->not_written,
        "unfinished_calls", (json_int_t)s->stats[DC_STAT_UNMATCHED], "processes", "traced",
        (json_int_t)s->stats[DC_STAT_PROC_ADDED], "finished",
        (json_int_t)s->stats[DC_STAT_PROC_REMOVED], "other_users_ignored",
        (json_int_t)s->stats[DC_STAT_PROC_OTHER], "table_full",
        (json_int_t)s->stats[DC_STAT_PROC_FULL], "functions", "in_probe_file",
        (json_int_t)(p ? p->nfuncs : 0), "attached", (json_int_t)attached, "aliases",
        (json_int_t)aliases, "failed", (json_int_t)failed, "attach_failures", fails, "timing_ms",
        "load", s->load_ms, "attach", s->attach_ms, "total_events_captured", (json_int_t)s->lines,
        "events_failed", (json_int_t)drops);
    if (!doc)
        return NULL;
    {
        json_t *procs = json_object_get(doc, "processes");

        json_object_set_new(procs, "credentials_changed",
                            json_integer((json_int_t)s->stats[DC_STAT_PROC_CRED]));
        json_object_set_new(procs, "other_runs_ignored",
                            json_integer((json_int_t)s->stats[DC_STAT_PROC_RUN]));
        json_object_set_new(procs, "probes_linked", json_integer((json_int_t)s->linked));
        json_object_set_new(procs, "probes_not_linked",
                            json_integer((json_int_t)(s->unlinked + s->stats[DC_STAT_CTL_LOST])));
    }
    /* Right after unfinished_calls: calls in flight at the stop, written (and in events). */
    {
        json_t *out = json_object();
        const char *k;
        json_t *v;

        json_object_foreach(doc, k, v)
        {
            json_object_set(out, k, v);
            if (!strcmp(k, "unfinished_calls"))
                json_object_set_new(out, "in_flight_at_stop",
                                    json_integer((json_int_t)s->in_flight));
        }
        json_decref(doc);
        doc = out;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

int rt_summary_write(const char *path, const struct rt_summary *s, const struct rt_plan *p)
{
    struct dc_atomic a = DC_ATOMIC_INIT;
    char *text = rt_summary_json(s, p);
    size_t len;
    int rc;

    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    len = strlen(text);
    text[len] = '\n'; /* json_dumps leaves room for its NUL: reuse it for the newline */
    /* Readable by the run's user (and root) alone, from the moment it has its name. */
    if (dc_atomic_open(&a, path, 0400, s->uid, s->gid) < 0) {
        free(text);
        return -1;
    }
    rc = dc_atomic_write(&a, text, len + 1);
    free(text);
    if (rc < 0) {
        dc_atomic_abort(&a);
        return -1;
    }
    return dc_atomic_commit(&a);
}
