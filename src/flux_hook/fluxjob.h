/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fluxjob.h - the DataCrumbs request of a Flux job, from its jobspec in the instance's KVS
 * (libflux-core), as the job manager's prolog sees it.
 *
 * The flux CLI plugin (datacrumbs_flux(1)) puts the request at
 * attributes.system.datacrumbs = {"enable":"yes","probe_file":PATH}: the same object SLURM jobs
 * carry in their comment, so it is handed on as {"datacrumbs":<that value>} and checked by the
 * same hostile-input parser (jobmeta.h), whatever the user put there with --setattr.
 */
#ifndef DC_FLUXJOB_H
#define DC_FLUXJOB_H

#include <stddef.h>

#define DC_FLUX_RPC_TIMEOUT 10.0 /* seconds for the jobspec lookup */

/*
 * The request of job job_id (f58 or decimal) in *request (malloc'ed), or NULL when the job has
 * no attributes.system.datacrumbs. Returns 0, or -1 with the reason in err (no instance to talk
 * to, no such job, a jobspec that is not JSON).
 */
int dc_flux_job_request(const char *job_id, char **request, char *err, size_t errlen);

#endif
