/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_elfsym.c - symbol to file offset: the bytes there are the function's code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "mkelf.h"
#include "runtime/elfsym.h"
#include "testutil.h"

__attribute__((noinline, used)) int rt_elf_probe_me(int x);
__attribute__((noinline, used)) int rt_elf_probe_me(int x)
{
    __asm__ volatile("" ::: "memory");
    return x + 41;
}

static void exe_path(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);

    assert_true(n > 0);
    out[n] = '\0';
}

static void test_resolve_self(void **state)
{
    char exe[4096], err[256];
    unsigned char file_bytes[16];
    struct rt_elf_query q[3] = {
        {.name = "rt_elf_probe_me"}, {.name = "main"}, {.name = "not_a_symbol_here"}};
    int fd;

    exe_path(exe, sizeof(exe));
    assert_int_equal(rt_elf_resolve(exe, q, 3, err, sizeof(err)), 0);
    assert_true(q[0].found);
    assert_true(q[1].found);
    assert_false(q[2].found);
    /* The uprobe offset is a file offset: the file holds the code the CPU runs there. */
    fd = open(exe, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, file_bytes, sizeof(file_bytes), (off_t)q[0].offset),
                     (ssize_t)sizeof(file_bytes));
    close(fd);
    assert_memory_equal(file_bytes, (const void *)(uintptr_t)rt_elf_probe_me, sizeof(file_bytes));
}

static void count_fn(const char *name, uint64_t off, void *arg)
{
    (void)off;
    if (strcmp(name, "rt_elf_probe_me") == 0)
        ++*(int *)arg;
}

static void test_each_and_errors(void **state)
{
    char exe[4096], err[256], *dir = tu_mkdtemp(), path[4096];
    struct rt_elf_query q[1] = {{.name = "x"}};
    int seen = 0;

    exe_path(exe, sizeof(exe));
    assert_true(rt_elf_each_function(exe, count_fn, &seen, err, sizeof(err)) > 10);
    assert_int_equal(seen, 1); /* .symtab and .dynsym: one offset, reported once */
    assert_int_equal(rt_elf_resolve("/nonexistent", q, 1, err, sizeof(err)), -1);
    snprintf(path, sizeof(path), "%s/notelf", dir);
    tu_write(path, "#!/bin/sh\necho not elf\n", 0755);
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not an ELF file"));
    snprintf(path, sizeof(path), "%s/empty", dir);
    tu_write(path, "", 0644);
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), -1);
    tu_dir_done(&dir);
}

/* The attack of issue 12: 65534 PT_LOAD headers and 600k symbols, refused from the header. */
static void test_crafted_refused_fast(void **state)
{
    char err[512], *dir = tu_mkdtemp(), path[4096];
    struct rt_elf_query q[1] = {{.name = "f1"}};
    long long t0;

    snprintf(path, sizeof(path), "%s/crafted.so", dir);
    assert_int_equal(mkelf_write(path, 65534, 600000), 0);
    t0 = dc_now_ms();
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), -1);
    assert_true(dc_now_ms() - t0 < 1000);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "65534 program headers, more than the limit of 1024"));
    assert_false(q[0].found);
    tu_dir_done(&dir);
}

/* At the limits' edge (1024 segments, 600k symbols), reading stays fast and right: segments
 * are searched, not scanned per symbol. */
static void test_many_symbols_and_segments(void **state)
{
    char err[512], *dir = tu_mkdtemp(), path[4096];
    struct rt_elf_query q[2] = {{.name = "f599999"}, {.name = "f600000"}};
    size_t textoff = 64 + 1024 * 56;
    long long t0;

    snprintf(path, sizeof(path), "%s/big.so", dir);
    assert_int_equal(mkelf_write(path, 1024, 600000), 0);
    t0 = dc_now_ms();
    assert_int_equal(rt_elf_resolve(path, q, 2, err, sizeof(err)), 0);
    print_message("# 1024 segments, 600000 symbols: %lld ms\n", dc_now_ms() - t0);
    assert_true(q[0].found);
    assert_int_equal(q[0].offset, textoff + 599999 % 16); /* through .text: in no segment */
    assert_false(q[1].found);
    tu_dir_done(&dir);
}

static void test_limits(void **state)
{
    struct rt_elf_limits l = {.max_bytes = RT_ELF_MAX_BYTES,
                              .max_phdrs = RT_ELF_MAX_PHDRS,
                              .max_sections = RT_ELF_MAX_SECTIONS,
                              .max_symbols = 1000};
    char err[512], *dir = tu_mkdtemp(), path[4096], exe[4096];
    struct rt_elf_query q[1] = {{.name = "f1"}};

    snprintf(path, sizeof(path), "%s/syms.so", dir);
    assert_int_equal(mkelf_write(path, 4, 5000), 0);
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), 0);
    assert_true(q[0].found);
    rt_elf_set_limits(&l);
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "5001 symbols, more than the limit of 1000"));
    l.max_symbols = RT_ELF_MAX_SYMBOLS;
    l.max_sections = 4;
    rt_elf_set_limits(&l);
    assert_int_equal(rt_elf_resolve(path, q, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "5 section headers, more than the limit of 4"));
    l.max_sections = RT_ELF_MAX_SECTIONS;
    l.max_bytes = 1000;
    rt_elf_set_limits(&l);
    exe_path(exe, sizeof(exe));
    assert_int_equal(rt_elf_resolve(exe, q, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "bytes, more than the limit of 1000 for a binary to probe"));
    assert_int_equal(rt_elf_each_function(exe, count_fn, &(int){0}, err, sizeof(err)), -1);
    rt_elf_set_limits(NULL);
    assert_int_equal(rt_elf_resolve(exe, q, 1, err, sizeof(err)), 0);
    tu_dir_done(&dir);
}

/* All binaries of a probe file share one deadline; past it, nothing more is read. */
static void test_deadline(void **state)
{
    char err[512], exe[4096];
    struct rt_elf_query q[1] = {{.name = "main"}};

    exe_path(exe, sizeof(exe));
    rt_elf_set_deadline(dc_now_ms() - 1, 5);
    assert_int_equal(rt_elf_resolve(exe, q, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, exe));
    assert_non_null(strstr(err, "took longer than the limit of 5 s"));
    rt_elf_set_deadline(0, 0);
    assert_int_equal(rt_elf_resolve(exe, q, 1, err, sizeof(err)), 0);
    assert_true(q[0].found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_self),
        cmocka_unit_test(test_each_and_errors),
        cmocka_unit_test(test_crafted_refused_fast),
        cmocka_unit_test(test_many_symbols_and_segments),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_deadline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
