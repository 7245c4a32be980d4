/* SPDX-License-Identifier: BSD-3-Clause */
/* elfcraft.c - hand-made ELF files (see elfcraft.h). */
#include "elfcraft.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void craft_put(unsigned char *p, size_t size, uint64_t v, int msb)
{
    for (size_t i = 0; i < size; i++)
        p[msb ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
enum { SH_TEXT = 1, SH_SYMTAB = 7, SH_STRTAB = 15, SH_SHSTRTAB = 23 };

size_t craft_elf(int cls, int msb, const struct craft_sym *syms, size_t n, unsigned char **out,
                 struct craft_layout *lay)
{
    int w = cls == 64;
    size_t ehsize = w ? 64 : 52, shentsize = w ? 64 : 40, symsize = w ? 24 : 16;
    size_t strsize = 1, off, symoff, stroff, shstroff, shoff, total;
    unsigned char *b;

    for (size_t i = 0; i < n; i++)
        strsize += strlen(syms[i].name) + 1;
    symoff = CRAFT_TEXT_OFF + CRAFT_TEXT_SIZE;
    stroff = symoff + (n + 1) * symsize;
    shstroff = stroff + strsize;
    shoff = (shstroff + sizeof(shstr) + 7) & ~(size_t)7;
    total = shoff + 5 * shentsize;
    b = calloc(1, total);
    if (!b)
        return 0;
    /* ELF header */
    memcpy(b, ELFMAG, SELFMAG);
    b[EI_CLASS] = w ? ELFCLASS64 : ELFCLASS32;
    b[EI_DATA] = msb ? ELFDATA2MSB : ELFDATA2LSB;
    b[EI_VERSION] = EV_CURRENT;
    craft_put(b + 16, 2, ET_DYN, msb);
    craft_put(b + 18, 2, w ? EM_X86_64 : EM_PPC, msb);
    craft_put(b + 20, 4, EV_CURRENT, msb);
    off = 24;
    craft_put(b + off, w ? 8 : 4, CRAFT_TEXT_ADDR, msb); /* e_entry */
    off += w ? 8 : 4;
    craft_put(b + off, w ? 8 : 4, 0, msb); /* e_phoff */
    off += w ? 8 : 4;
    craft_put(b + off, w ? 8 : 4, shoff, msb); /* e_shoff */
    off += w ? 8 : 4;
    craft_put(b + off, 4, 0, msb); /* e_flags */
    craft_put(b + off + 4, 2, ehsize, msb);
    craft_put(b + off + 6, 2, w ? 56 : 32, msb); /* e_phentsize */
    craft_put(b + off + 8, 2, 0, msb);           /* e_phnum */
    craft_put(b + off + 10, 2, shentsize, msb);
    craft_put(b + off + 12, 2, 5, msb); /* e_shnum */
    craft_put(b + off + 14, 2, 4, msb); /* e_shstrndx */
    /* .text: return instructions, whatever the machine */
    memset(b + CRAFT_TEXT_OFF, 0xc3, CRAFT_TEXT_SIZE);
    /* .strtab and .symtab (entry 0 is the null symbol) */
    {
        size_t so = 1;

        for (size_t i = 0; i < n; i++) {
            unsigned char *s = b + symoff + (i + 1) * symsize;
            unsigned info = (STB_GLOBAL << 4) | (syms[i].type & 0xf);

            memcpy(b + stroff + so, syms[i].name, strlen(syms[i].name) + 1);
            craft_put(s, 4, so, msb);
            if (w) {
                s[4] = (unsigned char)info;
                craft_put(s + 6, 2, syms[i].shndx, msb);
                craft_put(s + 8, 8, syms[i].value, msb);
                craft_put(s + 16, 8, 16, msb);
            } else {
                craft_put(s + 4, 4, syms[i].value, msb);
                craft_put(s + 8, 4, 16, msb);
                s[12] = (unsigned char)info;
                craft_put(s + 14, 2, syms[i].shndx, msb);
            }
            so += strlen(syms[i].name) + 1;
        }
    }
    memcpy(b + shstroff, shstr, sizeof(shstr));
    /* section headers */
    {
        struct {
            unsigned name, type;
            uint64_t flags, addr, off, size;
            unsigned link, info;
            uint64_t align, entsize;
        } sh[5] = {
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {SH_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, CRAFT_TEXT_ADDR, CRAFT_TEXT_OFF,
             CRAFT_TEXT_SIZE, 0, 0, 16, 0},
            {SH_SYMTAB, SHT_SYMTAB, 0, 0, symoff, (n + 1) * symsize, 3, 1, 8, symsize},
            {SH_STRTAB, SHT_STRTAB, 0, 0, stroff, strsize, 0, 0, 1, 0},
            {SH_SHSTRTAB, SHT_STRTAB, 0, 0, shstroff, sizeof(shstr), 0, 0, 1, 0},
        };

        for (int i = 0; i < 5; i++) {
            unsigned char *h = b + shoff + (size_t)i * shentsize;

            craft_put(h, 4, sh[i].name, msb);
            craft_put(h + 4, 4, sh[i].type, msb);
            if (w) {
                craft_put(h + 8, 8, sh[i].flags, msb);
                craft_put(h + 16, 8, sh[i].addr, msb);
                craft_put(h + 24, 8, sh[i].off, msb);
                craft_put(h + 32, 8, sh[i].size, msb);
                craft_put(h + 40, 4, sh[i].link, msb);
                craft_put(h + 44, 4, sh[i].info, msb);
                craft_put(h + 48, 8, sh[i].align, msb);
                craft_put(h + 56, 8, sh[i].entsize, msb);
            } else {
                craft_put(h + 8, 4, sh[i].flags, msb);
                craft_put(h + 12, 4, sh[i].addr, msb);
                craft_put(h + 16, 4, sh[i].off, msb);
                craft_put(h + 20, 4, sh[i].size, msb);
                craft_put(h + 24, 4, sh[i].link, msb);
                craft_put(h + 28, 4, sh[i].info, msb);
                craft_put(h + 32, 4, sh[i].align, msb);
                craft_put(h + 36, 4, sh[i].entsize, msb);
            }
        }
    }
    if (lay) {
        lay->shoff = shoff;
        lay->shentsize = shentsize;
        lay->symtab_off = symoff;
        lay->strtab_off = stroff;
    }
    *out = b;
    return total;
}

int slurp(const char *path, unsigned char **buf, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char *b;
    ssize_t n;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || (b = malloc((size_t)st.st_size + 1)) == NULL) {
        close(fd);
        return -1;
    }
    n = read(fd, b, (size_t)st.st_size);
    close(fd);
    if (n != st.st_size) {
        free(b);
        return -1;
    }
    *buf = b;
    *len = (size_t)n;
    return 0;
}

int spit(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, buf, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}
