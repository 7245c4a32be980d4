/* SPDX-License-Identifier: BSD-3-Clause */
/* test_preload.c - LD_PRELOAD composition: empty, existing entries, already present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"
#include "wrap/preload.h"

#define LIB "/usr/lib/libdatacrumbs_client.so.0"

static void expect(const char *existing, const char *lib, const char *want)
{
    char *got = dc_preload_compose(existing, lib);

    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("compose('%s') = '%s', want '%s'", existing ? existing : "(null)", got, want);
    free(got);
}

static void test_empty(void **state)
{
    expect(NULL, LIB, LIB);
    expect("", LIB, LIB);
}

static void test_existing_entries_kept_after(void **state)
{
    expect("/opt/a.so", LIB, LIB ":/opt/a.so");
    expect("/opt/a.so:/opt/b.so", LIB, LIB ":/opt/a.so:/opt/b.so");
    expect("/opt/a.so /opt/b.so", LIB, LIB ":/opt/a.so /opt/b.so");
    expect("libfoo.so", LIB, LIB ":libfoo.so");
}

static void test_already_present(void **state)
{
    expect(LIB, LIB, LIB);
    expect("/opt/a.so:" LIB, LIB, "/opt/a.so:" LIB);
    expect("/opt/a.so " LIB " /opt/b.so", LIB, "/opt/a.so " LIB " /opt/b.so");
    expect("::" LIB "::", LIB, "::" LIB "::");
}

static void test_prefix_is_not_a_match(void **state)
{
    expect(LIB ".bak", LIB, LIB ":" LIB ".bak");
    expect("/x" LIB, LIB, LIB ":/x" LIB);
}

/* The same file under another name (a symlink) counts as present. */
static void test_same_file_other_name(void **state)
{
    char *dir = tu_mkdtemp();
    char real[PATH_MAX + 64], link[PATH_MAX + 64];

    if (!dir) {
        fail_msg("cannot create a temp dir");
        return;
    }
    snprintf(real, sizeof(real), "%s/libdatacrumbs_client.so.0.1.0", dir);
    snprintf(link, sizeof(link), "%s/libdatacrumbs_client.so.0", dir);
    tu_write(real, "elf", 0644);
    assert_int_equal(symlink(real, link), 0);
    expect(real, link, real);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_existing_entries_kept_after),
        cmocka_unit_test(test_already_present),
        cmocka_unit_test(test_prefix_is_not_a_match),
        cmocka_unit_test(test_same_file_other_name),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
