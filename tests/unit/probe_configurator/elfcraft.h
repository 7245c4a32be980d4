/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elfcraft.h - hand-made ELF files for the tests: any class and byte order, with the symbols
 * asked for, so that 32-bit and big-endian files and impossible values can be tested without
 * a cross toolchain. Also small file helpers.
 */
#ifndef DC_TEST_ELFCRAFT_H
#define DC_TEST_ELFCRAFT_H

#include <stddef.h>
#include <stdint.h>

struct craft_sym {
    const char *name;
    uint64_t value; /* address; .text is at 0x1000, 0x100 bytes, at file offset 0x100 */
    unsigned type;  /* STT_FUNC, STT_OBJECT, ... */
    unsigned shndx; /* 1 is .text; 0 undefined */
};

#define CRAFT_TEXT_ADDR 0x1000
#define CRAFT_TEXT_OFF  0x100
#define CRAFT_TEXT_SIZE 0x100

/* Layout facts of a crafted file, to corrupt it on purpose. */
struct craft_layout {
    size_t shoff;      /* section header table */
    size_t shentsize;  /* 40 or 64 */
    size_t symtab_off; /* .symtab contents */
    size_t strtab_off; /* .strtab contents */
};

/* Build an ELF (cls 32 or 64, msb 0 or 1) into a malloc'ed buffer; returns its length. */
size_t craft_elf(int cls, int msb, const struct craft_sym *syms, size_t n, unsigned char **out,
                 struct craft_layout *lay);
/* Store v as size bytes in the given byte order. */
void craft_put(unsigned char *p, size_t size, uint64_t v, int msb);

/* Read a whole file into a malloc'ed buffer. Returns 0 or -1. */
int slurp(const char *path, unsigned char **buf, size_t *len);
/* Write a file (mode 0644). Returns 0 or -1. */
int spit(const char *path, const void *buf, size_t len);

#endif
