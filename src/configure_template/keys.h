/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * keys.h - the values a template's @KEY@ placeholders take (datacrumbs_configure_template(1)).
 *
 * In rising precedence: this host's facts found at run time (the C library, the kernel
 * release and its headers, MPI, HDF5 and Python libraries when present), the system
 * configuration (each key as DATACRUMBS_<KEY>, and upstream's names for the same values),
 * then --define KEY=VALUE. Values are one line of printable text: a newline in a value could
 * add keys to the YAML it lands in.
 */
#ifndef DC_TPL_KEYS_H
#define DC_TPL_KEYS_H

#include <stddef.h>

#include "conf.h"

#define DC_KEY_NAME_MAX  128
#define DC_KEY_VALUE_MAX 4096

enum dc_key_origin { DC_KEY_DETECTED, DC_KEY_CONFIG, DC_KEY_DEFINE };

struct dc_key {
    char *name;
    char *value;
    enum dc_key_origin origin;
};

struct dc_keys {
    struct dc_key *v;
    size_t n, cap;
};

/* Set name to value (replacing a value of lower or equal precedence). Returns 0, or -1 with
 * the reason in err (a bad name or value, out of memory). */
int dc_keys_set(struct dc_keys *k, const char *name, const char *value, enum dc_key_origin origin,
                char *err, size_t errlen);
/* "KEY=VALUE" from --define (KEY with or without the DATACRUMBS_ prefix is taken as given). */
int dc_keys_define(struct dc_keys *k, const char *arg, char *err, size_t errlen);
/* The keys of the system configuration and their upstream aliases. */
int dc_keys_from_sysconf(struct dc_keys *k, const struct dc_sysconf *c, char *err, size_t errlen);
/* What can be found on this host; what cannot is simply not set. */
int dc_keys_detect(struct dc_keys *k, char *err, size_t errlen);
const char *dc_keys_get(const struct dc_keys *k, const char *name, size_t len);
/* Sort by name (for --list). */
void dc_keys_sort(struct dc_keys *k);
void dc_keys_free(struct dc_keys *k);
const char *dc_key_origin_name(enum dc_key_origin o);

/* 1 when name is a valid placeholder name ([A-Za-z0-9_]+, at most DC_KEY_NAME_MAX bytes). */
int dc_key_name_valid(const char *name, size_t len);

#endif
