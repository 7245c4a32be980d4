/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_wrap - run a command with libdatacrumbs_client.so.0 first in LD_PRELOAD.
 *
 * Exit status is the command's; like env(1): 125 when datacrumbs_wrap itself fails, 126 when the
 * command cannot be run, 127 when it is not found, 2 for a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loadconf.h"
#include "log.h"
#include "runid.h"
#include "preload.h"
#include "run.h"

enum { EXIT_USAGE = 2, EXIT_WRAP_FAILED = 125 };

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *run_id;      /* --run-id ID: DATACRUMBS_RUN_ID for the command */
    char **command;          /* argv of the command to run */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_wrap [--config FILE] [--run-id ID] [--] COMMAND [ARGS...]\n"
            "       datacrumbs_wrap --help | --version\n"
            "\n"
            "Run COMMAND with the DataCrumbs client library preloaded, so that a running\n"
            "datacrumbs daemon traces it. The library path is client_lib in the system\n"
            "configuration; entries already in LD_PRELOAD are kept after it.\n"
            "\n"
            "Options (before COMMAND):\n"
            "  --config FILE  read FILE instead of the system configuration\n"
            "  --run-id ID    trace COMMAND in run ID only (sets DATACRUMBS_RUN_ID; default:\n"
            "                 the one in the environment, else the SLURM job, else the\n"
            "                 user's only active run on this node)\n"
            "  --             end of options; COMMAND follows\n"
            "  --help         show this help (only as the first argument)\n"
            "  --version      show the version (only as the first argument)\n"
            "\n"
            "Exit status: that of COMMAND; 125 if datacrumbs_wrap fails, 126 if COMMAND\n"
            "cannot be run, 127 if it is not found, 2 for a usage error.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_wrap dd if=/dev/zero of=/tmp/out.bin bs=1M count=1 status=none\n"
            "  datacrumbs_wrap -- ./myapp --input data.h5\n"
            "  datacrumbs_wrap --run-id myrun ./myapp            # with datacrumbs_run --run-id\n"
            "  DATACRUMBS_CLIENT_DEBUG=1 datacrumbs_wrap /bin/true   # show the library ran\n");
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    int i = 1;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        exit(EXIT_SUCCESS);
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        dc_print_version();
        exit(EXIT_SUCCESS);
    }
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            conf->config_path = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--config=", 9) == 0 && argv[i][9]) {
            conf->config_path = argv[i] + 9;
            i++;
        } else if (strcmp(argv[i], "--run-id") == 0 && i + 1 < argc) {
            conf->run_id = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--run-id=", 9) == 0) {
            conf->run_id = argv[i] + 9;
            i++;
        } else {
            dc_err("unknown option '%s' (put COMMAND after '--' if it starts with '-')", argv[i]);
            return -1;
        }
    }
    if (i >= argc) {
        dc_err("no command given");
        return -1;
    }
    if (conf->run_id && !dc_runid_valid(conf->run_id)) {
        dc_err("--run-id '%s': not a run id (1 to 64 letters, digits, . _ -, starting with a "
               "letter or digit)",
               conf->run_id);
        return -1;
    }
    conf->command = argv + i;
    return 0;
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_sysconf sys;
    struct stat st;
    char *preload;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (dc_load_sysconf(&sys, conf.config_path) < 0)
        return EXIT_WRAP_FAILED;
    if (stat(sys.client_lib, &st) < 0 || !S_ISREG(st.st_mode)) {
        dc_err("client library not found at %s (client_lib in %s)", sys.client_lib,
               sys.source[0] ? sys.source : "the built-in defaults");
        return EXIT_WRAP_FAILED;
    }
    preload = dc_preload_compose(getenv("LD_PRELOAD"), sys.client_lib);
    if (!preload || setenv("LD_PRELOAD", preload, 1) < 0) {
        dc_err("cannot set LD_PRELOAD: %s", strerror(errno ? errno : ENOMEM));
        return EXIT_WRAP_FAILED;
    }
    free(preload);
    if (conf.run_id && setenv("DATACRUMBS_RUN_ID", conf.run_id, 1) < 0) {
        dc_err("cannot set DATACRUMBS_RUN_ID: %s", strerror(errno));
        return EXIT_WRAP_FAILED;
    }
    return wrap_run(conf.command);
}
