/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ksyms.h - the set of kernel function names a kprobe or syscall probe may name.
 *
 * Loaded once at start and again on SIGHUP, never per request: /proc/kallsyms (text symbols,
 * types T and t, module symbols included), or when that yields nothing (/proc/kallsyms is
 * masked by systemd's ProtectKernelTunables=, and in some containers) the FUNC entries of the
 * kernel's BTF: vmlinux and the modules that have it.
 */
#ifndef DC_SIGN_KSYMS_H
#define DC_SIGN_KSYMS_H

#include <stddef.h>

struct dc_ksyms;

/*
 * Load from a kallsyms-format file, or with path == NULL from /proc/kallsyms falling back to
 * the kernel BTF (/sys/kernel/btf/). Returns NULL with the reason in err when no symbol could
 * be read.
 */
struct dc_ksyms *dc_ksyms_load(const char *path, char *err, size_t errlen);
/* A set made from a list of names (tests, fuzzer). */
struct dc_ksyms *dc_ksyms_from_names(const char *const *names, size_t n);
void dc_ksyms_free(struct dc_ksyms *k);

/* 1 when name[0..len) is in the set. */
int dc_ksyms_has(const struct dc_ksyms *k, const char *name, size_t len);
size_t dc_ksyms_count(const struct dc_ksyms *k);
/* Where the names came from: a path, "kernel BTF" or "list". */
const char *dc_ksyms_source(const struct dc_ksyms *k);

#endif
