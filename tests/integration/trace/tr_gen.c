/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tr_gen - write a synthetic trace in the runtime's exact line format, for the tests and the
 * benchmarks of datacrumbs_trace (never installed).
 *
 *   tr_gen [--events N] [--procs P] [--files F] [--level L] [--seed S] [--ts0 US] [--cut BYTES] OUT
 *
 * Each process opens /data/pP/fileK (K < F, 64 by default, over and over), writes and reads it
 * through libc with the system call under each call (cat "sys"), then closes it, over and over;
 * sizes and durations are pseudo-random. Events are in end order, as the runtime writes them.
 * --level 0 writes plain text; --cut keeps only the first BYTES of the compressed file (a node that
 * died). On stdout: the totals the trace holds ("events N", "libc_write_bytes N", ...).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct out {
    gzFile gz;
    FILE *plain;
};

static void put(struct out *o, const char *s, int n)
{
    if (o->gz)
        gzwrite(o->gz, s, (unsigned)n);
    else
        fwrite(s, 1, (size_t)n, o->plain);
}

int main(int argc, char **argv)
{
    long long events = 1000, procs = 4, files = 64, level = 6, cut = -1;
    unsigned long long ts0 = 1765000000000000ull;
    unsigned long long id = 0, wbytes = 0, rbytes = 0, nwrite = 0, nread = 0, nopen = 0;
    const char *path = NULL;
    struct out o = {0};
    char line[512];
    int i;

    for (i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--events") == 0)
            events = atoll(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--procs") == 0)
            procs = atoll(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--files") == 0)
            files = atoll(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--level") == 0)
            level = atoll(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
            rng ^= (uint64_t)atoll(argv[++i]) * 0x9e3779b97f4a7c15ull;
        else if (i + 1 < argc && strcmp(argv[i], "--ts0") == 0)
            ts0 = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--cut") == 0)
            cut = atoll(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || procs < 1 || files < 1) {
        fprintf(stderr, "usage: tr_gen [--events N] [--procs P] [--level L] [--seed S] OUT\n");
        return 2;
    }
    if (level > 0) {
        char mode[32];

        snprintf(mode, sizeof(mode), "wb%lld", level);
        o.gz = gzopen(path, mode);
    } else {
        o.plain = fopen(path, "w");
    }
    if (!o.gz && !o.plain) {
        perror(path);
        return 1;
    }
    put(&o, "[\n", 2);
    {
        unsigned long long t = ts0;
        long long k = 0;

        while ((long long)id < events) {
            long long p = k % procs, pid = 1000 + p, fileno = (k / procs) % files;
            int ops = 2 + (int)(next() % 6), n;

            k++;
            /* open: libc then the syscall under it (which returns first). */
            n = snprintf(
                line, sizeof(line),
                "{\"id\":%llu,\"name\":\"openat\",\"cat\":\"sys\",\"ph\":\"X\",\"ts\":%llu,"
                "\"dur\":%d,\"pid\":%lld,\"tid\":%lld,\"args\":{\"dfd\":-100,\"filename\":"
                "\"/data/p%lld/file%lld\",\"flags\":577,\"mode\":438,\"ret\":3}}\n",
                id++, t + 1, 3 + (int)(next() % 20), pid, pid, p, fileno);
            put(&o, line, n);
            n = snprintf(line, sizeof(line),
                         "{\"id\":%llu,\"name\":\"open\",\"cat\":\"libc\",\"ph\":\"X\",\"ts\":%llu,"
                         "\"dur\":%d,\"pid\":%lld,\"tid\":%lld,\"args\":{\"file\":"
                         "\"/data/p%lld/file%lld\",\"oflag\":577,\"ret\":3}}\n",
                         id++, t, 30 + (int)(next() % 20), pid, pid, p, fileno);
            put(&o, line, n);
            nopen++;
            t += 60;
            for (int op = 0; op < ops && (long long)id < events; op++) {
                int wr = next() % 2, sz = 1 << (8 + next() % 14), d = 2 + (int)(next() % 500);
                const char *nm = wr ? "write" : "read";

                n = snprintf(
                    line, sizeof(line),
                    "{\"id\":%llu,\"name\":\"%s\",\"cat\":\"sys\",\"ph\":\"X\",\"ts\":%llu,"
                    "\"dur\":%d,\"pid\":%lld,\"tid\":%lld,\"args\":{\"fd\":3,\"buf\":"
                    "\"0x7ffc%08llx\",\"count\":%d,\"ret\":%d}}\n",
                    id++, nm, t + 1, d, pid, pid, (unsigned long long)(next() & 0xffffffff), sz,
                    sz);
                put(&o, line, n);
                n = snprintf(
                    line, sizeof(line),
                    "{\"id\":%llu,\"name\":\"%s\",\"cat\":\"libc\",\"ph\":\"X\",\"ts\":%llu,"
                    "\"dur\":%d,\"pid\":%lld,\"tid\":%lld,\"args\":{\"fd\":3,\"buf\":"
                    "\"0x7ffc%08llx\",\"n\":%d,\"ret\":%d}}\n",
                    id++, nm, t, d + 3, pid, pid, (unsigned long long)(next() & 0xffffffff), sz,
                    sz);
                put(&o, line, n);
                if (wr) {
                    wbytes += (unsigned long long)sz;
                    nwrite++;
                } else {
                    rbytes += (unsigned long long)sz;
                    nread++;
                }
                t += (unsigned long long)d + 10;
            }
            n = snprintf(
                line, sizeof(line),
                "{\"id\":%llu,\"name\":\"close\",\"cat\":\"libc\",\"ph\":\"X\",\"ts\":%llu,"
                "\"dur\":%d,\"pid\":%lld,\"tid\":%lld,\"args\":{\"fd\":3,\"ret\":0}}\n",
                id++, t, 2 + (int)(next() % 5), pid, pid);
            put(&o, line, n);
            t += 10;
        }
    }
    put(&o, "]\n", 2);
    if (o.gz ? gzclose(o.gz) != Z_OK : fclose(o.plain) != 0) {
        perror(path);
        return 1;
    }
    if (cut >= 0 && truncate(path, cut) < 0) {
        perror(path);
        return 1;
    }
    printf("events %llu\nopens %llu\nlibc_write_calls %llu\nlibc_write_bytes %llu\n"
           "libc_read_calls %llu\nlibc_read_bytes %llu\n",
           id, nopen, nwrite, wbytes, nread, rbytes);
    return 0;
}
