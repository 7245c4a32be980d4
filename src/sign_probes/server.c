/* SPDX-License-Identifier: BSD-3-Clause */
/* server.c - the epoll event loop of the signer (see server.h). */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "rpc.h"
#include "workers.h"

#define ACCEPT_BATCH   64         /* accepts per wake-up, so reads are not starved */
#define READ_PER_EVENT (1u << 20) /* bytes read from one client before serving the others */

struct server {
    const struct dc_server_opts *o;
    struct dc_handler *h;
    int epfd, sfd;
    struct dc_workers w;
    struct dc_conn *dl_head, *dl_tail; /* deadline list */
    struct dc_conn *all;
    int nconns;
    _Atomic size_t buffered; /* bytes of request chunks allocated */
    struct dc_budget budget;
    struct dc_account *accounts; /* one per uid with an open connection */
    int workers_up;
    int listening; /* the listener is polled */
    int draining;  /* SIGTERM seen: no new connections */
};

/* epoll data for the non-connection descriptors */
static char tag_listen, tag_signal, tag_done;

/* Every deadline is "now + timeout", so appending keeps the list sorted. */
static void dl_append(struct server *s, struct dc_conn *c)
{
    c->deadline = dc_now_ms() + (uint64_t)s->o->timeout_ms;
    c->next = NULL;
    c->prev = s->dl_tail;
    if (s->dl_tail)
        s->dl_tail->next = c;
    else
        s->dl_head = c;
    s->dl_tail = c;
}

static void dl_remove(struct server *s, struct dc_conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else if (s->dl_head == c)
        s->dl_head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else if (s->dl_tail == c)
        s->dl_tail = c->prev;
    c->prev = c->next = NULL;
}

static void set_listening(struct server *s, int on)
{
    struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = &tag_listen};

    if (s->draining || s->listening == on)
        return;
    if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->o->listen_fd, &ev) == 0)
        s->listening = on;
}

/* The uid's account, made on its first connection (the list holds one per uid with a
 * connection open, so it is never longer than max_clients). */
static struct dc_account *account_get(struct server *s, uid_t uid)
{
    struct dc_account *a;

    for (a = s->accounts; a; a = a->next)
        if (a->uid == uid)
            break;
    if (!a) {
        a = calloc(1, sizeof(*a));
        if (!a)
            return NULL;
        a->uid = uid;
        a->next = s->accounts;
        s->accounts = a;
    }
    a->refs++;
    return a;
}

static void account_put(struct server *s, struct dc_account *a)
{
    struct dc_account **p;

    if (!a || --a->refs > 0)
        return;
    for (p = &s->accounts; *p && *p != a; p = &(*p)->next)
        ;
    if (*p)
        *p = a->next;
    free(a);
}

static void conn_close(struct server *s, struct dc_conn *c)
{
    if (c->state != DC_CONN_WORKING)
        dl_remove(s, c);
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        s->all = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    close(c->fd); /* also removes it from the epoll set */
    dc_conn_release(c);
    account_put(s, c->acct);
    dc_peer_clear(&c->peer);
    free(c->resp);
    free(c);
    s->nconns--;
    if (s->nconns < s->o->max_clients)
        set_listening(s, 1);
}

/* Refusals decided by the loop itself: one best-effort write, then close. The client that
 * caused them is either gone, idle or still sending, so it gets no more of our time. */
static void refuse_fd(struct server *s, int fd, const struct dc_peer *peer, int code,
                      const char *msg)
{
    size_t len = 0;
    char *resp = dc_handle_refusal(s->h, peer, code, msg, &len);

    if (resp && send(fd, resp, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        dc_debug("uid %u: could not send the refusal: %s", (unsigned)peer->uid, strerror(errno));
    free(resp);
}

static void conn_refuse(struct server *s, struct dc_conn *c, int code, const char *msg)
{
    refuse_fd(s, c->fd, &c->peer, code, msg);
    conn_close(s, c);
}

static void conn_write(struct server *s, struct dc_conn *c)
{
    while (c->resp_off < c->resp_len) {
        ssize_t n = send(c->fd, c->resp + c->resp_off, c->resp_len - c->resp_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n > 0) {
            c->resp_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return; /* EPOLLOUT will bring us back */
        } else {
            break;
        }
    }
    conn_close(s, c);
}

/* A worker answered: write the response (usually in one go). */
static void conn_answered(struct server *s, struct dc_conn *c)
{
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};

    c->state = DC_CONN_WRITING;
    dl_append(s, c);
    if (!c->resp) { /* a notification, or no memory */
        conn_close(s, c);
        return;
    }
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        conn_close(s, c);
        return;
    }
    conn_write(s, c);
}

/*
 * One user may keep at most half the workers busy (at least one): a check of a path on a
 * hung network file system or FUSE mount blocks its worker, and must not stop signing for
 * everybody else. Beyond that share, complete requests wait (QUEUED, still under their
 * deadline) and are handed on in arrival order as the user's earlier requests are answered.
 */
static int user_share(const struct server *s)
{
    return s->o->threads > 1 ? s->o->threads / 2 : 1;
}

static int working_for(const struct server *s, uid_t uid)
{
    int n = 0;

    for (const struct dc_conn *c = s->all; c; c = c->all_next)
        n += c->state == DC_CONN_WORKING && c->peer.uid == uid;
    return n;
}

/* The request is complete: the worker owns the connection until it is answered. It leaves
 * the epoll set so that no event can name it meanwhile. */
static void conn_submit(struct server *s, struct dc_conn *c)
{
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    if (working_for(s, c->peer.uid) >= user_share(s)) {
        if (c->state != DC_CONN_QUEUED)
            dc_debug("uid %u has %d requests in the workers: one waits", (unsigned)c->peer.uid,
                     user_share(s));
        c->state = DC_CONN_QUEUED;
        return; /* keeps its place in the deadline list */
    }
    dl_remove(s, c);
    c->state = DC_CONN_WORKING;
    dc_workers_submit(&s->w, c);
}

/* A request of uid was answered: hand on its oldest waiting one (the deadline list is in
 * arrival order). */
static void submit_queued(struct server *s, uid_t uid)
{
    for (struct dc_conn *c = s->dl_head; c; c = c->next)
        if (c->state == DC_CONN_QUEUED && c->peer.uid == uid) {
            conn_submit(s, c);
            return;
        }
}

static const char *busy_message(enum dc_busy busy)
{
    switch (busy) {
    case DC_BUSY_USER:
        return "your requests hold the most memory one user may (--max-buffered-per-user); "
               "retry when they are answered";
    case DC_BUSY_RESERVE:
        return "the signer holds too many requests at once (the rest is kept for users with "
               "none); retry later";
    case DC_BUSY_TOTAL: return "the signer holds too many requests at once; retry later";
    case DC_BUSY_NO: break;
    }
    return "the signer is out of memory; retry later";
}

static void conn_read(struct server *s, struct dc_conn *c)
{
    size_t got = 0;

    while (got < READ_PER_EVENT) {
        struct dc_chunk *t;
        ssize_t n;

        enum dc_busy busy;

        t = dc_conn_tail(c, &s->budget, &busy);
        if (!t) {
            conn_refuse(s, c, DC_RPC_BUSY, busy_message(busy));
            return;
        }
        n = recv(c->fd, t->data + t->len, DC_CHUNK_SIZE - t->len, MSG_DONTWAIT);
        if (n > 0) {
            t->len += (size_t)n;
            c->bytes += (size_t)n;
            got += (size_t)n;
            if (c->bytes > s->o->max_request) {
                char msg[128];

                snprintf(msg, sizeof(msg), "the request is larger than %zu bytes",
                         s->o->max_request);
                conn_refuse(s, c, DC_RPC_TOO_LARGE, msg);
                return;
            }
        } else if (n == 0) {
            conn_submit(s, c); /* the client's half-close ends the request */
            return;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            conn_close(s, c);
            return;
        }
    }
}

/* Count the uid's connections only when it could matter (the list may be long). */
static int over_user_limit(const struct server *s, uid_t uid)
{
    int n = 0;

    if (s->nconns < s->o->max_per_user)
        return 0;
    for (const struct dc_conn *c = s->all; c; c = c->all_next)
        if (c->peer.uid == uid && ++n >= s->o->max_per_user)
            return 1;
    return 0;
}

static void accept_some(struct server *s)
{
    for (int i = 0; i < ACCEPT_BATCH && s->nconns < s->o->max_clients; i++) {
        int fd = accept4(s->o->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct epoll_event ev;
        struct dc_conn *c;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                dc_warn("accept: %s", strerror(errno));
            return;
        }
        c = calloc(1, sizeof(*c));
        if (!c || dc_peer_from_socket(&c->peer, fd) < 0) {
            dc_warn("cannot identify a client: %s", strerror(errno ? errno : ENOMEM));
            free(c);
            close(fd);
            continue;
        }
        if (over_user_limit(s, c->peer.uid)) {
            char msg[128];

            snprintf(msg, sizeof(msg), "uid %u has %d connections open; retry later",
                     (unsigned)c->peer.uid, s->o->max_per_user);
            refuse_fd(s, fd, &c->peer, DC_RPC_BUSY, msg);
            dc_peer_clear(&c->peer);
            free(c);
            close(fd);
            continue;
        }
        c->acct = account_get(s, c->peer.uid);
        if (!c->acct) {
            dc_warn("cannot account for a client: %s", strerror(ENOMEM));
            dc_peer_clear(&c->peer);
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->buffered = &s->buffered;
        c->state = DC_CONN_READING;
        ev = (struct epoll_event){.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            dc_warn("epoll: %s", strerror(errno));
            account_put(s, c->acct);
            dc_peer_clear(&c->peer);
            free(c);
            close(fd);
            continue;
        }
        c->all_next = s->all;
        if (s->all)
            s->all->all_prev = c;
        s->all = c;
        s->nconns++;
        dl_append(s, c);
    }
    if (s->nconns >= s->o->max_clients)
        set_listening(s, 0);
}

static void expire(struct server *s)
{
    uint64_t now = dc_now_ms();

    while (s->dl_head && s->dl_head->deadline <= now) {
        struct dc_conn *c = s->dl_head;
        char msg[128];

        if (c->state == DC_CONN_READING) {
            snprintf(msg, sizeof(msg),
                     "the request was not complete (ended by a half-close) within %d ms",
                     s->o->timeout_ms);
            conn_refuse(s, c, DC_RPC_TIMEOUT, msg);
        } else if (c->state == DC_CONN_QUEUED) {
            snprintf(msg, sizeof(msg),
                     "your earlier requests kept the signer busy for %d ms; retry later",
                     s->o->timeout_ms);
            conn_refuse(s, c, DC_RPC_BUSY, msg);
        } else {
            dc_warn("uid %u did not read its answer within %d ms", (unsigned)c->peer.uid,
                    s->o->timeout_ms);
            conn_close(s, c);
        }
    }
}

static int next_timeout(const struct server *s)
{
    uint64_t now;

    if (!s->dl_head)
        return -1;
    now = dc_now_ms();
    return s->dl_head->deadline <= now ? 0 : (int)(s->dl_head->deadline - now);
}

static void on_signal(struct server *s)
{
    struct signalfd_siginfo si;

    while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP) {
            if (s->o->on_reload)
                s->o->on_reload(s->o->reload_arg);
        } else if (!s->draining) {
            dc_info("signal %u: finishing %d open connection(s), then exiting", si.ssi_signo,
                    s->nconns);
            epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->o->listen_fd, NULL);
            s->draining = 1;
        }
    }
}

static void on_done(struct server *s)
{
    struct dc_conn *c = dc_workers_take_done(&s->w);

    while (c) {
        struct dc_conn *next = c->qnext;
        uid_t uid = c->peer.uid;

        conn_answered(s, c);
        submit_queued(s, uid);
        c = next;
    }
}

static int setup(struct server *s)
{
    sigset_t set;
    struct epoll_event ev;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* Blocked before the workers start, so they inherit it and only the signalfd sees them. */
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
        (s->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        dc_err("signalfd: %s", strerror(errno));
        return -1;
    }
    if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        dc_err("epoll: %s", strerror(errno));
        return -1;
    }
    if (dc_workers_start(&s->w, s->o->threads, s->h, dc_conn_release) < 0) {
        dc_err("cannot start %d worker threads: %s", s->o->threads, strerror(errno));
        return -1;
    }
    s->workers_up = 1;
    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &tag_listen};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->o->listen_fd, &ev) < 0)
        goto fail;
    s->listening = 1;
    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &tag_signal};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->sfd, &ev) < 0)
        goto fail;
    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &tag_done};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->w.efd, &ev) < 0)
        goto fail;
    return 0;
fail:
    dc_err("epoll: %s", strerror(errno));
    return -1;
}

int dc_server_run(const struct dc_server_opts *o, struct dc_handler *h)
{
    struct server s = {.o = o, .h = h, .epfd = -1, .sfd = -1};
    struct epoll_event evs[64];
    int rc = -1;

    dc_budget_init(&s.budget, o->max_buffered, o->max_buffered_per_user, o->max_request);
    if (setup(&s) < 0)
        goto cleanup;
    if (o->on_ready)
        o->on_ready(o->ready_arg);
    while (!(s.draining && s.nconns == 0)) {
        int n = epoll_wait(s.epfd, evs, 64, next_timeout(&s));

        if (n < 0 && errno != EINTR) {
            dc_err("epoll_wait: %s", strerror(errno));
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            struct dc_conn *c = p;

            if (p == &tag_listen)
                accept_some(&s);
            else if (p == &tag_signal)
                on_signal(&s);
            else if (p == &tag_done)
                on_done(&s);
            else if (c->state == DC_CONN_READING)
                conn_read(&s, c);
            else if (c->state == DC_CONN_WRITING)
                conn_write(&s, c);
        }
        expire(&s);
    }
    rc = 0;
cleanup:
    if (s.workers_up)
        dc_workers_stop(&s.w);
    /* After a fatal error, connections may remain in any state; the workers are gone. */
    while (s.all)
        conn_close(&s, s.all);
    if (s.epfd >= 0)
        close(s.epfd);
    if (s.sfd >= 0)
        close(s.sfd);
    return rc;
}
