/* SPDX-License-Identifier: BSD-3-Clause */
/* log.c - the one message printer (see log.h). */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dc_config.h"

static char progname[64] = "datacrumbs";
static enum dc_log_level level = DC_LOG_NORMAL;
static int use_syslog;
static int split_streams;

void dc_log_init(const char *argv0, enum dc_log_level lvl)
{
    const char *base = argv0 ? strrchr(argv0, '/') : NULL;

    base = base ? base + 1 : argv0;
    if (base && *base)
        snprintf(progname, sizeof(progname), "%s", base);
    level = lvl;
}

void dc_log_set_level(enum dc_log_level lvl)
{
    level = lvl;
}

enum dc_log_level dc_log_get_level(void)
{
    return level;
}

const char *dc_progname(void)
{
    return progname;
}

void dc_log_errors_only_to_stderr(void)
{
    split_streams = 1;
}

void dc_log_use_syslog(int facility)
{
    openlog(progname, LOG_PID, facility);
    use_syslog = 1;
}

static void emit(int prio, const char *tag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void emit(int prio, const char *tag, const char *fmt, va_list ap)
{
    char msg[2048];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* Control characters from user data would let one message forge another line. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    fprintf(split_streams && prio != LOG_ERR ? stdout : stderr, "%s: %s%s\n", progname, tag, msg);
    if (split_streams)
        fflush(prio != LOG_ERR ? stdout : stderr);
    if (use_syslog)
        syslog(prio, "%s%s", tag, msg);
}

void dc_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}

void dc_warn(const char *fmt, ...)
{
    va_list ap;

    if (level < DC_LOG_NORMAL)
        return;
    va_start(ap, fmt);
    emit(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

void dc_info(const char *fmt, ...)
{
    va_list ap;

    if (level < DC_LOG_NORMAL)
        return;
    va_start(ap, fmt);
    emit(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void dc_debug(const char *fmt, ...)
{
    va_list ap;

    if (level < DC_LOG_VERBOSE)
        return;
    va_start(ap, fmt);
    emit(LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

void dc_print_version(void)
{
    printf("%s (%s) %s\n", progname, DC_PACKAGE, DC_VERSION);
}

char *dc_log_quote(const char *s, size_t max, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i;

    out[o++] = '"';
    for (i = 0; s[i] && i < max && o + 6 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    if (s[i] && o + 4 <= outlen) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}
