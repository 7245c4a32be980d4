/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * load.h - accept or refuse a probe file before anything is attached: read it with the target
 * user's rights, check the MAC with the secret, the validity window and the user it was issued
 * for.
 */
#ifndef DC_RT_LOAD_H
#define DC_RT_LOAD_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"
#include "probefile.h"

struct rt_target {
    char user[64];
    uid_t uid;
    gid_t gid;
};

enum rt_load_result {
    RT_LOAD_OK = 0,
    RT_LOAD_REFUSED, /* the file is unreadable, malformed, tampered, expired or someone else's */
    RT_LOAD_CONFIG,  /* the secret or the user database is the problem, not the file */
};

/*
 * Load path for user (NULL: the user the file was issued for, read with root's rights since
 * root named it on the command line). On success pf holds the verified document and t the user.
 */
enum rt_load_result rt_load_probe_file(const struct dc_sysconf *sys, const char *path,
                                       const char *user, struct dc_probefile *pf,
                                       struct rt_target *t, char *err, size_t errlen);

/* Functions of the types the runtime counts against max_runtime_functions (not custom). */
size_t rt_count_functions(const struct dc_probefile *pf);

#endif
