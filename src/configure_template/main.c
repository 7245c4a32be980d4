/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_configure_template - render a host YAML template: every @KEY@ placeholder gets
 * its value from this host, the system configuration or --define (keys.h), in one pass
 * (render.h). A placeholder left without a value is an error that lists them all; nothing is
 * written then.
 *
 * Exit status: 0 written, 1 placeholders without a value, 2 usage or configuration error,
 * 3 the template cannot be read or the output cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "loadconf.h"
#include "keys.h"
#include "log.h"
#include "render.h"

enum { EXIT_UNRESOLVED = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

#define TEMPLATE_SIZE_MAX (1024 * 1024)
#define DEFINES_MAX       256

struct conf {
    const char *config_path;
    const char *defines[DEFINES_MAX];
    size_t ndefines;
    int list;
    const char *template_path;
    const char *output_path; /* "-": standard output */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_configure_template [--config FILE] [--define KEY=VALUE]...\n"
            "                                     TEMPLATE OUTPUT\n"
            "       datacrumbs_configure_template [--config FILE] [--define KEY=VALUE]... --list\n"
            "       datacrumbs_configure_template --help | --version\n"
            "\n"
            "Replace every @KEY@ in TEMPLATE (a host YAML template, datacrumbs-host.yaml(5))\n"
            "and write the result to OUTPUT ('-' for standard output). Values come from this\n"
            "host (DATACRUMBS_LIBC_SO, DATACRUMBS_KERNEL_UNAME_R, ...), from the system\n"
            "configuration (DATACRUMBS_<KEY> for each key of datacrumbs.conf(5)) and from\n"
            "--define, which wins. Substitution is one pass: values are not scanned again.\n"
            "A placeholder without a value is an error that lists them all; nothing is\n"
            "written then.\n"
            "\n"
            "Options:\n"
            "  --define KEY=VALUE  give KEY a value (repeatable)\n"
            "  --list              print every known KEY=VALUE and where it comes from\n"
            "  --config FILE       read FILE instead of the system configuration\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 written, 1 placeholders without a value, 2 usage or\n"
            "configuration error, 3 the template cannot be read or OUTPUT written.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_configure_template /etc/datacrumbs/configs/lead.yaml.in ~/lead.yaml\n"
            "  datacrumbs_configure_template --define DATACRUMBS_HDF5_LIB=$HOME/lib/libhdf5.so \\\n"
            "      /etc/datacrumbs/configs/hdf5.yaml.in ~/hdf5.yaml\n"
            "  datacrumbs_configure_template --list\n");
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_DEFINE, OPT_LIST, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"define", required_argument, NULL, OPT_DEFINE},
        {"list", no_argument, NULL, OPT_LIST},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c, npos;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_DEFINE:
            if (conf->ndefines == DEFINES_MAX) {
                dc_err("more than %d --define options", DEFINES_MAX);
                return -1;
            }
            conf->defines[conf->ndefines++] = optarg;
            break;
        case OPT_LIST: conf->list = 1; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        case ':': dc_err("option '%s' needs a value", argv[optind - 1]); return -1;
        default: dc_err("unknown option '%s'", argv[optind - 1]); return -1;
        }
    }
    npos = argc - optind;
    if (conf->list) {
        if (npos != 0) {
            dc_err("--list takes no files");
            return -1;
        }
        return 0;
    }
    if (npos != 2) {
        dc_err(npos < 2 ? "TEMPLATE and OUTPUT are both needed" : "too many arguments");
        return -1;
    }
    conf->template_path = argv[optind];
    conf->output_path = argv[optind + 1];
    return 0;
}

/* The whole template (bounded, no NUL bytes). Returns 0 or -1 (reported). */
static int read_template(const char *path, char **text, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc = -1;

    if (fd < 0) {
        dc_err("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        dc_err("%s is not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > TEMPLATE_SIZE_MAX) {
        dc_err("%s is larger than %d bytes", path, TEMPLATE_SIZE_MAX);
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        dc_err("out of memory");
        goto cleanup;
    }
    while (n < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            dc_err("cannot read %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        dc_err("%s holds a NUL byte: not a text file", path);
        goto cleanup;
    }
    *text = buf;
    *len = n;
    buf = NULL;
    rc = 0;
cleanup:
    free(buf);
    close(fd);
    return rc;
}

/* The output would replace the template itself: refuse, it is the only copy. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static void list_keys(struct dc_keys *keys)
{
    dc_keys_sort(keys);
    for (size_t i = 0; i < keys->n; i++)
        printf("%s=%s\t# %s\n", keys->v[i].name, keys->v[i].value,
               dc_key_origin_name(keys->v[i].origin));
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_sysconf sys;
    struct dc_keys keys = {0};
    struct dc_render out = {0};
    char err[1024], *text = NULL;
    size_t len = 0;
    int rc = EXIT_USAGE;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (dc_load_sysconf(&sys, conf.config_path) < 0)
        return EXIT_USAGE;
    if (dc_keys_detect(&keys, err, sizeof(err)) < 0 ||
        dc_keys_from_sysconf(&keys, &sys, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        goto cleanup;
    }
    for (size_t i = 0; i < conf.ndefines; i++) {
        if (dc_keys_define(&keys, conf.defines[i], err, sizeof(err)) < 0) {
            dc_err("%s", err);
            goto cleanup;
        }
    }
    if (conf.list) {
        list_keys(&keys);
        rc = fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_IO;
        goto cleanup;
    }
    rc = EXIT_IO;
    if (strcmp(conf.output_path, "-") != 0 && same_file(conf.template_path, conf.output_path)) {
        dc_err("%s is the template itself; write the rendered file elsewhere", conf.output_path);
        rc = EXIT_USAGE;
        goto cleanup;
    }
    if (read_template(conf.template_path, &text, &len) < 0)
        goto cleanup;
    if (dc_render(text, len, &keys, &out) < 0) {
        dc_err("out of memory");
        goto cleanup;
    }
    if (out.nmissing) {
        dc_err("%s: %zu placeholder%s without a value (nothing written):", conf.template_path,
               out.nmissing, out.nmissing == 1 ? "" : "s");
        for (size_t i = 0; i < out.nmissing; i++)
            dc_err("  @%s@ (line %u%s)", out.missing[i].name, out.missing[i].line,
                   out.missing[i].count > 1 ? ", and more" : "");
        dc_info("give them values with --define KEY=VALUE; --list shows the known ones");
        rc = EXIT_UNRESOLVED;
        goto cleanup;
    }
    if (!strcmp(conf.output_path, "-")) {
        if (fwrite(out.text, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
            dc_err("cannot write to standard output");
            goto cleanup;
        }
    } else if (dc_atomic_write_file(conf.output_path, out.text, out.len, 0644) < 0) {
        dc_err("cannot write %s: %s", conf.output_path, strerror(errno));
        goto cleanup;
    }
    rc = EXIT_SUCCESS;
cleanup:
    dc_render_free(&out);
    dc_keys_free(&keys);
    free(text);
    return rc;
}
