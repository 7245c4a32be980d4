/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_notify - stand in for systemd's notification socket in the runtime tests: bind an
 * AF_UNIX datagram socket at PATH and print every message received (one per line, newlines in
 * a message shown as ';') until one holds READY=1 or SECONDS pass.
 *
 *   rt_notify PATH SECONDS
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    time_t end;
    int fd;

    if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: rt_notify PATH SECONDS\n");
        return 2;
    }
    end = time(NULL) + atoi(argv[2]);
    strcpy(sa.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror(argv[1]);
        return 1;
    }
    puts("listening");
    fflush(stdout);
    while (time(NULL) < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        char buf[4096];
        ssize_t n;

        if (poll(&p, 1, 200) <= 0)
            continue;
        n = recv(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        for (char *c = buf; *c; c++)
            if (*c == '\n')
                *c = ';';
        puts(buf);
        fflush(stdout);
        if (strstr(buf, "READY=1"))
            return 0;
    }
    return 1;
}
