/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * preempt.h - who holds a run's lock, and when a waiting request may make the holder give way.
 *
 * A run id is claimed by taking its lock (runfiles.h). Through sudo any user may name any run
 * id, also the id of another user's next job, and hold that lock while the runtime checks a
 * probe file or comes up (up to ready_timeout, minutes). The job's prolog (root, acting for
 * the job's user) must not wait for that. So the holder writes who it is into the lock file
 * (root's, 0600: nobody else can write it), and a waiter that the rule below allows tells the
 * holder to give way: SIGTERM first (node control then kills what it spawned, undoes the
 * start and lets go of the lock within a fraction of a second), SIGKILL after
 * DC_PREEMPT_GRACE_MS. The record is
 *
 *   "datacrumbs-lock/1 pid=PID caller=UID verb=VERB user=USER\n"
 *
 * The rule (dc_preempt_allowed): root's start or stop (the prolog, the epilog, an admin) takes
 * over from a request made through sudo by a user (caller not root) when it is a stop, or a
 * start for another user than the one the holder acts for. Nothing pre-empts root, and a
 * user's request never pre-empts anything: it waits, as before.
 */
#ifndef DC_NODECTL_PREEMPT_H
#define DC_NODECTL_PREEMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "protocol.h"

#define DC_PREEMPT_GRACE_MS 2000 /* SIGTERM, then this long, then SIGKILL */
#define DC_LOCK_RECORD_MAX  256

struct dc_lock_record {
    long pid;
    uid_t caller; /* the caller node control acts for (SUDO_UID, or 0) */
    enum dc_verb verb;
    char user[DC_USER_MAX + 1]; /* the user the request acts for; "" for stop and status */
};

/* The record as one line into buf (DC_LOCK_RECORD_MAX). Returns its length, or -1. */
int dc_lock_record_format(const struct dc_lock_record *r, char *buf, size_t len);

/* Parse what a lock file holds (not NUL-terminated). 0, or -1 when it is not a valid record
 * (an empty file: the holder has not written it yet, or an older node control). */
int dc_lock_record_parse(const char *buf, size_t len, struct dc_lock_record *r);

/* May the waiting request make the holder give way? See the rule above. */
bool dc_preempt_allowed(const struct dc_lock_record *waiter, const struct dc_lock_record *holder);

/*
 * Cancellation of the request this process works on: SIGTERM or SIGINT (the user interrupting
 * its own request through sudo, or a waiter pre-empting it) sets a flag that every wait of node
 * control looks at; the request then ends as soon as it has undone what it did.
 */
void dc_cancel_install(void);
bool dc_cancelled(void);

#endif
