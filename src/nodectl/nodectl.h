/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nodectl.h - node control: the one module that starts, stops and checks the runtime of a run
 * on this node. datacrumbs_nodectl(8) is its command-line and ssh front end; the SLURM hook and
 * datacrumbs_service_wrapper link it too.
 *
 * start RUN_ID PROBE_FILE USER
 *   caller may act for USER (caller.h) -> run id not in use by someone else -> the probe file
 *   read as USER into a root-owned snapshot (snapshot.h) -> "<runtime_daemon> --check
 *   SNAPSHOT RUN_ID USER" -> env file (envfile.h) -> service manager start, wait for ready.
 *   Any failure leaves nothing behind. A run already running for USER is success.
 * stop RUN_ID
 *   caller may stop it (env file names the caller, or root) -> service manager stop, wait ->
 *   env file, snapshot and lock removed only once the runtime is gone. Not running: success.
 * check RUN_ID PROBE_FILE USER
 *   the start checks without starting anything, plus this node's secret fingerprint. Takes
 *   no lock (its snapshot is private to the request): a check never holds a run id.
 * status [RUN_ID]
 *   root sees every run; a user through sudo only runs whose env file names it.
 *
 * start and stop hold the run's lock. Root's start or stop (the prolog, the epilog, an admin)
 * makes a user's request that holds it give way within a few seconds (preempt.h): through
 * sudo a user can name the id of another user's next job, and must not keep that job waiting.
 *
 * Use from another program (the SLURM hook, datacrumbs_service_wrapper), running as root:
 *
 *   struct dc_caller root;
 *   struct dc_nodectl n;
 *   struct dc_request req = {.verb = DC_VERB_START};   (or DC_VERB_STOP: run_id only)
 *   struct dc_reply rep;
 *   char err[512];
 *
 *   dc_caller_identify(&root, 0, 0, NULL, err, sizeof(err));     root may act for any user
 *   if (dc_nodectl_init(&n, config_path_or_NULL, &root, err, sizeof(err)) < 0)
 *       ...                                                      the configuration is broken
 *   snprintf(req.run_id, sizeof(req.run_id), "%s", job_id);      values are validated by
 *   snprintf(req.user, sizeof(req.user), "%s", user_name);       dc_nodectl_handle itself
 *   snprintf(req.probe_file, sizeof(req.probe_file), "%s", path);
 *   dc_nodectl_handle(&n, &req, &rep);                           rep.result, rep.detail
 *
 * dc_nodectl_handle blocks for up to ready_timeout (start) or stop_timeout (stop), plus the
 * wait for the run's lock (a few seconds when it pre-empts the holder); it forks and waits for its
 * own children, so SIGCHLD must not be ignored in the caller. It writes nothing to stdout; it logs
 * one line through log.h.
 */
#ifndef DC_NODECTL_H
#define DC_NODECTL_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "caller.h"
#include "conf.h"
#include "protocol.h"
#include "service.h"

struct dc_nodectl {
    struct dc_sysconf sys;
    const char *config_path; /* absolute, passed on to the runtime; NULL for the system file */
    char config_buf[PATH_MAX];
    const struct dc_service_manager *sm;
    struct dc_caller caller;
};

/*
 * Load the configuration (NULL: the system file) and pick the service manager. The caller is
 * copied in (dc_caller_identify). Returns 0, or -1 with the reason in err.
 */
int dc_nodectl_init(struct dc_nodectl *n, const char *config_path, const struct dc_caller *caller,
                    char *err, size_t errlen);

/* Carry out one validated request; the outcome is in rep. */
void dc_nodectl_handle(struct dc_nodectl *n, const struct dc_request *req, struct dc_reply *rep);

/*
 * Every run this node knows of (an env or pid file in run_dir) that the caller may see (root:
 * all; a user: those whose env file names it), one line each: as a table for people, or as
 * "run=ID STATE USER PID" protocol lines; out NULL only counts them. Returns the number.
 */
int dc_nodectl_list(struct dc_nodectl *n, FILE *out, int protocol_lines);

/*
 * Whether run_id may have something to stop on this node, without spawning anything: its env
 * or pid file exists, or the service manager says it may run (systemd: the unit is loaded).
 * True when it cannot be told.
 */
bool dc_nodectl_may_run(const struct dc_nodectl *n, const char *run_id);

/* The exit code of datacrumbs_nodectl for a result: 0 ok, 1 failed, 2 invalid, 3 denied. */
int dc_nodectl_exit_code(enum dc_result r);

#endif
