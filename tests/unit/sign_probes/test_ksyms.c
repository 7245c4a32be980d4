/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ksyms.c - the kernel function name set (src/sign_probes/ksyms.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "ksyms.h"

static int has(const struct dc_ksyms *k, const char *name)
{
    return dc_ksyms_has(k, name, strlen(name));
}

static void test_kallsyms_file(void **state)
{
    char *dir = tu_mkdtemp(), path[PATH_MAX], err[256];
    char longname[600], *text;
    struct dc_ksyms *k;

    (void)state;
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/kallsyms", dir);
    assert_true(asprintf(&text,
                         "ffffffff81000000 T vfs_read\n"
                         "ffffffff81000010 t helper_local\n"
                         "ffffffff81000020 D some_data\n"
                         "ffffffff81000030 T mod_func\t[dcmod]\n"
                         "ffffffff81000040 W weak_one\n"
                         "0000000000000000 T vfs_read\n" /* duplicates are fine */
                         "garbage line\n"
                         "ffffffff81000050 T %s\n",
                         longname) > 0);
    tu_write(path, text, 0600);
    free(text);
    k = dc_ksyms_load(path, err, sizeof(err));
    assert_non_null(k);
    assert_int_equal(dc_ksyms_count(k), 3);
    assert_true(has(k, "vfs_read"));
    assert_true(has(k, "helper_local"));
    assert_true(has(k, "mod_func"));
    assert_false(has(k, "some_data"));
    assert_false(has(k, "weak_one"));
    assert_false(has(k, "vfs_rea"));
    assert_false(has(k, "vfs_read2"));
    assert_false(has(k, longname));
    assert_false(has(k, ""));
    /* A prefix of a longer buffer: "vfs_read:0x10" asks for 8 bytes. */
    assert_true(dc_ksyms_has(k, "vfs_read:0x10", 8));
    assert_false(dc_ksyms_has(k, "vfs\0read", 8));
    assert_string_equal(dc_ksyms_source(k), path);
    dc_ksyms_free(k);

    /* A file without text symbols, or none at all, is an error naming it. */
    tu_write(path, "ffffffff81000020 D some_data\n", 0600);
    assert_null(dc_ksyms_load(path, err, sizeof(err)));
    assert_non_null(strstr(err, "no text symbols"));
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_null(dc_ksyms_load(path, err, sizeof(err)));
    assert_non_null(strstr(err, "missing"));
    tu_dir_done(&dir);
}

/* Many names: the table grows and keeps every one. */
static void test_growth(void **state)
{
    enum { N = 50000 };
    const char **names = calloc(N, sizeof(*names));
    char(*buf)[24] = calloc(N, sizeof(*buf));
    struct dc_ksyms *k;

    (void)state;
    for (int i = 0; i < N; i++) {
        snprintf(buf[i], sizeof(buf[i]), "func_%d", i);
        names[i] = buf[i];
    }
    k = dc_ksyms_from_names(names, N);
    assert_non_null(k);
    assert_int_equal(dc_ksyms_count(k), N);
    for (int i = 0; i < N; i++)
        assert_true(has(k, buf[i]));
    assert_false(has(k, "func_50000"));
    assert_string_equal(dc_ksyms_source(k), "list");
    dc_ksyms_free(k);
    free(names);
    free(buf);
}

static void test_null_set(void **state)
{
    (void)state;
    assert_false(has(NULL, "vfs_read"));
    assert_int_equal(dc_ksyms_count(NULL), 0);
    assert_string_equal(dc_ksyms_source(NULL), "");
    dc_ksyms_free(NULL);
}

/* The machine's own list: /proc/kallsyms, or the vmlinux BTF where /proc hides it. */
static void test_system(void **state)
{
    char err[512];
    struct dc_ksyms *k = dc_ksyms_load(NULL, err, sizeof(err));

    (void)state;
    if (!k)
        skip();
    assert_true(dc_ksyms_count(k) > 1000);
    assert_true(has(k, "vfs_read") || has(k, "ksys_read"));
    dc_ksyms_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kallsyms_file),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_null_set),
        cmocka_unit_test(test_system),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
