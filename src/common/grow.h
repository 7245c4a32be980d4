/* SPDX-License-Identifier: BSD-3-Clause */
/* grow.h - room for one more element in a growing array (capacity doubles). */
#ifndef DC_GROW_H
#define DC_GROW_H

#include <stddef.h>

/*
 * *arrp points to an array of *cap elements of elem bytes, n of them in use. When n == *cap,
 * reallocate it to twice the capacity (first when empty). Returns 0, or -1 with errno ENOMEM
 * (on overflow too), the array and *cap unchanged.
 */
int dc_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first);

#endif
