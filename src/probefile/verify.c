/* SPDX-License-Identifier: BSD-3-Clause */
/* verify.c - the MAC, the validity window and the user a probe file was issued for. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probefile.h"

int dc_pf_summary_time(const struct dc_probefile *pf, const char *key, time_t *t)
{
    const json_t *v = json_object_get(pf->summary, key);

    if (!v)
        return 0;
    if (!json_is_string(v) || dc_pf_time_parse(json_string_value(v), t) < 0)
        return -1;
    return 1;
}

enum dc_pf_status dc_pf_verify(const struct dc_probefile *pf, const void *key, size_t keylen,
                               time_t now)
{
    char mac[DC_PF_HEX_LEN + 1];
    enum dc_pf_status st;
    time_t t;
    int rc;

    if (!pf->doc)
        return DC_PF_ERR_SCHEMA;
    st = dc_pf_sign(pf->summary, pf->categories, key, keylen, mac);
    if (st != DC_PF_OK)
        return st;
    rc = dc_pf_mac_equal(mac, pf->checksum);
    explicit_bzero(mac, sizeof(mac));
    if (!rc)
        return DC_PF_ERR_CHECKSUM;
    /* Only now is the summary trusted enough to read times from it. */
    if (now == 0)
        now = time(NULL);
    if ((rc = dc_pf_summary_time(pf, "expires_at", &t)) < 0)
        return DC_PF_ERR_SCHEMA;
    if (rc == 1 && t <= now)
        return DC_PF_ERR_EXPIRED;
    if ((rc = dc_pf_summary_time(pf, "issued_at", &t)) < 0)
        return DC_PF_ERR_SCHEMA;
    if (rc == 1 && t > now + DC_PF_CLOCK_SKEW)
        return DC_PF_ERR_NOT_YET;
    return DC_PF_OK;
}

enum dc_pf_status dc_pf_check_user(const struct dc_probefile *pf, unsigned uid)
{
    const json_t *juid = json_object_get(pf->summary, "uid");
    const json_t *juser = json_object_get(pf->summary, "user");
    struct passwd pw, *res = NULL;
    char *buf;
    long bufsize = sysconf(_SC_GETPW_R_SIZE_MAX);
    int ok;

    if (!json_is_integer(juid) || json_integer_value(juid) != (json_int_t)uid)
        return DC_PF_ERR_USER;
    if (!juser)
        return DC_PF_OK;
    if (!json_is_string(juser))
        return DC_PF_ERR_USER;
    if (bufsize < 16384)
        bufsize = 16384;
    buf = malloc((size_t)bufsize);
    if (!buf)
        return DC_PF_ERR_NOMEM;
    ok = getpwnam_r(json_string_value(juser), &pw, buf, (size_t)bufsize, &res) == 0 && res &&
         res->pw_uid == uid;
    free(buf);
    return ok ? DC_PF_OK : DC_PF_ERR_USER;
}
