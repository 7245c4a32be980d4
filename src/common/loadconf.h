/* SPDX-License-Identifier: BSD-3-Clause */
/* loadconf.h - the system configuration as a program's main() loads it. */
#ifndef DC_LOADCONF_H
#define DC_LOADCONF_H

#include "conf.h"

/* dc_sysconf_load(c, config_path) with the reason for a failure printed as "prog: error: ...".
 * config_path is --config FILE, NULL for the system file. Returns 0 or -1. */
int dc_load_sysconf(struct dc_sysconf *c, const char *config_path);

#endif
