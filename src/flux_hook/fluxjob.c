/* SPDX-License-Identifier: BSD-3-Clause */
/* fluxjob.c - the DataCrumbs request of a Flux job (see fluxjob.h). */
#include "fluxjob.h"

#include <errno.h>
#include <flux/core.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* {"datacrumbs": value}, compact; NULL without memory. */
static char *as_request(json_t *value)
{
    json_t *o = json_pack("{s:O}", "datacrumbs", value);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(o);
    return s;
}

int dc_flux_job_request(const char *job_id, char **request, char *err, size_t errlen)
{
    flux_future_t *f = NULL;
    flux_jobid_t id;
    flux_t *h = NULL;
    const char *text = NULL;
    char key[128];
    json_t *spec = NULL, *v;
    json_error_t jerr;
    int rc = -1;

    *request = NULL;
    if (!job_id || flux_job_id_parse(job_id, &id) < 0) {
        snprintf(err, errlen, "FLUX_JOB_ID '%.64s' is not a Flux job id", job_id ? job_id : "");
        return -1;
    }
    if (flux_job_kvs_key(key, sizeof(key), id, "jobspec") < 0) {
        snprintf(err, errlen, "cannot name the job's jobspec key");
        return -1;
    }
    if (!(h = flux_open(NULL, 0))) {
        snprintf(err, errlen, "cannot connect to the Flux instance (FLUX_URI): %s",
                 strerror(errno));
        return -1;
    }
    if (!(f = flux_kvs_lookup(h, NULL, 0, key)) ||
        flux_future_wait_for(f, DC_FLUX_RPC_TIMEOUT) < 0 || flux_kvs_lookup_get(f, &text) < 0 ||
        !text) {
        snprintf(err, errlen, "cannot read the jobspec of job %s: %s", job_id,
                 errno == ETIMEDOUT ? "no answer in time" : strerror(errno));
        goto cleanup;
    }
    /* A jobspec is JSON the job ingest already took apart; only the member is ours to read. */
    if (!(spec = json_loads(text, JSON_REJECT_DUPLICATES, &jerr))) {
        snprintf(err, errlen, "the jobspec of job %s is not JSON: %s", job_id, jerr.text);
        goto cleanup;
    }
    v = json_object_get(json_object_get(json_object_get(spec, "attributes"), "system"),
                        "datacrumbs");
    if (v && !(*request = as_request(v))) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    rc = 0;
cleanup:
    json_decref(spec);
    flux_future_destroy(f);
    flux_close(h);
    return rc;
}
