/*
 * store/systems.c - listing the stored indicator systems (store.h): what
 * was loaded, when and by whom, with its SHA-256, and which one is the
 * current system of each stage.
 *
 * DESIGN
 * One read of the systems table in load order (seq), without the XML.
 * "Current" follows sr_store_current_system(): of the systems covering
 * a stage, the one loaded last; walking in load order, a later system
 * takes the stage over from an earlier one.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#include "schoolrisk/school.h"
#include "../util.h"

void
sr_stored_systems_free(struct sr_stored_system *v, size_t n)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < n; i++) {
        free(v[i].id);
        free(v[i].version);
        free(v[i].title);
        free(v[i].loaded_at);
        free(v[i].loaded_by);
    }
    free(v);
}

/* The stages column ("junior;nine-year") as a bit set; names this build
 * does not know are left out. */
static uint32_t
stage_bits(const char *text)
{
    char name[64];
    uint32_t bits = 0;
    size_t len;
    int stage;

    while (text && *text) {
        len = strcspn(text, ";");
        if (len < sizeof(name)) {
            memcpy(name, text, len);
            name[len] = '\0';
            stage = sr_stage_lookup(name);
            if (stage >= 0 && stage < 32)
                bits |= 1u << stage;
        }
        text += len;
        if (*text == ';')
            text++;
    }
    return bits;
}

sr_error
sr_store_systems(struct sr_store *st, struct sr_stored_system **out,
                 size_t *n)
{
    struct sr_stored_system *v = NULL, *nv, *e;
    struct sr_stmt *s = NULL;
    size_t used = 0, alloc = 0, i;
    const char *hash;
    int step, nomem = 0;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "SELECT id, version, title, stages, sha256, "
                          "loaded_at, loaded_by, seq FROM systems "
                          "ORDER BY seq",
                          &s);
    if (rc != SR_OK)
        return rc;
    while ((step = sr_step(s)) == SR_ROW) {
        if (used == alloc) {
            alloc = alloc ? alloc * 2 : 8;
            nv = realloc(v, alloc * sizeof(*v));
            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            v = nv;
        }
        e = &v[used++];
        memset(e, 0, sizeof(*e));
        e->id = sr_column_dup(s, 0, &nomem);
        e->version = sr_column_dup(s, 1, &nomem);
        e->title = sr_column_dup(s, 2, &nomem);
        e->stages = stage_bits(sr_col_text(s, 3));
        hash = sr_col_text(s, 4);
        if (hash && strlen(hash) < sizeof(e->sha256))
            memcpy(e->sha256, hash, strlen(hash) + 1);
        e->loaded_at = sr_column_dup(s, 5, &nomem);
        e->loaded_by = sr_column_dup(s, 6, &nomem);
        e->seq = sr_col_int64(s, 7);
        if (nomem) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        /* Loaded later than every one before it: it is now the current
         * system of its stages. */
        for (i = 0; i + 1 < used; i++)
            v[i].current &= ~e->stages;
        e->current = e->stages;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read stored systems"));
        goto cleanup;
    }
    *out = v;
    *n = used;
    v = NULL;
    used = 0;

cleanup:
    sr_store_finish(st, s);
    sr_stored_systems_free(v, used);
    return rc;
}
