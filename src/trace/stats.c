/* SPDX-License-Identifier: BSD-3-Clause */
/* stats.c - streaming statistics and descriptor tracking (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

const char *const tr_size_labels[TR_SIZE_BUCKETS] = {
    "0-100", "100-1K", "1K-10K",   "10K-100K", "100K-1M",
    "1M-4M", "4M-10M", "10M-100M", "100M-1G",  "1G+",
};

unsigned tr_size_bucket(uint64_t n)
{
    static const uint64_t lim[TR_SIZE_BUCKETS - 1] = {
        100, 1024, 10240, 102400, 1048576, 4194304, 10485760, 104857600, 1073741824,
    };
    unsigned i = 0;

    while (i < TR_SIZE_BUCKETS - 1 && n >= lim[i])
        i++;
    return i;
}

static const struct {
    const char *name;
    enum tr_class cls;
} class_names[] = {
    {"open", FC_OPEN},        {"creat", FC_OPEN},        {"openat", FC_OPENAT},
    {"openat2", FC_OPENAT},   {"fopen", FC_FOPEN},       {"freopen", FC_FOPEN},
    {"fdopen", FC_FDOPEN},    {"close", FC_CLOSE},       {"fclose", FC_FCLOSE},
    {"dup", FC_DUP},          {"dup2", FC_DUP},          {"dup3", FC_DUP},
    {"fcntl", FC_FCNTL},      {"fork", FC_FORK},         {"vfork", FC_FORK},
    {"Fork", FC_FORK},        {"libc_fork", FC_FORK},    {"clone", FC_FORK},
    {"clone3", FC_FORK},      {"read", FC_READ},         {"pread", FC_READ},
    {"readv", FC_READ},       {"preadv", FC_READ},       {"preadv2", FC_READ},
    {"write", FC_WRITE},      {"pwrite", FC_WRITE},      {"writev", FC_WRITE},
    {"pwritev", FC_WRITE},    {"pwritev2", FC_WRITE},    {"fread", FC_FREAD},
    {"fwrite", FC_FWRITE},    {"stat", FC_PATHOP},       {"lstat", FC_PATHOP},
    {"xstat", FC_PATHOP},     {"lxstat", FC_PATHOP},     {"newstat", FC_PATHOP},
    {"newlstat", FC_PATHOP},  {"statx", FC_PATHOP},      {"access", FC_PATHOP},
    {"faccessat", FC_PATHOP}, {"faccessat2", FC_PATHOP}, {"unlink", FC_PATHOP},
    {"unlinkat", FC_PATHOP},  {"truncate", FC_PATHOP},   {"mkdir", FC_PATHOP},
    {"mkdirat", FC_PATHOP},   {"rmdir", FC_PATHOP},      {"opendir", FC_PATHOP},
    {"readlink", FC_PATHOP},  {"readlinkat", FC_PATHOP}, {"rename", FC_PATHOP},
    {"renameat", FC_PATHOP},  {"renameat2", FC_PATHOP},  {"statfs", FC_PATHOP},
    {"fstatat", FC_PATHOP},   {"newfstatat", FC_PATHOP}, {"fxstatat", FC_PATHOP},
    {"chmod", FC_PATHOP},     {"chown", FC_PATHOP},
};

enum tr_class tr_classify(const char *name, size_t len)
{
    char base[64];

    while (len && *name == '_') {
        name++;
        len--;
    }
    if (len >= sizeof(base))
        return FC_OTHER;
    memcpy(base, name, len);
    base[len] = '\0';
    if (len > 2 && strcmp(base + len - 2, "64") == 0)
        base[len -= 2] = '\0';
    if (len > 2 && strcmp(base + len - 2, "_2") == 0)
        base[len -= 2] = '\0';
    for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
        if (strcmp(base, class_names[i].name) == 0)
            return class_names[i].cls;
    return FC_OTHER;
}

int tr_parse_trace_name(const char *path, char *user, char *run, char *host, size_t len)
{
    const char *b = strrchr(path, '/'), *end, *d1, *d2, *dot;
    size_t n;

    b = b ? b + 1 : path;
    if (strncmp(b, "trace-", 6) != 0)
        return -1;
    b += 6;
    end = strstr(b, ".pfw");
    if (!end)
        return -1;
    /* A numbered name: trace-U-R-H.1.pfw.gz. */
    for (dot = end - 1; dot > b && *dot >= '0' && *dot <= '9'; dot--)
        ;
    if (dot > b && *dot == '.' && dot < end - 1)
        end = dot;
    d1 = memchr(b, '-', (size_t)(end - b));
    if (!d1)
        return -1;
    d2 = memchr(d1 + 1, '-', (size_t)(end - d1 - 1));
    if (!d2 || d1 == b || d2 == d1 + 1 || d2 + 1 >= end)
        return -1;
    n = (size_t)(d1 - b);
    if (n >= len || (size_t)(d2 - d1 - 1) >= len || (size_t)(end - d2 - 1) >= len)
        return -1;
    memcpy(user, b, n);
    user[n] = '\0';
    n = (size_t)(d2 - d1 - 1);
    memcpy(run, d1 + 1, n);
    run[n] = '\0';
    n = (size_t)(end - d2 - 1);
    memcpy(host, d2 + 1, n);
    host[n] = '\0';
    return 0;
}

int tr_stats_init(struct tr_stats *s, size_t ninputs, int timeline)
{
    memset(s, 0, sizeof(*s));
    s->timeline = timeline;
    tr_strtab_init(&s->cats);
    tr_strtab_init(&s->funckeys);
    tr_strtab_init(&s->paths);
    tr_strtab_init(&s->hosts);
    tr_strtab_init(&s->users);
    tr_strtab_init(&s->runs);
    tr_u64map_init(&s->procmap);
    tr_u64map_init(&s->filemap);
    s->inputs = calloc(ninputs ? ninputs : 1, sizeof(*s->inputs));
    s->ninputs = ninputs;
    s->min_ts = UINT64_MAX;
    return s->inputs ? 0 : -1;
}

void tr_stats_free(struct tr_stats *s)
{
    for (size_t i = 0; i < s->nfuncs; i++) {
        free(s->funcs[i]->name);
        free(s->funcs[i]);
    }
    free(s->funcs);
    for (size_t i = 0; i < s->nprocs; i++) {
        tr_u64map_free(&s->procs[i]->fds);
        free(s->procs[i]->by_cat);
        free(s->procs[i]->busy);
        free(s->procs[i]);
    }
    free(s->procs);
    free(s->files);
    free(s->inputs);
    tr_u64map_free(&s->procmap);
    tr_u64map_free(&s->filemap);
    tr_strtab_free(&s->cats);
    tr_strtab_free(&s->funckeys);
    tr_strtab_free(&s->paths);
    tr_strtab_free(&s->hosts);
    tr_strtab_free(&s->users);
    tr_strtab_free(&s->runs);
}

int tr_stats_input(struct tr_stats *s, size_t i, const char *path)
{
    char user[256], run[256], host[256];
    struct tr_input *in = &s->inputs[i];
    long u, r, h;

    in->path = path;
    if (tr_parse_trace_name(path, user, run, host, sizeof(user)) < 0) {
        /* Unknown until an event needs it: a merged trace names its hosts in metadata. */
        in->user = in->run = in->host = TR_NONE;
        return 0;
    }
    u = tr_strtab_intern(&s->users, user, strlen(user));
    r = tr_strtab_intern(&s->runs, run, strlen(run));
    h = tr_strtab_intern(&s->hosts, host, strlen(host));
    if (u < 0 || r < 0 || h < 0)
        return -1;
    in->user = (uint32_t)u;
    in->run = (uint32_t)r;
    in->host = (uint32_t)h;
    return 0;
}

static struct tr_func *get_func(struct tr_stats *s, const struct tr_event *ev)
{
    char key[512];
    size_t n = ev->cat_len + 1 + ev->name_len;
    long id, cat;
    struct tr_func *f, **funcs;

    if (n > sizeof(key))
        n = sizeof(key);
    memcpy(key, ev->cat, ev->cat_len < n ? ev->cat_len : n);
    if (ev->cat_len < n) {
        key[ev->cat_len] = '\0';
        memcpy(key + ev->cat_len + 1, ev->name, n - ev->cat_len - 1);
    }
    id = tr_strtab_intern(&s->funckeys, key, n);
    if (id < 0)
        return NULL;
    if ((size_t)id < s->nfuncs)
        return s->funcs[id];
    cat = tr_strtab_intern(&s->cats, ev->cat, ev->cat_len);
    funcs = realloc(s->funcs, (s->nfuncs + 1) * sizeof(*funcs));
    if (cat < 0 || !funcs)
        return NULL;
    s->funcs = funcs;
    f = calloc(1, sizeof(*f));
    if (!f || !(f->name = strndup(ev->name, ev->name_len))) {
        free(f);
        return NULL;
    }
    f->cat = (uint32_t)cat;
    f->cls = tr_classify(ev->name, ev->name_len);
    tr_hist_init(&f->hist);
    s->funcs[s->nfuncs++] = f;
    return f;
}

static struct tr_proc *get_proc(struct tr_stats *s, size_t file, int64_t pid)
{
    uint64_t key = (uint64_t)file << 44 | ((uint64_t)pid & ((1ull << 44) - 1));
    uint32_t idx;
    struct tr_proc *p;

    if (tr_u64map_get(&s->procmap, key, &idx))
        return s->procs[idx];
    if (dc_grow(&s->procs, &s->capprocs, s->nprocs, sizeof(*s->procs), 64) < 0)
        return NULL;
    p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->file = (uint32_t)file;
    p->pid = p->orig_pid = pid;
    p->host = s->inputs[file].host;
    p->first_ts = UINT64_MAX;
    tr_u64map_init(&p->fds);
    if (tr_u64map_put(&s->procmap, key, (uint32_t)s->nprocs) < 0) {
        free(p);
        return NULL;
    }
    s->procs[s->nprocs++] = p;
    return p;
}

static struct tr_counts *proc_cat(struct tr_proc *p, uint32_t cat)
{
    if (cat >= p->ncat) {
        uint32_t n = cat + 4;
        struct tr_counts *c = realloc(p->by_cat, n * sizeof(*c));

        if (!c)
            return NULL;
        memset(c + p->ncat, 0, (n - p->ncat) * sizeof(*c));
        p->by_cat = c;
        p->ncat = n;
    }
    return &p->by_cat[cat];
}

static struct tr_counts *file_cat(struct tr_stats *s, uint32_t path, uint32_t cat)
{
    uint64_t key = (uint64_t)path << 20 | cat;
    uint32_t idx;

    if (tr_u64map_get(&s->filemap, key, &idx))
        return &s->files[idx].c;
    if (dc_grow(&s->files, &s->capfiles, s->nfiles, sizeof(*s->files), 64) < 0)
        return NULL;
    memset(&s->files[s->nfiles], 0, sizeof(s->files[0]));
    s->files[s->nfiles].path = path;
    s->files[s->nfiles].cat = cat;
    if (tr_u64map_put(&s->filemap, key, (uint32_t)s->nfiles) < 0)
        return NULL;
    return &s->files[s->nfiles++].c;
}

/* The descriptor argument: named fd (or fildes, oldfd, ufd), else the first number. */
static const struct tr_arg *fd_arg(const struct tr_event *ev)
{
    const struct tr_arg *first = NULL;

    for (unsigned i = 0; i < ev->nargs; i++) {
        const struct tr_arg *a = &ev->args[i];

        if (a->type != TR_V_NUM)
            continue;
        if ((a->klen == 2 && memcmp(a->key, "fd", 2) == 0) ||
            (a->klen == 6 && memcmp(a->key, "fildes", 6) == 0) ||
            (a->klen == 5 && memcmp(a->key, "oldfd", 5) == 0) ||
            (a->klen == 3 && memcmp(a->key, "ufd", 3) == 0))
            return a;
        if (!first)
            first = a;
    }
    return first;
}

static const struct tr_arg *num_arg(const struct tr_event *ev, unsigned nth)
{
    for (unsigned i = 0; i < ev->nargs; i++)
        if (ev->args[i].type == TR_V_NUM && nth-- == 0)
            return &ev->args[i];
    return NULL;
}

/* The first string argument that is not a pointer (unreadable strings are "0x..."). */
static const struct tr_arg *path_arg(const struct tr_event *ev)
{
    for (unsigned i = 0; i < ev->nargs; i++) {
        uint64_t v;

        if (ev->args[i].type == TR_V_STR && ev->args[i].vlen > 0 && !tr_arg_hex(&ev->args[i], &v))
            return &ev->args[i];
    }
    return NULL;
}

static long intern_path(struct tr_stats *s, const char *p, size_t n)
{
    return tr_strtab_intern(&s->paths, p, n);
}

/* Descriptor tables are kept per process and category: a call through the C library and the
 * system call under it each open and close "their" descriptor. */
static uint64_t fdkey(uint32_t cat, uint64_t v)
{
    return v | (uint64_t)cat << 48;
}

/* The path of v (fd, or stream | TR_STREAM_BIT) in cat's table, else in another category's. */
static int lookup(const struct tr_stats *s, struct tr_proc *pr, uint32_t cat, uint64_t v,
                  uint32_t *path)
{
    if (tr_u64map_get(&pr->fds, fdkey(cat, v), path))
        return 1;
    for (uint32_t c = 0; c < s->cats.n; c++)
        if (c != cat && tr_u64map_get(&pr->fds, fdkey(c, v), path))
            return 1;
    return 0;
}

static int fd_path(const struct tr_stats *s, struct tr_proc *pr, uint32_t cat, int64_t fd,
                   uint32_t *path)
{
    return fd >= 0 && fd < (1ll << 40) && lookup(s, pr, cat, (uint64_t)fd, path);
}

/* The path a call names, joined to its directory descriptor when relative. */
static long named_path(struct tr_stats *s, struct tr_proc *pr, uint32_t cat,
                       const struct tr_event *ev, int at)
{
    const struct tr_arg *a = path_arg(ev), *d;
    uint32_t dir;

    if (!a)
        return -2;
    if (at && a->val[0] != '/' && (d = num_arg(ev, 0)) && fd_path(s, pr, cat, d->num, &dir)) {
        const char *ds = s->paths.strs[dir];
        size_t dn = s->paths.lens[dir];
        char *buf = malloc(dn + 1 + a->vlen);
        long id;

        if (!buf)
            return -1;
        memcpy(buf, ds, dn);
        buf[dn] = '/';
        memcpy(buf + dn + 1, a->val, a->vlen);
        id = intern_path(s, buf, dn + 1 + a->vlen);
        free(buf);
        return id;
    }
    return intern_path(s, a->val, a->vlen);
}

/* A stream (FILE *) argument of a stdio call: the first pointer we saw returned by fopen. */
static int stream_path(const struct tr_stats *s, struct tr_proc *pr, uint32_t cat,
                       const struct tr_event *ev, uint64_t *key, uint32_t *path)
{
    if (!pr->nstreams)
        return 0;
    for (unsigned i = 0; i < ev->nargs; i++) {
        uint64_t v;

        if (tr_arg_hex(&ev->args[i], &v) && v < (1ull << 48) &&
            lookup(s, pr, cat, v | TR_STREAM_BIT, path)) {
            *key = fdkey(cat, v | TR_STREAM_BIT);
            return 1;
        }
    }
    return 0;
}

static uint64_t stdio_size(const struct tr_event *ev)
{
    for (unsigned i = 0; i < ev->nargs; i++)
        if (ev->args[i].type == TR_V_NUM && ev->args[i].klen == 4 &&
            memcmp(ev->args[i].key, "size", 4) == 0)
            return ev->args[i].num > 0 ? (uint64_t)ev->args[i].num : 0;
    {
        const struct tr_arg *a = num_arg(ev, 0);

        return a && a->num > 0 ? (uint64_t)a->num : 1;
    }
}

static void grid_rebin(double *v, int left)
{
    double t[TR_BINS];

    memset(t, 0, sizeof(t));
    for (int i = 0; i < TR_BINS; i++)
        t[(left ? TR_BINS / 2 : 0) + i / 2] += v[i];
    memcpy(v, t, sizeof(t));
}

static void grid_rebin_f(float *v, int left)
{
    float t[TR_BINS];

    memset(t, 0, sizeof(t));
    for (int i = 0; i < TR_BINS; i++)
        t[(left ? TR_BINS / 2 : 0) + i / 2] += v[i];
    memcpy(v, t, sizeof(t));
}

/* Make the grid cover [ts, end]: double the bin width (to the left or right) until it does. */
static void grid_cover(struct tr_stats *s, uint64_t ts, uint64_t end)
{
    if (!s->grid_set) {
        s->grid_set = 1;
        s->width = 1;
        s->origin = ts;
    }
    while (ts < s->origin || end >= s->origin + s->width * TR_BINS) {
        int left = ts < s->origin;

        if (left)
            s->origin = s->origin > s->width * TR_BINS ? s->origin - s->width * TR_BINS : 0;
        s->width *= 2;
        grid_rebin(s->bin_rbytes, left);
        grid_rebin(s->bin_wbytes, left);
        grid_rebin(s->bin_calls, left);
        for (size_t i = 0; i < s->nprocs; i++)
            if (s->procs[i]->busy)
                grid_rebin_f(s->procs[i]->busy, left);
    }
}

static int timeline_add(struct tr_stats *s, struct tr_proc *pr, const struct tr_event *ev,
                        uint64_t rbytes, uint64_t wbytes)
{
    uint64_t end = ev->ts + ev->dur;
    size_t b;

    grid_cover(s, ev->ts, end);
    if (!pr->busy && !(pr->busy = calloc(TR_BINS, sizeof(float))))
        return -1;
    b = (size_t)((ev->ts - s->origin) / s->width);
    s->bin_rbytes[b] += (double)rbytes;
    s->bin_wbytes[b] += (double)wbytes;
    s->bin_calls[b] += 1;
    /* The call's time, spread over the bins it spans. */
    for (uint64_t t = ev->ts; t < end;) {
        uint64_t bin_end;

        b = (size_t)((t - s->origin) / s->width);
        bin_end = s->origin + (b + 1) * s->width;
        if (bin_end > end)
            bin_end = end;
        pr->busy[b] += (float)(bin_end - t);
        t = bin_end;
    }
    return 0;
}

static void count(struct tr_counts *c, const struct tr_event *ev, uint64_t rb, uint64_t wb,
                  enum tr_class cls)
{
    c->calls++;
    c->dur += ev->dur;
    c->errors += ev->has_ret && ev->ret < 0;
    c->rbytes += rb;
    c->wbytes += wb;
    c->reads += cls == FC_READ || cls == FC_FREAD;
    c->writes += cls == FC_WRITE || cls == FC_FWRITE;
    c->opens += cls == FC_OPEN || cls == FC_OPENAT || cls == FC_FOPEN || cls == FC_FDOPEN;
}

static int metadata(struct tr_stats *s, size_t file, const struct tr_event *ev)
{
    struct tr_proc *pr;

    s->meta_events++;
    if (ev->name_len != 12 || memcmp(ev->name, "process_name", 12) != 0)
        return 0;
    pr = get_proc(s, file, ev->pid);
    if (!pr)
        return -1;
    /* A merged trace names its processes "HOST pid N" with args host and pid. */
    for (unsigned i = 0; i < ev->nargs; i++) {
        const struct tr_arg *a = &ev->args[i];

        if (a->klen == 4 && memcmp(a->key, "host", 4) == 0 && a->type == TR_V_STR) {
            long h = tr_strtab_intern(&s->hosts, a->val, a->vlen);

            if (h < 0)
                return -1;
            pr->host = (uint32_t)h;
        } else if (a->klen == 3 && memcmp(a->key, "pid", 3) == 0 && a->type == TR_V_NUM) {
            pr->orig_pid = a->num;
        } else if (a->klen == 4 && memcmp(a->key, "user", 4) == 0 && a->type == TR_V_STR) {
            if (tr_strtab_intern(&s->users, a->val, a->vlen) < 0)
                return -1;
        } else if (a->klen == 3 && memcmp(a->key, "run", 3) == 0 && a->type == TR_V_STR) {
            if (tr_strtab_intern(&s->runs, a->val, a->vlen) < 0)
                return -1;
        }
    }
    return 0;
}

int tr_stats_add(struct tr_stats *s, size_t file, const struct tr_event *ev)
{
    struct tr_func *f;
    struct tr_proc *pr;
    struct tr_counts *pc, *fc;
    const struct tr_arg *a;
    uint64_t rb = 0, wb = 0, skey = 0, end;
    uint32_t path = 0;
    int have_path = 0;
    long id;

    if (ev->ph == 'M')
        return metadata(s, file, ev);
    if (ev->ph != 'X') {
        s->other_events++;
        return 0;
    }
    s->events++;
    s->inputs[file].events++;
    if (!(f = get_func(s, ev)) || !(pr = get_proc(s, file, ev->pid)))
        return -1;
    if (pr->host == TR_NONE) {
        long h = tr_strtab_intern(&s->hosts, "?", 1);

        if (h < 0)
            return -1;
        pr->host = (uint32_t)h;
    }
    end = ev->ts + ev->dur;
    if (ev->ts < s->min_ts)
        s->min_ts = ev->ts;
    if (end > s->max_end)
        s->max_end = end;
    if (ev->ts < pr->first_ts)
        pr->first_ts = ev->ts;
    if (end > pr->last_end)
        pr->last_end = end;
    f->calls++;
    f->dur += ev->dur;
    tr_hist_add(&f->hist, ev->dur);
    if (ev->has_ret && ev->ret < 0)
        f->errors++;
    switch (f->cls) {
    case FC_READ: rb = ev->has_ret && ev->ret > 0 ? (uint64_t)ev->ret : 0; break;
    case FC_WRITE: wb = ev->has_ret && ev->ret > 0 ? (uint64_t)ev->ret : 0; break;
    case FC_FREAD: rb = ev->has_ret && ev->ret > 0 ? (uint64_t)ev->ret * stdio_size(ev) : 0; break;
    case FC_FWRITE: wb = ev->has_ret && ev->ret > 0 ? (uint64_t)ev->ret * stdio_size(ev) : 0; break;
    default: break;
    }
    if (f->cls == FC_READ || f->cls == FC_FREAD) {
        if (ev->has_ret && ev->ret >= 0)
            s->size_read[tr_size_bucket(rb)]++;
    } else if (f->cls == FC_WRITE || f->cls == FC_FWRITE) {
        if (ev->has_ret && ev->ret >= 0)
            s->size_write[tr_size_bucket(wb)]++;
    }
    f->rbytes += rb;
    f->wbytes += wb;
    if (!(pc = proc_cat(pr, f->cat)))
        return -1;
    count(pc, ev, rb, wb, f->cls);

    /* Which file the call is about, and what it does to the descriptor table. */
    switch (f->cls) {
    case FC_OPEN:
    case FC_OPENAT:
    case FC_FOPEN:
        id = named_path(s, pr, f->cat, ev, f->cls == FC_OPENAT);
        if (id == -1)
            return -1;
        if (id >= 0) {
            path = (uint32_t)id;
            have_path = 1;
            if (ev->has_ret && ev->ret >= 0 && ev->ret < (1ll << 40) && f->cls != FC_FOPEN) {
                if (tr_u64map_put(&pr->fds, fdkey(f->cat, (uint64_t)ev->ret), path) < 0)
                    return -1;
            } else if (ev->has_ret && ev->ret > 0 && ev->ret < (1ll << 48) && f->cls == FC_FOPEN) {
                if (tr_u64map_put(&pr->fds, fdkey(f->cat, (uint64_t)ev->ret | TR_STREAM_BIT),
                                  path) < 0)
                    return -1;
                pr->nstreams++;
            }
        }
        break;
    case FC_FDOPEN:
        a = num_arg(ev, 0);
        if (a && fd_path(s, pr, f->cat, a->num, &path)) {
            have_path = 1;
            if (ev->has_ret && ev->ret > 0 && ev->ret < (1ll << 48)) {
                if (tr_u64map_put(&pr->fds, fdkey(f->cat, (uint64_t)ev->ret | TR_STREAM_BIT),
                                  path) < 0)
                    return -1;
                pr->nstreams++;
            }
        }
        break;
    case FC_CLOSE:
        a = fd_arg(ev);
        if (a && fd_path(s, pr, f->cat, a->num, &path)) {
            have_path = 1;
            tr_u64map_del(&pr->fds, fdkey(f->cat, (uint64_t)a->num));
        }
        break;
    case FC_FCLOSE:
        if (stream_path(s, pr, f->cat, ev, &skey, &path)) {
            have_path = 1;
            tr_u64map_del(&pr->fds, skey);
        }
        break;
    case FC_DUP:
    case FC_FCNTL:
        a = fd_arg(ev);
        if (a && fd_path(s, pr, f->cat, a->num, &path)) {
            const struct tr_arg *cmd = num_arg(ev, 1);
            int dups = f->cls == FC_DUP || (cmd && (cmd->num == 0 || cmd->num == 1030));

            have_path = 1;
            if (dups && ev->has_ret && ev->ret >= 0 && ev->ret < (1ll << 40) && ev->ret != a->num &&
                tr_u64map_put(&pr->fds, fdkey(f->cat, (uint64_t)ev->ret), path) < 0)
                return -1;
        }
        break;
    case FC_FORK:
        if (ev->has_ret && ev->ret > 0) {
            /* In a merged trace pids are moved to their host's range: the child's too. */
            struct tr_proc *child = get_proc(s, file, ev->ret + (ev->pid - pr->orig_pid));

            if (!child || tr_u64map_merge(&child->fds, &pr->fds) < 0)
                return -1;
            child->nstreams += pr->nstreams;
        }
        break;
    case FC_PATHOP:
        id = named_path(s, pr, f->cat, ev, 1);
        if (id == -1)
            return -1;
        if (id >= 0) {
            path = (uint32_t)id;
            have_path = 1;
        }
        break;
    case FC_FREAD:
    case FC_FWRITE:
        have_path = stream_path(s, pr, f->cat, ev, &skey, &path);
        s->unresolved += !have_path;
        break;
    default:
        a = fd_arg(ev);
        if (f->cls == FC_OTHER && a && !(a->klen == 2 && memcmp(a->key, "fd", 2) == 0) &&
            !(a->klen == 6 && memcmp(a->key, "fildes", 6) == 0))
            a = NULL; /* only a named descriptor counts for other calls */
        if (a)
            have_path = fd_path(s, pr, f->cat, a->num, &path);
        else if (f->cls == FC_OTHER)
            have_path = stream_path(s, pr, f->cat, ev, &skey, &path);
        if (!have_path && a && a->num >= 0 && a->num <= 2) {
            static const char *const std[] = {"<stdin>", "<stdout>", "<stderr>"};

            if ((id = intern_path(s, std[a->num], strlen(std[a->num]))) < 0)
                return -1;
            path = (uint32_t)id;
            have_path = 1;
        }
        s->unresolved += a && !have_path;
        break;
    }
    if (have_path) {
        if (!(fc = file_cat(s, path, f->cat)))
            return -1;
        count(fc, ev, rb, wb, f->cls);
    }
    if (s->timeline && timeline_add(s, pr, ev, rb, wb) < 0)
        return -1;
    return 0;
}
