/* SPDX-License-Identifier: BSD-3-Clause */
/* argspec.c - argument type rules (see argspec.h; upstream reference 4.3). */
#include "argspec.h"

#include <stdio.h>
#include <string.h>

void dc_ctype_normalise(char *s)
{
    char *w = s;
    int space = 0;

    for (char *r = s; *r; r++) {
        char c = *r;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = 1;
            continue;
        }
        if (c == '*') {
            /* One space before the first star, none between stars. */
            if (w > s && w[-1] != '*' && w[-1] != '(')
                *w++ = ' ';
            *w++ = '*';
            space = 0;
            continue;
        }
        /* "char *const": no space between a star and the qualifier after it */
        if (space && w > s && w[-1] != '(' && w[-1] != '*')
            *w++ = ' ';
        space = 0;
        *w++ = c;
    }
    *w = '\0';
}

static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
        int before = p == s || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                                 (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
        char a = p[n];
        int after = !(a == '_' || (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') ||
                      (a >= '0' && a <= '9'));

        if (before && after)
            return 1;
    }
    return 0;
}

/* Sizes of the typedefs kernel and libc prototypes use most, where the text alone is clear. */
static uint32_t known_typedef(const char *t)
{
    static const struct {
        const char *name;
        uint32_t size;
    } tab[] = {
        {"size_t", 8},        {"ssize_t", 8},      {"off_t", 8},    {"loff_t", 8},   {"off64_t", 8},
        {"time_t", 8},        {"clockid_t", 4},    {"pid_t", 4},    {"uid_t", 4},    {"gid_t", 4},
        {"mode_t", 4},        {"umode_t", 2},      {"dev_t", 4},    {"key_t", 4},    {"qid_t", 4},
        {"socklen_t", 4},     {"u8", 1},           {"s8", 1},       {"__u8", 1},     {"__s8", 1},
        {"uint8_t", 1},       {"int8_t", 1},       {"u16", 2},      {"s16", 2},      {"__u16", 2},
        {"__s16", 2},         {"uint16_t", 2},     {"int16_t", 2},  {"u32", 4},      {"s32", 4},
        {"__u32", 4},         {"__s32", 4},        {"uint32_t", 4}, {"int32_t", 4},  {"u64", 8},
        {"s64", 8},           {"__u64", 8},        {"__s64", 8},    {"uint64_t", 8}, {"int64_t", 8},
        {"aio_context_t", 8}, {"key_serial_t", 4}, {"rwf_t", 4},    {"fmode_t", 4},  {"bool", 1},
        {"_Bool", 1},
    };

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (has_word(t, tab[i].name))
            return tab[i].size;
    return 0;
}

int dc_arg_is_string(const char *t, bool is_pointer)
{
    /* A string the runtime can copy: "char *" (however qualified), not "char **" nor
     * "char *const *", which point to pointers. */
    const char *p = is_pointer && t ? strstr(t, "char *") : NULL;

    return p && !strchr(p + 6, '*') && !strchr(t, '(');
}

unsigned dc_strbytes_for(const struct dc_strbytes *rules, size_t n, const char *fn, unsigned index,
                         const char *label)
{
    size_t flen = strcspn(fn, "@"); /* open@@GLIBC_2.2.5 is open */
    unsigned bytes = DC_ARG_CAPTURE_BYTES;
    int best = 0;

    for (size_t i = 0; i < n; i++) {
        const struct dc_strbytes *r = &rules[i];
        int rank;

        if (!strcmp(r->fn, "*"))
            rank = 1;
        else if (strlen(r->fn) == flen && !strncmp(r->fn, fn, flen))
            rank = 2;
        else
            continue;
        if (r->arg) {
            char num[16];

            snprintf(num, sizeof(num), "%u", index);
            if (strcmp(r->arg, num) && !(label && !strcmp(r->arg, label)))
                continue;
            rank += 2;
        }
        if (rank > best) {
            best = rank;
            bytes = r->bytes;
        }
    }
    return bytes;
}

uint32_t dc_arg_num_bytes(const char *t, bool is_pointer, uint64_t size)
{
    uint32_t k;

    if (is_pointer)
        return dc_arg_is_string(t, is_pointer) ? DC_ARG_CAPTURE_BYTES : 8;
    if (size > 0)
        return size > 8 ? 8 : (uint32_t)size;
    /* The text rules of upstream 4.3, in its order, after the typedefs it got wrong. */
    if ((k = known_typedef(t)) != 0)
        return k;
    if (!strcmp(t, "_Bool") || !strcmp(t, "bool") || !strcmp(t, "char") ||
        !strcmp(t, "signed char") || !strcmp(t, "unsigned char") || !strcmp(t, "const char"))
        return 1;
    if (has_word(t, "short"))
        return 2;
    if (has_word(t, "float"))
        return 4;
    if (has_word(t, "double") || has_word(t, "long"))
        return 8;
    if (has_word(t, "int") || has_word(t, "unsigned") || has_word(t, "signed"))
        return 4;
    if (has_word(t, "enum"))
        return 4;
    return 8;
}

struct dc_sig *dc_sig_copy(struct dc_arena *a, const struct dc_sig *sig)
{
    struct dc_sig *s = dc_arena_alloc(a, sizeof(*s));

    if (!s)
        return NULL;
    s->nargs = sig->nargs;
    s->args = dc_arena_alloc(a, sizeof(struct dc_arg) * (sig->nargs ? sig->nargs : 1));
    if (!s->args)
        return NULL;
    for (uint16_t i = 0; i < sig->nargs; i++) {
        s->args[i] = sig->args[i];
        s->args[i].label = dc_arena_strdup(a, sig->args[i].label);
        s->args[i].c_type = dc_arena_strdup(a, sig->args[i].c_type);
        if (!s->args[i].label || !s->args[i].c_type)
            return NULL;
    }
    return s;
}
