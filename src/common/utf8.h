/* SPDX-License-Identifier: BSD-3-Clause */
/* utf8.h - strict UTF-8 (RFC 3629), the one check every JSON writer and reader here shares. */
#ifndef DC_UTF8_H
#define DC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1 to 4) of the valid UTF-8 sequence that starts s, reading at most n bytes; 0 when n
 * is 0 or the bytes are not UTF-8: no overlongs, no surrogates, nothing past U+10FFFF. A byte
 * below 0x80 (NUL too) is a sequence of 1. */
size_t dc_utf8_seq(const unsigned char *s, size_t n);

/* Whether all n bytes of s are valid UTF-8 (NUL bytes included, as U+0000). */
bool dc_utf8_valid(const void *s, size_t n);

#endif
