/* SPDX-License-Identifier: BSD-3-Clause */
/* jsonscan.c - value counting outside JSON strings (see jsonscan.h). */
#include "jsonscan.h"

void dc_jsonscan_feed(struct dc_jsonscan *s, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];

        if (s->in_string) {
            if (s->escaped)
                s->escaped = 0;
            else if (c == '\\')
                s->escaped = 1;
            else if (c == '"')
                s->in_string = 0;
        } else if (c == '"') {
            s->in_string = 1;
        } else if (c == ',' || c == '[' || c == '{') {
            s->values++;
        }
    }
}
