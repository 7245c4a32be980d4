/* SPDX-License-Identifier: BSD-3-Clause */
/* wrapper.c - datacrumbs_salloc / datacrumbs_sbatch (see wrapper.h). */
#include "wrapper.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobmeta.h"
#include "log.h"
#include "probecheck.h"
#include "realtool.h"
#include "scripthdr.h"
#include "wrapargs.h"

static void usage(enum dc_slurm_tool tool, FILE *out)
{
    const char *t = dc_slurm_tool_name(tool);
    int sb = tool == DC_TOOL_SBATCH;
    const char *what = sb ? "SCRIPT [ARGS...]" : "[COMMAND [ARGS...]]";

    fprintf(
        out,
        "Usage: datacrumbs_%s [%s_OPTIONS...] --datacrumbs-enable\n"
        "           --datacrumbs-probe-file PATH [--datacrumbs-merge-comment]\n"
        "           [--datacrumbs-dry-run] %s\n"
        "       datacrumbs_%s --datacrumbs-help | --datacrumbs-version\n"
        "\n"
        "Run %s asking the compute nodes to trace the job with DataCrumbs. The request\n"
        "travels in the job comment, {\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":PATH}},\n"
        "put first on %s's command line; the node prolog starts the tracer for the\n"
        "job and the epilog stops it. Inside the job, run the programs to trace under\n"
        "datacrumbs_wrap (or link them with datacrumbs_track). Without\n"
        "--datacrumbs-enable, %s runs exactly as if called directly (a\n"
        "--datacrumbs-probe-file is handed on as given, for the SPANK plugin's option).\n"
        "\n"
        "DataCrumbs options (among %s's options, before %s):\n"
        "  --datacrumbs-enable           trace this job\n"
        "  --datacrumbs-probe-file PATH  the signed probe file (or =PATH); it is made\n"
        "                                absolute and must be readable by you on the nodes\n"
        "  --datacrumbs-merge-comment    keep a --comment that is not JSON, as\n"
        "                                {\"comment\":\"...\"}\n"
        "  --datacrumbs-dry-run          check everything, print the %s command line,\n"
        "                                run nothing\n"
        "  --datacrumbs-help             show this help (so does --help next to a\n"
        "                                DataCrumbs option; alone, --help is %s's)\n"
        "  --datacrumbs-version          show the version\n"
        "\n"
        "Your own --comment%s must be a JSON object: the request is merged into it.\n"
        "With heterogeneous jobs (\":\"), the request applies to the first component.\n"
        "Standard output is %s's alone (--parsable works).\n"
        "\n"
        "Exit status: %s's; 1 if a check fails (probe file, comment); 2 for a usage\n"
        "error; 126 if %s cannot be run, 127 if it is not found.\n"
        "\n"
        "EXAMPLES\n",
        t, sb ? "SBATCH" : "SALLOC", what, t, t, t, t, t, sb ? "SCRIPT" : "COMMAND", t, t,
        sb ? " (or #SBATCH --comment in SCRIPT)" : "", t, t, t);
    if (sb)
        fprintf(out,
                "  datacrumbs_sbatch --datacrumbs-enable --datacrumbs-probe-file ~/p.json.gz \\\n"
                "      -N 2 job.sh\n"
                "  jobid=$(datacrumbs_sbatch --parsable --datacrumbs-enable \\\n"
                "      --datacrumbs-probe-file=$HOME/p.json.gz job.sh)\n"
                "  datacrumbs_sbatch --comment='{\"project\":\"io\"}' --datacrumbs-enable \\\n"
                "      --datacrumbs-probe-file ~/p.json.gz job.sh\n");
    else
        fprintf(out,
                "  datacrumbs_salloc --datacrumbs-enable --datacrumbs-probe-file ~/p.json.gz -N 1\n"
                "  datacrumbs_salloc -N 2 --datacrumbs-enable "
                "--datacrumbs-probe-file=$HOME/p.json.gz \\\n"
                "      srun datacrumbs_wrap ./app\n");
}

/* Print one word for a POSIX shell: bare when safe, else in single quotes. */
static void print_quoted(FILE *out, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "_-+=/.,:@%") == strlen(s)) {
        fputs(s, out);
        return;
    }
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
    fputc('\'', out);
}

static int run(const char *path, char **argv, int dry_run)
{
    int e;

    if (dry_run) {
        print_quoted(stdout, path);
        for (int i = 1; argv[i]; i++) {
            fputc(' ', stdout);
            print_quoted(stdout, argv[i]);
        }
        fputc('\n', stdout);
        return fflush(stdout) == 0 ? EXIT_SUCCESS : DC_WRAP_EXIT_CHECK;
    }
    fflush(NULL);
    execv(path, argv);
    e = errno;
    dc_err("cannot run %s: %s", path, strerror(e));
    return e == ENOENT ? DC_WRAP_EXIT_NOTFOUND : DC_WRAP_EXIT_NOEXEC;
}

/* The comment the user gave: command line first (it overrides the script), then #SBATCH. */
static int user_comment(enum dc_slurm_tool tool, const struct dc_wrap_args *a, char **out)
{
    *out = NULL;
    if (a->comment) {
        *out = strdup(a->comment);
        return *out ? 0 : -1;
    }
    if (tool != DC_TOOL_SBATCH || a->wrap)
        return 0;
    if (a->script < 0) {
        dc_warn("the batch script comes from standard input: an #SBATCH --comment in it is "
                "replaced by the DataCrumbs request");
        return 0;
    }
    return dc_scripthdr_comment_file(a->pass[a->script], out) < 0 ? -1 : 0;
}

/* Everything after parsing for an enabled job. Returns the exit status. */
static int enabled(enum dc_slurm_tool tool, const struct dc_wrap_args *a, const char *path)
{
    struct dc_probecheck pc;
    char err[2048], *comment = NULL, *json = NULL, **argv = NULL;
    int rc = DC_WRAP_EXIT_CHECK;

    if (!a->probe_file) {
        dc_err("--datacrumbs-enable needs --datacrumbs-probe-file PATH");
        return DC_WRAP_EXIT_USAGE;
    }
    if (dc_probecheck(a->probe_file, getuid(), time(NULL), &pc, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return DC_WRAP_EXIT_CHECK;
    }
    if (pc.node_local)
        dc_warn("probe file %s is in a directory that is usually local to this host; the "
                "compute nodes must see the same file at the same path",
                pc.path);
    if (pc.expires_in >= 0 && pc.expires_in < DC_PROBECHECK_SOON)
        dc_warn("probe file %s expires in %ld minutes; a job that starts later is not traced",
                pc.path, pc.expires_in / 60);
    if (a->hetjob)
        dc_warn("heterogeneous job: only its first component is traced");
    if (user_comment(tool, a, &comment) < 0) {
        dc_err("out of memory");
        goto cleanup;
    }
    if (dc_jobmeta_merge(comment, pc.path, a->merge_comment, &json, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        goto cleanup;
    }
    if (strlen(json) > DC_SLURM_COMMENT_MAX) {
        dc_err("the job comment would be %zu bytes, and Slurm accepts at most %d; shorten your "
               "own --comment",
               strlen(json), DC_SLURM_COMMENT_MAX);
        goto cleanup;
    }
    argv = dc_wrap_build(dc_slurm_tool_name(tool), json, a);
    if (!argv) {
        dc_err("out of memory");
        goto cleanup;
    }
    rc = run(path, argv, a->dry_run);
cleanup:
    dc_wrap_argv_free(argv, json);
    free(json);
    free(comment);
    return rc;
}

int dc_wrapper_main(enum dc_slurm_tool tool, int argc, char **argv)
{
    struct dc_wrap_args a;
    char err[1024], path[PATH_MAX], **out;
    int rc;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (dc_wrap_parse(tool, argc, argv, &a, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        fprintf(stderr, "Try 'datacrumbs_%s --datacrumbs-help'.\n", dc_slurm_tool_name(tool));
        dc_wrap_args_free(&a);
        return DC_WRAP_EXIT_USAGE;
    }
    if (a.version) {
        dc_print_version();
        rc = EXIT_SUCCESS;
    } else if (a.help || (a.slurm_help && a.any_ours)) {
        usage(tool, stdout);
        rc = EXIT_SUCCESS;
    } else if (dc_realtool_find(dc_slurm_tool_name(tool), path, sizeof(path), err, sizeof(err)) <
               0) {
        dc_err("%s", err);
        rc = DC_WRAP_EXIT_NOTFOUND;
    } else if (a.enable) {
        rc = enabled(tool, &a, path);
    } else {
        out = dc_wrap_build(dc_slurm_tool_name(tool), NULL, &a);
        rc = out ? run(path, out, a.dry_run) : DC_WRAP_EXIT_CHECK;
        dc_wrap_argv_free(out, NULL);
    }
    dc_wrap_args_free(&a);
    return rc;
}
