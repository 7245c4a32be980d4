/* SPDX-License-Identifier: BSD-3-Clause */
/* params.c - C parameter lists to argument specs (see params.h). */
#include "params.h"

#include <stdio.h>
#include <string.h>

#define TOKENS_MAX 32

static int is_ident_start(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Words that are part of a type, never a parameter's name. */
static int is_type_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "void",     "char",  "short", "int",    "long",  "float", "double", "signed",
        "unsigned", "_Bool", "bool",  "struct", "union", "enum",  "const",  "volatile",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n))
            return 1;
    return 0;
}

/* Annotations that say nothing about the type's shape. */
static int is_dropped_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "__user",   "__force",    "__iomem",      "__rcu",    "__kernel",     "__percpu",
        "restrict", "__restrict", "__restrict__", "register", "__counted_by",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n))
            return 1;
    return 0;
}

struct tok {
    const char *s;
    size_t n;
};

/* One parameter. Returns 0, 1 for "..." (stop), -1 when it cannot be understood. */
static int parse_one(const char *p, size_t len, unsigned index, struct dc_arena *a,
                     struct dc_arg *arg)
{
    struct tok t[TOKENS_MAX];
    size_t nt = 0, i = 0, array = 0;
    char type[DC_ARG_TEXT_MAX + 8], label[DC_ARG_TEXT_MAX];
    const char *fp_name = NULL;
    size_t fp_len = 0, tl = 0;
    int have_label = 0, fnptr = 0;

    while (i < len) {
        char c = p[i];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
        } else if (c == '.' && i + 2 < len && p[i + 1] == '.' && p[i + 2] == '.') {
            return 1;
        } else if (is_ident_start(c)) {
            size_t s = i;

            while (i < len && is_ident(p[i]))
                i++;
            if (i - s == 13 && !memcmp(p + s, "__attribute__", 13)) {
                /* skip __attribute__((...)) */
                int depth = 0;

                while (i < len) {
                    if (p[i] == '(')
                        depth++;
                    else if (p[i] == ')' && --depth == 0) {
                        i++;
                        break;
                    }
                    i++;
                }
                continue;
            }
            if (is_dropped_word(p + s, i - s))
                continue;
            if (nt == TOKENS_MAX)
                return -1;
            t[nt++] = (struct tok){p + s, i - s};
        } else if (c == '*') {
            if (nt == TOKENS_MAX)
                return -1;
            t[nt++] = (struct tok){p + i, 1};
            i++;
        } else if (c == '(') {
            /* A function pointer: "int (*name)(args)". */
            size_t j = i + 1;

            fnptr = 1;
            while (j < len && (p[j] == ' ' || p[j] == '*'))
                j++;
            if (j < len && is_ident_start(p[j]) && !fp_name) {
                fp_name = p + j;
                while (j < len && is_ident(p[j]))
                    j++;
                fp_len = (size_t)(p + j - fp_name);
            }
            break;
        } else if (c == '[') {
            array = 1;
            while (i < len && p[i] != ']')
                i++;
            i++;
        } else if (c >= '0' && c <= '9') {
            i++; /* an array bound without brackets is not C; ignore the digits */
        } else {
            return -1;
        }
    }
    if (fnptr) {
        snprintf(type, sizeof(type), "void *");
        if (fp_name && fp_len < sizeof(label)) {
            memcpy(label, fp_name, fp_len);
            label[fp_len] = '\0';
            have_label = 1;
        }
        goto done;
    }
    if (nt == 0)
        return -1;
    /* The last word names the parameter when a type precedes it and it is not part of one. */
    if (nt >= 2 && t[nt - 1].s[0] != '*' && !is_type_word(t[nt - 1].s, t[nt - 1].n) &&
        !(t[nt - 2].n == 6 && !memcmp(t[nt - 2].s, "struct", 6)) &&
        !(t[nt - 2].n == 5 && !memcmp(t[nt - 2].s, "union", 5)) &&
        !(t[nt - 2].n == 4 && !memcmp(t[nt - 2].s, "enum", 4))) {
        if (t[nt - 1].n >= sizeof(label))
            return -1;
        memcpy(label, t[nt - 1].s, t[nt - 1].n);
        label[t[nt - 1].n] = '\0';
        have_label = 1;
        nt--;
    }
    for (size_t k = 0; k < nt; k++) {
        if (tl + t[k].n + 2 >= DC_ARG_TEXT_MAX)
            return -1;
        if (tl && t[k].s[0] != '*')
            type[tl++] = ' ';
        else if (tl && t[k].s[0] == '*' && type[tl - 1] != '*')
            type[tl++] = ' ';
        memcpy(type + tl, t[k].s, t[k].n);
        tl += t[k].n;
    }
    type[tl] = '\0';
    if (array) {
        if (tl + 3 >= DC_ARG_TEXT_MAX)
            return -1;
        strcat(type, type[tl - 1] == '*' ? "*" : " *");
    }
done:
    if (!have_label)
        snprintf(label, sizeof(label), "arg%u", index + 1);
    dc_ctype_normalise(type);
    arg->label = dc_arena_strdup(a, label);
    arg->c_type = dc_arena_strdup(a, type);
    arg->is_pointer = strchr(type, '*') != NULL;
    arg->num_bytes = dc_arg_num_bytes(type, arg->is_pointer, 0);
    return arg->label && arg->c_type ? 0 : -1;
}

int dc_params_parse(const char *text, size_t len, struct dc_arena *a, struct dc_sig *sig)
{
    struct dc_arg args[DC_ARG_MAX];
    size_t start = 0, n = 0;
    int depth = 0;

    sig->nargs = 0;
    sig->args = NULL;
    for (size_t i = 0; i <= len; i++) {
        const char *p = text + start;
        size_t plen;
        int rc;

        if (i < len) {
            if (text[i] == '(' || text[i] == '[')
                depth++;
            else if ((text[i] == ')' || text[i] == ']') && depth > 0)
                depth--;
            if (text[i] != ',' || depth > 0)
                continue;
        }
        plen = i - start;
        start = i + 1;
        while (plen && (*p == ' ' || *p == '\t' || *p == '\n'))
            p++, plen--;
        while (plen && (p[plen - 1] == ' ' || p[plen - 1] == '\t' || p[plen - 1] == '\n'))
            plen--;
        if (plen == 0 || (plen == 4 && !memcmp(p, "void", 4) && n == 0 && i == len))
            continue;
        if (n == DC_ARG_MAX)
            break; /* the signer takes at most DC_ARG_MAX; the runtime uses the first few */
        rc = parse_one(p, plen, (unsigned)n, a, &args[n]);
        if (rc < 0)
            return -1;
        if (rc == 1)
            break;
        n++;
    }
    sig->nargs = (uint16_t)n;
    if (n) {
        sig->args = dc_arena_alloc(a, n * sizeof(struct dc_arg));
        if (!sig->args)
            return -1;
        memcpy(sig->args, args, n * sizeof(struct dc_arg));
    }
    return 0;
}
