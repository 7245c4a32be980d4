/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slurm_optdump - print the wrappers' salloc/sbatch option tables (src/salloc/slurmopts.c), one
 * "TOOL long|short NAME none|req|opt" line each, for test_option_table.sh (never installed).
 */
#include <stdio.h>

#include "slurmopts.h"

static const char *kind(enum dc_arg a)
{
    return a == DC_ARG_REQ    ? "req"
           : a == DC_ARG_OPT  ? "opt"
           : a == DC_ARG_NONE ? "none"
                              : "unknown";
}

int main(void)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    for (int t = 0; t < 2; t++) {
        enum dc_slurm_tool tool = (enum dc_slurm_tool)t;
        const char *name;
        enum dc_arg arg;

        for (size_t i = 0; (name = dc_slurm_long_option_at(tool, i, &arg)); i++)
            printf("%s long %s %s\n", dc_slurm_tool_name(tool), name, kind(arg));
        for (const char *c = letters; *c; c++)
            printf("%s short %c %s\n", dc_slurm_tool_name(tool), *c,
                   kind(dc_slurm_short_option(tool, *c)));
    }
    return 0;
}
