/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * forker - exercises the preloaded client library: 8 threads each fork a child that exits
 * normally (running the library's destructor), while the threads also call the library's
 * functions directly. Exits 0 when every child exited 0.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*dc_fn)(void);

static void *worker(void *arg)
{
    dc_fn start = (dc_fn)dlsym(RTLD_DEFAULT, "datacrumbs_start");
    dc_fn stop = (dc_fn)dlsym(RTLD_DEFAULT, "datacrumbs_stop");
    int status = 0;
    pid_t pid;

    (void)arg;
    for (int i = 0; i < 50 && start && stop; i++) {
        start();
        stop();
    }
    pid = fork();
    if (pid == 0)
        exit(0); /* runs atexit handlers and the library destructor in the child */
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
        return (void *)1;
    return NULL;
}

int main(void)
{
    pthread_t t[8];
    void *rc;
    int bad = 0;

    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], &rc);
        bad |= rc != NULL;
    }
    printf("%s\n", dlsym(RTLD_DEFAULT, "datacrumbs_start") ? "library-loaded" : "no-library");
    return bad;
}
