/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - command line of datacrumbs(8) (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runid.h"

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

void rt_opts_apply_conf(struct rt_opts *o, const struct dc_sysconf *sys)
{
    if (!o->min_duration_set)
        o->min_duration_ns = (uint64_t)sys->runtime_min_duration;
    if (!o->ring_mb)
        o->ring_mb = (unsigned)sys->runtime_ring_buffer;
    if (!o->gzip_level)
        o->gzip_level = (int)sys->runtime_gzip_level;
    if (!o->max_trace_bytes_set)
        o->max_trace_bytes = (uint64_t)sys->runtime_max_trace_bytes;
    o->min_free_space = (uint64_t)sys->runtime_min_free_space;
}

enum rt_cmd rt_parse_cmdline(struct rt_opts *o, int argc, char **argv, char *err, size_t errlen)
{
    enum {
        OPT_CONFIG = 256,
        OPT_CHECK,
        OPT_MIN_DUR,
        OPT_RING,
        OPT_GZIP,
        OPT_NO_MULTI,
        OPT_MAX_BYTES,
        OPT_HELP,
        OPT_VERSION
    };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"check", no_argument, NULL, OPT_CHECK},
        {"min-duration", required_argument, NULL, OPT_MIN_DUR},
        {"ring-buffer", required_argument, NULL, OPT_RING},
        {"gzip-level", required_argument, NULL, OPT_GZIP},
        {"no-uprobe-multi", no_argument, NULL, OPT_NO_MULTI},
        {"max-trace-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    unsigned long v;
    int c, npos;

    memset(o, 0, sizeof(*o));
    optind = 0; /* full reinitialisation (glibc), so tests may parse twice */
    opterr = 0;
    /* '+': options end at the first operand, so a probe file may not pose as an option. */
    while ((c = getopt_long(argc, argv, "+:vq", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_CHECK: o->check = 1; break;
        case OPT_NO_MULTI: o->no_multi = 1; break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case OPT_HELP: return RT_CMD_HELP;
        case OPT_VERSION: return RT_CMD_VERSION;
        case OPT_MIN_DUR: {
            long ns;

            if (dc_parse_ns(optarg, &ns) < 0) {
                snprintf(err, errlen, "--min-duration: '%s' is not a duration like 500ns or 2us",
                         optarg);
                return RT_CMD_ERROR;
            }
            o->min_duration_ns = (uint64_t)ns;
            o->min_duration_set = 1;
            break;
        }
        case OPT_MAX_BYTES: {
            long b;

            if (dc_parse_bytes(optarg, &b) < 0 || (b > 0 && b < 4096)) {
                snprintf(err, errlen,
                         "--max-trace-bytes: '%s' is not a size of at least 4096 like 64K, 16M "
                         "or 1G (0: no cap)",
                         optarg);
                return RT_CMD_ERROR;
            }
            o->max_trace_bytes = (uint64_t)b;
            o->max_trace_bytes_set = 1;
            break;
        }
        case OPT_RING:
            if (parse_uint(optarg, 1, 4096, &v) < 0 || (v & (v - 1))) {
                snprintf(err, errlen,
                         "--ring-buffer: '%s' is not a power of two from 1 to 4096 "
                         "(MiB)",
                         optarg);
                return RT_CMD_ERROR;
            }
            o->ring_mb = (unsigned)v;
            break;
        case OPT_GZIP:
            if (parse_uint(optarg, 1, 9, &v) < 0) {
                snprintf(err, errlen, "--gzip-level: '%s' is not a level from 1 to 9", optarg);
                return RT_CMD_ERROR;
            }
            o->gzip_level = (int)v;
            break;
        case ':':
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return RT_CMD_ERROR;
        default:
            snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
            return RT_CMD_ERROR;
        }
    }
    npos = argc - optind;
    if (npos < 1) {
        snprintf(err, errlen, "no probe file given");
        return RT_CMD_ERROR;
    }
    if (npos > 3) {
        snprintf(err, errlen, "too many arguments (PROBE_FILE [RUN_ID [USER]])");
        return RT_CMD_ERROR;
    }
    o->probe_file = argv[optind];
    if (!*o->probe_file) {
        snprintf(err, errlen, "the probe file name is empty");
        return RT_CMD_ERROR;
    }
    if (npos > 1) {
        o->run_id = argv[optind + 1];
        if (!dc_runid_valid(o->run_id)) {
            snprintf(err, errlen,
                     "run id '%s' is not valid (letters, digits, '_', '.', '-'; "
                     "at most 64; starting with a letter or digit)",
                     o->run_id);
            return RT_CMD_ERROR;
        }
    }
    if (npos > 2) {
        o->user = argv[optind + 2];
        if (!dc_username_valid(o->user)) {
            snprintf(err, errlen, "'%s' is not a valid user name", o->user);
            return RT_CMD_ERROR;
        }
    }
    return RT_CMD_RUN;
}
