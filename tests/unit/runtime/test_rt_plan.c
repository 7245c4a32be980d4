/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_plan.c - probe file categories to functions: kinds, offsets, arguments, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/elfsym.h"
#include "runtime/plan.h"
#include "runtime/systab.h"

static void build(struct rt_plan *p, const char *categories)
{
    char err[256];
    json_t *c = json_loads(categories, 0, NULL);

    assert_non_null(c);
    assert_int_equal(rt_plan_build(p, c, err, sizeof(err)), 0);
    json_decref(c);
    rt_plan_resolve(p, NULL);
}

static const char *error_of(const struct rt_plan *p, size_t i)
{
    return p->funcs[i].error ? p->funcs[i].error : "";
}

static void test_classify(void **state)
{
    assert_int_equal(rt_arg_classify("const char *", 1, 64), RT_ARG_STR);
    assert_int_equal(rt_arg_classify("char *", 1, 64), RT_ARG_STR);
    assert_int_equal(rt_arg_classify("const char __user *", 1, 64), RT_ARG_STR);
    assert_int_equal(rt_arg_classify("unsigned char*", 1, 64), RT_ARG_STR);
    assert_int_equal(rt_arg_classify("char **", 1, 8), RT_ARG_PTR); /* argv: not text */
    assert_int_equal(rt_arg_classify("const void *", 1, 8), RT_ARG_PTR);
    assert_int_equal(rt_arg_classify("struct stat *", 1, 8), RT_ARG_PTR);
    assert_int_equal(rt_arg_classify("int", 0, 4), RT_ARG_INT);
    assert_int_equal(rt_arg_classify("long", 0, 8), RT_ARG_INT);
    assert_int_equal(rt_arg_classify("ssize_t", 0, 8), RT_ARG_INT);
    assert_int_equal(rt_arg_classify("off_t", 0, 8), RT_ARG_INT);
    assert_int_equal(rt_arg_classify("unsigned int", 0, 4), RT_ARG_UINT);
    assert_int_equal(rt_arg_classify("size_t", 0, 8), RT_ARG_UINT);
    assert_int_equal(rt_arg_classify("umode_t", 0, 2), RT_ARG_UINT);
    assert_int_equal(rt_arg_classify("double", 0, 8), -1);
    assert_int_equal(rt_arg_classify("float", 0, 4), -1);
    assert_int_equal(rt_arg_classify("struct timespec", 0, 16), -1);
    assert_int_equal(rt_arg_classify("sizet_custom", 0, 8), RT_ARG_INT); /* no partial words */
}

static void test_kinds_and_errors(void **state)
{
    struct rt_plan p;
    int kprobes;

    build(&p, "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"openat\",\"__x64_sys_read\","
              "\"no_such_syscall\",\"sys_openat\"]},"
              "{\"type\":1,\"name\":\"k\",\"functions\":[\"vfs_read\",\"mod_fn:0x10\"]},"
              "{\"type\":2,\"name\":\"u\",\"functions\":[\"f\"]},"
              "{\"type\":2,\"name\":\"rel\",\"functions\":[\"f\"],\"binary_path\":\"lib.so\"},"
              "{\"type\":3,\"name\":\"usdt\",\"functions\":[\"function__entry\"],"
              "\"binary_path\":\"/x\",\"provider\":\"python\"},"
              "{\"type\":4,\"name\":\"custom\",\"functions\":[\"c\"]},"
              "{\"type\":9,\"name\":\"odd\",\"functions\":[\"x\",\"\"]}]");
    assert_int_equal(p.nfuncs, 12);
    for (size_t i = 0; i < p.nfuncs; i++)
        assert_int_equal(p.funcs[i].id, i + 1);
    assert_int_equal(p.funcs[0].kind, DC_KIND_SYSCALL);
    assert_int_equal(p.funcs[0].nr, rt_syscall_nr("openat"));
    assert_null(p.funcs[0].error);
    assert_int_equal(p.funcs[1].nr, rt_syscall_nr("read"));
    assert_string_equal(error_of(&p, 2), "no such syscall on this architecture");
    assert_int_equal(p.funcs[3].alias_of, 1); /* sys_openat is openat again */
    assert_int_equal(p.funcs[4].kind, DC_KIND_KERNEL);
    assert_string_equal(p.funcs[5].symbol, "mod_fn"); /* kprobes attach by name */
    kprobes = access("/sys/bus/event_source/devices/kprobe", F_OK) == 0 ||
              access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
              access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
    if (kprobes) {
        assert_null(p.funcs[4].error);
        assert_null(p.funcs[5].error);
    } else { /* never promised where the kernel cannot place them */
        assert_non_null(strstr(error_of(&p, 4), "this kernel has no kprobes"));
        assert_non_null(strstr(error_of(&p, 5), "this kernel has no kprobes"));
    }
    assert_string_equal(error_of(&p, 6), "the category has no absolute binary_path");
    assert_string_equal(error_of(&p, 7), "the category has no absolute binary_path");
    assert_non_null(strstr(error_of(&p, 8), "USDT"));
    assert_non_null(strstr(error_of(&p, 9), "custom"));
    assert_non_null(strstr(error_of(&p, 10), "unknown probe type 9"));
    assert_non_null(strstr(error_of(&p, 11), "unknown probe type 9"));
    assert_int_equal(rt_plan_count_traceable(&p), kprobes ? 4 : 2);
    rt_plan_free(&p);
}

/* Resolved through ELF: this test program's own function, with and without an offset. */
__attribute__((noinline, used)) int rt_test_target_fn(int x);
__attribute__((noinline, used)) int rt_test_target_fn(int x)
{
    __asm__ volatile("" ::: "memory");
    return x * 3 + 1;
}

/* The file offset of rt_test_target_fn in this test program. */
static unsigned long long target_offset(const char *exe)
{
    struct rt_elf_query q = {.name = "rt_test_target_fn"};
    char err[256];

    assert_int_equal(rt_elf_resolve(exe, &q, 1, err, sizeof(err)), 0);
    assert_true(q.found);
    return (unsigned long long)q.offset;
}

static void test_uprobes(void **state)
{
    struct rt_plan p;
    char cats[10240], exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    unsigned long long off;

    assert_true(n > 0);
    exe[n] = '\0';
    off = target_offset(exe);
    snprintf(cats, sizeof(cats),
             "[{\"type\":2,\"name\":\"me\",\"functions\":[\"rt_test_target_fn\","
             "\"rt_test_target_fn:0x%llx\",\"nope_not_here\",\"bad:0xzz\",\"zero:0\","
             "\"setjmp\",\"rt_test_target_fn:0x%llx\",\"rt_test_target_fn:0x7fffffff\","
             "\"main:0x%llx\"],\"binary_path\":\"%s\"},"
             "{\"type\":2,\"name\":\"gone\",\"functions\":[\"f\"],"
             "\"binary_path\":\"/nonexistent/lib.so\"}]",
             off, off + 1, off, exe);
    build(&p, cats);
    assert_null(p.funcs[0].error);
    assert_true(p.funcs[0].has_offset && p.funcs[0].offset == off);
    assert_null(p.funcs[1].error);
    assert_int_equal(p.funcs[1].offset, off);
    assert_string_equal(p.funcs[1].symbol, "rt_test_target_fn");
    assert_non_null(strstr(error_of(&p, 2), "no function symbol 'nope_not_here'"));
    assert_non_null(strstr(error_of(&p, 3), "bad file offset"));
    assert_non_null(strstr(error_of(&p, 4), "bad file offset"));
    assert_non_null(strstr(error_of(&p, 5), "returns twice"));
    /* A given offset must be where that very function starts: one byte into it (the middle
     * of an instruction), past the end, or another function's start are all refused. */
    assert_non_null(strstr(error_of(&p, 6), "is not where function 'rt_test_target_fn' starts"));
    assert_non_null(strstr(error_of(&p, 7), "is not where function 'rt_test_target_fn' starts"));
    assert_non_null(strstr(error_of(&p, 8), "is not where function 'main' starts"));
    assert_non_null(strstr(error_of(&p, 9), "/nonexistent/lib.so"));
    /* The trace names the function without its offset. */
    assert_non_null(strstr(p.funcs[1].head, "\"name\":\"rt_test_target_fn\""));
    rt_plan_free(&p);
}

static void test_aliases(void **state)
{
    struct rt_plan p;
    char cats[10240], exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    unsigned long long off;

    assert_true(n > 0);
    exe[n] = '\0';
    off = target_offset(exe);
    char *slash = strrchr(exe, '/');

    *slash = '\0';
    snprintf(cats, sizeof(cats),
             "[{\"type\":2,\"name\":\"a\",\"functions\":[\"rt_test_target_fn\"],"
             "\"binary_path\":\"%s/%s\"},{\"type\":2,\"name\":\"b\",\"functions\":["
             "\"rt_test_target_fn:0x%llx\",\"rt_test_target_fn\",\"main\"],"
             "\"binary_path\":\"%s/./%s\"}]",
             exe, slash + 1, off, exe, slash + 1);
    build(&p, cats);
    /* The same file under another name is the same inode: one probe per address. */
    assert_int_equal(p.funcs[0].alias_of, 0);
    assert_null(p.funcs[1].error);
    assert_int_equal(p.funcs[1].alias_of, 1);
    assert_int_equal(p.funcs[2].alias_of, 1);
    assert_int_equal(p.funcs[3].alias_of, 0);
    rt_plan_free(&p);
}

static void test_arguments(void **state)
{
    struct rt_plan p;
    const struct rt_func *f;

    build(
        &p,
        "[{\"type\":0,\"name\":\"s\",\"functions\":[\"renameat2\"],"
        "\"function_arguments\":{\"renameat2\":["
        "{\"index\":0,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"olddfd\",\"c_type\":\"int\"}"
        ","
        "{\"index\":1,\"num_bytes\":64,\"is_pointer\":true,\"label\":\"oldname\",\"c_type\":"
        "\"const char *\"},"
        "{\"index\":3,\"num_bytes\":300,\"is_pointer\":true,\"label\":\"newname\",\"c_type\":"
        "\"const char *\"},"
        "{\"index\":4,\"num_bytes\":64,\"is_pointer\":true,\"label\":\"third\",\"c_type\":\"char "
        "*\"},"
        "{\"index\":6,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"seventh\",\"c_type\":"
        "\"int\"},"
        "{\"index\":2,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"d\",\"c_type\":\"double\"},"
        "{\"index\":2,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"olddfd\",\"c_type\":\"int\"}"
        ","
        "{\"num_bytes\":4,\"label\":\"noindex\"}]}}]");
    f = &p.funcs[0];
    assert_int_equal(f->nargs, 4);
    assert_int_equal(f->args[1].type, RT_ARG_STR);
    assert_int_equal(f->cfg.nstr, 2);
    assert_int_equal(f->cfg.str_reg[0], 1);
    assert_int_equal(f->cfg.str_len[0], 65); /* 64 bytes shown, and the NUL */
    assert_int_equal(f->cfg.str_reg[1], 3);
    assert_int_equal(f->cfg.str_len[1], DC_STR_LEN); /* bounded: DC_STR_MAX shown */
    assert_non_null(f->args[1].cut_key);
    assert_string_equal(f->args[1].cut_key, "\"oldname.cut\":true");
    assert_string_equal(f->args[1].hex_key, "\"oldname.hex\":");
    assert_int_equal(f->args[3].type, RT_ARG_PTR); /* a third string is a pointer */
    assert_int_equal(f->cfg.nregs, 5);
    assert_non_null(f->note);
    assert_int_equal(f->cfg.str_when, 0); /* const char *: both read at entry */
    rt_plan_free(&p);
}

/* A "char *" that is not const is an output: read at return, bounded by a read-like return. */
static void test_string_timing(void **state)
{
    struct rt_plan p;

    build(&p, "[{\"type\":0,\"name\":\"s\",\"functions\":[\"read\",\"getcwd\",\"openat\"],"
              "\"function_arguments\":{"
              "\"read\":[{\"index\":0,\"num_bytes\":4,\"label\":\"fd\",\"c_type\":\"int\"},"
              "{\"index\":1,\"num_bytes\":64,\"is_pointer\":true,\"label\":\"buf\","
              "\"c_type\":\"char *\"}],"
              "\"getcwd\":[{\"index\":0,\"num_bytes\":64,\"is_pointer\":true,\"label\":\"buf\","
              "\"c_type\":\"char *\"}],"
              "\"openat\":[{\"index\":1,\"num_bytes\":64,\"is_pointer\":true,\"label\":"
              "\"filename\",\"c_type\":\"const char *\"}]}}]");
    assert_int_equal(p.funcs[0].cfg.nstr, 1);
    assert_int_equal(p.funcs[0].cfg.str_when, 0x11); /* output, bounded by the count */
    assert_int_equal(p.funcs[1].cfg.str_when, 0x01); /* output, a pointer is returned */
    assert_int_equal(p.funcs[2].cfg.str_when, 0x00); /* input */
    rt_plan_free(&p);
}

static void test_not_categories(void **state)
{
    struct rt_plan p;
    char err[256];
    json_t *j = json_loads("{\"a\":1}", 0, NULL), *k = json_loads("[{\"type\":0}]", 0, NULL);

    assert_int_equal(rt_plan_build(&p, j, err, sizeof(err)), -1);
    rt_plan_free(&p);
    assert_int_equal(rt_plan_build(&p, k, err, sizeof(err)), -1);
    rt_plan_free(&p);
    json_decref(j);
    json_decref(k);
}

static void test_syscall_names(void **state)
{
    assert_int_equal(rt_syscall_nr("sys_openat"), rt_syscall_nr("openat"));
    assert_int_equal(rt_syscall_nr("__x64_sys_openat"), rt_syscall_nr("openat"));
    assert_true(rt_syscall_nr("openat") >= 0);
    assert_int_equal(rt_syscall_nr("newfstatat"), rt_syscall_nr("newfstatat"));
    assert_true(rt_syscall_nr("newfstatat") >= 0);
#if defined(__x86_64__)
    assert_int_equal(rt_syscall_nr("read"), 0);
    assert_int_equal(rt_syscall_nr("openat"), 257);
    assert_int_equal(rt_syscall_nr("newstat"), 4); /* the kernel's name for stat */
    assert_string_equal(rt_syscall_name(1), "write");
    /* The kernel's function names where they are not the C library's. */
    assert_int_equal(rt_syscall_nr("sendfile64"), 40);
    assert_int_equal(rt_syscall_nr("__x64_sys_sendfile64"), 40);
    assert_int_equal(rt_syscall_nr("sendfile"), 40);
    assert_int_equal(rt_syscall_nr("umount"), 166);
    assert_int_equal(rt_syscall_nr("newuname"), 63);
    assert_int_equal(rt_syscall_nr("cachestat"), 451); /* newer than some headers */
#endif
    assert_int_equal(rt_syscall_nr(""), -1);
    assert_int_equal(rt_syscall_nr("sys_"), -1);
    assert_int_equal(rt_syscall_nr("definitely_not"), -1);
    assert_null(rt_syscall_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),       cmocka_unit_test(test_kinds_and_errors),
        cmocka_unit_test(test_uprobes),        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_arguments),      cmocka_unit_test(test_string_timing),
        cmocka_unit_test(test_not_categories), cmocka_unit_test(test_syscall_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
