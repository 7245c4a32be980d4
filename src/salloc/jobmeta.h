/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * jobmeta.h - the DataCrumbs request carried in a SLURM job comment (docs/design.md §4.6).
 *
 *   {"datacrumbs":{"enable":"yes","probe_file":"/abs/path/probes.json.gz"}}
 *
 * Upstream-compatible: the same keys, key order and string values, compact JSON. The wrappers
 * build it (merged into the user's own JSON comment); the node hook parses it as hostile input
 * with the rules below, and the wrappers check what they submit with the same parser.
 *
 * Parsing rules: at most DC_JOBMETA_MAX bytes and DC_JOBMETA_DEPTH levels of nesting; one JSON
 * object, duplicate keys refused; its "datacrumbs" member an object holding "enable" (the
 * string "yes" or "no") and, when enabled, "probe_file" (a string that passes
 * dc_probepath_check). Other keys of the datacrumbs object (upstream's legacy "composite" and
 * "probes") and other top-level members (the user's) are ignored.
 */
#ifndef DC_JOBMETA_H
#define DC_JOBMETA_H

#include <stddef.h>

#include "probepath.h"

#define DC_JOBMETA_MAX   4096 /* bytes of comment a DataCrumbs request may use */
#define DC_JOBMETA_DEPTH 4    /* levels of nesting in the whole comment */

/* slurmctld refuses a longer comment ("Pathname ... too long"; measured with Slurm 22.05). */
#define DC_SLURM_COMMENT_MAX 1024

enum dc_jobmeta_result {
    DC_JOBMETA_ENABLED = 0, /* a valid request: probe_file is set */
    DC_JOBMETA_ABSENT,      /* no comment, or one that does not concern DataCrumbs */
    DC_JOBMETA_DISABLED,    /* "enable":"no" */
    DC_JOBMETA_INVALID,     /* a request that is refused; err says why */
};

/*
 * Parse a job comment (len bytes, need not be NUL-terminated; NULL means no comment). On
 * DC_JOBMETA_ENABLED the probe file path is copied to probe_file. err gets the reason for
 * DC_JOBMETA_INVALID and a short note for the other results. A comment that is not JSON, or
 * is over the size limit, is DC_JOBMETA_ABSENT unless it mentions "datacrumbs".
 */
enum dc_jobmeta_result dc_jobmeta_parse(const char *comment, size_t len, char *probe_file,
                                        size_t pflen, char *err, size_t errlen);

/*
 * The comment to submit: the metadata for probe_file (already absolute and checked) merged
 * into user_comment (NULL, empty or blank: none). A JSON object gets "datacrumbs" as its first
 * member (an equal "datacrumbs" member already there is kept; a different one is an error).
 * Any other text is an error, unless wrap_text is set: then it is kept as {"datacrumbs":...,
 * "comment":"<text>"}. The result must parse as DC_JOBMETA_ENABLED. Returns 0 with a
 * malloc'ed string in *out, or -1 with the reason in err.
 */
int dc_jobmeta_merge(const char *user_comment, const char *probe_file, int wrap_text, char **out,
                     char *err, size_t errlen);

#endif
