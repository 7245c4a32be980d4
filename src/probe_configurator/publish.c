/* SPDX-License-Identifier: BSD-3-Clause */
/* publish.c - sign the categories and write the probe file (see publish.h). */
#include "publish.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "options.h"
#include "signer.h"
#include "sitepolicy.h"
#include "summary.h"

/* The categories as the probe file holds them. NULL when out of memory. */
static json_t *categories_json(const struct dc_discovery *d)
{
    struct dc_json_cache jc = {0};
    json_t *a = json_array();

    for (size_t i = 0; a && i < d->ncats; i++) {
        json_t *c = dc_category_json(&d->cats[i], &jc);

        if (!c || json_array_append_new(a, c) < 0) {
            json_decref(a);
            a = NULL;
        }
    }
    dc_json_cache_free(&jc);
    return a;
}

/* The argument specs of fn that the policy lets the signer sign (a new reference). */
static json_t *allowed_specs(const struct dc_site_policy *sp, json_int_t type, const char *bin,
                             const char *cname, const char *fn, json_t *specs)
{
    json_t *out = json_array();
    size_t i;
    json_t *spec;

    json_array_foreach(specs, i, spec)
    {
        json_t *ix = json_object_get(spec, "index");
        const char *c_type = json_string_value(json_object_get(spec, "c_type"));

        if (c_type && dc_sp_is_capture(c_type, json_is_true(json_object_get(spec, "is_pointer"))) &&
            !dc_sp_capture_allowed(sp, type, bin, fn, (unsigned)json_integer_value(ix))) {
            dc_info("%s: %s: argument %lld (%s) is not captured: the probe policy %s does not "
                    "allow it",
                    cname, fn, (long long)json_integer_value(ix), c_type, sp->source);
            continue;
        }
        json_array_append(out, spec);
    }
    return out;
}

/*
 * Keep to the site's probe policy (sitepolicy.h), which the signer enforces: leave out the
 * captures it does not allow, and give the functions that may not get a return probe entry
 * probes only (entry_functions).
 */
static int keep_to_policy(json_t *cats, const struct dc_site_policy *sp)
{
    size_t ci;
    json_t *cat;

    json_array_foreach(cats, ci, cat)
    {
        json_int_t type = json_integer_value(json_object_get(cat, "type"));
        const char *bin = json_string_value(json_object_get(cat, "binary_path"));
        const char *cname = json_string_value(json_object_get(cat, "name"));
        json_t *args = json_object_get(cat, "function_arguments"), *fns, *keep, *entry, *f;
        const char *fn;
        json_t *specs;
        void *tmp;
        size_t i;

        json_object_foreach_safe(args, tmp, fn, specs)
        {
            json_t *a = allowed_specs(sp, type, bin, cname, fn, specs);

            if (!a)
                return -1;
            if (json_array_size(a) == 0)
                json_object_del(args, fn);
            else if (json_object_set_new(args, fn, a) < 0)
                return -1;
            if (json_array_size(a) == 0)
                json_decref(a);
        }
        if (args && json_object_size(args) == 0)
            json_object_del(cat, "function_arguments");
        if (type != DC_PF_UPROBE)
            continue;
        fns = json_object_get(cat, "functions");
        keep = json_array();
        entry = json_array();
        if (!keep || !entry) {
            json_decref(keep);
            json_decref(entry);
            return -1;
        }
        json_array_foreach(fns, i, f)
        {
            enum dc_ret_class cls = dc_sp_return_class(json_string_value(f), NULL);

            if (cls == DC_RET_OK ||
                (cls == DC_RET_MAY_THROW && dc_sp_return_allowed(sp, bin, json_string_value(f))))
                json_array_append(keep, f);
            else
                json_array_append(entry, f);
        }
        if (json_array_size(entry))
            dc_info("%s: %zu function(s) get entry probes only (no return probe where a call "
                    "may leave other than by returning)",
                    cname, json_array_size(entry));
        json_object_set_new(cat, "functions", keep);
        if (json_array_size(entry))
            json_object_set_new(cat, "entry_functions", entry);
        else
            json_decref(entry);
    }
    return 0;
}

static int fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return status;
}

int dc_publish(struct dc_publish *p, char *err, size_t errlen)
{
    struct dc_summary_in in = {0};
    struct dc_signer_reply reply;
    enum dc_signer_status ss;
    enum dc_pf_status ps;
    char config_abs[PATH_MAX], host[256], user[256], note[PATH_MAX + 64];
    json_t *summary = NULL, *cats = NULL;
    char *payload = NULL;
    size_t plen;
    int rc;

    if (!realpath(p->host_path, config_abs))
        return fail(err, errlen, DC_CFG_EXIT_USAGE, "%s: %s", p->host_path, strerror(errno));
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    if (dc_caller_name((unsigned)getuid(), user, sizeof(user)) < 0)
        return fail(err, errlen, DC_CFG_EXIT_SIGNER,
                    "uid %u has no name in the user database; the signer signs only for "
                    "known users",
                    (unsigned)getuid());
    in.config_file_path = config_abs;
    in.probe_file_path = p->output;
    in.hostname = host;
    in.user = user;
    in.uid = (unsigned)getuid();
    in.issued_at = time(NULL);
    in.validity = p->validity;
    summary = dc_summary_json(&in);
    cats = categories_json(p->disc);
    if (cats) {
        struct dc_site_policy sp;
        char perr[1024];

        if (dc_sp_load(&sp, p->probe_policy, 1, perr, sizeof(perr)) < 0) {
            dc_warn("probe policy: %s: no capture is kept", perr);
            memset(&sp, 0, sizeof(sp));
        }
        if (keep_to_policy(cats, &sp) < 0) {
            json_decref(cats);
            cats = NULL;
        }
        dc_sp_free(&sp);
    }
    if (!summary || !cats) {
        rc = fail(err, errlen, DC_CFG_EXIT_DISCOVERY, "out of memory");
        goto cleanup;
    }
    ps = dc_pf_payload(summary, cats, &payload, &plen);
    if (ps != DC_PF_OK) {
        rc = fail(err, errlen, DC_CFG_EXIT_DISCOVERY, "cannot make the signing payload: %s",
                  dc_pf_status_str(ps));
        goto cleanup;
    }
    if (p->progress) {
        snprintf(note, sizeof(note), "asking the signer at %s", p->signer_socket);
        dc_progress_note(p->progress, note);
    }
    ss = dc_signer_sign(p->signer_socket, payload, plen, 0, &reply);
    if (p->progress)
        dc_progress_clear(p->progress);
    if (ss == DC_SIGNER_UNREACHABLE) {
        rc = fail(err, errlen, DC_CFG_EXIT_SIGNER,
                  "%s (is datacrumbs_sign_probes running? signer_socket is set in %s)",
                  reply.message, p->config_source);
        goto cleanup;
    }
    if (ss != DC_SIGNER_OK) {
        rc = fail(err, errlen, DC_CFG_EXIT_SIGNER, "%s%s",
                  ss == DC_SIGNER_REFUSED ? "the signer refused: " : "", reply.message);
        goto cleanup;
    }
    ps = dc_pf_write(p->output, summary, cats, reply.checksum, 1, 0600);
    if (ps != DC_PF_OK) {
        rc = fail(err, errlen, DC_CFG_EXIT_OUTPUT, "cannot write %s: %s", p->output,
                  ps == DC_PF_ERR_IO ? strerror(errno) : dc_pf_status_str(ps));
        goto cleanup;
    }
    memcpy(p->checksum, reply.checksum, sizeof(p->checksum));
    snprintf(p->expires_at, sizeof(p->expires_at), "%s",
             json_string_value(json_object_get(summary, "expires_at")));
    rc = DC_CFG_EXIT_OK;
cleanup:
    free(payload);
    json_decref(summary);
    json_decref(cats);
    return rc;
}
