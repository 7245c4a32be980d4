/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_common.c - the two additions to src/common this area brought: the @NAME@ placeholder
 * scanner and the shared library path resolver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "libpath.h"
#include "placeholder.h"

/* "NAME@line,NAME@line" of every placeholder. */
static const char *scan(const char *text)
{
    static char out[1024];
    struct dc_ph_iter it;
    struct dc_placeholder ph;
    size_t len = 0;

    out[0] = '\0';
    dc_ph_iter_init(&it, text, strlen(text));
    while (dc_ph_next(&it, &ph) && len < sizeof(out)) {
        assert_int_equal(text[ph.start], '@');
        assert_int_equal(text[ph.start + ph.len - 1], '@');
        assert_ptr_equal(ph.name, text + ph.start + 1);
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%.*s@%u", len ? "," : "",
                                (int)ph.name_len, ph.name, ph.line);
    }
    return out;
}

static void test_placeholders(void **state)
{
    (void)state;
    assert_string_equal(scan("file: @DATACRUMBS_LIBC_SO@\n"), "DATACRUMBS_LIBC_SO@1");
    assert_string_equal(scan("a\nb @X@ @Y_2@\n\n@z@"), "X@2,Y_2@2,z@4");
    /* "@@A@" holds "@A@"; "@@" and "@ @" are nothing */
    assert_string_equal(scan("@@A@"), "A@1");
    assert_string_equal(scan("@@ and @ @ and user@host"), "");
    assert_string_equal(scan("mail a@b@c"), "b@1");
    assert_string_equal(scan("@A@B@"), "A@1"); /* matches do not overlap */
    assert_string_equal(scan("regex: (@@?|$).*"), "");
    assert_string_equal(scan("@unterminated"), "");
    assert_string_equal(scan(""), "");
}

static void test_libpath(void **state)
{
    char path[4096];
    struct stat st;

    (void)state;
    assert_int_equal(dc_libpath_libc(path, sizeof(path)), 0);
    assert_true(path[0] == '/');
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(dc_libpath_resolve("libc.so.6", path, sizeof(path)), 0);
    /* libraries this program has not loaded, from the loader's directories */
    if (dc_libpath_resolve("libz.so.1", path, sizeof(path)) == 0)
        assert_non_null(strstr(path, "libz.so.1"));
    assert_int_equal(dc_libpath_resolve("libdefinitely-not-here.so.77", path, sizeof(path)), -1);
    assert_int_equal(dc_libpath_resolve("/lib/libc.so.6", path, sizeof(path)), -1);
    assert_int_equal(dc_libpath_resolve("", path, sizeof(path)), -1);
    assert_int_equal(dc_libpath_resolve("libc.so.6", path, 4), -1);
    assert_int_equal(dc_libpath_find_glob("libc.so.*", path, sizeof(path)), 0);
    assert_non_null(strstr(path, "libc.so."));
    assert_int_equal(dc_libpath_find_glob("libnothing-*.so", path, sizeof(path)), -1);
    assert_int_equal(dc_libpath_find_glob("../x*", path, sizeof(path)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_libpath),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
