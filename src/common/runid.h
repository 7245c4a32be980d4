/* SPDX-License-Identifier: BSD-3-Clause */
/* runid.h - run ids and user names that may reach unit names, file names and command lines. */
#ifndef DC_RUNID_H
#define DC_RUNID_H

#include <stdbool.h>

#define DC_RUNID_MAX 64

/* ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ : safe in a systemd instance name and a file name. */
bool dc_runid_valid(const char *s);

/* POSIX portable user names: ^[A-Za-z_][A-Za-z0-9_.-]{0,31}$ (a trailing '$' is refused). */
bool dc_username_valid(const char *s);

#endif
