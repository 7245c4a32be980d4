/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_track - make an executable load libdatacrumbs_client.so.0 by itself, through a
 * DT_NEEDED entry, so that it is traced however it is started (no LD_PRELOAD needed).
 *
 * Exit status: see track.h and datacrumbs_track(1).
 */
#include <stdio.h>

#include "track.h"

static void usage(FILE *out)
{
    fputs("Usage: datacrumbs_track [OPTIONS] [--executable] PATH\n"
          "       datacrumbs_track --help | --version\n"
          "\n"
          "Add the DataCrumbs client library (client_lib in the system configuration) to the\n"
          "DT_NEEDED entries of the executable PATH, so that every run of it is traced by a\n"
          "running datacrumbs daemon. A PATH without '/' is looked up in PATH; a symlink is\n"
          "followed and the file it points to is patched (as root, only with --follow). The file "
          "is patched as a copy\n"
          "that replaces it in one rename, keeping its owner, group, mode, extended\n"
          "attributes and timestamps. Tracking a tracked file changes nothing.\n"
          "\n"
          "Options:\n"
          "  --executable PATH  the file to track (same as giving PATH as an argument)\n"
          "  --soname           add the library's soname and a RUNPATH entry for its\n"
          "                     directory instead of its absolute path\n",
          out);
    fputs(TRACK_HELP_OPTIONS, out);
    fputs("\n"
          "Exit status: 0 done or nothing to do (--check: tracked), 1 --check: not tracked,\n"
          "2 not a regular file, 3 not an ELF executable (a script, say), 4 not dynamically\n"
          "linked (static, static-pie, a library), 5 ELF class or machine differs from the\n"
          "client library, 6 not writable (permissions, read-only filesystem, immutable,\n"
          "owner), 7 set-user-ID/set-group-ID/capabilities without --force, 8 not found,\n"
          "9 failed (patchelf missing or failed, bad configuration), 10 usage error,\n"
          "11 root was given a symlink, or a path through a link root does not own, and no\n"
          "--follow.\n"
          "\n"
          "EXAMPLES\n"
          "  datacrumbs_track ./myapp                     # patch ./myapp\n"
          "  datacrumbs_track --dry-run --backup ior      # ior from PATH; show, do nothing\n"
          "  datacrumbs_track --check ./myapp && echo tracked\n"
          "  datacrumbs_track --soname ./myapp            # found through RUNPATH\n"
          "  DATACRUMBS_CLIENT_DEBUG=1 ./myapp            # shows that the library loads\n",
          out);
}

int main(int argc, char **argv)
{
    return track_main(TRACK_ADD, usage, argc, argv);
}
