/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gz.c - gzip in memory with zlib, bounded: the output never grows past the cap, so a small
 * file that inflates to gigabytes costs at most cap bytes and stops as soon as it crosses it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

#define GZIP_WINDOW (16 + MAX_WBITS) /* zlib: gzip header and trailer, not zlib's */

/* zlib counts in uInt; feed it at most this much per call. */
#define CHUNK_MAX ((size_t)1 << 30)

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

enum dc_pf_status pf_gunzip(const void *in, size_t inlen, size_t cap, char **out, size_t *outlen,
                            char **detail)
{
    z_stream zs;
    const unsigned char *src = in;
    size_t consumed = 0, used = 0, size;
    char *buf = NULL;
    enum dc_pf_status st = DC_PF_OK;
    int zrc = Z_OK, ended = 0;

    *out = NULL;
    *outlen = 0;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, GZIP_WINDOW) != Z_OK)
        return pf_fail(detail, DC_PF_ERR_NOMEM, "cannot start zlib");
    /* Probe files compress about 10:1; start there and double, never past cap + 1. */
    size = min_size(cap + 1, inlen > (SIZE_MAX / 16) ? cap + 1 : 16 * inlen + 4096);
    buf = malloc(size + 1);
    if (!buf) {
        st = pf_fail(detail, DC_PF_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    for (;;) {
        if (used == size) {
            size_t nsize;
            char *nbuf;

            if (size > cap) {
                st = pf_fail(detail, DC_PF_ERR_TOO_LARGE,
                             "it inflates to more than %zu bytes (the limit)", cap);
                goto cleanup;
            }
            nsize = size > (cap + 1) / 2 ? cap + 1 : size * 2;
            nbuf = realloc(buf, nsize + 1);
            if (!nbuf) {
                st = pf_fail(detail, DC_PF_ERR_NOMEM, "out of memory");
                goto cleanup;
            }
            buf = nbuf;
            size = nsize;
        }
        zs.next_in = (unsigned char *)(uintptr_t)(src + consumed);
        zs.avail_in = (uInt)min_size(inlen - consumed, CHUNK_MAX);
        zs.next_out = (unsigned char *)buf + used;
        zs.avail_out = (uInt)min_size(size - used, CHUNK_MAX);
        {
            uInt in_before = zs.avail_in, out_before = zs.avail_out;

            zrc = inflate(&zs, Z_NO_FLUSH);
            consumed += in_before - zs.avail_in;
            used += out_before - zs.avail_out;
        }
        if (zrc == Z_STREAM_END) {
            if (consumed == inlen) {
                ended = 1;
                break;
            }
            /* gzip allows several members one after the other; anything else is garbage. */
            if (inlen - consumed >= 2 && src[consumed] == 0x1f && src[consumed + 1] == 0x8b) {
                if (inflateReset(&zs) != Z_OK) {
                    st = pf_fail(detail, DC_PF_ERR_GZIP, "cannot restart zlib");
                    goto cleanup;
                }
                continue;
            }
            st = pf_fail(detail, DC_PF_ERR_GZIP, "%zu bytes of trailing data after the gzip stream",
                         inlen - consumed);
            goto cleanup;
        }
        if (zrc == Z_OK)
            continue;
        if (zrc == Z_BUF_ERROR && used == size)
            continue; /* out of room: grow and go on */
        if (zrc == Z_BUF_ERROR && consumed == inlen) {
            st = pf_fail(detail, DC_PF_ERR_GZIP, "the gzip stream is truncated");
            goto cleanup;
        }
        if (zrc == Z_MEM_ERROR) {
            st = pf_fail(detail, DC_PF_ERR_NOMEM, "out of memory in zlib");
            goto cleanup;
        }
        st = pf_fail(detail, DC_PF_ERR_GZIP, "corrupt gzip data: %s",
                     zs.msg ? zs.msg : "unknown zlib error");
        goto cleanup;
    }
    if (ended && used > cap) {
        st = pf_fail(detail, DC_PF_ERR_TOO_LARGE, "it inflates to more than %zu bytes (the limit)",
                     cap);
        goto cleanup;
    }
    buf[used] = '\0';
    *out = buf;
    *outlen = used;
    buf = NULL;
cleanup:
    inflateEnd(&zs);
    free(buf);
    return st;
}

enum dc_pf_status pf_gzip(const void *in, size_t inlen, unsigned char **out, size_t *outlen)
{
    z_stream zs;
    unsigned char *buf = NULL;
    size_t size;
    enum dc_pf_status st = DC_PF_OK;

    *out = NULL;
    *outlen = 0;
    if (inlen > UINT_MAX / 2)
        return DC_PF_ERR_TOO_LARGE;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return DC_PF_ERR_NOMEM;
    size = deflateBound(&zs, (uLong)inlen);
    buf = malloc(size);
    if (!buf) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)inlen;
    zs.next_out = buf;
    zs.avail_out = (uInt)size;
    /* deflateBound guarantees one Z_FINISH call completes. */
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        st = DC_PF_ERR_NOMEM;
        goto cleanup;
    }
    *out = buf;
    *outlen = size - zs.avail_out;
    buf = NULL;
cleanup:
    deflateEnd(&zs);
    free(buf);
    return st;
}
