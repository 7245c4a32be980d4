/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * realtool.h - find Slurm's own salloc/sbatch in PATH, never the wrapper itself.
 *
 * A site may install the wrapper under Slurm's name (/usr/local/bin/sbatch ahead of
 * /usr/bin/sbatch), or link it there. Every PATH candidate that is the same file as the
 * running program (device and inode of /proc/self/exe) is skipped, so the wrapper never
 * executes itself.
 */
#ifndef DC_REALTOOL_H
#define DC_REALTOOL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Search path_env (":"-separated; NULL means the default /usr/local/bin:/usr/bin:/bin; an empty
 * entry is the current directory) for an executable regular file called name that is not the
 * file (self_dev, self_ino). Returns 0 with the path in out, or -1 (nothing found; *skipped_self
 * tells whether only the wrapper itself was).
 */
int dc_realtool_search(const char *name, const char *path_env, dev_t self_dev, ino_t self_ino,
                       char *out, size_t outlen, int *skipped_self);

/* The same with PATH and /proc/self/exe. Returns 0, or -1 with a message in err. */
int dc_realtool_find(const char *name, char *out, size_t outlen, char *err, size_t errlen);

#endif
