/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slurmconf.h - the one thing the hook wants from slurm.conf: PrologEpilogTimeout, so that the
 * prolog gives up (the job runs untraced) before slurmd kills it and drains the node.
 *
 * slurmd tells a Prolog where its configuration is in SLURM_CONF (also in configless mode);
 * without it the hook looks at /etc/slurm/slurm.conf. The value can only shorten the hook's own
 * time limit, so a file that cannot be read or parsed just means "not known".
 */
#ifndef DC_HOOK_SLURMCONF_H
#define DC_HOOK_SLURMCONF_H

#include <stdbool.h>

#define DC_SLURM_CONF_DEFAULT "/etc/slurm/slurm.conf"

/*
 * Whether line (one line of slurm.conf, without its newline) sets PrologEpilogTimeout (any
 * case, "Key=Value" words separated by blanks, '#' to the end of the line a comment); the
 * seconds go to *seconds. 0 or 65534 (Slurm's INFINITE) is no limit and gives 0.
 */
bool dc_slurmconf_line(const char *line, long *seconds);

/* PrologEpilogTimeout from the file at path (the last setting wins); 0 when it is not set,
 * unlimited, or the file cannot be read. Include lines are not followed. */
long dc_slurmconf_prolog_timeout(const char *path);

/*
 * The prolog's time limit: prolog_timeout (datacrumbs.conf; 0: none of its own), and below
 * slurm_timeout (PrologEpilogTimeout; 0: not known or unlimited) with a margin for slurmd
 * (a fifth of it, 2 to 5 s: the hook's own grace, deadline.h, fits in it), never below 1 s.
 * 0: no limit at all.
 */
long dc_prolog_deadline(long prolog_timeout, long slurm_timeout);

#endif
