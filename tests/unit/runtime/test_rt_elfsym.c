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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_self),
        cmocka_unit_test(test_each_and_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
