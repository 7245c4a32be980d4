/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_exiter - for the runtime tests: programs whose last I/O happens on the way out, after
 * main has returned or instead of it returning.
 *
 *   rt_exiter flush FILE   fprintf 91895 bytes to FILE, never fclose it: the last block is
 *                          written by the C library's exit-time flush
 *   rt_exiter atexit FILE  the same, plus an atexit handler that writes (write(2)) 1000 bytes
 *   rt_exiter _exit FILE   write(2) 3 times, fprintf + fflush, then _exit(0) (no flush, no
 *                          handlers, no destructors)
 *   rt_exiter exec FILE    write(2) twice, then exec /bin/sh to append to FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd = -1;

static void raw(int n)
{
    char buf[4096];

    memset(buf, 'r', sizeof(buf));
    if (n > (int)sizeof(buf) || write(fd, buf, (size_t)n) != n)
        _exit(3);
}

static void at_exit_write(void)
{
    raw(1000);
}

/* Lines of 73 bytes and a last shorter one: 91895 bytes in all. */
static void lines(FILE *f)
{
    long total = 0;

    for (int i = 0; total < 91895; i++) {
        int want = 91895 - total < 73 ? (int)(91895 - total) : 73;

        total += fprintf(f, "%0*d\n", want - 1, i % 100000);
    }
}

int main(int argc, char **argv)
{
    FILE *f;

    if (argc != 3)
        return 2;
    if (!strcmp(argv[1], "flush") || !strcmp(argv[1], "atexit")) {
        if (!(f = fopen(argv[2], "w")))
            return 1;
        if (!strcmp(argv[1], "atexit")) {
            fd = fileno(f);
            atexit(at_exit_write);
        }
        lines(f);
        return 0; /* no fclose: exit() flushes */
    }
    fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return 1;
    if (!strcmp(argv[1], "_exit")) {
        raw(100);
        raw(200);
        raw(300);
        if (!(f = fdopen(dup(fd), "w")) || fprintf(f, "flushed by hand\n") < 0 || fflush(f))
            return 1;
        _exit(0);
    }
    if (!strcmp(argv[1], "exec")) {
        raw(10);
        raw(20);
        execl("/bin/sh", "sh", "-c", "printf 'from the new image\\n' >>\"$0\"", argv[2],
              (char *)NULL);
        return 1;
    }
    return 2;
}
