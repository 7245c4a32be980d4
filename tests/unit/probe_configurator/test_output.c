/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_output.c - everything after discovery: the command line, the summary and the output
 * path, the signing client against a fake signer (answers, refusals, a busy signer, garbage,
 * silence, no signer), and the reports.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "options.h"
#include "probefile.h"
#include "progress.h"
#include "report.h"
#include "signer.h"
#include "summary.h"

static enum dc_cfg_parse parse(struct dc_cfg_opts *o, char *err, size_t errlen, ...)
{
    char *argv[16] = {"datacrumbs_probe_configurator"};
    int argc = 1;
    va_list ap;
    char *a;

    va_start(ap, errlen);
    while ((a = va_arg(ap, char *)) != NULL && argc < 15)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return dc_cfg_parse_options(o, argc, argv, err, errlen);
}

static void test_options(void **state)
{
    struct dc_cfg_opts o;
    char err[256];

    (void)state;
    assert_int_equal(parse(&o, err, sizeof(err), "h.yaml", "out.json.gz", NULL), DC_CFG_PARSE_OK);
    assert_string_equal(o.host_path, "h.yaml");
    assert_string_equal(o.output_path, "out.json.gz");
    assert_int_equal(o.progress, -1);
    /* options anywhere */
    assert_int_equal(parse(&o, err, sizeof(err), "h.yaml", "--json", "--config", "c.conf", "o",
                           "--quiet", "--kallsyms=k", "--kernel-btf", "b", "--no-progress", NULL),
                     DC_CFG_PARSE_OK);
    assert_true(o.json && o.quiet);
    assert_string_equal(o.config_path, "c.conf");
    assert_string_equal(o.kallsyms, "k");
    assert_string_equal(o.kernel_btf, "b");
    assert_int_equal(o.progress, 0);
    /* --dry-run needs no output */
    assert_int_equal(parse(&o, err, sizeof(err), "--dry-run", "h.yaml", NULL), DC_CFG_PARSE_OK);
    assert_null(o.output_path);
    assert_int_equal(parse(&o, err, sizeof(err), "h.yaml", NULL), DC_CFG_PARSE_USAGE);
    assert_non_null(strstr(err, "no output file given"));
    assert_int_equal(parse(&o, err, sizeof(err), NULL), DC_CFG_PARSE_USAGE);
    assert_non_null(strstr(err, "no host file given"));
    assert_int_equal(parse(&o, err, sizeof(err), "a", "b", "c", NULL), DC_CFG_PARSE_USAGE);
    assert_non_null(strstr(err, "too many arguments: 'c'"));
    assert_int_equal(parse(&o, err, sizeof(err), "--bogus", "a", "b", NULL), DC_CFG_PARSE_USAGE);
    assert_non_null(strstr(err, "unknown option '--bogus'"));
    assert_int_equal(parse(&o, err, sizeof(err), "a", "b", "--config", NULL), DC_CFG_PARSE_USAGE);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(&o, err, sizeof(err), "--quiet", "--verbose", "a", "b", NULL),
                     DC_CFG_PARSE_USAGE);
    assert_int_equal(parse(&o, err, sizeof(err), "", "b", NULL), DC_CFG_PARSE_USAGE);
    /* "--" ends the options */
    assert_int_equal(parse(&o, err, sizeof(err), "--", "--weird.yaml", "out", NULL),
                     DC_CFG_PARSE_OK);
    assert_string_equal(o.host_path, "--weird.yaml");
}

static void test_summary(void **state)
{
    struct dc_summary_in in = {
        .config_file_path = "/home/a/host.yaml",
        .probe_file_path = "/home/a/p.json.gz",
        .hostname = "node1",
        .user = "alice",
        .uid = 1000,
        .issued_at = 1700000000,
        .validity = 7 * 86400,
    };
    json_t *s = dc_summary_json(&in);
    char *text;

    (void)state;
    assert_non_null(s);
    text = json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER);
    /* the signer's order: upstream's five keys, then ours */
    assert_string_equal(text, "{\"config_file_path\":\"/home/a/host.yaml\",\"probe_file_path\":"
                              "\"/home/a/p.json.gz\",\"hostname\":\"node1\",\"user\":\"alice\","
                              "\"install_user\":\"root\",\"uid\":1000,\"issued_at\":"
                              "\"2023-11-14T22:13:20Z\",\"expires_at\":\"2023-11-21T22:13:20Z\"}");
    free(text);
    json_decref(s);
}

static void test_output_path(void **state)
{
    char out[4096], err[512], cwd[4096], want[4200];

    (void)state;
    assert_int_equal(dc_output_path("/tmp/x.json.gz", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "/tmp/x.json.gz");
    assert_int_equal(dc_output_path("/tmp/./../tmp//x.json.gz", out, sizeof(out), err, sizeof(err)),
                     0);
    assert_string_equal(out, "/tmp/x.json.gz");
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(dc_output_path("p.json.gz", out, sizeof(out), err, sizeof(err)), 0);
    snprintf(want, sizeof(want), "%s/p.json.gz", strcmp(cwd, "/") ? cwd : "");
    assert_string_equal(out, want);
    assert_int_equal(dc_output_path("/nonexistent/dir/x", out, sizeof(out), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(dc_output_path("/tmp/", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_output_path("/tmp/..", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_output_path("/etc/passwd/x", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_output_path("/x.gz", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "/x.gz");
    assert_int_equal(dc_caller_name(0, err, sizeof(err)), 0);
    assert_string_equal(err, "root");
}

static void test_parse_reply(void **state)
{
    struct dc_signer_reply r;
    static const char ok[] =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"checksum\":"
        "\"05a148bfbbec07dcc4ec3d3bf38da2740b96f2747f299238551bf0e18c66b884\"}}";
    static const char refused[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,"
                                  "\"message\":\"payload validation failed (1 error(s)):\\n- x\"}}";

    (void)state;
    assert_int_equal(dc_signer_parse_reply(ok, strlen(ok), &r), DC_SIGNER_OK);
    assert_string_equal(r.checksum,
                        "05a148bfbbec07dcc4ec3d3bf38da2740b96f2747f299238551bf0e18c66b884");
    assert_int_equal(dc_signer_parse_reply(refused, strlen(refused), &r), DC_SIGNER_REFUSED);
    assert_int_equal(r.code, -32005);
    assert_string_equal(r.message, "payload validation failed (1 error(s)):\n- x");
    assert_int_equal(dc_signer_parse_reply("", 0, &r), DC_SIGNER_PROTOCOL);
    assert_int_equal(dc_signer_parse_reply("nope", 4, &r), DC_SIGNER_PROTOCOL);
    assert_int_equal(dc_signer_parse_reply("{\"jsonrpc\":\"1.0\",\"result\":{}}", 29, &r),
                     DC_SIGNER_PROTOCOL);
    assert_int_equal(
        dc_signer_parse_reply("{\"jsonrpc\":\"2.0\",\"result\":{\"checksum\":\"AB\"}}", 44, &r),
        DC_SIGNER_PROTOCOL);
    assert_int_equal(dc_signer_parse_reply("[1]", 3, &r), DC_SIGNER_PROTOCOL);
}

/* A fake signer: answers each connection with the next canned reply. */
struct fake {
    int fd;
    const char *const *replies; /* NULL entry: close without answering; "!" : say nothing */
    size_t n;
    char last_request[65536];
    size_t connections;
};

static void *serve(void *arg)
{
    struct fake *f = arg;

    for (size_t i = 0; i < f->n; i++) {
        int c = accept(f->fd, NULL, NULL);
        size_t len = 0;
        ssize_t k;

        if (c < 0)
            break;
        f->connections++;
        if (f->replies[i] && !strcmp(f->replies[i], "!")) {
            usleep(700000); /* silence: the client gives up first */
            close(c);
            continue;
        }
        while ((k = read(c, f->last_request + len, sizeof(f->last_request) - 1 - len)) > 0)
            len += (size_t)k;
        f->last_request[len] = '\0';
        if (f->replies[i] && write(c, f->replies[i], strlen(f->replies[i])) < 0)
            break;
        close(c);
    }
    return NULL;
}

static int start_fake(struct fake *f, const char *path, pthread_t *t)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    unlink(path);
    if (strlen(path) >= sizeof(sa.sun_path))
        return -1;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    f->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(f->fd, 8) < 0)
        return -1;
    return pthread_create(t, NULL, serve, f);
}

static void test_signer_client(void **state)
{
    static const char *const replies[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32012,\"message\":\"busy\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"checksum\":"
        "\"1111111111111111111111111111111111111111111111111111111111111111\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32003,\"message\":\"no access\"}}",
        NULL,
        "!",
    };
    char dir[] = "/tmp/dc-signer.XXXXXX", path[256];
    struct fake f = {.replies = replies, .n = 5};
    struct dc_signer_reply r;
    pthread_t t;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/sign.sock", dir);
    /* nobody there */
    assert_int_equal(dc_signer_sign(path, "{}", 2, 1000, &r), DC_SIGNER_UNREACHABLE);
    assert_non_null(strstr(r.message, "cannot connect to the signer at"));
    assert_int_equal(start_fake(&f, path, &t), 0);
    /* busy, then signed: the client came back */
    assert_int_equal(dc_signer_sign(path, "{\"a\":\"\\/x\"}", 11, 5000, &r), DC_SIGNER_OK);
    assert_int_equal(f.connections, 2);
    assert_string_equal(r.checksum,
                        "1111111111111111111111111111111111111111111111111111111111111111");
    assert_string_equal(f.last_request,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sign_probe_payload\","
                        "\"params\":{\"signing_payload\":\"{\\\"a\\\":\\\"\\\\/x\\\"}\"}}");
    /* refused */
    assert_int_equal(dc_signer_sign(path, "{}", 2, 5000, &r), DC_SIGNER_REFUSED);
    assert_int_equal(r.code, -32003);
    assert_string_equal(r.message, "no access");
    /* closed without an answer */
    assert_int_equal(dc_signer_sign(path, "{}", 2, 5000, &r), DC_SIGNER_PROTOCOL);
    /* silence: bounded by the timeout */
    assert_int_equal(dc_signer_sign(path, "{}", 2, 300, &r), DC_SIGNER_UNREACHABLE);
    assert_non_null(strstr(r.message, "in time"));
    pthread_join(t, NULL);
    close(f.fd);
    unlink(path);
    rmdir(dir);
    /* a socket path too long for AF_UNIX */
    {
        char longp[200];

        memset(longp, 'a', sizeof(longp) - 1);
        longp[sizeof(longp) - 1] = '\0';
        assert_int_equal(dc_signer_sign(longp, "{}", 2, 1000, &r), DC_SIGNER_UNREACHABLE);
        assert_non_null(strstr(r.message, "longer than"));
    }
}

static void test_reports(void **state)
{
    struct dc_category cats[2] = {0};
    struct dc_invalid inv = {.capture = 2, .line = 9, .name = "gone", .why = "no such file"};
    struct dc_discovery d = {.cats = cats, .ncats = 2, .invalid = &inv, .ninvalid = 1, .total = 7};
    struct dc_report r = {
        .host_file = "h.yaml", .disc = &d, .max_functions = 100, .exit_status = 1, .dry_run = 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    json_t *j;
    json_error_t jerr;

    (void)state;
    cats[0].name = "libc";
    cats[0].type = DC_PF_UPROBE;
    cats[0].nfns = 5;
    snprintf(cats[0].source, sizeof(cats[0].source), "/lib/libc.so.6");
    cats[1].name = "sys";
    cats[1].type = DC_PF_SYSCALLS;
    cats[1].nfns = 2;
    snprintf(cats[1].source, sizeof(cats[1].source), "/sys/kernel/btf/vmlinux");
    f = open_memstream(&buf, &len);
    dc_report_table(f, &r);
    fclose(f);
    assert_non_null(strstr(buf, "CATEGORY  TYPE      FUNCTIONS  SOURCE\n"));
    assert_non_null(strstr(buf, "libc      uprobe            5  /lib/libc.so.6\n"));
    assert_non_null(strstr(buf, "gone      -          left out  line 9: no such file\n"));
    assert_non_null(strstr(buf, "total: 7 runtime functions in 2 categories "
                                "(max_runtime_functions 100)"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(dc_report_json(f, &r), 0);
    fclose(f);
    j = json_loads(buf, 0, &jerr);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 7);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "categories"), 1), "type")),
                        "syscalls");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "left_out"), 0), "reason")),
                        "no such file");
    assert_true(json_is_null(json_object_get(j, "checksum")));
    assert_true(json_is_true(json_object_get(j, "dry_run")));
    json_decref(j);
    free(buf);
}

static void test_progress(void **state)
{
    struct dc_progress p;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    /* quick: nothing shown */
    dc_progress_init(&p, f, 1);
    dc_progress_step(&p, 0, 3, "libc");
    fflush(f);
    assert_int_equal(len, 0);
    /* slow: a line, then erased */
    p.start_ms -= 10 * DC_PROGRESS_DELAY_MS;
    dc_progress_step(&p, 1, 3, "sys");
    dc_progress_clear(&p);
    fflush(f);
    assert_non_null(strstr(buf, "[2/3] discovering sys"));
    assert_non_null(strstr(buf + 1, "\r\033[K"));
    fclose(f);
    free(buf);
    /* disabled: never */
    buf = NULL;
    f = open_memstream(&buf, &len);
    dc_progress_init(&p, f, 0);
    p.start_ms -= 10 * DC_PROGRESS_DELAY_MS;
    dc_progress_note(&p, "asking the signer");
    dc_progress_clear(&p);
    fclose(f);
    assert_int_equal(len, 0);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),       cmocka_unit_test(test_summary),
        cmocka_unit_test(test_output_path),   cmocka_unit_test(test_parse_reply),
        cmocka_unit_test(test_signer_client), cmocka_unit_test(test_reports),
        cmocka_unit_test(test_progress),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
