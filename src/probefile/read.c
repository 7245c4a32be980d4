/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * read.c - load a probe file: bounded read, gzip or plain JSON, strict JSON, structure.
 * The MAC is checked separately (verify.c), so tools without the secret can still inspect.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* A gzip of at most DC_PF_MAX_DECOMPRESSED bytes is smaller than this even when stored. */
#define MAX_FILE ((size_t)DC_PF_MAX_DECOMPRESSED + (DC_PF_MAX_DECOMPRESSED >> 8) + 65536)

void dc_pf_free(struct dc_probefile *pf)
{
    if (!pf)
        return;
    json_decref(pf->doc);
    memset(pf, 0, sizeof(*pf));
}

enum dc_pf_status dc_pf_parse(const void *buf, size_t len, struct dc_probefile *pf, char **detail)
{
    const unsigned char *b = buf;
    char *plain = NULL;
    const char *text;
    size_t tlen;
    json_error_t jerr;
    json_t *doc = NULL;
    enum dc_pf_status st;

    memset(pf, 0, sizeof(*pf));
    if (detail)
        *detail = NULL;
    if (len == 0)
        return pf_fail(detail, DC_PF_ERR_JSON, "the file is empty");
    if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        st = pf_gunzip(buf, len, DC_PF_MAX_DECOMPRESSED, &plain, &tlen, detail);
        if (st != DC_PF_OK)
            return st;
        text = plain;
        pf->was_gzip = 1;
    } else {
        if (len > DC_PF_MAX_DECOMPRESSED)
            return pf_fail(detail, DC_PF_ERR_TOO_LARGE, "it is larger than %u bytes (the limit)",
                           DC_PF_MAX_DECOMPRESSED);
        text = buf;
        tlen = len;
    }
    /* Duplicate keys would make "the" value of a key depend on the parser: refuse them. Data
     * after the object (other than whitespace) is refused by jansson without
     * JSON_DISABLE_EOF_CHECK. */
    doc = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        st = pf_fail(detail, DC_PF_ERR_JSON, "line %d column %d: %s", jerr.line, jerr.column,
                     jerr.text);
        goto cleanup;
    }
    st = pf_check_schema(doc, pf, detail);
    if (st != DC_PF_OK)
        goto cleanup;
    pf->doc = doc;
    doc = NULL;
cleanup:
    if (st != DC_PF_OK) {
        int gz = pf->was_gzip;

        memset(pf, 0, sizeof(*pf));
        pf->was_gzip = gz;
    }
    json_decref(doc);
    free(plain);
    return st;
}

/* Read all of fd, at most max bytes (more is DC_PF_ERR_TOO_LARGE). */
static enum dc_pf_status slurp(int fd, size_t hint, size_t max, unsigned char **out, size_t *outlen,
                               char **detail)
{
    size_t size = (hint < max ? hint : max) + 1, used = 0;
    unsigned char *buf = malloc(size);

    if (!buf)
        return pf_fail(detail, DC_PF_ERR_NOMEM, "out of memory");
    for (;;) {
        ssize_t n;

        if (used == size) {
            size_t nsize = size > max / 2 ? max + 1 : size * 2;
            unsigned char *nbuf;

            if (size > max) {
                free(buf);
                return pf_fail(detail, DC_PF_ERR_TOO_LARGE, "the file is larger than %zu bytes",
                               max);
            }
            nbuf = realloc(buf, nsize);
            if (!nbuf) {
                free(buf);
                return pf_fail(detail, DC_PF_ERR_NOMEM, "out of memory");
            }
            buf = nbuf;
            size = nsize;
        }
        n = read(fd, buf + used, size - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;

            free(buf);
            return pf_fail(detail, DC_PF_ERR_IO, "read: %s", strerror(e));
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    *out = buf;
    *outlen = used;
    return DC_PF_OK;
}

enum dc_pf_status dc_pf_read(const char *path, int follow_symlinks, struct dc_probefile *pf,
                             char **detail)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow_symlinks ? 0 : O_NOFOLLOW);
    unsigned char *buf = NULL;
    size_t len = 0;
    struct stat st;
    enum dc_pf_status rc;
    int fd;

    memset(pf, 0, sizeof(*pf));
    if (detail)
        *detail = NULL;
    /* O_NONBLOCK: opening a FIFO must not hang; the file is checked to be regular next. */
    fd = open(path, flags);
    if (fd < 0) {
        int e = errno;

        if (e == ELOOP && !follow_symlinks)
            return pf_fail(detail, DC_PF_ERR_IO, "%s is a symbolic link", path);
        return pf_fail(detail, DC_PF_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rc = pf_fail(detail, DC_PF_ERR_IO, "%s is not a regular file", path);
        goto cleanup;
    }
    if ((size_t)st.st_size > MAX_FILE) {
        rc = pf_fail(detail, DC_PF_ERR_TOO_LARGE, "%s is larger than %zu bytes", path, MAX_FILE);
        goto cleanup;
    }
    rc = slurp(fd, (size_t)st.st_size, MAX_FILE, &buf, &len, detail);
    if (rc != DC_PF_OK)
        goto cleanup;
    rc = dc_pf_parse(buf, len, pf, detail);
cleanup:
    free(buf);
    close(fd);
    return rc;
}
