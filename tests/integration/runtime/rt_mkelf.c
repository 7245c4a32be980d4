/* SPDX-License-Identifier: BSD-3-Clause */
/* rt_mkelf OUT NLOADS NSYMS - write a crafted ELF file (tests/unit/runtime/mkelf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkelf.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: rt_mkelf OUT NLOADS NSYMS\n");
        return 2;
    }
    if (mkelf_write(argv[1], strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10)) < 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
