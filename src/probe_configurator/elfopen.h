/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elfopen.h - an ELF file or buffer opened with libelf for the ELF readers of the configurator
 * (function symbols, USDT notes): a regular file only, and its identification bytes checked by
 * the reader before libelf sees them (libelf itself only says "not ELF").
 */
#ifndef DC_ELFOPEN_H
#define DC_ELFOPEN_H

#include <libelf.h>
#include <stddef.h>
#include <stdint.h>

struct dc_elf_input {
    Elf *e;
    uint64_t size; /* of the file or buffer: every section is checked against it */
    int fd;        /* -1 for a buffer */
};

/* The reader's check of the first bytes (up to EI_NIDENT of them, fewer when the file is
 * shorter): 0, or -1 with a message in err. */
typedef int (*dc_elf_ident_check)(const unsigned char *head, size_t len, char *err, size_t errlen);

/* 0 with in filled (close it with dc_elf_close), or -1 with a message in err that does not
 * repeat the path. The caller has called elf_version() already. */
int dc_elf_open_file(const char *path, dc_elf_ident_check check, struct dc_elf_input *in, char *err,
                     size_t errlen);
/* The same for len bytes at buf, which must stay until dc_elf_close (libelf may modify it). */
int dc_elf_open_mem(void *buf, size_t len, dc_elf_ident_check check, struct dc_elf_input *in,
                    char *err, size_t errlen);
void dc_elf_close(struct dc_elf_input *in);

#endif
