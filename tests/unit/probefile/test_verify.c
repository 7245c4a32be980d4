/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_verify.c - signing, writing and verifying: a round trip, every single-byte tampering,
 * the wrong key, the validity window and the user binding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "common/testutil.h"
#include "pfutil.h"

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

static enum dc_pf_status parse_verify(const void *buf, size_t len, const char *key, time_t now)
{
    struct dc_probefile pf;
    enum dc_pf_status st = dc_pf_parse(buf, len, &pf, NULL);

    if (st == DC_PF_OK)
        st = dc_pf_verify(&pf, key, strlen(key), now);
    dc_pf_free(&pf);
    return st;
}

/* The signed content of a parsed file, for "nothing changed" comparisons. */
static char *content_of(const void *buf, size_t len)
{
    struct dc_probefile pf;
    char *payload = NULL;
    size_t plen;

    if (dc_pf_parse(buf, len, &pf, NULL) != DC_PF_OK)
        return NULL;
    dc_pf_payload(pf.summary, pf.categories, &payload, &plen);
    dc_pf_free(&pf);
    return payload;
}

static void test_write_read_verify(void **state)
{
    json_t *s = pu_json(TEST_SUMMARY), *c = pu_json(TEST_CATEGORIES);
    char mac[DC_PF_HEX_LEN + 1], *p1 = NULL, *p2 = NULL;
    size_t l1, l2;
    struct dc_probefile pf;
    struct stat st;

    assert_int_equal(dc_pf_sign(s, c, TEST_KEY, 64, mac), DC_PF_OK);
    for (int gz = 0; gz <= 1; gz++) {
        const char *path = in_dir(gz ? "w.json.gz" : "w.json");

        assert_int_equal(dc_pf_write(path, s, c, mac, gz, 0640), DC_PF_OK);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(dc_pf_read(path, 0, &pf, NULL), DC_PF_OK);
        assert_int_equal(pf.was_gzip, gz);
        assert_string_equal(pf.checksum, mac);
        assert_int_equal(dc_pf_verify(&pf, TEST_KEY, 64, TEST_NOW), DC_PF_OK);
        assert_int_equal(dc_pf_payload(s, c, &p1, &l1), DC_PF_OK);
        assert_int_equal(dc_pf_payload(pf.summary, pf.categories, &p2, &l2), DC_PF_OK);
        assert_int_equal(l1, l2);
        assert_memory_equal(p1, p2, l1);
        free(p1);
        free(p2);
        dc_pf_free(&pf);
    }
    /* Refusals leave no file behind. */
    assert_int_equal(dc_pf_write(in_dir("bad"), s, c, "00", 1, 0600), DC_PF_ERR_SCHEMA);
    assert_int_equal(access(in_dir("bad"), F_OK), -1);
    json_object_set_new(s, "user", json_string("a\nb"));
    assert_int_equal(dc_pf_write(in_dir("bad"), s, c, mac, 1, 0600), DC_PF_ERR_CONTROL);
    assert_int_equal(access(in_dir("bad"), F_OK), -1);
    assert_int_equal(dc_pf_write("/nonexistent-dir/x", c, c, mac, 1, 0600), DC_PF_ERR_SCHEMA);
    json_object_set_new(s, "user", json_string("alice"));
    assert_int_equal(dc_pf_write("/nonexistent-dir/x", s, c, mac, 1, 0600), DC_PF_ERR_IO);
    json_decref(s);
    json_decref(c);
}

static void test_gunzipped_copy_verifies(void **state)
{
    json_t *s = pu_json(TEST_SUMMARY), *c = pu_json(TEST_CATEGORIES);
    char mac[DC_PF_HEX_LEN + 1];
    struct dc_probefile pf;
    char *text;

    assert_int_equal(dc_pf_sign(s, c, TEST_KEY, 64, mac), DC_PF_OK);
    assert_int_equal(dc_pf_write(in_dir("g.json.gz"), s, c, mac, 1, 0600), DC_PF_OK);
    assert_int_equal(dc_pf_read(in_dir("g.json.gz"), 0, &pf, NULL), DC_PF_OK);
    /* Re-indented and un-gzipped: whitespace is not signed. */
    text = json_dumps(pf.doc, JSON_INDENT(7) | JSON_PRESERVE_ORDER);
    dc_pf_free(&pf);
    pu_write(in_dir("g.json"), text, strlen(text));
    assert_int_equal(dc_pf_read(in_dir("g.json"), 0, &pf, NULL), DC_PF_OK);
    assert_int_equal(pf.was_gzip, 0);
    assert_int_equal(dc_pf_verify(&pf, TEST_KEY, 64, TEST_NOW), DC_PF_OK);
    dc_pf_free(&pf);
    free(text);
    json_decref(s);
    json_decref(c);
}

static void test_tamper_every_byte_plain(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    size_t len = strlen(doc), parse_fail = 0, mac_fail = 0;
    static const unsigned char masks[] = {0x01, 0x02, 0x20, 0x80, 0xff};

    assert_int_equal(parse_verify(doc, len, TEST_KEY, TEST_NOW), DC_PF_OK);
    /* Every byte of the file: the signed region, the algorithm and the checksum itself. */
    for (size_t i = 0; i < len; i++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            struct dc_probefile pf;
            enum dc_pf_status st;

            doc[i] ^= (char)masks[m];
            st = dc_pf_parse(doc, len, &pf, NULL);
            if (st == DC_PF_OK) {
                st = dc_pf_verify(&pf, TEST_KEY, 64, TEST_NOW);
                mac_fail += st == DC_PF_ERR_CHECKSUM;
            } else {
                parse_fail++;
            }
            if (st == DC_PF_OK)
                fail_msg("flipping byte %zu ('%c') with 0x%02x still verifies", i,
                         doc[i] ^ masks[m], masks[m]);
            dc_pf_free(&pf);
            doc[i] ^= (char)masks[m];
        }
    }
    print_message("%zu bytes x %zu flips: %zu refused by the parser, %zu by the MAC\n", len,
                  sizeof(masks), parse_fail, mac_fail);
    assert_true(mac_fail > len); /* most flips of the content make valid JSON: the MAC caught */
    free(doc);
}

static void test_tamper_every_byte_gzip(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    char *orig = content_of(doc, strlen(doc));
    size_t gzlen, same = 0;
    unsigned char *gz = pu_gzip(doc, strlen(doc), &gzlen);

    assert_int_equal(parse_verify(gz, gzlen, TEST_KEY, TEST_NOW), DC_PF_OK);
    /* From the end of the 10-byte gzip header (mtime, flags and OS are not data) to the end of
     * the trailer. A flip that still verifies must have left the content as it was (deflate can
     * encode the same bytes more than one way); none here does. */
    for (size_t i = 10; i < gzlen; i++) {
        for (unsigned mask = 1; mask < 0x100; mask <<= 1) {
            gz[i] ^= (unsigned char)mask;
            if (parse_verify(gz, gzlen, TEST_KEY, TEST_NOW) == DC_PF_OK) {
                char *now = content_of(gz, gzlen);

                assert_non_null(now);
                assert_string_equal(now, orig);
                free(now);
                same++;
            }
            gz[i] ^= (unsigned char)mask;
        }
    }
    print_message("%zu gzip bytes x 8 bit flips: %zu decoded to the same content\n", gzlen - 10,
                  same);
    free(gz);
    free(orig);
    free(doc);
}

static void test_wrong_key(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    char key[] = TEST_KEY;

    key[10] ^= 1;
    assert_int_equal(parse_verify(doc, strlen(doc), key, TEST_NOW), DC_PF_ERR_CHECKSUM);
    assert_int_equal(parse_verify(doc, strlen(doc), "", TEST_NOW), DC_PF_ERR_CHECKSUM);
    /* The key is the hex text, not the 32 bytes it encodes. */
    {
        unsigned char raw[32];

        for (int i = 0; i < 32; i++)
            sscanf(TEST_KEY + 2 * i, "%2hhx", &raw[i]);
        {
            struct dc_probefile pf;

            assert_int_equal(dc_pf_parse(doc, strlen(doc), &pf, NULL), DC_PF_OK);
            assert_int_equal(dc_pf_verify(&pf, raw, sizeof(raw), TEST_NOW), DC_PF_ERR_CHECKSUM);
            dc_pf_free(&pf);
        }
    }
    free(doc);
}

static void test_validity_window(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    size_t len = strlen(doc);
    const time_t issued = 1767225600, expires = issued + 7 * 86400;
    char *bare;

    assert_int_equal(parse_verify(doc, len, TEST_KEY, issued), DC_PF_OK);
    assert_int_equal(parse_verify(doc, len, TEST_KEY, expires - 1), DC_PF_OK);
    assert_int_equal(parse_verify(doc, len, TEST_KEY, expires), DC_PF_ERR_EXPIRED);
    assert_int_equal(parse_verify(doc, len, TEST_KEY, expires + 86400 * 365), DC_PF_ERR_EXPIRED);
    assert_int_equal(parse_verify(doc, len, TEST_KEY, issued - DC_PF_CLOCK_SKEW), DC_PF_OK);
    assert_int_equal(parse_verify(doc, len, TEST_KEY, issued - DC_PF_CLOCK_SKEW - 1),
                     DC_PF_ERR_NOT_YET);
    /* Today is long after 2026-01-08: the real clock says expired too. */
    assert_int_equal(parse_verify(doc, len, TEST_KEY, 0),
                     time(NULL) >= expires ? DC_PF_ERR_EXPIRED : DC_PF_OK);
    /* Upstream files carry no times: valid whenever the MAC is. */
    bare = pu_doc("{\"user\":\"alice\"}", "[]", TEST_KEY);
    assert_int_equal(parse_verify(bare, strlen(bare), TEST_KEY, 1), DC_PF_OK);
    assert_int_equal(parse_verify(bare, strlen(bare), TEST_KEY, 0), DC_PF_OK);
    free(bare);
    free(doc);
}

static void test_check_user(void **state)
{
    static const struct {
        const char *summary;
        unsigned uid;
        enum dc_pf_status want;
    } cases[] = {
        {"{\"user\":\"root\",\"uid\":0}", 0, DC_PF_OK},
        {"{\"uid\":0}", 0, DC_PF_OK},
        {"{\"user\":\"root\",\"uid\":0}", 1000, DC_PF_ERR_USER},
        {"{\"user\":\"root\"}", 0, DC_PF_ERR_USER},             /* uid is required */
        {"{\"user\":\"nobody\",\"uid\":0}", 0, DC_PF_ERR_USER}, /* name and id disagree */
        {"{\"user\":\"no-such-user-xyz\",\"uid\":0}", 0, DC_PF_ERR_USER},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *doc = pu_doc(cases[i].summary, "[]", TEST_KEY);
        struct dc_probefile pf;

        assert_int_equal(dc_pf_parse(doc, strlen(doc), &pf, NULL), DC_PF_OK);
        assert_int_equal(dc_pf_check_user(&pf, cases[i].uid), cases[i].want);
        dc_pf_free(&pf);
        free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_verify),
        cmocka_unit_test(test_gunzipped_copy_verifies),
        cmocka_unit_test(test_tamper_every_byte_plain),
        cmocka_unit_test(test_tamper_every_byte_gzip),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_validity_window),
        cmocka_unit_test(test_check_user),
    };

    return cmocka_run_group_tests_name("probefile verify", tests, setup, teardown);
}
