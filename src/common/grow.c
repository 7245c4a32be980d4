/* SPDX-License-Identifier: BSD-3-Clause */
/* grow.c - see grow.h. */
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int dc_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first)
{
    size_t want;
    void *arr, *grown;

    if (n < *cap)
        return 0;
    want = *cap ? *cap * 2 : first;
    if (want <= *cap || (elem && want > SIZE_MAX / elem)) {
        errno = ENOMEM;
        return -1;
    }
    /* arrp is a T **: the pointer is copied in and out rather than cast to void **. */
    memcpy(&arr, arrp, sizeof(arr));
    grown = realloc(arr, want * elem);
    if (!grown) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(arrp, &grown, sizeof(grown));
    *cap = want;
    return 0;
}
