/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * params.h - parse a C parameter list ("unsigned int fd, char __user *buf, size_t count")
 * into argument specs, as upstream's prototype parser did for kernel headers (reference 4.3):
 * kernel address-space annotations are dropped, the last identifier is the label when there is
 * one, and the type text is normalised.
 */
#ifndef DC_PARAMS_H
#define DC_PARAMS_H

#include <stddef.h>

#include "arena.h"
#include "argspec.h"

/* Returns 0 with sig filled (strings in the arena), -1 when the list cannot be understood. */
int dc_params_parse(const char *text, size_t len, struct dc_arena *a, struct dc_sig *sig);

#endif
