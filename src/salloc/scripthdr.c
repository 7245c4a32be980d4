/* SPDX-License-Identifier: BSD-3-Clause */
/* scripthdr.c - sbatch's reading of #SBATCH directives, for --comment (see scripthdr.h). */
#include "scripthdr.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrapargs.h"

struct words {
    char **v;
    int n, cap;
};

static int words_add(struct words *w, char *s)
{
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 16;
        char **v = realloc(w->v, (size_t)cap * sizeof(char *));

        if (!v)
            return -1;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = s;
    return 0;
}

static void words_free(struct words *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
}

/*
 * Split one directive line (after the magic word; len bytes) into words. Returns 0, 1 when a
 * quote is left open (sbatch refuses the script), -1 when out of memory.
 */
static int split_line(const char *p, size_t len, struct words *w)
{
    const char *end = p + len;

    for (;;) {
        char *word, q = 0;
        size_t n = 0;
        int escape = 0, quoted = 0, any = 0;

        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end)
            return 0;
        word = malloc((size_t)(end - p) + 1);
        if (!word)
            return -1;
        while (p < end && (quoted || !isspace((unsigned char)*p))) {
            char c = *p;

            if (escape) {
                escape = 0;
            } else if (c == '\\') {
                escape = 1;
                p++;
                continue;
            } else if (quoted) {
                if (c == q) {
                    quoted = 0;
                    p++;
                    continue;
                }
            } else if (c == '"' || c == '\'') {
                quoted = 1;
                q = c;
                p++;
                continue;
            } else if (c == '#') {
                end = p; /* an unquoted '#' starts a comment: the rest of the line */
                break;
            }
            word[n++] = c;
            any = 1;
            p++;
        }
        if (quoted) {
            free(word);
            return 1;
        }
        word[n] = '\0';
        if (!any) {
            free(word);
            if (p >= end)
                return 0;
            continue;
        }
        if (words_add(w, word) < 0) {
            free(word);
            return -1;
        }
    }
}

/* 1 when the line (len bytes) is a command: its first non-blank character is not '#'. */
static int is_command(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (isspace((unsigned char)line[i]))
            continue;
        return line[i] != '#';
    }
    return 0;
}

int dc_scripthdr_comment(const char *buf, size_t len, char **comment)
{
    struct words w = {0};
    const char *p = buf, *end = buf + len, *found;
    int rc = 0;

    *comment = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t magic = 0;
        char *line;

        if (ll >= 7 && memcmp(p, "#SBATCH", 7) == 0)
            magic = 7;
        else if (ll >= 6 && memcmp(p, "#SLURM", 6) == 0)
            magic = 6;
        else if (is_command(p, ll))
            break;
        if (magic) {
            line = strndup(p, ll);
            if (!line) {
                rc = -1;
                goto cleanup;
            }
            /* The next job component starts here: its comment is not component 0's. */
            if (strcasestr(line, "hetjob") || strcasestr(line, "packjob")) {
                free(line);
                break;
            }
            rc = split_line(line + magic, ll - magic, &w);
            free(line);
            if (rc < 0)
                goto cleanup;
            if (rc > 0) { /* unmatched quote: sbatch fails on this script anyway */
                rc = 0;
                goto cleanup;
            }
        }
        p = nl ? nl + 1 : end;
    }
    found = dc_wrap_find_comment(DC_TOOL_SBATCH, w.n, w.v);
    if (found) {
        *comment = strdup(found);
        rc = *comment ? 1 : -1;
    }
cleanup:
    words_free(&w);
    return rc;
}

int dc_scripthdr_comment_file(const char *path, char **comment)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    ssize_t n;
    int fd, rc = 0;

    *comment = NULL;
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        goto cleanup;
    buf = malloc(DC_SCRIPTHDR_READ_MAX);
    if (!buf) {
        rc = -1;
        goto cleanup;
    }
    while (len < DC_SCRIPTHDR_READ_MAX &&
           (n = read(fd, buf + len, DC_SCRIPTHDR_READ_MAX - len)) > 0)
        len += (size_t)n;
    rc = dc_scripthdr_comment(buf, len, comment);
cleanup:
    free(buf);
    close(fd);
    return rc;
}
