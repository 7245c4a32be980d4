/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * protocol.h - what datacrumbs_run/datacrumbs_stop send to datacrumbs_nodectl --stdin over ssh,
 * and what comes back.
 *
 * The remote command is fixed ("sudo -n .../datacrumbs_nodectl --stdin"); every value travels
 * here, on ssh's stdin, never in a command line a remote shell would parse. Both directions are
 * text lines: a magic first line, then "key=value" lines.
 *
 *   request                           reply
 *   datacrumbs-nodectl/1              datacrumbs-nodectl/1
 *   verb=start                        result=ok
 *   run_id=42                         state=running
 *   user=alice                        pid=1234
 *   probe_file=/home/alice/p.json.gz  fingerprint=0123456789abcdef
 *                                     detail=started (pid 1234)
 *
 * A request is refused as a whole when anything is off: unknown or repeated key, a missing
 * final newline (truncated), a NUL or CR byte, a line or total size over the bounds, a value
 * that fails its rule. The node validates again whatever the client validated.
 */
#ifndef DC_NODECTL_PROTOCOL_H
#define DC_NODECTL_PROTOCOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runid.h"

#define DC_PROTO_MAGIC       "datacrumbs-nodectl/1"
#define DC_PROTO_REQUEST_MAX 8192  /* bytes of a whole request */
#define DC_PROTO_REPLY_MAX   65536 /* bytes of a reply a client reads */
#define DC_PROTO_READ_MS     10000 /* the whole request must arrive within this */
#define DC_USER_MAX          32    /* dc_username_valid's bound */
#define DC_DETAIL_MAX        512
#define DC_FPR_MAX           16

enum dc_verb {
    DC_VERB_NONE = 0,
    DC_VERB_CHECK,  /* check the probe file and report the secret fingerprint; start nothing */
    DC_VERB_START,  /* check, write the env file, start the runtime, wait until it is ready */
    DC_VERB_STOP,   /* stop the runtime, wait, remove the run's files */
    DC_VERB_STATUS, /* one run, or every run on the node */
};

struct dc_request {
    enum dc_verb verb;
    char run_id[DC_RUNID_MAX + 1];
    char user[DC_USER_MAX + 1];
    char probe_file[PATH_MAX];
};

/* "check", "start", "stop", "status" (or "none"). */
const char *dc_verb_name(enum dc_verb v);
/* The verb named s, or DC_VERB_NONE. */
enum dc_verb dc_verb_from_name(const char *s);

/*
 * A probe file path that may travel to a node: absolute, shorter than PATH_MAX, valid UTF-8,
 * no control character (a newline would forge a request line). Spaces, quotes and '$' are fine:
 * no shell ever sees the path. Returns true, or false with the reason in err.
 */
bool dc_probe_path_valid(const char *path, char *err, size_t errlen);

/*
 * The fields a verb needs, each by its rule (run id and user: runid.h; probe file: above).
 * start/check need run_id, user, probe_file; stop needs run_id only; status takes an optional
 * run_id. Returns 0, or -1 with the reason in err.
 */
int dc_request_validate(const struct dc_request *r, char *err, size_t errlen);

/* Parse and validate a request of len bytes. Returns 0, or -1 with the reason in err. */
int dc_request_parse(const char *buf, size_t len, struct dc_request *r, char *err, size_t errlen);

/* Validate r and write it to buf. Returns the length, or -1 (err says why). */
int dc_request_format(const struct dc_request *r, char *buf, size_t buflen, char *err,
                      size_t errlen);

/*
 * Read a whole request from fd (until end of file) within timeout_ms, at most
 * DC_PROTO_REQUEST_MAX bytes, into buf (at least DC_PROTO_REQUEST_MAX + 1 bytes). Returns the
 * length, or -1 with the reason in err.
 */
long dc_request_read(int fd, char *buf, int timeout_ms, char *err, size_t errlen);

enum dc_result {
    DC_RESULT_OK = 0,  /* done (or nothing to do: already running, not running) */
    DC_RESULT_FAILED,  /* tried and failed; detail says why */
    DC_RESULT_INVALID, /* the request was malformed or a value broke its rule */
    DC_RESULT_DENIED,  /* the caller may not do this */
};

/* "ok", "failed", "invalid", "denied". */
const char *dc_result_name(enum dc_result r);

struct dc_reply {
    enum dc_result result;
    char state[16]; /* "running", "stopped" or "" */
    long pid;       /* of the runtime, 0 when unknown */
    char fingerprint[DC_FPR_MAX + 1];
    char detail[DC_DETAIL_MAX];
};

/* Write the reply (control characters in text fields become '?'). Returns 0 or -1. */
int dc_reply_write(const struct dc_reply *r, FILE *out);

/*
 * Find a reply in what a node printed (anything before the magic line is ignored, unknown keys
 * are skipped, text is sanitized). Returns 0, or -1 when buf holds no reply.
 */
int dc_reply_parse(const char *buf, size_t len, struct dc_reply *r);

/* Replace control characters (and DEL) with '?', in place. */
void dc_text_sanitize(char *s);

#endif
