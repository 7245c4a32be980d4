/* SPDX-License-Identifier: BSD-3-Clause */
/* keys.c - the values of template placeholders (see keys.h). */
#include "keys.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "grow.h"
#include "libpath.h"

#ifndef DC_INSTALL_PREFIX
#define DC_INSTALL_PREFIX "/usr"
#endif
#ifndef DC_CONFIGS_DIR
#define DC_CONFIGS_DIR "/etc/datacrumbs/configs"
#endif
#ifndef DC_DATA_DIR
#define DC_DATA_DIR "/usr/share/datacrumbs"
#endif

const char *dc_key_origin_name(enum dc_key_origin o)
{
    return o == DC_KEY_DEFINE ? "--define" : o == DC_KEY_CONFIG ? "configuration" : "detected";
}

int dc_key_name_valid(const char *name, size_t len)
{
    if (len == 0 || len > DC_KEY_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
    }
    return 1;
}

static struct dc_key *find(const struct dc_keys *k, const char *name, size_t len)
{
    for (size_t i = 0; i < k->n; i++)
        if (strlen(k->v[i].name) == len && !memcmp(k->v[i].name, name, len))
            return &k->v[i];
    return NULL;
}

const char *dc_keys_get(const struct dc_keys *k, const char *name, size_t len)
{
    const struct dc_key *e = find(k, name, len);

    return e ? e->value : NULL;
}

int dc_keys_set(struct dc_keys *k, const char *name, const char *value, enum dc_key_origin origin,
                char *err, size_t errlen)
{
    struct dc_key *e;
    size_t nlen = strlen(name), vlen = strlen(value);
    char *v;

    if (!dc_key_name_valid(name, nlen)) {
        snprintf(err, errlen, "'%.*s' is not a placeholder name (letters, digits and '_')",
                 nlen > 64 ? 64 : (int)nlen, name);
        return -1;
    }
    if (vlen == 0) {
        snprintf(err, errlen,
                 "%s: empty value (a path that is not there should be an error, "
                 "not an empty string)",
                 name);
        return -1;
    }
    if (vlen > DC_KEY_VALUE_MAX) {
        snprintf(err, errlen, "%s: value longer than %d bytes", name, DC_KEY_VALUE_MAX);
        return -1;
    }
    for (const char *p = value; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            snprintf(err, errlen,
                     "%s: the value holds a control character (a newline would add "
                     "lines to the YAML)",
                     name);
            return -1;
        }
    }
    e = find(k, name, nlen);
    if (e && e->origin > origin)
        return 0; /* a stronger value stays */
    v = strdup(value);
    if (!v)
        goto nomem;
    if (e) {
        free(e->value);
        e->value = v;
        e->origin = origin;
        return 0;
    }
    if (dc_grow(&k->v, &k->cap, k->n, sizeof(*k->v), 32) < 0) {
        free(v);
        goto nomem;
    }
    k->v[k->n].name = strdup(name);
    if (!k->v[k->n].name) {
        free(v);
        goto nomem;
    }
    k->v[k->n].value = v;
    k->v[k->n].origin = origin;
    k->n++;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int dc_keys_define(struct dc_keys *k, const char *arg, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    char name[DC_KEY_NAME_MAX + 1];
    size_t nlen;

    if (!eq) {
        snprintf(err, errlen, "--define '%.64s': expected KEY=VALUE", arg);
        return -1;
    }
    nlen = (size_t)(eq - arg);
    if (!dc_key_name_valid(arg, nlen)) {
        snprintf(err, errlen, "--define '%.64s': KEY must be letters, digits and '_'", arg);
        return -1;
    }
    memcpy(name, arg, nlen);
    name[nlen] = '\0';
    return dc_keys_set(k, name, eq + 1, DC_KEY_DEFINE, err, errlen);
}

int dc_keys_from_sysconf(struct dc_keys *k, const struct dc_sysconf *c, char *err, size_t errlen)
{
    char num[4][32];
    const struct {
        const char *name;
        const char *value;
    } tab[] = {
        {"DATACRUMBS_SECRET_FILE", c->secret_file},
        {"DATACRUMBS_PROBE_SECRET_FILE", c->secret_file},
        {"DATACRUMBS_SIGNER_SOCKET", c->signer_socket},
        {"DATACRUMBS_RUN_DIR", c->run_dir},
        {"DATACRUMBS_SERVER_RUN_DIR", c->run_dir},
        {"DATACRUMBS_TRACE_DIR", c->trace_dir},
        {"DATACRUMBS_TRACE_DIR_PATTERN", c->trace_dir},
        {"DATACRUMBS_LOG_DIR", c->log_dir},
        {"DATACRUMBS_CLIENT_LIB", c->client_lib},
        {"DATACRUMBS_RUNTIME_DAEMON", c->runtime_daemon},
        {"DATACRUMBS_SCHEDULER", c->scheduler},
        {"DATACRUMBS_JOB_SCHEDULER", c->scheduler},
        {"DATACRUMBS_SCHEDULER_TYPE", c->scheduler},
        {"DATACRUMBS_SERVICE_MANAGER", c->service_manager},
        {"DATACRUMBS_ADMIN_GROUP", c->admin_group},
        {"DATACRUMBS_MAX_RUNTIME_FUNCTIONS", num[0]},
        {"DATACRUMBS_PROBE_VALIDITY", num[1]},
        {"DATACRUMBS_READY_TIMEOUT", num[2]},
        {"DATACRUMBS_STOP_TIMEOUT", num[3]},
    };

    snprintf(num[0], sizeof(num[0]), "%ld", c->max_runtime_functions);
    snprintf(num[1], sizeof(num[1]), "%ld", c->probe_validity);
    snprintf(num[2], sizeof(num[2]), "%ld", c->ready_timeout);
    snprintf(num[3], sizeof(num[3]), "%ld", c->stop_timeout);
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (!tab[i].value[0])
            continue; /* unset (admin_group): the placeholder stays unresolved */
        if (dc_keys_set(k, tab[i].name, tab[i].value, DC_KEY_CONFIG, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Set name when a library matching one of the patterns is installed. */
static int detect_lib(struct dc_keys *k, const char *name, const char *const *patterns, size_t n,
                      char *err, size_t errlen)
{
    char path[4096];

    for (size_t i = 0; i < n; i++)
        if (dc_libpath_find_glob(patterns[i], path, sizeof(path)) == 0)
            return dc_keys_set(k, name, path, DC_KEY_DETECTED, err, errlen);
    return 0;
}

int dc_keys_detect(struct dc_keys *k, char *err, size_t errlen)
{
    static const char *const mpi[] = {"libmpi.so", "libmpi.so.[0-9]*"};
    static const char *const hdf5[] = {"libhdf5.so", "libhdf5.so.[0-9]*",
                                       "libhdf5_serial.so.[0-9]*"};
    static const char *const python[] = {"libpython3.so", "libpython3.*.so.1.0"};
    struct utsname u;
    struct passwd *pw;
    char path[4096], host[256];
    const struct {
        const char *name, *value;
    } fixed[] = {
        {"DATACRUMBS_INSTALL_PREFIX", DC_INSTALL_PREFIX},
        {"DATACRUMBS_INSTALL_DIR", DC_INSTALL_PREFIX},
        {"DATACRUMBS_INSTALL_CONFIGS_DIR", DC_CONFIGS_DIR},
        {"DATACRUMBS_INSTALL_DATA_DIR", DC_DATA_DIR},
        {"DATACRUMBS_INSTALL_USER", "root"},
    };

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (dc_keys_set(k, fixed[i].name, fixed[i].value, DC_KEY_DETECTED, err, errlen) < 0)
            return -1;
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = '\0';
        if (host[0] &&
            (dc_keys_set(k, "DATACRUMBS_HOST", host, DC_KEY_DETECTED, err, errlen) < 0 ||
             dc_keys_set(k, "DATACRUMBS_INSTALL_HOST", host, DC_KEY_DETECTED, err, errlen) < 0))
            return -1;
    }
    pw = getpwuid(getuid());
    if (pw && pw->pw_name[0] &&
        dc_keys_set(k, "DATACRUMBS_USER", pw->pw_name, DC_KEY_DETECTED, err, errlen) < 0)
        return -1;
    if (dc_libpath_libc(path, sizeof(path)) == 0 &&
        dc_keys_set(k, "DATACRUMBS_LIBC_SO", path, DC_KEY_DETECTED, err, errlen) < 0)
        return -1;
    if (uname(&u) == 0) {
        /* Where distributions put the headers of the running kernel. */
        static const char *const headers[][2] = {{"/lib/modules/", "/build"},
                                                 {"/usr/src/kernels/", ""},
                                                 {"/usr/src/linux-headers-", ""}};

        if (dc_keys_set(k, "DATACRUMBS_KERNEL_UNAME_R", u.release, DC_KEY_DETECTED, err, errlen) <
            0)
            return -1;
        for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
            snprintf(path, sizeof(path), "%s%s%s", headers[i][0], u.release, headers[i][1]);
            if (is_dir(path)) {
                if (dc_keys_set(k, "DATACRUMBS_KERNEL_HEADERS_PATH", path, DC_KEY_DETECTED, err,
                                errlen) < 0)
                    return -1;
                break;
            }
        }
    }
    if (detect_lib(k, "DATACRUMBS_MPI_LIB", mpi, 2, err, errlen) < 0 ||
        detect_lib(k, "DATACRUMBS_HDF5_LIB", hdf5, 3, err, errlen) < 0 ||
        detect_lib(k, "DATACRUMBS_PYTHON_LIB", python, 2, err, errlen) < 0)
        return -1;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const struct dc_key *)a)->name, ((const struct dc_key *)b)->name);
}

void dc_keys_sort(struct dc_keys *k)
{
    if (k->n)
        qsort(k->v, k->n, sizeof(*k->v), cmp_key);
}

void dc_keys_free(struct dc_keys *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].name);
        free(k->v[i].value);
    }
    free(k->v);
    memset(k, 0, sizeof(*k));
}
