/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs/client.h - mark a process for tracing by DataCrumbs.
 *
 * Loading libdatacrumbs_client.so.0 (datacrumbs_wrap, datacrumbs_track, or linking with
 * -ldatacrumbs_client) calls datacrumbs_start() when the program starts. A running datacrumbs
 * daemon watches these two functions: from datacrumbs_start() on, the calling process and the
 * children it forks are traced until the process exits (its last I/O, exit-time flushes
 * included) or it calls datacrumbs_stop() itself. A program may call them to trace only a
 * region. Both are cheap, never fail the program, and do nothing when the
 * environment variable DATACRUMBS_DISABLE is 1: the library then does not call them at all, and
 * an explicit call returns 1, which the reference daemon reads (it probes the return) to ignore
 * the call.
 */
#ifndef DATACRUMBS_CLIENT_H
#define DATACRUMBS_CLIENT_H

#ifdef __cplusplus
extern "C" {
#endif

#define DATACRUMBS_CLIENT_VERSION_MAJOR 0
#define DATACRUMBS_CLIENT_VERSION_MINOR 1

/* Begin tracing this process. Returns 0, or 1 when disabled by DATACRUMBS_DISABLE=1. */
int datacrumbs_start(void);

/* Stop tracing this process. Returns 0, or 1 when disabled by DATACRUMBS_DISABLE=1. */
int datacrumbs_stop(void);

#ifdef __cplusplus
}
#endif

#endif
