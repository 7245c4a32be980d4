/* SPDX-License-Identifier: BSD-3-Clause */
/* fixture.c - the program the ELF fixtures of the track unit tests are linked from. */
#include <stdio.h>

int main(void)
{
    puts("fixture");
    return 0;
}
