/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sitepolicy.h - what a site lets its users probe beyond function entries and plain values
 * (datacrumbs-probe-policy(5)), and the return-probe rule that no policy can lift.
 *
 * The signer signs a probe file only within these rules and the configurator writes files
 * that keep to them, so both read the same policy file with the same code:
 *
 *   capture TARGET FUNCTION ARGUMENTS   the memory an argument points to may be read
 *   return  TARGET FUNCTION             C++ (mangled) functions may get return probes
 *
 * TARGET is "syscall", "kernel" or a fnmatch(3) pattern of a binary_path; FUNCTION a pattern
 * of the function name, or several separated by "," (without ":0xOFFSET" and "@VERSION"; system
 * calls by their bare name); ARGUMENTS "*" or indexes ("1" or "1,3"). Nothing is allowed that no
 * line allows.
 */
#ifndef DC_SITEPOLICY_H
#define DC_SITEPOLICY_H

#include <jansson.h>
#include <stddef.h>

#define DC_SP_MAX_RULES 10000
#define DC_SP_MAX_FIELD 1024

enum dc_sp_verb { DC_SP_CAPTURE, DC_SP_RETURN };

struct dc_sp_rule {
    enum dc_sp_verb verb;
    char *target;            /* "syscall", "kernel" or a pattern of binary paths */
    char *function;          /* pattern */
    unsigned long long args; /* bit i: argument i may be captured (capture only) */
    unsigned line;
};

struct dc_site_policy {
    struct dc_sp_rule *rules;
    size_t n;
    int missing;       /* the file did not exist: nothing is allowed */
    char source[4096]; /* the file, for messages */
};

/*
 * Parse policy text (name is used in messages). Returns 0, or -1 with "name:line: ..." in err.
 * Fields are separated by blanks; '#' starts a comment line.
 */
int dc_sp_parse(struct dc_site_policy *p, const char *text, size_t len, const char *name, char *err,
                size_t errlen);

/*
 * Load the policy file at path. It must be root's and writable by nobody else, in a directory
 * chain that is too (common/path.h), unless trust_any_owner is set (the configurator only
 * reads the rules it will be held to). A missing file is an empty policy (p->missing set).
 * Returns 0, or -1 with the reason in err.
 */
int dc_sp_load(struct dc_site_policy *p, const char *path, int trust_any_owner, char *err,
               size_t errlen);
void dc_sp_free(struct dc_site_policy *p);

/*
 * Whether argument arg of function fn may be captured: type is the category type
 * (enum dc_pf_type), binary its binary_path (uprobe, usdt) or NULL.
 */
int dc_sp_capture_allowed(const struct dc_site_policy *p, json_int_t type, const char *binary,
                          const char *fn, unsigned arg);
/* Whether the C++ function fn of binary may get a return probe (DC_RET_MAY_THROW only). */
int dc_sp_return_allowed(const struct dc_site_policy *p, const char *binary, const char *fn);

/*
 * A capture: an argument whose memory a runtime reads, i.e. one pointer to bytes (char, void,
 * int8_t, u8 and their signed/unsigned/const spellings): strings and buffers. Other pointers
 * are recorded as addresses and scalars as values, which needs no policy.
 */
int dc_sp_is_capture(const char *c_type, int is_pointer);

/*
 * Return probes (a uretprobe swaps the return address on the stack) are unsafe for functions
 * that leave other than by returning. In order of the checks:
 */
enum dc_ret_class {
    DC_RET_OK = 0,
    DC_RET_JUMPS,     /* returns twice or jumps away: setjmp/longjmp/context family, vfork */
    DC_RET_NEVER,     /* never returns: exit, abort, __assert_fail, pthread_exit, exec* */
    DC_RET_UNWINDS,   /* always leaves by an exception: __cxa_throw, std::__throw_* */
    DC_RET_MAY_THROW, /* a C++ (mangled) function: may leave by an exception */
};

/* The class of an ELF symbol ("name", "name@VERSION" or "name:0xOFFSET"); *why (if not NULL)
 * gets a sentence for messages. */
enum dc_ret_class dc_sp_return_class(const char *symbol, const char **why);

/* The bare syscall name in a function name: "__x64_sys_openat", "sys_openat" -> "openat". */
const char *dc_sp_syscall_base(const char *fn);
/* The architecture prefixes of syscall wrappers it strips (for a kernel symbol lookup). */
extern const char *const dc_sp_syscall_prefixes[];
extern const size_t dc_sp_nsyscall_prefixes;

#endif
