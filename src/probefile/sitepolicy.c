/* SPDX-License-Identifier: BSD-3-Clause */
/* sitepolicy.c - the site's probe policy and the return-probe rule (see sitepolicy.h). */
#include "sitepolicy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "path.h"
#include "probefile.h"

const char *const dc_sp_syscall_prefixes[] = {
    "sys_", "__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_",
};
const size_t dc_sp_nsyscall_prefixes =
    sizeof(dc_sp_syscall_prefixes) / sizeof(dc_sp_syscall_prefixes[0]);

const char *dc_sp_syscall_base(const char *fn)
{
    for (size_t i = 0; i < dc_sp_nsyscall_prefixes; i++) {
        size_t n = strlen(dc_sp_syscall_prefixes[i]);

        if (strncmp(fn, dc_sp_syscall_prefixes[i], n) == 0 && fn[n])
            return fn + n;
    }
    return fn;
}

void dc_sp_free(struct dc_site_policy *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->rules[i].target);
        free(p->rules[i].function);
    }
    free(p->rules);
    p->rules = NULL;
    p->n = 0;
}

/* "*" or "1" or "1,3": the bit set of argument indexes (0..63). */
static int parse_args(const char *s, unsigned long long *out)
{
    *out = 0;
    if (strcmp(s, "*") == 0) {
        *out = ~0ull;
        return 0;
    }
    while (*s) {
        char *end;
        unsigned long v;

        if (*s < '0' || *s > '9')
            return -1;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || v > 63)
            return -1;
        *out |= 1ull << v;
        s = end;
        if (*s == ',' && s[1])
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

static int parse_line(struct dc_site_policy *p, char *line, unsigned lineno, const char *name,
                      char *err, size_t errlen)
{
    char *f[5], *save = NULL;
    int n = 0;
    struct dc_sp_rule r = {.line = lineno};

    line += strspn(line, " \t\r");
    if (*line == '#' || *line == '\0')
        return 0;
    for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
        if (n == 5 || strlen(t) > DC_SP_MAX_FIELD) {
            snprintf(err, errlen, "%s:%u: too many or too long fields", name, lineno);
            return -1;
        }
        f[n++] = t;
    }
    if (strcmp(f[0], "capture") == 0 && n == 4) {
        r.verb = DC_SP_CAPTURE;
        if (parse_args(f[3], &r.args) < 0) {
            snprintf(err, errlen,
                     "%s:%u: arguments must be \"*\" or indexes from 0 to 63 like 1,3: \"%s\"",
                     name, lineno, f[3]);
            return -1;
        }
    } else if (strcmp(f[0], "return") == 0 && n == 3) {
        r.verb = DC_SP_RETURN;
    } else {
        snprintf(err, errlen,
                 "%s:%u: expected \"capture TARGET FUNCTION ARGUMENTS\" or \"return TARGET "
                 "FUNCTION\"",
                 name, lineno);
        return -1;
    }
    if (r.verb == DC_SP_RETURN && (strcmp(f[1], "syscall") == 0 || strcmp(f[1], "kernel") == 0)) {
        snprintf(err, errlen, "%s:%u: return rules are for binaries, not \"%s\"", name, lineno,
                 f[1]);
        return -1;
    }
    if (p->n == DC_SP_MAX_RULES) {
        snprintf(err, errlen, "%s:%u: more than %d rules", name, lineno, DC_SP_MAX_RULES);
        return -1;
    }
    r.target = strdup(f[1]);
    r.function = strdup(f[2]);
    if (!r.target || !r.function) {
        free(r.target);
        free(r.function);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    p->rules[p->n++] = r;
    return 0;
}

int dc_sp_parse(struct dc_site_policy *p, const char *text, size_t len, const char *name, char *err,
                size_t errlen)
{
    char *buf, *line, *next;
    unsigned lineno = 0;
    size_t lines = 1;
    int rc = 0;

    memset(p, 0, sizeof(*p));
    snprintf(p->source, sizeof(p->source), "%s", name);
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: contains a NUL byte", name);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    buf = malloc(len + 1);
    p->rules = calloc(lines < DC_SP_MAX_RULES ? lines : DC_SP_MAX_RULES, sizeof(*p->rules));
    if (!buf || !p->rules) {
        free(buf);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    for (line = buf; line && rc == 0; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        rc = parse_line(p, line, lineno, name, err, errlen);
    }
    free(buf);
    if (rc < 0)
        dc_sp_free(p);
    return rc;
}

int dc_sp_load(struct dc_site_policy *p, const char *path, int trust_any_owner, char *err,
               size_t errlen)
{
    struct dc_path_verdict v;
    size_t len = 0;
    char *text;
    int rc;

    memset(p, 0, sizeof(*p));
    snprintf(p->source, sizeof(p->source), "%s", path);
    rc = dc_path_is_secure(path, DC_PATH_REGULAR, &v);
    if (rc <= 0 && v.reason == DC_PATH_MISSING) {
        p->missing = 1;
        return 0;
    }
    if (rc < 0 || (rc == 0 && !trust_any_owner)) {
        snprintf(err, errlen, "%s", v.message);
        return -1;
    }
    text = dc_conf_read_file(path, DC_CONF_SIZE_MAX, &len, err, errlen);
    if (!text)
        return -1;
    rc = dc_sp_parse(p, text, len, path, err, errlen);
    free(text);
    return rc;
}

/* The name a rule matches: no "@VERSION", no ":0xOFFSET", syscalls without their prefix. */
static void rule_name(json_int_t type, const char *fn, char *out, size_t outlen)
{
    size_t n;

    if (type == DC_PF_SYSCALLS)
        fn = dc_sp_syscall_base(fn);
    n = strcspn(fn, type == DC_PF_UPROBE || type == DC_PF_USDT ? "@:" : "");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, fn, n);
    out[n] = '\0';
}

/* FUNCTION is one pattern or several separated by ',': any of them matches. */
static int function_matches(const char *list, const char *name)
{
    char pat[DC_SP_MAX_FIELD + 1];

    while (*list) {
        size_t n = strcspn(list, ",");

        memcpy(pat, list, n);
        pat[n] = '\0';
        if (n && fnmatch(pat, name, 0) == 0)
            return 1;
        list += n;
        if (*list == ',')
            list++;
    }
    return 0;
}

static int target_matches(const struct dc_sp_rule *r, json_int_t type, const char *binary)
{
    if (type == DC_PF_SYSCALLS)
        return strcmp(r->target, "syscall") == 0;
    if (type == DC_PF_KPROBE)
        return strcmp(r->target, "kernel") == 0;
    return binary && strcmp(r->target, "syscall") != 0 && strcmp(r->target, "kernel") != 0 &&
           fnmatch(r->target, binary, 0) == 0;
}

int dc_sp_capture_allowed(const struct dc_site_policy *p, json_int_t type, const char *binary,
                          const char *fn, unsigned arg)
{
    char name[4096 + 1];

    if (arg > 63)
        return 0;
    rule_name(type, fn, name, sizeof(name));
    for (size_t i = 0; i < p->n; i++) {
        const struct dc_sp_rule *r = &p->rules[i];

        if (r->verb == DC_SP_CAPTURE && (r->args >> arg & 1) && target_matches(r, type, binary) &&
            function_matches(r->function, name))
            return 1;
    }
    return 0;
}

int dc_sp_return_allowed(const struct dc_site_policy *p, const char *binary, const char *fn)
{
    char name[4096 + 1];

    rule_name(DC_PF_UPROBE, fn, name, sizeof(name));
    for (size_t i = 0; i < p->n; i++) {
        const struct dc_sp_rule *r = &p->rules[i];

        if (r->verb == DC_SP_RETURN && target_matches(r, DC_PF_UPROBE, binary) &&
            function_matches(r->function, name))
            return 1;
    }
    return 0;
}

/* The words of a C type, qualifiers dropped: exactly one byte type under one '*' (or '[').
 * "signed"/"unsigned" are dropped too, so "unsigned *" (an int) has no word and is not. */
int dc_sp_is_capture(const char *c_type, int is_pointer)
{
    static const char *const skip[] = {"const",        "volatile",  "restrict", "__restrict",
                                       "__restrict__", "__user",    "__force",  "signed",
                                       "unsigned",     "__signed__"};
    static const char *const bytes[] = {"char", "void", "int8_t",  "uint8_t", "u8",      "s8",
                                        "__u8", "__s8", "char8_t", "u_char",  "u_int8_t"};
    const char *p = c_type ? c_type : "";
    int stars = 0, words = 0, byte = 0;

    while (*p) {
        size_t w = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        size_t i;

        if (w == 0) {
            stars += *p == '*' || *p == '[';
            p++;
            continue;
        }
        for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
            if (strlen(skip[i]) == w && strncmp(p, skip[i], w) == 0)
                break;
        if (i == sizeof(skip) / sizeof(skip[0])) {
            words++;
            for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++)
                if (strlen(bytes[i]) == w && strncmp(p, bytes[i], w) == 0)
                    byte++;
        }
        p += w;
    }
    return (stars == 1 || (stars == 0 && is_pointer)) && words == 1 && byte == 1;
}

/* The return-probe table: a name (after the normalisation below) and how it is matched. */
struct ret_rule {
    const char *name;
    int substring; /* anywhere in the name (the setjmp spellings are many) */
    enum dc_ret_class cls;
};

static const struct ret_rule ret_rules[] = {
    {"setjmp", 1, DC_RET_JUMPS},
    {"longjmp", 1, DC_RET_JUMPS},
    {"getcontext", 1, DC_RET_JUMPS},
    {"setcontext", 1, DC_RET_JUMPS},
    {"swapcontext", 1, DC_RET_JUMPS},
    {"makecontext", 1, DC_RET_JUMPS},
    {"vfork", 0, DC_RET_JUMPS},
    {"clone", 0, DC_RET_JUMPS},
    {"clone3", 0, DC_RET_JUMPS},
    {"clone_internal", 0, DC_RET_JUMPS},
    {"fork_compat", 0, DC_RET_JUMPS},
    {"exit", 0, DC_RET_NEVER},
    {"Exit", 0, DC_RET_NEVER},
    {"quick_exit", 0, DC_RET_NEVER},
    {"exit_thread", 0, DC_RET_NEVER},
    {"pthread_exit", 0, DC_RET_NEVER},
    {"thrd_exit", 0, DC_RET_NEVER},
    {"abort", 0, DC_RET_NEVER},
    {"libc_start_main", 0, DC_RET_NEVER},
    {"libc_start_call_main", 0, DC_RET_NEVER},
    {"restore_rt", 0, DC_RET_NEVER},
    {"start", 0, DC_RET_NEVER},
    {"start_context", 0, DC_RET_NEVER},
    {"assert_fail", 0, DC_RET_NEVER},
    {"assert_perror_fail", 0, DC_RET_NEVER},
    {"assert", 0, DC_RET_NEVER},
    {"stack_chk_fail", 0, DC_RET_NEVER},
    {"stack_chk_fail_local", 0, DC_RET_NEVER},
    {"fortify_fail", 0, DC_RET_NEVER},
    {"chk_fail", 0, DC_RET_NEVER},
    {"libc_fatal", 0, DC_RET_NEVER},
    {"err", 0, DC_RET_NEVER},
    {"errx", 0, DC_RET_NEVER},
    {"verr", 0, DC_RET_NEVER},
    {"verrx", 0, DC_RET_NEVER},
    {"execve", 0, DC_RET_NEVER},
    {"execveat", 0, DC_RET_NEVER},
    {"fexecve", 0, DC_RET_NEVER},
    {"execv", 0, DC_RET_NEVER},
    {"execvp", 0, DC_RET_NEVER},
    {"execvpe", 0, DC_RET_NEVER},
    {"execl", 0, DC_RET_NEVER},
    {"execle", 0, DC_RET_NEVER},
    {"execlp", 0, DC_RET_NEVER},
    {"cxa_throw", 0, DC_RET_UNWINDS},
    {"cxa_rethrow", 0, DC_RET_UNWINDS},
    {"cxa_bad_cast", 0, DC_RET_UNWINDS},
    {"cxa_bad_typeid", 0, DC_RET_UNWINDS},
    {"cxa_throw_bad_array_new_length", 0, DC_RET_UNWINDS},
    {"cxa_call_unexpected", 0, DC_RET_UNWINDS},
    {"cxa_pure_virtual", 0, DC_RET_UNWINDS},
    {"cxa_deleted_virtual", 0, DC_RET_UNWINDS},
    {"Unwind_RaiseException", 0, DC_RET_UNWINDS},
    {"Unwind_Resume", 0, DC_RET_UNWINDS},
    {"Unwind_ForcedUnwind", 0, DC_RET_UNWINDS},
    {"Unwind_Resume_or_Rethrow", 0, DC_RET_UNWINDS},
};

static const char *ret_why(enum dc_ret_class c)
{
    switch (c) {
    case DC_RET_JUMPS:
        return "it returns twice or jumps away (setjmp/longjmp/context family, vfork, clone): "
               "a return probe would crash the program";
    case DC_RET_NEVER: return "it never returns: a return probe would only be left behind";
    case DC_RET_UNWINDS:
        return "it leaves by throwing a C++ exception, which cannot unwind through a return "
               "probe: the program would be terminated";
    case DC_RET_MAY_THROW:
        return "it is a C++ function that may throw, and an exception cannot unwind through a "
               "return probe";
    case DC_RET_OK: break;
    }
    return NULL;
}

enum dc_ret_class dc_sp_return_class(const char *symbol, const char **why)
{
    enum dc_ret_class cls = DC_RET_OK;
    char base[4096 + 1];
    const char *b = base;
    size_t n = strcspn(symbol, "@:");

    if (n >= sizeof(base))
        n = sizeof(base) - 1;
    memcpy(base, symbol, n);
    base[n] = '\0';
    if (strncmp(base, "_Z", 2) == 0 || strncmp(base, "__Z", 3) == 0) {
        /* std::__throw_logic_error and friends always throw; std::terminate never returns. */
        cls = strstr(base, "__throw_")    ? DC_RET_UNWINDS
              : strstr(base, "terminate") ? DC_RET_NEVER
                                          : DC_RET_MAY_THROW;
        goto out;
    }
    /* glibc's internal spellings: __GI___longjmp, __sigsetjmp, _exit, __libc_start_main. */
    if (strncmp(b, "__GI_", 5) == 0)
        b += 5;
    while (*b == '_')
        b++;
    for (size_t i = 0; i < sizeof(ret_rules) / sizeof(ret_rules[0]) && !cls; i++)
        if (ret_rules[i].substring ? strstr(b, ret_rules[i].name) != NULL
                                   : strcmp(b, ret_rules[i].name) == 0)
            cls = ret_rules[i].cls;
    if (!cls && strncmp(b, "throw_", 6) == 0)
        cls = DC_RET_UNWINDS; /* C spellings of the __throw_* helpers */
out:
    if (why)
        *why = ret_why(cls);
    return cls;
}
