/* SPDX-License-Identifier: BSD-3-Clause */
/* run.c - exec the wrapped command (see run.h). */
#include "run.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "which.h"

enum { EXIT_CANNOT_RUN = 126, EXIT_NOT_FOUND = 127 };

/* A script without "#!" is run by /bin/sh, as execvp(3) and the shell do. */
static void exec_as_script(const char *path, char **argv)
{
    size_t argc = 0;
    char **sh_argv;

    while (argv[argc])
        argc++;
    sh_argv = calloc(argc + 2, sizeof(*sh_argv));
    if (!sh_argv)
        return;
    sh_argv[0] = "/bin/sh";
    sh_argv[1] = (char *)path;
    for (size_t i = 1; i < argc; i++)
        sh_argv[i + 1] = argv[i];
    execv("/bin/sh", sh_argv);
    free(sh_argv);
}

int wrap_run(char **argv)
{
    char path[PATH_MAX];
    struct stat st;
    int e;

    if (dc_which(argv[0], path, sizeof(path)) < 0) {
        e = errno;
        if (e == ENOENT) {
            dc_err("%s: command not found", argv[0]);
            return EXIT_NOT_FOUND;
        }
        dc_err("%s: %s", argv[0], e == EISDIR ? "is a directory" : strerror(e));
        return EXIT_CANNOT_RUN;
    }
    /* The loader ignores LD_PRELOAD in secure-execution mode: say so rather than fail. */
    if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
        dc_warn("%s is set%cid: the dynamic loader ignores LD_PRELOAD for it, so it will not "
                "be traced (use datacrumbs_track on a copy instead)",
                path, (st.st_mode & S_ISUID) ? 'u' : 'g');
    execv(path, argv);
    e = errno;
    if (e == ENOEXEC) {
        exec_as_script(path, argv);
        e = errno;
    }
    dc_err("%s: %s", argv[0], strerror(e));
    return e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}
