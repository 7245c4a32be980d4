/* SPDX-License-Identifier: BSD-3-Clause */
/* fixture_lib.c - a shared library fixture (tracking one must be refused). */
int fixture_lib_answer(void);

int fixture_lib_answer(void)
{
    return 42;
}
