/* SPDX-License-Identifier: BSD-3-Clause */
/* conf.c - reader of the system configuration (see conf.h and datacrumbs.conf(5)). */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_config.h"
#include "log.h"

enum kind {
    K_PATH,
    K_TEMPLATE_PATH,
    K_COUNT,
    K_POW2,
    K_DURATION,
    K_NSEC,
    K_BYTES,
    K_WORD,
    K_GROUP
};

struct key {
    const char *name;
    enum kind kind;
    size_t offset;
    size_t size;         /* of a string field */
    long min, max;       /* of a number */
    const char *choices; /* of a word: '|'-separated */
};

#define STR(field, kind)                                                                           \
    kind, offsetof(struct dc_sysconf, field), sizeof(((struct dc_sysconf *)0)->field), 0, 0, NULL
#define NUM(field, kind, lo, hi) kind, offsetof(struct dc_sysconf, field), 0, lo, hi, NULL
#define WORD(field, choices)                                                                       \
    K_WORD, offsetof(struct dc_sysconf, field), sizeof(((struct dc_sysconf *)0)->field), 0, 0,     \
        choices

/* 10 s in nanoseconds, where a long holds it (2 s on 32-bit systems). */
#if LONG_MAX > 2147483647L
#define NSEC_MAX 10000000000L
#else
#define NSEC_MAX 2000000000L
#endif

static const struct key keys[] = {
    {"secret_file", STR(secret_file, K_PATH)},
    {"signer_socket", STR(signer_socket, K_PATH)},
    {"run_dir", STR(run_dir, K_PATH)},
    {"trace_dir", STR(trace_dir, K_TEMPLATE_PATH)},
    {"log_dir", STR(log_dir, K_PATH)},
    {"client_lib", STR(client_lib, K_PATH)},
    {"runtime_daemon", STR(runtime_daemon, K_PATH)},
    {"scheduler", WORD(scheduler, "slurm|flux|none")},
    {"service_manager", WORD(service_manager, "systemd|direct")},
    {"admin_group", STR(admin_group, K_GROUP)},
    {"probe_policy", STR(probe_policy, K_PATH)},
    {"max_runtime_functions", NUM(max_runtime_functions, K_COUNT, 1, 1000000)},
    {"probe_validity", NUM(probe_validity, K_DURATION, 60, 366L * 86400)},
    {"ready_timeout", NUM(ready_timeout, K_DURATION, 1, 86400)},
    {"stop_timeout", NUM(stop_timeout, K_DURATION, 1, 86400)},
    {"runtime_min_duration", NUM(runtime_min_duration, K_NSEC, 0, NSEC_MAX)},
    {"runtime_ring_buffer", NUM(runtime_ring_buffer, K_POW2, 1, 4096)},
    {"runtime_gzip_level", NUM(runtime_gzip_level, K_COUNT, 1, 9)},
    {"runtime_max_trace_bytes", NUM(runtime_max_trace_bytes, K_BYTES, 4096, LONG_MAX)},
    {"runtime_min_free_space", NUM(runtime_min_free_space, K_BYTES, 0, LONG_MAX)},
    {"max_runs", NUM(max_runs, K_COUNT, 0, 100000)},
    {"max_runs_per_user", NUM(max_runs_per_user, K_COUNT, 0, 100000)},
    {"prolog_timeout", NUM(prolog_timeout, K_DURATION, 0, 86400)},
};

void dc_sysconf_defaults(struct dc_sysconf *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->secret_file, sizeof(c->secret_file), "%s", "/etc/datacrumbs/probe-secret");
    snprintf(c->signer_socket, sizeof(c->signer_socket), "%s", "/run/datacrumbs/sign.sock");
    snprintf(c->probe_policy, sizeof(c->probe_policy), "%s", "/etc/datacrumbs/probe-policy");
    snprintf(c->run_dir, sizeof(c->run_dir), "%s", "/run/datacrumbs");
    snprintf(c->trace_dir, sizeof(c->trace_dir), "%s", "/var/lib/datacrumbs/traces/%Y/%m/%d");
    snprintf(c->log_dir, sizeof(c->log_dir), "%s", "/var/log/datacrumbs");
    snprintf(c->client_lib, sizeof(c->client_lib), "%s", DC_CLIENT_LIB);
    snprintf(c->runtime_daemon, sizeof(c->runtime_daemon), "%s", DC_SBINDIR "/datacrumbs");
    snprintf(c->scheduler, sizeof(c->scheduler), "%s", "slurm");
    snprintf(c->service_manager, sizeof(c->service_manager), "%s", "systemd");
    c->max_runtime_functions = 16384;
    c->probe_validity = 7L * 86400;
    c->ready_timeout = 300;
    c->stop_timeout = 600;
    c->runtime_min_duration = 0;
    c->runtime_ring_buffer = 64;
    c->runtime_gzip_level = 1;
    c->runtime_max_trace_bytes = 1L << 30;
    c->runtime_min_free_space = 64L << 20;
    c->max_runs = 16;
    c->max_runs_per_user = 4;
    c->prolog_timeout = 30; /* below the PrologEpilogTimeout of most sites: datacrumbs.conf(5) */
}

struct unit {
    const char *suffix;
    long mult;
};

/* A whole number with one of the suffixes (which include "" for none), scaled. 0 or -1. */
static int parse_scaled(const char *s, const struct unit *units, size_t nunits, long *out)
{
    char *end;
    long v;

    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno)
        return -1;
    for (size_t i = 0; i < nunits; i++)
        if (strcmp(end, units[i].suffix) == 0) {
            if (v > LONG_MAX / units[i].mult)
                return -1;
            *out = v * units[i].mult;
            return 0;
        }
    return -1;
}

int dc_parse_duration(const char *s, long *out)
{
    static const struct unit units[] = {
        {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400},
    };

    return parse_scaled(s, units, sizeof(units) / sizeof(units[0]), out);
}

int dc_parse_ns(const char *s, long *out)
{
    static const struct unit units[] = {
        {"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
    };

    return parse_scaled(s, units, sizeof(units) / sizeof(units[0]), out);
}

int dc_parse_bytes(const char *s, long *out)
{
    static const struct unit units[] = {
        {"", 1},
        {"K", 1L << 10},
        {"M", 1L << 20},
        {"G", 1L << 30},
        {"KiB", 1L << 10},
        {"MiB", 1L << 20},
        {"GiB", 1L << 30},
#if LONG_MAX > 2147483647L
        {"T", 1L << 40},
        {"TiB", 1L << 40},
#endif
    };

    return parse_scaled(s, units, sizeof(units) / sizeof(units[0]), out);
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* Store one value; returns NULL or what is wrong with it. */
static const char *set_value(struct dc_sysconf *c, const struct key *k, const char *val)
{
    char *field = (char *)c + k->offset;
    long n;

    switch (k->kind) {
    case K_PATH:
    case K_TEMPLATE_PATH:
        if (val[0] != '/')
            return "must be an absolute path";
        if (has_control(val))
            return "contains a control character";
        if (k->kind == K_PATH && strchr(val, '%'))
            return "must not contain '%'";
        if (strlen(val) >= k->size)
            return "is too long";
        memcpy(field, val, strlen(val) + 1);
        return NULL;
    case K_GROUP:
        for (const char *p = val; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
                return "is not a valid group name";
        if (strlen(val) >= k->size)
            return "is too long";
        memcpy(field, val, strlen(val) + 1);
        return NULL;
    case K_WORD: {
        size_t len = strlen(val);
        const char *p = k->choices;

        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t clen = bar ? (size_t)(bar - p) : strlen(p);

            if (len && clen == len && strncmp(p, val, len) == 0) {
                memcpy(field, val, len + 1);
                return NULL;
            }
            p = bar ? bar + 1 : NULL;
        }
        return "is not one of the allowed values";
    }
    case K_COUNT:
    case K_POW2: {
        char *end;

        if (!isdigit((unsigned char)val[0]))
            return "is not a whole number";
        errno = 0;
        n = strtol(val, &end, 10);
        if (errno || *end)
            return "is not a whole number";
        if (k->kind == K_POW2 && (n & (n - 1)) != 0)
            return "is not a power of two";
        break;
    }
    case K_NSEC:
        if (dc_parse_ns(val, &n) < 0)
            return "is not a duration (a number with an optional ns, us, ms or s suffix)";
        break;
    case K_BYTES:
        if (dc_parse_bytes(val, &n) < 0)
            return "is not a size (a number with an optional K, M, G or T suffix)";
        break;
    case K_DURATION:
        if (dc_parse_duration(val, &n) < 0)
            return "is not a duration (a number with an optional s, m, h or d suffix)";
        break;
    }
    if (k->kind == K_BYTES && n == 0)
        ; /* a size limit of 0 is "none" */
    else if (n < k->min || n > k->max)
        return "is out of range";
    *(long *)field = n;
    return NULL;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int parse_line(struct dc_sysconf *c, const char *file, unsigned lineno, char *line,
                      unsigned long *seen, char *err, size_t errlen)
{
    char *eq, *name, *val, *s = trim(line);
    const struct key *k;
    const char *why;

    if (*s == '\0' || *s == '#')
        return 0;
    eq = strchr(s, '=');
    if (!eq) {
        snprintf(err, errlen, "%s:%u: expected 'key = value'", file, lineno);
        return -1;
    }
    *eq = '\0';
    name = trim(s);
    val = trim(eq + 1);
    k = find_key(name);
    if (!k) {
        dc_warn("%s:%u: unknown key '%s' ignored", file, lineno, name);
        return 0;
    }
    if (*seen & (1ul << (k - keys)))
        dc_warn("%s:%u: key '%s' set again; the last value wins", file, lineno, name);
    *seen |= 1ul << (k - keys);
    if (*val == '\0' && k->kind == K_GROUP) {
        memset((char *)c + k->offset, 0, k->size);
        return 0;
    }
    why = *val ? set_value(c, k, val) : "is empty";
    if (why) {
        snprintf(err, errlen, "%s:%u: %s: value '%s' %s", file, lineno, name, val, why);
        return -1;
    }
    return 0;
}

char *dc_conf_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf = NULL;
    ssize_t n;
    size_t used = 0;

    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto fail;
    }
    if ((size_t)st.st_size > max) {
        snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        goto fail;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    while (used < (size_t)st.st_size &&
           (n = read(fd, buf + used, (size_t)st.st_size - used)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
            goto fail;
        }
        used += (size_t)n;
    }
    buf[used] = '\0';
    close(fd);
    *len = used;
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

int dc_sysconf_load(struct dc_sysconf *c, const char *path, char *err, size_t errlen)
{
    const char *file = path ? path : DC_DEFAULT_CONF;
    unsigned long seen = 0;
    unsigned lineno = 0;
    size_t len;
    char *buf, *line, *next;
    int rc = 0;

    dc_sysconf_defaults(c);
    if (!path && access(file, F_OK) != 0 && errno == ENOENT)
        return 0;
    buf = dc_conf_read_file(file, DC_CONF_SIZE_MAX, &len, err, errlen);
    if (!buf)
        return -1;
    if ((line = memchr(buf, '\0', len)) != NULL) {
        unsigned at = 1;

        for (const char *p = buf; p < line; p++)
            at += *p == '\n';
        snprintf(err, errlen, "%s:%u: contains a NUL byte", file, at);
        free(buf);
        return -1;
    }
    for (line = buf; line && *line && rc == 0; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (strlen(line) >= DC_CONF_LINE_MAX) {
            snprintf(err, errlen, "%s:%u: line longer than %d bytes", file, lineno,
                     DC_CONF_LINE_MAX - 1);
            rc = -1;
            break;
        }
        rc = parse_line(c, file, lineno, line, &seen, err, errlen);
    }
    free(buf);
    if (rc == 0)
        snprintf(c->source, sizeof(c->source), "%s", file);
    return rc;
}
