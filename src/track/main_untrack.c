/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_untrack - remove what datacrumbs_track added: every DT_NEEDED entry naming the
 * client library, whatever its directory (or, with --exact, only the configured path).
 *
 * Exit status: see track.h and datacrumbs_untrack(1).
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "track.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_untrack [OPTIONS] [--executable] PATH\n"
            "       datacrumbs_untrack --help | --version\n"
            "\n"
            "Remove the DataCrumbs client library from the DT_NEEDED entries of the executable\n"
            "PATH: every entry whose file name is libdatacrumbs_client.so[.N] or that of\n"
            "client_lib, from any directory (also entries made by other installs or upstream's\n"
            "scripts). The library need not be installed. A PATH without '/' is looked up in\n"
            "PATH; a symlink is followed. The file is patched as a copy that replaces it in\n"
            "one rename, keeping its owner, group, mode, extended attributes and timestamps.\n"
            "Untracking a file that is not tracked changes nothing.\n"
            "\n"
            "Options:\n"
            "  --executable PATH  the file to untrack (same as giving PATH as an argument)\n"
            "  --exact            remove only entries equal to the configured client_lib\n"
            "  --check            only report: exit 0 if PATH is tracked, 1 if not\n"
            "  --dry-run          check everything and show what would be done; change nothing\n"
            "  --backup[=SUFFIX]  keep the original as PATH followed by SUFFIX (default '~')\n"
            "  --force            also patch set-user-ID, set-group-ID or capability files\n"
            "  --config FILE      read FILE instead of the system configuration\n"
            "  --verbose          say more;  --quiet  print errors only\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 done or nothing to do (--check: tracked), 1 --check: not tracked,\n"
            "2 not a regular file, 3 not an ELF executable, 4 not dynamically linked,\n"
            "6 not writable (permissions, read-only filesystem, immutable, owner),\n"
            "7 set-user-ID/set-group-ID/capabilities without --force, 8 not found,\n"
            "9 failed (patchelf missing or failed, bad configuration), 10 usage error.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_untrack ./myapp\n"
            "  datacrumbs_untrack --exact --backup=.orig /opt/app/bin/solver\n"
            "  datacrumbs_untrack --dry-run ior             # ior from PATH; show, do nothing\n");
}

int main(int argc, char **argv)
{
    struct track_opts opts;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    switch (track_parse_cmdline(&opts, TRACK_REMOVE, argc, argv)) {
    case TRACK_PARSE_HELP: usage(stdout); return EXIT_SUCCESS;
    case TRACK_PARSE_VERSION: dc_print_version(); return EXIT_SUCCESS;
    case TRACK_PARSE_ERROR: usage(stderr); return TRACK_EXIT_USAGE;
    case TRACK_PARSE_OK: break;
    }
    return tracker_run(&opts);
}
