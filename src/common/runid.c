/* SPDX-License-Identifier: BSD-3-Clause */
/* runid.c - run id and user name rules (see runid.h). */
#include "runid.h"

#include <string.h>

static bool is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool dc_runid_valid(const char *s)
{
    size_t n;

    if (!s || !is_alnum(s[0]))
        return false;
    n = strlen(s);
    if (n > DC_RUNID_MAX)
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

bool dc_runid_from_flux(const char *job_id, char *out)
{
    size_t n;

    out[0] = '\0';
    if (!job_id)
        return false;
    if ((unsigned char)job_id[0] == 0xc6 && (unsigned char)job_id[1] == 0x92) {
        job_id += 2;
        if (!*job_id)
            return false;
        out[0] = 'f';
        out[1] = '\0';
    }
    n = strlen(out);
    if (strlen(job_id) > DC_RUNID_MAX - n)
        return false;
    memcpy(out + n, job_id, strlen(job_id) + 1);
    return dc_runid_valid(out);
}

bool dc_username_valid(const char *s)
{
    size_t n;

    if (!s || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    n = strlen(s);
    if (n > 32)
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}
