/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_yaml.c - libFuzzer target for the host YAML loader (dc_hostconf_parse): no crash, no
 * leak, no undefined behaviour, bounded work; and when a file loads, every capture it holds is
 * complete for its type (what discovery relies on without checking again).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostconf.h"
#include "probefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const struct dc_hostconf *hc)
{
    if (hc->ncaps == 0)
        abort(); /* a file without captures must not load */
    for (size_t i = 0; i < hc->ncaps; i++) {
        const struct dc_capture *c = &hc->caps[i];

        if (!c->name || !c->name[0] || c->probe < DC_PF_SYSCALLS || c->probe > DC_PF_CUSTOM)
            abort();
        switch (c->type) {
        case DC_CAP_HEADER:
        case DC_CAP_BINARY:
            if (!c->file)
                abort();
            break;
        case DC_CAP_KSYM:
            if (!c->regex)
                abort();
            break;
        case DC_CAP_USDT:
            if (!c->binary_path || !c->provider)
                abort();
            break;
        case DC_CAP_CUSTOM:
            if (!c->file || !c->probes || !c->process_header || c->start_event_id <= 0)
                abort();
            break;
        case DC_CAP_BTF: break;
        default: abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dc_hostconf hc;
    struct dc_diag d;

    if (size > DC_HOSTCONF_SIZE_MAX)
        return 0;
    dc_diag_init(&d, 0);
    if (dc_hostconf_parse((const char *)data, size, "fuzz.yaml", &hc, &d) == 0)
        check_loaded(&hc);
    else if (d.errors == 0)
        abort(); /* a refusal always says why */
    dc_hostconf_free(&hc);
    dc_diag_free(&d);
    return 0;
}
