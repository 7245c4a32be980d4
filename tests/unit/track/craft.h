/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * craft.h - hand-made ELF images for the track unit tests: the shapes a compiler makes and the
 * broken ones it never makes (truncated, unterminated strings, offsets outside the file).
 */
#ifndef DC_TEST_CRAFT_H
#define DC_TEST_CRAFT_H

#include <stddef.h>
#include <stdint.h>

struct craft {
    int elf_class;         /* ELFCLASS32 or ELFCLASS64 */
    int machine;           /* e_machine */
    int type;              /* ET_EXEC or ET_DYN */
    int interp;            /* add PT_INTERP */
    int dynamic;           /* add PT_DYNAMIC */
    uint64_t flags_1;      /* DT_FLAGS_1, 0 for none */
    const char *needed[8]; /* DT_NEEDED strings, NULL-terminated */
    /* damage */
    int interp_unterminated;
    int dynamic_past_eof;
    int strtab_unmapped;
    int needed_offset_bad;
    int no_strtab;
    size_t truncate_to; /* 0: the whole image */
};

/* The image in a malloc'ed buffer; returns its size. */
size_t craft_build(const struct craft *c, unsigned char **out);
/* Write the image to dir/name (mode 0755); returns the malloc'ed path. */
char *craft_write(const char *dir, const char *name, const struct craft *c);

#endif
