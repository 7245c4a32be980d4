/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_trace - read the traces a run left (.pfw.gz or .pfw, one per node): summary,
 * HTML report, merge into one trace, and cat with filters. Streaming: memory is bounded by
 * the number of files, processes, functions and paths, never by the number of events.
 *
 * Exit codes are in trace.h and datacrumbs_trace(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "trace.h"

enum {
    O_OUTPUT = 1 << 0,
    O_JSON = 1 << 1,
    O_TOP = 1 << 2,
    O_FILTER = 1 << 3,
    O_LEVEL = 1 << 4,
};

struct cmd {
    const char *name;
    int (*run)(const struct tr_opts *o);
    unsigned allowed;  /* options that apply */
    unsigned required; /* options that must be given */
};

static const struct cmd cmds[] = {
    {"summary", do_summary, O_JSON | O_TOP, 0},
    {"report", do_report, O_OUTPUT | O_TOP, O_OUTPUT},
    {"merge", do_merge, O_OUTPUT | O_LEVEL, O_OUTPUT},
    {"cat", do_cat, O_JSON | O_FILTER, 0},
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_trace summary [--json] [--top N] TRACE...\n"
            "       datacrumbs_trace report -o FILE.html [--top N] TRACE...\n"
            "       datacrumbs_trace merge -o OUT.pfw.gz [--level N] [--window N] TRACE...\n"
            "       datacrumbs_trace cat [--json] [FILTERS] TRACE...\n"
            "       datacrumbs_trace --help | --version\n"
            "\n"
            "Read the traces of a run (trace-USER-RUN-HOST.pfw.gz, one per node; plain .pfw\n"
            "too, \"-\" for stdin). A verb may be shortened to any unique prefix.\n"
            "\n"
            "Verbs:\n"
            "  summary  the run, then per category and function: calls, total, mean, p50 and\n"
            "           p99 time, bytes, errors; per process; per file; top files\n"
            "  report   one self-contained HTML file with charts (opens from any file system)\n"
            "  merge    the per-node traces into one trace ordered by time, ids renumbered,\n"
            "           processes of different hosts kept apart\n"
            "  cat      the events, one readable line each (or JSON lines with --json)\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE  where report and merge write (required for them)\n"
            "  --json             summary: one JSON object; cat: the events as JSON lines\n"
            "  --top N            how many files the top lists hold (default 10)\n"
            "  --level N          merge: gzip level 1-9 of the output (default 1)\n"
            "  --window N         merge: events held per input to order them (default 8192\n"
            "                     divided by the number of inputs, at least 256)\n"
            "  --pid LIST, --tid LIST, --cat LIST, --name LIST\n"
            "                     cat: only these (comma-separated) processes, threads,\n"
            "                     categories, functions\n"
            "  --since T, --until T\n"
            "                     cat: only calls starting in the window; T is a time after the\n"
            "                     first event (1.5, 1.5s, 200ms, 300us) or @MICROSECONDS (the\n"
            "                     trace's own ts)\n"
            "  -h, --help, --version\n"
            "\n"
            "Exit status: 0 ok, 1 failure (output not written, out of memory), 2 usage error,\n"
            "3 a trace could not be opened or read, 4 a trace is not valid (not a trace, a\n"
            "line that is not JSON, an event lacking keys: the error names the file and line),\n"
            "5 a trace is incomplete (truncated gzip stream, no closing \"]\"): what was read\n"
            "up to the damage is still summarized, merged or printed.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_trace summary ~/traces/trace-alice-1234-*.pfw.gz\n"
            "  datacrumbs_trace summary --json trace-*.pfw.gz | jq '.files[:5]'\n"
            "  datacrumbs_trace report -o run1234.html trace-alice-1234-*.pfw.gz\n"
            "  datacrumbs_trace merge -o run1234.pfw.gz trace-alice-1234-*.pfw.gz\n"
            "  datacrumbs_trace cat --pid 4242 --cat sys --name read,write trace.pfw.gz\n"
            "  datacrumbs_trace cat --since 2s --until 2.5s --json trace.pfw.gz | jq .args\n");
}

static int add_list(struct tr_list *l, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;

    if (!copy)
        return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char **items = realloc(l->items, (l->n + 1) * sizeof(*items));

        if (!items || !(items[l->n] = strdup(t))) {
            free(items ? items : l->items);
            l->items = NULL;
            l->n = 0;
            free(copy);
            return -1;
        }
        l->items = items;
        l->n++;
    }
    free(copy);
    return 0;
}

static void free_list(struct tr_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

static int parse_int(const char *s, long lo, long hi, long *v)
{
    char *end;

    *v = strtol(s, &end, 10);
    return *s && !*end && *v >= lo && *v <= hi ? 0 : -1;
}

/* Options after the verb. 0, or -1 (usage error, printed). */
static int parse_cmdline(struct tr_opts *o, const struct cmd *cmd, int argc, char **argv)
{
    enum {
        OPT_JSON = 256,
        OPT_TOP,
        OPT_LEVEL,
        OPT_PID,
        OPT_TID,
        OPT_CAT,
        OPT_NAME,
        OPT_SINCE,
        OPT_UNTIL,
        OPT_WINDOW
    };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"top", required_argument, NULL, OPT_TOP},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"pid", required_argument, NULL, OPT_PID},
        {"tid", required_argument, NULL, OPT_TID},
        {"cat", required_argument, NULL, OPT_CAT},
        {"name", required_argument, NULL, OPT_NAME},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned given = 0;
    long v;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
        unsigned bit = 0;
        int bad = 0;

        switch (c) {
        case 'o':
            bit = O_OUTPUT;
            o->output = optarg;
            break;
        case OPT_JSON:
            bit = O_JSON;
            o->json = 1;
            break;
        case OPT_TOP:
            bit = O_TOP;
            bad = parse_int(optarg, 1, 100000, &v);
            o->top = (int)v;
            break;
        case OPT_LEVEL:
            bit = O_LEVEL;
            bad = parse_int(optarg, 1, 9, &v);
            o->level = (int)v;
            break;
        case OPT_WINDOW:
            bit = O_LEVEL;
            bad = parse_int(optarg, 16, 1 << 24, &v);
            o->window = (size_t)v;
            break;
        case OPT_PID:
            bit = O_FILTER;
            bad = add_list(&o->pids, optarg);
            break;
        case OPT_TID:
            bit = O_FILTER;
            bad = add_list(&o->tids, optarg);
            break;
        case OPT_CAT:
            bit = O_FILTER;
            bad = add_list(&o->cats, optarg);
            break;
        case OPT_NAME:
            bit = O_FILTER;
            bad = add_list(&o->names, optarg);
            break;
        case OPT_SINCE:
            bit = O_FILTER;
            o->since = optarg;
            break;
        case OPT_UNTIL:
            bit = O_FILTER;
            o->until = optarg;
            break;
        case 'h': usage(stdout); exit(EXIT_SUCCESS);
        default:
            dc_err("unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
            return -1;
        }
        if (bad) {
            dc_err("bad value for '%s': '%s'", argv[optind - 1], optarg);
            return -1;
        }
        if (!(cmd->allowed & bit)) {
            dc_err("'%s' does not apply to %s", argv[optind - 1], cmd->name);
            return -1;
        }
        given |= bit;
    }
    if ((cmd->required & ~given) & O_OUTPUT) {
        dc_err("%s needs -o FILE", cmd->name);
        return -1;
    }
    if (optind >= argc) {
        dc_err("%s: no trace given (see --help)", cmd->name);
        return -1;
    }
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
    for (size_t i = 0; o->output && i < o->nfiles; i++) {
        if (strcmp(o->files[i], o->output) == 0) {
            dc_err("the output %s is also an input", o->output);
            return -1;
        }
    }
    return 0;
}

static const struct cmd *find_cmd(const char *verb)
{
    const struct cmd *found = NULL;
    size_t n = strlen(verb);

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(cmds[i].name, verb) == 0)
            return &cmds[i];
        if (n && strncmp(cmds[i].name, verb, n) == 0) {
            if (found)
                return NULL; /* ambiguous */
            found = &cmds[i];
        }
    }
    return found;
}

int main(int argc, char **argv)
{
    struct tr_opts o = {.top = 10, .level = 1};
    const struct cmd *cmd;
    int rc;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (argc < 2) {
        usage(stderr);
        return TR_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return TR_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        dc_print_version();
        return TR_EXIT_OK;
    }
    cmd = find_cmd(argv[1]);
    if (!cmd) {
        dc_err("unknown or ambiguous verb '%s' (summary, report, merge, cat; see --help)", argv[1]);
        return TR_EXIT_USAGE;
    }
    if (parse_cmdline(&o, cmd, argc - 1, argv + 1) < 0) {
        rc = TR_EXIT_USAGE;
        goto cleanup;
    }
    rc = cmd->run(&o);
cleanup:
    free_list(&o.pids);
    free_list(&o.tids);
    free_list(&o.cats);
    free_list(&o.names);
    return rc;
}
