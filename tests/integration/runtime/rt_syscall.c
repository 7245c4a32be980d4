/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rt_syscall - for the runtime tests: say "ready" on stdout, and once a byte arrives on stdin
 * (so that the test can start watching after the program's own start), make each system call
 * NR given, in order, with every argument -1 (so each fails at once: bad descriptor, bad
 * address, bad flags), then exit. The test watches which of the kernel's own syscall events
 * each number raises. Only for the I/O syscalls of the shipped configs, which -1 makes fail.
 *
 *   rt_syscall NR... < trigger
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char go;

    if (write(STDOUT_FILENO, "ready\n", 6) != 6 || read(STDIN_FILENO, &go, 1) != 1)
        return 2;
    for (int i = 1; i < argc; i++)
        syscall(strtol(argv[i], NULL, 10), -1L, -1L, -1L, -1L, -1L, -1L);
    syscall(SYS_exit_group, 0);
    return 0;
}
