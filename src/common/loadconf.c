/* SPDX-License-Identifier: BSD-3-Clause */
/* loadconf.c - the system configuration as a program's main() loads it (see loadconf.h). */
#include "loadconf.h"

#include "log.h"

int dc_load_sysconf(struct dc_sysconf *c, const char *config_path)
{
    char err[1024];

    if (dc_sysconf_load(c, config_path, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return -1;
    }
    return 0;
}
