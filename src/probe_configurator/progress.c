/* SPDX-License-Identifier: BSD-3-Clause */
/* progress.c - progress line on stderr (see progress.h). */
#include "progress.h"

#include "clock.h"

void dc_progress_init(struct dc_progress *p, FILE *out, int enabled)
{
    p->enabled = enabled;
    p->out = out;
    p->start_ms = dc_now_ms();
    p->shown = 0;
}

static void show(struct dc_progress *p, const char *fmt1, size_t a, size_t b, const char *text)
{
    if (!p->enabled || dc_now_ms() - p->start_ms < DC_PROGRESS_DELAY_MS)
        return;
    /* \r and "erase to end of line": the next line overwrites this one. */
    fputs("\r\033[K", p->out);
    if (fmt1)
        fprintf(p->out, "[%zu/%zu] ", a, b);
    fprintf(p->out, "%.70s", text);
    fflush(p->out);
    p->shown = 1;
}

void dc_progress_step(void *ctx, size_t done, size_t total, const char *name)
{
    struct dc_progress *p = ctx;
    char line[128];

    if (!name) {
        dc_progress_clear(p);
        return;
    }
    snprintf(line, sizeof(line), "discovering %s", name);
    show(p, "step", done + 1, total, line);
}

void dc_progress_note(struct dc_progress *p, const char *what)
{
    show(p, NULL, 0, 0, what);
}

void dc_progress_clear(void *ctx)
{
    struct dc_progress *p = ctx;

    if (!p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = 0;
}
