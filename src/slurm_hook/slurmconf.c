/* SPDX-License-Identifier: BSD-3-Clause */
/* slurmconf.c - PrologEpilogTimeout from slurm.conf, the prolog's deadline (see slurmconf.h). */
#include "slurmconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY       "PrologEpilogTimeout="
#define INFINITE  65534L /* Slurm's (uint16_t) INFINITE */
#define MAX_LINES 100000 /* a slurm.conf is a few hundred lines */

bool dc_slurmconf_line(const char *line, long *seconds)
{
    size_t kl = strlen(KEY);
    bool found = false;

    for (const char *p = line; *p && *p != '#';) {
        size_t n;

        p += strspn(p, " \t\r");
        n = strcspn(p, " \t\r#");
        if (n > kl && strncasecmp(p, KEY, kl) == 0) {
            char val[16], *end;
            long v;

            if (n - kl >= sizeof(val))
                return found;
            memcpy(val, p + kl, n - kl);
            val[n - kl] = '\0';
            errno = 0;
            v = strtol(val, &end, 10);
            if (val[0] < '0' || val[0] > '9' || *end || errno)
                return found;
            *seconds = v == INFINITE ? 0 : v;
            found = true;
        }
        if (!n)
            break;
        p += n;
    }
    return found;
}

long dc_slurmconf_prolog_timeout(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    char line[4096];
    long seconds = 0;
    struct stat st;
    FILE *f;

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "r"))) {
        close(fd);
        return 0;
    }
    for (int i = 0; i < MAX_LINES && fgets(line, sizeof(line), f); i++) {
        line[strcspn(line, "\n")] = '\0';
        dc_slurmconf_line(line, &seconds);
    }
    fclose(f);
    return seconds;
}

long dc_prolog_deadline(long prolog_timeout, long slurm_timeout)
{
    long bound, margin;

    if (slurm_timeout <= 0)
        return prolog_timeout > 0 ? prolog_timeout : 0;
    margin = slurm_timeout / 5;
    margin = margin < 2 ? 2 : margin > 5 ? 5 : margin; /* 2: DC_DEADLINE_GRACE_MS and more */
    bound = slurm_timeout - margin < 1 ? 1 : slurm_timeout - margin;
    return prolog_timeout > 0 && prolog_timeout < bound ? prolog_timeout : bound;
}
