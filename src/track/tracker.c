/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tracker.c - one run of datacrumbs_track or datacrumbs_untrack: resolve, inspect, refuse or
 * decide, then patch a copy with patchelf, check the copy, and rename it over the original.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "conf.h"
#include "elfinfo.h"
#include "log.h"
#include "needed.h"
#include "patchelf.h"
#include "replace.h"
#include "target.h"
#include "track.h"

#define MSG_MAX 2048

/* Everything one run holds, released in one place. */
struct run {
    const struct track_opts *o;
    struct dc_sysconf sys;
    struct target t;
    struct elfinfo before; /* the target as found */
    struct elfinfo lib;    /* the client library (track only) */
    struct elfinfo after;  /* the patched copy */
    struct replace r;
    const char **removals; /* distinct DT_NEEDED strings to remove (untrack) */
    size_t n_removals;
    const char *entry;     /* the DT_NEEDED string to add (track): client_lib or its soname */
    char libdir[PATH_MAX]; /* --soname: client_lib's directory, for RUNPATH */
    int add_runpath;       /* --soname and the file does not search libdir yet */
    char **argv;           /* the patchelf command line */
    char *argv_rpath[6];   /* --soname: the RUNPATH step before it (patchelf 0.14 garbles the
                              string table when one run does both), argv_rpath[0] NULL if none */
    char msg[MSG_MAX];
};

/* Result lines go to stdout (scripts read them); control characters are masked. */
static void say(const struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct run *run, const char *fmt, ...)
{
    char line[MSG_MAX];
    va_list ap;

    if (run->o->level < DC_LOG_NORMAL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    printf("%s\n", line);
    fflush(stdout);
}

static void on_signal(int sig)
{
    replace_on_signal();
    raise(sig); /* SA_RESETHAND: the default action now ends the process */
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

/* A dead absolute path in DT_NEEDED stops the program at exec: say so wherever we see one. */
static void warn_if_missing(const struct run *run, const char *entry)
{
    if (entry[0] == '/' && access(entry, F_OK) < 0)
        dc_warn("%s needs %s, which does not exist: the program fails to start until the "
                "library is back, or until datacrumbs_untrack removes the entry",
                run->t.path, entry);
}

static int load_client_lib(struct run *run)
{
    const char *lib = run->sys.client_lib;
    const char *from = run->sys.source[0] ? run->sys.source : "the built-in default";
    char why[256];
    int fd = open(lib, O_RDONLY | O_CLOEXEC | O_NONBLOCK), st;

    if (fd < 0) {
        dc_err("client library %s (client_lib, from %s) cannot be opened: %s. A program "
               "tracked with a missing library does not start: install the library or fix "
               "client_lib",
               lib, from, strerror(errno));
        return TRACK_EXIT_FAILED;
    }
    st = elfinfo_read_fd(fd, &run->lib, why, sizeof(why));
    close(fd);
    if (st != ELFINFO_OK || run->lib.type != ET_DYN) {
        dc_err("client library %s (client_lib, from %s) is not a shared library%s%s", lib, from,
               st != ELFINFO_OK ? ": " : "", st != ELFINFO_OK ? why : "");
        return TRACK_EXIT_FAILED;
    }
    return TRACK_EXIT_OK;
}

static int report_check(struct run *run)
{
    const struct track_opts *o = run->o;
    const char *lib = run->sys.client_lib;
    const char *entry = needed_first_client(&run->before, lib, o->exact);

    if (!entry) {
        if (!elfinfo_is_dynamic_exec(&run->before))
            say(run, "%s: not tracked (a %s cannot be tracked)", run->t.path,
                elfinfo_kind_str(run->before.kind));
        else
            say(run, "%s: not tracked", run->t.path);
        return TRACK_EXIT_NOT_TRACKED;
    }
    say(run, "%s: tracked (DT_NEEDED %s)", run->t.path, entry);
    if (strcmp(entry, lib) != 0)
        dc_info("%s is not the configured client_lib %s", entry, lib);
    warn_if_missing(run, entry);
    return TRACK_EXIT_OK;
}

/* Collect the distinct entries to remove; patchelf drops every duplicate of each. */
static int plan_removals(struct run *run)
{
    const struct elfinfo *e = &run->before;

    run->removals = calloc(e->n_needed ? e->n_needed : 1, sizeof(*run->removals));
    if (!run->removals)
        return -1;
    for (size_t i = 0; i < e->n_needed; i++) {
        int dup = 0;

        if (!needed_is_client(e->needed[i], run->sys.client_lib, run->o->exact))
            continue;
        for (size_t j = 0; j < run->n_removals && !dup; j++)
            dup = strcmp(run->removals[j], e->needed[i]) == 0;
        if (!dup)
            run->removals[run->n_removals++] = e->needed[i];
    }
    return 0;
}

/* patchelf's argv with file as the last word (the temporary file, or a placeholder). */
static int build_argv(struct run *run, const char *patchelf, const char *file)
{
    size_t n = 0, max = 5 + 2 * run->n_removals; /* argv[0], 2 words per entry, file, NULL */

    free(run->argv);
    run->argv = calloc(max, sizeof(char *));
    if (!run->argv)
        return -1;
    run->argv[n++] = (char *)patchelf;
    if (run->o->mode == TRACK_ADD) {
        run->argv[n++] = "--add-needed";
        run->argv[n++] = (char *)run->entry;
        if (run->add_runpath) {
            size_t k = 0;

            run->argv_rpath[k++] = (char *)patchelf;
            /* A file with the older DT_RPATH keeps it: patchelf would turn it into RUNPATH,
             * which neither applies to the program's libraries' own dependencies nor wins
             * over LD_LIBRARY_PATH, and could break how the program finds them. */
            if (run->before.rpath && !run->before.runpath)
                run->argv_rpath[k++] = "--force-rpath";
            run->argv_rpath[k++] = "--add-rpath";
            run->argv_rpath[k++] = run->libdir;
            run->argv_rpath[k++] = (char *)file;
            run->argv_rpath[k] = NULL;
        }
    } else {
        for (size_t i = 0; i < run->n_removals; i++) {
            run->argv[n++] = "--remove-needed";
            run->argv[n++] = (char *)run->removals[i];
        }
    }
    run->argv[n++] = (char *)file;
    run->argv[n] = NULL;
    return 0;
}

/* The copy searches what the original searched, first and under the same tag (RUNPATH or
 * RPATH), with our directory at most appended. */
static int same_search_list(const struct elfinfo *b, const struct elfinfo *a)
{
    const char *was = b->runpath ? b->runpath : b->rpath;
    const char *now = b->runpath ? a->runpath : a->rpath;
    size_t len;

    if (!was)
        return a->runpath != NULL; /* patchelf adds a RUNPATH to a file with neither */
    if ((b->runpath != NULL) != (a->runpath != NULL) || !now)
        return 0;
    len = strlen(was);
    return strncmp(now, was, len) == 0 && (now[len] == '\0' || now[len] == ':');
}

/* The copy must be the same program with only our entries changed. */
static int verify_copy(struct run *run)
{
    const struct elfinfo *b = &run->before, *a = &run->after;
    char why[256];
    int ok;

    if (elfinfo_read_fd(run->r.tmpfd, &run->after, why, sizeof(why)) != ELFINFO_OK) {
        dc_err("%s: the patched copy is not a valid ELF file (%s); nothing was changed",
               run->t.path, why);
        return -1;
    }
    ok = a->elf_class == b->elf_class && a->data == b->data && a->machine == b->machine &&
         a->type == b->type && a->kind == b->kind && a->interp && b->interp &&
         strcmp(a->interp, b->interp) == 0;
    if (ok)
        ok = run->o->mode == TRACK_ADD
                 ? needed_verify_added(b, a, run->entry) == 0
                 : needed_verify_removed(b, a, run->sys.client_lib, run->o->exact) == 0;
    if (ok && run->o->mode == TRACK_ADD && run->o->soname)
        ok = elfinfo_searches(a, run->libdir) && same_search_list(b, a);
    if (!ok) {
        dc_err("%s: patchelf produced an unexpected result (the dynamic entries or headers "
               "differ from what was asked); nothing was changed",
               run->t.path);
        return -1;
    }
    return 0;
}

static int replace_error(struct run *run)
{
    int e = run->r.err_no;

    dc_err("%s: %s; nothing was changed", run->t.path, run->r.err);
    return e == EPERM || e == EACCES || e == EROFS || e == ETXTBSY ? TRACK_EXIT_NOT_WRITABLE
                                                                   : TRACK_EXIT_FAILED;
}

static void dry_run(struct run *run, const char *backup)
{
    char line[MSG_MAX];

    say(run, "%s: dry run, nothing is changed", run->t.path);
    say(run, "would copy it to %s/.%s%sPID-RANDOM",
        strcmp(run->t.dirpath, "/") ? run->t.dirpath : "", run->t.name, REPLACE_TAG);
    if (run->argv_rpath[0]) {
        patchelf_format_argv(run->argv_rpath, line, sizeof(line));
        say(run, "would run: %s", line);
    }
    patchelf_format_argv(run->argv, line, sizeof(line));
    say(run, "would run: %s", line);
    say(run,
        "would give the copy mode %04o, uid %ld, gid %ld, the extended attributes and "
        "the timestamps of the original",
        (unsigned)(run->t.st.st_mode & 07777), (long)run->t.st.st_uid, (long)run->t.st.st_gid);
    if (backup)
        say(run, "would keep the original as %s/%s",
            strcmp(run->t.dirpath, "/") ? run->t.dirpath : "", backup);
    say(run, "would rename the copy over %s", run->t.path);
}

/* Refusals and warnings that only matter when the file is going to change. */
static int preflight(struct run *run, char *backup, size_t backup_len)
{
    const struct track_opts *o = run->o;
    int rc;

    rc = check_writable(&run->t, run->msg, sizeof(run->msg));
    if (rc != TRACK_EXIT_OK) {
        dc_err("%s", run->msg);
        return rc;
    }
    if (check_privileged(&run->t, run->msg, sizeof(run->msg))) {
        if (!o->force) {
            dc_err("%s; everyone who runs it would load the client library with its privileges. "
                   "Track a copy without them, or use --force if you mean it",
                   run->msg);
            return TRACK_EXIT_SETID;
        }
        dc_warn("%s; patching it anyway (--force)", run->msg);
    }
    if (geteuid() == 0 && check_system_path(run->t.path))
        dc_warn("%s is a system file: a package upgrade will undo this, package verification "
                "(debsums, rpm -V) will report it, and every user of it is affected",
                run->t.path);
    if (run->t.st.st_nlink > 1)
        dc_warn("%s has %ld hard links: only this name gets the patched file, the other names "
                "keep the original",
                run->t.path, (long)run->t.st.st_nlink);
    if (o->backup_suffix &&
        snprintf(backup, backup_len, "%s%s", run->t.name, o->backup_suffix) >= (int)backup_len) {
        dc_err("%s: the backup name would be too long", run->t.path);
        return TRACK_EXIT_FAILED;
    }
    return TRACK_EXIT_OK;
}

/* The change itself: checks first, then copy, patch, verify, keep metadata, rename. */
static int modify(struct run *run)
{
    const struct track_opts *o = run->o;
    char patchelf[PATH_MAX], tmppath[PATH_MAX + NAME_MAX + 2], backup[NAME_MAX + 1];
    const char *backup_name = o->backup_suffix ? backup : NULL;
    int rc;

    rc = preflight(run, backup, sizeof(backup));
    if (rc != TRACK_EXIT_OK)
        return rc;
    if (patchelf_find(patchelf, sizeof(patchelf)) < 0) {
        dc_err("patchelf not found in PATH (%s); install the patchelf package", strerror(errno));
        return TRACK_EXIT_FAILED;
    }
    if (o->dry_run) {
        if (build_argv(run, patchelf, "TEMPORARY-COPY") < 0)
            return TRACK_EXIT_FAILED;
        dry_run(run, backup_name);
        return TRACK_EXIT_OK;
    }

    if (replace_clean_stale(run->t.dirfd, run->t.name) > 0)
        dc_debug("removed temporary files that interrupted runs left beside %s", run->t.path);
    catch_signals();
    if (replace_begin(&run->r, run->t.dirfd, run->t.name, run->t.fd, &run->t.st) < 0)
        return replace_error(run);
    replace_tmp_path(&run->r, run->t.dirpath, tmppath, sizeof(tmppath));
    if (build_argv(run, patchelf, tmppath) < 0)
        return TRACK_EXIT_FAILED;
    for (int step = 0; step < 2; step++) {
        char **argv = step == 0 ? run->argv_rpath : run->argv;

        if (!argv[0])
            continue;
        if (dc_log_get_level() >= DC_LOG_VERBOSE) {
            patchelf_format_argv(argv, run->msg, sizeof(run->msg));
            dc_debug("running %s", run->msg);
        }
        if (patchelf_run(argv, PATCHELF_TIMEOUT_S, run->msg, sizeof(run->msg)) < 0) {
            dc_err("%s: %s; nothing was changed", run->t.path, run->msg);
            return TRACK_EXIT_FAILED;
        }
    }
    if (verify_copy(run) < 0)
        return TRACK_EXIT_FAILED;
    if (replace_copy_metadata(&run->r, run->t.fd) < 0 || replace_commit(&run->r, backup_name) < 0)
        return replace_error(run);
    if (backup_name)
        dc_info("the original is kept as %s/%s", strcmp(run->t.dirpath, "/") ? run->t.dirpath : "",
                backup_name);
    return TRACK_EXIT_OK;
}

static int track(struct run *run)
{
    const char *lib = run->sys.client_lib;
    const char *entry;
    int rc;

    rc = load_client_lib(run);
    if (rc == TRACK_EXIT_OK)
        rc = check_arch(&run->t, &run->before, lib, &run->lib, run->msg, sizeof(run->msg));
    if (rc == TRACK_EXIT_OK)
        rc = check_dynamic(&run->t, &run->before, run->msg, sizeof(run->msg));
    if (rc != TRACK_EXIT_OK) {
        if (rc != TRACK_EXIT_FAILED)
            dc_err("%s", run->msg);
        return rc;
    }
    /* --soname: the loader finds the library by its soname through RUNPATH, so that a site
     * that moves its installs keeps tracked programs working by moving one directory. */
    run->entry = lib;
    if (run->o->soname) {
        const char *slash = strrchr(lib, '/');

        run->entry = slash ? slash + 1 : lib;
        snprintf(run->libdir, sizeof(run->libdir), "%.*s",
                 slash && slash != lib ? (int)(slash - lib) : 1, slash ? lib : "/");
        run->add_runpath = !elfinfo_searches(&run->before, run->libdir);
    }
    entry = needed_first_client(&run->before, lib, 0);
    if (entry) {
        say(run, "%s: already tracked (DT_NEEDED %s); nothing changed", run->t.path, entry);
        if (strcmp(entry, lib) != 0)
            dc_info("%s is not the configured client_lib %s; datacrumbs_untrack then "
                    "datacrumbs_track switches to it",
                    entry, lib);
        warn_if_missing(run, entry);
        return TRACK_EXIT_OK;
    }
    rc = modify(run);
    if (rc == TRACK_EXIT_OK && !run->o->dry_run)
        say(run, "%s: tracked (DT_NEEDED %s added%s%s)", run->t.path, run->entry,
            run->add_runpath ? ", RUNPATH " : "", run->add_runpath ? run->libdir : "");
    return rc;
}

static int untrack(struct run *run)
{
    const char *other;
    int rc;

    rc = check_dynamic(&run->t, &run->before, run->msg, sizeof(run->msg));
    if (rc != TRACK_EXIT_OK) {
        dc_err("%s", run->msg);
        return rc;
    }
    if (plan_removals(run) < 0) {
        dc_err("out of memory");
        return TRACK_EXIT_FAILED;
    }
    if (run->n_removals == 0) {
        say(run, "%s: not tracked; nothing changed", run->t.path);
        other = run->o->exact ? needed_first_client(&run->before, run->sys.client_lib, 0) : NULL;
        if (other)
            dc_info("it still needs %s, which --exact leaves alone; run without --exact to "
                    "remove it",
                    other);
        return TRACK_EXIT_OK;
    }
    rc = modify(run);
    if (rc == TRACK_EXIT_OK && !run->o->dry_run) {
        for (size_t i = 0; i < run->n_removals; i++)
            say(run, "%s: untracked (DT_NEEDED %s removed)", run->t.path, run->removals[i]);
    }
    return rc;
}

int tracker_run(const struct track_opts *o)
{
    struct run *run = calloc(1, sizeof(*run));
    enum elfinfo_status st;
    char why[256];
    int rc;

    if (!run) {
        dc_err("out of memory");
        return TRACK_EXIT_FAILED;
    }
    run->o = o;
    run->t = (struct target)TARGET_INIT;
    run->r = (struct replace)REPLACE_INIT;
    dc_log_set_level(o->level);
    if (dc_sysconf_load(&run->sys, o->config_path, run->msg, sizeof(run->msg)) < 0) {
        dc_err("%s", run->msg);
        rc = TRACK_EXIT_FAILED;
        goto cleanup;
    }
    rc = target_open(&run->t, o->target,
                     o->follow || geteuid() != 0 ? TARGET_LINKS_FOLLOW : TARGET_LINKS_STRICT,
                     run->msg, sizeof(run->msg));
    if (rc != TRACK_EXIT_OK) {
        dc_err("%s", run->msg);
        goto cleanup;
    }
    if (strcmp(run->t.path, o->target) != 0)
        dc_debug("%s is %s", o->target, run->t.path);
    st = elfinfo_read_fd(run->t.fd, &run->before, why, sizeof(why));
    rc = check_elf_status(&run->t, st, why, run->msg, sizeof(run->msg));
    if (rc != TRACK_EXIT_OK) {
        dc_err("%s", run->msg);
        goto cleanup;
    }
    if (o->check)
        rc = report_check(run);
    else if (o->mode == TRACK_ADD)
        rc = track(run);
    else
        rc = untrack(run);
cleanup:
    replace_abort(&run->r);
    target_close(&run->t);
    elfinfo_free(&run->before);
    elfinfo_free(&run->lib);
    elfinfo_free(&run->after);
    free(run->removals);
    free(run->argv);
    free(run);
    return rc;
}
