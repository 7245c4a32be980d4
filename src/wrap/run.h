/* SPDX-License-Identifier: BSD-3-Clause */
/* run.h - find and exec the wrapped command with shell-like exit codes. */
#ifndef DC_WRAP_RUN_H
#define DC_WRAP_RUN_H

/* Replace this process with argv[0]; returns only on failure: 127 not found, 126 not runnable. */
int wrap_run(char **argv);

#endif
