/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - command line of datacrumbs_sign_probes (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

enum {
    OPT_CONFIG = 256,
    OPT_SOCKET,
    OPT_KALLSYMS,
    OPT_FOREGROUND,
    OPT_SYSLOG,
    OPT_THREADS,
    OPT_MAX_REQUEST,
    OPT_MAX_BUFFERED,
    OPT_MAX_BUFFERED_USER,
    OPT_TIMEOUT,
    OPT_MAX_CLIENTS,
    OPT_MAX_PER_USER,
    OPT_VERBOSE,
    OPT_HELP,
    OPT_VERSION,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"socket", required_argument, NULL, OPT_SOCKET},
    {"kallsyms", required_argument, NULL, OPT_KALLSYMS},
    {"foreground", no_argument, NULL, OPT_FOREGROUND},
    {"syslog", no_argument, NULL, OPT_SYSLOG},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-request", required_argument, NULL, OPT_MAX_REQUEST},
    {"max-buffered", required_argument, NULL, OPT_MAX_BUFFERED},
    {"max-buffered-per-user", required_argument, NULL, OPT_MAX_BUFFERED_USER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
    {"max-clients-per-user", required_argument, NULL, OPT_MAX_PER_USER},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void dc_sign_usage(FILE *out)
{
    fprintf(out, "Usage: datacrumbs_sign_probes [--config FILE] [--socket PATH] [--foreground]\n"
                 "                              [OPTIONS]\n"
                 "       datacrumbs_sign_probes --help | --version\n"
                 "\n"
                 "Root service that signs probe files for the user who asks, over an AF_UNIX\n"
                 "socket (JSON-RPC 2.0, one request per connection, ended by a half-close).\n"
                 "The caller's identity comes from the kernel (SO_PEERCRED); the payload must be\n"
                 "issued to that user and name only files that user can read.\n"
                 "Started by systemd through datacrumbs_sign_probes.socket, or by hand.\n"
                 "\n"
                 "Options:\n"
                 "  --config FILE          read FILE instead of the system configuration\n"
                 "  --socket PATH          listen at PATH (default: signer_socket) unless systemd\n"
                 "                         passes a socket\n"
                 "  --foreground           do not detach; log to stderr\n"
                 "  --syslog               log to syslog as well\n"
                 "  --threads N            worker threads (default: online CPUs, at most 16)\n"
                 "  --max-request SIZE     refuse requests larger than SIZE (default 16M)\n"
                 "  --max-buffered SIZE    request bytes held at once over all clients\n"
                 "                         (default 256M); beyond it clients are told to retry\n"
                 "  --max-buffered-per-user SIZE  of one user (default: a quarter of\n"
                 "                         --max-buffered); another quarter is kept for users\n"
                 "                         who hold nothing yet\n"

                 "  --timeout SECONDS      time a client has to send its request, and to read\n"
                 "                         the answer (default 5)\n"
                 "  --max-clients N        connections open at once (default 1024)\n"
                 "  --max-clients-per-user N  connections of one user at once (default 256)\n"
                 "  --kallsyms FILE        kernel function names in /proc/kallsyms format\n"
                 "                         (default: /proc/kallsyms, else the vmlinux BTF)\n"
                 "  --verbose              debug messages\n"
                 "  --help                 show this help\n"
                 "  --version              show the version\n"
                 "SIZE takes a K, M or G suffix (powers of 1024).\n"
                 "\n"
                 "Signals: SIGHUP reloads the kernel function names and the probe policy;\n"
                 "SIGTERM and SIGINT finish the open connections and exit.\n"
                 "\n"
                 "Exit status: 0 after SIGTERM/SIGINT, 1 when the service cannot start (bad\n"
                 "configuration, insecure secret, socket in use), 2 for a usage error.\n"
                 "\n"
                 "EXAMPLES\n"
                 "  systemctl enable --now datacrumbs_sign_probes.socket\n"
                 "  datacrumbs_sign_probes --foreground --socket /run/datacrumbs/sign.sock\n"
                 "  datacrumbs_sign_probes --config ./test.conf --socket /tmp/t/sign.sock \\\n"
                 "      --foreground --timeout 2 --threads 2\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    if (!s[0] || s[0] == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end || v == 0 || v > (1ull << 40) >> shift)
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

static int bad(const char *opt, const char *val, const char *what)
{
    dc_err("%s '%s': expected %s", opt, val, what);
    return -1;
}

int dc_sign_parse_options(struct dc_sign_opts *o, int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN), v;
    int c;

    memset(o, 0, sizeof(*o));
    o->threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
    o->max_request = 16u << 20;
    o->max_buffered = 256u << 20;
    o->timeout_ms = 5000;
    o->max_clients = 1024;
    o->max_per_user = 256;
    opterr = 0; /* our own messages, in the "prog: error: ..." form */
    while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: o->config_path = optarg; break;
        case OPT_SOCKET: o->socket_path = optarg; break;
        case OPT_KALLSYMS: o->kallsyms_path = optarg; break;
        case OPT_FOREGROUND: o->foreground = 1; break;
        case OPT_SYSLOG: o->use_syslog = 1; break;
        case OPT_VERBOSE: o->verbose = 1; break;
        case OPT_THREADS:
            if (parse_long(optarg, 1, 64, &v) < 0)
                return bad("--threads", optarg, "a number from 1 to 64");
            o->threads = (int)v;
            break;
        case OPT_MAX_REQUEST:
            if (parse_size(optarg, &o->max_request) < 0)
                return bad("--max-request", optarg, "a size such as 16M");
            break;
        case OPT_MAX_BUFFERED:
            if (parse_size(optarg, &o->max_buffered) < 0)
                return bad("--max-buffered", optarg, "a size such as 256M");
            break;
        case OPT_MAX_BUFFERED_USER:
            if (parse_size(optarg, &o->max_buffered_per_user) < 0 || o->max_buffered_per_user == 0)
                return bad("--max-buffered-per-user", optarg, "a size such as 64M");
            break;
        case OPT_TIMEOUT:
            if (parse_long(optarg, 1, 3600, &v) < 0)
                return bad("--timeout", optarg, "seconds from 1 to 3600");
            o->timeout_ms = (int)v * 1000;
            break;
        case OPT_MAX_CLIENTS:
            if (parse_long(optarg, 1, 1000000, &v) < 0)
                return bad("--max-clients", optarg, "a number from 1 to 1000000");
            o->max_clients = (int)v;
            break;
        case OPT_MAX_PER_USER:
            if (parse_long(optarg, 1, 1000000, &v) < 0)
                return bad("--max-clients-per-user", optarg, "a number from 1 to 1000000");
            o->max_per_user = (int)v;
            break;
        case OPT_HELP: dc_sign_usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        case ':': dc_err("option '%s' needs a value", argv[optind - 1]); return -1;
        default: dc_err("unknown option '%s'", argv[optind - 1]); return -1;
        }
    }
    if (optind < argc) {
        dc_err("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (o->max_buffered < o->max_request + (64u << 10)) {
        dc_err("--max-buffered must be larger than --max-request");
        return -1;
    }
    if (o->max_buffered_per_user && o->max_buffered_per_user < o->max_request + (64u << 10)) {
        dc_err("--max-buffered-per-user must be larger than --max-request");
        return -1;
    }
    return 0;
}
