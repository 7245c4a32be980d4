/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tr_writer DIR - known I/O from two processes, for datacrumbs_trace's tests on real traces:
 *   parent: open DIR/a.bin, 3 writes of 1000 bytes, fork;
 *   child:  (after the parent's fork returned: it waits on a pipe) 2 writes of 500 bytes on
 *           the inherited descriptor, open DIR/b.bin, 1 write of 7000 bytes, close, exit;
 *   parent: close, then read DIR/a.bin back in reads of 4096 bytes (4000, then 0).
 * So a.bin: 5 writes, 4000 bytes written (1000 of them by the child), 2 reads, 4000 bytes
 * read, 2 opens; b.bin: 1 write of 7000 bytes, 1 open.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[8192];

static void must(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    char a[4096], b[4096], go;
    int fd, p[2], status;
    ssize_t n;
    pid_t pid;

    if (argc != 2) {
        fprintf(stderr, "usage: tr_writer DIR\n");
        return 2;
    }
    snprintf(a, sizeof(a), "%s/a.bin", argv[1]);
    snprintf(b, sizeof(b), "%s/b.bin", argv[1]);
    memset(buf, 'x', sizeof(buf));
    must(pipe(p) == 0, "pipe");
    fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    must(fd >= 0, a);
    for (int i = 0; i < 3; i++)
        must(write(fd, buf, 1000) == 1000, "write");
    pid = fork();
    must(pid >= 0, "fork");
    if (pid == 0) {
        int fb;

        close(p[1]);
        must(read(p[0], &go, 1) == 1, "read");
        for (int i = 0; i < 2; i++)
            must(write(fd, buf, 500) == 500, "write");
        fb = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        must(fb >= 0, b);
        must(write(fb, buf, 7000) == 7000, "write");
        close(fb);
        _exit(0);
    }
    close(p[0]);
    must(write(p[1], "g", 1) == 1, "write");
    must(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child");
    close(fd);
    fd = open(a, O_RDONLY);
    must(fd >= 0, a);
    while ((n = read(fd, buf, 4096)) > 0)
        ;
    must(n == 0, "read");
    close(fd);
    return 0;
}
