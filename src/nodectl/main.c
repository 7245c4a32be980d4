/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_nodectl - start, stop and check the DataCrumbs runtime of a run on this node.
 *
 * Root only. datacrumbs_run and datacrumbs_stop reach it over ssh as the fixed command
 * "sudo -n .../datacrumbs_nodectl --stdin" and send the request on stdin (protocol.h); an
 * admin may also use the verbs directly. Exit status: 0 done, 1 failed, 2 usage or invalid
 * request, 3 not allowed (not root, or another user's run).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "caller.h"
#include "dc_config.h"
#include "log.h"
#include "nodectl.h"
#include "preempt.h"
#include "protocol.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_DENIED = 3 };

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    int use_stdin;           /* --stdin: the request comes on standard input */
    struct dc_request req;   /* from the command line otherwise */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_nodectl [--config FILE] start RUN_ID PROBE_FILE USER\n"
            "       datacrumbs_nodectl [--config FILE] stop RUN_ID\n"
            "       datacrumbs_nodectl [--config FILE] check RUN_ID PROBE_FILE USER\n"
            "       datacrumbs_nodectl [--config FILE] status [RUN_ID]\n"
            "       datacrumbs_nodectl [--config FILE] --stdin\n"
            "       datacrumbs_nodectl --help | --version\n"
            "\n"
            "Start, stop and check the DataCrumbs runtime of one run on this node, through\n"
            "the service manager of the configuration (systemd or direct). Runs as root;\n"
            "under sudo a user may only act on its own runs.\n"
            "\n"
            "Commands:\n"
            "  start   read PROBE_FILE as USER, keep a root-owned copy, have the runtime\n"
            "          check it, write the env file, start the runtime and wait until it is\n"
            "          ready (ready_timeout). Already running for USER: nothing to do.\n"
            "  stop    stop the runtime, wait (stop_timeout), remove the run's files.\n"
            "          Not running: nothing to do.\n"
            "  check   the checks of start, and this node's secret fingerprint; starts\n"
            "          nothing\n"
            "  status  the state of one run, or a table of every run on this node\n"
            "\n"
            "Options:\n"
            "  --config FILE  read FILE instead of the system configuration\n"
            "  --stdin        read the request from standard input and answer on standard\n"
            "                 output (what datacrumbs_run and datacrumbs_stop send over ssh)\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 done, 1 failed, 2 usage error or invalid request, 3 not allowed.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_nodectl start 4242 /home/alice/probes.json.gz alice\n"
            "  datacrumbs_nodectl status\n"
            "  datacrumbs_nodectl stop 4242\n"
            "  printf 'datacrumbs-nodectl/1\\nverb=status\\n' | sudo -n %s/datacrumbs_nodectl "
            "--stdin\n",
            DC_LIBEXECDIR);
}

/* Copy a command-line value into a request field, refusing what does not fit. */
static int field(char *dst, size_t size, const char *src, const char *what)
{
    if (strlen(src) >= size) {
        dc_err("%s is too long", what);
        return -1;
    }
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_STDIN, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"stdin", no_argument, NULL, OPT_STDIN},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    struct dc_request *r = &conf->req;
    int c, nargs;

    opterr = 0;
    /* '+': stop at the verb, so a value starting with '-' is never an option. */
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_STDIN: conf->use_stdin = 1; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: %s", argv[optind - 1]); return -1;
        }
    }
    nargs = argc - optind;
    if (conf->use_stdin) {
        if (nargs) {
            dc_err("--stdin takes no command");
            return -1;
        }
        return 0;
    }
    if (nargs < 1) {
        dc_err("no command (start, stop, check, status)");
        return -1;
    }
    r->verb = dc_verb_from_name(argv[optind]);
    argv += optind + 1;
    nargs--;
    switch (r->verb) {
    case DC_VERB_START:
    case DC_VERB_CHECK:
        if (nargs != 3) {
            dc_err("%s needs RUN_ID PROBE_FILE USER", dc_verb_name(r->verb));
            return -1;
        }
        return field(r->run_id, sizeof(r->run_id), argv[0], "RUN_ID") ||
                       field(r->probe_file, sizeof(r->probe_file), argv[1], "PROBE_FILE") ||
                       field(r->user, sizeof(r->user), argv[2], "USER")
                   ? -1
                   : 0;
    case DC_VERB_STOP:
        if (nargs != 1) {
            dc_err("stop needs RUN_ID");
            return -1;
        }
        return field(r->run_id, sizeof(r->run_id), argv[0], "RUN_ID");
    case DC_VERB_STATUS:
        if (nargs > 1) {
            dc_err("status takes at most RUN_ID");
            return -1;
        }
        return nargs ? field(r->run_id, sizeof(r->run_id), argv[0], "RUN_ID") : 0;
    default: dc_err("unknown command '%s'", argv[-1]); return -1;
    }
}

/* --stdin: one request in, one reply out. */
static int serve_stdin(struct dc_nodectl *n)
{
    char buf[DC_PROTO_REQUEST_MAX + 1], err[512];
    struct dc_request req;
    struct dc_reply rep;
    long len;

    memset(&rep, 0, sizeof(rep));
    memset(&req, 0, sizeof(req));
    len = dc_request_read(STDIN_FILENO, buf, DC_PROTO_READ_MS, err, sizeof(err));
    if (len < 0 || dc_request_parse(buf, (size_t)len, &req, err, sizeof(err)) < 0) {
        rep.result = DC_RESULT_INVALID;
        snprintf(rep.detail, sizeof(rep.detail), "%s", err);
        dc_err("invalid request: %s", err);
    } else {
        dc_nodectl_handle(n, &req, &rep);
    }
    if (dc_reply_write(&rep, stdout) < 0)
        dc_err("cannot write the reply");
    /* Every run after the reply: the client skips lines with keys it does not know. */
    else if (rep.result == DC_RESULT_OK && req.verb == DC_VERB_STATUS && !req.run_id[0])
        dc_nodectl_list(n, stdout, 1);
    return dc_nodectl_exit_code(rep.result);
}

/* A verb from the command line; results for people. */
static int serve_args(struct dc_nodectl *n, const struct dc_request *req)
{
    struct dc_reply rep;

    if (req->verb == DC_VERB_STATUS && !req->run_id[0]) {
        dc_nodectl_list(n, stdout, 0);
        return EXIT_SUCCESS;
    }
    dc_nodectl_handle(n, req, &rep);
    if (rep.result != DC_RESULT_OK) {
        dc_err("%s %s: %s", dc_verb_name(req->verb), req->run_id, rep.detail);
        return dc_nodectl_exit_code(rep.result);
    }
    printf("%s %s: %s\n", dc_verb_name(req->verb), req->run_id, rep.detail);
    if (rep.fingerprint[0] && req->verb == DC_VERB_CHECK)
        printf("fingerprint %s\n", rep.fingerprint);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_caller caller;
    struct dc_nodectl n;
    char err[1024];

    dc_log_init(argv[0], DC_LOG_NORMAL);
    umask(022);
    /* The ssh session may end under us (client timeout): finish the work consistently. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    /* SIGTERM and SIGINT cancel the request cleanly (the user's own, or root taking over the
     * run id: preempt.h); a user must not be able to suspend a root process holding a lock. */
    dc_cancel_install();
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (dc_caller_identify(&caller, getuid(), geteuid(), getenv("SUDO_UID"), err, sizeof(err)) <
        0) {
        dc_err("%s", err);
        return EXIT_DENIED;
    }
    dc_log_use_syslog(LOG_AUTHPRIV);
    if (dc_nodectl_init(&n, conf.config_path, &caller, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        if (conf.use_stdin) {
            struct dc_reply rep = {.result = DC_RESULT_FAILED};

            snprintf(rep.detail, sizeof(rep.detail), "node configuration: %.400s", err);
            dc_reply_write(&rep, stdout);
        }
        return EXIT_FAILED;
    }
    return conf.use_stdin ? serve_stdin(&n) : serve_args(&n, &conf.req);
}
