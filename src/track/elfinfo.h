/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elfinfo.h - what datacrumbs_track needs to know about an ELF file, read with libelf.
 *
 * Everything comes from the program headers (as the dynamic loader reads it), not the section
 * headers, so stripped files are read the same way the loader reads them. Nothing is trusted:
 * every offset and string is bounds-checked against the file.
 */
#ifndef DC_TRACK_ELFINFO_H
#define DC_TRACK_ELFINFO_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bounds that keep a hostile file from making us allocate without limit. */
#define ELFINFO_NEEDED_MAX  4096       /* DT_NEEDED entries */
#define ELFINFO_INTERP_MAX  4096       /* PT_INTERP string, NUL included */
#define ELFINFO_DYNAMIC_MAX 65536      /* entries in PT_DYNAMIC */
#define ELFINFO_STRTAB_MAX  (64 << 20) /* bytes of DT_STRTAB */

enum elfinfo_kind {
    ELFINFO_DYN_EXEC,   /* ET_EXEC + PT_INTERP + PT_DYNAMIC: dynamic, not PIE */
    ELFINFO_PIE,        /* ET_DYN + PT_INTERP + PT_DYNAMIC: dynamic PIE */
    ELFINFO_STATIC,     /* ET_EXEC without PT_INTERP */
    ELFINFO_STATIC_PIE, /* ET_DYN without PT_INTERP, DF_1_PIE set */
    ELFINFO_SHARED_LIB, /* ET_DYN without PT_INTERP, not PIE */
    ELFINFO_NO_DYNAMIC, /* PT_INTERP but no PT_DYNAMIC: nothing for the loader to read */
    ELFINFO_OTHER,      /* ET_REL, ET_CORE, ... */
};

enum elfinfo_status {
    ELFINFO_OK = 0,
    ELFINFO_NOT_ELF,   /* no ELF magic (a script, data, an archive) */
    ELFINFO_MALFORMED, /* ELF magic, but a header, segment or string is broken */
    ELFINFO_IOERR,     /* could not read the file (errno kept) */
};

struct elfinfo {
    int elf_class;          /* ELFCLASS32 or ELFCLASS64 */
    int data;               /* ELFDATA2LSB or ELFDATA2MSB */
    int machine;            /* e_machine */
    int type;               /* e_type */
    enum elfinfo_kind kind; /* derived from type, PT_INTERP, PT_DYNAMIC and DF_1_PIE */
    int has_interp;
    int has_dynamic;
    char *interp;     /* PT_INTERP string, NULL when absent */
    uint64_t flags_1; /* DT_FLAGS_1, 0 when absent */
    size_t n_needed;
    char **needed; /* DT_NEEDED strings in file order */
    char *runpath; /* DT_RUNPATH string, NULL when absent */
    char *rpath;   /* DT_RPATH string (older, and ignored when DT_RUNPATH is there) */
};

/*
 * Inspect the ELF file open on fd (read with pread; the file offset is not used).
 * Returns ELFINFO_OK with *info filled (free it with elfinfo_free), or another status with a
 * one-line reason in err. *info needs no freeing after a failure.
 */
enum elfinfo_status elfinfo_read_fd(int fd, struct elfinfo *info, char *err, size_t errlen);
void elfinfo_free(struct elfinfo *info);

/* 1 when dir is one of the directories the loader searches from the file's own RUNPATH (or
 * RPATH when there is no RUNPATH). */
int elfinfo_searches(const struct elfinfo *info, const char *dir);

/* 1 when the loader reads DT_NEEDED of this file at exec time (DYN_EXEC or PIE). */
int elfinfo_is_dynamic_exec(const struct elfinfo *info);
/* "dynamically linked executable", "static-pie executable", ... for messages. */
const char *elfinfo_kind_str(enum elfinfo_kind kind);
/* "x86-64", "i386", "AArch64", ... or "machine N" (written into buf). */
const char *elfinfo_machine_str(int machine, char *buf, size_t len);
/* "32-bit" / "64-bit" */
const char *elfinfo_class_str(int elf_class);

#endif
