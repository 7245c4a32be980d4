/* SPDX-License-Identifier: BSD-3-Clause */
/* service.c - the table of service managers (see service.h). */
#include "service.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *dc_svc_state_name(enum dc_svc_state s)
{
    switch (s) {
    case DC_SVC_STARTING: return "starting";
    case DC_SVC_RUNNING: return "running";
    case DC_SVC_STOPPING: return "stopping";
    default: return "stopped";
    }
}

void dc_svc_detail(struct dc_svc_status *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
    va_end(ap);
}

const struct dc_service_manager *dc_service_manager_find(const char *name)
{
    static const struct dc_service_manager *const all[] = {&dc_svc_systemd, &dc_svc_direct};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (name && strcmp(name, all[i]->name) == 0)
            return all[i];
    return NULL;
}
