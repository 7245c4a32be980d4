/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runtime_load - the workload of the runtime benchmarks (bench/runtime_bench.sh builds it):
 *
 *   runtime_load sys N      N getppid() system calls, made directly (no libc wrapper)
 *   runtime_load libc N     N calls of the C library's getppid() (what a uprobe traces)
 *   runtime_load rate N R   N direct getppid() calls paced at R calls per second
 *   runtime_load funcs LIB  dlopen LIB and wait for a line on stdin (keeps it mapped)
 *
 * Prints the nanoseconds per call on stdout.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    volatile long sink = 0;
    double t0, t1;

    if (argc > 2 && strcmp(argv[1], "funcs") == 0) {
        char line[16];

        if (!dlopen(argv[2], RTLD_NOW)) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        puts("mapped");
        fflush(stdout);
        return fgets(line, sizeof(line), stdin) ? 0 : 0;
    }
    if (argc < 3 || n <= 0) {
        fprintf(stderr, "usage: runtime_load sys|libc N | rate N R | funcs LIB\n");
        return 2;
    }
    t0 = now();
    if (strcmp(argv[1], "sys") == 0) {
        for (long i = 0; i < n; i++)
            sink += syscall(SYS_getppid);
    } else if (strcmp(argv[1], "libc") == 0) {
        for (long i = 0; i < n; i++)
            sink += getppid();
    } else if (strcmp(argv[1], "rate") == 0 && argc > 3) {
        double rate = strtod(argv[3], NULL), start = now();

        for (long i = 0; i < n; i++) {
            sink += syscall(SYS_getppid);
            if ((i & 255) == 255)
                while (now() - start < (double)(i + 1) / rate)
                    ;
        }
    } else {
        return 2;
    }
    t1 = now();
    printf("%.1f\n", (t1 - t0) * 1e9 / (double)n);
    return 0;
}
