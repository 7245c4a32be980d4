/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.c - monotonic milliseconds (see clock.h). */
#include "clock.h"

#include <time.h>

long long dc_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
