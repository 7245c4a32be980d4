/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_probe_inspect - show what a probe file traces, for whom and until when; with
 * --verify, also whether its checksum is good (which needs the root-only secret).
 *
 * Exit codes are in inspect.h and datacrumbs_probe_inspect(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadconf.h"
#include "inspect.h"
#include "log.h"

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *file;        /* the probe file */
    int verify;              /* --verify */
    int json;                /* --json */
    int payload;             /* --payload */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_probe_inspect [--config FILE] [--verify] [--json] PROBE_FILE\n"
            "       datacrumbs_probe_inspect [--config FILE] --payload PROBE_FILE\n"
            "       datacrumbs_probe_inspect --help | --version\n"
            "\n"
            "Show a probe file: for whom and which host it was made, when it was issued and\n"
            "when it expires, and its categories with their function counts. The file may be\n"
            "gzip'ed or plain JSON; its structure is always checked.\n"
            "\n"
            "Options:\n"
            "  --verify       also check the checksum with the secret and the validity window;\n"
            "                 reading the secret needs root (others get exit 7: structure only)\n"
            "  --json         print a JSON object instead of text\n"
            "  --payload      print the exact bytes that are signed (no newline)\n"
            "  --config FILE  read FILE instead of the system configuration (secret_file)\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 ok, 1 failure, 2 usage error, 3 unreadable file, 4 not a valid\n"
            "probe file, 5 checksum mismatch, 6 expired or not yet valid, 7 structure only\n"
            "(secret not readable), 8 the secret is unusable.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_probe_inspect ~/probes.json.gz\n"
            "  sudo datacrumbs_probe_inspect --verify ~/probes.json.gz\n"
            "  datacrumbs_probe_inspect --json probes.json.gz | jq '.categories[].name'\n");
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_VERIFY, OPT_JSON, OPT_PAYLOAD, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"json", no_argument, NULL, OPT_JSON},
        {"payload", no_argument, NULL, OPT_PAYLOAD},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_VERIFY: conf->verify = 1; break;
        case OPT_JSON: conf->json = 1; break;
        case OPT_PAYLOAD: conf->payload = 1; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: '%s'", argv[optind - 1]); return -1;
        }
    }
    if (optind != argc - 1) {
        dc_err(optind >= argc ? "no probe file given" : "one probe file only");
        return -1;
    }
    if (conf->payload && (conf->verify || conf->json)) {
        dc_err("--payload goes alone");
        return -1;
    }
    conf->file = argv[optind];
    return 0;
}

/* --verify: fill the verdict of r; the secret is wiped before returning. */
static void verify(struct report *r, const char *secret_file, char *why, size_t whylen)
{
    unsigned char key[DC_PF_HEX_LEN];
    enum dc_pf_secret_reason reason = dc_pf_secret_read(secret_file, key, why, whylen);

    r->why = why;
    if (reason != DC_SECRET_OK) {
        /* Only root can read a good secret, so for anyone else this is the normal case. */
        r->verdict = geteuid() == 0 ? V_BAD_SECRET : V_STRUCTURE;
        return;
    }
    r->status = dc_pf_verify(r->pf, key, sizeof(key), r->now);
    r->verdict = r->status == DC_PF_OK ? V_OK : V_FAILED;
    explicit_bzero(key, sizeof(key));
}

static int exit_code(const struct report *r)
{
    switch (r->verdict) {
    case V_NOT_ASKED:
    case V_OK: return EXIT_SUCCESS;
    case V_STRUCTURE: return EXIT_STRUCTURE;
    case V_BAD_SECRET: return EXIT_BAD_SECRET;
    case V_FAILED: break;
    }
    if (r->status == DC_PF_ERR_CHECKSUM)
        return EXIT_BAD_MAC;
    if (r->status == DC_PF_ERR_EXPIRED || r->status == DC_PF_ERR_NOT_YET)
        return EXIT_OUTSIDE;
    return EXIT_FAILED;
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_sysconf sys;
    struct dc_probefile pf = {0};
    struct report r = {0};
    struct stat st;
    char why[1024], *detail = NULL, *payload = NULL;
    size_t plen;
    enum dc_pf_status ps;
    int rc = EXIT_FAILED;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (dc_load_sysconf(&sys, conf.config_path) < 0)
        return EXIT_FAILED;
    /* A user's own file, read with the user's rights: following a symlink is what they meant. */
    ps = dc_pf_read(conf.file, 1, &pf, &detail);
    if (ps != DC_PF_OK) {
        dc_err("%s: %s%s%s", conf.file, dc_pf_status_str(ps), detail ? ": " : "",
               detail ? detail : "");
        rc = ps == DC_PF_ERR_IO      ? EXIT_UNREADABLE
             : ps == DC_PF_ERR_NOMEM ? EXIT_FAILED
                                     : EXIT_INVALID;
        goto cleanup;
    }
    if (conf.payload) {
        if (dc_pf_payload(pf.summary, pf.categories, &payload, &plen) != DC_PF_OK ||
            fwrite(payload, 1, plen, stdout) != plen || fflush(stdout) != 0) {
            dc_err("cannot write the payload");
            goto cleanup;
        }
        rc = EXIT_SUCCESS;
        goto cleanup;
    }
    r.path = conf.file;
    r.pf = &pf;
    r.file_size = stat(conf.file, &st) == 0 ? (long long)st.st_size : -1;
    r.now = time(NULL);
    r.verdict = V_NOT_ASKED;
    if (conf.verify)
        verify(&r, sys.secret_file, why, sizeof(why));
    if (conf.json) {
        if (render_json(stdout, &r) < 0) {
            dc_err("out of memory");
            goto cleanup;
        }
    } else {
        render_text(stdout, &r);
    }
    rc = exit_code(&r);
    if (r.verdict == V_FAILED)
        dc_err("%s: %s", conf.file, dc_pf_status_str(r.status));
    else if (r.verdict == V_BAD_SECRET)
        dc_err("cannot verify: %s", why);
    else if (r.verdict == V_STRUCTURE)
        dc_warn("only the structure was checked: %s", why);
    if (fflush(stdout) != 0) {
        dc_err("cannot write the output");
        rc = EXIT_FAILED;
    }
cleanup:
    free(payload);
    free(detail);
    dc_pf_free(&pf);
    return rc;
}
