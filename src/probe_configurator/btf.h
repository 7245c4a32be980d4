/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * btf.h - kernel functions, syscalls and their argument signatures from BTF (libbpf), in place
 * of upstream's "bpftool btf dump ... format raw" and header parsing.
 *
 * The running kernel's BTF is /sys/kernel/btf/vmlinux; a module's is /sys/kernel/btf/<module>,
 * split on top of vmlinux. Another kernel's vmlinux BTF (raw or inside an ELF vmlinux) may be
 * given to generate probe files for compute nodes that run a different kernel.
 */
#ifndef DC_BTF_H
#define DC_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "argspec.h"

#define DC_BTF_VMLINUX "/sys/kernel/btf/vmlinux"
#define DC_BTF_DIR     "/sys/kernel/btf"

struct dc_btf;

/*
 * Open BTF at path (base NULL for vmlinux, else the vmlinux BTF a module's BTF is split from).
 * Signatures are allocated from a. Returns NULL with the reason in err.
 */
struct dc_btf *dc_btf_open(const char *path, const struct dc_btf *base, struct dc_arena *a,
                           char *err, size_t errlen);
void dc_btf_close(struct dc_btf *b);

/* The functions (FUNC entries) of this BTF, one per name (the first), in type id order. */
size_t dc_btf_nfuncs(const struct dc_btf *b);
const char *dc_btf_func_name(const struct dc_btf *b, size_t i);
/* The signature of function i (cached; NULL when its prototype cannot be rendered). */
const struct dc_sig *dc_btf_func_sig(struct dc_btf *b, size_t i);
/* Position of a function by name, or -1. */
long dc_btf_find(const struct dc_btf *b, const char *name);
long dc_btf_find_len(const struct dc_btf *b, const char *name, size_t len);

/*
 * The prefix of this kernel's syscall entry points: "__x64_sys_" on x86-64, "__arm64_sys_"
 * on arm64, ..., found from the functions themselves; "sys_" when the kernel does not wrap them.
 */
const char *dc_btf_syscall_prefix(struct dc_btf *b);
/* Where the BTF came from, for messages. */
const char *dc_btf_path(const struct dc_btf *b);

#endif
