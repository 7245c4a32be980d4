/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wrapargs.h - the command line of datacrumbs_salloc / datacrumbs_sbatch, and the one it hands
 * to Slurm.
 *
 * Our options (--datacrumbs-*) are recognised only among Slurm's options, i.e. before the batch
 * script or command and before "--"; everything from the script or command on is the user's and
 * passes through untouched (a "-h" there is the script's). Slurm's options are walked as
 * getopt_long walks them (slurmopts.h), through heterogeneous-job ":" separators.
 *
 * The Slurm command line is the original one minus our options; with DataCrumbs enabled it also
 * loses the --comment options of the first job component (merged into the metadata instead)
 * and gets "--comment=<json>" as its very first argument, where Slurm cannot mistake it for a
 * script argument (upstream appended it after the script, where it never reached Slurm).
 * Without --datacrumbs-enable, a --datacrumbs-probe-file is the SPANK plugin's option of that
 * name (datacrumbs-slurm(8)) and is handed on to Slurm as it was given.
 */
#ifndef DC_WRAPARGS_H
#define DC_WRAPARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "slurmopts.h"

struct dc_wrap_args {
    /* Ours. */
    bool enable;            /* --datacrumbs-enable */
    const char *probe_file; /* --datacrumbs-probe-file, as typed; NULL when absent */
    char *probe_words[2];   /* the words it was given in (borrowed from argv), for Slurm */
    int nprobe_words;
    bool merge_comment; /* --datacrumbs-merge-comment */
    bool dry_run;       /* --datacrumbs-dry-run */
    bool help;          /* --datacrumbs-help */
    bool version;       /* --datacrumbs-version */
    bool any_ours;      /* at least one --datacrumbs-* option was given */
    /* What we learnt about Slurm's part. */
    bool slurm_help;     /* -h, --help or --usage among Slurm's options */
    bool hetjob;         /* a ":" component separator */
    bool wrap;           /* sbatch --wrap: no script file */
    const char *comment; /* value of the last --comment of component 0, NULL if none */
    int script;          /* index in pass[] of the script or command, -1 when none */
    /* Slurm's arguments (argv[1..] minus ours), and which of them are component 0's --comment. */
    int npass;
    char **pass;      /* borrowed from argv */
    bool *is_comment; /* npass flags */
};

/*
 * Parse argv (argv[0] is skipped). Returns 0, or -1 for a usage error (a --datacrumbs option
 * with a missing or unexpected value, or an unknown --datacrumbs-* option) with the message in
 * err. Free with dc_wrap_args_free().
 */
int dc_wrap_parse(enum dc_slurm_tool tool, int argc, char **argv, struct dc_wrap_args *a, char *err,
                  size_t errlen);
void dc_wrap_args_free(struct dc_wrap_args *a);

/*
 * The argv to exec: argv0, then "--comment=<comment_json>" and Slurm's arguments without
 * component 0's --comment options when comment_json is not NULL, or the --datacrumbs-probe-file
 * words (for the SPANK plugin) and Slurm's arguments as they were when it is NULL. NULL-terminated;
 * free the array (not the strings it borrows, except the --comment one, which is element 1) with
 * dc_wrap_argv_free().
 */
char **dc_wrap_build(const char *argv0, const char *comment_json, const struct dc_wrap_args *a);
void dc_wrap_argv_free(char **argv, const char *comment_json);

/*
 * Find the value of the last --comment in a list of option words as the tool's getopt reads
 * them (used for #SBATCH directive words). Stops at the first non-option word. Returns the
 * value (borrowed from words) or NULL.
 */
const char *dc_wrap_find_comment(enum dc_slurm_tool tool, int n, char **words);

#endif
