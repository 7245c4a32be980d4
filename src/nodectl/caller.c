/* SPDX-License-Identifier: BSD-3-Clause */
/* caller.c - identity of the caller and the rules of what it may do (see caller.h). */
#include "caller.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dc_caller_identify(struct dc_caller *c, uid_t ruid, uid_t euid, const char *sudo_uid, char *err,
                       size_t errlen)
{
    struct passwd *pw;

    memset(c, 0, sizeof(*c));
    if (euid != 0) {
        snprintf(err, errlen, "must run as root (through sudo: see datacrumbs-cluster(7))");
        return -1;
    }
    c->uid = ruid;
    /* Only a real-root process started by sudo carries a SUDO_UID we may believe. */
    if (ruid == 0 && sudo_uid) {
        char *end;
        unsigned long v;

        /* Digits only: strtoul alone would also take " 5", "+5" and "-1". */
        errno = 0;
        v = strtoul(sudo_uid, &end, 10);
        if (!*sudo_uid || strspn(sudo_uid, "0123456789") != strlen(sudo_uid) || *end || errno ||
            v > (unsigned long)(uid_t)-2) {
            snprintf(err, errlen, "SUDO_UID is not a user id");
            return -1;
        }
        c->uid = (uid_t)v;
        c->via_sudo = true;
    }
    pw = getpwuid(c->uid);
    if (pw && strlen(pw->pw_name) < sizeof(c->name))
        snprintf(c->name, sizeof(c->name), "%s", pw->pw_name);
    return 0;
}

int dc_caller_may_act_for(const struct dc_caller *c, const char *user, char *err, size_t errlen)
{
    if (dc_caller_is_root(c))
        return 0;
    if (!c->name[0]) {
        snprintf(err, errlen, "uid %u has no user name", (unsigned)c->uid);
        return -1;
    }
    if (strcmp(c->name, user) != 0) {
        snprintf(err, errlen, "%s may only start runs for itself, not for %s", c->name, user);
        return -1;
    }
    return 0;
}

int dc_caller_may_stop(const struct dc_caller *c, const char *run_id, const char *owner, char *err,
                       size_t errlen)
{
    if (dc_caller_is_root(c))
        return 0;
    if (!owner) {
        snprintf(err, errlen, "run %s has no env file naming its owner; only root may stop it",
                 run_id);
        return -1;
    }
    if (!c->name[0] || strcmp(c->name, owner) != 0) {
        snprintf(err, errlen, "run %s belongs to another user", run_id);
        return -1;
    }
    return 0;
}
