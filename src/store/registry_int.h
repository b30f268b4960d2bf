/*
 * registry_int.h - between the registry CSV reader (src/registry.c) and
 * its SQL (src/store/schools.c): reading a file for an importer with a
 * limited scope.  Not part of the public API.
 */
#ifndef SR_REGISTRY_INT_H
#define SR_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "schoolrisk/registry.h"

struct sr_scope;

/* The schools stored in districts outside an importer's scope: codes
 * sorted with strcmp, each with its district's name (owned). */
struct sr_registry_elsewhere {
    struct sr_registry_stored {
        char code[11];
        char *district_name;
    } *v;
    size_t n, alloc;
};

void sr_registry_elsewhere_release(struct sr_registry_elsewhere *e);

/* sr_registry_parse() that also reports every row outside scope (see
 * sr_registry_import_scoped()): its district, or with full its whole
 * district, not in the scope; or its code one of elsewhere's.  scope
 * NULL (or all) checks nothing more. */
sr_error sr_registry_parse_scoped(struct sr_registry *reg, const char *file,
                                  const char *buf, size_t len,
                                  const struct sr_districts *districts,
                                  const struct sr_scope *scope, bool full,
                                  const struct sr_registry_elsewhere *elsewhere,
                                  struct sr_diags *diags);

#endif /* SR_REGISTRY_INT_H */
