/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - the command line of datacrumbs_track and datacrumbs_untrack, and the main()
 * they share (see track.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "track.h"

enum {
    OPT_EXECUTABLE = 256,
    OPT_CHECK,
    OPT_DRY_RUN,
    OPT_BACKUP,
    OPT_FORCE,
    OPT_EXACT,
    OPT_CONFIG,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_HELP,
    OPT_VERSION,
    OPT_SONAME,
    OPT_FOLLOW
};

/* Long options only, like upstream; getopt_long takes unambiguous prefixes (--exec) and
 * rejects ambiguous ones. --exact exists for untrack only, --soname for track only. */
static const struct option long_opts[] = {
    {"executable", required_argument, NULL, OPT_EXECUTABLE},
    {"check", no_argument, NULL, OPT_CHECK},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"backup", optional_argument, NULL, OPT_BACKUP},
    {"force", no_argument, NULL, OPT_FORCE},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"exact", no_argument, NULL, OPT_EXACT},
    {"soname", no_argument, NULL, OPT_SONAME},
    {NULL, 0, NULL, 0},
};

static int valid_suffix(const char *s)
{
    return *s && strlen(s) <= TRACK_BACKUP_SUFFIX_MAX && !strchr(s, '/');
}

/* --help and --version win over everything else on the line (up to "--"). */
static enum track_parse early_exit(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0)
            return TRACK_PARSE_HELP;
        if (strcmp(argv[i], "--version") == 0)
            return TRACK_PARSE_VERSION;
    }
    return TRACK_PARSE_OK;
}

enum track_parse track_parse_cmdline(struct track_opts *o, enum track_mode mode, int argc,
                                     char **argv)
{
    struct option opts[sizeof(long_opts) / sizeof(long_opts[0])];
    enum track_parse early = early_exit(argc, argv);
    const char *executable = NULL;
    int c;

    memset(o, 0, sizeof(*o));
    o->mode = mode;
    o->level = DC_LOG_NORMAL;
    if (early != TRACK_PARSE_OK)
        return early;
    memset(opts, 0, sizeof(opts));
    for (size_t i = 0, n = 0; long_opts[i].name; i++) {
        if ((long_opts[i].val == OPT_EXACT && mode != TRACK_REMOVE) ||
            (long_opts[i].val == OPT_SONAME && mode != TRACK_ADD))
            continue;
        opts[n++] = long_opts[i];
    }
    opterr = 0;
    optind = 0; /* full reinitialisation, so tests may parse several command lines */
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_EXECUTABLE:
            if (executable) {
                dc_err("--executable given twice");
                return TRACK_PARSE_ERROR;
            }
            executable = optarg;
            break;
        case OPT_CHECK: o->check = 1; break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case OPT_FORCE: o->force = 1; break;
        case OPT_FOLLOW: o->follow = 1; break;
        case OPT_EXACT: o->exact = 1; break;
        case OPT_SONAME: o->soname = 1; break;
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_VERBOSE: o->level = DC_LOG_VERBOSE; break;
        case OPT_QUIET: o->level = DC_LOG_QUIET; break;
        case OPT_BACKUP:
            o->backup_suffix = optarg ? optarg : TRACK_BACKUP_DEFAULT;
            if (!valid_suffix(o->backup_suffix)) {
                dc_err("--backup suffix must be 1 to %d characters without '/'",
                       TRACK_BACKUP_SUFFIX_MAX);
                return TRACK_PARSE_ERROR;
            }
            break;
        case ':': dc_err("option '%s' needs a value", argv[optind - 1]); return TRACK_PARSE_ERROR;
        default:
            dc_err("unknown or ambiguous option '%s'", argv[optind - 1]);
            return TRACK_PARSE_ERROR;
        }
    }
    if (optind < argc && executable) {
        dc_err("give the file either with --executable or as an argument, not both");
        return TRACK_PARSE_ERROR;
    }
    if (optind + 1 < argc) {
        dc_err("one file at a time ('%s' is extra)", argv[optind + 1]);
        return TRACK_PARSE_ERROR;
    }
    o->target = executable ? executable : optind < argc ? argv[optind] : NULL;
    if (!o->target || !*o->target) {
        dc_err("no file given");
        return TRACK_PARSE_ERROR;
    }
    if (o->check && (o->dry_run || o->backup_suffix || o->force)) {
        dc_err("--check only reports; it cannot be combined with --dry-run, --backup or --force");
        return TRACK_PARSE_ERROR;
    }
    return TRACK_PARSE_OK;
}

int track_main(enum track_mode mode, void (*usage)(FILE *out), int argc, char **argv)
{
    struct track_opts opts;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    switch (track_parse_cmdline(&opts, mode, argc, argv)) {
    case TRACK_PARSE_HELP: usage(stdout); return EXIT_SUCCESS;
    case TRACK_PARSE_VERSION: dc_print_version(); return EXIT_SUCCESS;
    case TRACK_PARSE_ERROR: usage(stderr); return TRACK_EXIT_USAGE;
    case TRACK_PARSE_OK: break;
    }
    return tracker_run(&opts);
}
