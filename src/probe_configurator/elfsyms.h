/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elfsyms.h - the function symbols of an ELF file, for binary captures (uprobes on libraries
 * and executables, kprobes on kernel modules).
 *
 * .dynsym and .symtab, STT_FUNC symbols defined in a section, with their file offsets
 * (section offset + address - section address, as upstream). Symbol versions come from
 * .gnu.version/.gnu.version_d: the default version keeps the bare name, other versions are
 * named "name@VERSION"; ".symtab" names written "name@@VERSION" are the default version too.
 * 32- and 64-bit, either byte order. Every header, section, symbol, string and version record
 * is checked against the file's bounds: a malformed file is an error (or a skipped symbol),
 * never a crash.
 */
#ifndef DC_ELFSYMS_H
#define DC_ELFSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define DC_ELF_NAME_MAX 4000 /* longer names are skipped (the signer takes 4096 per function) */

struct dc_elfsym {
    const char *name; /* in the arena */
    uint64_t offset;  /* file offset of the function's first instruction */
    unsigned dynamic; /* found in .dynsym (exported) */
};

struct dc_elfinfo {
    unsigned elf_class; /* 32 or 64 */
    unsigned type;      /* ET_EXEC, ET_DYN, ET_REL */
    unsigned machine;   /* e_machine */
    unsigned have_symtab, have_dynsym, have_versions;
    unsigned skipped_offset;  /* functions whose address lies outside their section */
    unsigned skipped_name;    /* empty, unreadable, too long, non-printable or with ':' */
    unsigned skipped_version; /* version index not defined in .gnu.version_d */
};

struct dc_elfsyms {
    struct dc_elfsym *v; /* sorted by name, then offset; (name, offset) pairs are unique */
    size_t n, cap;
    struct dc_elfinfo info;
};

/*
 * Read the function symbols of path. Returns 0 (possibly with no symbols: a stripped
 * executable), or -1 with a message in err that does not repeat the path.
 */
int dc_elfsyms_read_file(const char *path, struct dc_arena *a, struct dc_elfsyms *out, char *err,
                         size_t errlen);
/* The same from memory (the fuzzer, and tests of hand-made files). buf may be modified. */
int dc_elfsyms_read_mem(void *buf, size_t len, struct dc_arena *a, struct dc_elfsyms *out,
                        char *err, size_t errlen);
void dc_elfsyms_free(struct dc_elfsyms *s);

/* A name for the compression of a file that starts with these bytes ("xz", "zstd", "gzip"),
 * or NULL. Kernel modules are often shipped compressed. */
const char *dc_elf_compression(const unsigned char *head, size_t len);

#endif
