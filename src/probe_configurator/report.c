/* SPDX-License-Identifier: BSD-3-Clause */
/* report.c - the table and the JSON report (see report.h). */
#include "report.h"

#include <jansson.h>
#include <string.h>

#include "probefile.h"

#define NAME_COL_MAX 32

static const char *limit_name(enum dc_limit_verdict v)
{
    return v == DC_LIMIT_OVER ? "over" : v == DC_LIMIT_NEAR ? "near" : "ok";
}

void dc_report_table(FILE *out, const struct dc_report *r)
{
    const struct dc_discovery *d = r->disc;
    int w = (int)strlen("CATEGORY");

    if (!d)
        return;
    for (size_t i = 0; i < d->ncats; i++) {
        int n = (int)strlen(d->cats[i].name);

        if (n > w)
            w = n > NAME_COL_MAX ? NAME_COL_MAX : n;
    }
    fprintf(out, "%-*s  %-8s  %9s  %s\n", w, "CATEGORY", "TYPE", "FUNCTIONS", "SOURCE");
    for (size_t i = 0; i < d->ncats; i++) {
        const struct dc_category *c = &d->cats[i];

        fprintf(out, "%-*.*s  %-8s  %9zu  %s\n", w, NAME_COL_MAX, c->name, dc_pf_type_name(c->type),
                c->nfns, c->source);
    }
    for (size_t i = 0; i < d->ninvalid; i++)
        fprintf(out, "%-*.*s  %-8s  %9s  line %u: %s\n", w, NAME_COL_MAX,
                d->invalid[i].name ? d->invalid[i].name : "?", "-", "left out", d->invalid[i].line,
                d->invalid[i].why);
    fprintf(out, "total: %zu runtime functions in %zu categories (max_runtime_functions %ld)\n",
            d->total, d->ncats, r->max_functions);
}

static json_t *categories_json(const struct dc_discovery *d)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < d->ncats; i++) {
        const struct dc_category *c = &d->cats[i];
        json_t *o = json_object();

        if (!o || json_object_set_new(o, "name", json_string(c->name)) < 0 ||
            json_object_set_new(o, "type", json_string(dc_pf_type_name(c->type))) < 0 ||
            json_object_set_new(o, "functions", json_integer((json_int_t)c->nfns)) < 0 ||
            json_object_set_new(o, "candidates", json_integer((json_int_t)c->candidates)) < 0 ||
            json_object_set_new(o, "source", json_string(c->source)) < 0 ||
            json_object_set_new(o, "line", json_integer(c->line)) < 0 ||
            json_array_append_new(a, o) < 0) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *left_out_json(const struct dc_discovery *d)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < d->ninvalid; i++) {
        json_t *o = json_object();

        if (!o ||
            json_object_set_new(o, "name",
                                d->invalid[i].name ? json_string(d->invalid[i].name)
                                                   : json_null()) < 0 ||
            json_object_set_new(o, "line", json_integer(d->invalid[i].line)) < 0 ||
            json_object_set_new(o, "reason", json_string(d->invalid[i].why)) < 0 ||
            json_array_append_new(a, o) < 0) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

int dc_report_json(FILE *out, const struct dc_report *r)
{
    const struct dc_discovery *d = r->disc;
    json_t *o = json_object();
    int rc = -1;

    if (!o || json_object_set_new(o, "host_file", json_string(r->host_file)) < 0 ||
        json_object_set_new(o, "output", str_or_null(r->output)) < 0 ||
        json_object_set_new(o, "dry_run", json_boolean(r->dry_run)) < 0 ||
        json_object_set_new(o, "written", json_boolean(r->written)) < 0 ||
        json_object_set_new(o, "categories", d ? categories_json(d) : json_array()) < 0 ||
        json_object_set_new(o, "left_out", d ? left_out_json(d) : json_array()) < 0 ||
        json_object_set_new(o, "total", json_integer(d ? (json_int_t)d->total : 0)) < 0 ||
        json_object_set_new(o, "max_runtime_functions", json_integer(r->max_functions)) < 0 ||
        json_object_set_new(o, "limit", json_string(limit_name(r->limit))) < 0 ||
        json_object_set_new(o, "checksum", str_or_null(r->checksum)) < 0 ||
        json_object_set_new(o, "expires_at", str_or_null(r->expires_at)) < 0 ||
        json_object_set_new(o, "exit_status", json_integer(r->exit_status)) < 0 ||
        json_object_set_new(o, "error", str_or_null(r->error)) < 0)
        goto cleanup;
    if (json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out) == EOF)
        goto cleanup;
    rc = 0;
cleanup:
    json_decref(o);
    return rc;
}
