/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_threads - a small multi-threaded program for the runtime tests: NTHREADS threads each
 * write 4 blocks to FILE (pwrite at its own offsets), so every thread's calls can be told apart.
 *
 *   rt_threads FILE [NTHREADS]
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;

static void *worker(void *arg)
{
    long n = (long)arg;
    char buf[512];

    memset(buf, 'a' + (int)(n % 26), sizeof(buf));
    for (int i = 0; i < 4; i++)
        if (pwrite(fd, buf, sizeof(buf), (off_t)((n * 4 + i) * (long)sizeof(buf))) < 0)
            return (void *)1;
    return NULL;
}

int main(int argc, char **argv)
{
    long nthreads = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    pthread_t t[16];

    if (argc < 2 || nthreads < 1 || nthreads > 16) {
        fprintf(stderr, "usage: rt_threads FILE [NTHREADS<=16]\n");
        return 2;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    for (long i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (long i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    return close(fd) == 0 ? 0 : 1;
}
