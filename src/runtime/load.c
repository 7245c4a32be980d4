/* SPDX-License-Identifier: BSD-3-Clause */
/* load.c - read, verify and bind a probe file to its user (see load.h). */
#include "load.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readas.h"
#include "runid.h"

/* A gzip of at most DC_PF_MAX_DECOMPRESSED bytes is never larger than this. */
#define MAX_FILE ((size_t)DC_PF_MAX_DECOMPRESSED + (DC_PF_MAX_DECOMPRESSED >> 8) + 65536)
/* A hung file system under the user's path must not hang the daemon's start. */
#define READ_TIMEOUT_MS 30000

static int lookup_user(const char *name, struct rt_target *t, char *err, size_t errlen)
{
    struct passwd pw, *res = NULL;
    char buf[16384];

    if (!dc_username_valid(name)) {
        snprintf(err, errlen, "'%s' is not a valid user name", name);
        return -1;
    }
    if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res) {
        snprintf(err, errlen, "no such user '%s'", name);
        return -1;
    }
    snprintf(t->user, sizeof(t->user), "%s", name);
    t->uid = pw.pw_uid;
    t->gid = pw.pw_gid;
    return 0;
}

static enum rt_load_result refuse(char *err, size_t errlen, const char *path, const char *why,
                                  const char *detail)
{
    snprintf(err, errlen, "probe file %s refused: %s%s%s", path, why, detail ? ": " : "",
             detail ? detail : "");
    return RT_LOAD_REFUSED;
}

enum rt_load_result rt_load_probe_file(const struct dc_sysconf *sys, const char *path,
                                       const char *user, struct dc_probefile *pf,
                                       struct rt_target *t, char *err, size_t errlen)
{
    unsigned char key[DC_PF_HEX_LEN];
    char *bytes = NULL;
    enum dc_pf_status st;
    enum rt_load_result rc;
    char why[512], *detail = NULL;
    const char *issued_for;
    size_t len;
    time_t expires;

    memset(t, 0, sizeof(*t));
    if (user) {
        if (lookup_user(user, t, err, errlen) < 0)
            return RT_LOAD_CONFIG;
        if (dc_read_as_user(path, t->user, t->uid, t->gid, MAX_FILE, READ_TIMEOUT_MS, &bytes, &len,
                            why, sizeof(why)) < 0)
            return refuse(err, errlen, path, "cannot read it", why);
        st = dc_pf_parse(bytes, len, pf, &detail);
        free(bytes);
    } else {
        st = dc_pf_read(path, 1, pf, &detail);
    }
    if (st != DC_PF_OK) {
        rc = refuse(err, errlen, path, dc_pf_status_str(st), detail);
        free(detail);
        return rc;
    }
    if (dc_pf_secret_load(sys->secret_file, key, why, sizeof(why)) != DC_PF_OK) {
        snprintf(err, errlen, "cannot verify probe files: %s", why);
        rc = RT_LOAD_CONFIG;
        goto fail;
    }
    st = dc_pf_verify(pf, key, sizeof(key), 0);
    explicit_bzero(key, sizeof(key));
    if (st != DC_PF_OK) {
        rc = refuse(err, errlen, path, dc_pf_status_str(st), NULL);
        goto fail;
    }
    /* A file without an expiry would be good forever, on every node sharing the secret. */
    if (dc_pf_summary_time(pf, "expires_at", &expires) != 1) {
        rc = refuse(err, errlen, path, "it has no expires_at (sign it again)", NULL);
        goto fail;
    }
    issued_for = json_string_value(json_object_get(pf->summary, "user"));
    if (!user) {
        if (!issued_for) {
            rc = refuse(err, errlen, path, "it names no user (give USER)", NULL);
            goto fail;
        }
        if (lookup_user(issued_for, t, why, sizeof(why)) < 0) {
            rc = refuse(err, errlen, path, "its user is unknown here", why);
            goto fail;
        }
    }
    if (dc_pf_check_user(pf, (unsigned)t->uid) != DC_PF_OK) {
        snprintf(why, sizeof(why), "it was issued for %s, not %s (uid %u)",
                 issued_for ? issued_for : "another user", t->user, (unsigned)t->uid);
        rc = refuse(err, errlen, path, why, NULL);
        goto fail;
    }
    return RT_LOAD_OK;
fail:
    dc_pf_free(pf);
    return rc;
}

size_t rt_count_functions(const struct dc_probefile *pf)
{
    size_t n = 0, i;
    const json_t *cat;

    json_array_foreach(pf->categories, i, cat)
    {
        json_int_t type = json_integer_value(json_object_get(cat, "type"));

        if (type != DC_PF_CUSTOM)
            n += json_array_size(json_object_get(cat, "functions"));
    }
    return n;
}
