/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.h - the one clock deadlines and timeouts are measured with. */
#ifndef DC_CLOCK_H
#define DC_CLOCK_H

/* Milliseconds of CLOCK_MONOTONIC: never jumps with the wall clock. */
long long dc_now_ms(void);

#endif
