/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stub_daemon - a stand-in for datacrumbs(8) in the SLURM tests (never installed), so that the
 * hook's logic is tested where BPF is not available. It honours the runtime's contract
 * (docs/design.md §4.5) except that it traces nothing:
 *
 *   stub_daemon [--config F] --check PROBE_FILE RUN_ID USER
 *       verify the file as the runtime does (structure, MAC under secret_file, time window,
 *       issued for USER); exit 0, or 4 with the reason.
 *   stub_daemon [--config F] PROBE_FILE RUN_ID USER
 *       the same checks, then <trace_dir>/trace-USER-RUN_ID-HOST.stub (owned by USER, one
 *       "started" line), <run_dir>/datacrumbs-RUN_ID.ready; on SIGINT/SIGTERM a "stopped" line,
 *       the ready file removed, exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "probefile.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int verify(const struct dc_sysconf *sys, const char *path, const struct passwd *pw)
{
    struct dc_probefile pf = {0};
    unsigned char key[DC_PF_HEX_LEN];
    char why[512], *detail = NULL;
    enum dc_pf_status st;

    st = dc_pf_read(path, 0, &pf, &detail);
    if (st != DC_PF_OK) {
        fprintf(stderr, "stub_daemon: probe file refused: %s%s%s\n", dc_pf_status_str(st),
                detail ? ": " : "", detail ? detail : "");
        free(detail);
        return -1;
    }
    if (dc_pf_secret_load(sys->secret_file, key, why, sizeof(why)) != DC_PF_OK) {
        fprintf(stderr, "stub_daemon: secret: %s\n", why);
        dc_pf_free(&pf);
        return -1;
    }
    st = dc_pf_verify(&pf, key, sizeof(key), 0);
    if (st == DC_PF_OK)
        st = dc_pf_check_user(&pf, (unsigned)pw->pw_uid);
    explicit_bzero(key, sizeof(key));
    dc_pf_free(&pf);
    if (st != DC_PF_OK) {
        fprintf(stderr, "stub_daemon: probe file refused: %s\n", dc_pf_status_str(st));
        return -1;
    }
    return 0;
}

static int note(int fd, const char *what, const char *run_id)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "%s run=%s pid=%ld\n", what, run_id, (long)getpid());

    return write(fd, line, (size_t)n) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct dc_sysconf sys;
    const char *config = NULL;
    char err[1024], host[256], trace[PATH_MAX], ready[PATH_MAX];
    struct passwd *pw;
    int i = 1, check = 0, fd;
    struct sigaction sa;
    sigset_t block, old;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else
            break;
    }
    if (argc - i != 3) {
        fprintf(stderr, "usage: stub_daemon [--config F] [--check] PROBE_FILE RUN_ID USER\n");
        return 2;
    }
    if (dc_sysconf_load(&sys, config, err, sizeof(err)) < 0) {
        fprintf(stderr, "stub_daemon: %s\n", err);
        return 3;
    }
    pw = getpwnam(argv[i + 2]);
    if (!pw) {
        fprintf(stderr, "stub_daemon: no user %s\n", argv[i + 2]);
        return 4;
    }
    if (verify(&sys, argv[i], pw) < 0)
        return 4;
    if (check) {
        printf("probe file: %s (verified; stub)\n", argv[i]);
        return 0;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Blocked until sigsuspend, so a stop that comes early is not lost. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    if (snprintf(trace, sizeof(trace), "%s/trace-%s-%s-%s.stub", sys.trace_dir, argv[i + 2],
                 argv[i + 1], host) >= (int)sizeof(trace) ||
        snprintf(ready, sizeof(ready), "%s/datacrumbs-%s.ready", sys.run_dir, argv[i + 1]) >=
            (int)sizeof(ready)) {
        fprintf(stderr, "stub_daemon: path too long\n");
        return 1;
    }
    fd = open(trace, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchown(fd, pw->pw_uid, pw->pw_gid) < 0 || note(fd, "started", argv[i + 1]) < 0) {
        fprintf(stderr, "stub_daemon: %s: %s\n", trace, strerror(errno));
        return 1;
    }
    {
        int r = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

        if (r < 0) {
            fprintf(stderr, "stub_daemon: %s: %s\n", ready, strerror(errno));
            return 1;
        }
        dprintf(r, "%ld\n", (long)getpid());
        close(r);
    }
    fprintf(stderr, "stub_daemon: run %s for %s ready\n", argv[i + 1], argv[i + 2]);
    while (!stop)
        sigsuspend(&old);
    note(fd, "stopped", argv[i + 1]);
    close(fd);
    unlink(ready);
    fprintf(stderr, "stub_daemon: run %s stopped\n", argv[i + 1]);
    return 0;
}
