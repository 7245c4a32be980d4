/* SPDX-License-Identifier: BSD-3-Clause */
/* elfsym.c - ELF function symbols and their file offsets, with libelf (see elfsym.h). */
#include "elfsym.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "grow.h"

struct elf_file {
    int fd;
    int own_fd; /* opened here, closed here */
    const char *label;
    Elf *elf;
    GElf_Phdr *loads; /* PT_LOAD program headers, sorted by p_vaddr */
    size_t nloads;
    Elf_Data *versym; /* .gnu.version, parallel to .dynsym; NULL when there is none */
};

static const struct rt_elf_limits default_limits = {
    .max_bytes = RT_ELF_MAX_BYTES,
    .max_phdrs = RT_ELF_MAX_PHDRS,
    .max_sections = RT_ELF_MAX_SECTIONS,
    .max_symbols = RT_ELF_MAX_SYMBOLS,
};
static struct rt_elf_limits limits = {
    .max_bytes = RT_ELF_MAX_BYTES,
    .max_phdrs = RT_ELF_MAX_PHDRS,
    .max_sections = RT_ELF_MAX_SECTIONS,
    .max_symbols = RT_ELF_MAX_SYMBOLS,
};
static long long deadline_ms;   /* 0: none */
static unsigned deadline_limit; /* seconds, for the message */

void rt_elf_set_limits(const struct rt_elf_limits *l)
{
    limits = l ? *l : default_limits;
}

void rt_elf_set_deadline(long long at_ms, unsigned seconds)
{
    deadline_ms = at_ms;
    deadline_limit = seconds;
}

static int past_deadline(const char *label, char *err, size_t errlen)
{
    if (!deadline_ms || dc_now_ms() < deadline_ms)
        return 0;
    snprintf(err, errlen,
             "%s: not read: reading the probe file's binaries took longer than the limit of %u s",
             label, deadline_limit);
    return 1;
}

static uint64_t get_uint(const unsigned char *p, size_t n, int big)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
    return v;
}

/*
 * The header counts, read straight from the file before libelf sees it: libelf allocates per
 * section and program header up front, so a file that claims millions must be refused first.
 * Extended numbering (e_phnum == PN_XNUM, e_shnum == 0) takes the counts from section 0.
 */
static int precheck(int fd, const char *label, char *err, size_t errlen)
{
    unsigned char eh[64], sh0[64];
    uint64_t phnum, shnum, shoff;
    struct stat st;
    int big, is64;

    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", label, strerror(errno));
        return -1;
    }
    if (limits.max_bytes && (uint64_t)st.st_size > limits.max_bytes) {
        snprintf(err, errlen, "%s: %llu bytes, more than the limit of %llu for a binary to probe",
                 label, (unsigned long long)st.st_size, (unsigned long long)limits.max_bytes);
        return -1;
    }
    if (pread(fd, eh, sizeof(eh), 0) < 52 || memcmp(eh, ELFMAG, SELFMAG) != 0 ||
        (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
        (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)) {
        snprintf(err, errlen, "%s: not an ELF file", label);
        return -1;
    }
    is64 = eh[EI_CLASS] == ELFCLASS64;
    big = eh[EI_DATA] == ELFDATA2MSB;
    phnum = get_uint(eh + (is64 ? 56 : 44), 2, big);
    shnum = get_uint(eh + (is64 ? 60 : 48), 2, big);
    shoff = is64 ? get_uint(eh + 40, 8, big) : get_uint(eh + 32, 4, big);
    if ((phnum == PN_XNUM || shnum == 0) && shoff &&
        pread(fd, sh0, is64 ? 64 : 40, (off_t)shoff) == (is64 ? 64 : 40)) {
        if (shnum == 0)
            shnum = is64 ? get_uint(sh0 + 32, 8, big) : get_uint(sh0 + 20, 4, big);
        if (phnum == PN_XNUM)
            phnum = get_uint(sh0 + (is64 ? 44 : 28), 4, big);
    }
    if (phnum > limits.max_phdrs) {
        snprintf(err, errlen, "%s: %llu program headers, more than the limit of %zu", label,
                 (unsigned long long)phnum, limits.max_phdrs);
        return -1;
    }
    if (shnum > limits.max_sections) {
        snprintf(err, errlen, "%s: %llu section headers, more than the limit of %zu", label,
                 (unsigned long long)shnum, limits.max_sections);
        return -1;
    }
    return 0;
}

static int cmp_vaddr(const void *a, const void *b)
{
    const GElf_Phdr *x = a, *y = b;

    return x->p_vaddr < y->p_vaddr ? -1 : x->p_vaddr > y->p_vaddr;
}

/* The symbol tables' total entries (refused above the limit) and the version table. */
static int scan_sections(struct elf_file *ef, char *err, size_t errlen)
{
    Elf_Scn *scn = NULL;
    uint64_t nsyms = 0;

    while ((scn = elf_nextscn(ef->elf, scn))) {
        GElf_Shdr sh;

        if (!gelf_getshdr(scn, &sh))
            continue;
        if ((sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) && sh.sh_entsize)
            nsyms += sh.sh_size / sh.sh_entsize;
        else if (sh.sh_type == SHT_GNU_versym && !ef->versym)
            ef->versym = elf_getdata(scn, NULL);
    }
    if (nsyms > limits.max_symbols) {
        snprintf(err, errlen, "%s: %llu symbols, more than the limit of %zu", ef->label,
                 (unsigned long long)nsyms, limits.max_symbols);
        return -1;
    }
    return 0;
}

static void elf_file_close(struct elf_file *ef)
{
    free(ef->loads);
    if (ef->elf)
        elf_end(ef->elf);
    if (ef->own_fd && ef->fd >= 0)
        close(ef->fd);
}

/* Read the ELF file open at fd (label names it in errors). */
static int elf_file_init(struct elf_file *ef, int fd, int own_fd, const char *label, char *err,
                         size_t errlen)
{
    GElf_Ehdr eh;
    size_t nph;

    memset(ef, 0, sizeof(*ef));
    ef->fd = fd;
    ef->own_fd = own_fd;
    ef->label = label;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf is too old");
        goto fail;
    }
    if (past_deadline(label, err, errlen) || precheck(fd, label, err, errlen) < 0)
        goto fail;
    ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
    if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF || !gelf_getehdr(ef->elf, &eh)) {
        snprintf(err, errlen, "%s: not an ELF file", label);
        goto fail;
    }
    if (elf_getphdrnum(ef->elf, &nph) == 0 && nph > 0) {
        ef->loads = calloc(nph, sizeof(*ef->loads));
        if (!ef->loads) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;

            if (gelf_getphdr(ef->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
                ef->loads[ef->nloads++] = ph;
        }
        qsort(ef->loads, ef->nloads, sizeof(*ef->loads), cmp_vaddr);
    }
    if (scan_sections(ef, err, errlen) < 0)
        goto fail;
    return 0;
fail:
    elf_file_close(ef);
    return -1;
}

static int elf_file_open(struct elf_file *ef, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        memset(ef, 0, sizeof(*ef));
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return elf_file_init(ef, fd, 1, path, err, errlen);
}

/* File offset of a symbol value: through the PT_LOAD segment holding it, else its section. */
static int sym_offset(const struct elf_file *ef, const GElf_Sym *sym, uint64_t *off)
{
    size_t lo = 0, hi = ef->nloads;
    Elf_Scn *scn;
    GElf_Shdr sh;

    /* The last segment starting at or below the value (segments are sorted by address). */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ef->loads[mid].p_vaddr <= sym->st_value)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        const GElf_Phdr *ph = &ef->loads[lo - 1];

        if (sym->st_value - ph->p_vaddr < ph->p_filesz) {
            *off = sym->st_value - ph->p_vaddr + ph->p_offset;
            return 0;
        }
    }
    if (sym->st_shndx >= SHN_LORESERVE || !(scn = elf_getscn(ef->elf, sym->st_shndx)) ||
        !gelf_getshdr(scn, &sh) || sym->st_value < sh.sh_addr)
        return -1;
    *off = sh.sh_offset + (sym->st_value - sh.sh_addr);
    return 0;
}

/* Call visit for every defined function symbol; score ranks duplicates of one name. */
typedef void (*visit_fn)(const char *name, uint64_t off, int score, void *arg);

static int each_symbol(const struct elf_file *ef, visit_fn visit, void *arg, char *err,
                       size_t errlen)
{
    Elf_Scn *scn = NULL;

    while ((scn = elf_nextscn(ef->elf, scn))) {
        Elf_Data *data, *vdata = NULL;
        GElf_Shdr sh;
        size_t count;

        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
            sh.sh_entsize == 0)
            continue;
        data = elf_getdata(scn, NULL);
        if (!data)
            continue;
        count = sh.sh_size / sh.sh_entsize;
        /* The versym table runs parallel to .dynsym: bit 15 marks a hidden version. */
        if (sh.sh_type == SHT_DYNSYM)
            vdata = ef->versym;
        for (size_t i = 1; i < count; i++) {
            GElf_Sym sym;
            const char *name;
            uint64_t off;
            int type, bind, score;

            if ((i & 4095) == 0 && past_deadline(ef->label, err, errlen))
                return -1;

            if (!gelf_getsym(data, (int)i, &sym))
                continue;
            type = GELF_ST_TYPE(sym.st_info);
            bind = GELF_ST_BIND(sym.st_info);
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
                sym.st_value == 0)
                continue;
            name = elf_strptr(ef->elf, sh.sh_link, sym.st_name);
            if (!name || !*name || sym_offset(ef, &sym, &off) < 0)
                continue;
            score = bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
            if (sh.sh_type == SHT_DYNSYM) {
                GElf_Versym vs;

                score += 8;
                if (vdata && gelf_getversym(vdata, (int)i, &vs) && (vs & 0x8000))
                    score -= 4;
            }
            visit(name, off, score, arg);
        }
    }
    return 0;
}

struct resolve_ctx {
    struct rt_elf_query *q;
    size_t *order; /* indices of q sorted by name */
    size_t n;
    int *score;
};

static struct rt_elf_query *sort_q; /* qsort has no context argument in C11 */

static int cmp_order(const void *a, const void *b)
{
    return strcmp(sort_q[*(const size_t *)a].name, sort_q[*(const size_t *)b].name);
}

/* Index range [lo, hi) of the queries named name (a name may be asked for twice). */
static void find_range(const struct resolve_ctx *c, const char *name, size_t nlen, size_t *lo,
                       size_t *hi)
{
    size_t l = 0, h = c->n;

    while (l < h) {
        size_t m = (l + h) / 2;
        const char *qn = c->q[c->order[m]].name;
        int r = strncmp(qn, name, nlen);

        if (r == 0 && qn[nlen])
            r = 1;
        if (r < 0)
            l = m + 1;
        else
            h = m;
    }
    *lo = l;
    while (l < c->n && strncmp(c->q[c->order[l]].name, name, nlen) == 0 &&
           c->q[c->order[l]].name[nlen] == '\0')
        l++;
    *hi = l;
}

static void resolve_visit(const char *name, uint64_t off, int score, void *arg)
{
    struct resolve_ctx *c = arg;
    size_t lo, hi, len = strlen(name);
    const char *at;

    find_range(c, name, len, &lo, &hi);
    /* .symtab may spell versioned symbols "name@VER": they answer for "name" too, ranked
     * below the unversioned spelling. */
    if (lo == hi && (at = strchr(name, '@')) != NULL) {
        find_range(c, name, (size_t)(at - name), &lo, &hi);
        score -= 1;
    }
    for (size_t i = lo; i < hi; i++) {
        size_t k = c->order[i];

        if (!c->q[k].found || score > c->score[k]) {
            c->q[k].found = 1;
            c->q[k].offset = off;
            c->score[k] = score;
        }
    }
}

/* The indices of q, sorted by cmp (which reads sort_q); NULL when out of memory. */
static size_t *sorted_order(struct rt_elf_query *q, size_t n,
                            int (*cmp)(const void *, const void *))
{
    size_t *order = calloc(n ? n : 1, sizeof(*order));

    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_q = q;
    qsort(order, n, sizeof(*order), cmp);
    sort_q = NULL;
    return order;
}

static int resolve(struct elf_file *ef, struct rt_elf_query *q, size_t n, char *err, size_t errlen)
{
    struct resolve_ctx c = {.q = q, .n = n};
    int rc = -1;

    c.order = sorted_order(q, n, cmp_order);
    c.score = calloc(n ? n : 1, sizeof(*c.score));
    if (!c.order || !c.score) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    rc = each_symbol(ef, resolve_visit, &c, err, errlen);
cleanup:
    free(c.order);
    free(c.score);
    elf_file_close(ef);
    return rc;
}

int rt_elf_resolve(const char *path, struct rt_elf_query *q, size_t n, char *err, size_t errlen)
{
    struct elf_file ef;

    for (size_t i = 0; i < n; i++)
        q[i].found = 0;
    if (elf_file_open(&ef, path, err, errlen) < 0)
        return -1;
    return resolve(&ef, q, n, err, errlen);
}

int rt_elf_resolve_fd(int fd, const char *label, struct rt_elf_query *q, size_t n, char *err,
                      size_t errlen)
{
    struct elf_file ef;

    for (size_t i = 0; i < n; i++)
        q[i].found = 0;
    if (elf_file_init(&ef, fd, 0, label, err, errlen) < 0)
        return -1;
    return resolve(&ef, q, n, err, errlen);
}

struct verify_ctx {
    struct rt_elf_query *q;
    size_t *order; /* indices of q sorted by offset */
    size_t n;
};

static int cmp_offset(const void *a, const void *b)
{
    uint64_t x = sort_q[*(const size_t *)a].offset, y = sort_q[*(const size_t *)b].offset;

    return x < y ? -1 : x > y;
}

/*
 * The same function name, versions aside: .symtab may spell a symbol "name@VERSION" and a
 * probe file may name a compat version ("realpath@GLIBC_2.2.5") that a stripped library's
 * .dynsym calls plain "name" (the version lives in .gnu.version). The offset decides which.
 */
static int same_function(const char *sym, const char *name)
{
    size_t a = strcspn(sym, "@"), b = strcspn(name, "@");

    return a == b && strncmp(sym, name, a) == 0;
}

static void verify_visit(const char *name, uint64_t off, int score, void *arg)
{
    struct verify_ctx *c = arg;
    size_t l = 0, h = c->n;

    (void)score;
    while (l < h) {
        size_t m = (l + h) / 2;

        if (c->q[c->order[m]].offset < off)
            l = m + 1;
        else
            h = m;
    }
    for (; l < c->n && c->q[c->order[l]].offset == off; l++)
        if (same_function(name, c->q[c->order[l]].name))
            c->q[c->order[l]].found = 1;
}

int rt_elf_verify_fd(int fd, const char *label, struct rt_elf_query *q, size_t n, char *err,
                     size_t errlen)
{
    struct verify_ctx c = {.q = q, .n = n};
    struct elf_file ef;
    int rc = -1;

    for (size_t i = 0; i < n; i++)
        q[i].found = 0;
    if (elf_file_init(&ef, fd, 0, label, err, errlen) < 0)
        return -1;
    c.order = sorted_order(q, n, cmp_offset);
    if (!c.order) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    rc = each_symbol(&ef, verify_visit, &c, err, errlen);
cleanup:
    free(c.order);
    elf_file_close(&ef);
    return rc;
}

struct each_ctx {
    void (*fn)(const char *name, uint64_t off, void *arg);
    void *arg;
    uint64_t *seen; /* offsets already reported, kept sorted by insertion below */
    size_t nseen, capseen;
    long count;
    int oom;
};

static int seen_insert(struct each_ctx *c, uint64_t off)
{
    size_t l = 0, h = c->nseen;

    while (l < h) {
        size_t m = (l + h) / 2;

        if (c->seen[m] < off)
            l = m + 1;
        else
            h = m;
    }
    if (l < c->nseen && c->seen[l] == off)
        return 0;
    if (dc_grow(&c->seen, &c->capseen, c->nseen, sizeof(*c->seen), 1024) < 0) {
        c->oom = 1;
        return 0;
    }
    memmove(c->seen + l + 1, c->seen + l, (c->nseen - l) * sizeof(*c->seen));
    c->seen[l] = off;
    c->nseen++;
    return 1;
}

static void each_visit(const char *name, uint64_t off, int score, void *arg)
{
    struct each_ctx *c = arg;

    (void)score;
    if (strchr(name, '@') || !seen_insert(c, off))
        return;
    c->fn(name, off, c->arg);
    c->count++;
}

long rt_elf_each_function(const char *path, void (*fn)(const char *name, uint64_t off, void *arg),
                          void *arg, char *err, size_t errlen)
{
    struct each_ctx c = {.fn = fn, .arg = arg};
    struct elf_file ef;
    int rc;

    if (elf_file_open(&ef, path, err, errlen) < 0)
        return -1;
    rc = each_symbol(&ef, each_visit, &c, err, errlen);
    elf_file_close(&ef);
    free(c.seen);
    if (rc < 0)
        return -1;
    if (c.oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return c.count;
}
