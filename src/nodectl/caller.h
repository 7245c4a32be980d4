/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * caller.h - who asked node control to act, and what they may do.
 *
 * Node control runs as root. Run directly by root, the caller is root. Run through sudo (real
 * and effective uid 0), the caller is SUDO_UID, which sudo sets itself and a user cannot
 * override unless sudoers grants SETENV (the shipped rule does not; datacrumbs-cluster(7)).
 * A root caller may act for any user; any other caller only for itself: start/check with USER
 * equal to its own name, stop only runs whose env file names it.
 */
#ifndef DC_NODECTL_CALLER_H
#define DC_NODECTL_CALLER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dc_caller {
    uid_t uid;
    char name[64]; /* from the user database; "" if the uid has no entry */
    bool via_sudo;
};

/*
 * Work out the caller from the process credentials and the SUDO_UID value (NULL when unset).
 * Fails (-1, reason in err) when euid is not 0, or SUDO_UID is set but not a plain number.
 */
int dc_caller_identify(struct dc_caller *c, uid_t ruid, uid_t euid, const char *sudo_uid, char *err,
                       size_t errlen);

static inline bool dc_caller_is_root(const struct dc_caller *c)
{
    return c->uid == 0;
}

/* May the caller start (or check) a run for user? 0 yes, -1 no (reason in err). */
int dc_caller_may_act_for(const struct dc_caller *c, const char *user, char *err, size_t errlen);

/*
 * May the caller stop a run whose env file names owner (NULL: no env file, owner unknown)?
 * 0 yes, -1 no (reason in err). Without an owner only root may stop what is still running.
 */
int dc_caller_may_stop(const struct dc_caller *c, const char *run_id, const char *owner, char *err,
                       size_t errlen);

#endif
