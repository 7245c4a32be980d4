/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.h - what a run found and did, for people (a table) and for programs (--json).
 */
#ifndef DC_CFG_REPORT_H
#define DC_CFG_REPORT_H

#include <stdio.h>

#include "discover.h"
#include "limit.h"

struct dc_report {
    const char *host_file;
    const char *output; /* absolute output path, NULL with --dry-run and no OUTPUT */
    int dry_run;
    int written;
    const struct dc_discovery *disc; /* NULL when discovery did not run */
    long max_functions;
    enum dc_limit_verdict limit;
    const char *checksum;   /* when written */
    const char *expires_at; /* when written */
    int exit_status;
    const char *error; /* the reason of a failing exit status, or NULL */
};

/* The categories as a table (--dry-run), then what was left out and the total. */
void dc_report_table(FILE *out, const struct dc_report *r);
/* The whole report as one JSON object and a newline. Returns 0 or -1. */
int dc_report_json(FILE *out, const struct dc_report *r);

#endif
