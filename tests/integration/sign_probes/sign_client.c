/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sign_client - test and benchmark client of datacrumbs_sign_probes (not installed).
 *
 *   sign_client request TEMPLATE [--user U] [--uid N] [--issued S] [--expires S] [--id ID]
 *                       [--pretty] [--payload-out FILE]
 *       print a sign_probe_payload request built from TEMPLATE, a JSON object
 *       {"summary":{...},"categories":[...]}: summary keys come in probe file order, the ones
 *       the template lacks are filled in (user/uid of the caller, issued_at = now + S
 *       (default 0), expires_at = now + S (default 3600)); extra template keys are kept at
 *       the end. --pretty indents the payload (not canonical).
 *   sign_client send SOCKET [FILE] [--no-shutdown]
 *       send FILE (default stdin), half-close (unless --no-shutdown: a stalled client), print
 *       the answer
 *   sign_client load SOCKET FILE --clients C --requests N
 *       C threads send FILE N times in all, each on a new connection; prints
 *       "ok=.. failed=.. seconds=.. rate=.. p50_ms=.. p99_ms=.. max_ms=.." and exits 1 if any
 *       answer lacks a result
 *   sign_client idle SOCKET --count N --within S
 *       open N connections that send nothing; exit 0 when the server closed all of them
 *       within S seconds, each after sending a -32011 error
 *   sign_client big SOCKET --bytes N
 *       send the start of a request and N bytes of payload without ever finishing it, then
 *       print the answer
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "probefile.h"

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "sign_client: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
        return -1;
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = path && strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        die("cannot open", path);
    do {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 131072;
            buf = realloc(buf, cap);
            if (!buf)
                die("out of memory", NULL);
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    if (f != stdin)
        fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Send all of buf, half-close, read the answer to EOF. Returns the answer (malloc'ed). */
static int no_shutdown; /* send --no-shutdown: never half-close (a stalled client) */

static char *exchange(int fd, const char *buf, size_t len, size_t *outlen)
{
    size_t off = 0, cap = 4096, n = 0;
    char *out = malloc(cap);

    while (off < len) {
        ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break; /* the server may have answered early (too large): read it */
        off += (size_t)w;
    }
    if (!no_shutdown)
        shutdown(fd, SHUT_WR);
    for (;;) {
        ssize_t r;

        if (n + 1024 > cap)
            out = realloc(out, cap *= 2);
        r = recv(fd, out + n, cap - n - 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) /* EOF, or ECONNRESET after the answer when we left data unread */
            break;
        n += (size_t)r;
    }
    out[n] = '\0';
    *outlen = n;
    return out;
}

/* ---- request ---- */

static const char *const summary_order[] = {
    "config_file_path", "probe_file_path", "hostname", "user", "install_user", "uid",
    "issued_at",        "expires_at"};

static int cmd_request(int argc, char **argv)
{
    const char *user = NULL, *id = "1", *payload_out = NULL;
    long uid = -1, issued = 0, expires = 3600;
    int pretty = 0;
    json_t *tmpl, *summary, *categories, *req;
    json_error_t jerr;
    char *payload, ts[32], host[256];
    size_t plen;
    time_t now = time(NULL);

    if (argc < 1)
        die("request TEMPLATE [options]", NULL);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(argv[i], "--uid") && i + 1 < argc)
            uid = atol(argv[++i]);
        else if (!strcmp(argv[i], "--issued") && i + 1 < argc)
            issued = atol(argv[++i]);
        else if (!strcmp(argv[i], "--expires") && i + 1 < argc)
            expires = atol(argv[++i]);
        else if (!strcmp(argv[i], "--id") && i + 1 < argc)
            id = argv[++i];
        else if (!strcmp(argv[i], "--pretty"))
            pretty = 1;
        else if (!strcmp(argv[i], "--payload-out") && i + 1 < argc)
            payload_out = argv[++i];
        else
            die("unknown option", argv[i]);
    }
    tmpl = json_load_file(argv[0], 0, &jerr);
    if (!tmpl)
        die(jerr.text, argv[0]);
    if (!user) {
        struct passwd *pw = getpwuid(getuid());

        user = pw ? pw->pw_name : "nobody";
    }
    if (uid < 0)
        uid = (long)getuid();
    gethostname(host, sizeof(host));
    host[sizeof(host) - 1] = '\0';
    summary = json_object();
    for (size_t i = 0; i < sizeof(summary_order) / sizeof(summary_order[0]); i++) {
        const char *k = summary_order[i];
        json_t *v = json_object_get(json_object_get(tmpl, "summary"), k);

        if (v && json_is_null(v))
            continue; /* null in the template: leave the key out */
        if (!strcmp(k, "user") && !v)
            v = json_string(user);
        else if (!strcmp(k, "uid") && !v)
            v = json_integer(uid);
        else if (!strcmp(k, "hostname") && !v)
            v = json_string(host);
        else if (!strcmp(k, "install_user") && !v)
            v = json_string("root");
        else if (!strcmp(k, "issued_at") && !v) {
            dc_pf_time_format(now + issued, ts);
            v = json_string(ts);
        } else if (!strcmp(k, "expires_at") && !v) {
            dc_pf_time_format(now + expires, ts);
            v = json_string(ts);
        } else if (v)
            json_incref(v);
        if (v)
            json_object_set_new(summary, k, v);
    }
    {
        const char *k;
        json_t *v;

        json_object_foreach(json_object_get(tmpl, "summary"), k,
                            v) if (!json_object_get(summary, k) && !json_is_null(v))
            json_object_set(summary, k, v);
    }
    categories = json_object_get(tmpl, "categories");
    if (!categories)
        die("the template has no categories", argv[0]);
    if (pretty) {
        json_t *doc = json_pack("{s:O,s:O,s:s}", "summary", summary, "categories", categories,
                                "checksum_algorithm", "hmac-sha256");

        payload = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        plen = strlen(payload);
        json_decref(doc);
    } else if (dc_pf_payload(summary, categories, &payload, &plen) != DC_PF_OK) {
        /* Not signable (a control character, say): send it anyway, the signer must refuse. */
        json_t *doc = json_pack("{s:O,s:O,s:s}", "summary", summary, "categories", categories,
                                "checksum_algorithm", "hmac-sha256");

        payload = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
        plen = strlen(payload);
        json_decref(doc);
    }
    if (payload_out) {
        FILE *f = fopen(payload_out, "wb");

        if (!f || fwrite(payload, 1, plen, f) != plen || fclose(f) != 0)
            die("cannot write", payload_out);
    }
    req = json_pack("{s:s,s:s,s:s,s:{s:s%}}", "jsonrpc", "2.0", "id", id, "method",
                    "sign_probe_payload", "params", "signing_payload", payload, plen);
    if (!req)
        die("cannot build the request", NULL);
    json_dumpf(req, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
    free(payload);
    json_decref(req);
    json_decref(summary);
    json_decref(tmpl);
    return 0;
}

/* ---- send ---- */

static int cmd_send(int argc, char **argv)
{
    size_t len, outlen;
    char *req, *resp;
    int fd;

    if (argc > 0 && !strcmp(argv[argc - 1], "--no-shutdown")) {
        no_shutdown = 1;
        argc--;
    }
    if (argc < 1)
        die("send SOCKET [FILE] [--no-shutdown]", NULL);
    req = read_file(argc > 1 ? argv[1] : NULL, &len);
    fd = connect_to(argv[0]);
    if (fd < 0)
        die("cannot connect", argv[0]);
    resp = exchange(fd, req, len, &outlen);
    close(fd);
    fwrite(resp, 1, outlen, stdout);
    putchar('\n');
    free(req);
    free(resp);
    return outlen ? 0 : 1;
}

/* ---- load ---- */

struct load {
    const char *sock;
    const char *req;
    size_t len;
    int per_thread, extra; /* the first `extra` threads do one more */
    pthread_barrier_t start;
    double *lat; /* seconds, one per request */
    int *ok;
};

struct load_thread {
    struct load *l;
    int index;
};

static void *load_main(void *arg)
{
    struct load_thread *t = arg;
    struct load *l = t->l;
    int n = l->per_thread + (t->index < l->extra), first;

    first = t->index * l->per_thread + (t->index < l->extra ? t->index : l->extra);
    pthread_barrier_wait(&l->start);
    for (int i = 0; i < n; i++) {
        double t0 = now_s();
        int fd = connect_to(l->sock);
        size_t outlen = 0;
        char *resp;

        if (fd < 0) {
            l->ok[first + i] = 0;
            l->lat[first + i] = now_s() - t0;
            continue;
        }
        resp = exchange(fd, l->req, l->len, &outlen);
        close(fd);
        l->lat[first + i] = now_s() - t0;
        l->ok[first + i] = strstr(resp, "\"result\":") != NULL;
        if (!l->ok[first + i] && getenv("SIGN_CLIENT_SHOW_ERRORS"))
            fprintf(stderr, "sign_client: %.300s\n", resp);
        free(resp);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int cmd_load(int argc, char **argv)
{
    struct load l = {0};
    int clients = 1, requests = 1, ok = 0;
    pthread_t *th;
    struct load_thread *args;
    double t0, secs;

    if (argc < 2)
        die("load SOCKET FILE --clients C --requests N", NULL);
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--clients") && i + 1 < argc)
            clients = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
            requests = atoi(argv[++i]);
        else
            die("unknown option", argv[i]);
    }
    if (clients < 1 || requests < clients)
        die("need 1 <= clients <= requests", NULL);
    l.sock = argv[0];
    l.req = read_file(argv[1], &l.len);
    l.per_thread = requests / clients;
    l.extra = requests % clients;
    l.lat = calloc((size_t)requests, sizeof(double));
    l.ok = calloc((size_t)requests, sizeof(int));
    th = calloc((size_t)clients, sizeof(*th));
    args = calloc((size_t)clients, sizeof(*args));
    pthread_barrier_init(&l.start, NULL, (unsigned)clients + 1);
    for (int i = 0; i < clients; i++) {
        args[i] = (struct load_thread){&l, i};
        if (pthread_create(&th[i], NULL, load_main, &args[i]) != 0)
            die("cannot start threads", NULL);
    }
    pthread_barrier_wait(&l.start);
    t0 = now_s();
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    secs = now_s() - t0;
    for (int i = 0; i < requests; i++)
        ok += l.ok[i];
    qsort(l.lat, (size_t)requests, sizeof(double), cmp_double);
    printf("ok=%d failed=%d seconds=%.3f rate=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", ok,
           requests - ok, secs, requests / secs, l.lat[requests / 2] * 1e3,
           l.lat[(size_t)((requests - 1) * 0.99)] * 1e3, l.lat[requests - 1] * 1e3);
    pthread_barrier_destroy(&l.start);
    free((char *)l.req);
    free(l.lat);
    free(l.ok);
    free(th);
    free(args);
    return ok == requests ? 0 : 1;
}

/* ---- idle ---- */

static int cmd_idle(int argc, char **argv)
{
    int count = 1, *fds, closed = 0, with_error = 0;
    double within = 10, t0;

    if (argc < 1)
        die("idle SOCKET --count N --within S", NULL);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--within") && i + 1 < argc)
            within = atof(argv[++i]);
        else
            die("unknown option", argv[i]);
    }
    fds = calloc((size_t)count, sizeof(int));
    for (int i = 0; i < count; i++)
        if ((fds[i] = connect_to(argv[0])) < 0)
            die("cannot connect", argv[0]);
    t0 = now_s();
    /* Each read blocks until the server answers and closes; the timeout bounds the wait. */
    for (int i = 0; i < count; i++) {
        struct timeval tv;
        double left = within - (now_s() - t0);
        char buf[4096];
        size_t n = 0;
        ssize_t r;

        if (left <= 0)
            break;
        tv.tv_sec = (time_t)left;
        tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        while (n < sizeof(buf) - 1 && (r = recv(fds[i], buf + n, sizeof(buf) - 1 - n, 0)) > 0)
            n += (size_t)r;
        buf[n] = '\0';
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            closed++;
            with_error += strstr(buf, "-32011") != NULL;
        }
    }
    printf("idle=%d closed=%d with_timeout_error=%d seconds=%.2f\n", count, closed, with_error,
           now_s() - t0);
    for (int i = 0; i < count; i++)
        close(fds[i]);
    free(fds);
    return closed == count && with_error == count ? 0 : 1;
}

/* ---- big ---- */

static int cmd_big(int argc, char **argv)
{
    static const char head[] =
        "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"sign_probe_payload\","
        "\"params\":{\"signing_payload\":\"";
    size_t bytes = 0, sent = 0, n = 0;
    char *block, out[4096];
    int fd;
    ssize_t r;

    if (argc < 1)
        die("big SOCKET --bytes N", NULL);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
            bytes = strtoull(argv[++i], NULL, 10);
        else
            die("unknown option", argv[i]);
    }
    fd = connect_to(argv[0]);
    if (fd < 0)
        die("cannot connect", argv[0]);
    block = malloc(1 << 20);
    memset(block, 'A', 1 << 20);
    if (send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL) < 0)
        die("send", strerror(errno));
    while (sent < bytes) {
        size_t chunk = bytes - sent < (1u << 20) ? bytes - sent : (1u << 20);
        ssize_t w = send(fd, block, chunk, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break; /* refused: the server closed its end */
        sent += (size_t)w;
    }
    while (n < sizeof(out) - 1 && (r = recv(fd, out + n, sizeof(out) - 1 - n, 0)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    printf("sent=%zu answer=%s\n", sent, out);
    free(block);
    close(fd);
    return n ? 0 : 1;
}

/* ---- hold ---- */

/*
 * Open N connections and send B bytes of an unfinished request on each, one after the other,
 * then keep them open (never half-closed) for S seconds: a user holding the signer's memory.
 * Prints how many connections still hold their bytes (the others were refused).
 */
static int cmd_hold(int argc, char **argv)
{
    static const char head[] =
        "{\"jsonrpc\":\"2.0\",\"id\":\"hold\",\"method\":\"sign_probe_payload\","
        "\"params\":{\"signing_payload\":\"";
    int count = 1, held = 0, *fds;
    size_t bytes = 1 << 20;
    double seconds = 5;
    char *block;

    if (argc < 1)
        die("hold SOCKET --count N --bytes B --seconds S", NULL);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
            bytes = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else
            die("unknown option", argv[i]);
    }
    fds = calloc((size_t)count, sizeof(int));
    block = malloc(1 << 20);
    if (!fds || !block)
        die("out of memory", NULL);
    memset(block, 'A', 1 << 20);
    for (int i = 0; i < count; i++) {
        size_t sent = 0;
        int ok = 1;

        fds[i] = connect_to(argv[0]);
        if (fds[i] < 0)
            die("cannot connect", argv[0]);
        if (send(fds[i], head, sizeof(head) - 1, MSG_NOSIGNAL) < 0)
            ok = 0;
        while (ok && sent < bytes) {
            size_t chunk = bytes - sent < (1u << 20) ? bytes - sent : (1u << 20);
            ssize_t w = send(fds[i], block, chunk, MSG_NOSIGNAL);

            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                ok = 0; /* refused: the server closed its end */
            else
                sent += (size_t)w;
        }
        if (ok) {
            /* Sent is not held: a refusal may still be on its way. */
            struct timeval tv = {0, 200000};
            char c;

            setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            ok = recv(fds[i], &c, 1, 0) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        }
        held += ok;
    }
    printf("held=%d of %d\n", held, count);
    fflush(stdout);
    usleep((useconds_t)(seconds * 1e6));
    for (int i = 0; i < count; i++)
        close(fds[i]);
    free(fds);
    free(block);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        die("usage: sign_client request|send|load|idle|big|hold ...", NULL);
    if (!strcmp(argv[1], "request"))
        return cmd_request(argc - 2, argv + 2);
    if (!strcmp(argv[1], "hold"))
        return cmd_hold(argc - 2, argv + 2);
    if (!strcmp(argv[1], "send"))
        return cmd_send(argc - 2, argv + 2);
    if (!strcmp(argv[1], "load"))
        return cmd_load(argc - 2, argv + 2);
    if (!strcmp(argv[1], "idle"))
        return cmd_idle(argc - 2, argv + 2);
    if (!strcmp(argv[1], "big"))
        return cmd_big(argc - 2, argv + 2);
    die("unknown command", argv[1]);
    return 2;
}
