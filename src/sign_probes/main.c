/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_sign_probes - the root service that signs probe files (docs/design.md §4.4).
 *
 * It alone reads the secret on a login node. Exit status: 0 after SIGTERM/SIGINT, 1 when it
 * cannot start, 2 for a usage error.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "loadconf.h"
#include "handler.h"
#include "ksyms.h"
#include "listen.h"
#include "log.h"
#include "options.h"
#include "probefile.h"
#include "server.h"
#include "sitepolicy.h"

enum { EXIT_START_FAILED = 1, EXIT_USAGE = 2 };

struct reload_ctx {
    struct dc_handler *handler;
    const char *kallsyms_path;
    const char *policy_path;
};

/* The site's probe policy, checked like the other files root reads; NULL when unusable. */
static struct dc_site_policy *load_site(const char *path)
{
    struct dc_site_policy *p = calloc(1, sizeof(*p));
    char err[1024];

    if (!p) {
        dc_err("out of memory");
        return NULL;
    }
    if (dc_sp_load(p, path, 0, err, sizeof(err)) < 0) {
        dc_err("probe policy: %s", err);
        free(p);
        return NULL;
    }
    if (p->missing)
        dc_warn("no probe policy at %s: no string or buffer capture, and no return probe on a "
                "C++ function, will be signed",
                path);
    else
        dc_info("probe policy %s: %zu rule(s)", path, p->n);
    return p;
}

static struct dc_ksyms *load_ksyms(const char *path)
{
    char err[512];
    struct dc_ksyms *k = dc_ksyms_load(path, err, sizeof(err));

    if (!k)
        dc_warn("no kernel function names (%s): kprobe and syscall categories will be refused",
                err);
    else
        dc_info("%zu kernel function names from %s", dc_ksyms_count(k), dc_ksyms_source(k));
    return k;
}

static void reload(void *arg)
{
    struct reload_ctx *r = arg;
    struct dc_ksyms *k = load_ksyms(r->kallsyms_path);

    struct dc_site_policy *p = load_site(r->policy_path);

    if (k) /* keep the old list rather than refuse every kernel probe */
        dc_handler_set_ksyms(r->handler, k);
    if (p) /* and the old policy rather than none */
        dc_handler_set_site(r->handler, p);
}

static void ready(void *arg)
{
    const char *where = arg;

    dc_info("ready on %s", where);
    sd_notify(0, "READY=1");
}

/* The secret must not end up in a core file or be readable through ptrace by a non-root
 * process that somehow shares our uid. */
static void protect_memory(void)
{
    struct rlimit no_core = {0, 0};

    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void raise_fd_limit(int want)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void resolve_admin_group(struct dc_handler *h, const char *name)
{
    struct group gr, *res = NULL;
    char buf[16384];

    snprintf(h->admin_group, sizeof(h->admin_group), "%s", name);
    if (!name[0])
        return;
    if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) == 0 && res) {
        h->have_admin_gid = 1;
        h->admin_gid = gr.gr_gid;
    } else {
        dc_warn("admin_group '%s' does not exist: custom probes will be refused", name);
    }
}

int main(int argc, char **argv)
{
    struct dc_sign_opts opt;
    struct dc_sysconf sys;
    struct dc_listener lis = {.fd = -1};
    struct dc_handler handler = {0};
    struct reload_ctx rctx = {&handler, NULL, NULL};
    struct dc_site_policy *site;
    struct dc_server_opts so;
    unsigned char key[DC_PF_HEX_LEN];
    char err[1024], where[160];
    int rc = EXIT_START_FAILED, handler_up = 0, found;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (dc_sign_parse_options(&opt, argc, argv) < 0) {
        dc_sign_usage(stderr);
        return EXIT_USAGE;
    }
    if (opt.verbose)
        dc_log_set_level(DC_LOG_VERBOSE);
    if (opt.use_syslog)
        dc_log_use_syslog(LOG_DAEMON);
    protect_memory();
    if (dc_load_sysconf(&sys, opt.config_path) < 0)
        return EXIT_START_FAILED;
    rctx.policy_path = sys.probe_policy;
    if (!(site = load_site(rctx.policy_path))) {
        dc_err("refusing to start: the probe policy is not usable");
        return EXIT_START_FAILED;
    }
    if (dc_pf_secret_load(sys.secret_file, key, err, sizeof(err)) != DC_PF_OK) {
        dc_err("refusing to start: %s", err);
        goto cleanup;
    }
    found = dc_listen_systemd(&lis, err, sizeof(err));
    if (found == 0)
        found = dc_listen_path(&lis, opt.socket_path ? opt.socket_path : sys.signer_socket, err,
                               sizeof(err)) == 0;
    if (found <= 0) {
        dc_err("%s", err);
        goto cleanup;
    }
    raise_fd_limit(opt.max_clients + 64);

    handler.max_functions = sys.max_runtime_functions;
    handler.validity = sys.probe_validity;
    resolve_admin_group(&handler, sys.admin_group);
    if (dc_handler_init(&handler, key, sizeof(key)) < 0) {
        dc_err("cannot set up the request handler");
        goto cleanup;
    }
    handler_up = 1;
    dc_handler_set_site(&handler, site);
    site = NULL;
    rctx.kallsyms_path = opt.kallsyms_path;
    dc_handler_set_ksyms(&handler, load_ksyms(opt.kallsyms_path));

    if (!opt.foreground && !lis.activated) {
        /* Detach only now, so that every start-up error above reached the terminal. */
        if (!opt.use_syslog)
            dc_log_use_syslog(LOG_DAEMON);
        if (daemon(0, 0) < 0) {
            dc_err("daemon: %s", strerror(errno));
            goto cleanup;
        }
    }
    so = (struct dc_server_opts){
        .listen_fd = lis.fd,
        .max_request = opt.max_request,
        .max_buffered = opt.max_buffered,
        .max_buffered_per_user = opt.max_buffered_per_user,
        .timeout_ms = opt.timeout_ms,
        .max_clients = opt.max_clients,
        .max_per_user = opt.max_per_user,
        .threads = opt.threads,
        .on_reload = reload,
        .reload_arg = &rctx,
        .on_ready = ready,
        .ready_arg = where,
    };
    snprintf(where, sizeof(where), "%s", lis.activated ? "the socket passed by systemd" : lis.path);
    if (dc_server_run(&so, &handler) == 0)
        rc = EXIT_SUCCESS;
    sd_notify(0, "STOPPING=1");
cleanup:
    dc_listen_close(&lis);
    if (handler_up)
        dc_handler_destroy(&handler);
    if (site) {
        dc_sp_free(site);
        free(site);
    }
    explicit_bzero(key, sizeof(key));
    return rc;
}
