/* SPDX-License-Identifier: BSD-3-Clause */
/* writeall.c - write a whole buffer to a file descriptor (see writeall.h). */
#include "writeall.h"

#include <errno.h>
#include <unistd.h>

int dc_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) { /* never for len > 0 on a file or pipe; do not spin */
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
