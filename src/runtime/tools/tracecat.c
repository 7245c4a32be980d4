/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dc_rt_tracecat - check a .pfw.gz trace line by line and print its events one per line as
 * "pid=.. tid=.. cat=.. name=.. dur=.. key=value ...", for the runtime's tests and demo (grep
 * friendly; a call still in flight when tracing stopped has "unfinished=true" after dur).
 * Never installed.
 *
 *   dc_rt_tracecat [--count] TRACE.pfw.gz
 *
 * Exit 0 when the file is a complete gzip stream holding "[", valid JSON events with every key
 * (ids 0, 1, 2, ...), then "]"; 1 otherwise (the first problem is printed on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

static const char *const keys[] = {"id", "name", "cat", "ph", "ts", "dur", "pid", "tid", "args"};

static int bad(long lineno, const char *what)
{
    fprintf(stderr, "dc_rt_tracecat: line %ld: %s\n", lineno, what);
    return 1;
}

static void print_value(const json_t *v)
{
    if (json_is_string(v))
        fputs(json_string_value(v), stdout);
    else if (json_is_integer(v))
        printf("%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v))
        fputs(json_is_true(v) ? "true" : "false", stdout);
    else
        fputs("?", stdout);
}

static int check_event(json_t *e, long lineno, long long expect_id, int print)
{
    const char *k;
    json_t *v;

    if (!json_is_object(e))
        return bad(lineno, "not a JSON object");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!json_object_get(e, keys[i]))
            return bad(lineno, "a key is missing");
    if (json_integer_value(json_object_get(e, "id")) != expect_id)
        return bad(lineno, "ids are not consecutive");
    if (!json_is_object(json_object_get(e, "args")))
        return bad(lineno, "args is not an object");
    if (!print)
        return 0;
    printf("pid=%lld tid=%lld cat=%s name=%s dur=%lld",
           (long long)json_integer_value(json_object_get(e, "pid")),
           (long long)json_integer_value(json_object_get(e, "tid")),
           json_string_value(json_object_get(e, "cat")),
           json_string_value(json_object_get(e, "name")),
           (long long)json_integer_value(json_object_get(e, "dur")));
    if (json_is_true(json_object_get(e, "unfinished")))
        fputs(" unfinished=true", stdout);
    json_object_foreach(json_object_get(e, "args"), k, v)
    {
        printf(" %s=", k);
        print_value(v);
    }
    putchar('\n');
    return 0;
}

int main(int argc, char **argv)
{
    int count_only = argc == 3 && strcmp(argv[1], "--count") == 0;
    const char *path = argv[argc - 1];
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    long lineno = 0;
    long long events = 0;
    int state = 0, rc = 0; /* 0 before "[", 1 events, 2 after "]" */
    gzFile gz;

    if (argc < 2 || argc > 3 || (argc == 3 && !count_only) || !line) {
        fprintf(stderr, "usage: dc_rt_tracecat [--count] TRACE.pfw.gz\n");
        return 2;
    }
    gz = gzopen(path, "rb");
    if (!gz) {
        perror(path);
        return 1;
    }
    while (gzgets(gz, line, (int)cap)) {
        size_t n = strlen(line);
        json_error_t jerr;
        json_t *e;

        lineno++;
        if (n == 0 || line[n - 1] != '\n') {
            rc = bad(lineno, "line not ended by a newline (truncated or too long)");
            break;
        }
        line[--n] = '\0';
        if (state == 0) {
            if (strcmp(line, "[") != 0) {
                rc = bad(lineno, "the trace does not start with \"[\"");
                break;
            }
            state = 1;
            continue;
        }
        if (state == 2) {
            rc = bad(lineno, "data after \"]\"");
            break;
        }
        if (strcmp(line, "]") == 0) {
            state = 2;
            continue;
        }
        e = json_loads(line, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!e) {
            rc = bad(lineno, jerr.text);
            break;
        }
        rc = check_event(e, lineno, events, !count_only);
        json_decref(e);
        if (rc)
            break;
        events++;
    }
    if (!rc) {
        int err;
        const char *msg = gzerror(gz, &err);

        if (err != Z_OK && err != Z_STREAM_END)
            rc = bad(lineno, msg);
        else if (state != 2)
            rc = bad(lineno, "the trace does not end with \"]\" (incomplete)");
    }
    if (gzclose(gz) != Z_OK && !rc)
        rc = bad(lineno, "the gzip stream is corrupt or truncated");
    if (count_only && !rc)
        printf("%lld\n", events);
    free(line);
    return rc;
}
