/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * jsonscan.h - count JSON values before jansson builds them.
 *
 * jansson spends tens of bytes per value, so "[0,0,0,...]" costs about 30 times its size in
 * memory. Counting the separators and brackets outside strings first (no allocation, one
 * pass, works across buffer boundaries) lets the signer refuse such input before parsing it.
 */
#ifndef DC_SIGN_JSONSCAN_H
#define DC_SIGN_JSONSCAN_H

#include <stddef.h>

struct dc_jsonscan {
    size_t values; /* '[', '{' and ',' seen outside strings: an upper bound of values - 1 */
    int in_string;
    int escaped;
};

void dc_jsonscan_feed(struct dc_jsonscan *s, const void *buf, size_t len);

#endif
