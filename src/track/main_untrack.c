/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_untrack - remove what datacrumbs_track added: every DT_NEEDED entry naming the
 * client library, whatever its directory (or, with --exact, only the configured path).
 *
 * Exit status: see track.h and datacrumbs_untrack(1).
 */
#include <stdio.h>

#include "track.h"

static void usage(FILE *out)
{
    fputs("Usage: datacrumbs_untrack [OPTIONS] [--executable] PATH\n"
          "       datacrumbs_untrack --help | --version\n"
          "\n"
          "Remove the DataCrumbs client library from the DT_NEEDED entries of the executable\n"
          "PATH: every entry whose file name is libdatacrumbs_client.so[.N] or that of\n"
          "client_lib, from any directory (also entries made by other installs or upstream's\n"
          "scripts). The library need not be installed. A PATH without '/' is looked up in\n"
          "PATH; a symlink is followed (as root, only with --follow). The file is patched as a\n"
          "copy that replaces it in one rename, keeping its owner, group, mode, extended\n"
          "attributes and timestamps.\n"
          "Untracking a file that is not tracked changes nothing.\n"
          "\n"
          "Options:\n"
          "  --executable PATH  the file to untrack (same as giving PATH as an argument)\n"
          "  --exact            remove only entries equal to the configured client_lib\n",
          out);
    fputs(TRACK_HELP_OPTIONS, out);
    fputs("\n"
          "Exit status: 0 done or nothing to do (--check: tracked), 1 --check: not tracked,\n"
          "2 not a regular file, 3 not an ELF executable, 4 not dynamically linked,\n"
          "6 not writable (permissions, read-only filesystem, immutable, owner),\n"
          "7 set-user-ID/set-group-ID/capabilities without --force, 8 not found,\n"
          "9 failed (patchelf missing or failed, bad configuration), 10 usage error,\n"
          "11 root was given a symlink, or a path through a link root does not own, and no\n"
          "--follow.\n"
          "\n"
          "EXAMPLES\n"
          "  datacrumbs_untrack ./myapp\n"
          "  datacrumbs_untrack --exact --backup=.orig /opt/app/bin/solver\n"
          "  datacrumbs_untrack --dry-run ior             # ior from PATH; show, do nothing\n",
          out);
}

int main(int argc, char **argv)
{
    return track_main(TRACK_REMOVE, usage, argc, argv);
}
