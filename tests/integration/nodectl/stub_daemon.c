/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stub_daemon - stands in for the datacrumbs runtime in node control's integration tests, so
 * that every way a runtime can misbehave is reproducible in milliseconds and without eBPF.
 *
 *   stub_daemon [--config FILE] [--check] PROBE_FILE [RUN_ID [USER]]
 *
 * Like the runtime it reads run_dir from the configuration and, when USER is given, reads
 * PROBE_FILE with USER's credentials (so a copy only root could read fails here too). What it
 * does comes from the probe file's text, one word per line:
 *   check-fail   --check fails (exit 4)
 *   check-hang   --check burns CPU forever in two processes (a crafted ELF file): node
 *                control must kill the whole process group
 *   exit-early   exits 1 before it is ready
 *   never-ready  runs but never writes the ready file
 *   ignore-term  ignores SIGTERM (node control must fall back to SIGKILL)
 * Otherwise it writes <run_dir>/datacrumbs-RUN_ID.ready, waits for SIGTERM or SIGINT, removes
 * the ready file and exits 0. Either way it lists the descriptors it inherited above 2 in
 * <run_dir>/stub-fds-{check,start}-RUN_ID (node control must pass none). Never installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* run_dir from a "key = value" configuration file. */
static int read_run_dir(const char *conf, char *out, size_t outlen)
{
    char line[4096];
    FILE *f = fopen(conf, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *v;

        if (strncmp(line, "run_dir", 7) != 0 || !(v = strchr(line, '=')))
            continue;
        for (v++; *v == ' '; v++)
            ;
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, outlen, "%s", v);
        fclose(f);
        return 0;
    }
    fclose(f);
    return -1;
}

/* The probe file's text, read as user when one is given (in a child that drops to it). */
static int read_probe(const char *path, const char *user, char *buf, size_t cap)
{
    int p[2], status = -1;
    ssize_t n, len = 0;
    pid_t pid;

    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct passwd *pw = user ? getpwnam(user) : NULL;
        char tmp[4096];
        int fd;

        close(p[0]);
        if (user && (!pw || initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
                     setuid(pw->pw_uid) < 0))
            _exit(3);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "stub_daemon: cannot open %s as %s: %s\n", path, user ? user : "root",
                    strerror(errno));
            _exit(4);
        }
        while ((n = read(fd, tmp, sizeof(tmp))) > 0)
            if (write(p[1], tmp, (size_t)n) != n)
                _exit(5);
        _exit(0);
    }
    close(p[1]);
    while ((size_t)len < cap - 1 && (n = read(p[0], buf + len, cap - 1 - (size_t)len)) > 0)
        len += n;
    buf[len] = '\0';
    close(p[0]);
    if (pid > 1)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = text; (p = strstr(p, word)); p += n)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    return 0;
}

/* The descriptors above 2 this process was started with, one per line, into path. */
static void list_fds(const char *path)
{
    FILE *f = fopen(path, "we");
    char link[64], target[4096];

    if (!f)
        return;
    for (int fd = 3; fd < 1024; fd++) {
        ssize_t n;

        if (fd == fileno(f))
            continue;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        if ((n = readlink(link, target, sizeof(target) - 1)) < 0)
            continue;
        target[n] = '\0';
        fprintf(f, "%d %s\n", fd, target);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *probe = NULL, *run_id = "stub", *user = NULL;
    char run_dir[4096] = "", ready[4200], fds[4200], text[65536];
    struct sigaction sa = {.sa_handler = on_signal};
    int check = 0, i = 1, fd;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else
            return 2;
    }
    if (i >= argc)
        return 2;
    probe = argv[i++];
    if (i < argc)
        run_id = argv[i++];
    if (i < argc)
        user = argv[i++];
    if (!config || read_run_dir(config, run_dir, sizeof(run_dir)) < 0) {
        fprintf(stderr, "stub_daemon: no run_dir (give --config)\n");
        return 3;
    }
    snprintf(fds, sizeof(fds), "%s/stub-fds-%s-%s", run_dir, check ? "check" : "start", run_id);
    list_fds(fds);
    if (read_probe(probe, user, text, sizeof(text)) < 0) {
        fprintf(stderr, "stub_daemon: probe file %s refused: cannot read it\n", probe);
        return 4;
    }
    if (check) {
        if (has_word(text, "check-hang")) {
            fprintf(stderr, "stub_daemon: checking %s forever\n", probe);
            fflush(stderr);
            fork(); /* the second one is what a kill of the pid alone would leave behind */
            for (volatile unsigned long spin = 0;; spin++)
                ;
        }
        if (has_word(text, "check-fail")) {
            fprintf(stderr, "stub_daemon: probe file %s refused: checksum mismatch\n", probe);
            return 4;
        }
        printf("probe file: %s (verified)\n", probe);
        return 0;
    }
    if (has_word(text, "exit-early")) {
        fprintf(stderr, "stub_daemon: cannot attach: exiting early as told\n");
        return 1;
    }
    sigaction(SIGINT, &sa, NULL);
    if (has_word(text, "ignore-term"))
        signal(SIGTERM, SIG_IGN);
    else
        sigaction(SIGTERM, &sa, NULL);
    snprintf(ready, sizeof(ready), "%s/datacrumbs-%s.ready", run_dir, run_id);
    if (!has_word(text, "never-ready")) {
        fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, "ready\n", 6) != 6 || close(fd) < 0) {
            fprintf(stderr, "stub_daemon: cannot write %s\n", ready);
            return 1;
        }
    }
    fprintf(stderr, "stub_daemon: run %s for %s ready\n", run_id, user ? user : "?");
    while (!stop)
        pause();
    unlink(ready);
    fprintf(stderr, "stub_daemon: stopped\n");
    return 0;
}
