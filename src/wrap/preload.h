/* SPDX-License-Identifier: BSD-3-Clause */
/* preload.h - compose LD_PRELOAD with the client library first, never twice. */
#ifndef DC_WRAP_PRELOAD_H
#define DC_WRAP_PRELOAD_H

/*
 * New LD_PRELOAD value: lib followed by the entries of existing (which may be NULL or empty).
 * The dynamic loader splits the list at ':' and ' '. When an entry already names lib (the same
 * string, or the same file) the existing value is returned unchanged.
 * Returns a malloc'ed string, or NULL when out of memory.
 */
char *dc_preload_compose(const char *existing, const char *lib);

#endif
