/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mkelf.h - crafted ELF files for the runtime's bounds tests: a 64-bit shared object with
 * nloads PT_LOAD program headers and nsyms function symbols in .symtab ("f0", "f1", ...),
 * none of them inside a segment, so a reader that scans the segments for every symbol does
 * nloads * nsyms comparisons.
 */
#ifndef DC_TEST_MKELF_H
#define DC_TEST_MKELF_H

#include <stddef.h>

/* Write the file (mode 0644). Returns 0 or -1 with errno. */
int mkelf_write(const char *path, size_t nloads, size_t nsyms);

#endif
