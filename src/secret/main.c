/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_secret - create, check and fingerprint the probe signing secret.
 *
 * The secret is created only here, only when absent; the signer and the runtime only read it.
 * Exit codes are listed in secret.h and datacrumbs_secret(8): each way the secret can be
 * unusable has its own.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadconf.h"
#include "log.h"
#include "secret.h"

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *secret_file; /* --secret-file PATH, NULL for secret_file in the config */
    const char *verb;        /* create | check | fingerprint */
    int if_missing;          /* create --if-missing */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_secret [OPTIONS] create [--if-missing]\n"
            "       datacrumbs_secret [OPTIONS] check\n"
            "       datacrumbs_secret [OPTIONS] fingerprint\n"
            "       datacrumbs_secret --help | --version\n"
            "\n"
            "Manage the HMAC key that signs probe files: 64 lowercase hex characters, no\n"
            "newline, owned by root, mode 0400. Every node must have the same secret.\n"
            "\n"
            "Commands:\n"
            "  create       make a new secret from the system's random generator; refuses\n"
            "               to touch an existing file (exit 3). Root only. The directory\n"
            "               must exist, be root's and not writable by others.\n"
            "  check        check the file, its directories and its content; say what is wrong\n"
            "  fingerprint  print a 16-hex-digit digest of the secret (safe to show) to\n"
            "               compare nodes\n"
            "\n"
            "Options:\n"
            "  --config FILE       read FILE instead of the system configuration\n"
            "  --secret-file PATH  use PATH instead of secret_file in the configuration\n"
            "  --if-missing        create: when the file exists, check it instead (exit 0 if\n"
            "                      it is good); for package scripts\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 success, 1 failure, 2 usage error, 3 create: the file exists,\n"
            "4 create: not root, 10-24 the secret is unusable (one code per reason, see\n"
            "datacrumbs_secret(8)).\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_secret create                 # once, on the first node\n"
            "  datacrumbs_secret check                  # after copying it to a node\n"
            "  pdsh -w node[1-4] datacrumbs_secret fingerprint | dshbak -c  # compare\n");
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_SECRET, OPT_IF_MISSING, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"secret-file", required_argument, NULL, OPT_SECRET},
        {"if-missing", no_argument, NULL, OPT_IF_MISSING},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_SECRET: conf->secret_file = optarg; break;
        case OPT_IF_MISSING: conf->if_missing = 1; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: '%s'", argv[optind - 1]); return -1;
        }
    }
    if (optind != argc - 1) {
        dc_err(optind >= argc ? "no command given" : "one command only");
        return -1;
    }
    conf->verb = argv[optind];
    if (strcmp(conf->verb, "create") && strcmp(conf->verb, "check") &&
        strcmp(conf->verb, "fingerprint")) {
        dc_err("unknown command '%s'", conf->verb);
        return -1;
    }
    if (conf->if_missing && strcmp(conf->verb, "create")) {
        dc_err("--if-missing goes with create only");
        return -1;
    }
    if (conf->secret_file && conf->secret_file[0] != '/') {
        dc_err("--secret-file must be an absolute path");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_sysconf sys;
    const char *path;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (dc_load_sysconf(&sys, conf.config_path) < 0)
        return EXIT_FAILED;
    path = conf.secret_file ? conf.secret_file : sys.secret_file;
    if (strcmp(conf.verb, "create") == 0)
        return secret_create(path, conf.if_missing);
    if (strcmp(conf.verb, "check") == 0)
        return secret_check(path);
    return secret_fingerprint(path);
}
