/* SPDX-License-Identifier: BSD-3-Clause */
/* runid.h - run ids and user names that may reach unit names, file names and command lines. */
#ifndef DC_RUNID_H
#define DC_RUNID_H

#include <stdbool.h>

#define DC_RUNID_MAX 64

/* ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ : safe in a systemd instance name and a file name. */
bool dc_runid_valid(const char *s);

/*
 * The run id of a Flux job: FLUX_JOB_ID in f58 form, whose prefix is U+0192 "ƒ" (UTF-8 C6 92)
 * in a UTF-8 locale and "f" otherwise, becomes "f" and the base58 digits, so that the job
 * names the same run whatever the locale of the program that reads it. Any other value is
 * kept as it is. out must hold DC_RUNID_MAX + 1 bytes; returns whether the result is a valid
 * run id.
 */
bool dc_runid_from_flux(const char *job_id, char *out);

/* POSIX portable user names: ^[A-Za-z_][A-Za-z0-9_.-]{0,31}$ (a trailing '$' is refused). */
bool dc_username_valid(const char *s);

#endif
