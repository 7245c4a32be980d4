/* SPDX-License-Identifier: BSD-3-Clause */
/* wrapargs.c - split the wrappers' command line into ours and Slurm's (see wrapargs.h). */
#include "wrapargs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OURS "--datacrumbs-"

/* One option word of Slurm's, as getopt_long reads it. */
struct word {
    const char *canonical; /* long option's full name, NULL for short or unknown */
    const char *value;     /* its value, NULL if none */
    int consumes_next;     /* the value is the next word */
    int help;              /* -h / --help / --usage */
};

static void classify_long(enum dc_slurm_tool tool, const char *w, const char *next,
                          struct word *out)
{
    const char *name = w + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    enum dc_arg arg = dc_slurm_long_option(tool, name, len, &out->canonical);

    if (eq)
        out->value = eq + 1;
    else if (arg == DC_ARG_REQ && next) {
        out->value = next;
        out->consumes_next = 1;
    }
    if (out->canonical &&
        (strcmp(out->canonical, "help") == 0 || strcmp(out->canonical, "usage") == 0))
        out->help = 1;
}

static void classify_short(enum dc_slurm_tool tool, const char *w, const char *next,
                           struct word *out)
{
    for (const char *p = w + 1; *p; p++) {
        enum dc_arg arg = dc_slurm_short_option(tool, *p);

        if (*p == 'h')
            out->help = 1;
        if (arg == DC_ARG_REQ) {
            if (p[1])
                out->value = p + 1;
            else if (next) {
                out->value = next;
                out->consumes_next = 1;
            }
            return;
        }
        if (arg == DC_ARG_OPT) {
            if (p[1])
                out->value = p + 1;
            return;
        }
    }
}

/* 1 when w is an option word (not "-", "--", ":" or a positional). */
static int is_option(const char *w)
{
    return w[0] == '-' && w[1] != '\0' && strcmp(w, "--") != 0;
}

static void classify(enum dc_slurm_tool tool, const char *w, const char *next, struct word *out)
{
    memset(out, 0, sizeof(*out));
    if (w[1] == '-')
        classify_long(tool, w, next, out);
    else
        classify_short(tool, w, next, out);
}

/* Our own option at argv[*i]; advances *i past its value. 0, or -1 with err. */
static int take_ours(struct dc_wrap_args *a, int argc, char **argv, int *i, char *err,
                     size_t errlen)
{
    const char *w = argv[*i], *name = w + strlen(OURS), *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    static const struct {
        const char *name;
        size_t off;
    } flags[] = {
        {"enable", offsetof(struct dc_wrap_args, enable)},
        {"merge-comment", offsetof(struct dc_wrap_args, merge_comment)},
        {"dry-run", offsetof(struct dc_wrap_args, dry_run)},
        {"help", offsetof(struct dc_wrap_args, help)},
        {"version", offsetof(struct dc_wrap_args, version)},
    };

    a->any_ours = true;
    if (len == strlen("probe-file") && strncmp(name, "probe-file", len) == 0) {
        a->nprobe_words = 0;
        a->probe_words[a->nprobe_words++] = argv[*i];
        if (eq) {
            a->probe_file = eq + 1;
        } else if (*i + 1 < argc) {
            a->probe_file = argv[++*i];
            a->probe_words[a->nprobe_words++] = argv[*i];
        } else {
            snprintf(err, errlen, "--datacrumbs-probe-file needs a path");
            return -1;
        }
        if (!a->probe_file[0]) {
            snprintf(err, errlen, "--datacrumbs-probe-file needs a path, not an empty string");
            return -1;
        }
        return 0;
    }
    for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        if (len == strlen(flags[k].name) && strncmp(name, flags[k].name, len) == 0) {
            if (eq) {
                snprintf(err, errlen, "--datacrumbs-%s takes no value", flags[k].name);
                return -1;
            }
            *(bool *)((char *)a + flags[k].off) = true;
            return 0;
        }
    }
    len = eq ? (size_t)(eq - w) : strlen(w);
    snprintf(err, errlen,
             "unknown option '%.*s' (the wrapper's own options are --datacrumbs-enable, "
             "--datacrumbs-probe-file, --datacrumbs-merge-comment, --datacrumbs-dry-run, "
             "--datacrumbs-help and --datacrumbs-version)",
             (int)(len > 80 ? 80 : len), w);
    return -1;
}

int dc_wrap_parse(enum dc_slurm_tool tool, int argc, char **argv, struct dc_wrap_args *a, char *err,
                  size_t errlen)
{
    int i = 1, component = 0;
    struct word wd;

    memset(a, 0, sizeof(*a));
    a->script = -1;
    a->pass = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
    a->is_comment = calloc((size_t)(argc > 0 ? argc : 1), sizeof(bool));
    if (!a->pass || !a->is_comment) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while (i < argc) {
        const char *w = argv[i];

        if (strncmp(w, OURS, strlen(OURS)) == 0) {
            if (take_ours(a, argc, argv, &i, err, errlen) < 0)
                return -1;
            i++;
            continue;
        }
        if (strcmp(w, ":") == 0) {
            a->hetjob = true;
            component++;
            a->pass[a->npass++] = argv[i++];
            continue;
        }
        if (strcmp(w, "--") == 0) {
            a->pass[a->npass++] = argv[i++];
            if (i < argc)
                a->script = a->npass;
            break;
        }
        if (!is_option(w)) {
            a->script = a->npass;
            break;
        }
        classify(tool, w, i + 1 < argc ? argv[i + 1] : NULL, &wd);
        if (wd.help)
            a->slurm_help = true;
        if (wd.canonical && strcmp(wd.canonical, "wrap") == 0)
            a->wrap = true;
        if (component == 0 && wd.canonical && strcmp(wd.canonical, "comment") == 0 && wd.value) {
            a->comment = wd.value;
            a->is_comment[a->npass] = true;
            if (wd.consumes_next)
                a->is_comment[a->npass + 1] = true;
        }
        a->pass[a->npass++] = argv[i++];
        if (wd.consumes_next)
            a->pass[a->npass++] = argv[i++];
    }
    /* The script or command and its arguments are the user's, word for word. */
    while (i < argc)
        a->pass[a->npass++] = argv[i++];
    return 0;
}

void dc_wrap_args_free(struct dc_wrap_args *a)
{
    free(a->pass);
    free(a->is_comment);
    a->pass = NULL;
    a->is_comment = NULL;
    a->npass = 0;
}

char **dc_wrap_build(const char *argv0, const char *comment_json, const struct dc_wrap_args *a)
{
    char **out = calloc((size_t)a->npass + 4, sizeof(char *));
    int n = 0;

    if (!out)
        return NULL;
    out[n++] = (char *)argv0;
    for (int i = 0; !comment_json && i < a->nprobe_words; i++)
        out[n++] = a->probe_words[i];
    if (comment_json) {
        size_t len = strlen("--comment=") + strlen(comment_json) + 1;

        out[n] = malloc(len);
        if (!out[n]) {
            free(out);
            return NULL;
        }
        snprintf(out[n++], len, "--comment=%s", comment_json);
    }
    for (int i = 0; i < a->npass; i++)
        if (!comment_json || !a->is_comment[i])
            out[n++] = a->pass[i];
    out[n] = NULL;
    return out;
}

void dc_wrap_argv_free(char **argv, const char *comment_json)
{
    if (!argv)
        return;
    if (comment_json)
        free(argv[1]);
    free(argv);
}

const char *dc_wrap_find_comment(enum dc_slurm_tool tool, int n, char **words)
{
    const char *comment = NULL;
    struct word wd;

    for (int i = 0; i < n && is_option(words[i]); i++) {
        classify(tool, words[i], i + 1 < n ? words[i + 1] : NULL, &wd);
        if (wd.canonical && strcmp(wd.canonical, "comment") == 0 && wd.value)
            comment = wd.value;
        if (wd.consumes_next)
            i++;
    }
    return comment;
}
