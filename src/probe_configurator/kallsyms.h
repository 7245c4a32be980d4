/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kallsyms.h - the kernel's text symbols from /proc/kallsyms ("addr type name [module]"),
 * types T and t, module symbols included: the names a kprobe can attach to. Names are kept in
 * file order (a name may repeat: static functions of different files); the set for lookups by
 * name is built on the first lookup (captures that only walk the list never pay for it).
 */
#ifndef DC_KALLSYMS_H
#define DC_KALLSYMS_H

#include <stddef.h>

#include "strmap.h"

#define DC_KALLSYMS_PATH     "/proc/kallsyms"
#define DC_KALLSYMS_SIZE_MAX (256u << 20)

struct dc_ksym {
    const char *name;   /* into buf */
    const char *module; /* into buf, NULL for the kernel image */
    size_t len;         /* of name */
};

struct dc_kallsyms {
    char *buf;
    struct dc_ksym *v;
    size_t n;
    struct dc_strmap set; /* built by the first dc_kallsyms_has() */
    int indexed;          /* 1 built, -1 out of memory */
    unsigned skipped;     /* malformed lines */
};

/* Returns 0 (possibly with no symbols), or -1 with the reason in err. */
int dc_kallsyms_load(const char *path, struct dc_kallsyms *k, char *err, size_t errlen);
/* The same from text in memory (tests); text is copied. */
int dc_kallsyms_parse(const char *text, size_t len, struct dc_kallsyms *k, char *err,
                      size_t errlen);
/* 1 when name[0..len) is a kernel text symbol (also when memory ran out: the signer checks
 * again), else 0. */
int dc_kallsyms_has(struct dc_kallsyms *k, const char *name, size_t len);
void dc_kallsyms_free(struct dc_kallsyms *k);

#endif
