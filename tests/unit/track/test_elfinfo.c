/* SPDX-License-Identifier: BSD-3-Clause */
/* test_elfinfo.c - ELF inspection on compiler-built fixtures and hand-made (broken) images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <elf.h>
#include <fcntl.h>
#include <string.h>

#include "../common/testutil.h"
#include "craft.h"
#include "track/elfinfo.h"

#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

static char *tmpdir;

static enum elfinfo_status inspect(const char *path, struct elfinfo *e)
{
    char err[256];
    enum elfinfo_status st;
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    st = elfinfo_read_fd(fd, e, err, sizeof(err));
    if (st != ELFINFO_OK)
        assert_true(err[0] != '\0'); /* every failure says why */
    close(fd);
    return st;
}

static enum elfinfo_status inspect_craft(const struct craft *c, struct elfinfo *e)
{
    char *path = craft_write(tmpdir, "crafted", c);
    enum elfinfo_status st;

    assert_non_null(path);
    st = inspect(path, e);
    free(path);
    return st;
}

/* The machine this test runs on, from its own executable. */
static int host_machine(void)
{
    struct elfinfo self;
    int m;

    assert_int_equal(inspect("/proc/self/exe", &self), ELFINFO_OK);
    m = self.machine;
    elfinfo_free(&self);
    return m;
}

static int has_libc(const struct elfinfo *e)
{
    for (size_t i = 0; i < e->n_needed; i++)
        if (strncmp(e->needed[i], "libc.", 5) == 0)
            return 1;
    return 0;
}

static void test_fixture_pie(void **state)
{
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_PIE, &e), ELFINFO_OK);
    assert_int_equal(e.kind, ELFINFO_PIE);
    assert_int_equal(e.type, ET_DYN);
    assert_int_equal(e.elf_class, sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32);
    assert_int_equal(e.machine, host_machine());
    assert_non_null(e.interp);
    assert_true(e.has_dynamic);
    assert_true(has_libc(&e));
    assert_true(elfinfo_is_dynamic_exec(&e));
    elfinfo_free(&e);
    elfinfo_free(&e); /* idempotent */
}

static void test_fixture_nopie(void **state)
{
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_NOPIE, &e), ELFINFO_OK);
    if (e.type == ET_DYN) { /* distribution flags (specs files) forced -pie on the fixture */
        elfinfo_free(&e);
        skip();
    }
    assert_int_equal(e.kind, ELFINFO_DYN_EXEC);
    assert_int_equal(e.type, ET_EXEC);
    assert_true(has_libc(&e));
    assert_true(elfinfo_is_dynamic_exec(&e));
    elfinfo_free(&e);
}

static void test_fixture_static(void **state)
{
#ifdef FX_STATIC
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_STATIC, &e), ELFINFO_OK);
    assert_int_equal(e.kind, ELFINFO_STATIC);
    assert_null(e.interp);
    assert_int_equal(e.n_needed, 0);
    assert_false(elfinfo_is_dynamic_exec(&e));
    elfinfo_free(&e);
#else
    (void)state;
    skip(); /* the toolchain has no static libc */
#endif
}

static void test_fixture_static_pie(void **state)
{
#ifdef FX_STATIC_PIE
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_STATIC_PIE, &e), ELFINFO_OK);
    assert_int_equal(e.kind, ELFINFO_STATIC_PIE);
    assert_int_equal(e.type, ET_DYN);
    assert_true(e.has_dynamic);
    assert_null(e.interp);
    assert_false(elfinfo_is_dynamic_exec(&e));
    elfinfo_free(&e);
#else
    (void)state;
    skip(); /* the toolchain cannot link -static-pie */
#endif
}

static void test_fixture_shlib(void **state)
{
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_SHLIB, &e), ELFINFO_OK);
    assert_int_equal(e.kind, ELFINFO_SHARED_LIB);
    assert_false(elfinfo_is_dynamic_exec(&e));
    elfinfo_free(&e);
}

static void test_fixture_m32(void **state)
{
#ifdef FX_M32
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect(FX_M32, &e), ELFINFO_OK);
    assert_int_equal(e.elf_class, ELFCLASS32);
    assert_int_equal(e.kind, ELFINFO_PIE);
    if (host_machine() == EM_X86_64)
        assert_int_equal(e.machine, EM_386);
    assert_true(has_libc(&e));
    elfinfo_free(&e);
#else
    (void)state;
    skip(); /* no -m32 toolchain (gcc-multilib) */
#endif
}

static void test_not_elf(void **state)
{
    static const char *const bodies[] = {"#!/bin/sh\necho hi\n", "", "\177EL", "!<arch>\n",
                                         "plain text that is long enough to be read\n"};
    char path[PATH_MAX];
    struct elfinfo e;

    (void)state;
    snprintf(path, sizeof(path), "%s/notelf", tmpdir);
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        tu_write(path, bodies[i], 0755);
        assert_int_equal(inspect(path, &e), ELFINFO_NOT_ELF);
        assert_null(e.needed);
    }
}

static void test_magic_then_garbage(void **state)
{
    char path[PATH_MAX];
    struct elfinfo e;

    (void)state;
    snprintf(path, sizeof(path), "%s/garbage", tmpdir);
    tu_write(path, "\177ELF\002\001\001garbage-after-the-magic-number", 0755);
    assert_int_not_equal(inspect(path, &e), ELFINFO_OK);
}

static const struct craft base64 = {
    .elf_class = ELFCLASS64,
    .machine = EM_X86_64,
    .type = ET_DYN,
    .interp = 1,
    .dynamic = 1,
    .needed = {"libc.so.6", "/x/libdatacrumbs_client.so.0", "libm.so.6"},
};

static void test_crafted_kinds(void **state)
{
    struct {
        int type, interp, dynamic;
        uint64_t flags_1;
        enum elfinfo_kind kind;
    } cases[] = {
        {ET_DYN, 1, 1, 0, ELFINFO_PIE},        {ET_DYN, 1, 1, DF_1_PIE, ELFINFO_PIE},
        {ET_EXEC, 1, 1, 0, ELFINFO_DYN_EXEC},  {ET_EXEC, 0, 0, 0, ELFINFO_STATIC},
        {ET_EXEC, 0, 1, 0, ELFINFO_STATIC},    {ET_DYN, 0, 1, DF_1_PIE, ELFINFO_STATIC_PIE},
        {ET_DYN, 0, 1, 0, ELFINFO_SHARED_LIB}, {ET_DYN, 1, 0, 0, ELFINFO_NO_DYNAMIC},
        {ET_REL, 0, 0, 0, ELFINFO_OTHER},      {ET_CORE, 0, 0, 0, ELFINFO_OTHER},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct craft c = base64;
        struct elfinfo e;

        c.type = cases[i].type;
        c.interp = cases[i].interp;
        c.dynamic = cases[i].dynamic;
        c.flags_1 = cases[i].flags_1;
        assert_int_equal(inspect_craft(&c, &e), ELFINFO_OK);
        assert_int_equal(e.kind, cases[i].kind);
        assert_true(elfinfo_kind_str(e.kind)[0] != '\0');
        elfinfo_free(&e);
    }
}

static void test_crafted_needed(void **state)
{
    struct elfinfo e;

    (void)state;
    assert_int_equal(inspect_craft(&base64, &e), ELFINFO_OK);
    assert_int_equal(e.n_needed, 3);
    assert_string_equal(e.needed[0], "libc.so.6");
    assert_string_equal(e.needed[1], "/x/libdatacrumbs_client.so.0");
    assert_string_equal(e.needed[2], "libm.so.6");
    assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
    elfinfo_free(&e);
}

static void test_crafted_32bit(void **state)
{
    struct craft c = base64;
    struct elfinfo e;

    (void)state;
    c.elf_class = ELFCLASS32;
    c.machine = EM_386;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_OK);
    assert_int_equal(e.elf_class, ELFCLASS32);
    assert_int_equal(e.machine, EM_386);
    assert_int_equal(e.kind, ELFINFO_PIE);
    assert_int_equal(e.n_needed, 3);
    assert_string_equal(e.needed[1], "/x/libdatacrumbs_client.so.0");
    elfinfo_free(&e);
}

static void test_crafted_damage(void **state)
{
    struct craft c;
    struct elfinfo e;

    (void)state;
    c = base64, c.interp_unterminated = 1;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_MALFORMED);
    c = base64, c.dynamic_past_eof = 1;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_MALFORMED);
    c = base64, c.strtab_unmapped = 1;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_MALFORMED);
    c = base64, c.needed_offset_bad = 1;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_MALFORMED);
    c = base64, c.no_strtab = 1;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_MALFORMED);
    c = base64, c.truncate_to = 100; /* inside the program headers */
    assert_int_not_equal(inspect_craft(&c, &e), ELFINFO_OK);
    c = base64, c.truncate_to = 600; /* inside the string table */
    assert_int_not_equal(inspect_craft(&c, &e), ELFINFO_OK);
    c = base64, c.truncate_to = 40; /* inside the ELF header */
    assert_int_not_equal(inspect_craft(&c, &e), ELFINFO_OK);
    /* No DT_NEEDED at all needs no string table. */
    c = base64, c.no_strtab = 1, c.needed[0] = NULL;
    assert_int_equal(inspect_craft(&c, &e), ELFINFO_OK);
    assert_int_equal(e.n_needed, 0);
    elfinfo_free(&e);
}

static void test_strings(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(elfinfo_machine_str(EM_X86_64, buf, sizeof(buf)), "x86-64");
    assert_string_equal(elfinfo_machine_str(EM_386, buf, sizeof(buf)), "i386");
    assert_string_equal(elfinfo_machine_str(4242, buf, sizeof(buf)), "machine 4242");
    assert_string_equal(elfinfo_class_str(ELFCLASS32), "32-bit");
    assert_string_equal(elfinfo_class_str(ELFCLASS64), "64-bit");
    assert_string_equal(elfinfo_kind_str(ELFINFO_STATIC_PIE), "static-pie executable");
}

static int setup(void **state)
{
    (void)state;
    tmpdir = tu_mkdtemp();
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmpdir);
    free(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_pie),    cmocka_unit_test(test_fixture_nopie),
        cmocka_unit_test(test_fixture_static), cmocka_unit_test(test_fixture_static_pie),
        cmocka_unit_test(test_fixture_shlib),  cmocka_unit_test(test_fixture_m32),
        cmocka_unit_test(test_not_elf),        cmocka_unit_test(test_magic_then_garbage),
        cmocka_unit_test(test_crafted_kinds),  cmocka_unit_test(test_crafted_needed),
        cmocka_unit_test(test_crafted_32bit),  cmocka_unit_test(test_crafted_damage),
        cmocka_unit_test(test_strings),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
