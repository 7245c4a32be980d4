/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slurmopts.h - the command-line options of salloc and sbatch, as their getopt sees them.
 *
 * The wrappers must find where Slurm's options end (the batch script or the command), so they
 * need to know which options take a value in the next word. The tables were read from the
 * getopt tables of Slurm 22.05.8 (tests/integration/slurm/test_option_table.sh compares them
 * with the installed salloc/sbatch). An option a later Slurm adds is taken to have no value
 * unless written --name=value.
 */
#ifndef DC_SLURMOPTS_H
#define DC_SLURMOPTS_H

#include <stddef.h>

enum dc_slurm_tool { DC_TOOL_SALLOC = 0, DC_TOOL_SBATCH = 1 };

enum dc_arg {
    DC_ARG_UNKNOWN = -1, /* not an option of this tool (or an ambiguous abbreviation) */
    DC_ARG_NONE = 0,     /* takes no value */
    DC_ARG_REQ = 1,      /* value in the same word after '=' (or attached) or in the next word */
    DC_ARG_OPT = 2,      /* value only in the same word */
};

/* "salloc" or "sbatch". */
const char *dc_slurm_tool_name(enum dc_slurm_tool t);

/*
 * Look up a long option name (len bytes, without "--" and without "=value") the way getopt_long
 * does: an exact name, or an unambiguous abbreviation (several matches count as one when they
 * all take the same kind of value). *canonical gets the full name when exactly one option
 * matched, else NULL.
 */
enum dc_arg dc_slurm_long_option(enum dc_slurm_tool t, const char *name, size_t len,
                                 const char **canonical);

/* The kind of value a short option letter takes, or DC_ARG_UNKNOWN. */
enum dc_arg dc_slurm_short_option(enum dc_slurm_tool t, char c);

/* Every long option of a tool, in order, for the table test; NULL after the last. */
const char *dc_slurm_long_option_at(enum dc_slurm_tool t, size_t i, enum dc_arg *arg);

#endif
