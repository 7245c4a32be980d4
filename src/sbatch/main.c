/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_sbatch - sbatch with a DataCrumbs tracing request in the job comment.
 * Everything is in src/salloc/wrapper.c, shared with datacrumbs_salloc.
 */
#include "wrapper.h"

int main(int argc, char **argv)
{
    return dc_wrapper_main(DC_TOOL_SBATCH, argc, argv);
}
