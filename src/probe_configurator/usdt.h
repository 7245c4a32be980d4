/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usdt.h - the USDT (SystemTap SDT) probes of a binary, from its .note.stapsdt notes: provider,
 * probe name and location (address, file offset, semaphore), as readelf -n shows them. The
 * address is corrected for prelinking with .stapsdt.base, as the SDT convention says.
 */
#ifndef DC_USDT_H
#define DC_USDT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct dc_usdt_probe {
    const char *provider; /* in the arena */
    const char *name;
    uint64_t pc;        /* the probe's address */
    uint64_t offset;    /* its file offset, 0 when no section holds the address */
    uint64_t semaphore; /* 0 when there is none */
};

struct dc_usdt {
    struct dc_usdt_probe *v; /* in file order */
    size_t n, cap;
    unsigned skipped; /* malformed notes */
};

/* Returns 0 (with no probes when the file has none), or -1 with a message in err. */
int dc_usdt_read_file(const char *path, struct dc_arena *a, struct dc_usdt *out, char *err,
                      size_t errlen);
int dc_usdt_read_mem(void *buf, size_t len, struct dc_arena *a, struct dc_usdt *out, char *err,
                     size_t errlen);
void dc_usdt_free(struct dc_usdt *u);

#endif
