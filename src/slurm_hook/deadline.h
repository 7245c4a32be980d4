/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * deadline.h - run a piece of the hook in a child with a time limit: slurmd kills a Prolog that
 * outlives PrologEpilogTimeout and drains the node, so the hook must give up first.
 */
#ifndef DC_HOOK_DEADLINE_H
#define DC_HOOK_DEADLINE_H

enum dc_deadline { DC_DEADLINE_DONE = 0, DC_DEADLINE_EXPIRED, DC_DEADLINE_NO_CHILD };

#define DC_DEADLINE_GRACE_MS 1000 /* from SIGTERM to SIGKILL when the deadline has passed */

/*
 * Run fn(arg) in a child process of its own process group and wait up to timeout_s seconds.
 * When it takes longer, the child gets SIGTERM (fn should cancel cleanly: preempt.h) and, if
 * it has not ended DC_DEADLINE_GRACE_MS later, the whole group (the child and what it started
 * and is waiting for) is killed; the child also dies with the caller. DC_DEADLINE_NO_CHILD:
 * fork failed and fn was not run.
 */
enum dc_deadline dc_run_with_deadline(long timeout_s, void (*fn)(void *arg), void *arg);

#endif
