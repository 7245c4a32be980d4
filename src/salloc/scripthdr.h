/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scripthdr.h - the #SBATCH --comment of a batch script, read the way sbatch reads it.
 *
 * sbatch takes options from "#SBATCH" (or "#SLURM") lines at the start of a line, until the
 * first line that is neither blank nor a comment; a line naming "hetjob" (or "packjob") starts
 * the next job component. Each line is split into words with sbatch's rules: blanks separate,
 * '...' and "..." group (the quotes are removed), a backslash keeps the next character, an
 * unquoted '#' ends the line. So "#SBATCH --comment={"a":1}" gives {a:1}, as sbatch stores it.
 */
#ifndef DC_SCRIPTHDR_H
#define DC_SCRIPTHDR_H

#include <stddef.h>

#include "slurmopts.h"

#define DC_SCRIPTHDR_READ_MAX (1u << 20) /* bytes of a script looked at */

/*
 * The value of the last --comment among the directives of job component 0 in buf. Returns 1
 * with a malloc'ed *comment, 0 when there is none (or a line has an unmatched quote, which
 * sbatch itself refuses), -1 when out of memory.
 */
int dc_scripthdr_comment(const char *buf, size_t len, char **comment);

/*
 * The same for the script file at path. A path that cannot be opened, or is not a regular
 * file, gives 0: sbatch reports it (and a FIFO must not be read twice).
 */
int dc_scripthdr_comment_file(const char *path, char **comment);

#endif
