/* SPDX-License-Identifier: BSD-3-Clause */
/* inspect.h - what datacrumbs_probe_inspect found, and its two ways of showing it. */
#ifndef DC_PROBE_INSPECT_H
#define DC_PROBE_INSPECT_H

#include <stdio.h>

#include "probefile.h"

/* Exit codes, documented in datacrumbs_probe_inspect(1). */
enum {
    EXIT_FAILED = 1,     /* configuration error, out of memory */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_UNREADABLE = 3, /* the probe file cannot be read */
    EXIT_INVALID = 4,    /* not a valid probe file (gzip, JSON, structure, size) */
    EXIT_BAD_MAC = 5,    /* --verify: the checksum does not match */
    EXIT_OUTSIDE = 6,    /* --verify: expired, or not valid yet */
    EXIT_STRUCTURE = 7,  /* --verify: the secret is root's; only the structure was checked */
    EXIT_BAD_SECRET = 8, /* --verify as root: the secret is missing, insecure or malformed */
};

/* The outcome of --verify, for both outputs. */
enum verdict {
    V_NOT_ASKED,  /* no --verify */
    V_OK,         /* MAC good, inside the validity window */
    V_STRUCTURE,  /* could not read the secret: structure only */
    V_BAD_SECRET, /* the secret is unusable */
    V_FAILED,     /* dc_pf_verify said no: see status */
};

struct report {
    const char *path;
    const struct dc_probefile *pf;
    long long file_size;
    enum verdict verdict;
    enum dc_pf_status status; /* of dc_pf_verify when V_FAILED */
    const char *why;          /* message for V_STRUCTURE / V_BAD_SECRET */
    time_t now;
};

void render_text(FILE *out, const struct report *r);
/* Returns 0, or -1 when out of memory. */
int render_json(FILE *out, const struct report *r);

#endif
