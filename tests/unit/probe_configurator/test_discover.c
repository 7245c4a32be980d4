/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_discover.c - discovery from host file to categories, on the fixtures: the regex on the
 * symbol name (never the offset), case-insensitive; deduplication by address and in config
 * order; exclusions; the MPI default filter; USDT, custom, ksym, BTF and header captures;
 * missing and malformed files; reuse; and the same categories, byte for byte, on every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "discover.h"
#include "elfcraft.h"
#include "probefile.h"

static char tmp[] = "/tmp/dc-discover.XXXXXX";
static char kallsyms[300];

/* Kernel symbols of the fake kernel whose BTF is the fixture's. */
static const char ksyms_text[] = "0000000000000000 T __x64_sys_read\n"
                                 "0000000000000000 T __x64_sys_write\n"
                                 "0000000000000000 T __x64_sys_openat\n"
                                 "0000000000000000 T __x64_sys_close\n"
                                 "0000000000000000 T __x64_sys_pread64\n"
                                 "0000000000000000 T __ia32_sys_read\n"
                                 "0000000000000000 T __x64_sys_ni_syscall\n"
                                 "0000000000000000 T ksys_read\n"
                                 "0000000000000000 T vfs_read_fx\n"
                                 "0000000000000000 t vfs_write\n"
                                 "0000000000000000 T Vfs_Upper\n"
                                 "0000000000000000 D vfs_data\n"
                                 "0000000000000000 T folio_mark_accessed\n";

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmp))
        return -1;
    snprintf(kallsyms, sizeof(kallsyms), "%s/kallsyms", tmp);
    return spit(kallsyms, ksyms_text, strlen(ksyms_text));
}

static int teardown(void **state)
{
    char cmd[400];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

struct run {
    struct dc_hostconf hc;
    struct dc_diag d;
    struct dc_sources src;
    struct dc_discovery out;
    enum dc_discover_status st;
};

static void dump(const struct run *r)
{
    for (size_t i = 0; i < r->d.n; i++)
        print_message("  [%d] %s\n", r->d.v[i].kind, r->d.v[i].text);
}

static void discover_with(struct run *r, const char *yaml, const char *reuse)
{
    memset(r, 0, sizeof(*r));
    dc_diag_init(&r->d, 0);
    if (dc_hostconf_parse(yaml, strlen(yaml), "host.yaml", &r->hc, &r->d) < 0) {
        dump(r);
        fail_msg("the host file does not load");
    }
    dc_sources_init(&r->src);
    r->src.kallsyms_path = kallsyms;
#ifdef FX_BTF
    r->src.btf_path = FX_BTF;
#else
    r->src.btf_path = "/nonexistent/btf";
#endif
    r->src.btf_dir = NULL;
    r->src.reuse_path = reuse;
    r->st = dc_discover(&r->hc, &r->src, &r->out, &r->d, NULL, NULL);
}

static void discover(struct run *r, const char *yaml)
{
    discover_with(r, yaml, NULL);
}

static void finish(struct run *r)
{
    dc_discovery_free(&r->out);
    dc_sources_free(&r->src);
    dc_hostconf_free(&r->hc);
    dc_diag_free(&r->d);
}

static const struct dc_category *cat(const struct run *r, const char *name)
{
    for (size_t i = 0; i < r->out.ncats; i++)
        if (!strcmp(r->out.cats[i].name, name))
            return &r->out.cats[i];
    dump(r);
    fail_msg("no category %s", name);
    return NULL;
}

static const struct dc_invalid *invalid(const struct run *r, const char *name)
{
    for (size_t i = 0; i < r->out.ninvalid; i++)
        if (!strcmp(r->out.invalid[i].name, name))
            return &r->out.invalid[i];
    dump(r);
    fail_msg("capture %s is not in the invalid list", name);
    return NULL;
}

/* The function names, comma-separated. */
static const char *names(const struct dc_category *c)
{
    static char buf[4096];
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < c->nfns && len < sizeof(buf); i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "", c->fns[i].name);
    return buf;
}

static char *category_text(const struct dc_category *c)
{
    struct dc_json_cache jc = {0};
    json_t *j = dc_category_json(c, &jc);
    char *s;

    assert_non_null(j);
    s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    dc_json_cache_free(&jc);
    return s;
}

static void yaml_binary(char *buf, size_t len, const char *name, const char *file,
                        const char *regex)
{
    size_t n = strlen(buf);

    snprintf(buf + n, len - n,
             "  - name: %s\n    type: binary\n    probe: uprobe\n    file: %s\n%s%s%s", name, file,
             regex ? "    regex: '" : "", regex ? regex : "", regex ? "'\n" : "");
}

static void test_regex_on_name_not_offset(void **state)
{
    char yaml[1024] = "capture_probes:\n";
    const struct dc_category *c;
    struct run r;
    char *text, want[64];

    (void)state;
    /* upstream bug 10.12: "^fx_open$" never matched "fx_open:0x1139" */
    yaml_binary(yaml, sizeof(yaml), "lib", FX_LIB, "^fx_open$");
    discover(&r, yaml);
    assert_int_equal(r.st, DC_DISCOVER_OK);
    c = cat(&r, "lib");
    assert_string_equal(names(c), "fx_open");
    assert_true(c->fns[0].has_offset);
    assert_int_equal(r.out.total, 1);
    text = category_text(c);
    snprintf(want, sizeof(want), "\"functions\":[\"fx_open:0x%llx\"]",
             (unsigned long long)c->fns[0].offset);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "{\"type\":2,\"name\":\"lib\",\"functions\":"));
    assert_non_null(strstr(text, ",\"binary_path\":\"" FX_LIB "\",\"include_offsets\":true}"));
    free(text);
    finish(&r);
}

static void test_case_insensitive_and_alias(void **state)
{
    char yaml[1024] = "capture_probes:\n";
    struct run r;

    (void)state;
    yaml_binary(yaml, sizeof(yaml), "upper", FX_LIB, "FX_OPEN|FX_READ");
    /* fx_write and fx_write_alias share an address: one probe point, the first name */
    yaml_binary(yaml, sizeof(yaml), "alias", FX_LIB, "fx_write.*");
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "upper")), "fx_open,fx_read");
    assert_string_equal(names(cat(&r, "alias")), "fx_write");
    finish(&r);
}

static void test_dedup_in_config_order(void **state)
{
    char yaml[2048] = "capture_probes:\n", link[400];
    struct run r;
    const struct dc_invalid *inv;

    (void)state;
    snprintf(link, sizeof(link), "%s/link.so", tmp);
    unlink(link);
    assert_int_equal(symlink(FX_LIB, link), 0);
    yaml_binary(yaml, sizeof(yaml), "first", FX_LIB, "fx_(open|read)");
    yaml_binary(yaml, sizeof(yaml), "second", FX_LIB, "fx_(read|use_a)");
    yaml_binary(yaml, sizeof(yaml), "third", link, "fx_open");
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "first")), "fx_open,fx_read");
    assert_string_equal(names(cat(&r, "second")), "fx_use_a");
    /* the same file under another path is the same file */
    inv = invalid(&r, "third");
    assert_non_null(strstr(inv->why, "1 already taken by earlier captures"));
    assert_int_equal(r.out.total, 3);
    finish(&r);
    /* the other order, the other winner */
    strcpy(yaml, "capture_probes:\n");
    yaml_binary(yaml, sizeof(yaml), "second", FX_LIB, "fx_(read|use_a)");
    yaml_binary(yaml, sizeof(yaml), "first", FX_LIB, "fx_(open|read)");
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "second")), "fx_read,fx_use_a");
    assert_string_equal(names(cat(&r, "first")), "fx_open");
    finish(&r);
}

static void test_exclusions(void **state)
{
    char yaml[4096], exfile[400];
    static const char ex[] = "[{\"name\": \"lib\", \"functions\": [\"fx_open\", \"a/b\"]},"
                             " {\"name\": \"other\", \"functions\": [\"fx_read\"]},"
                             " {\"no\": \"name\"}]";
    struct run r;

    (void)state;
    snprintf(exfile, sizeof(exfile), "%s/exclusions.json", tmp);
    assert_int_equal(spit(exfile, ex, strlen(ex)), 0);
    snprintf(yaml, sizeof(yaml),
             "exclusion_file: %s\ncapture_probes:\n"
             "  - name: lib\n    type: binary\n    probe: uprobe\n    file: %s\n"
             "    regex: fx_(open|read|ver.*)\n    exclude: [fx_ver]\n",
             exfile, FX_LIB);
    discover(&r, yaml);
    /* fx_open from the file, fx_ver and fx_ver@VERS_1 by their base name from the list; the
     * exclusions of another category do not apply */
    assert_string_equal(names(cat(&r, "lib")), "fx_read,fx_ver_new,fx_ver_old");
    assert_true(dc_diag_has(&r.d, DC_DIAG_WARNING, "is not a function name"));
    assert_true(dc_diag_has(&r.d, DC_DIAG_WARNING, "entry 2 has no \"name\""));
    finish(&r);
    /* an exclusion file that cannot be used stops discovery: a configuration error */
    snprintf(yaml, sizeof(yaml),
             "exclusion_file: %s/none.json\ncapture_probes:\n"
             "  - name: lib\n    type: binary\n    probe: uprobe\n    file: %s\n",
             tmp, FX_LIB);
    discover(&r, yaml);
    assert_int_equal(r.st, DC_DISCOVER_CONFIG);
    finish(&r);
}

static void test_mpi_default_filter(void **state)
{
    char yaml[1024] = "capture_probes:\n";
    struct run r;

    (void)state;
    yaml_binary(yaml, sizeof(yaml), "mpi", FX_MPI, NULL);
    discover(&r, yaml);
    /* PMPI_Init is MPI_Init's address: taken once */
    assert_string_equal(names(cat(&r, "mpi")), "MPIX_Comm_agree,MPI_File_open,MPI_Init");
    finish(&r);
    strcpy(yaml, "capture_probes:\n");
    yaml_binary(yaml, sizeof(yaml), "mpi", FX_MPI, ".*");
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "mpi")), "MPIX_Comm_agree,MPI_File_open,MPI_Init");
    finish(&r);
    /* a regex of one's own turns the default off */
    strcpy(yaml, "capture_probes:\n");
    yaml_binary(yaml, sizeof(yaml), "mpi", FX_MPI, "(ompi|mca)_.*");
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "mpi")), "mca_io_ompio_file_read,ompi_internal_progress");
    finish(&r);
}

static void test_usdt(void **state)
{
    char yaml[1024];
    struct run r;
    char *text;

    (void)state;
    snprintf(yaml, sizeof(yaml),
             "capture_probes:\n"
             "  - name: fx\n    type: usdt\n    probe: usdt\n    binary_path: %s\n"
             "    provider: fxprov\n"
             "  - name: none\n    type: usdt\n    probe: usdt\n    binary_path: %s\n"
             "    provider: python\n"
             "  - name: nonotes\n    type: usdt\n    probe: usdt\n    binary_path: %s\n"
             "    provider: python\n",
             FX_USDT, FX_USDT, FX_LIB);
    discover(&r, yaml);
    assert_string_equal(names(cat(&r, "fx")), "start,stop");
    text = category_text(cat(&r, "fx"));
    assert_non_null(strstr(text, "\"functions\":[\"start\",\"stop\"],\"binary_path\":\"" FX_USDT
                                 "\",\"provider\":\"fxprov\"}"));
    free(text);
    assert_non_null(strstr(invalid(&r, "none")->why, "no USDT probes of provider python (it "
                                                     "has: fxprov, other)"));
    assert_non_null(strstr(invalid(&r, "nonotes")->why, "has no USDT probes"));
    finish(&r);
}

static void test_custom(void **state)
{
    char yaml[4096], bpf[400], probes[400], hdr[400];
    static const char list[] = "[{\"type\": 0, \"functions\": [\"zeta\", \"alpha\", \"zeta\"]},"
                               " {\"name\": \"x\"}, {\"functions\": [\"beta\"]}]";
    struct run r;
    char *text;

    (void)state;
    snprintf(bpf, sizeof(bpf), "%s/x.bpf.c", tmp);
    snprintf(probes, sizeof(probes), "%s/probes.json", tmp);
    snprintf(hdr, sizeof(hdr), "%s/proc.h", tmp);
    assert_int_equal(spit(bpf, "//", 2), 0);
    assert_int_equal(spit(hdr, "//", 2), 0);
    assert_int_equal(spit(probes, list, strlen(list)), 0);
    snprintf(yaml, sizeof(yaml),
             "capture_probes:\n"
             "  - {name: c1, type: custom, probe: custom, file: %s, probes: %s,\n"
             "     process_header: %s, start_event_id: 100000, event_type: 2}\n"
             "  - {name: c2, type: custom, probe: custom, file: %s, probes: %s,\n"
             "     process_header: %s/missing.h, start_event_id: 5}\n",
             bpf, probes, hdr, bpf, probes, tmp);
    discover(&r, yaml);
    /* file order, repeats removed, not sorted */
    assert_string_equal(names(cat(&r, "c1")), "zeta,alpha,beta");
    assert_int_equal(r.out.total, 0); /* custom probes are not the runtime's functions */
    text = category_text(cat(&r, "c1"));
    assert_non_null(strstr(text, "\"functions\":[\"zeta\",\"alpha\",\"beta\"],\"bpf_path\":"));
    assert_non_null(strstr(text, "\"start_event_id\":100000,\"process_header\":"));
    assert_non_null(strstr(text, "\"event_type\":2}"));
    free(text);
    assert_non_null(strstr(invalid(&r, "c2")->why, "custom process header"));
    finish(&r);
}

static void test_ksym(void **state)
{
    struct run r;

    (void)state;
    /* upstream: a case-sensitive search first, then the full case-insensitive match */
    discover(&r, "capture_probes:\n"
                 "  - {name: vfs, type: ksym, probe: kprobe, regex: 'vfs_.*'}\n"
                 "  - {name: sys, type: ksym, probe: syscalls, regex: '__x64_sys_(read|write)'}\n"
                 "  - {name: again, type: ksym, probe: kprobe, regex: 'vfs_read_fx'}\n");
    assert_string_equal(names(cat(&r, "vfs")), "vfs_read_fx,vfs_write");
    /* syscalls lose their entry prefix */
    assert_string_equal(names(cat(&r, "sys")), "read,write");
    assert_non_null(cat(&r, "sys")->fns[0].sig);
    assert_string_equal(cat(&r, "sys")->fns[0].sig->args[0].label, "fd");
    assert_non_null(strstr(invalid(&r, "again")->why, "already taken"));
    finish(&r);
}

static void test_btf(void **state)
{
#ifdef FX_BTF
    struct run r;
    const struct dc_category *c;

    (void)state;
    discover(&r, "capture_probes:\n"
                 "  - {name: sys, type: btf, probe: syscalls, regex: '(read|openat|pread64)'}\n"
                 "  - {name: docker, type: btf, probe: syscalls,\n"
                 "     regex: '^sys_(read|write|close|ni_syscall)$'}\n"
                 "  - {name: all, type: btf, probe: syscalls}\n"
                 "  - {name: k, type: btf, probe: kprobe, regex: '.*(read|folio|filemap).*'}\n");
    c = cat(&r, "sys");
    assert_string_equal(names(c), "openat,pread64,read");
    /* openat's signature is __do_sys_openat's in BTF; read's the built-in table's */
    assert_string_equal(c->fns[0].sig->args[1].c_type, "const char *");
    assert_string_equal(c->fns[0].sig->args[3].c_type, "umode_t");
    assert_string_equal(c->fns[2].sig->args[1].label, "buf");
    /* upstream's header regex form matches too; ni_syscall is not a syscall */
    assert_string_equal(names(cat(&r, "docker")), "close,write");
    assert_non_null(strstr(invalid(&r, "all")->why, "already taken"));
    /* kprobes: BTF functions the kernel has; filemap_fault_fx is not in kallsyms */
    c = cat(&r, "k");
    assert_string_equal(names(c), "__x64_sys_pread64,__x64_sys_read,folio_mark_accessed,"
                                  "ksys_read,vfs_read_fx");
    assert_string_equal(c->fns[3].sig->args[2].c_type, "size_t");
    finish(&r);
#else
    (void)state;
    skip();
#endif
}

static void test_header(void **state)
{
#ifdef FX_BTF
    char yaml[4096], h1[400], h2[400];
    static const char sys_h[] = "asmlinkage long sys_read(unsigned int fd, char __user *buf, "
                                "size_t count);\n"
                                "asmlinkage long sys_write(unsigned int fd, const char __user "
                                "*b, size_t n);\n"
                                "asmlinkage long sys_bogus(int x);\n";
    static const char mm_h[] = "void folio_mark_accessed(struct folio *folio);\n"
                               "int filemap_fault_fx(void *vmf);\n"
                               "int not_in_kernel(void);\n";
    struct run r;
    const struct dc_category *c;

    (void)state;
    snprintf(h1, sizeof(h1), "%s/syscalls.h", tmp);
    snprintf(h2, sizeof(h2), "%s/pagemap.h", tmp);
    assert_int_equal(spit(h1, sys_h, strlen(sys_h)), 0);
    assert_int_equal(spit(h2, mm_h, strlen(mm_h)), 0);
    snprintf(yaml, sizeof(yaml),
             "capture_probes:\n"
             "  - {name: sys, type: header, probe: syscalls, file: %s, regex: 'sys_.*'}\n"
             "  - {name: mm, type: header, probe: kprobe, file: %s}\n"
             "  - {name: gone, type: header, probe: kprobe, file: %s/none.h}\n"
             "  - {name: sys2, type: header, probe: syscalls, file: %s/none.h}\n",
             h1, h2, tmp, tmp);
    discover(&r, yaml);
    c = cat(&r, "sys");
    assert_string_equal(names(c), "read,write");
    /* the header's own prototype comes first */
    assert_string_equal(c->fns[1].sig->args[1].label, "b");
    assert_string_equal(names(cat(&r, "mm")), "folio_mark_accessed");
    assert_non_null(strstr(invalid(&r, "gone")->why, "use 'type: btf' with a 'regex'"));
    /* a missing header for syscalls: served from BTF */
    assert_string_equal(names(cat(&r, "sys2")), "close,openat,pread64");
    finish(&r);
#else
    (void)state;
    skip();
#endif
}

static void test_missing_and_malformed(void **state)
{
    char yaml[2048] = "capture_probes:\n", trunc[400], text[400];
    unsigned char *buf;
    size_t len;
    struct run r;

    (void)state;
    snprintf(trunc, sizeof(trunc), "%s/libtrunc.so", tmp);
    snprintf(text, sizeof(text), "%s/libtext.so", tmp);
    assert_int_equal(slurp(FX_LIB, &buf, &len), 0);
    assert_int_equal(spit(trunc, buf, len / 2), 0);
    assert_int_equal(spit(text, "hello", 5), 0);
    free(buf);
    yaml_binary(yaml, sizeof(yaml), "missing", "/nonexistent/libx.so", NULL);
    yaml_binary(yaml, sizeof(yaml), "trunc", trunc, NULL);
    yaml_binary(yaml, sizeof(yaml), "text", text, NULL);
    yaml_binary(yaml, sizeof(yaml), "bare", "libnot-a-library.so.9", NULL);
    yaml_binary(yaml, sizeof(yaml), "nomatch", FX_LIB, "zzz");
    yaml_binary(yaml, sizeof(yaml), "good", FX_LIB, "fx_open");
#ifdef FX_NOSYMS
    yaml_binary(yaml, sizeof(yaml), "nosyms", FX_NOSYMS, NULL);
#endif
    discover(&r, yaml);
    assert_int_equal(r.st, DC_DISCOVER_OK);
    assert_string_equal(names(cat(&r, "good")), "fx_open");
    assert_non_null(strstr(invalid(&r, "missing")->why, "No such file or directory"));
    assert_non_null(strstr(invalid(&r, "trunc")->why, "cannot read"));
    assert_non_null(strstr(invalid(&r, "text")->why, "not an ELF file"));
    assert_non_null(strstr(invalid(&r, "bare")->why, "no such library"));
    assert_non_null(strstr(invalid(&r, "nomatch")->why, "rejected by the regex"));
#ifdef FX_NOSYMS
    assert_non_null(strstr(invalid(&r, "nosyms")->why, "(it is stripped)"));
#endif
    assert_true(dc_diag_has(&r.d, DC_DIAG_ERROR, "host.yaml:2: capture missing left out"));
    finish(&r);
}

static void test_invalid_regex(void **state)
{
    char yaml[1024] = "capture_probes:\n";
    struct run r;

    (void)state;
    yaml_binary(yaml, sizeof(yaml), "good", FX_LIB, "fx_open");
    yaml_binary(yaml, sizeof(yaml), "bad", FX_LIB, "(fx_open");
    discover(&r, yaml);
    assert_int_equal(r.st, DC_DISCOVER_CONFIG);
    assert_true(dc_diag_has(&r.d, DC_DIAG_ERROR,
                            "host.yaml:11: capture_probes[1] (bad): key "
                            "'regex': invalid pattern: missing closing "
                            "parenthesis"));
    finish(&r);
}

static void test_bare_library_name(void **state)
{
    char yaml[1024] = "capture_probes:\n";
    struct run r;
    const struct dc_category *c;

    (void)state;
    yaml_binary(yaml, sizeof(yaml), "libc", "libc.so.6", "fopen|fclose");
    discover(&r, yaml);
    c = cat(&r, "libc");
    assert_true(c->binary_path[0] == '/');
    assert_non_null(strstr(c->binary_path, "libc.so.6"));
    assert_string_equal(names(c), "fclose,fopen");
    /* C library prototypes give the signatures */
    assert_non_null(c->fns[1].sig);
    assert_string_equal(c->fns[1].sig->args[0].c_type, "const char *");
    finish(&r);
}

/* Everything at once, twice: the same bytes. */
static char *all_categories(void)
{
    char yaml[4096];
    struct run r;
    json_t *a = json_array();
    struct dc_json_cache jc = {0};
    char *s;

    snprintf(yaml, sizeof(yaml),
             "capture_probes:\n"
             "  - {name: lib, type: binary, probe: uprobe, file: %s}\n"
             "  - {name: mpi, type: binary, probe: uprobe, file: %s}\n"
             "  - {name: usdt, type: usdt, probe: usdt, binary_path: %s, provider: fxprov}\n"
             "  - {name: vfs, type: ksym, probe: kprobe, regex: '.*'}\n"
             "  - {name: sys, type: btf, probe: syscalls}\n",
             FX_LIB, FX_MPI, FX_USDT);
    discover(&r, yaml);
    assert_int_equal(r.st, DC_DISCOVER_OK);
    for (size_t i = 0; i < r.out.ncats; i++)
        json_array_append_new(a, dc_category_json(&r.out.cats[i], &jc));
    s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(a);
    dc_json_cache_free(&jc);
    finish(&r);
    return s;
}

static void test_deterministic(void **state)
{
    char *a = all_categories(), *b = all_categories();

    (void)state;
    assert_non_null(a);
    assert_true(strlen(a) > 200);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_reuse(void **state)
{
    char yaml[1024], prev[400], cats[1024];
    json_t *summary, *categories;
    json_error_t jerr;
    struct run r;
    const struct dc_category *c;
    char *text;

    (void)state;
    snprintf(prev, sizeof(prev), "%s/previous.json.gz", tmp);
    snprintf(cats, sizeof(cats),
             "[{\"type\":2,\"name\":\"lib\",\"functions\":[\"fx_open:0x1234\",\"fx_gone:0x99\"],"
             "\"function_arguments\":{\"fx_open:0x1234\":[{\"index\":0,\"num_bytes\":64,"
             "\"is_pointer\":true,\"label\":\"path\",\"c_type\":\"const char *\"}]},"
             "\"binary_path\":\"%s\",\"include_offsets\":true}]",
             FX_LIB);
    categories = json_loads(cats, 0, &jerr);
    assert_non_null(categories);
    summary = json_pack("{s:s}", "user", "test");
    assert_int_equal(dc_pf_write(prev, summary, categories,
                                 "0000000000000000000000000000000000000000000000000000000000000000",
                                 1, 0600),
                     DC_PF_OK);
    json_decref(summary);
    json_decref(categories);
    snprintf(yaml, sizeof(yaml),
             "capture_probes:\n"
             "  - {name: lib, type: binary, probe: uprobe, file: %s, enable_explorer: false,\n"
             "     exclude: [fx_gone]}\n"
             "  - {name: new, type: binary, probe: uprobe, file: %s, enable_explorer: false,\n"
             "     regex: fx_read}\n",
             FX_LIB, FX_LIB);
    discover_with(&r, yaml, prev);
    c = cat(&r, "lib");
    assert_string_equal(names(c), "fx_open");
    assert_int_equal(c->fns[0].offset, 0x1234);
    text = category_text(c);
    assert_non_null(strstr(text, "\"function_arguments\":{\"fx_open:0x1234\":[{\"index\":0"));
    free(text);
    /* nothing to reuse: discovered */
    assert_string_equal(names(cat(&r, "new")), "fx_read");
    finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regex_on_name_not_offset),
        cmocka_unit_test(test_case_insensitive_and_alias),
        cmocka_unit_test(test_dedup_in_config_order),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_mpi_default_filter),
        cmocka_unit_test(test_usdt),
        cmocka_unit_test(test_custom),
        cmocka_unit_test(test_ksym),
        cmocka_unit_test(test_btf),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_missing_and_malformed),
        cmocka_unit_test(test_invalid_regex),
        cmocka_unit_test(test_bare_library_name),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_reuse),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
