/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probefile_hmac - benchmark driver for dc_pf_hmac_hex (see bench/probefile_hmac.sh).
 *
 *   probefile_hmac once KEY_FILE DATA_FILE    print the MAC, like `openssl dgst -hmac`
 *   probefile_hmac loop KEY_FILE DATA_FILE N  time N calls in-process; print the MAC, the
 *                                             median and p90 per call (ns) and MB/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probefile.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0)
        goto cleanup;
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)n;
cleanup:
    if (f)
        fclose(f);
    return buf;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t keylen = 0, len = 0;
    unsigned char *key, *data;
    char mac[DC_PF_HEX_LEN + 1];
    long rounds;
    double *t;

    if (argc < 4 || (strcmp(argv[1], "once") && strcmp(argv[1], "loop")) ||
        (!strcmp(argv[1], "loop") && argc < 5)) {
        fprintf(stderr, "usage: probefile_hmac once|loop KEY_FILE DATA_FILE [N]\n");
        return 2;
    }
    key = slurp(argv[2], &keylen);
    data = slurp(argv[3], &len);
    if (!key || !data) {
        fprintf(stderr, "probefile_hmac: cannot read the input\n");
        return 1;
    }
    if (!strcmp(argv[1], "once")) {
        if (dc_pf_hmac_hex(key, keylen, data, len, mac) < 0)
            return 1;
        printf("%s\n", mac);
        return 0;
    }
    rounds = atol(argv[4]);
    if (rounds < 1 || !(t = malloc((size_t)rounds * sizeof(*t))))
        return 2;
    for (long i = 0; i < rounds; i++) {
        double t0 = now_ns();

        if (dc_pf_hmac_hex(key, keylen, data, len, mac) < 0)
            return 1;
        t[i] = now_ns() - t0;
    }
    qsort(t, (size_t)rounds, sizeof(*t), cmp_double);
    printf("%s %.0f %.0f %.1f\n", mac, t[rounds / 2], t[rounds * 9 / 10],
           (double)len / (t[rounds / 2] / 1e9) / 1e6);
    free(t);
    free(data);
    free(key);
    return 0;
}
