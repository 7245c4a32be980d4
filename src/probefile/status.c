/* SPDX-License-Identifier: BSD-3-Clause */
/* status.c - the messages of the probe file statuses and category types. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "probefile.h"

static const char *const messages[] = {
    [DC_PF_OK] = "ok",
    [DC_PF_ERR_IO] = "cannot read the probe file",
    [DC_PF_ERR_TOO_LARGE] = "the probe file is too large",
    [DC_PF_ERR_GZIP] = "the probe file is not a valid gzip stream",
    [DC_PF_ERR_JSON] = "the probe file is not valid JSON",
    [DC_PF_ERR_SCHEMA] = "the probe file does not have the probe file structure",
    [DC_PF_ERR_CONTROL] = "the probe file holds a control character in a string",
    [DC_PF_ERR_ALGORITHM] = "the probe file checksum algorithm is not hmac-sha256",
    [DC_PF_ERR_CHECKSUM] = "the probe file checksum does not match (modified, or signed with "
                           "another secret)",
    [DC_PF_ERR_EXPIRED] = "the probe file has expired",
    [DC_PF_ERR_NOT_YET] = "the probe file is not valid yet (issued in the future)",
    [DC_PF_ERR_USER] = "the probe file was issued for another user",
    [DC_PF_ERR_SECRET] = "the probe signing secret is missing, insecure or malformed",
    [DC_PF_ERR_NOMEM] = "out of memory",
};

const char *dc_pf_status_str(enum dc_pf_status s)
{
    if ((unsigned)s >= sizeof(messages) / sizeof(messages[0]) || !messages[s])
        return "unknown probe file error";
    return messages[s];
}

const char *dc_pf_type_name(json_int_t type)
{
    switch (type) {
    case DC_PF_SYSCALLS: return "syscalls";
    case DC_PF_KPROBE: return "kprobe";
    case DC_PF_UPROBE: return "uprobe";
    case DC_PF_USDT: return "usdt";
    case DC_PF_CUSTOM: return "custom";
    default: return "unknown";
    }
}

enum dc_pf_status pf_fail(char **detail, enum dc_pf_status status, const char *fmt, ...)
{
    va_list ap;

    if (!detail)
        return status;
    free(*detail);
    *detail = NULL;
    va_start(ap, fmt);
    if (vasprintf(detail, fmt, ap) < 0)
        *detail = NULL;
    va_end(ap);
    return status;
}
