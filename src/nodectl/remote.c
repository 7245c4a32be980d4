/* SPDX-License-Identifier: BSD-3-Clause */
/* remote.c - the ssh command line for node control, and client-side value rules. */
#include "remote.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hostlist.h"
#include "protocol.h"

/*
 * A master with no session left stays this long: long enough to bridge the check and the start
 * round, short enough that a killed datacrumbs_run leaves nothing for long.
 */
#define DC_SSH_PERSIST "60"

/* ssh appends a 17-byte suffix while it creates the socket; sun_path holds 108 bytes. */
#define CONTROL_DIR_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1 - 1 - 40 - 17)

const char *const dc_remote_command[] = {"sudo", "-n", DC_NODECTL_REMOTE_PATH, "--stdin", NULL};

bool dc_ssh_option_valid(const char *opt, char *err, size_t errlen)
{
    const char *p = opt;

    if (!opt || strlen(opt) > 1024) {
        snprintf(err, errlen, "--ssh-option: empty or longer than 1024 bytes");
        return false;
    }
    while (isalpha((unsigned char)*p))
        p++;
    if (p == opt || (*p != '=' && *p != ' ')) {
        snprintf(err, errlen, "--ssh-option '%s': expected Key=Value (see ssh_config(5))", opt);
        return false;
    }
    for (p = opt; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            snprintf(err, errlen, "--ssh-option: contains a control character");
            return false;
        }
    }
    return true;
}

int dc_ssh_argv(struct dc_ssh *s, const char *host, const char *out[DC_SSH_ARGV_MAX])
{
    int n = 0;

    if (!dc_hostname_valid(host))
        return -1;
    snprintf(s->timeout_opt, sizeof(s->timeout_opt), "ConnectTimeout=%d", s->connect_timeout);
    out[n++] = s->program;
    out[n++] = "-T"; /* no terminal */
    out[n++] = "-x"; /* no X11 forwarding */
    out[n++] = "-a"; /* no agent forwarding */
    out[n++] = "-o";
    out[n++] = "BatchMode=yes";
    out[n++] = "-o";
    out[n++] = s->timeout_opt;
    if (s->control_opt[0]) {
        out[n++] = "-o";
        out[n++] = "ControlMaster=auto";
        out[n++] = "-o";
        out[n++] = s->control_opt;
        out[n++] = "-o";
        out[n++] = "ControlPersist=" DC_SSH_PERSIST;
    }
    for (size_t i = 0; i < s->n_options && i < DC_SSH_OPTIONS_MAX; i++) {
        out[n++] = "-o";
        out[n++] = s->options[i];
    }
    out[n++] = "--";
    out[n++] = host;
    for (size_t i = 0; dc_remote_command[i]; i++)
        out[n++] = dc_remote_command[i];
    out[n] = NULL;
    return n;
}

int dc_ssh_share_begin(struct dc_ssh *s)
{
    const char *bases[] = {getenv("TMPDIR"), "/tmp"};

    s->control_dir[0] = s->control_opt[0] = '\0';
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        char dir[PATH_MAX];

        if (!bases[i] || bases[i][0] != '/')
            continue;
        if ((size_t)snprintf(dir, sizeof(dir), "%s/dc-ssh-XXXXXX", bases[i]) > CONTROL_DIR_MAX)
            continue;
        if (!mkdtemp(dir))
            continue;
        snprintf(s->control_dir, sizeof(s->control_dir), "%s", dir);
        snprintf(s->control_opt, sizeof(s->control_opt), "ControlPath=%s/%%C", dir);
        return 0;
    }
    return -1;
}

int dc_ssh_exit_argv(struct dc_ssh *s, const char *host, const char *out[DC_SSH_ARGV_MAX])
{
    int n = 0;

    if (!s->control_opt[0] || !dc_hostname_valid(host))
        return -1;
    out[n++] = s->program;
    out[n++] = "-o";
    out[n++] = "BatchMode=yes";
    out[n++] = "-o";
    out[n++] = s->control_opt;
    /* The user's options too: port and user name are part of the socket's name (%C). */
    for (size_t i = 0; i < s->n_options && i < DC_SSH_OPTIONS_MAX; i++) {
        out[n++] = "-o";
        out[n++] = s->options[i];
    }
    out[n++] = "-O";
    out[n++] = "exit";
    out[n++] = "--";
    out[n++] = host;
    out[n] = NULL;
    return n;
}

void dc_ssh_share_end(struct dc_ssh *s)
{
    /* A master answers "-O exit" first and removes its socket as it goes: give the last
     * ones a moment, then the directory goes (or stays, empty of anything but sockets). */
    for (int i = 0; s->control_dir[0] && i < 200; i++) {
        if (rmdir(s->control_dir) == 0 || errno != ENOTEMPTY)
            break;
        usleep(10000);
    }
    s->control_dir[0] = s->control_opt[0] = '\0';
}

static bool plain_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("@%+=:,./_-", *s))
            return false;
    return true;
}

int dc_shell_quote_argv(const char *const argv[], char *out, size_t outlen)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; argv[i]; i++) {
        const char *s = argv[i];

        if (i && len + 1 < outlen)
            out[len++] = ' ';
        if (plain_word(s)) {
            size_t n = strlen(s);

            if (len + n >= outlen)
                return -1;
            memcpy(out + len, s, n);
            len += n;
        } else {
            if (len + 1 >= outlen)
                return -1;
            out[len++] = '\'';
            for (; *s; s++) {
                const char *piece = *s == '\'' ? "'\\''" : NULL;
                size_t n = piece ? 4 : 1;

                if (len + n + 1 >= outlen)
                    return -1;
                if (piece)
                    memcpy(out + len, piece, n);
                else
                    out[len] = *s;
                len += n;
            }
            out[len++] = '\'';
        }
        out[len] = '\0';
    }
    return 0;
}

int dc_runid_generate(char *out, size_t outlen)
{
    unsigned char rnd[4];
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];

    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) || !gmtime_r(&now, &tm))
        return -1;
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    if (snprintf(out, outlen, "dc-%s-%02x%02x%02x%02x", stamp, rnd[0], rnd[1], rnd[2], rnd[3]) >=
        (int)outlen)
        return -1;
    return 0;
}

int dc_probe_path_absolute(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
    char joined[PATH_MAX * 2], cwd[PATH_MAX];
    size_t len = 0;
    const char *p;

    if (!in || !*in) {
        snprintf(err, errlen, "the probe file path is empty");
        return -1;
    }
    if (in[0] == '/') {
        snprintf(joined, sizeof(joined), "%s", in);
    } else {
        if (!getcwd(cwd, sizeof(cwd))) {
            snprintf(err, errlen, "cannot get the current directory: %s", strerror(errno));
            return -1;
        }
        snprintf(joined, sizeof(joined), "%s/%s", cwd, in);
    }
    /* Lexical clean-up, component by component. */
    out[0] = '\0';
    for (p = joined; *p;) {
        const char *slash;
        size_t n;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        slash = strchr(p, '/');
        n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            out[len] = '\0';
        } else {
            if (len + 1 + n >= outlen) {
                snprintf(err, errlen, "the probe file path is longer than %zu bytes", outlen - 1);
                return -1;
            }
            out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
            out[len] = '\0';
        }
        p += n;
    }
    if (len == 0) {
        snprintf(err, errlen, "the probe file path names the root directory");
        return -1;
    }
    return dc_probe_path_valid(out, err, errlen) ? 0 : -1;
}
