/* SPDX-License-Identifier: BSD-3-Clause */
/* preempt.c - the lock holder's record, the pre-emption rule, cancellation (see preempt.h). */
#include "preempt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runid.h"

#define MAGIC "datacrumbs-lock/1"

int dc_lock_record_format(const struct dc_lock_record *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, MAGIC " pid=%ld caller=%u verb=%s user=%s\n", r->pid,
                     (unsigned)r->caller, dc_verb_name(r->verb), r->user);

    return n < 0 || (size_t)n >= len ? -1 : n;
}

/* The value of "key=" at *p (up to a space or the newline) into out; advances *p. */
static int take(const char **p, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key), vl;

    if (strncmp(*p, key, kl) != 0)
        return -1;
    *p += kl;
    vl = strcspn(*p, " \n");
    if (vl >= outlen)
        return -1;
    memcpy(out, *p, vl);
    out[vl] = '\0';
    *p += vl;
    if (**p == ' ')
        (*p)++;
    return 0;
}

/* A decimal number of at most 10 digits, no sign. */
static int number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;

    if (!*s || strlen(s) > 10 || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno || *end || *out > max ? -1 : 0;
}

int dc_lock_record_parse(const char *buf, size_t len, struct dc_lock_record *r)
{
    char line[DC_LOCK_RECORD_MAX], pid[16], caller[16], verb[16];
    unsigned long long v;
    const char *p = line;

    memset(r, 0, sizeof(*r));
    if (len == 0 || len >= sizeof(line) || buf[len - 1] != '\n' || memchr(buf, '\0', len))
        return -1;
    memcpy(line, buf, len);
    line[len] = '\0';
    if (strchr(line, '\n') != line + len - 1 || strncmp(p, MAGIC " ", sizeof(MAGIC)) != 0)
        return -1;
    p += sizeof(MAGIC);
    if (take(&p, "pid=", pid, sizeof(pid)) || take(&p, "caller=", caller, sizeof(caller)) ||
        take(&p, "verb=", verb, sizeof(verb)) || take(&p, "user=", r->user, sizeof(r->user)) ||
        strcmp(p, "\n") != 0)
        return -1;
    if (number(pid, 0x7fffffff, &v) || v <= 1)
        return -1;
    r->pid = (long)v;
    if (number(caller, (uid_t)-2, &v))
        return -1;
    r->caller = (uid_t)v;
    r->verb = dc_verb_from_name(verb);
    if (r->verb == DC_VERB_NONE || (r->user[0] && !dc_username_valid(r->user)))
        return -1;
    return 0;
}

bool dc_preempt_allowed(const struct dc_lock_record *waiter, const struct dc_lock_record *holder)
{
    if (waiter->caller != 0 || holder->caller == 0)
        return false;
    if (waiter->verb == DC_VERB_STOP)
        return true;
    return waiter->verb == DC_VERB_START && strcmp(waiter->user, holder->user) != 0;
}

static volatile sig_atomic_t cancel_flag;

static void on_cancel(int sig)
{
    (void)sig;
    cancel_flag = 1;
}

void dc_cancel_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_cancel;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a wait in poll or nanosleep returns at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

bool dc_cancelled(void)
{
    return cancel_flag != 0;
}
