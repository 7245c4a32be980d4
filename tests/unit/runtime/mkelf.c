/* SPDX-License-Identifier: BSD-3-Clause */
/* mkelf.c - crafted ELF files (see mkelf.h). */
#include "mkelf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
enum { N_TEXT = 1, N_SYMTAB = 7, N_STRTAB = 15, N_SHSTRTAB = 23 };

#define TEXT_ADDR 0x1000u

int mkelf_write(const char *path, size_t nloads, size_t nsyms)
{
    size_t phoff = sizeof(Elf64_Ehdr), textoff = phoff + nloads * sizeof(Elf64_Phdr);
    size_t symoff = (textoff + 16 + 7) & ~(size_t)7, nsymtab = nsyms + 1;
    size_t stroff = symoff + nsymtab * sizeof(Elf64_Sym), strsize = 1, shstroff, shoff;
    Elf64_Ehdr eh = {0};
    Elf64_Shdr sh[5] = {{0}};
    char *buf = NULL, *strs;
    size_t total;
    int fd, rc = -1, e;

    for (size_t i = 0; i < nsyms; i++)
        strsize += (size_t)snprintf(NULL, 0, "f%zu", i) + 1;
    shstroff = stroff + strsize;
    shoff = (shstroff + sizeof(shstr) + 7) & ~(size_t)7;
    total = shoff + sizeof(sh);
    buf = calloc(1, total);
    if (!buf)
        return -1;
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = phoff;
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)nloads;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 5;
    eh.e_shstrndx = 4;
    memcpy(buf, &eh, sizeof(eh));
    for (size_t i = 0; i < nloads; i++) {
        /* Far above .text: no symbol is in any of them. */
        Elf64_Phdr ph = {.p_type = PT_LOAD,
                         .p_flags = PF_R,
                         .p_offset = 0,
                         .p_vaddr = 0x10000000u + i * 0x1000u,
                         .p_paddr = 0x10000000u + i * 0x1000u,
                         .p_filesz = 0x1000,
                         .p_memsz = 0x1000,
                         .p_align = 0x1000};

        memcpy(buf + phoff + i * sizeof(ph), &ph, sizeof(ph));
    }
    memset(buf + textoff, 0xc3, 16); /* ret */
    strs = buf + stroff;
    for (size_t i = 0, name = 1; i < nsyms; i++) {
        Elf64_Sym sym = {.st_name = (Elf64_Word)name,
                         .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
                         .st_shndx = 1,
                         .st_value = TEXT_ADDR + (i % 16),
                         .st_size = 1};

        memcpy(buf + symoff + (i + 1) * sizeof(sym), &sym, sizeof(sym));
        name += (size_t)sprintf(strs + name, "f%zu", i) + 1;
    }
    memcpy(buf + shstroff, shstr, sizeof(shstr));
    sh[1] = (Elf64_Shdr){.sh_name = N_TEXT,
                         .sh_type = SHT_PROGBITS,
                         .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                         .sh_addr = TEXT_ADDR,
                         .sh_offset = textoff,
                         .sh_size = 16,
                         .sh_addralign = 1};
    sh[2] = (Elf64_Shdr){.sh_name = N_SYMTAB,
                         .sh_type = SHT_SYMTAB,
                         .sh_offset = symoff,
                         .sh_size = nsymtab * sizeof(Elf64_Sym),
                         .sh_link = 3,
                         .sh_info = 1,
                         .sh_addralign = 8,
                         .sh_entsize = sizeof(Elf64_Sym)};
    sh[3] = (Elf64_Shdr){
        .sh_name = N_STRTAB, .sh_type = SHT_STRTAB, .sh_offset = stroff, .sh_size = strsize};
    sh[4] = (Elf64_Shdr){.sh_name = N_SHSTRTAB,
                         .sh_type = SHT_STRTAB,
                         .sh_offset = shstroff,
                         .sh_size = sizeof(shstr)};
    memcpy(buf + shoff, sh, sizeof(sh));
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        rc = write(fd, buf, total) == (ssize_t)total ? 0 : -1;
        e = errno;
        close(fd);
        errno = e;
    }
    free(buf);
    return rc;
}
