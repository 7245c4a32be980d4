/* SPDX-License-Identifier: BSD-3-Clause */
/* format.c - JSON trace lines from ring buffer records (see format.h). */
#include "format.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char hexdig[] = "0123456789abcdef";

size_t rt_json_escape(char *out, const char *in, size_t n)
{
    const unsigned char *s = (const unsigned char *)in;
    char *o = out;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len;

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            *o++ = (char)c;
            i++;
            continue;
        }
        if (c >= 0x80 && (len = dc_utf8_seq(s + i, n - i)) > 0) {
            memcpy(o, s + i, len);
            o += len;
            i += len;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\t': *o++ = 't'; break;
        case '\r': *o++ = 'r'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hexdig[c >> 4];
            *o++ = hexdig[c & 0xf];
        }
        i++;
    }
    return (size_t)(o - out);
}

size_t rt_json_escape_text(char *out, const char *in, size_t n, int *invalid)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0, run;

    *invalid = 0;
    while (i < n) {
        size_t len;

        if (s[i] < 0x80) {
            for (run = i; run < n && s[run] < 0x80; run++)
                ;
            o += rt_json_escape(out + o, in + i, run - i);
            i = run;
        } else if ((len = dc_utf8_seq(s + i, n - i)) > 0) {
            memcpy(out + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD in UTF-8 */
            o += 3;
            i++;
            *invalid = 1;
        }
    }
    return o;
}

int rt_open_needs_mode(uint64_t flags)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

size_t rt_fmt_hexbytes(char *out, const char *in, size_t n)
{
    const unsigned char *s = (const unsigned char *)in;

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdig[s[i] >> 4];
        out[2 * i + 1] = hexdig[s[i] & 0xf];
    }
    return 2 * n;
}

char *rt_json_quote(const char *s)
{
    size_t n = strlen(s), len;
    char *out = malloc(RT_ESC_MAX(n) + 3);

    if (!out)
        return NULL;
    out[0] = '"';
    len = 1 + rt_json_escape(out + 1, s, n);
    out[len++] = '"';
    out[len] = '\0';
    return out;
}

size_t rt_fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t rt_fmt_i64(char *out, int64_t v)
{
    if (v < 0) {
        out[0] = '-';
        return 1 + rt_fmt_u64(out + 1, (uint64_t)0 - (uint64_t)v);
    }
    return rt_fmt_u64(out, (uint64_t)v);
}

size_t rt_fmt_hex(char *out, uint64_t v)
{
    char tmp[16];
    size_t n = 0, i;

    out[0] = '0';
    out[1] = 'x';
    do {
        tmp[n++] = hexdig[v & 0xf];
        v >>= 4;
    } while (v);
    for (i = 0; i < n; i++)
        out[2 + i] = tmp[n - 1 - i];
    return 2 + n;
}

#define PUT(lit)                                                                                   \
    do {                                                                                           \
        memcpy(o, lit, sizeof(lit) - 1);                                                           \
        o += sizeof(lit) - 1;                                                                      \
    } while (0)

/* Room for the fixed parts: {"id":N + head + ts, dur, pid, tid, args braces, ret. */
#define FIXED_MAX 256
/* One argument value: a quoted escaped string (and its hex form), or a number. */
#define VALUE_MAX (RT_ESC_MAX(DC_STR_MAX) + 4)
#define HEX_MAX   (2 * DC_STR_MAX + 4)

size_t rt_format_max_line(const struct rt_plan *plan)
{
    size_t max = FIXED_MAX;

    for (size_t i = 0; i < plan->nfuncs; i++) {
        const struct rt_func *fn = &plan->funcs[i];
        size_t n = FIXED_MAX + (fn->head ? strlen(fn->head) : 0);

        for (unsigned a = 0; a < fn->nargs; a++) {
            const struct rt_arg *g = &fn->args[a];

            n += g->key_len + 1 + VALUE_MAX;
            if (g->type == RT_ARG_STR)
                n += g->cut_len + g->hex_len + 2 + HEX_MAX;
        }
        if (n > max)
            max = n;
    }
    return max;
}

static char *put_arg(char *o, const struct rt_arg *a, const struct dc_event *e,
                     const struct dc_event_str *es)
{
    uint64_t v = e->args[a->reg];

    switch (a->type) {
    case RT_ARG_STR:
        if (es && es->slen[a->slot] > 0) {
            const char *str = es->str[a->slot];
            size_t n = (size_t)es->slen[a->slot] - 1; /* without the NUL */
            int invalid;

            if (n > DC_STR_MAX)
                n = DC_STR_MAX;
            if (!a->counted) /* a C string ends at its NUL; a buffer holds what was returned */
                n = strnlen(str, n);
            *o++ = '"';
            o += rt_json_escape_text(o, str, n, &invalid);
            *o++ = '"';
            if (es->cut & (1u << a->slot)) {
                *o++ = ',';
                memcpy(o, a->cut_key, a->cut_len);
                o += a->cut_len;
            }
            if (invalid) {
                *o++ = ',';
                memcpy(o, a->hex_key, a->hex_len);
                o += a->hex_len;
                *o++ = '"';
                o += rt_fmt_hexbytes(o, str, n);
                *o++ = '"';
            }
            return o;
        }
        /* Unreadable (NULL, unmapped): the pointer, like any other. */
        /* fall through */
    case RT_ARG_PTR:
        *o++ = '"';
        o += rt_fmt_hex(o, v);
        *o++ = '"';
        return o;
    case RT_ARG_INT:
        switch (a->bytes) {
        case 1: return o + rt_fmt_i64(o, (int8_t)v);
        case 2: return o + rt_fmt_i64(o, (int16_t)v);
        case 4: return o + rt_fmt_i64(o, (int32_t)v);
        default: return o + rt_fmt_i64(o, (int64_t)v);
        }
    case RT_ARG_UINT:
        switch (a->bytes) {
        case 1: return o + rt_fmt_u64(o, (uint8_t)v);
        case 2: return o + rt_fmt_u64(o, (uint16_t)v);
        case 4: return o + rt_fmt_u64(o, (uint32_t)v);
        /* Above INT64_MAX (a (size_t)-1, an off_t of -1 in an unsigned slot): the same 64 bits
         * as a negative number, which every JSON reader with 64-bit integers can read. */
        default:
            return o + (v > (uint64_t)INT64_MAX ? rt_fmt_i64(o, (int64_t)v) : rt_fmt_u64(o, v));
        }
    }
    return o;
}

size_t rt_format_event(struct rt_fmt *f, const void *data, size_t size, char *out)
{
    const struct dc_event *e = data;
    const struct dc_event_str *es = NULL;
    const struct rt_func *fn;
    uint64_t ts;
    char *o = out;

    if (size < sizeof(*e) || e->id == 0 || e->id > f->plan->nfuncs)
        return 0;
    if (e->flags & DC_EV_STRINGS) {
        if (size < sizeof(*es))
            return 0;
        es = data;
    }
    fn = &f->plan->funcs[e->id - 1];
    ts = (uint64_t)((int64_t)e->ts + f->clock_offset_ns);
    PUT("{\"id\":");
    o += rt_fmt_u64(o, f->seq++);
    memcpy(o, fn->head, fn->head_len);
    o += fn->head_len;
    o += rt_fmt_u64(o, ts / 1000);
    PUT(",\"dur\":");
    o += rt_fmt_u64(o, (e->dur + 999) / 1000);
    PUT(",\"pid\":");
    o += rt_fmt_u64(o, e->pid);
    PUT(",\"tid\":");
    o += rt_fmt_u64(o, e->tid);
    if (e->flags & DC_EV_UNFINISHED)
        PUT(",\"unfinished\":true");
    PUT(",\"args\":{");
    for (unsigned a = 0; a < fn->nargs; a++) {
        /* open's mode is an argument only with O_CREAT or O_TMPFILE: otherwise the register
         * holds whatever it held (the C library's open is variadic). strace omits it too. */
        if (fn->mode_arg == (int)a && !rt_open_needs_mode(e->args[fn->flags_reg]))
            continue;
        if (o[-1] != '{')
            *o++ = ',';
        memcpy(o, fn->args[a].key, fn->args[a].key_len);
        o += fn->args[a].key_len;
        o = put_arg(o, &fn->args[a], e, es);
    }
    if (!fn->no_ret && !(e->flags & DC_EV_UNFINISHED)) {
        if (o[-1] != '{')
            *o++ = ',';
        PUT("\"ret\":");
        o += rt_fmt_i64(o, e->ret);
    }
    PUT("}}\n");
    return (size_t)(o - out);
}
