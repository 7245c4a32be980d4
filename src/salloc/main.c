/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_salloc - salloc with a DataCrumbs tracing request in the job comment.
 * Everything is in wrapper.c, shared with datacrumbs_sbatch.
 */
#include "wrapper.h"

int main(int argc, char **argv)
{
    return dc_wrapper_main(DC_TOOL_SALLOC, argc, argv);
}
