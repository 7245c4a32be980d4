/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - command line of datacrumbs_probe_configurator (see options.h). */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "log.h"

void dc_cfg_usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_probe_configurator [OPTIONS] HOST.yaml OUTPUT.json.gz\n"
            "       datacrumbs_probe_configurator [OPTIONS] --dry-run HOST.yaml [OUTPUT]\n"
            "       datacrumbs_probe_configurator --help | --version\n"
            "\n"
            "Discover the functions HOST.yaml asks for (ELF symbols of libraries, kernel\n"
            "functions and syscalls from the kernel's BTF or /proc/kallsyms, USDT notes,\n"
            "custom lists), have datacrumbs_sign_probes sign them for you, and write the\n"
            "signed probe file OUTPUT (gzip'ed JSON, mode 0600, replaced atomically).\n"
            "The host file format is datacrumbs-host.yaml(5).\n"
            "\n"
            "Options:\n"
            "  --config FILE       read FILE instead of the system configuration\n"
            "                      (signer_socket, max_runtime_functions, probe_validity)\n"
            "  --dry-run           discover only: print the categories, their function\n"
            "                      counts and sources; no signer, no file\n"
            "  --json              print the report as JSON on stdout\n"
            "  --quiet             errors only\n"
            "  --verbose           also say what each step did\n"
            "  --progress          show progress on stderr even when it is not a terminal\n"
            "  --no-progress       never show progress\n"
            "  --kallsyms FILE     kernel symbols in /proc/kallsyms format (default\n"
            "                      /proc/kallsyms)\n"
            "  --kernel-btf FILE   the kernel's BTF (default /sys/kernel/btf/vmlinux), e.g. of\n"
            "                      the kernel the compute nodes run\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 written; 1 written, but some captures were left out; 2 usage,\n"
            "configuration or host file error; 3 discovery error (nothing found); 4 more\n"
            "functions than max_runtime_functions; 5 signer unreachable or refused; 6 the\n"
            "output cannot be written. Nothing is written unless the status is 0 or 1.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_probe_configurator /etc/datacrumbs/configs/posix-io.yaml \\\n"
            "      ~/probes.json.gz\n"
            "  datacrumbs_probe_configurator --dry-run ~/host.yaml\n"
            "  datacrumbs_probe_configurator --json ~/host.yaml ~/probes.json.gz | jq .total\n");
}

static enum dc_cfg_parse usage_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum dc_cfg_parse usage_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return DC_CFG_PARSE_USAGE;
}

enum dc_cfg_parse dc_cfg_parse_options(struct dc_cfg_opts *o, int argc, char **argv, char *err,
                                       size_t errlen)
{
    enum {
        OPT_CONFIG = 256,
        OPT_DRY_RUN,
        OPT_JSON,
        OPT_QUIET,
        OPT_VERBOSE,
        OPT_PROGRESS,
        OPT_NO_PROGRESS,
        OPT_KALLSYMS,
        OPT_KERNEL_BTF,
        OPT_HELP,
        OPT_VERSION,
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"kallsyms", required_argument, NULL, OPT_KALLSYMS},
        {"kernel-btf", required_argument, NULL, OPT_KERNEL_BTF},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c, npos;

    memset(o, 0, sizeof(*o));
    o->progress = -1;
    err[0] = '\0';
    optind = 0; /* a full reset: the tests parse many command lines */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_QUIET: o->quiet = 1; break;
        case OPT_VERBOSE: o->verbose = 1; break;
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_NO_PROGRESS: o->progress = 0; break;
        case OPT_KALLSYMS: o->kallsyms = optarg; break;
        case OPT_KERNEL_BTF: o->kernel_btf = optarg; break;
        case OPT_HELP: dc_cfg_usage(stdout); return DC_CFG_PARSE_EXIT;
        case OPT_VERSION: dc_print_version(); return DC_CFG_PARSE_EXIT;
        case ':': return usage_error(err, errlen, "option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error(err, errlen, "unknown option '%s'",
                               optind > 0 && optind <= argc ? argv[optind - 1] : "?");
        }
    }
    if (o->quiet && o->verbose)
        return usage_error(err, errlen, "--quiet and --verbose contradict each other");
    npos = argc - optind;
    if (npos < 1)
        return usage_error(err, errlen, "no host file given");
    if (npos > 2)
        return usage_error(err, errlen, "too many arguments: '%s'", argv[optind + 2]);
    if (npos < 2 && !o->dry_run)
        return usage_error(err, errlen, "no output file given (only --dry-run goes without one)");
    o->host_path = argv[optind];
    o->output_path = npos == 2 ? argv[optind + 1] : NULL;
    if (!o->host_path[0] || (o->output_path && !o->output_path[0]))
        return usage_error(err, errlen, "empty file name");
    return DC_CFG_PARSE_OK;
}
