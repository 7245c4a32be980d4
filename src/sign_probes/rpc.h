/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rpc.h - the JSON-RPC 2.0 envelope of the signing protocol (datacrumbs_sign_probes(8)).
 *
 * One request object per connection: {"jsonrpc":"2.0","id":ID,"method":M[,"params":P]} with
 * no other keys; ID a string, an integer or null. Responses are written like upstream's
 * (compact, keys jsonrpc, id, result|error, '/' as '\/').
 */
#ifndef DC_SIGN_RPC_H
#define DC_SIGN_RPC_H

#include <jansson.h>
#include <stddef.h>

enum dc_rpc_code {
    DC_RPC_PARSE_ERROR = -32700,
    DC_RPC_INVALID_REQUEST = -32600,
    DC_RPC_METHOD_NOT_FOUND = -32601,
    DC_RPC_INVALID_PARAMS = -32602,
    DC_RPC_INTERNAL_ERROR = -32603,
    /* Refusals of the signing policy, -32001 .. -32009 */
    DC_RPC_PAYLOAD_INVALID = -32001, /* not JSON, wrong schema, unknown key, not canonical */
    DC_RPC_IDENTITY = -32002,        /* summary.user / summary.uid are not the caller */
    DC_RPC_PATH_DENIED = -32003,     /* a path the caller cannot read */
    DC_RPC_TOO_MANY_FUNCTIONS = -32004,
    DC_RPC_UNKNOWN_SYMBOL = -32005, /* a kernel probe names no kernel function */
    DC_RPC_VALIDITY = -32006,       /* issued_at / expires_at out of bounds */
    DC_RPC_NOT_ADMIN = -32007,      /* custom probes need admin_group */
    DC_RPC_RETURN_UNSAFE = -32008,  /* a return probe where a call may not return */
    DC_RPC_CAPTURE_DENIED = -32009, /* a capture the site's probe policy does not allow */
    /* Refusals of the transport, -32010 .. -32019 */
    DC_RPC_TOO_LARGE = -32010, /* request larger than --max-request */
    DC_RPC_TIMEOUT = -32011,   /* request not complete within --timeout */
    DC_RPC_BUSY = -32012,      /* too many connections or bytes in flight; retry later */
};

/* Short name of a code for the log ("parse error", "identity", ...). */
const char *dc_rpc_code_name(int code);

struct dc_rpc_request {
    json_t *root;       /* owned: the whole request */
    json_t *id;         /* borrowed; NULL when absent (a notification) */
    const char *method; /* borrowed */
    json_t *params;     /* borrowed; NULL when absent */
};

#define DC_RPC_MAX_VALUES 64 /* an envelope never needs more JSON values than this */

/*
 * Parse and check the envelope (strict: unknown keys, duplicate keys, a bad id or version are
 * invalid requests). Returns 0, or an error code with a message in msg; rq->id is then the id
 * to answer with when one could be read (else NULL: answer with null). Free with
 * dc_rpc_request_free() in both cases.
 */
int dc_rpc_parse(const char *buf, size_t len, struct dc_rpc_request *rq, char *msg, size_t msglen);
void dc_rpc_request_free(struct dc_rpc_request *rq);

/* Responses as malloc'ed bytes (*len set). id NULL means null. result is stolen. Never NULL
 * except when out of memory. */
char *dc_rpc_result(const json_t *id, json_t *result, size_t *len);
char *dc_rpc_error(const json_t *id, int code, const char *message, size_t *len);

#endif
