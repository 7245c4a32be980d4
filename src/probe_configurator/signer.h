/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * signer.h - ask datacrumbs_sign_probes for a checksum (docs/design.md §4.4).
 *
 * AF_UNIX stream socket, one JSON-RPC 2.0 request per connection ended by our half-close, one
 * response read to EOF: sign_probe_payload {signing_payload} -> {checksum}. The signer decides
 * who we are from the socket, so nothing here claims an identity. A busy signer is asked again
 * a few times; everything is bounded in time and size.
 */
#ifndef DC_CFG_SIGNER_H
#define DC_CFG_SIGNER_H

#include <stddef.h>

#include "probefile.h"

#define DC_SIGNER_TIMEOUT_MS   60000      /* a whole exchange, policy checks included */
#define DC_SIGNER_REPLY_MAX    (1u << 20) /* bytes of response */
#define DC_SIGNER_BUSY_RETRIES 3

enum dc_signer_status {
    DC_SIGNER_OK = 0,
    DC_SIGNER_UNREACHABLE, /* no socket, connection refused, timed out */
    DC_SIGNER_REFUSED,     /* a JSON-RPC error: the policy said no */
    DC_SIGNER_PROTOCOL,    /* an answer that is not a valid response */
};

struct dc_signer_reply {
    char checksum[DC_PF_HEX_LEN + 1];
    int code;           /* the JSON-RPC error code when refused */
    char message[8192]; /* why, when not OK */
};

/* Send payload[0..len) to the signer at socket_path. */
enum dc_signer_status dc_signer_sign(const char *socket_path, const char *payload, size_t len,
                                     int timeout_ms, struct dc_signer_reply *r);

/*
 * Interpret a response (exposed for the tests): OK with the checksum, REFUSED with the code and
 * message, PROTOCOL otherwise.
 */
enum dc_signer_status dc_signer_parse_reply(const char *buf, size_t len, struct dc_signer_reply *r);

#endif
