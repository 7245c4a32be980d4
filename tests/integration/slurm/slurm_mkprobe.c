/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slurm_mkprobe - a signed probe file for the SLURM tests (never installed):
 *   slurm_mkprobe KEY_FILE OUT USER VALID_SECONDS
 * issued now for USER (and its uid), expiring VALID_SECONDS from now (negative: already
 * expired), mode 0644. The content is a token category: the stub daemon only verifies it.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "probefile.h"

int main(int argc, char **argv)
{
    unsigned char key[4096];
    char mac[DC_PF_HEX_LEN + 1], issued[32], expires[32];
    struct passwd *pw;
    json_t *s, *c;
    size_t keylen;
    time_t now = time(NULL);
    FILE *f;
    enum dc_pf_status st;

    if (argc != 5) {
        fprintf(stderr, "usage: slurm_mkprobe KEY_FILE OUT USER VALID_SECONDS\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    pw = getpwnam(argv[3]);
    if (!f || !pw) {
        fprintf(stderr, "slurm_mkprobe: cannot read %s or no user %s\n", argv[1], argv[3]);
        return 1;
    }
    keylen = fread(key, 1, sizeof(key), f);
    fclose(f);
    dc_pf_time_format(now - 5, issued);
    dc_pf_time_format(now + atol(argv[4]), expires);
    s = json_pack("{s:s,s:I,s:s,s:s}", "user", argv[3], "uid", (json_int_t)pw->pw_uid, "issued_at",
                  issued, "expires_at", expires);
    c = json_pack("[{s:i,s:s,s:[s]}]", "type", 1, "name", "posix", "functions", "read");
    st = dc_pf_sign(s, c, key, keylen, mac);
    if (st == DC_PF_OK)
        st = dc_pf_write(argv[2], s, c, mac, 1, 0644);
    json_decref(s);
    json_decref(c);
    if (st != DC_PF_OK) {
        fprintf(stderr, "slurm_mkprobe: %s\n", dc_pf_status_str(st));
        return 1;
    }
    return 0;
}
