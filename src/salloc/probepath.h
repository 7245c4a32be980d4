/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probepath.h - which probe file paths a job may hand to the compute nodes.
 *
 * The path comes from a job comment or a SPANK option, i.e. from the user, and reaches root on
 * every node. Node control never gives it to a shell, but a path holding "$(", quotes, spaces
 * or newlines in a job's metadata is far more likely an attack than a file, so the SLURM side
 * accepts only canonical absolute paths of portable characters (the wrappers apply the same
 * rule at submission, so users hear about it before the job runs).
 *
 * Kept free of any library so that the SPANK plugin, loaded into slurmd and the Slurm
 * commands, can compile it in.
 */
#ifndef DC_PROBEPATH_H
#define DC_PROBEPATH_H

#include <stddef.h>

#define DC_PROBEPATH_MAX 4095 /* bytes, without the NUL (PATH_MAX - 1) */

/* The characters accepted besides ASCII letters and digits. */
#define DC_PROBEPATH_EXTRA "/._-+,@=:~%"

/*
 * Absolute, at most DC_PROBEPATH_MAX bytes, only letters, digits and DC_PROBEPATH_EXTRA, no
 * empty, "." or ".." component, no trailing '/'. Returns 0, or -1 with the reason in err (the
 * offending character is shown escaped, never raw).
 */
int dc_probepath_check(const char *path, char *err, size_t errlen);

#endif
