/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wrap_overhead - cost of datacrumbs_wrap against the plain way of preloading the library.
 *
 * usage: wrap_overhead WRAP CONF LIB [ROUNDS]
 * Runs "WRAP --config CONF /bin/true" and "env LD_PRELOAD=LIB /bin/true" alternately (so drift
 * in machine load hits both alike), ROUNDS times each, and prints medians and their ratio.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double run_once(char *const argv[])
{
    double t0 = now_us();
    pid_t pid;
    int status;

    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
        perror(argv[0]);
        exit(1);
    }
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s failed\n", argv[0]);
        exit(1);
    }
    return now_us() - t0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return v[(int)(p * (n - 1))];
}

int main(int argc, char **argv)
{
    char preload[4200];
    int rounds = argc > 4 ? atoi(argv[4]) : 400;
    double *w, *e, mw, me;

    if (argc < 4 || rounds < 10) {
        fprintf(stderr, "usage: wrap_overhead WRAP CONF LIB [ROUNDS>=10]\n");
        return 2;
    }
    snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", argv[3]);
    char *wrap_argv[] = {argv[1], "--config", argv[2], "/bin/true", NULL};
    char *env_argv[] = {"/usr/bin/env", preload, "/bin/true", NULL};

    w = calloc((size_t)rounds, sizeof(*w));
    e = calloc((size_t)rounds, sizeof(*e));
    for (int i = 0; i < 20; i++) { /* warm the page cache */
        run_once(wrap_argv);
        run_once(env_argv);
    }
    for (int i = 0; i < rounds; i++) {
        w[i] = run_once(wrap_argv);
        e[i] = run_once(env_argv);
    }
    mw = pct(w, rounds, 0.5);
    me = pct(e, rounds, 0.5);
    printf("rounds: %d each, alternating\n", rounds);
    printf("datacrumbs_wrap /bin/true:          median %8.1f us  p90 %8.1f us\n", mw,
           pct(w, rounds, 0.9));
    printf("env LD_PRELOAD=<lib> /bin/true:     median %8.1f us  p90 %8.1f us\n", me,
           pct(e, rounds, 0.9));
    printf("ratio wrap/env (median): %.3f (target <= 1.10)\n", mw / me);
    free(w);
    free(e);
    return mw / me <= 1.10 ? 0 : 1;
}
