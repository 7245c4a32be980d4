/* SPDX-License-Identifier: BSD-3-Clause */
/* utf8.c - strict UTF-8 sequences (see utf8.h). */
#include "utf8.h"

size_t dc_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c, cp;
    size_t len;

    if (n == 0)
        return 0;
    c = s[0];
    if (c < 0x80)
        return 1;
    /* C0, C1 and F5..FF never start a sequence: only overlongs or values past U+10FFFF would. */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* The overlongs E0 80..9F and F0 80..8F, F4 90 and above, and the UTF-16 surrogates. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

bool dc_utf8_valid(const void *s, size_t n)
{
    const unsigned char *p = s;
    size_t i = 0;

    while (i < n) {
        size_t len = dc_utf8_seq(p + i, n - i);

        if (len == 0)
            return false;
        i += len;
    }
    return true;
}
