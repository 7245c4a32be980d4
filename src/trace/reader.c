/* SPDX-License-Identifier: BSD-3-Clause */
/* reader.c - streaming trace reader and the one-line event parser (see reader.h). */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (256u << 10)
#define BUF_SIZE   (TR_LINE_MAX + READ_CHUNK)
#define MAX_DEPTH  32

static void fail(struct tr_reader *r, enum tr_status st, const char *what)
{
    if (r->status == TR_ST_OK || st > r->status)
        r->status = st;
    snprintf(r->err, sizeof(r->err), "%s:%ld: %s", r->path, r->lineno, what);
}

int tr_reader_open(struct tr_reader *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->path = strcmp(path, "-") == 0 ? "(stdin)" : path;
    r->gz = strcmp(path, "-") == 0 ? gzdopen(dup(0), "rb") : gzopen(path, "rb");
    if (!r->gz) {
        r->status = TR_ST_IO;
        snprintf(r->err, sizeof(r->err), "%s: %s", r->path,
                 errno ? strerror(errno) : "cannot open");
        return -1;
    }
    gzbuffer(r->gz, READ_CHUNK);
    r->buf = malloc(BUF_SIZE);
    if (!r->buf) {
        gzclose(r->gz);
        r->gz = NULL;
        r->status = TR_ST_IO;
        snprintf(r->err, sizeof(r->err), "%s: out of memory", r->path);
        return -1;
    }
    r->cap = BUF_SIZE;
    return 0;
}

void tr_reader_close(struct tr_reader *r)
{
    if (r->gz)
        gzclose(r->gz);
    free(r->buf);
    r->gz = NULL;
    r->buf = NULL;
}

/* Fill the buffer: 0 when more data came, 1 at the end of the stream. A damaged stream ends
 * it too, the damage kept in r->pending and reported once the lines before it are read. */
static int fill(struct tr_reader *r)
{
    int n, zerr;
    const char *msg;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end >= TR_LINE_MAX) {
        r->lineno++;
        fail(r, TR_ST_INVALID, "a line longer than 1 MiB: not a trace");
        return -1;
    }
    n = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end));
    if (n > 0) {
        r->end += (size_t)n;
        return 0;
    }
    msg = gzerror(r->gz, &zerr);
    r->eof = 1;
    if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
        if (zerr == Z_ERRNO) {
            r->pending = TR_ST_IO;
            snprintf(r->perr, sizeof(r->perr), "read error: %s", strerror(errno));
        } else {
            r->pending = TR_ST_INCOMPLETE;
            snprintf(r->perr, sizeof(r->perr),
                     "the gzip stream is damaged or truncated (%s): read up to there", msg);
        }
    }
    return 1;
}

/* The next line in [*s, *s + *n): 1, 0 at the end, -1 error. */
static int next_line(struct tr_reader *r, const char **s, size_t *n)
{
    for (;;) {
        char *nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;

        if (nl) {
            *s = r->buf + r->start;
            *n = (size_t)(nl - *s);
            r->start = (size_t)(nl - r->buf) + 1;
            r->lineno++;
            if (*n && (*s)[*n - 1] == '\r')
                (*n)--;
            return 1;
        }
        if (r->eof) {
            if (r->pending) {
                r->lineno++;
                fail(r, r->pending, r->perr);
                return -1;
            }
            if (r->end > r->start) {
                r->lineno++;
                fail(r, TR_ST_INCOMPLETE, "the last line is cut short (the trace ends mid-line)");
                return -1;
            }
            return 0;
        }
        if (fill(r) < 0)
            return -1;
    }
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int tr_reader_next(struct tr_reader *r, struct tr_event *ev)
{
    const char *s, *why;
    size_t n;
    int rc;

    if (r->status != TR_ST_OK)
        return -1;
    while ((rc = next_line(r, &s, &n)) == 1) {
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (blank(s, n))
            continue;
        if (r->state == 0) {
            if (n == 1 && s[0] == '[') {
                r->state = 1;
                continue;
            }
            fail(r, TR_ST_INVALID, "not a trace (the first line is not \"[\")");
            return -1;
        }
        if (r->state == 2) {
            fail(r, TR_ST_INVALID, "data after the closing \"]\"");
            return -1;
        }
        if (n == 1 && s[0] == ']') {
            r->state = 2;
            continue;
        }
        if (s[n - 1] == ',')
            n--;
        if (tr_parse_event(s, n, ev, &why) < 0) {
            fail(r, TR_ST_INVALID, why);
            return -1;
        }
        r->events++;
        return 1;
    }
    if (rc < 0) {
        /* A stream cut inside the data loses the rest: "incomplete" names the last good line. */
        return -1;
    }
    if (r->state == 0) {
        fail(r, TR_ST_INVALID, "not a trace (empty)");
        return -1;
    }
    if (r->state == 1) {
        fail(r, TR_ST_INCOMPLETE,
             "the trace does not end with \"]\" (the writer stopped early): read up to there");
        return 0;
    }
    return 0;
}

/* JSON scanning. */

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* p at the opening quote: the position after the closing one, or NULL. */
static const char *scan_string(const char *p, const char *e)
{
    p++;
    while (p < e) {
        const char *q = p;

        /* Plain bytes in bulk. */
        while (q < e && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
        if (q >= e)
            return NULL;
        if (*q == '"')
            return q + 1;
        if ((unsigned char)*q < 0x20)
            return NULL;
        /* A backslash. */
        if (q + 1 >= e)
            return NULL;
        switch (q[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't': p = q + 2; break;
        case 'u':
            if (q + 6 > e)
                return NULL;
            for (int i = 2; i < 6; i++) {
                char c = q[i];

                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                    return NULL;
            }
            p = q + 6;
            break;
        default: return NULL;
        }
    }
    return NULL;
}

/* A JSON number: the position after it (NULL if none); *v its integer part. */
static const char *scan_number(const char *p, const char *e, int64_t *v)
{
    int neg = 0;
    uint64_t acc = 0;
    const char *d;

    if (p < e && *p == '-') {
        neg = 1;
        p++;
    }
    d = p;
    while (p < e && *p >= '0' && *p <= '9') {
        acc = acc * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == d)
        return NULL;
    if (p < e && *p == '.') {
        p++;
        d = p;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        d = p;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    *v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return p;
}

static const char *skip_value(const char *p, const char *e, int depth);

static const char *skip_container(const char *p, const char *e, int depth, char close)
{
    int first = 1;

    if (depth > MAX_DEPTH)
        return NULL;
    p = skip_ws(p + 1, e);
    if (p < e && *p == close)
        return p + 1;
    for (;;) {
        if (!first) {
            p = skip_ws(p, e);
            if (p < e && *p == close)
                return p + 1;
            if (p >= e || *p != ',')
                return NULL;
            p = skip_ws(p + 1, e);
        }
        first = 0;
        if (close == '}') {
            if (p >= e || *p != '"' || !(p = scan_string(p, e)))
                return NULL;
            p = skip_ws(p, e);
            if (p >= e || *p != ':')
                return NULL;
            p = skip_ws(p + 1, e);
        }
        if (!(p = skip_value(p, e, depth + 1)))
            return NULL;
    }
}

static const char *skip_value(const char *p, const char *e, int depth)
{
    int64_t v;

    if (p >= e)
        return NULL;
    switch (*p) {
    case '"': return scan_string(p, e);
    case '{': return skip_container(p, e, depth, '}');
    case '[': return skip_container(p, e, depth, ']');
    case 't': return (e - p >= 4 && memcmp(p, "true", 4) == 0) ? p + 4 : NULL;
    case 'f': return (e - p >= 5 && memcmp(p, "false", 5) == 0) ? p + 5 : NULL;
    case 'n': return (e - p >= 4 && memcmp(p, "null", 4) == 0) ? p + 4 : NULL;
    default: return scan_number(p, e, &v);
    }
}

/* The args object: each key and value recorded (up to TR_MAX_ARGS), "ret" taken out. */
static const char *parse_args(const char *p, const char *e, struct tr_event *ev)
{
    int first = 1;

    p = skip_ws(p + 1, e);
    if (p < e && *p == '}')
        return p + 1;
    for (;;) {
        const char *k, *q;
        struct tr_arg a;

        if (!first) {
            p = skip_ws(p, e);
            if (p < e && *p == '}')
                return p + 1;
            if (p >= e || *p != ',')
                return NULL;
            p = skip_ws(p + 1, e);
        }
        first = 0;
        if (p >= e || *p != '"' || !(q = scan_string(p, e)))
            return NULL;
        k = p + 1;
        a.key = k;
        a.klen = (size_t)(q - 1 - k);
        p = skip_ws(q, e);
        if (p >= e || *p != ':')
            return NULL;
        p = skip_ws(p + 1, e);
        a.num = 0;
        if (p < e && *p == '"') {
            if (!(q = scan_string(p, e)))
                return NULL;
            a.type = TR_V_STR;
            a.val = p + 1;
            a.vlen = (size_t)(q - 1 - a.val);
        } else if (p < e && (*p == '-' || (*p >= '0' && *p <= '9'))) {
            if (!(q = scan_number(p, e, &a.num)))
                return NULL;
            a.type = TR_V_NUM;
            a.val = p;
            a.vlen = (size_t)(q - p);
        } else {
            if (!(q = skip_value(p, e, 1)))
                return NULL;
            a.type = TR_V_OTHER;
            a.val = p;
            a.vlen = (size_t)(q - p);
        }
        p = q;
        if (a.klen == 3 && memcmp(a.key, "ret", 3) == 0 && a.type == TR_V_NUM) {
            ev->has_ret = 1;
            ev->ret = a.num;
        } else if (ev->nargs < TR_MAX_ARGS) {
            ev->args[ev->nargs++] = a;
        }
    }
}

enum {
    K_ID = 1 << 0,
    K_NAME = 1 << 1,
    K_CAT = 1 << 2,
    K_PH = 1 << 3,
    K_TS = 1 << 4,
    K_DUR = 1 << 5,
    K_PID = 1 << 6,
    K_TID = 1 << 7,
    K_ARGS = 1 << 8,
};

static int key_is(const char *k, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

/* Which known key k is; 0 for others. */
static int which_key(const char *k, size_t n)
{
    switch (n) {
    case 2:
        if (key_is(k, n, "id"))
            return K_ID;
        if (key_is(k, n, "ph"))
            return K_PH;
        if (key_is(k, n, "ts"))
            return K_TS;
        return 0;
    case 3:
        if (key_is(k, n, "cat"))
            return K_CAT;
        if (key_is(k, n, "dur"))
            return K_DUR;
        if (key_is(k, n, "pid"))
            return K_PID;
        if (key_is(k, n, "tid"))
            return K_TID;
        return 0;
    case 4:
        if (key_is(k, n, "name"))
            return K_NAME;
        if (key_is(k, n, "args"))
            return K_ARGS;
        return 0;
    default: return 0;
    }
}

int tr_parse_event(const char *s, size_t n, struct tr_event *ev, const char **why)
{
    const char *p = s, *e = s + n, *q;
    unsigned seen = 0, need;
    int first = 1;

    ev->line = s;
    ev->len = n;
    ev->nargs = 0;
    ev->has_ret = 0;
    ev->has_id = 0;
    ev->name = ev->cat = "";
    ev->name_len = ev->cat_len = 0;
    ev->ph = 0;
    ev->ts = ev->dur = 0;
    ev->pid = ev->tid = 0;
    p = skip_ws(p, e);
    if (p >= e || *p != '{') {
        *why = "not a JSON object";
        return -1;
    }
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') {
        p++;
        goto end;
    }
    for (;;) {
        const char *k;
        size_t klen;
        int key;
        int64_t v = 0;

        if (!first) {
            p = skip_ws(p, e);
            if (p < e && *p == '}') {
                p++;
                break;
            }
            if (p >= e || *p != ',')
                goto bad;
            p = skip_ws(p + 1, e);
        }
        first = 0;
        if (p >= e || *p != '"' || !(q = scan_string(p, e)))
            goto bad;
        k = p + 1;
        klen = (size_t)(q - 1 - k);
        p = skip_ws(q, e);
        if (p >= e || *p != ':')
            goto bad;
        p = skip_ws(p + 1, e);
        key = which_key(k, klen);
        if (key && (seen & (unsigned)key)) {
            *why = "a key appears twice in an event";
            return -1;
        }
        seen |= (unsigned)key;
        switch (key) {
        case K_NAME:
        case K_CAT:
        case K_PH:
            if (p >= e || *p != '"') {
                *why = "\"name\", \"cat\" and \"ph\" must be strings";
                return -1;
            }
            if (!(q = scan_string(p, e)))
                goto bad;
            if (key == K_NAME) {
                ev->name = p + 1;
                ev->name_len = (size_t)(q - 1 - ev->name);
            } else if (key == K_CAT) {
                ev->cat = p + 1;
                ev->cat_len = (size_t)(q - 1 - ev->cat);
            } else {
                ev->ph = q - p == 3 ? p[1] : '?';
            }
            p = q;
            break;
        case K_ID:
        case K_TS:
        case K_DUR:
        case K_PID:
        case K_TID:
            if (!(q = scan_number(p, e, &v))) {
                if (p < e &&
                    (*p == '"' || *p == '{' || *p == '[' || *p == 't' || *p == 'f' || *p == 'n')) {
                    *why = "\"id\", \"ts\", \"dur\", \"pid\" and \"tid\" must be numbers";
                    return -1;
                }
                goto bad;
            }
            if (key == K_ID) {
                ev->has_id = 1;
                ev->id = (uint64_t)v;
                ev->id_off = (size_t)(p - s);
                ev->id_len = (size_t)(q - p);
            } else if (key == K_TS) {
                ev->ts = v < 0 ? 0 : (uint64_t)v;
            } else if (key == K_DUR) {
                ev->dur = v < 0 ? 0 : (uint64_t)v;
            } else if (key == K_PID) {
                ev->pid = v;
                ev->pid_off = (size_t)(p - s);
                ev->pid_len = (size_t)(q - p);
            } else {
                ev->tid = v;
                ev->tid_off = (size_t)(p - s);
                ev->tid_len = (size_t)(q - p);
            }
            p = q;
            break;
        case K_ARGS:
            if (p >= e || *p != '{') {
                *why = "\"args\" is not an object";
                return -1;
            }
            if (!(p = parse_args(p, e, ev)))
                goto bad;
            break;
        default:
            if (!(p = skip_value(p, e, 1)))
                goto bad;
        }
    }
end:
    p = skip_ws(p, e);
    if (p != e)
        goto bad;
    if (!(seen & K_PH)) {
        *why = "an event lacks the key \"ph\"";
        return -1;
    }
    need = ev->ph == 'X'   ? (K_NAME | K_CAT | K_TS | K_DUR | K_PID | K_TID)
           : ev->ph == 'M' ? (K_NAME | K_PID)
                           : 0;
    if ((seen & need) != need) {
        static const char *const names[] = {"id",  "name", "cat", "ph",  "ts",
                                            "dur", "pid",  "tid", "args"};
        static char msg[9][48];
        unsigned miss = need & ~seen;

        for (unsigned i = 0; i < 9; i++) {
            if (miss & (1u << i)) {
                snprintf(msg[i], sizeof(msg[i]), "an event lacks the key \"%s\"", names[i]);
                *why = msg[i];
                return -1;
            }
        }
    }
    return 0;
bad:
    *why = "not valid JSON";
    return -1;
}

static unsigned hexval(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

static unsigned hex4(const char *s)
{
    return hexval(s[0]) << 12 | hexval(s[1]) << 8 | hexval(s[2]) << 4 | hexval(s[3]);
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t tr_unescape(const char *s, size_t n, char *out)
{
    char *o = out;
    size_t i = 0;

    while (i < n) {
        if (s[i] != '\\' || i + 1 >= n) {
            *o++ = s[i++];
            continue;
        }
        switch (s[i + 1]) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if (i + 6 <= n) {
                unsigned cp = hex4(s + i + 2);

                i += 6;
                if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
                    unsigned lo = hex4(s + i + 2);

                    if (lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        i += 6;
                    }
                }
                if (cp >= 0xd800 && cp < 0xe000)
                    cp = 0xfffd;
                /* At most 4 bytes out for at least 6 in: fits in n. */
                o += put_utf8(o, cp);
                continue;
            }
            *o++ = '?';
            break;
        default: *o++ = s[i + 1];
        }
        i += 2;
    }
    return (size_t)(o - out);
}

int tr_arg_hex(const struct tr_arg *a, uint64_t *v)
{
    uint64_t acc = 0;

    if (a->type != TR_V_STR || a->vlen < 3 || a->vlen > 18 || a->val[0] != '0' || a->val[1] != 'x')
        return 0;
    for (size_t i = 2; i < a->vlen; i++) {
        char c = a->val[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
        acc = acc << 4 | hexval(c);
    }
    *v = acc;
    return 1;
}
