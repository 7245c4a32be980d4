/* SPDX-License-Identifier: BSD-3-Clause */
/* craft.c - hand-made ELF images (see craft.h). Host byte order, so little-endian here. */
#include "craft.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PH_OFF = 64, INTERP_OFF = 256, STRTAB_OFF = 512, DYN_OFF = 1024 };

static const char interp_path[] = "/lib64/ld-linux-x86-64.so.2";

struct phdr {
    uint32_t type;
    uint64_t off, vaddr, filesz;
};

static void put_phdr(unsigned char *img, int is64, int i, const struct phdr *p)
{
    if (is64) {
        Elf64_Phdr ph = {.p_type = p->type,
                         .p_offset = p->off,
                         .p_vaddr = p->vaddr,
                         .p_paddr = p->vaddr,
                         .p_filesz = p->filesz,
                         .p_memsz = p->filesz,
                         .p_flags = PF_R,
                         .p_align = 8};

        memcpy(img + PH_OFF + i * sizeof(ph), &ph, sizeof(ph));
    } else {
        Elf32_Phdr ph = {.p_type = p->type,
                         .p_offset = (Elf32_Off)p->off,
                         .p_vaddr = (Elf32_Addr)p->vaddr,
                         .p_paddr = (Elf32_Addr)p->vaddr,
                         .p_filesz = (Elf32_Word)p->filesz,
                         .p_memsz = (Elf32_Word)p->filesz,
                         .p_flags = PF_R,
                         .p_align = 4};

        memcpy(img + PH_OFF + i * sizeof(ph), &ph, sizeof(ph));
    }
}

static size_t put_dyn(unsigned char *img, int is64, size_t i, int64_t tag, uint64_t val)
{
    if (is64) {
        Elf64_Dyn d = {.d_tag = tag, .d_un.d_val = val};

        memcpy(img + DYN_OFF + i * sizeof(d), &d, sizeof(d));
    } else {
        Elf32_Dyn d = {.d_tag = (Elf32_Sword)tag, .d_un.d_val = (Elf32_Word)val};

        memcpy(img + DYN_OFF + i * sizeof(d), &d, sizeof(d));
    }
    return i + 1;
}

size_t craft_build(const struct craft *c, unsigned char **out)
{
    int is64 = c->elf_class != ELFCLASS32;
    size_t entsize = is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn), nd = 0, size;
    uint64_t base = c->type == ET_EXEC ? 0x400000 : 0, strsz = 1, offs[8];
    unsigned char *img = calloc(1, 8192);
    struct phdr ph[3];
    int nph = 0;

    /* Strings first, so the dynamic entries can point at them. */
    for (int i = 0; c->needed[i]; i++) {
        offs[i] = strsz;
        memcpy(img + STRTAB_OFF + strsz, c->needed[i], strlen(c->needed[i]) + 1);
        strsz += strlen(c->needed[i]) + 1;
    }
    for (int i = 0; c->needed[i]; i++)
        nd = put_dyn(img, is64, nd, DT_NEEDED, c->needed_offset_bad ? strsz + 10 : offs[i]);
    if (!c->no_strtab) {
        nd = put_dyn(img, is64, nd, DT_STRTAB, base + STRTAB_OFF);
        nd = put_dyn(img, is64, nd, DT_STRSZ, strsz);
    }
    if (c->flags_1)
        nd = put_dyn(img, is64, nd, DT_FLAGS_1, c->flags_1);
    nd = put_dyn(img, is64, nd, DT_NULL, 0);
    size = DYN_OFF + nd * entsize;
    memcpy(img + INTERP_OFF, interp_path, sizeof(interp_path));

    ph[nph++] = (struct phdr){PT_LOAD, 0, base, c->strtab_unmapped ? STRTAB_OFF - 8 : size};
    if (c->interp)
        ph[nph++] = (struct phdr){PT_INTERP, INTERP_OFF, base + INTERP_OFF,
                                  sizeof(interp_path) - (c->interp_unterminated ? 1 : 0)};
    if (c->dynamic)
        ph[nph++] = (struct phdr){PT_DYNAMIC, c->dynamic_past_eof ? size + 4096 : DYN_OFF,
                                  base + DYN_OFF, nd * entsize};
    for (int i = 0; i < nph; i++)
        put_phdr(img, is64, i, &ph[i]);

    if (is64) {
        Elf64_Ehdr eh = {.e_type = (Elf64_Half)c->type,
                         .e_machine = (Elf64_Half)c->machine,
                         .e_version = EV_CURRENT,
                         .e_entry = base + 0x100,
                         .e_phoff = PH_OFF,
                         .e_ehsize = sizeof(Elf64_Ehdr),
                         .e_phentsize = sizeof(Elf64_Phdr),
                         .e_phnum = (Elf64_Half)nph};

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(img, &eh, sizeof(eh));
    } else {
        Elf32_Ehdr eh = {.e_type = (Elf32_Half)c->type,
                         .e_machine = (Elf32_Half)c->machine,
                         .e_version = EV_CURRENT,
                         .e_entry = (Elf32_Addr)base + 0x100,
                         .e_phoff = PH_OFF,
                         .e_ehsize = sizeof(Elf32_Ehdr),
                         .e_phentsize = sizeof(Elf32_Phdr),
                         .e_phnum = (Elf32_Half)nph};

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(img, &eh, sizeof(eh));
    }
    *out = img;
    return c->truncate_to && c->truncate_to < size ? c->truncate_to : size;
}

char *craft_write(const char *dir, const char *name, const struct craft *c)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    unsigned char *img;
    size_t n = craft_build(c, &img);
    int fd;

    sprintf(path, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, img, n) != (ssize_t)n) {
        free(path);
        path = NULL;
    }
    if (fd >= 0)
        close(fd);
    free(img);
    return path;
}
