/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * track.h - what datacrumbs_track and datacrumbs_untrack share: their options and exit codes.
 *
 * The exit codes are part of the interface (scripts test them) and are listed in
 * datacrumbs_track(1); never renumber them.
 */
#ifndef DC_TRACK_TRACK_H
#define DC_TRACK_TRACK_H

#include <stdio.h>

#include "log.h"

enum track_exit {
    TRACK_EXIT_OK = 0,           /* done, or nothing to do; --check: tracked */
    TRACK_EXIT_NOT_TRACKED = 1,  /* --check only: not tracked */
    TRACK_EXIT_NOT_REGULAR = 2,  /* a directory, device, FIFO, socket */
    TRACK_EXIT_NOT_ELF = 3,      /* a script or other non-ELF file, or a broken ELF file */
    TRACK_EXIT_NOT_DYNAMIC = 4,  /* static, static-pie, a shared library, an object file */
    TRACK_EXIT_WRONG_ARCH = 5,   /* ELF class, byte order or machine differ from client_lib */
    TRACK_EXIT_NOT_WRITABLE = 6, /* no permission, read-only or immutable, owner not keepable */
    TRACK_EXIT_SETID = 7,        /* set-user-ID, set-group-ID or file capabilities, no --force */
    TRACK_EXIT_NOT_FOUND = 8,    /* no such file, or not in PATH */
    TRACK_EXIT_FAILED = 9,       /* patchelf missing or failed, I/O error, bad configuration */
    TRACK_EXIT_USAGE = 10,       /* bad command line */
    TRACK_EXIT_SYMLINK = 11, /* root: a symlink to follow, or one root does not own; no --follow */
};

enum track_mode {
    TRACK_ADD,    /* datacrumbs_track */
    TRACK_REMOVE, /* datacrumbs_untrack */
};

struct track_opts {
    enum track_mode mode;
    const char *target;        /* PATH as given (--executable or the positional) */
    const char *config_path;   /* --config FILE, NULL for the system file */
    const char *backup_suffix; /* --backup[=SUFFIX], NULL for no backup */
    int check;                 /* --check: only report */
    int dry_run;               /* --dry-run: validate and show, change nothing */
    int force;                 /* --force: allow set-id and capability targets */
    int exact;                 /* --exact (untrack): only the configured path */
    int soname;                /* --soname (track): the soname plus a RUNPATH entry */
    int follow;                /* --follow: root follows symbolic links too */
    enum dc_log_level level;   /* --verbose / --quiet */
};

enum track_parse {
    TRACK_PARSE_OK,
    TRACK_PARSE_HELP,
    TRACK_PARSE_VERSION,
    TRACK_PARSE_ERROR, /* already reported */
};

#define TRACK_BACKUP_DEFAULT    "~"
#define TRACK_BACKUP_SUFFIX_MAX 64

/* Parse the command line of either program into o (mode selects the options it accepts). */
enum track_parse track_parse_cmdline(struct track_opts *o, enum track_mode mode, int argc,
                                     char **argv);

/* Do what o says: track, untrack or check one file. Returns an enum track_exit value. */
int tracker_run(const struct track_opts *o);

/* The options both programs take, as their --help lists them after --executable (and --exact):
 * one text for the one parser. */
#define TRACK_HELP_OPTIONS                                                                         \
    "  --check            only report: exit 0 if PATH is tracked, 1 if not\n"                      \
    "  --dry-run          check everything and show what would be done; change nothing\n"          \
    "  --backup[=SUFFIX]  keep the original as PATH followed by SUFFIX (default '~')\n"            \
    "  --force            also patch set-user-ID, set-group-ID or capability files\n"              \
    "  --follow           as root, patch the file a symbolic link in PATH points to\n"             \
    "  --config FILE      read FILE instead of the system configuration\n"                         \
    "  --verbose          say more;  --quiet  print errors only\n"                                 \
    "  --help, --version\n"

/* main() of either program: usage(stdout) for --help, usage(stderr) after a usage error.
 * Returns the exit status. */
int track_main(enum track_mode mode, void (*usage)(FILE *out), int argc, char **argv);

#endif
