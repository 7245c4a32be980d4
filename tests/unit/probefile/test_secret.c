/* SPDX-License-Identifier: BSD-3-Clause */
/* test_secret.c - the secret's content rules, its file checks and its fingerprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "common/testutil.h"
#include "probefile/probefile.h"
#include "vector.h"

static char *dir;

static int setup(void **state)
{
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static char *in_dir(const char *name)
{
    static char buf[PATH_MAX];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static void test_classify(void **state)
{
    static const struct {
        const char *text;
        enum dc_pf_secret_reason want;
    } cases[] = {
        {VEC_KEY, DC_SECRET_OK},
        {"", DC_SECRET_EMPTY},
        {"\n", DC_SECRET_WRONG_LENGTH},
        {VEC_KEY "\n", DC_SECRET_NEWLINE},
        {VEC_KEY "\r\n", DC_SECRET_NEWLINE},
        {VEC_KEY "\n\n", DC_SECRET_WRONG_LENGTH},
        {VEC_KEY "0", DC_SECRET_WRONG_LENGTH},
        {"0123456789abcdef", DC_SECRET_WRONG_LENGTH},
        {"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", DC_SECRET_UPPERCASE},
        {"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", DC_SECRET_NEWLINE},
        {"0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef", DC_SECRET_NOT_HEX},
        {"0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef\n", DC_SECRET_NOT_HEX},
        {" 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", DC_SECRET_NOT_HEX},
        {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
         DC_SECRET_WRONG_LENGTH},
        {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX", DC_SECRET_NOT_HEX},
        {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\n",
         DC_SECRET_WRONG_LENGTH},
    };
    char why[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum dc_pf_secret_reason r =
            dc_pf_secret_classify(cases[i].text, strlen(cases[i].text), why, sizeof(why));

        if (r != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, dc_pf_secret_reason_str(r),
                     dc_pf_secret_reason_str(cases[i].want));
        assert_true(why[0] != '\0');
    }
    /* A raw 32-byte key (binary) is the wrong length; 64 binary bytes are not hex. */
    {
        unsigned char raw[64];

        memset(raw, 0xab, sizeof(raw));
        assert_int_equal(dc_pf_secret_classify(raw, 32, why, sizeof(why)), DC_SECRET_WRONG_LENGTH);
        assert_int_equal(dc_pf_secret_classify(raw, 64, why, sizeof(why)), DC_SECRET_NOT_HEX);
    }
}

static void test_reason_messages_distinct(void **state)
{
    for (int a = DC_SECRET_OK; a <= DC_SECRET_NEWLINE; a++) {
        assert_string_not_equal(dc_pf_secret_reason_str(a), "unknown");
        for (int b = a + 1; b <= DC_SECRET_NEWLINE; b++)
            assert_string_not_equal(dc_pf_secret_reason_str(a), dc_pf_secret_reason_str(b));
    }
    for (int a = DC_PF_OK; a <= DC_PF_ERR_NOMEM; a++)
        for (int b = a + 1; b <= DC_PF_ERR_NOMEM; b++)
            assert_string_not_equal(dc_pf_status_str(a), dc_pf_status_str(b));
}

static enum dc_pf_secret_reason read_secret(const char *path, unsigned char key[64])
{
    char why[512];
    enum dc_pf_secret_reason r = dc_pf_secret_read(path, key, why, sizeof(why));

    assert_true(why[0] != '\0');
    if (r != DC_SECRET_OK && !strstr(why, path))
        fail_msg("'%s' does not name %s", why, path); /* every message names the file */
    return r;
}

/* One way to lay out a secret file, and what reading it must say. */
enum layout {
    L_FILE,           /* a file with content and mode */
    L_MISSING,        /* nothing there */
    L_SYMLINK,        /* a symlink to a good secret */
    L_DIRECTORY,      /* a directory where the file should be */
    L_FOREIGN_OWNER,  /* a good file owned by nobody */
    L_PARENT_MODE,    /* a good file in a directory of mode `mode` */
    L_PARENT_FOREIGN, /* a good file in a directory owned by nobody */
};

struct secret_case {
    enum layout layout;
    const char *content;
    mode_t mode;
    enum dc_pf_secret_reason want;
};

/* Each case in its own directory under dir, so that they stay independent. */
static void test_read_case(void **state)
{
    const struct secret_case *c = *state;
    static int seq;
    char sub[PATH_MAX], path[PATH_MAX + 8];
    unsigned char key[64];

    if (geteuid() != 0) {
        print_message("skipped: the secret must be root-owned, and this test is not root\n");
        skip();
    }
    snprintf(sub, sizeof(sub), "%s/case%d", dir, seq++);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof(path), "%s/s", sub);
    switch (c->layout) {
    case L_FILE: tu_write(path, c->content, c->mode); break;
    case L_MISSING: break;
    case L_SYMLINK:
        tu_write(in_dir("target"), VEC_KEY, 0400);
        assert_int_equal(symlink(in_dir("target"), path), 0);
        break;
    case L_DIRECTORY: assert_int_equal(mkdir(path, 0700), 0); break;
    case L_FOREIGN_OWNER:
        tu_write(path, VEC_KEY, 0400);
        assert_int_equal(chown(path, 65534, 0), 0);
        break;
    case L_PARENT_MODE:
        tu_write(path, VEC_KEY, 0400);
        assert_int_equal(chmod(sub, c->mode), 0);
        break;
    case L_PARENT_FOREIGN:
        tu_write(path, VEC_KEY, 0400);
        assert_int_equal(chown(sub, 65534, 0), 0);
        break;
    }
    memset(key, 0x55, sizeof(key));
    assert_int_equal(read_secret(path, key), c->want);
    if (c->want == DC_SECRET_OK) {
        assert_memory_equal(key, VEC_KEY, 64);
        assert_int_equal(dc_pf_secret_load(path, key, NULL, 0), DC_PF_OK);
    } else {
        for (int i = 0; i < 64; i++)
            assert_int_equal(key[i], 0); /* nothing is handed out on failure */
        assert_int_equal(dc_pf_secret_load(path, key, NULL, 0), DC_PF_ERR_SECRET);
    }
}

static void test_read_relative(void **state)
{
    unsigned char key[64];

    assert_int_equal(read_secret("relative/path", key), DC_SECRET_UNREADABLE);
}

static void test_fingerprint(void **state)
{
    char fpr[DC_PF_FPR_LEN + 1], other[DC_PF_FPR_LEN + 1];
    char key2[] = VEC_KEY;

    /* printf 'datacrumbs-fingerprint-v1%s' KEY | sha256sum | cut -c1-16 */
    assert_int_equal(dc_pf_secret_fingerprint(VEC_KEY, 64, fpr), 0);
    assert_string_equal(fpr, "b365aac19ef7ba73");
    key2[63] = '0';
    assert_int_equal(dc_pf_secret_fingerprint(key2, 64, other), 0);
    assert_string_not_equal(fpr, other);
}

static void test_time(void **state)
{
    char buf[32];
    time_t t;

    assert_int_equal(dc_pf_time_format(1767225600, buf), 0);
    assert_string_equal(buf, "2026-01-01T00:00:00Z");
    assert_int_equal(dc_pf_time_parse(buf, &t), 0);
    assert_int_equal(t, 1767225600);
    assert_int_equal(dc_pf_time_parse("2024-02-29T23:59:59Z", &t), 0);
    assert_int_equal(dc_pf_time_format(t, buf), 0);
    assert_string_equal(buf, "2024-02-29T23:59:59Z");
    assert_int_equal(dc_pf_time_format(-1, buf), -1);
    {
        static const char *const bad[] = {
            "2023-02-29T00:00:00Z",   "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",   "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:60Z",   "2026-01-01t00:00:00Z",
            "2026-01-01T00:00:00z",   "2026-01-01T00:00:00+00:00",
            "2026-01-01T00:00:00.5Z", "2026-01-01 00:00:00Z",
            "1969-12-31T23:59:59Z",   "+026-01-01T00:00:00Z",
            "2026-1-01T00:00:00Z ",   "",
            "2026-01-00T00:00:00Z",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            if (dc_pf_time_parse(bad[i], &t) == 0)
                fail_msg("accepted '%s'", bad[i]);
    }
}

/* A case of the secret file matrix, named for the test report. */
#define READ_CASE(label, ...)                                                                      \
    {                                                                                              \
        "secret file: " label, test_read_case, NULL, NULL, &(struct secret_case)                   \
        {                                                                                          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }

int main(void)
{
    char big[4096];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_reason_messages_distinct),
        READ_CASE("good, 0400", L_FILE, VEC_KEY, 0400, DC_SECRET_OK),
        READ_CASE("good, 0600", L_FILE, VEC_KEY, 0600, DC_SECRET_OK),
        READ_CASE("missing", L_MISSING, NULL, 0, DC_SECRET_MISSING),
        READ_CASE("symlink", L_SYMLINK, NULL, 0, DC_SECRET_SYMLINK),
        READ_CASE("directory", L_DIRECTORY, NULL, 0, DC_SECRET_NOT_REGULAR),
        READ_CASE("not root-owned", L_FOREIGN_OWNER, NULL, 0, DC_SECRET_BAD_OWNER),
        READ_CASE("group-writable", L_FILE, VEC_KEY, 0420, DC_SECRET_GROUP_WRITABLE),
        READ_CASE("world-writable", L_FILE, VEC_KEY, 0402, DC_SECRET_WORLD_WRITABLE),
        READ_CASE("group-readable", L_FILE, VEC_KEY, 0440, DC_SECRET_GROUP_READABLE),
        READ_CASE("world-readable", L_FILE, VEC_KEY, 0404, DC_SECRET_WORLD_READABLE),
        READ_CASE("group-writable parent", L_PARENT_MODE, NULL, 0770, DC_SECRET_PARENT_INSECURE),
        READ_CASE("world-writable parent", L_PARENT_MODE, NULL, 0777, DC_SECRET_PARENT_INSECURE),
        READ_CASE("sticky world-writable parent", L_PARENT_MODE, NULL, 01777, DC_SECRET_OK),
        READ_CASE("foreign parent", L_PARENT_FOREIGN, NULL, 0, DC_SECRET_PARENT_INSECURE),
        READ_CASE("empty", L_FILE, "", 0400, DC_SECRET_EMPTY),
        READ_CASE("wrong length", L_FILE, "abc", 0400, DC_SECRET_WRONG_LENGTH),
        READ_CASE("4 KiB", L_FILE, big, 0400, DC_SECRET_WRONG_LENGTH),
        READ_CASE("not hex", L_FILE,
                  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdez", 0400,
                  DC_SECRET_NOT_HEX),
        READ_CASE("uppercase", L_FILE,
                  "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0400,
                  DC_SECRET_UPPERCASE),
        READ_CASE("trailing newline", L_FILE, VEC_KEY "\n", 0400, DC_SECRET_NEWLINE),
        cmocka_unit_test(test_read_relative),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_time),
    };

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    return cmocka_run_group_tests_name("probefile secret", tests, setup, teardown);
}
