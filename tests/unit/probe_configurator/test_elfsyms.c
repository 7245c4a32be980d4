/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_elfsyms.c - the ELF symbol reader on fixtures built by the test build (known functions,
 * an alias, local duplicates, two versions of a symbol, stripped, 32-bit, no symbols at all),
 * hand-made files (32- and 64-bit, both byte orders) and broken ones: truncated, wrong class
 * or byte order, sections and symbols pointing outside the file. Broken means an error or
 * skipped symbols, never a crash (this test also runs under ASan).
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elfcraft.h"
#include "elfsyms.h"

struct read_result {
    struct dc_arena arena;
    struct dc_elfsyms syms;
    char err[512];
    int rc;
};

static void read_path(struct read_result *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->rc = dc_elfsyms_read_file(path, &r->arena, &r->syms, r->err, sizeof(r->err));
}

/* From memory, in a buffer of exactly len bytes (ASan sees any read past it). */
static void read_buf(struct read_result *r, const unsigned char *data, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);

    assert_non_null(copy);
    memcpy(copy, data, len);
    memset(r, 0, sizeof(*r));
    r->rc = dc_elfsyms_read_mem(copy, len, &r->arena, &r->syms, r->err, sizeof(r->err));
    free(copy);
}

static void done(struct read_result *r)
{
    dc_elfsyms_free(&r->syms);
    dc_arena_free(&r->arena);
}

/* The offsets of name (up to 4), how many. */
static size_t offsets(const struct dc_elfsyms *s, const char *name, uint64_t *off)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name) && n < 4)
            off[n++] = s->v[i].offset;
    return n;
}

static int has(const struct dc_elfsyms *s, const char *name)
{
    uint64_t off[4];

    return offsets(s, name, off) > 0;
}

static uint64_t offset_of(const struct dc_elfsyms *s, const char *name)
{
    uint64_t off[4];

    assert_int_equal(offsets(s, name, off), 1);
    return off[0];
}

static void check_sorted_unique(const struct dc_elfsyms *s)
{
    for (size_t i = 1; i < s->n; i++) {
        int c = strcmp(s->v[i - 1].name, s->v[i].name);

        assert_true(c < 0 || (c == 0 && s->v[i - 1].offset < s->v[i].offset));
    }
}

/* What both the 64- and the 32-bit builds of the fixture must show. */
static void check_fixture(const struct dc_elfsyms *s, size_t fsize)
{
    uint64_t dup[4];

    assert_true(has(s, "fx_open"));
    assert_true(has(s, "fx_read"));
    assert_true(has(s, "fx_use_a"));
    assert_true(has(s, "fx_use_b"));
    /* an alias: two names, one offset */
    assert_int_equal(offset_of(s, "fx_write"), offset_of(s, "fx_write_alias"));
    /* a local function: .symtab only */
    assert_true(has(s, "fx_local"));
    /* the same local name in two files: both, at different offsets */
    assert_int_equal(offsets(s, "dup_helper", dup), 2);
    assert_true(dup[0] != dup[1]);
    /* versions: the default keeps the bare name, the old one is named with its version */
    assert_true(has(s, "fx_ver"));
    assert_true(has(s, "fx_ver@VERS_1"));
    assert_false(has(s, "fx_ver@@VERS_2"));
    assert_int_equal(offset_of(s, "fx_ver"), offset_of(s, "fx_ver_new"));
    assert_int_equal(offset_of(s, "fx_ver@VERS_1"), offset_of(s, "fx_ver_old"));
    assert_true(offset_of(s, "fx_ver") != offset_of(s, "fx_ver@VERS_1"));
    /* data and the loader's own entries are not functions to probe */
    assert_false(has(s, "fx_sink"));
    assert_false(has(s, "_init"));
    assert_false(has(s, "_fini"));
    for (size_t i = 0; i < s->n; i++)
        assert_true(s->v[i].offset < fsize);
    check_sorted_unique(s);
}

static void test_fixture_64(void **state)
{
    struct read_result r;
    unsigned char *buf;
    size_t len;

    (void)state;
    assert_int_equal(slurp(FX_LIB, &buf, &len), 0);
    read_path(&r, FX_LIB);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.syms.info.elf_class, 64);
    assert_true(r.syms.info.have_symtab);
    assert_true(r.syms.info.have_dynsym);
    assert_true(r.syms.info.have_versions);
    check_fixture(&r.syms, len);
    /* the offset is where the function's code is in the file */
    for (size_t i = 0; i < r.syms.n; i++)
        assert_true(r.syms.v[i].offset > 0x40);
    /* exported functions are marked so, local ones not */
    for (size_t i = 0; i < r.syms.n; i++) {
        if (!strcmp(r.syms.v[i].name, "fx_open"))
            assert_true(r.syms.v[i].dynamic);
        if (!strcmp(r.syms.v[i].name, "fx_local"))
            assert_false(r.syms.v[i].dynamic);
    }
    done(&r);
    /* the same from memory */
    read_buf(&r, buf, len);
    assert_int_equal(r.rc, 0);
    check_fixture(&r.syms, len);
    done(&r);
    free(buf);
}

static void test_stripped(void **state)
{
    struct read_result r;

    (void)state;
    read_path(&r, FX_STRIPPED);
    assert_int_equal(r.rc, 0);
    assert_false(r.syms.info.have_symtab);
    assert_true(r.syms.info.have_dynsym);
    assert_true(has(&r.syms, "fx_open"));
    assert_true(has(&r.syms, "fx_write_alias"));
    assert_true(has(&r.syms, "fx_ver"));
    assert_true(has(&r.syms, "fx_ver@VERS_1"));
    assert_false(has(&r.syms, "fx_local"));
    assert_false(has(&r.syms, "dup_helper"));
    assert_false(has(&r.syms, "fx_ver_old"));
    check_sorted_unique(&r.syms);
    done(&r);
}

static void test_fixture_32(void **state)
{
#ifdef FX_LIB32
    struct read_result r;
    unsigned char *buf;
    size_t len;

    (void)state;
    assert_int_equal(slurp(FX_LIB32, &buf, &len), 0);
    read_path(&r, FX_LIB32);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.syms.info.elf_class, 32);
    assert_int_equal(r.syms.info.machine, EM_386);
    check_fixture(&r.syms, len);
    done(&r);
    free(buf);
#else
    (void)state;
    skip(); /* the compiler cannot build -m32: the hand-made 32-bit files below stand in */
#endif
}

static void test_no_symbols(void **state)
{
#ifdef FX_NOSYMS
    struct read_result r;

    (void)state;
    read_path(&r, FX_NOSYMS);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.syms.n, 0);
    assert_false(r.syms.info.have_symtab);
    assert_false(r.syms.info.have_dynsym);
    done(&r);
#else
    (void)state;
    skip();
#endif
}

static const struct craft_sym crafted[] = {
    {"alpha", 0x1010, STT_FUNC, 1},
    {"beta", 0x1020, STT_FUNC, 1},
    {"gamma_data", 0x1030, STT_OBJECT, 1},
    {"undefined_fn", 0, STT_FUNC, 0},
    {"outside", 0x5000, STT_FUNC, 1},   /* past the end of .text */
    {"below", 0x0800, STT_FUNC, 1},     /* before .text */
    {"has:colon", 0x1040, STT_FUNC, 1}, /* unusable as a probe name */
    {"ctl\x01name", 0x1044, STT_FUNC, 1},
    {"bad_section", 0x1048, STT_FUNC, 9}, /* no such section */
    {"_init", 0x1050, STT_FUNC, 1},
};

static void check_crafted(int cls, int msb)
{
    struct read_result r;
    unsigned char *buf;
    size_t len = craft_elf(cls, msb, crafted, sizeof(crafted) / sizeof(crafted[0]), &buf, NULL);

    assert_true(len > 0);
    read_buf(&r, buf, len);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.syms.info.elf_class, (unsigned)cls);
    assert_int_equal(r.syms.n, 2);
    assert_string_equal(r.syms.v[0].name, "alpha");
    assert_int_equal(r.syms.v[0].offset, CRAFT_TEXT_OFF + 0x10);
    assert_string_equal(r.syms.v[1].name, "beta");
    assert_int_equal(r.syms.v[1].offset, CRAFT_TEXT_OFF + 0x20);
    assert_int_equal(r.syms.info.skipped_offset, 3); /* outside, below, bad_section */
    assert_int_equal(r.syms.info.skipped_name, 2);   /* has:colon, ctl\x01name */
    done(&r);
    free(buf);
}

static void test_crafted_32_msb(void **state)
{
    (void)state;
    check_crafted(32, 1);
}

static void test_crafted_32_lsb(void **state)
{
    (void)state;
    check_crafted(32, 0);
}

static void test_crafted_64_msb(void **state)
{
    (void)state;
    check_crafted(64, 1);
}

static void test_crafted_64_lsb(void **state)
{
    (void)state;
    check_crafted(64, 0);
}

#define expect_error(buf, len, needle) expect_error_at(buf, len, needle, __LINE__)

static void expect_error_at(const unsigned char *buf, size_t len, const char *needle, int line)
{
    struct read_result r;

    read_buf(&r, buf, len);
    if (r.rc == 0 || !strstr(r.err, needle))
        fail_msg("line %d: expected an error with '%s', got rc %d: '%s' (%zu symbols)", line,
                 needle, r.rc, r.err, r.syms.n);
    done(&r);
}

static void test_wrong_class_and_order(void **state)
{
    unsigned char *buf;
    size_t len;

    (void)state;
    assert_int_equal(slurp(FX_LIB, &buf, &len), 0);
    buf[EI_CLASS] = 3;
    expect_error(buf, len, "class");
    buf[EI_CLASS] = ELFCLASSNONE;
    expect_error(buf, len, "class");
    buf[EI_CLASS] = ELFCLASS64;
    buf[EI_DATA] = 7;
    expect_error(buf, len, "byte order");
    free(buf);
}

static void test_not_elf(void **state)
{
    static const unsigned char text[] = "#!/bin/sh\necho hello\n";
    static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4};
    static const unsigned char ar[] = "!<arch>\nfoo.o/          0           0     0     644     "
                                      "4         `\nabcd";
    struct read_result r;

    (void)state;
    expect_error(text, sizeof(text) - 1, "not an ELF file");
    expect_error(xz, sizeof(xz), "compressed with xz");
    expect_error(ar, sizeof(ar) - 1, "ELF");
    expect_error(text, 0, "not an ELF file");
    read_path(&r, "/nonexistent/libnothing.so");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "No such file"));
    done(&r);
    read_path(&r, "/");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "not a regular file"));
    done(&r);
}

/* Every prefix of a real library: an error or fewer symbols, never a crash. */
static void test_truncated(void **state)
{
    unsigned char *buf;
    size_t len, errors = 0;

    (void)state;
    assert_int_equal(slurp(FX_LIB, &buf, &len), 0);
    for (size_t cut = 0; cut < len; cut += cut < 128 ? 1 : 61) {
        struct read_result r;

        read_buf(&r, buf, cut);
        if (r.rc < 0) {
            errors++;
            assert_true(r.err[0] != '\0');
        }
        done(&r);
    }
    /* the section headers are at the end: most prefixes cannot be read at all */
    assert_true(errors > 0);
    free(buf);
}

static void test_bogus_sections(void **state)
{
    static const struct craft_sym syms[] = {{"alpha", 0x1010, STT_FUNC, 1}};
    struct craft_layout lay;
    unsigned char *buf, *copy;
    size_t len;

    (void)state;
    for (int cls = 32; cls <= 64; cls += 32) {
        int w = cls == 64;
        size_t sh_off = w ? 24 : 16, sh_size = w ? 32 : 20, sh_link = w ? 40 : 24;
        size_t sh_entsize = w ? 56 : 36, addr = w ? 8 : 4;

        len = craft_elf(cls, 0, syms, 1, &buf, &lay);
        copy = malloc(len);
        assert_non_null(copy);
        /* .symtab's contents past the end of the file */
        memcpy(copy, buf, len);
        craft_put(copy + lay.shoff + 2 * lay.shentsize + sh_off, addr, len + 4096, 0);
        expect_error(copy, len, "");
        /* .symtab larger than the file */
        memcpy(copy, buf, len);
        craft_put(copy + lay.shoff + 2 * lay.shentsize + sh_size, addr,
                  w ? (uint64_t)1 << 40 : 0xfffff000u, 0);
        expect_error(copy, len, "");
        /* a wrong entry size */
        memcpy(copy, buf, len);
        craft_put(copy + lay.shoff + 2 * lay.shentsize + sh_entsize, addr, 7, 0);
        expect_error(copy, len, "entry size");
        /* linked to a section that is not a string table */
        memcpy(copy, buf, len);
        craft_put(copy + lay.shoff + 2 * lay.shentsize + sh_link, 4, 1, 0);
        expect_error(copy, len, "string table");
        memcpy(copy, buf, len);
        craft_put(copy + lay.shoff + 2 * lay.shentsize + sh_link, 4, 77, 0);
        expect_error(copy, len, "string table");
        /* .text's offset past the end: its functions cannot be located */
        {
            struct read_result r;

            memcpy(copy, buf, len);
            craft_put(copy + lay.shoff + 1 * lay.shentsize + sh_off, addr, len * 8, 0);
            read_buf(&r, copy, len);
            assert_int_equal(r.rc, 0);
            assert_int_equal(r.syms.n, 0);
            assert_int_equal(r.syms.info.skipped_offset, 1);
            done(&r);
        }
        /* a name offset past the string table */
        {
            struct read_result r;

            memcpy(copy, buf, len);
            craft_put(copy + lay.symtab_off + (w ? 24 : 16), 4, 0x7fffffff, 0);
            read_buf(&r, copy, len);
            assert_int_equal(r.rc, 0);
            assert_int_equal(r.syms.n, 0);
            assert_int_equal(r.syms.info.skipped_name, 1);
            done(&r);
        }
        /* the section header table past the end of the file */
        memcpy(copy, buf, len);
        craft_put(copy + (w ? 40 : 32), addr, len * 16, 0);
        expect_error(copy, len, "");
        /* a huge section count */
        memcpy(copy, buf, len);
        craft_put(copy + (w ? 60 : 48), 2, 0xfeff, 0);
        expect_error(copy, len, "");
        free(copy);
        free(buf);
    }
}

/* Random damage to the headers of the real library, reproducibly: never a crash. */
static void test_random_damage(void **state)
{
    unsigned char *buf, *copy;
    size_t len;
    unsigned seed = 12345;

    (void)state;
    assert_int_equal(slurp(FX_STRIPPED, &buf, &len), 0);
    copy = malloc(len);
    assert_non_null(copy);
    for (int round = 0; round < 300; round++) {
        struct read_result r;

        memcpy(copy, buf, len);
        for (int k = 0; k < 4; k++) {
            size_t pos;

            seed = seed * 1103515245u + 12345u;
            /* the ELF header, or anywhere in the last 2 KiB (section headers, tables) */
            pos = (seed >> 8) % 2 ? (seed >> 9) % 64 : len - 1 - (seed >> 9) % 2048;
            copy[pos] ^= (unsigned char)(1u << ((seed >> 4) % 8));
        }
        r.rc = 0;
        memset(&r, 0, sizeof(r));
        r.rc = dc_elfsyms_read_mem(copy, len, &r.arena, &r.syms, r.err, sizeof(r.err));
        for (size_t i = 0; r.rc == 0 && i < r.syms.n; i++)
            assert_true(r.syms.v[i].offset < len);
        done(&r);
    }
    free(copy);
    free(buf);
}

static void test_compression_names(void **state)
{
    static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd};
    static const unsigned char gz[] = {0x1f, 0x8b};

    (void)state;
    assert_string_equal(dc_elf_compression(zstd, 4), "zstd");
    assert_string_equal(dc_elf_compression(gz, 2), "gzip");
    assert_null(dc_elf_compression((const unsigned char *)"\177ELF", 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_64),
        cmocka_unit_test(test_stripped),
        cmocka_unit_test(test_fixture_32),
        cmocka_unit_test(test_no_symbols),
        cmocka_unit_test(test_crafted_32_msb),
        cmocka_unit_test(test_crafted_32_lsb),
        cmocka_unit_test(test_crafted_64_msb),
        cmocka_unit_test(test_crafted_64_lsb),
        cmocka_unit_test(test_wrong_class_and_order),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bogus_sections),
        cmocka_unit_test(test_random_damage),
        cmocka_unit_test(test_compression_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
