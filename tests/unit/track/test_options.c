/* SPDX-License-Identifier: BSD-3-Clause */
/* test_options.c - the command lines of datacrumbs_track and datacrumbs_untrack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "track/track.h"

/* Parse a NULL-terminated list of words (copied: getopt permutes argv). */
static enum track_parse parse(struct track_opts *o, enum track_mode mode, ...)
{
    char *argv[32], words[32][128];
    int argc = 0;
    va_list ap;
    const char *w;

    snprintf(words[0], sizeof(words[0]), "%s",
             mode == TRACK_ADD ? "datacrumbs_track" : "datacrumbs_untrack");
    argv[argc++] = words[0];
    va_start(ap, mode);
    while ((w = va_arg(ap, const char *)) != NULL) {
        snprintf(words[argc], sizeof(words[argc]), "%s", w);
        argv[argc] = words[argc];
        argc++;
    }
    va_end(ap);
    argv[argc] = NULL;
    return track_parse_cmdline(o, mode, argc, argv);
}

static void test_basic(void **state)
{
    struct track_opts o;

    (void)state;
    assert_int_equal(parse(&o, TRACK_ADD, "./prog", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "./prog");
    assert_int_equal(o.mode, TRACK_ADD);
    assert_false(o.check || o.dry_run || o.force || o.exact);
    assert_null(o.backup_suffix);
    assert_null(o.config_path);
    assert_int_equal(o.level, DC_LOG_NORMAL);

    assert_int_equal(parse(&o, TRACK_ADD, "--executable", "/bin/x", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "/bin/x");
    assert_int_equal(parse(&o, TRACK_ADD, "--executable=/bin/y", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "/bin/y");
    /* Upstream's prefix spelling. */
    assert_int_equal(parse(&o, TRACK_ADD, "--exec", "/bin/z", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "/bin/z");
    /* Options after the file, and "--" before a dash name. */
    assert_int_equal(parse(&o, TRACK_ADD, "prog", "--dry-run", "--quiet", NULL), TRACK_PARSE_OK);
    assert_true(o.dry_run);
    assert_int_equal(o.level, DC_LOG_QUIET);
    assert_int_equal(parse(&o, TRACK_ADD, "--", "-prog", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "-prog");
    assert_int_equal(parse(&o, TRACK_ADD, "--config", "/c", "--verbose", "p", NULL),
                     TRACK_PARSE_OK);
    assert_string_equal(o.config_path, "/c");
    assert_int_equal(o.level, DC_LOG_VERBOSE);
}

static void test_backup(void **state)
{
    struct track_opts o;

    (void)state;
    assert_int_equal(parse(&o, TRACK_ADD, "--backup", "p", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.backup_suffix, "~");
    assert_string_equal(o.target, "p");
    assert_int_equal(parse(&o, TRACK_ADD, "--backup=.orig", "p", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.backup_suffix, ".orig");
    assert_int_equal(parse(&o, TRACK_ADD, "--backup=", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--backup=a/b", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD,
                           "--backup=0123456789012345678901234567890123456789012345678901234567"
                           "890123456789",
                           "p", NULL),
                     TRACK_PARSE_ERROR);
}

static void test_modes(void **state)
{
    struct track_opts o;

    (void)state;
    assert_int_equal(parse(&o, TRACK_REMOVE, "--exact", "p", NULL), TRACK_PARSE_OK);
    assert_true(o.exact);
    assert_int_equal(o.mode, TRACK_REMOVE);
    /* --exact is untrack's only, --soname track's. */
    assert_int_equal(parse(&o, TRACK_ADD, "--exact", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--soname", "p", NULL), TRACK_PARSE_OK);
    assert_true(o.soname);
    assert_int_equal(parse(&o, TRACK_REMOVE, "--soname", "p", NULL), TRACK_PARSE_ERROR);
    /* --ex is ambiguous for untrack (--executable, --exact), not for track. */
    assert_int_equal(parse(&o, TRACK_REMOVE, "--ex", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--ex", "p", NULL), TRACK_PARSE_OK);
    assert_int_equal(parse(&o, TRACK_ADD, "--check", "p", NULL), TRACK_PARSE_OK);
    assert_true(o.check);
    assert_int_equal(parse(&o, TRACK_ADD, "--force", "p", NULL), TRACK_PARSE_OK);
    assert_true(o.force);
}

static void test_errors(void **state)
{
    struct track_opts o;

    (void)state;
    assert_int_equal(parse(&o, TRACK_ADD, NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "a", "b", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--executable", "a", "b", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--executable", "a", "--executable", "b", NULL),
                     TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--bogus", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "-x", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "p", "--config", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--check", "--dry-run", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--check", "--backup", "p", NULL), TRACK_PARSE_ERROR);
    assert_int_equal(parse(&o, TRACK_ADD, "--check", "--force", "p", NULL), TRACK_PARSE_ERROR);
}

static void test_help_wins(void **state)
{
    struct track_opts o;

    (void)state;
    assert_int_equal(parse(&o, TRACK_ADD, "--help", NULL), TRACK_PARSE_HELP);
    assert_int_equal(parse(&o, TRACK_ADD, "--bogus", "--help", NULL), TRACK_PARSE_HELP);
    assert_int_equal(parse(&o, TRACK_REMOVE, "a", "b", "--help", NULL), TRACK_PARSE_HELP);
    assert_int_equal(parse(&o, TRACK_ADD, "--version", NULL), TRACK_PARSE_VERSION);
    /* After "--" it is a file name. */
    assert_int_equal(parse(&o, TRACK_ADD, "--", "--help", NULL), TRACK_PARSE_OK);
    assert_string_equal(o.target, "--help");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),     cmocka_unit_test(test_backup),
        cmocka_unit_test(test_modes),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_help_wins),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
