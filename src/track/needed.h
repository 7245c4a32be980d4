/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * needed.h - which DT_NEEDED entries are "our library", and whether patchelf did what we asked.
 *
 * An entry is the client library when its file name is libdatacrumbs_client.so, or that name
 * followed by a version (libdatacrumbs_client.so.0), or the file name of the configured
 * client_lib, whatever the directory: binaries tracked by upstream's tools, from another prefix
 * or with a bare soname are all recognised. In exact mode only the configured path matches.
 */
#ifndef DC_TRACK_NEEDED_H
#define DC_TRACK_NEEDED_H

#include <stddef.h>

#include "elfinfo.h"

#define NEEDED_CLIENT_STEM "libdatacrumbs_client.so"

/* 1 when entry names the client library (see above), 0 otherwise. */
int needed_is_client(const char *entry, const char *client_lib, int exact);
/* How many entries of info name the client library. */
size_t needed_count_client(const struct elfinfo *info, const char *client_lib, int exact);
/* The first such entry, or NULL. */
const char *needed_first_client(const struct elfinfo *info, const char *client_lib, int exact);

/*
 * After "patchelf --add-needed client_lib": after must hold exactly the entries of before, in
 * the same order, plus one entry equal to client_lib. Returns 0 when it does, -1 otherwise.
 */
int needed_verify_added(const struct elfinfo *before, const struct elfinfo *after,
                        const char *client_lib);
/*
 * After removing the client entries: after must be before without every entry that
 * needed_is_client() matches, order kept. Returns 0 or -1.
 */
int needed_verify_removed(const struct elfinfo *before, const struct elfinfo *after,
                          const char *client_lib, int exact);

#endif
