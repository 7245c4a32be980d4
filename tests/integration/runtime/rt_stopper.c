/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_stopper - for the runtime tests: writes BEFORE, calls datacrumbs_stop() of the client
 * library it was started with (datacrumbs_wrap), then writes AFTER. Only BEFORE may be traced.
 *
 *   datacrumbs_wrap rt_stopper BEFORE AFTER
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_file(const char *path)
{
    char buf[1024];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    memset(buf, 'x', sizeof(buf));
    if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || close(fd) < 0) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    void (*stop)(void);

    if (argc != 3) {
        fprintf(stderr, "usage: rt_stopper BEFORE AFTER\n");
        return 2;
    }
    *(void **)&stop = dlsym(RTLD_DEFAULT, "datacrumbs_stop");
    if (!stop) {
        fprintf(stderr, "rt_stopper: datacrumbs_stop is not loaded (run under datacrumbs_wrap)\n");
        return 3;
    }
    if (write_file(argv[1]) < 0)
        return 1;
    stop();
    return write_file(argv[2]) < 0 ? 1 : 0;
}
