/* SPDX-License-Identifier: BSD-3-Clause */
/* check.c - "check" and "fingerprint": load the secret with every rule, say what is wrong. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "secret.h"

int secret_exit_code(enum dc_pf_secret_reason r)
{
    switch (r) {
    case DC_SECRET_OK: return 0;
    case DC_SECRET_MISSING: return EXIT_MISSING;
    case DC_SECRET_SYMLINK: return EXIT_SYMLINK;
    case DC_SECRET_NOT_REGULAR: return EXIT_NOT_REGULAR;
    case DC_SECRET_BAD_OWNER: return EXIT_BAD_OWNER;
    case DC_SECRET_GROUP_WRITABLE: return EXIT_GROUP_WRITABLE;
    case DC_SECRET_WORLD_WRITABLE: return EXIT_WORLD_WRITABLE;
    case DC_SECRET_GROUP_READABLE: return EXIT_GROUP_READABLE;
    case DC_SECRET_WORLD_READABLE: return EXIT_WORLD_READABLE;
    case DC_SECRET_PARENT_INSECURE: return EXIT_PARENT_INSECURE;
    case DC_SECRET_UNREADABLE: return EXIT_UNREADABLE;
    case DC_SECRET_EMPTY: return EXIT_EMPTY;
    case DC_SECRET_WRONG_LENGTH: return EXIT_WRONG_LENGTH;
    case DC_SECRET_NOT_HEX: return EXIT_NOT_HEX;
    case DC_SECRET_UPPERCASE: return EXIT_UPPERCASE;
    case DC_SECRET_NEWLINE: return EXIT_NEWLINE;
    }
    return EXIT_FAILED;
}

/* Load the key; on failure report and return the exit code, else 0. */
static int load(const char *path, unsigned char key[DC_PF_HEX_LEN])
{
    char why[1024];
    enum dc_pf_secret_reason r = dc_pf_secret_read(path, key, why, sizeof(why));

    if (r == DC_SECRET_OK)
        return 0;
    dc_err("%s", why);
    if (r == DC_SECRET_MISSING)
        dc_info("create it with: datacrumbs_secret create --secret-file %s", path);
    return secret_exit_code(r);
}

int secret_check(const char *path)
{
    unsigned char key[DC_PF_HEX_LEN];
    char fpr[DC_PF_FPR_LEN + 1];
    int rc = load(path, key);

    if (rc == 0) {
        if (dc_pf_secret_fingerprint(key, sizeof(key), fpr) < 0)
            rc = EXIT_FAILED;
        else
            printf("%s: ok (fingerprint %s)\n", path, fpr);
    }
    explicit_bzero(key, sizeof(key));
    return rc;
}

int secret_fingerprint(const char *path)
{
    unsigned char key[DC_PF_HEX_LEN];
    char fpr[DC_PF_FPR_LEN + 1];
    int rc = load(path, key);

    if (rc == 0) {
        if (dc_pf_secret_fingerprint(key, sizeof(key), fpr) < 0) {
            dc_err("cannot compute the fingerprint");
            rc = EXIT_FAILED;
        } else {
            printf("%s\n", fpr);
        }
    }
    explicit_bzero(key, sizeof(key));
    return rc;
}
