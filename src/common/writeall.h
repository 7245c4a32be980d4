/* SPDX-License-Identifier: BSD-3-Clause */
/* writeall.h - write a whole buffer to a file descriptor. */
#ifndef DC_WRITEALL_H
#define DC_WRITEALL_H

#include <stddef.h>

/* Write all len bytes of buf to fd, going on after short writes and EINTR. Returns 0, or -1
 * with errno set by write() (EIO when write() wrote nothing). */
int dc_write_all(int fd, const void *buf, size_t len);

#endif
