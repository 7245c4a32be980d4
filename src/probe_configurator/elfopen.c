/* SPDX-License-Identifier: BSD-3-Clause */
/* elfopen.c - opening an ELF file or buffer for the configurator's readers (see elfopen.h). */
#include "elfopen.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dc_elf_open_file(const char *path, dc_elf_ident_check check, struct dc_elf_input *in, char *err,
                     size_t errlen)
{
    unsigned char head[EI_NIDENT] = {0};
    struct stat st;
    ssize_t n;
    int fd;

    in->e = NULL;
    in->size = 0;
    in->fd = -1;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        goto fail;
    }
    n = pread(fd, head, sizeof(head), 0);
    if (check(head, n > 0 ? (size_t)n : 0, err, errlen) < 0)
        goto fail;
    in->e = elf_begin(fd, ELF_C_READ, NULL);
    if (!in->e) {
        snprintf(err, errlen, "cannot read ELF: %s", elf_errmsg(-1));
        goto fail;
    }
    in->size = (uint64_t)st.st_size;
    in->fd = fd;
    return 0;
fail:
    close(fd);
    return -1;
}

int dc_elf_open_mem(void *buf, size_t len, dc_elf_ident_check check, struct dc_elf_input *in,
                    char *err, size_t errlen)
{
    in->e = NULL;
    in->size = 0;
    in->fd = -1;
    if (check(buf, len, err, errlen) < 0)
        return -1;
    in->e = elf_memory(buf, len);
    if (!in->e) {
        snprintf(err, errlen, "cannot read ELF: %s", elf_errmsg(-1));
        return -1;
    }
    in->size = len;
    return 0;
}

void dc_elf_close(struct dc_elf_input *in)
{
    if (in->e)
        elf_end(in->e);
    if (in->fd >= 0)
        close(in->fd);
    in->e = NULL;
    in->fd = -1;
}
