/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wrapper.h - the whole of datacrumbs_salloc and datacrumbs_sbatch: parse (wrapargs.h), check
 * the probe file (probecheck.h), merge the comment (jobmeta.h, scripthdr.h), exec Slurm's tool
 * (realtool.h). The two programs differ only in the tool they wrap.
 *
 * Exit status: Slurm's (exec); 1 when a check fails; 2 for a usage error; 126/127 when Slurm's
 * tool cannot be run / is not found.
 */
#ifndef DC_WRAPPER_H
#define DC_WRAPPER_H

#include "slurmopts.h"

enum {
    DC_WRAP_EXIT_CHECK = 1,
    DC_WRAP_EXIT_USAGE = 2,
    DC_WRAP_EXIT_NOEXEC = 126,
    DC_WRAP_EXIT_NOTFOUND = 127
};

int dc_wrapper_main(enum dc_slurm_tool tool, int argc, char **argv);

#endif
