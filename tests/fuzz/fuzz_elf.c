/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_elf.c - libFuzzer target for the ELF readers of binary and USDT captures
 * (dc_elfsyms_read_mem, dc_usdt_read_mem): any bytes give symbols or an error, never a crash,
 * and what is returned is consistent (offsets inside the file, names usable as probe names,
 * sorted and unique).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfsyms.h"
#include "usdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_syms(const struct dc_elfsyms *s, size_t size)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *n = s->v[i].name;

        if (!n[0] || strchr(n, ':') || strlen(n) > DC_ELF_NAME_MAX + 256 || s->v[i].offset >= size)
            abort();
        if (i > 0) {
            int c = strcmp(s->v[i - 1].name, n);

            if (c > 0 || (c == 0 && s->v[i - 1].offset >= s->v[i].offset))
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_elfsyms syms;
    struct dc_usdt u;
    char err[512];
    unsigned char *buf = malloc(size ? size : 1);

    if (!buf)
        return 0;
    /* the readers may modify their buffer (libelf converts in place): one copy each */
    memcpy(buf, data, size);
    if (dc_elfsyms_read_mem(buf, size, &a, &syms, err, sizeof(err)) == 0)
        check_syms(&syms, size);
    else if (!err[0])
        abort();
    dc_elfsyms_free(&syms);
    memcpy(buf, data, size);
    if (dc_usdt_read_mem(buf, size, &a, &u, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < u.n; i++)
            if (!u.v[i].provider[0] || !u.v[i].name[0] || u.v[i].offset >= size)
                abort();
    }
    dc_usdt_free(&u);
    dc_arena_free(&a);
    free(buf);
    return 0;
}
