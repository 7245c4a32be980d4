/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dc_rt_mkprobe - write a signed probe file directly with a secret, for the runtime's tests,
 * its demo and its benchmarks (the product path is datacrumbs_probe_configurator and the
 * signing service). Never installed.
 *
 *   dc_rt_mkprobe --secret FILE --out FILE --user NAME [--uid N] [--valid SECONDS]
 *                 [--syscalls CAT:NAME,NAME...] [--uprobe CAT:BINARY:NAME,NAME...]
 *                 [--uprobe-all CAT:BINARY[:MAX]] [--uprobe-entry CAT:BINARY:NAME,NAME...]
 *                 [--kprobe CAT:NAME,...] [--type N:CAT:NAME,...]
 *                 [--buffers] [--string-bytes N]
 *
 * Functions of the table below get argument specs like the configurator's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "elfsym.h"
#include "probefile.h"

struct spec {
    const char *label, *c_type;
};

/* Kernel (syscall) and C library prototypes of the usual I/O calls. */
static const struct {
    int syscall; /* 1: the kernel's prototype, 0: libc's */
    const char *fn;
    struct spec args[4];
} known[] = {
    {1, "read", {{"fd", "unsigned int"}, {"buf", "void *"}, {"count", "size_t"}}},
    {1, "write", {{"fd", "unsigned int"}, {"buf", "const void *"}, {"count", "size_t"}}},
    {1,
     "openat",
     {{"dfd", "int"}, {"filename", "const char *"}, {"flags", "int"}, {"mode", "umode_t"}}},
    {1, "open", {{"filename", "const char *"}, {"flags", "int"}, {"mode", "umode_t"}}},
    {1, "close", {{"fd", "unsigned int"}}},
    {1,
     "writev",
     {{"fd", "unsigned long"}, {"vec", "const struct iovec *"}, {"vlen", "unsigned long"}}},
    {1,
     "pread64",
     {{"fd", "unsigned int"}, {"buf", "void *"}, {"count", "size_t"}, {"pos", "loff_t"}}},
    {1,
     "pwrite64",
     {{"fd", "unsigned int"}, {"buf", "const void *"}, {"count", "size_t"}, {"pos", "loff_t"}}},
    {1, "lseek", {{"fd", "unsigned int"}, {"offset", "off_t"}, {"whence", "unsigned int"}}},
    {1, "getppid", {{NULL, NULL}}},
    {0, "read", {{"fd", "int"}, {"buf", "void *"}, {"nbytes", "size_t"}}},
    {0, "write", {{"fd", "int"}, {"buf", "const void *"}, {"n", "size_t"}}},
    {0, "open", {{"file", "const char *"}, {"oflag", "int"}, {"mode", "mode_t"}}},
    {0, "open64", {{"file", "const char *"}, {"oflag", "int"}, {"mode", "mode_t"}}},
    {0, "openat", {{"fd", "int"}, {"file", "const char *"}, {"oflag", "int"}, {"mode", "mode_t"}}},
    {0, "close", {{"fd", "int"}}},
    {0, "fopen", {{"filename", "const char *"}, {"modes", "const char *"}}},
    {0, "unlink", {{"name", "const char *"}}},
};

/* --buffers: read and write data buffers are captured as text (what a site may allow). */
static int capture_buffers;
/* --string-bytes N: num_bytes of the strings (the configurator's default otherwise). */
static int string_bytes = 255;

static const char *buffer_type(const char *t)
{
    if (!capture_buffers)
        return t;
    if (strcmp(t, "void *") == 0)
        return "char *";
    if (strcmp(t, "const void *") == 0)
        return "const char *";
    return t;
}

static json_t *arg_specs(int syscall, const char *fn)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        json_t *a;

        if (known[i].syscall != syscall || strcmp(known[i].fn, fn) != 0)
            continue;
        a = json_array();
        for (int k = 0; k < 4 && known[i].args[k].label; k++) {
            const char *t = buffer_type(known[i].args[k].c_type);
            int ptr = strchr(t, '*') != NULL;
            int bytes = ptr ? (strstr(t, "char *") ? string_bytes : 8)
                        : (strcmp(t, "int") == 0 || strcmp(t, "unsigned int") == 0) ? 4
                                                                                    : 8;

            json_array_append_new(a, json_pack("{s:i, s:i, s:b, s:s, s:s}", "index", k, "num_bytes",
                                               bytes, "is_pointer", ptr, "label",
                                               known[i].args[k].label, "c_type", t));
        }
        return a;
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: dc_rt_mkprobe --secret FILE --out FILE --user NAME [--uid N] [--valid S]\n"
            "       [--syscalls CAT:NAMES] [--uprobe CAT:BINARY:NAMES] [--uprobe-all "
            "CAT:BINARY[:MAX]]\n"
            "       [--uprobe-entry CAT:BINARY:NAMES] [--kprobe CAT:NAMES] [--type N:CAT:NAMES]\n"
            "       [--buffers] [--string-bytes N] (NAMES: comma-separated)\n");
    exit(2);
}

static json_t *category(int type, const char *name)
{
    return json_pack("{s:i, s:s, s:[]}", "type", type, "name", name, "functions");
}

/* Add comma-separated names (with argument specs when known) to cat. */
static void add_names(json_t *cat, char *names, int syscall)
{
    json_t *fns = json_object_get(cat, "functions"), *fargs = json_object();

    for (char *save = NULL, *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
        json_t *a = arg_specs(syscall, n);

        json_array_append_new(fns, json_string(n));
        if (a)
            json_object_set_new(fargs, n, a);
    }
    if (json_object_size(fargs))
        json_object_set(cat, "function_arguments", fargs);
    json_decref(fargs);
}

struct all_ctx {
    json_t *fns;
    long max;
};

static void add_one(const char *name, uint64_t off, void *arg)
{
    struct all_ctx *c = arg;
    char buf[1024];

    if (c->max >= 0 && (long)json_array_size(c->fns) >= c->max)
        return;
    snprintf(buf, sizeof(buf), "%s:0x%llx", name, (unsigned long long)off);
    json_array_append_new(c->fns, json_string(buf));
}

static int read_secret(const char *path, unsigned char key[DC_PF_HEX_LEN])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, key, DC_PF_HEX_LEN);
    close(fd);
    return n == DC_PF_HEX_LEN ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *secret = NULL, *out = NULL, *user = NULL;
    long uid = -1, valid = 3600;
    json_t *cats = json_array(), *summary;
    unsigned char key[DC_PF_HEX_LEN];
    char mac[DC_PF_HEX_LEN + 1], when[32], abs_out[PATH_MAX], host[256];
    time_t now = time(NULL);
    enum dc_pf_status st;

    for (int i = 1; i < argc; i++) {
        char *v = i + 1 < argc ? argv[i + 1] : NULL, *c1, *c2;

        if (strcmp(argv[i], "--buffers") == 0) { /* before the functions it applies to */
            capture_buffers = 1;
            continue;
        }
        if (!v)
            usage();
        if (strcmp(argv[i], "--secret") == 0)
            secret = v;
        else if (strcmp(argv[i], "--out") == 0)
            out = v;
        else if (strcmp(argv[i], "--user") == 0)
            user = v;
        else if (strcmp(argv[i], "--uid") == 0)
            uid = strtol(v, NULL, 10);
        else if (strcmp(argv[i], "--valid") == 0)
            valid = strtol(v, NULL, 10);
        else if (strcmp(argv[i], "--string-bytes") == 0) /* before the functions too */
            string_bytes = (int)strtol(v, NULL, 10);
        else if (strcmp(argv[i], "--syscalls") == 0 || strcmp(argv[i], "--kprobe") == 0) {
            int sys = argv[i][2] == 's';
            json_t *cat;

            if (!(c1 = strchr(v, ':')))
                usage();
            *c1 = '\0';
            cat = category(sys ? DC_PF_SYSCALLS : DC_PF_KPROBE, v);
            add_names(cat, c1 + 1, sys);
            json_array_append_new(cats, cat);
        } else if (strcmp(argv[i], "--type") == 0) {
            json_t *cat;

            if (!(c1 = strchr(v, ':')) || !(c2 = strchr(c1 + 1, ':')))
                usage();
            *c1 = *c2 = '\0';
            cat = category(atoi(v), c1 + 1);
            add_names(cat, c2 + 1, 0);
            json_array_append_new(cats, cat);
        } else if (strcmp(argv[i], "--uprobe-entry") == 0) {
            json_t *cat;

            if (!(c1 = strchr(v, ':')) || !(c2 = strchr(c1 + 1, ':')))
                usage();
            *c1 = *c2 = '\0';
            /* As the configurator writes functions that get entry probes only. */
            cat = category(DC_PF_UPROBE, v);
            add_names(cat, c2 + 1, 0);
            json_object_set(cat, "entry_functions", json_object_get(cat, "functions"));
            json_object_set_new(cat, "functions", json_array());
            json_object_set_new(cat, "binary_path", json_string(c1 + 1));
            json_object_set_new(cat, "include_offsets", json_false());
            json_array_append_new(cats, cat);
        } else if (strcmp(argv[i], "--uprobe") == 0 || strcmp(argv[i], "--uprobe-all") == 0) {
            int all = argv[i][8] == '-';
            json_t *cat;

            if (!(c1 = strchr(v, ':')))
                usage();
            *c1 = '\0';
            /* NAMES may be "name:0xOFFSET"; MAX of --uprobe-all is the last field. */
            c2 = all ? strrchr(c1 + 1, ':') : strchr(c1 + 1, ':');
            if (!all && !c2)
                usage();
            cat = category(DC_PF_UPROBE, v);
            if (all) {
                struct all_ctx ctx = {json_object_get(cat, "functions"), -1};
                char err[512];

                if (c2) {
                    *c2 = '\0';
                    ctx.max = strtol(c2 + 1, NULL, 10);
                }
                if (rt_elf_each_function(c1 + 1, add_one, &ctx, err, sizeof(err)) < 0) {
                    fprintf(stderr, "dc_rt_mkprobe: %s\n", err);
                    return 1;
                }
            } else {
                *c2 = '\0';
                add_names(cat, c2 + 1, 0);
            }
            json_object_set_new(cat, "binary_path", json_string(c1 + 1));
            json_object_set_new(cat, "include_offsets", json_boolean(all));
            json_array_append_new(cats, cat);
        } else
            usage();
        i++;
    }
    if (!secret || !out || !user)
        usage();
    if (uid < 0) {
        struct passwd *pw = getpwnam(user);

        uid = pw ? (long)pw->pw_uid : 0;
    }
    if (read_secret(secret, key) < 0) {
        fprintf(stderr, "dc_rt_mkprobe: cannot read 64 bytes of secret from %s\n", secret);
        return 1;
    }
    if (out[0] != '/' && getcwd(abs_out, sizeof(abs_out)))
        snprintf(abs_out + strlen(abs_out), sizeof(abs_out) - strlen(abs_out), "/%s", out);
    else
        snprintf(abs_out, sizeof(abs_out), "%s", out);
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    summary = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "config_file_path", "dc_rt_mkprobe",
                        "probe_file_path", abs_out, "hostname", host, "user", user, "install_user",
                        "root", "uid", (json_int_t)uid);
    dc_pf_time_format(now - (valid < 0 ? 3600 : 0), when);
    json_object_set_new(summary, "issued_at", json_string(when));
    dc_pf_time_format(now + valid, when);
    json_object_set_new(summary, "expires_at", json_string(when));
    st = dc_pf_sign(summary, cats, key, sizeof(key), mac);
    if (st == DC_PF_OK)
        st = dc_pf_write(out, summary, cats, mac, 1, 0644);
    if (st != DC_PF_OK) {
        fprintf(stderr, "dc_rt_mkprobe: %s: %s\n", out, dc_pf_status_str(st));
        return 1;
    }
    json_decref(summary);
    json_decref(cats);
    return 0;
}
