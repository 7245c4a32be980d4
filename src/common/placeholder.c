/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder.c - find @NAME@ template placeholders (see placeholder.h). */
#include "placeholder.h"

static int is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

void dc_ph_iter_init(struct dc_ph_iter *it, const char *text, size_t len)
{
    it->text = text;
    it->len = len;
    it->pos = 0;
    it->line = 1;
}

int dc_ph_next(struct dc_ph_iter *it, struct dc_placeholder *ph)
{
    const char *t = it->text;

    while (it->pos < it->len) {
        size_t i = it->pos, j;

        if (t[i] == '\n') {
            it->line++;
            it->pos++;
            continue;
        }
        if (t[i] != '@') {
            it->pos++;
            continue;
        }
        for (j = i + 1; j < it->len && is_name_char(t[j]); j++)
            ;
        if (j > i + 1 && j < it->len && t[j] == '@') {
            ph->start = i;
            ph->len = j - i + 1;
            ph->name = t + i + 1;
            ph->name_len = j - i - 1;
            ph->line = it->line;
            it->pos = j + 1;
            return 1;
        }
        /* Not a placeholder: the next '@' may open one ("@@A@"). */
        it->pos = i + 1;
    }
    return 0;
}
