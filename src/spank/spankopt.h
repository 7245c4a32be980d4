/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * spankopt.h - the submitting user's --datacrumbs-probe-file, checked by the SPANK plugin in
 * sbatch, salloc and srun before the job is queued.
 *
 * The value travels to the nodes as typed (a SPANK option cannot be rewritten), so it must
 * already be what the prolog accepts: an absolute, canonical path of portable characters
 * (probepath.h), naming a regular file this user can read that starts like a probe file (gzip,
 * or plain JSON). The plugin is loaded into Slurm's own programs and links no JSON or zlib
 * library: the structure, owner and validity window are checked next by the hook's
 * --submit-check (what datacrumbs_sbatch checks), the signature on the nodes.
 */
#ifndef DC_SPANKOPT_H
#define DC_SPANKOPT_H

#include <stddef.h>

/*
 * Check value as the calling user. Returns 0 (*node_local set when the file is under a
 * directory usually local to a host: /tmp, /var/tmp, /dev/shm, /run), or -1 with a message for
 * the user in err.
 */
int dc_spank_probe_check(const char *value, int *node_local, char *err, size_t errlen);

#endif
