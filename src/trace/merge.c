/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * merge.c - the merge verb: the per-node traces of a run into one trace ordered by time.
 *
 * The runtime writes an event when the call returns, so a trace is ordered by end, not by
 * start. Every input keeps a window of its next events (--window; 8 Ki events in all by
 * default) in a heap of its own, and a heap of the inputs picks the one whose earliest event
 * comes first, by (ts, input, position): a call that starts before the last one written but
 * returns more than a window of events later is written late, and counted.
 * Ids are renumbered from 0. Each input's host gets its own pid range (pid + 10^7 * (host
 * index + 1), the same for tids) and every process a "process_name" metadata event naming its
 * host and pid, as Chrome and Perfetto traces name processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gzout.h"
#include "log.h"
#include "trace.h"

#define PID_RANGE    10000000LL
#define WINDOW_TOTAL 8192
#define WINDOW_MIN   256

struct pend {
    uint64_t ts, seq;
    uint32_t input;
    char ph;
    int64_t pid, tid;
    size_t id_off, id_len, pid_off, pid_len, tid_off, tid_len;
    int has_id;
    size_t len;
    char *line;
};

/* A heap entry: the order key inline, so that sifting never touches the events. */
struct slot {
    uint64_t ts;
    uint64_t order; /* input << 40 | position in the input */
    struct pend *p;
};

struct input {
    struct tr_reader r;
    int open, done;
    uint32_t host; /* index among distinct hosts */
    char user[256], run[256], hostname[256];
    struct slot *h; /* the window: a heap of up to window events */
    size_t n;
};

struct merge {
    const struct tr_opts *o;
    struct input *in;
    uint32_t *g; /* the inputs that hold events, a heap by their earliest */
    size_t ng;
    uint64_t seq, next_id, last_ts, late, written;
    struct tr_u64map named; /* output pids that have their process_name event */
    struct tr_gzout *out;
    char *buf;
    size_t bufcap;
    int rc;
};

static int slot_less(const struct slot *a, const struct slot *b)
{
    return a->ts != b->ts ? a->ts < b->ts : a->order < b->order;
}

static void sift_up(struct slot *h, size_t i)
{
    struct slot x = h[i];

    while (i) {
        size_t up = (i - 1) / 2;

        if (!slot_less(&x, &h[up]))
            break;
        h[i] = h[up];
        i = up;
    }
    h[i] = x;
}

static void sift_down(struct slot *h, size_t n, size_t i)
{
    struct slot x = h[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && slot_less(&h[c + 1], &h[c]))
            c++;
        if (!slot_less(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

static struct slot slot_of(struct pend *p)
{
    struct slot x = {p->ts, (uint64_t)p->input << 40 | (p->seq & ((1ull << 40) - 1)), p};

    return x;
}

static int g_less(const struct merge *m, uint32_t a, uint32_t b)
{
    return slot_less(&m->in[a].h[0], &m->in[b].h[0]);
}

static void g_sift_down(struct merge *m)
{
    size_t i = 0;
    uint32_t x = m->g[0];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= m->ng)
            break;
        if (c + 1 < m->ng && g_less(m, m->g[c + 1], m->g[c]))
            c++;
        if (!g_less(m, m->g[c], x))
            break;
        m->g[i] = m->g[c];
        i = c;
    }
    m->g[i] = x;
}

static void g_push(struct merge *m, uint32_t in)
{
    size_t i = m->ng++;

    while (i) {
        size_t up = (i - 1) / 2;

        if (!g_less(m, in, m->g[up]))
            break;
        m->g[i] = m->g[up];
        i = up;
    }
    m->g[i] = in;
}

/* Read the next event of input i into *out: 1, 0 when the input is done, -1 no memory. */
static int read_event(struct merge *m, uint32_t i, struct pend **out)
{
    struct input *in = &m->in[i];
    struct tr_event ev;
    struct pend *p;

    while (!in->done) {
        if (tr_reader_next(&in->r, &ev) != 1) {
            in->done = 1;
            m->rc = tr_exit_worst(m->rc, tr_report_end(&in->r));
            return 0;
        }
        if (ev.ph == 'M')
            continue; /* the output names its processes itself */
        if (ev.pid < 0 || ev.pid >= PID_RANGE || ev.tid < 0 || ev.tid >= PID_RANGE) {
            dc_err("%s:%ld: pid or tid %lld out of range: is this trace merged already? "
                   "(merge the per-node traces)",
                   in->r.path, in->r.lineno, (long long)(ev.pid >= PID_RANGE ? ev.pid : ev.tid));
            m->rc = tr_exit_worst(m->rc, TR_EXIT_INVALID);
            in->done = 1;
            return 0;
        }
        p = malloc(sizeof(*p) + ev.len);
        if (!p)
            return -1;
        p->line = (char *)(p + 1);
        memcpy(p->line, ev.line, ev.len);
        p->len = ev.len;
        p->ts = ev.ts;
        p->seq = m->seq++;
        p->input = i;
        p->ph = ev.ph;
        p->pid = ev.pid;
        p->tid = ev.tid;
        p->has_id = ev.has_id;
        p->id_off = ev.id_off;
        p->id_len = ev.id_len;
        p->pid_off = ev.pid_off;
        p->pid_len = ev.pid_len;
        p->tid_off = ev.tid_off;
        p->tid_len = ev.tid_len;
        if (m->written && ev.ts < m->last_ts)
            m->late++;
        *out = p;
        return 1;
    }
    return 0;
}

static size_t put_u64(char *o, uint64_t v)
{
    char tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        o[i] = tmp[n - 1 - i];
    return n;
}

static int out_bytes(struct merge *m, const char *s, size_t n)
{
    return tr_gzout_write(m->out, s, n);
}

static int name_process(struct merge *m, const struct pend *p, int64_t pid)
{
    const struct input *in = &m->in[p->input];
    char line[1400];
    int n;

    n = snprintf(line, sizeof(line),
                 "{\"id\":%llu,\"name\":\"process_name\",\"cat\":\"__metadata\",\"ph\":\"M\","
                 "\"ts\":%llu,\"dur\":0,\"pid\":%lld,\"tid\":%lld,\"args\":{\"name\":\"%s pid "
                 "%lld\",\"host\":\"%s\",\"pid\":%lld,\"user\":\"%s\",\"run\":\"%s\"}}\n",
                 (unsigned long long)m->next_id++, (unsigned long long)p->ts, (long long)pid,
                 (long long)pid, in->hostname, (long long)p->pid, in->hostname, (long long)p->pid,
                 in->user, in->run);
    if (n < 0 || (size_t)n >= sizeof(line))
        return -1;
    return out_bytes(m, line, (size_t)n);
}

struct rep {
    size_t off, len;
    uint64_t v;
};

/* The event's line with its id, pid and tid replaced. */
static int emit(struct merge *m, const struct pend *p)
{
    int64_t base = PID_RANGE * ((int64_t)m->in[p->input].host + 1);
    int64_t pid = base + p->pid, tid = base + p->tid;
    struct rep rep[3];
    size_t nrep = 0, pos = 0, o = 0;
    uint32_t dummy;

    if (!tr_u64map_get(&m->named, (uint64_t)pid, &dummy)) {
        if (tr_u64map_put(&m->named, (uint64_t)pid, 1) < 0 || name_process(m, p, pid) < 0)
            return -1;
    }
    if (m->bufcap < p->len + 64) {
        free(m->buf);
        m->bufcap = p->len + 64;
        if (!(m->buf = malloc(m->bufcap)))
            return -1;
    }
    if (p->has_id)
        rep[nrep++] = (struct rep){p->id_off, p->id_len, m->next_id};
    rep[nrep++] = (struct rep){p->pid_off, p->pid_len, (uint64_t)pid};
    rep[nrep++] = (struct rep){p->tid_off, p->tid_len, (uint64_t)tid};
    /* In line order. */
    for (size_t i = 1; i < nrep; i++)
        for (size_t j = i; j > 0 && rep[j].off < rep[j - 1].off; j--) {
            struct rep t = rep[j];

            rep[j] = rep[j - 1];
            rep[j - 1] = t;
        }
    if (!p->has_id) {
        /* {"id":N, then the rest after the brace. */
        memcpy(m->buf, "{\"id\":", 6);
        o = 6 + put_u64(m->buf + 6, m->next_id);
        m->buf[o++] = ',';
        pos = 1;
    }
    for (size_t i = 0; i < nrep; i++) {
        memcpy(m->buf + o, p->line + pos, rep[i].off - pos);
        o += rep[i].off - pos;
        o += put_u64(m->buf + o, rep[i].v);
        pos = rep[i].off + rep[i].len;
    }
    memcpy(m->buf + o, p->line + pos, p->len - pos);
    o += p->len - pos;
    m->buf[o++] = '\n';
    m->next_id++;
    return out_bytes(m, m->buf, o);
}

static int open_inputs(struct merge *m, size_t window)
{
    struct tr_strtab hosts;
    int rc = 0;

    tr_strtab_init(&hosts);
    for (uint32_t i = 0; i < m->o->nfiles; i++) {
        struct input *in = &m->in[i];
        const char *f = m->o->files[i];
        long h;

        if (tr_parse_trace_name(f, in->user, in->run, in->hostname, sizeof(in->hostname)) < 0) {
            const char *b = strrchr(f, '/');

            snprintf(in->user, sizeof(in->user), "?");
            snprintf(in->run, sizeof(in->run), "?");
            snprintf(in->hostname, sizeof(in->hostname), "%.*s", 200, b ? b + 1 : f);
        }
        /* JSON-safe: host names, users and run ids have no quotes or backslashes. */
        for (char *s = in->hostname; *s; s++)
            if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
                *s = '_';
        for (char *s = in->user; *s; s++)
            if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
                *s = '_';
        for (char *s = in->run; *s; s++)
            if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
                *s = '_';
        h = tr_strtab_intern(&hosts, in->hostname, strlen(in->hostname));
        if (h < 0) {
            rc = -1;
            break;
        }
        in->host = (uint32_t)h;
        if (tr_reader_open(&in->r, f) < 0) {
            m->rc = tr_exit_worst(m->rc, tr_report_end(&in->r));
            in->done = 1;
            continue;
        }
        in->open = 1;
        if (!(in->h = malloc(window * sizeof(*in->h)))) {
            rc = -1;
            break;
        }
        while (in->n < window) {
            struct pend *p;
            int n = read_event(m, i, &p);

            if (n < 0)
                rc = -1;
            if (n <= 0)
                break;
            in->h[in->n] = slot_of(p);
            sift_up(in->h, in->n++);
        }
        if (rc < 0)
            break;
        if (in->n)
            g_push(m, i);
    }
    tr_strtab_free(&hosts);
    return rc;
}

int do_merge(const struct tr_opts *o)
{
    struct merge m = {.o = o};
    size_t window = o->window;
    char *tmp = NULL, err[160];
    int fd = -1, rc = TR_EXIT_OK;

    tr_u64map_init(&m.named);
    if (!window) {
        window = WINDOW_TOTAL / (o->nfiles ? o->nfiles : 1);
        if (window < WINDOW_MIN)
            window = WINDOW_MIN;
    }
    m.in = calloc(o->nfiles, sizeof(*m.in));
    m.g = calloc(o->nfiles, sizeof(*m.g));
    if (!m.in || !m.g) {
        dc_err("out of memory");
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    fd = tr_out_open(o->output, &tmp);
    if (fd < 0) {
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    m.out = tr_gzout_start(fd, o->level);
    if (!m.out || open_inputs(&m, window) < 0) {
        dc_err("out of memory");
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    if (out_bytes(&m, "[\n", 2) < 0)
        goto write_failed;
    while (m.ng) {
        uint32_t i = m.g[0];
        struct input *in = &m.in[i];
        struct pend *p = in->h[0].p, *next;
        int e, n;

        if (!m.written || p->ts > m.last_ts)
            m.last_ts = p->ts;
        m.written++;
        e = emit(&m, p);
        free(p);
        n = read_event(&m, i, &next);
        if (n < 0) {
            in->h[0].p = NULL;
            dc_err("out of memory");
            rc = TR_EXIT_FAIL;
            goto cleanup;
        }
        /* The next event takes the place of the one written, or the window shrinks. */
        if (n == 1)
            in->h[0] = slot_of(next);
        else
            in->h[0] = in->h[--in->n];
        if (in->n)
            sift_down(in->h, in->n, 0);
        else
            m.g[0] = m.g[--m.ng];
        if (m.ng)
            g_sift_down(&m);
        if (e < 0)
            goto write_failed;
    }
    if (out_bytes(&m, "]\n", 2) < 0)
        goto write_failed;
    {
        struct tr_gzout *g = m.out;

        m.out = NULL;
        if (tr_gzout_finish(g, err, sizeof(err)) < 0) {
            dc_err("writing %s: %s", o->output, err);
            rc = TR_EXIT_FAIL;
            goto cleanup;
        }
    }
    if (tmp && fsync(fd) < 0 && errno != EINVAL) {
        dc_err("writing %s: %s", o->output, strerror(errno));
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    if (tr_out_commit(o->output, &tmp) < 0) {
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    if (m.late)
        dc_warn("%llu events started more than the window (%zu events per input) before "
                "where they were written: they are late in the output (--window)",
                (unsigned long long)m.late, window);
    rc = tr_exit_worst(rc, m.rc);
    goto cleanup;
write_failed:
    dc_err("writing %s failed", o->output);
    rc = TR_EXIT_FAIL;
cleanup:
    if (m.out)
        tr_gzout_finish(m.out, err, sizeof(err));
    if (fd >= 0)
        close(fd);
    tr_out_abort(&tmp);
    for (size_t i = 0; m.in && i < o->nfiles; i++) {
        for (size_t k = 0; k < m.in[i].n; k++)
            free(m.in[i].h[k].p);
        free(m.in[i].h);
        if (m.in[i].open)
            tr_reader_close(&m.in[i].r);
    }
    free(m.g);
    free(m.in);
    free(m.buf);
    tr_u64map_free(&m.named);
    return rc;
}
