/* SPDX-License-Identifier: BSD-3-Clause */
/* test_read.c - reading probe files: formats, limits, strict JSON and the structure rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
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

static enum dc_pf_status parse_text(const char *text)
{
    struct dc_probefile pf;
    char *detail = NULL;
    enum dc_pf_status st = dc_pf_parse(text, strlen(text), &pf, &detail);

    if (st == DC_PF_OK) {
        assert_null(detail);
        assert_non_null(pf.doc);
    } else {
        assert_non_null(detail); /* every failure explains itself */
        assert_null(pf.doc);
    }
    free(detail);
    dc_pf_free(&pf);
    return st;
}

/* The test document with one substitution (from -> to, first occurrence) in its text. */
static enum dc_pf_status parse_edited(const char *from, const char *to)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    char *at = strstr(doc, from);
    char *edited;
    enum dc_pf_status st;

    if (!at)
        fail_msg("'%s' not in the test document", from);
    edited = malloc(strlen(doc) + strlen(to) + 1);
    memcpy(edited, doc, (size_t)(at - doc));
    strcpy(edited + (at - doc), to);
    strcat(edited, at + strlen(from));
    st = parse_text(edited);
    free(edited);
    free(doc);
    return st;
}

static void test_plain_and_gzip(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    struct dc_probefile pf;
    unsigned char *gz;
    size_t gzlen;

    assert_int_equal(dc_pf_parse(doc, strlen(doc), &pf, NULL), DC_PF_OK);
    assert_int_equal(pf.was_gzip, 0);
    assert_int_equal(json_array_size(pf.categories), 2);
    assert_string_equal(json_string_value(json_object_get(pf.summary, "user")), "alice");
    dc_pf_free(&pf);
    gz = pu_gzip(doc, strlen(doc), &gzlen);
    assert_int_equal(dc_pf_parse(gz, gzlen, &pf, NULL), DC_PF_OK);
    assert_int_equal(pf.was_gzip, 1);
    dc_pf_free(&pf);
    pu_write(in_dir("p.json.gz"), gz, gzlen);
    assert_int_equal(dc_pf_read(in_dir("p.json.gz"), 0, &pf, NULL), DC_PF_OK);
    assert_int_equal(pf.was_gzip, 1);
    dc_pf_free(&pf);
    free(gz);
    free(doc);
}

static void test_trailing_data(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    size_t n = strlen(doc);
    char *more = malloc(2 * n + 8);
    unsigned char *gz, *gz2;
    size_t gzlen;
    struct dc_probefile pf;
    char *detail = NULL;

    sprintf(more, "%s \n\t", doc); /* whitespace is fine */
    assert_int_equal(parse_text(more), DC_PF_OK);
    sprintf(more, "%sx", doc);
    assert_int_equal(parse_text(more), DC_PF_ERR_JSON);
    sprintf(more, "%s%s", doc, doc);
    assert_int_equal(parse_text(more), DC_PF_ERR_JSON);
    sprintf(more, "%s\n{}", doc);
    assert_int_equal(parse_text(more), DC_PF_ERR_JSON);

    /* After a gzip member: another member is gzip, anything else is not. */
    gz = pu_gzip(doc, n, &gzlen);
    gz2 = malloc(gzlen * 2 + 4);
    memcpy(gz2, gz, gzlen);
    memcpy(gz2 + gzlen, "\0\0\0\0", 4);
    assert_int_equal(dc_pf_parse(gz2, gzlen + 4, &pf, &detail), DC_PF_ERR_GZIP);
    assert_non_null(strstr(detail, "trailing"));
    free(detail);
    {
        size_t l1, l2;
        unsigned char *a = pu_gzip(doc, n / 2, &l1), *b = pu_gzip(doc + n / 2, n - n / 2, &l2);

        memcpy(gz2, a, l1);
        memcpy(gz2 + l1, b, l2);
        assert_int_equal(dc_pf_parse(gz2, l1 + l2, &pf, NULL), DC_PF_OK);
        dc_pf_free(&pf);
        free(a);
        free(b);
    }
    free(gz2);
    free(gz);
    free(more);
    free(doc);
}

static void test_bad_gzip(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    size_t gzlen;
    unsigned char *gz = pu_gzip(doc, strlen(doc), &gzlen);
    struct dc_probefile pf;
    char *detail = NULL;

    for (size_t cut = 2; cut < gzlen; cut += 7) {
        assert_int_equal(dc_pf_parse(gz, cut, &pf, &detail), DC_PF_ERR_GZIP);
        free(detail);
        detail = NULL;
    }
    gz[gzlen - 5] ^= 0x40; /* the CRC */
    assert_int_equal(dc_pf_parse(gz, gzlen, &pf, &detail), DC_PF_ERR_GZIP);
    free(detail);
    free(gz);
    free(doc);
}

static void test_not_json(void **state)
{
    struct dc_probefile pf;
    char *detail = NULL;

    assert_int_equal(dc_pf_parse("", 0, &pf, &detail), DC_PF_ERR_JSON);
    free(detail);
    assert_int_equal(parse_text("not json"), DC_PF_ERR_JSON);
    assert_int_equal(parse_text("{\"summary\":{}"), DC_PF_ERR_JSON);
    assert_int_equal(parse_text("\"summary\""), DC_PF_ERR_JSON);
    assert_int_equal(parse_text("{\"summary\":{\"a\":\"\xff\"}}"), DC_PF_ERR_JSON);
    /* Duplicate keys: which one counts would depend on the parser. */
    assert_int_equal(parse_edited("\"user\":\"alice\"", "\"user\":\"alice\",\"user\":\"bob\""),
                     DC_PF_ERR_JSON);
    /* Deep nesting is bounded by the parser, not the stack. */
    {
        size_t depth = 100000;
        char *deep = malloc(2 * depth + 1);

        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        deep[2 * depth] = '\0';
        assert_int_equal(parse_text(deep), DC_PF_ERR_JSON);
        free(deep);
    }
}

static void test_structure(void **state)
{
    assert_int_equal(parse_text("[]"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_text("{}"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_text("{\"summary\":{},\"categories\":[],\"checksum_algorithm\":"
                                "\"hmac-sha256\"}"),
                     DC_PF_ERR_SCHEMA);
    /* Order and unknown keys. */
    assert_int_equal(parse_edited("{\"summary\":", "{\"x\":1,\"summary\":"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"checksum_algorithm\"", "\"x\":1,\"checksum_algorithm\""),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"checksum\":", "\"extra\":true,\"checksum\":"),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_text("{\"categories\":[],\"summary\":{},\"checksum_algorithm\":"
                                "\"hmac-sha256\",\"checksum\":\"" TEST_KEY "\"}"),
                     DC_PF_ERR_SCHEMA);
    /* Types of the top-level values. */
    assert_int_equal(parse_edited("{\"summary\":{", "{\"summary\":[{"), DC_PF_ERR_JSON);
    assert_int_equal(parse_text("{\"summary\":[],\"categories\":[],\"checksum_algorithm\":"
                                "\"hmac-sha256\",\"checksum\":\"" TEST_KEY "\"}"),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_text("{\"summary\":{},\"categories\":{},\"checksum_algorithm\":"
                                "\"hmac-sha256\",\"checksum\":\"" TEST_KEY "\"}"),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_text("{\"summary\":{},\"categories\":[],\"checksum_algorithm\":"
                                "\"hmac-sha256\",\"checksum\":\"" TEST_KEY "\"}"),
                     DC_PF_OK);
    assert_int_equal(parse_edited("\"hmac-sha256\"", "\"hmac-sha1\""), DC_PF_ERR_ALGORITHM);
    assert_int_equal(parse_edited("\"hmac-sha256\"", "\"HMAC-SHA256\""), DC_PF_ERR_ALGORITHM);
    assert_int_equal(parse_edited("\"hmac-sha256\"", "7"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"checksum\":\"", "\"checksum\":\"A"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"checksum\":\"", "\"checksum\":\"0"), DC_PF_ERR_SCHEMA);
    /* Summary fields. */
    assert_int_equal(parse_edited("\"uid\":1000", "\"uid\":-1"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"uid\":1000", "\"uid\":\"1000\""), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"uid\":1000", "\"uid\":4294967295"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"user\":\"alice\"", "\"user\":7"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"hostname\":\"node1\"", "\"hostname\":null"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("2026-01-08T00:00:00Z", "2026-01-08 00:00:00"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z"),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"expires_at\":\"2026-01-08T00:00:00Z\"", "\"expires_at\":1"),
                     DC_PF_ERR_SCHEMA);
    /* Categories. */
    assert_int_equal(parse_edited("[{\"type\":0,", "[7,{\"type\":0,"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"type\":0", "\"type\":\"0\""), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"type\":0,", ""), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"name\":\"sys\"", "\"name\":[]"), DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"functions\":[\"fopen\"]", "\"functions\":\"fopen\""),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"functions\":[\"fopen\"]", "\"functions\":[\"fopen\",3]"),
                     DC_PF_ERR_SCHEMA);
    assert_int_equal(parse_edited("\"include_offsets\":false", "\"include_offsets\":0.5"),
                     DC_PF_ERR_SCHEMA);
    /* Control characters anywhere in what is signed. */
    assert_int_equal(parse_edited("\"node1\"", "\"node\\n1\""), DC_PF_ERR_CONTROL);
    assert_int_equal(parse_edited("\"openat\"", "\"open\\u001bat\""), DC_PF_ERR_CONTROL);
    assert_int_equal(parse_edited("\"include_offsets\"", "\"include\\toffsets\""),
                     DC_PF_ERR_CONTROL);
    assert_int_equal(parse_edited("\"fopen\"", "\"f\\u0000open\""), DC_PF_ERR_JSON);
    /* Keys we do not know inside summary and categories are signed data: kept. */
    assert_int_equal(parse_edited("\"uid\":1000", "\"uid\":1000,\"key_id\":\"k1\""), DC_PF_OK);
    assert_int_equal(parse_edited("\"name\":\"sys\"", "\"name\":\"sys\",\"x\":{\"y\":[null]}"),
                     DC_PF_OK);
}

static void test_plain_too_large(void **state)
{
    size_t n = (size_t)DC_PF_MAX_DECOMPRESSED + 1;
    char *big = malloc(n);
    struct dc_probefile pf;
    char *detail = NULL;

    memset(big, ' ', n);
    assert_int_equal(dc_pf_parse(big, n, &pf, &detail), DC_PF_ERR_TOO_LARGE);
    free(detail);
    free(big);
}

/* A gzip file of ~1 MiB that inflates to 1 GiB of zeros, built without ever holding 1 GiB:
 * each 1 MiB block is compressed after a full flush (no history), so its bytes repeat. */
static unsigned char *make_bomb(size_t *len, size_t *inflated)
{
    const size_t chunk = 1 << 20, count = 1024;
    unsigned char *zeros = calloc(1, chunk), *first, *block, *fin, *out;
    size_t cap = 64 << 10, firstlen, blocklen, finlen, pos;
    uLong crc = crc32(0L, Z_NULL, 0), crc1;
    z_stream zs;

    first = malloc(cap);
    block = malloc(cap);
    fin = malloc(cap);
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
#define FEED(buf, blen, data, dlen, flush)                                                         \
    do {                                                                                           \
        zs.next_in = (data);                                                                       \
        zs.avail_in = (uInt)(dlen);                                                                \
        zs.next_out = (buf);                                                                       \
        zs.avail_out = (uInt)cap;                                                                  \
        deflate(&zs, (flush));                                                                     \
        assert_int_equal(zs.avail_in, 0);                                                          \
        assert_true(zs.avail_out > 0);                                                             \
        (blen) = cap - zs.avail_out;                                                               \
    } while (0)
    FEED(first, firstlen, zeros, chunk, Z_FULL_FLUSH); /* gzip header + block */
    FEED(block, blocklen, zeros, chunk, Z_FULL_FLUSH);
    FEED(fin, finlen, zeros, chunk, Z_FULL_FLUSH);
    assert_int_equal(finlen, blocklen);
    assert_memory_equal(fin, block, blocklen); /* the repetition holds */
    FEED(fin, finlen, zeros, 0, Z_FINISH);     /* last block + trailer (fixed below) */
#undef FEED
    deflateEnd(&zs);
    crc1 = crc32(crc, zeros, (uInt)chunk);
    for (size_t i = 0; i < count; i++)
        crc = crc32_combine(crc, crc1, (z_off_t)chunk);
    out = malloc(firstlen + (count - 1) * blocklen + finlen);
    memcpy(out, first, firstlen);
    pos = firstlen;
    for (size_t i = 1; i < count; i++, pos += blocklen)
        memcpy(out + pos, block, blocklen);
    memcpy(out + pos, fin, finlen);
    pos += finlen;
    for (int i = 0; i < 4; i++) {
        out[pos - 8 + i] = (unsigned char)(crc >> (8 * i));
        out[pos - 4 + i] = (unsigned char)(((uint64_t)chunk * count) >> (8 * i));
    }
    *len = pos;
    *inflated = chunk * count;
    free(zeros);
    free(first);
    free(block);
    free(fin);
    return out;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_gzip_bomb(void **state)
{
    size_t len, inflated, total = 0;
    unsigned char *bomb = make_bomb(&len, &inflated);
    struct dc_probefile pf;
    char *detail = NULL;
    long rss_before;
    double t0, took;

    /* It really is a valid gzip of 1 GiB (counted in a small buffer). */
    {
        z_stream zs;
        unsigned char *sink = malloc(1 << 20);
        int rc;

        memset(&zs, 0, sizeof(zs));
        assert_int_equal(inflateInit2(&zs, 31), Z_OK);
        zs.next_in = bomb;
        zs.avail_in = (uInt)len;
        do {
            zs.next_out = sink;
            zs.avail_out = 1 << 20;
            rc = inflate(&zs, Z_NO_FLUSH);
            total += (1 << 20) - zs.avail_out;
        } while (rc == Z_OK);
        assert_int_equal(rc, Z_STREAM_END);
        inflateEnd(&zs);
        free(sink);
    }
    assert_int_equal(total, (size_t)1 << 30);
    assert_true(len < (2u << 20));
    pu_write(in_dir("bomb.json.gz"), bomb, len);

    rss_before = maxrss_kib();
    t0 = now_s();
    assert_int_equal(dc_pf_read(in_dir("bomb.json.gz"), 0, &pf, &detail), DC_PF_ERR_TOO_LARGE);
    took = now_s() - t0;
    print_message("1 GiB gzip bomb (%zu bytes) refused in %.3f s, max RSS +%ld KiB: %s\n", len,
                  took, maxrss_kib() - rss_before, detail);
    assert_true(took < 5.0);
    /* The cap (16 MiB) plus one realloc copy, not the gigabyte. */
    assert_true(maxrss_kib() - rss_before < 80 * 1024);
    free(detail);
    free(bomb);
}

static void test_file_kinds(void **state)
{
    char *doc = pu_doc(TEST_SUMMARY, TEST_CATEGORIES, TEST_KEY);
    struct dc_probefile pf;
    char *detail = NULL;
    char target[PATH_MAX];

    pu_write(in_dir("real.json"), doc, strlen(doc));
    snprintf(target, sizeof(target), "%s", in_dir("real.json"));
    assert_int_equal(symlink(target, in_dir("link.json")), 0);
    assert_int_equal(dc_pf_read(in_dir("link.json"), 0, &pf, &detail), DC_PF_ERR_IO);
    assert_non_null(strstr(detail, "symbolic link"));
    free(detail);
    assert_int_equal(dc_pf_read(in_dir("link.json"), 1, &pf, NULL), DC_PF_OK);
    dc_pf_free(&pf);
    assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
    assert_int_equal(dc_pf_read(in_dir("fifo"), 0, &pf, &detail), DC_PF_ERR_IO);
    free(detail);
    assert_int_equal(dc_pf_read(dir, 0, &pf, &detail), DC_PF_ERR_IO);
    free(detail);
    assert_int_equal(dc_pf_read(in_dir("missing"), 0, &pf, &detail), DC_PF_ERR_IO);
    free(detail);
    pu_write(in_dir("empty"), "", 0);
    assert_int_equal(dc_pf_read(in_dir("empty"), 0, &pf, &detail), DC_PF_ERR_JSON);
    free(detail);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_bomb), /* first: its RSS measure wants a small process */
        cmocka_unit_test(test_plain_and_gzip), cmocka_unit_test(test_trailing_data),
        cmocka_unit_test(test_bad_gzip),       cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_structure),      cmocka_unit_test(test_plain_too_large),
        cmocka_unit_test(test_file_kinds),
    };

    return cmocka_run_group_tests_name("probefile read", tests, setup, teardown);
}
