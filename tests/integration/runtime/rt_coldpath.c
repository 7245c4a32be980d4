/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_coldpath FILE - open the path written in FILE, passing open() a pointer into a fresh
 * private mapping of FILE that nothing has touched yet: at the call's entry the path's page
 * is not present, so a tracer can read it only once the kernel has faulted it in.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct stat st;
    char *map;
    int fd, target;

    if (argc != 2) {
        fprintf(stderr, "usage: rt_coldpath FILE\n");
        return 2;
    }
    fd = open(argv[1], O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
        perror(argv[1]);
        return 1;
    }
    map = mmap(NULL, (size_t)st.st_size + 1, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* The file holds the path and its NUL; the page cache may have it, this mapping does not. */
    target = open(map, O_RDONLY);
    if (target < 0) {
        perror("open");
        return 1;
    }
    close(target);
    munmap(map, (size_t)st.st_size + 1);
    close(fd);
    return 0;
}
