/* SPDX-License-Identifier: BSD-3-Clause */
/* pfutil.h - building probe files for the tests: signed documents, gzip, temp files. */
#ifndef DC_PF_TEST_UTIL_H
#define DC_PF_TEST_UTIL_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "probefile/probefile.h"

#define TEST_KEY "4f1b0c2e9a7d6b3c5e8f0a1d2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f7"

#define TEST_SUMMARY                                                                               \
    "{\"config_file_path\":\"/home/alice/host.yaml\",\"probe_file_path\":"                         \
    "\"/home/alice/p.json.gz\",\"hostname\":\"node1\",\"user\":\"alice\",\"install_user\":"        \
    "\"root\",\"uid\":1000,\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":"                 \
    "\"2026-01-08T00:00:00Z\"}"
#define TEST_CATEGORIES                                                                            \
    "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"openat\",\"read\"]},{\"type\":2,\"name\":"     \
    "\"libc\",\"functions\":[\"fopen\"],\"binary_path\":\"/usr/lib/x86_64-linux-gnu/libc.so.6\","  \
    "\"include_offsets\":false}]"
/* Inside the window of TEST_SUMMARY. */
#define TEST_NOW ((time_t)1767225600 + 3600) /* 2026-01-01T01:00:00Z */

static inline json_t *pu_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);

    if (!j) {
        fprintf(stderr, "bad test JSON: %s\n", e.text);
        abort();
    }
    return j;
}

/* A signed document as compact JSON text (malloc'ed), with the given key. */
static inline char *pu_doc(const char *summary, const char *categories, const char *key)
{
    json_t *s = pu_json(summary), *c = pu_json(categories), *doc = json_object();
    char mac[DC_PF_HEX_LEN + 1];
    char *text;

    if (dc_pf_sign(s, c, key, strlen(key), mac) != DC_PF_OK)
        abort();
    json_object_set_new(doc, "summary", s);
    json_object_set_new(doc, "categories", c);
    json_object_set_new(doc, "checksum_algorithm", json_string("hmac-sha256"));
    json_object_set_new(doc, "checksum", json_string(mac));
    text = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH);
    json_decref(doc);
    return text;
}

/* gzip one member of in (malloc'ed output). */
static inline unsigned char *pu_gzip(const void *in, size_t len, size_t *outlen)
{
    z_stream zs;
    unsigned char *out;
    size_t cap;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    cap = deflateBound(&zs, len);
    out = malloc(cap);
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    *outlen = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

static inline void pu_write(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        abort();
}

#endif
