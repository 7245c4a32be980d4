/* SPDX-License-Identifier: BSD-3-Clause */
/* canon.c - a parser for canonical JSON only (see canon.h for what that is and why). */
#include "canon.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Bytes that stand for themselves inside a canonical string. Built once. */
static unsigned char plain[256];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void build_plain(void)
{
    for (unsigned c = 0x20; c < 0x80; c++)
        plain[c] = c != '"' && c != '\\' && c != '/';
}

struct parser {
    const unsigned char *start, *p, *end;
    size_t values, max_values;
    int depth;
    struct dc_canon_error *err;
    char *scratch; /* strings that had escapes, decoded */
    size_t scap;
};

static json_t *fail_as(struct parser *ps, enum dc_canon_result r, const unsigned char *at,
                       const char *reason)
{
    if (ps->err->result == DC_CANON_OK) {
        ps->err->result = r;
        ps->err->offset = (size_t)(at - ps->start);
        ps->err->reason = reason;
    }
    return NULL;
}

static json_t *fail(struct parser *ps, const unsigned char *at, const char *reason)
{
    return fail_as(ps, DC_CANON_INVALID, at, reason);
}

static int scratch_append(struct parser *ps, size_t *n, const void *data, size_t len)
{
    if (*n + len + 1 > ps->scap) {
        size_t cap = ps->scap ? ps->scap : 256;
        char *s;

        while (cap < *n + len + 1)
            cap *= 2;
        s = realloc(ps->scratch, cap);
        if (!s)
            return -1;
        ps->scratch = s;
        ps->scap = cap;
    }
    memcpy(ps->scratch + *n, data, len);
    *n += len;
    ps->scratch[*n] = '\0';
    return 0;
}

/*
 * The string whose opening quote is at ps->p. On success *out and *len are its bytes: a span of the
 * input when it had no escape (the common case, not NUL-terminated), else the scratch buffer
 * (valid until the next string). No decoded string can hold a NUL byte: raw control characters
 * and \u escapes are both refused.
 */
static int parse_string(struct parser *ps, const char **out, size_t *len)
{
    const unsigned char *s = ps->p + 1, *q = s, *run = s, *end = ps->end;
    size_t n = 0;
    int escaped = 0;

    for (;;) {
        while (q < end && plain[*q])
            q++;
        if (q >= end) {
            fail(ps, ps->p, "unterminated string");
            return -1;
        }
        if (*q == '"')
            break;
        if (*q >= 0x80) {
            size_t k = dc_utf8_seq(q, (size_t)(end - q));

            if (!k) {
                fail(ps, q, "invalid UTF-8 in a string");
                return -1;
            }
            q += k;
            continue;
        }
        if (*q == '/') {
            fail(ps, q, "'/' must be written as '\\/'");
            return -1;
        }
        if (*q != '\\') {
            fail(ps, q, "control character in a string");
            return -1;
        }
        if (end - q < 2 || (q[1] != '"' && q[1] != '\\' && q[1] != '/')) {
            /* Say why, since a client's JSON library may write these for a reason. */
            if (end - q >= 2 && q[1] && strchr("bfnrt", q[1]))
                fail(ps, q, "escaped control character (never signed)");
            else if (end - q >= 2 && q[1] == 'u')
                fail(ps, q, "\\u escape (not canonical)");
            else
                fail(ps, q, "escape other than \\\" \\\\ \\/");
            return -1;
        }
        /* Keep the bytes before the backslash; the escaped byte starts the next run. */
        if (scratch_append(ps, &n, run, (size_t)(q - run)) < 0) {
            fail_as(ps, DC_CANON_NOMEM, q, "out of memory");
            return -1;
        }
        escaped = 1;
        run = q + 1;
        q += 2;
    }
    if (escaped) {
        if (scratch_append(ps, &n, run, (size_t)(q - run)) < 0) {
            fail_as(ps, DC_CANON_NOMEM, q, "out of memory");
            return -1;
        }
        *out = ps->scratch;
        *len = n;
    } else {
        *out = (const char *)s;
        *len = (size_t)(q - s);
    }
    ps->p = q + 1;
    return 0;
}

static json_t *parse_number(struct parser *ps)
{
    const unsigned char *s = ps->p, *p = s, *end = ps->end;
    const uint64_t max_pos = (uint64_t)INT64_MAX, max_neg = (uint64_t)INT64_MAX + 1;
    uint64_t v = 0, max;
    int neg = 0;
    json_t *j;

    if (*p == '-') {
        neg = 1;
        p++;
    }
    max = neg ? max_neg : max_pos;
    if (p >= end || *p < '0' || *p > '9')
        return fail(ps, s, "invalid number");
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return fail(ps, s, "number with a leading zero");
    } else {
        while (p < end && *p >= '0' && *p <= '9') {
            unsigned d = (unsigned)(*p - '0');

            if (v > (max - d) / 10)
                return fail(ps, s, "integer out of range");
            v = v * 10 + d;
            p++;
        }
    }
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
        return fail(ps, s, "not an integer");
    if (neg && v == 0)
        return fail(ps, s, "-0 (not canonical)");
    ps->p = p;
    /* Two's complement of v: INT64_MIN comes out right without signed overflow. */
    j = json_integer(neg ? (json_int_t)(~v + 1) : (json_int_t)v);
    return j ? j : fail_as(ps, DC_CANON_NOMEM, s, "out of memory");
}

static json_t *parse_value(struct parser *ps);

static json_t *parse_object(struct parser *ps)
{
    json_t *obj = json_object();
    char small[256], *key = NULL;

    if (!obj)
        return fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
    ps->p++;
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        const char *k;
        size_t klen;
        json_t *v;

        if (ps->p >= ps->end || *ps->p != '"') {
            fail(ps, ps->p, "expected a key");
            goto bad;
        }
        if (parse_string(ps, &k, &klen) < 0)
            goto bad;
        /* The key must outlive the scratch buffer, which the value's strings reuse. */
        key = klen < sizeof(small) ? small : malloc(klen + 1);
        if (!key) {
            fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
            goto bad;
        }
        memcpy(key, k, klen);
        key[klen] = '\0';
        if (json_object_get(obj, key)) {
            fail(ps, ps->p, "duplicate key");
            goto bad;
        }
        if (ps->p >= ps->end || *ps->p != ':') {
            fail(ps, ps->p, "expected ':'");
            goto bad;
        }
        ps->p++;
        v = parse_value(ps);
        if (!v)
            goto bad;
        /* nocheck: the key was checked for UTF-8 above and holds no NUL byte. */
        if (json_object_set_new_nocheck(obj, key, v) < 0) {
            fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
            goto bad;
        }
        if (key != small)
            free(key);
        key = NULL;
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        fail(ps, ps->p, "expected ',' or '}'");
        goto bad;
    }
bad:
    if (key != small)
        free(key);
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(struct parser *ps)
{
    json_t *arr = json_array();

    if (!arr)
        return fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
    ps->p++;
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        json_t *v = parse_value(ps);

        if (!v)
            break;
        if (json_array_append_new(arr, v) < 0) {
            fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
            break;
        }
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        fail(ps, ps->p, "expected ',' or ']'");
        break;
    }
    json_decref(arr);
    return NULL;
}

static json_t *literal(struct parser *ps, const char *word, json_t *value)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, ps->p, "invalid literal");
    ps->p += n;
    return value;
}

static json_t *parse_value(struct parser *ps)
{
    json_t *v;

    if (++ps->values > ps->max_values)
        return fail_as(ps, DC_CANON_TOO_MANY, ps->p, "too many values");
    if (ps->p >= ps->end)
        return fail(ps, ps->p, "unexpected end of input");
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > DC_CANON_MAX_DEPTH)
            return fail(ps, ps->p, "nested too deeply");
        v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    case '"': {
        const char *s;
        size_t len;

        if (parse_string(ps, &s, &len) < 0)
            return NULL;
        v = json_stringn_nocheck(s, len);
        return v ? v : fail_as(ps, DC_CANON_NOMEM, ps->p, "out of memory");
    }
    /* The singletons of jansson: no allocation, nothing to free on a later error. */
    case 't': return literal(ps, "true", json_true());
    case 'f': return literal(ps, "false", json_false());
    case 'n': return literal(ps, "null", json_null());
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps);
        return fail(ps, ps->p, "unexpected character");
    }
}

json_t *dc_canon_parse(const char *buf, size_t len, size_t max_values, struct dc_canon_error *err)
{
    struct parser ps = {
        .start = (const unsigned char *)buf,
        .p = (const unsigned char *)buf,
        .end = (const unsigned char *)buf + len,
        .max_values = max_values,
        .err = err,
    };
    json_t *v = NULL;

    memset(err, 0, sizeof(*err));
    pthread_once(&plain_once, build_plain);
    /* Like jansson without JSON_DECODE_ANY: the top level is an object or an array. */
    if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
        fail(&ps, ps.p, "expected '{' or '['");
    else
        v = parse_value(&ps);
    if (v && ps.p != ps.end) {
        fail(&ps, ps.p, "data after the JSON value");
        json_decref(v);
        v = NULL;
    }
    free(ps.scratch);
    return v;
}
