/* SPDX-License-Identifier: BSD-3-Clause */
/* elfsym.h - function symbols of an ELF file to the file offsets uprobes attach at. */
#ifndef DC_RT_ELFSYM_H
#define DC_RT_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bounds on the ELF files the runtime reads for a probe file (the user names them): file size,
 * program and section headers (checked from the raw header before libelf allocates for them),
 * entries of the symbol tables, and the time all files of one probe file may take
 * (rt_elf_set_deadline). A file over a bound is refused with an error naming it and the limit.
 */
#define RT_ELF_MAX_BYTES    (2ULL << 30)
#define RT_ELF_MAX_PHDRS    1024
#define RT_ELF_MAX_SECTIONS 16384
#define RT_ELF_MAX_SYMBOLS  4000000
#define RT_ELF_MAX_SECONDS  5

struct rt_elf_limits {
    unsigned long long max_bytes;
    size_t max_phdrs, max_sections, max_symbols;
};

/* Change the bounds (tests); NULL restores the ones above. */
void rt_elf_set_limits(const struct rt_elf_limits *l);

/* Refuse to read more symbols once dc_now_ms() reaches at_ms (0: no deadline); the message
 * names the limit as seconds. */
void rt_elf_set_deadline(long long at_ms, unsigned seconds);

struct rt_elf_query {
    const char *name; /* symbol name, or "name@VERSION" / "name@@VERSION" */
    uint64_t offset;  /* out: file offset of the function */
    int found;        /* out */
};

/*
 * Look every name up in .symtab and .dynsym (defined STT_FUNC and STT_GNU_IFUNC symbols) in a
 * single pass. When a name has several addresses, the default version (dynsym) and then the
 * strongest binding win. Returns 0 with found/offset set per query, or -1 with err set when the
 * file cannot be read as ELF.
 */
int rt_elf_resolve(const char *path, struct rt_elf_query *q, size_t n, char *err, size_t errlen);

/* The same for the ELF file open at fd (not closed; label names it in errors). */
int rt_elf_resolve_fd(int fd, const char *label, struct rt_elf_query *q, size_t n, char *err,
                      size_t errlen);

/*
 * For probe files that give "name:0xOFFSET": set found when a defined function symbol called
 * name (or name@VERSION) starts at file offset q[i].offset -- any other offset could be the
 * middle of an instruction, and a breakpoint there would corrupt every process that maps the
 * file. Returns 0, or -1 with err set when the file cannot be read as ELF.
 */
int rt_elf_verify_fd(int fd, const char *label, struct rt_elf_query *q, size_t n, char *err,
                     size_t errlen);

/*
 * Call fn for every defined function symbol of the file with a distinct file offset (the bench
 * and the test helper build large probe files with it). Returns the number visited or -1.
 */
long rt_elf_each_function(const char *path, void (*fn)(const char *name, uint64_t off, void *arg),
                          void *arg, char *err, size_t errlen);

#endif
