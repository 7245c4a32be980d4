/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_probe_configurator - host YAML in, signed probe file out.
 *
 * Load the host file, discover every capture (discover.h), check the function limit, have the
 * signer sign the canonical payload, write the file atomically with mode 0600. Exit codes are in
 * options.h and datacrumbs_probe_configurator(1); only 0 and 1 leave a written, signed file.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "discover.h"
#include "hostconf.h"
#include "limit.h"
#include "log.h"
#include "options.h"
#include "probefile.h"
#include "progress.h"
#include "report.h"
#include "publish.h"
#include "summary.h"

struct run {
    struct dc_cfg_opts opts;
    struct dc_sysconf sys;
    struct dc_hostconf hc;
    struct dc_sources src;
    struct dc_discovery disc;
    struct dc_diag diag;
    struct dc_progress progress;
    struct dc_report report;
    char output[PATH_MAX];
    char error[8192];
    char checksum[DC_PF_HEX_LEN + 1];
    char expires[32];
};

static int failed(struct run *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record and print the reason of a failing exit status; returns the status. */
static int failed(struct run *r, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->error, sizeof(r->error), fmt, ap);
    va_end(ap);
    dc_progress_clear(&r->progress);
    dc_err("%s", r->error);
    r->report.error = r->error;
    return status;
}

static int run(struct run *r)
{
    struct dc_publish pub = {0};
    char err[8192], limit_msg[2048];
    enum dc_discover_status ds;
    struct stat st;
    int tty, rc;

    if (dc_sysconf_load(&r->sys, r->opts.config_path, err, sizeof(err)) < 0)
        return failed(r, DC_CFG_EXIT_USAGE, "%s", err);
    r->report.max_functions = r->sys.max_runtime_functions;
    if (r->opts.output_path) {
        if (dc_output_path(r->opts.output_path, r->output, sizeof(r->output), err, sizeof(err)) < 0)
            return failed(r, DC_CFG_EXIT_OUTPUT, "output: %s", err);
        r->report.output = r->output;
    }
    if (dc_hostconf_load(r->opts.host_path, &r->hc, &r->diag) < 0)
        return failed(r, DC_CFG_EXIT_USAGE, "%s: not loaded (%u error%s)", r->opts.host_path,
                      r->diag.errors, r->diag.errors == 1 ? "" : "s");
    if (r->hc.user)
        dc_info("%s: user '%s' is not used: the signer signs for the caller", r->hc.path,
                r->hc.user);

    tty = isatty(STDERR_FILENO);
    dc_progress_init(&r->progress, stderr,
                     r->opts.progress > 0 || (r->opts.progress < 0 && tty && !r->opts.quiet));
    r->diag.before_print = dc_progress_clear;
    r->diag.before_ctx = &r->progress;
    if (r->opts.kallsyms)
        r->src.kallsyms_path = r->opts.kallsyms;
    if (r->opts.kernel_btf) {
        r->src.btf_path = r->opts.kernel_btf;
        r->src.btf_dir = NULL; /* module BTF of the running kernel would not match */
    }
    if (r->opts.output_path && stat(r->output, &st) == 0 && S_ISREG(st.st_mode))
        r->src.reuse_path = r->output;
    ds = dc_discover(&r->hc, &r->src, &r->disc, &r->diag, dc_progress_step, &r->progress);
    dc_progress_clear(&r->progress);
    if (ds == DC_DISCOVER_CONFIG)
        return failed(r, DC_CFG_EXIT_USAGE, "%s: not used (see the errors above)",
                      r->opts.host_path);
    if (ds != DC_DISCOVER_OK)
        return failed(r, DC_CFG_EXIT_DISCOVERY, "discovery failed: out of memory");
    r->report.disc = &r->disc;

    r->report.limit =
        dc_limit_check(&r->disc, r->sys.max_runtime_functions, limit_msg, sizeof(limit_msg));
    if (r->report.limit == DC_LIMIT_OVER)
        return failed(r, DC_CFG_EXIT_LIMIT, "%s", limit_msg);
    if (r->report.limit == DC_LIMIT_NEAR)
        dc_warn("%s", limit_msg);
    if (r->disc.ncats == 0)
        return failed(r, DC_CFG_EXIT_DISCOVERY,
                      "%s: no capture found any function; nothing to sign", r->opts.host_path);
    if (r->opts.dry_run)
        return r->disc.ninvalid ? DC_CFG_EXIT_INVALID : DC_CFG_EXIT_OK;
    pub.host_path = r->opts.host_path;
    pub.output = r->output;
    pub.signer_socket = r->sys.signer_socket;
    pub.probe_policy = r->sys.probe_policy;
    pub.config_source = r->sys.source[0] ? r->sys.source : "the built-in defaults";
    pub.validity = r->sys.probe_validity;
    pub.disc = &r->disc;
    pub.progress = &r->progress;
    if ((rc = dc_publish(&pub, err, sizeof(err))) != DC_CFG_EXIT_OK)
        return failed(r, rc, "%s", err);
    memcpy(r->checksum, pub.checksum, sizeof(r->checksum));
    memcpy(r->expires, pub.expires_at, sizeof(r->expires));
    r->report.written = 1;
    r->report.checksum = r->checksum;
    r->report.expires_at = r->expires;
    dc_info("wrote %s: %zu categories, %zu runtime functions, valid until %s", r->output,
            r->disc.ncats, r->disc.total, r->expires);
    if (r->disc.ninvalid)
        dc_warn("%zu capture%s left out (see the errors above)", r->disc.ninvalid,
                r->disc.ninvalid == 1 ? " was" : "s were");
    return r->disc.ninvalid ? DC_CFG_EXIT_INVALID : DC_CFG_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct run *r = calloc(1, sizeof(*r));
    char err[512];
    int rc;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (!r) {
        dc_err("out of memory");
        return DC_CFG_EXIT_DISCOVERY;
    }
    switch (dc_cfg_parse_options(&r->opts, argc, argv, err, sizeof(err))) {
    case DC_CFG_PARSE_OK: break;
    case DC_CFG_PARSE_EXIT: free(r); return DC_CFG_EXIT_OK;
    case DC_CFG_PARSE_USAGE:
        dc_err("%s", err);
        dc_cfg_usage(stderr);
        free(r);
        return DC_CFG_EXIT_USAGE;
    }
    dc_log_set_level(r->opts.quiet     ? DC_LOG_QUIET
                     : r->opts.verbose ? DC_LOG_VERBOSE
                                       : DC_LOG_NORMAL);
    dc_diag_init(&r->diag, 1);
    dc_sources_init(&r->src);
    r->report.host_file = r->opts.host_path;
    r->report.dry_run = r->opts.dry_run;

    rc = run(r);
    r->report.exit_status = rc;
    if (r->opts.json) {
        if (dc_report_json(stdout, &r->report) < 0)
            dc_err("cannot write the JSON report");
    } else if (r->opts.dry_run && r->report.disc) {
        dc_report_table(stdout, &r->report);
    }
    if (fflush(stdout) != 0 && rc <= DC_CFG_EXIT_INVALID && !r->report.written)
        rc = DC_CFG_EXIT_OUTPUT;

    dc_discovery_free(&r->disc);
    dc_sources_free(&r->src);
    dc_hostconf_free(&r->hc);
    dc_diag_free(&r->diag);
    free(r);
    return rc;
}
