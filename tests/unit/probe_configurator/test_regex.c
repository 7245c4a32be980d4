/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_regex.c - the capture filter's semantics: PCRE2, the whole name, case-insensitive (as
 * upstream's std::regex_match with icase), lookahead as the upstream templates use it, bounded
 * backtracking, and ksym's case-sensitive search pass. That the filter sees the symbol name and
 * never the ":0x..." offset is tested on real captures in test_discover.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "regex.h"

static int match(const char *pattern, enum dc_regex_mode mode, const char *name)
{
    char err[256];
    struct dc_regex *re = dc_regex_compile(pattern, mode, err, sizeof(err));
    int rc;

    if (!re)
        fail_msg("pattern %s: %s", pattern, err);
    rc = dc_regex_match(re, name, strlen(name));
    dc_regex_free(re);
    return rc;
}

static int full(const char *pattern, const char *name)
{
    return match(pattern, DC_REGEX_FULL, name);
}

static void test_full_match(void **state)
{
    (void)state;
    assert_int_equal(full("open", "open"), 1);
    assert_int_equal(full("open", "open64"), 0); /* the whole name, not a prefix */
    assert_int_equal(full("open", "fopen"), 0);  /* nor a part */
    assert_int_equal(full("open.*", "open64"), 1);
    assert_int_equal(full(".*open.*", "fopen64"), 1);
    assert_int_equal(full("^open$", "open"), 1); /* anchors are harmless */
    assert_int_equal(full("(open|read)(64)?", "read64"), 1);
    assert_int_equal(full("(open|read)(64)?", "read6"), 0);
    /* alternation is tried to the end: a shorter branch does not win */
    assert_int_equal(full("a|ab", "ab"), 1);
    assert_int_equal(full("", ""), 1);
    assert_int_equal(full("", "x"), 0);
}

static void test_case_insensitive(void **state)
{
    (void)state;
    assert_int_equal(full("mpi_init", "MPI_Init"), 1);
    assert_int_equal(full("H5F.*", "h5fopen"), 1);
    assert_int_equal(match("mpi_init", DC_REGEX_SEARCH, "MPI_Init"), 0); /* ksym's search */
}

static void test_lookahead(void **state)
{
    (void)state;
    /* upstream templates: lead.yaml's iomap and lustre patterns, hdf.yaml's H5A */
    assert_int_equal(full("^iomap(?!.*cold).*", "iomap_readahead"), 1);
    assert_int_equal(full("^iomap(?!.*cold).*", "iomap_read_cold"), 0);
    assert_int_equal(full("(?!.*__)(?!.*:)(?!.*constprop)(?!.*isra).*", "ll_file_read"), 1);
    assert_int_equal(full("(?!.*__)(?!.*:)(?!.*constprop)(?!.*isra).*", "ll_x.constprop.0"), 0);
    assert_int_equal(full("H5A(?!C).*", "H5Aopen"), 1);
    assert_int_equal(full("H5A(?!C).*", "H5AC_protect"), 0);
    /* case-insensitive everywhere, lookahead included (as upstream): "c" is "C" ... */
    assert_int_equal(full("H5A(?!C).*", "H5Acreate2"), 0);
    /* ... unless the pattern says (?-i) */
    assert_int_equal(full("(?-i)H5A(?!C).*", "H5Acreate2"), 1);
    assert_int_equal(full("(?-i)H5AC.*", "H5Acreate2"), 0);
    /* the versioned names of .dynsym */
    assert_int_equal(full("(fopen)(@.*)?", "fopen@GLIBC_2.1"), 1);
}

static void test_search(void **state)
{
    (void)state;
    assert_int_equal(match("vfs_", DC_REGEX_SEARCH, "__vfs_read"), 1);
    assert_int_equal(match("^vfs_", DC_REGEX_SEARCH, "__vfs_read"), 0);
    assert_int_equal(match("read$", DC_REGEX_SEARCH, "vfs_read"), 1);
}

static void test_invalid(void **state)
{
    char err[256];

    (void)state;
    assert_null(dc_regex_compile("(open", DC_REGEX_FULL, err, sizeof(err)));
    assert_non_null(strstr(err, "missing closing parenthesis"));
    assert_non_null(strstr(err, "at offset 5"));
    assert_null(dc_regex_compile("a{2,1}", DC_REGEX_FULL, err, sizeof(err)));
    assert_null(dc_regex_compile("[z-a]", DC_REGEX_FULL, err, sizeof(err)));
}

static void test_backtracking_bounded(void **state)
{
    char name[64];

    (void)state;
    memset(name, 'a', sizeof(name) - 3);
    name[sizeof(name) - 3] = 'c';
    name[sizeof(name) - 2] = 'b';
    name[sizeof(name) - 1] = '\0';
    /* catastrophic backtracking gives up (-1) instead of running for minutes */
    assert_int_equal(full("(a+)+b", name), -1);
    /* bytes that are not UTF-8 are just bytes */
    assert_int_equal(full("x.y", "x\xffy"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_match), cmocka_unit_test(test_case_insensitive),
        cmocka_unit_test(test_lookahead),  cmocka_unit_test(test_search),
        cmocka_unit_test(test_invalid),    cmocka_unit_test(test_backtracking_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
