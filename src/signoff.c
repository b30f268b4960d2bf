/*
 * signoff.c - period sign-off (逐级审核、锁定): the states, the
 * transitions, the snapshot a sign-off locks and the comparison of the
 * live figures with it (schoolrisk/signoff.h).
 *
 * DESIGN
 * Every write holds one write transaction around reading the state it
 * decides on and appending the event (with its audit record), so that
 * two offices acting at once cannot both sign off version 2.  The
 * snapshot is computed inside that transaction too: the figures locked
 * are exactly those of the database the event is chained into.  The
 * SQL is in store/signoff.c.
 */
#include "schoolrisk/signoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report_snapshot.h"
#include "store/signoff_int.h"
#include "store/store_int.h"
#include "store/users_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Vocabularies                                                         */
/* ------------------------------------------------------------------ */

static const char *const state_names[SR_SIGNOFF_STATE_COUNT] = {
    "open", "signed_off", "accepted", "returned",
};
static const char *const state_labels[SR_SIGNOFF_STATE_COUNT] = {
    "未签批", "已签批", "已接收", "已退回",
};
/* The states in messages, translated where used. */
static const char *const state_words[SR_SIGNOFF_STATE_COUNT] = {
    N_("open"), N_("signed off and locked"), N_("accepted"),
    N_("returned"),
};
static const char *const action_names[SR_SIGNOFF_ACTION_COUNT] = {
    "confirm", "signoff", "accept", "return", "correct", "amend",
};
static const char *const action_labels[SR_SIGNOFF_ACTION_COUNT] = {
    "学校确认", "区县签批", "市级接收", "市级退回", "更正", "锁定期补录",
};

const char *
sr_signoff_state_name(int state)
{
    return state >= 0 && state < SR_SIGNOFF_STATE_COUNT ? state_names[state]
                                                        : NULL;
}

const char *
sr_signoff_state_label(int state)
{
    return state >= 0 && state < SR_SIGNOFF_STATE_COUNT
               ? state_labels[state] : NULL;
}

bool
sr_signoff_state_locked(int state)
{
    return state == SR_SIGNOFF_SIGNED_OFF || state == SR_SIGNOFF_ACCEPTED;
}

const char *
sr_signoff_action_name(int action)
{
    return action >= 0 && action < SR_SIGNOFF_ACTION_COUNT
               ? action_names[action] : NULL;
}

const char *
sr_signoff_action_label(int action)
{
    return action >= 0 && action < SR_SIGNOFF_ACTION_COUNT
               ? action_labels[action] : NULL;
}

/* ------------------------------------------------------------------ */
/* Status                                                               */
/* ------------------------------------------------------------------ */

void
sr_signoff_status_release(struct sr_signoff_status *s)
{
    if (!s)
        return;
    free(s->district_name);
    free(s->signed_by);
    free(s->decided_by);
    free(s->reason);
    memset(s, 0, sizeof(*s));
}

/* The code of district (a code or a name); SR_ERR_NOT_FOUND without
 * one. */
static sr_error
district_code(struct sr_store *st, const char *district, char code[32])
{
    sr_error rc = sr_audb_district(st, district ? district : "", code);

    if (rc == SR_OK && !code[0])
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "district",
                                 _("no district '%s' (give its code, such "
                                   "as 370102, or its name)"),
                                 district ? district : "");
    return rc;
}

/* The status of district (a code or a name) for period, into out
 * (released first). */
static sr_error
status_of(struct sr_store *st, const char *district,
          const struct sr_period *period, struct sr_signoff_status *out)
{
    char code[32];
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = district_code(st, district, code);
    if (rc != SR_OK)
        return rc;
    snprintf(out->district, sizeof(out->district), "%s", code);
    out->period = *period;
    rc = sr_sodb_status(st, out);
    if (rc != SR_OK)
        sr_signoff_status_release(out);
    return rc;
}

/* status_of() for a step that writes, inside its transaction: the
 * district's row locked first (sr_sodb_lock()), so that a second step
 * at once waits for this one and is judged on what it wrote. */
static sr_error
status_for_step(struct sr_store *st, const char *district,
                const struct sr_period *period,
                struct sr_signoff_status *out)
{
    char code[32];
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = district_code(st, district, code);
    if (rc == SR_OK)
        rc = sr_sodb_lock(st, code);
    if (rc != SR_OK)
        return rc;
    snprintf(out->district, sizeof(out->district), "%s", code);
    out->period = *period;
    rc = sr_sodb_status(st, out);
    if (rc != SR_OK)
        sr_signoff_status_release(out);
    return rc;
}

sr_error
sr_signoff_status(struct sr_store *st, const char *district,
                  const struct sr_period *period,
                  struct sr_signoff_status *out)
{
    return status_of(st, district, period, out);
}

sr_error
sr_signoff_status_all(struct sr_store *st, const struct sr_period *period,
                      sr_signoff_status_fn fn, void *ctx)
{
    struct sr_signoff_status s;
    struct sr_districts ds;
    sr_error rc;
    size_t i;

    sr_districts_init(&ds);
    rc = sr_registry_districts(st, &ds);
    for (i = 0; rc == SR_OK && i < ds.n; i++) {
        int stop;

        rc = status_of(st, ds.v[i].code, period, &s);
        if (rc != SR_OK)
            break;
        stop = fn(&s, ctx);
        sr_signoff_status_release(&s);
        if (stop)
            break;
    }
    sr_districts_release(&ds);
    return rc;
}

sr_error
sr_signoff_unconfirmed(struct sr_store *st, const char *district,
                       const struct sr_period *period,
                       sr_signoff_unconfirmed_fn fn, void *ctx)
{
    char code[32];
    sr_error rc = district_code(st, district, code);

    if (rc != SR_OK)
        return rc;
    return sr_sodb_unconfirmed_each(st, code, period->label, period->end, fn,
                                    ctx);
}

/* "历下区 2026Q3 is STATE: WHAT" as SR_ERR_STATE. */
static sr_error
refuse(struct sr_store *st, const struct sr_signoff_status *s,
       const char *what)
{
    /* TRANSLATORS: district, period, its state (signed off), then what
       to do instead. */
    return sr_store_fail_code(st, SR_ERR_STATE, _("%s %s is %s: %s"),
                              s->district_name ? s->district_name
                                               : s->district,
                              s->period.label, _(state_words[s->state]),
                              what);
}

/* A required reason: not blank, UTF-8, at most SR_TEXT_MAX characters. */
static sr_error
check_reason(struct sr_store *st, const char *reason)
{
    const char *p = reason;
    size_t bad;

    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (!p || !*p)
        return sr_store_fail_field(st, SR_ERR_INPUT, "reason",
                                   _("a reason is required"));
    if (!sr_utf8_valid(reason, strlen(reason), &bad))
        return sr_store_fail_field(st, SR_ERR_INPUT, "reason",
                                   _("the reason is not valid UTF-8 (byte "
                                     "%zu)"),
                                   bad + 1);
    if (sr_utf8_chars(reason) > SR_TEXT_MAX)
        return sr_store_fail_field(st, SR_ERR_INPUT, "reason",
                                   _("the reason is longer than %u "
                                     "characters"),
                                   SR_TEXT_MAX);
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* Confirmation                                                         */
/* ------------------------------------------------------------------ */

sr_error
sr_signoff_confirm(struct sr_store *st, const char *code,
                   const struct sr_period *period, int64_t *assessment)
{
    struct sr_signoff_status s;
    struct sr_sodb_row row;
    char district[32];
    bool exists, closed;
    int64_t self = 0;
    sr_error rc;

    memset(&s, 0, sizeof(s));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_sodb_school(st, code ? code : "", period->end, &exists, &closed,
                        district, &self);
    if (rc == SR_OK && !exists)
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "school",
                                 _("no school '%s' in the registry"),
                                 code ? code : "");
    else if (rc == SR_OK && closed)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("school %s is closed"), code);
    else if (rc == SR_OK && !self)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("school %s has no submitted "
                                  "self-inspection dated on or before %s: "
                                  "submit one, then confirm"),
                                code, period->end);
    if (rc == SR_OK)
        rc = status_for_step(st, district, period, &s);
    if (rc == SR_OK && sr_signoff_state_locked(s.state))
        rc = refuse(st, &s, _("a school cannot confirm a locked period"));
    if (rc != SR_OK)
        goto rollback;
    memset(&row, 0, sizeof(row));
    row.district = district;
    row.period = period;
    row.action = SR_SIGNOFF_CONFIRM;
    row.state = -1;
    row.version = s.version;
    row.school = code;
    row.assessment = self;
    rc = sr_sodb_insert(st, &row);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc == SR_OK) {
        if (assessment)
            *assessment = self;
        sr_signoff_status_release(&s);
        return SR_OK;
    }

rollback:
    sr_store_rollback(st);
    sr_signoff_status_release(&s);
    return rc;
}

void
sr_signoff_confirmation_release(struct sr_signoff_confirmation *c)
{
    if (!c)
        return;
    free(c->by);
    memset(c, 0, sizeof(*c));
}

/* Keep the latest confirmation of one school. */
static int
latest_confirm(const struct sr_signoff_event *e, void *ctx)
{
    struct sr_signoff_confirmation *c = ctx;

    if (e->action != SR_SIGNOFF_CONFIRM || strcmp(e->school, c->school))
        return 0;
    free(c->by);
    c->by = sr_strdup(e->by ? e->by : "");
    c->confirmed = true;
    c->assessment = e->assessment;
    snprintf(c->at, sizeof(c->at), "%s", e->at);
    return 0;
}

sr_error
sr_signoff_school(struct sr_store *st, const char *code,
                  const struct sr_period *period,
                  struct sr_signoff_confirmation *out)
{
    struct sr_signoff_status s;
    bool exists, closed;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    rc = sr_sodb_school(st, code ? code : "", period->end, &exists, &closed,
                        out->district, &out->self);
    if (rc == SR_OK && !exists)
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "school",
                                 _("no school '%s' in the registry"),
                                 code ? code : "");
    if (rc == SR_OK) {
        snprintf(out->school, sizeof(out->school), "%s", code);
        rc = status_of(st, out->district, period, &s);
    }
    if (rc == SR_OK) {
        out->state = s.state;
        rc = sr_sodb_history(st, out->district, period->label,
                             latest_confirm, out);
    }
    if (rc == SR_OK && out->confirmed && !out->by)
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (rc != SR_OK)
        sr_signoff_confirmation_release(out);
    sr_signoff_status_release(&s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Versions                                                             */
/* ------------------------------------------------------------------ */

void
sr_signoff_result_release(struct sr_signoff_result *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n_unconfirmed; i++)
        free(r->unconfirmed[i]);
    free(r->unconfirmed);
    free(r->diff);
    memset(r, 0, sizeof(*r));
}

/* codes joined by ',' (NULL for none); *nomem on failure. */
static char *
join_codes(char **codes, size_t n, int *nomem)
{
    size_t i, len = 0;
    char *out, *p;

    if (!n)
        return NULL;
    for (i = 0; i < n; i++)
        len += strlen(codes[i]) + 1;
    out = malloc(len);
    if (!out) {
        *nomem = 1;
        return NULL;
    }
    for (i = 0, p = out; i < n; i++) {
        size_t l = strlen(codes[i]);

        memcpy(p, codes[i], l);
        p += l;
        *p++ = i + 1 < n ? ',' : '\0';
    }
    return out;
}

/* Store the live figures of s's (district, period) as version
 * s->version + 1, by @p action with @p reason and @p diff; fills res. */
static sr_error
new_version(struct sr_store *st, const struct sr_signoff_status *s,
            int action, const char *reason, const char *diff,
            struct sr_signoff_result *res)
{
    struct sr_report_district rep;
    struct sr_sodb_row row;
    char *json = NULL, *joined = NULL;
    int nomem = 0;
    sr_error rc;

    memset(&rep, 0, sizeof(rep));
    rc = sr_report_district(st, s->district, &s->period, &rep);
    if (rc == SR_OK && sr_report_to_snapshot(&rep, &json) != SR_OK)
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (rc == SR_OK)
        rc = sr_sodb_unconfirmed(st, s->district, s->period.label,
                                 &res->unconfirmed, &res->n_unconfirmed);
    if (rc != SR_OK)
        goto cleanup;
    joined = join_codes(res->unconfirmed, res->n_unconfirmed, &nomem);
    if (nomem) {
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        goto cleanup;
    }
    res->version = s->version + 1;
    sr_sha256_hex(json, strlen(json), res->sha256);
    res->schools = s->schools;
    res->confirmed = s->confirmed;
    memset(&row, 0, sizeof(row));
    row.district = s->district;
    row.period = &s->period;
    row.action = action;
    row.state = SR_SIGNOFF_SIGNED_OFF;
    row.version = res->version;
    row.reason = reason;
    row.counts = true;
    row.schools = res->schools;
    row.confirmed = res->confirmed;
    row.unconfirmed = joined;
    row.snapshot = json;
    row.sha256 = res->sha256;
    row.diff = diff;
    rc = sr_sodb_insert(st, &row);

cleanup:
    sr_report_district_release(&rep);
    free(json);
    free(joined);
    return rc;
}

sr_error
sr_signoff_district(struct sr_store *st, const char *district,
                    const struct sr_period *period,
                    struct sr_signoff_result *out)
{
    struct sr_signoff_result res;
    struct sr_signoff_status s;
    char today[16];
    sr_error rc;

    memset(&res, 0, sizeof(res));
    memset(&s, 0, sizeof(s));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = status_for_step(st, district, period, &s);
    if (rc != SR_OK)
        goto rollback;
    sr_store_today(st, today);
    if (s.state == SR_SIGNOFF_SIGNED_OFF)
        rc = refuse(st, &s, _("the city accepts or returns it"));
    else if (s.state == SR_SIGNOFF_ACCEPTED)
        rc = refuse(st, &s, _("record a correction instead (signoff "
                              "correct)"));
    else if (strcmp(today, period->end) < 0)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("%s %s cannot be signed off before its "
                                  "last day %s"),
                                s.district_name, period->label,
                                period->end);
    if (rc == SR_OK)
        rc = new_version(st, &s, SR_SIGNOFF_SIGN, NULL, NULL, &res);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc != SR_OK)
        goto rollback;
    sr_signoff_status_release(&s);
    if (out)
        *out = res;
    else
        sr_signoff_result_release(&res);
    return SR_OK;

rollback:
    sr_store_rollback(st);
    sr_signoff_status_release(&s);
    sr_signoff_result_release(&res);
    return rc;
}

/* The city's decision on a signed-off period. */
static sr_error
decide(struct sr_store *st, const char *district,
       const struct sr_period *period, int action, const char *reason)
{
    struct sr_signoff_status s;
    struct sr_sodb_row row;
    sr_error rc;

    memset(&s, 0, sizeof(s));
    if (action == SR_SIGNOFF_RETURN) {
        rc = check_reason(st, reason);
        if (rc != SR_OK)
            return rc;
    }
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = status_for_step(st, district, period, &s);
    if (rc == SR_OK && s.state == SR_SIGNOFF_OPEN)
        rc = refuse(st, &s, _("the district has not signed it off"));
    else if (rc == SR_OK && s.state == SR_SIGNOFF_ACCEPTED)
        rc = refuse(st, &s, _("it was accepted already"));
    else if (rc == SR_OK && s.state == SR_SIGNOFF_RETURNED)
        rc = refuse(st, &s, _("the district signs it off again first"));
    if (rc != SR_OK)
        goto rollback;
    memset(&row, 0, sizeof(row));
    row.district = s.district;
    row.period = period;
    row.action = action;
    row.state = action == SR_SIGNOFF_ACCEPT ? SR_SIGNOFF_ACCEPTED
                                            : SR_SIGNOFF_RETURNED;
    row.version = s.version;
    row.reason = action == SR_SIGNOFF_RETURN ? reason : NULL;
    rc = sr_sodb_insert(st, &row);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc == SR_OK) {
        sr_signoff_status_release(&s);
        return SR_OK;
    }

rollback:
    sr_store_rollback(st);
    sr_signoff_status_release(&s);
    return rc;
}

sr_error
sr_signoff_accept(struct sr_store *st, const char *district,
                  const struct sr_period *period)
{
    return decide(st, district, period, SR_SIGNOFF_ACCEPT, NULL);
}

sr_error
sr_signoff_return(struct sr_store *st, const char *district,
                  const struct sr_period *period, const char *reason)
{
    return decide(st, district, period, SR_SIGNOFF_RETURN, reason);
}

/* ------------------------------------------------------------------ */
/* The locked figures and the live ones                                 */
/* ------------------------------------------------------------------ */

/* A stored UTC time "2026-10-08T01:30:00Z" as China time, the way 说明
 * shows times ("2026年10月8日 09:30"); false when it is not such a
 * time. */
static bool
china_time(const char *utc, char *buf, size_t size)
{
    struct tm tm;
    const char *end;
    time_t t;

    memset(&tm, 0, sizeof(tm));
    end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return false;
    t = timegm(&tm) + 8 * 3600;
    if (!gmtime_r(&t, &tm))
        return false;
    snprintf(buf, size, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return true;
}

/* The snapshot of s's latest version, read back into out. */
static sr_error
locked_report(struct sr_store *st, const struct sr_signoff_status *s,
              struct sr_report_district *out, char at[32])
{
    char *text = NULL;
    sr_error rc;

    rc = sr_sodb_snapshot(st, s->district, s->period.label, s->version,
                          false, &text, at);
    if (rc == SR_OK && (!text || sr_report_from_snapshot(text, out) !=
                                     SR_OK))
        rc = sr_store_fail_code(st, SR_ERR_DB,
                                _("the sign-off snapshot of %s %s version "
                                  "%d is damaged (run schoolrisk audit "
                                  "verify)"),
                                s->district, s->period.label, s->version);
    free(text);
    return rc;
}

/* The status of (district, period) into @p s (zeroed when it has none)
 * and whether it is locked with a snapshot to read (@p locked). */
static sr_error
lock_status(struct sr_store *st, const char *district,
            const struct sr_period *period, struct sr_signoff_status *s,
            bool *locked)
{
    sr_error rc = status_of(st, district, period, s);

    *locked = false;
    if (rc == SR_ERR_NOT_FOUND)
        return SR_OK;
    if (rc == SR_OK)
        *locked = sr_signoff_state_locked(s->state) && s->version;
    return rc;
}

/* The figures of (district, period) when it is locked, with its status;
 * *locked false (and nothing read) otherwise. */
static sr_error
locked_with_status(struct sr_store *st, const char *district,
                   const struct sr_period *period,
                   struct sr_report_district *out, bool *locked,
                   struct sr_signoff_status *s, char at[32])
{
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = lock_status(st, district, period, s, locked);
    if (rc != SR_OK || !*locked)
        return rc;
    rc = locked_report(st, s, out, at);
    *locked = rc == SR_OK;
    return rc;
}

/* The 说明 line of a locked period's workbook, from its status @p s and
 * the time @p at of its latest snapshot, into @p note. */
static void
locked_note(const struct sr_signoff_status *s, const char *at, char *note,
            size_t note_size)
{
    char when[64];

    /* The China date and time of the sign-off, as 说明 shows times. */
    if (!china_time(at, when, sizeof(when)))
        snprintf(when, sizeof(when), "%s", at);
    snprintf(note, note_size,
             "本期数据已于%s签批锁定（第%d版，%s，签批人：%s），"
             "依据签批快照生成；快照SHA-256：%s",
             when, s->version, state_labels[s->state],
             s->signed_by ? s->signed_by : "-", s->sha256);
}

sr_error
sr_signoff_locked_report(struct sr_store *st, const char *district,
                         const struct sr_period *period,
                         struct sr_report_district *out, bool *locked,
                         char *note, size_t note_size)
{
    struct sr_signoff_status s;
    char at[32];
    sr_error rc;

    if (note && note_size)
        note[0] = '\0';
    rc = locked_with_status(st, district, period, out, locked, &s, at);
    if (rc == SR_OK && *locked && note && note_size)
        locked_note(&s, at, note, note_size);
    sr_signoff_status_release(&s);
    return rc;
}

sr_error
sr_signoff_locked_kpis(struct sr_store *st, const char *district,
                       const struct sr_period *period,
                       struct sr_report_kpis *out, bool *locked)
{
    struct sr_signoff_status s;
    struct sr_report_district rep;
    char *head = NULL, at[32];
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&rep, 0, sizeof(rep));
    rc = lock_status(st, district, period, &s, locked);
    if (rc != SR_OK || !*locked) {
        sr_signoff_status_release(&s);
        return rc;
    }
    /* The KPIs lie in the snapshot's head; a head that does not hold
     * them (or holds them ill formed) sends the read to the whole text,
     * which knows whether the snapshot is damaged. */
    rc = sr_sodb_snapshot(st, s.district, s.period.label, s.version, true,
                          &head, at);
    if (rc == SR_OK && (!head || sr_report_kpis_from_snapshot_head(
                                     head, out) != SR_OK)) {
        rc = locked_report(st, &s, &rep, at);
        if (rc == SR_OK)
            *out = rep.kpis;
        sr_report_district_release(&rep);
    }
    free(head);
    *locked = rc == SR_OK;
    sr_signoff_status_release(&s);
    return rc;
}

sr_error
sr_signoff_report_district(struct sr_store *st, const char *district,
                           const struct sr_period *period,
                           struct sr_report_district *out, bool *locked,
                           char *note, size_t note_size)
{
    sr_error rc = sr_signoff_locked_report(st, district, period, out, locked,
                                           note, note_size);

    if (rc == SR_OK && !*locked)
        rc = sr_report_district(st, district, period, out);
    return rc;
}

void
sr_signoff_diff_release(struct sr_signoff_diff *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->n; i++) {
        free(d->v[i].school_name);
        free(d->v[i].what);
        free(d->v[i].before);
        free(d->v[i].after);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

/* Comparing: the differences go to d; a failed allocation sets bad. */
struct cmp {
    struct sr_signoff_diff *d;
    size_t alloc;
    bool bad;
};

static void
change(struct cmp *c, const char *code, const char *name, const char *what,
       const char *before, const char *after)
{
    struct sr_signoff_change *x;

    if (c->bad || !strcmp(before, after))
        return;
    if (sr_grow((void **)&c->d->v, &c->alloc, c->d->n, sizeof(*c->d->v),
                16) != SR_OK) {
        c->bad = true;
        return;
    }
    x = &c->d->v[c->d->n];
    memset(x, 0, sizeof(*x));
    snprintf(x->school, sizeof(x->school), "%s", code ? code : "");
    x->school_name = name ? sr_strdup(name) : NULL;
    x->what = sr_strdup(what);
    x->before = sr_strdup(before);
    x->after = sr_strdup(after);
    c->d->n++;
    if ((name && !x->school_name) || !x->what || !x->before || !x->after)
        c->bad = true;
}

static void
change_n(struct cmp *c, const char *what, size_t before, size_t after)
{
    char b[32], a[32];

    snprintf(b, sizeof(b), "%zu", before);
    snprintf(a, sizeof(a), "%zu", after);
    change(c, NULL, NULL, what, b, a);
}

static void
change_rate(struct cmp *c, const char *what, struct sr_rate before,
            struct sr_rate after)
{
    char b[48], a[48];

    snprintf(b, sizeof(b), "%zu/%zu", before.num, before.den);
    snprintf(a, sizeof(a), "%zu/%zu", after.num, after.den);
    change(c, NULL, NULL, what, b, a);
}

static void
compare_kpis(struct cmp *c, const struct sr_report_kpis *b,
             const struct sr_report_kpis *a)
{
    char what[64];
    int e;

    change_n(c, "名录学校数", b->schools, a->schools);
    change_n(c, "已评估学校数", b->assessed, a->assessed);
    change_rate(c, "评估覆盖率", b->coverage, a->coverage);
    change_n(c, "达标学校数", b->compliant, a->compliant);
    change_rate(c, "达标率", b->compliance, a->compliance);
    change_n(c, "一票否决", b->vetoed, a->vetoed);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        snprintf(what, sizeof(what), "%s达到", sr_baseline_label(e));
        change_rate(c, what, b->baseline_rate[e], a->baseline_rate[e]);
    }
    change_n(c, "四个100%达到学校数", b->four_met, a->four_met);
    change_n(c, "期内发现隐患", b->hazards_found, a->hazards_found);
    change_n(c, "期内销号隐患", b->hazards_closed, a->hazards_closed);
    change_n(c, "期末未销号隐患", b->hazards_open, a->hazards_open);
    change_n(c, "期末逾期隐患", b->hazards_overdue, a->hazards_overdue);
    change_rate(c, "整改率", b->rectification, a->rectification);
    change_n(c, "重大隐患未销号", b->open_major, a->open_major);
}

static const char *
yes_no(bool v)
{
    return v ? "是" : "否";
}

static const char *
element_text(const struct sr_report_school *s, int e)
{
    return s->baseline[e] ? "达到"
           : s->baseline_unassessed[e] ? "未评估" : "未达到";
}

static void
compare_school(struct cmp *c, const struct sr_report_school *b,
               const struct sr_report_school *a)
{
    char bt[32], at[32], what[64];
    const char *code = b ? b->code : a->code;
    const char *name = b ? b->name : a->name;
    int e;

    if (!b || !a) {
        change(c, code, name, "名录", b ? "在册" : "-", a ? "在册" : "-");
        return;
    }
    change(c, code, name, "评估日期", b->assessed ? b->assessed_on : "-",
           a->assessed ? a->assessed_on : "-");
    snprintf(bt, sizeof(bt), "%lld.%02lld", (long long)(b->total / 100),
             (long long)(b->total % 100));
    snprintf(at, sizeof(at), "%lld.%02lld", (long long)(a->total / 100),
             (long long)(a->total % 100));
    change(c, code, name, "总分", b->assessed ? bt : "-",
           a->assessed ? at : "-");
    change(c, code, name, "风险等级", b->band_label ? b->band_label : "-",
           a->band_label ? a->band_label : "-");
    change(c, code, name, "达标", yes_no(b->compliant), yes_no(a->compliant));
    change(c, code, name, "一票否决", yes_no(b->vetoed), yes_no(a->vetoed));
    snprintf(bt, sizeof(bt), "%zu", b->open_hazards);
    snprintf(at, sizeof(at), "%zu", a->open_hazards);
    change(c, code, name, "未销号隐患", bt, at);
    snprintf(bt, sizeof(bt), "%zu", b->overdue_hazards);
    snprintf(at, sizeof(at), "%zu", a->overdue_hazards);
    change(c, code, name, "逾期隐患", bt, at);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        snprintf(what, sizeof(what), "%s", sr_baseline_label(e));
        change(c, code, name, what, element_text(b, e), element_text(a, e));
    }
}

static const struct sr_report_school *
find_school(const struct sr_report_district *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->n_schools; i++)
        if (!strcmp(r->schools[i].code, code))
            return &r->schools[i];
    return NULL;
}

/* KPIs, then every school of either in code order (both lists are in
 * registry order, which is code order within a district). */
static void
compare(struct cmp *c, const struct sr_report_district *b,
        const struct sr_report_district *a)
{
    size_t i;

    compare_kpis(c, &b->kpis, &a->kpis);
    for (i = 0; i < b->n_schools; i++)
        compare_school(c, &b->schools[i], find_school(a, b->schools[i].code));
    for (i = 0; i < a->n_schools; i++)
        if (!find_school(b, a->schools[i].code))
            compare_school(c, NULL, &a->schools[i]);
}

/* The differences between s's latest snapshot and the live figures. */
static sr_error
diff_of(struct sr_store *st, const struct sr_signoff_status *s,
        struct sr_signoff_diff *out)
{
    struct sr_report_district locked, live;
    struct cmp c;
    char at[32], *a = NULL, *b = NULL;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&locked, 0, sizeof(locked));
    memset(&live, 0, sizeof(live));
    memset(&c, 0, sizeof(c));
    c.d = out;
    out->version = s->version;
    rc = locked_report(st, s, &locked, at);
    if (rc == SR_OK)
        rc = sr_report_district(st, s->district, &s->period, &live);
    if (rc != SR_OK)
        goto cleanup;
    compare(&c, &locked, &live);
    /* A change only in the detail rows (a lost point's note, a hazard's
     * measures) shows in no KPI nor school column: name it all the
     * same, the workbook would differ. */
    if (!c.bad && out->n == 0) {
        if (sr_report_to_snapshot(&locked, &b) != SR_OK ||
            sr_report_to_snapshot(&live, &a) != SR_OK)
            c.bad = true;
        else if (strcmp(a, b))
            change(&c, NULL, NULL, "明细（失分明细、隐患台账）", "锁定版本",
                   "已变化");
    }
    if (c.bad)
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));

cleanup:
    if (rc != SR_OK)
        sr_signoff_diff_release(out);
    sr_report_district_release(&locked);
    sr_report_district_release(&live);
    free(a);
    free(b);
    return rc;
}

sr_error
sr_signoff_diff(struct sr_store *st, const char *district,
                const struct sr_period *period, struct sr_signoff_diff *out)
{
    struct sr_signoff_status s;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = status_of(st, district, period, &s);
    if (rc == SR_OK && !s.version)
        rc = refuse(st, &s, _("it has never been signed off, there is "
                              "nothing to compare with"));
    if (rc == SR_OK)
        rc = diff_of(st, &s, out);
    sr_signoff_status_release(&s);
    return rc;
}

char *
sr_signoff_diff_text(const struct sr_signoff_diff *d, size_t max)
{
    char *out = sr_strdup(""), *next;
    size_t i;

    for (i = 0; out && i < d->n && i < max; i++) {
        const struct sr_signoff_change *x = &d->v[i];

        next = sr_asprintf("%s%s%s%s%s %s → %s", out, i ? "；" : "",
                           x->school, x->school[0] ? " " : "", x->what,
                           x->before, x->after);
        free(out);
        out = next;
    }
    if (out && d->n > max) {
        next = sr_asprintf("%s；等%zu项", out, d->n);
        free(out);
        out = next;
    }
    return out;
}

sr_error
sr_signoff_correct(struct sr_store *st, const char *district,
                   const struct sr_period *period, const char *reason,
                   struct sr_signoff_result *out)
{
    struct sr_signoff_result res;
    struct sr_signoff_status s;
    struct sr_signoff_diff d;
    char *text = NULL;
    sr_error rc;

    memset(&res, 0, sizeof(res));
    memset(&s, 0, sizeof(s));
    memset(&d, 0, sizeof(d));
    rc = check_reason(st, reason);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = status_for_step(st, district, period, &s);
    if (rc == SR_OK && s.state == SR_SIGNOFF_OPEN)
        rc = refuse(st, &s, _("nothing is locked to correct"));
    else if (rc == SR_OK && s.state == SR_SIGNOFF_RETURNED)
        rc = refuse(st, &s, _("sign it off again instead (signoff "
                              "district)"));
    if (rc == SR_OK)
        rc = diff_of(st, &s, &d);
    if (rc == SR_OK && d.n == 0)
        rc = refuse(st, &s, _("the live figures are those locked, there "
                              "is nothing to correct"));
    if (rc == SR_OK) {
        text = sr_signoff_diff_text(&d, 50);
        if (!text)
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    if (rc == SR_OK)
        rc = new_version(st, &s, SR_SIGNOFF_CORRECT, reason, text, &res);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc != SR_OK)
        goto rollback;
    res.diff = text;
    sr_signoff_status_release(&s);
    sr_signoff_diff_release(&d);
    if (out)
        *out = res;
    else
        sr_signoff_result_release(&res);
    return SR_OK;

rollback:
    sr_store_rollback(st);
    free(text);
    sr_signoff_status_release(&s);
    sr_signoff_diff_release(&d);
    sr_signoff_result_release(&res);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Amendments of a locked period                                        */
/* ------------------------------------------------------------------ */

sr_error
sr_store_set_correction_reason(struct sr_store *st, const char *reason)
{
    char *copy = NULL;
    sr_error rc;

    if (reason) {
        rc = check_reason(st, reason);
        if (rc != SR_OK)
            return rc;
        copy = sr_strdup(reason);
        if (!copy)
            return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    free(st->correction);
    st->correction = copy;
    return SR_OK;
}

sr_error
sr_signoff_guard_check(struct sr_store *st, int64_t assessment,
                       const char *district, const char *date,
                       char label[16])
{
    struct sr_signoff_status s;
    struct sr_period p;
    sr_error rc;

    /* Shared with the other submissions, exclusive of a sign-off step
     * of the district (sr_sodb_lock()): the period's state read here
     * holds until this submission commits. */
    label[0] = '\0';
    rc = sr_db_lock_district(st, district, true);
    if (rc == SR_OK)
        rc = sr_sodb_locked_on(st, district, date, label);
    if (rc != SR_OK || !label[0] || st->correction)
        return rc;
    if (sr_period_parse(label, &p) != SR_OK)
        return sr_store_fail_code(st, SR_ERR_DB,
                                  _("the sign-off history of %s %s is "
                                    "damaged"),
                                  district, label);
    rc = status_of(st, district, &p, &s);
    if (rc == SR_OK)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("assessment %lld is dated %s, inside %s "
                                  "%s, which is %s: give a correction "
                                  "reason to submit it as an amendment"),
                                (long long)assessment, date,
                                s.district_name, label,
                                _(state_words[s.state]));
    sr_signoff_status_release(&s);
    return rc;
}

sr_error
sr_signoff_guard_record(struct sr_store *st, int64_t assessment,
                        const char *school, const char *district,
                        const char *label)
{
    struct sr_sodb_row row;
    struct sr_period p;

    if (!label[0])
        return SR_OK;
    if (sr_period_parse(label, &p) != SR_OK)
        return sr_store_fail_code(st, SR_ERR_DB,
                                  _("the sign-off history of %s %s is "
                                    "damaged"),
                                  district, label);
    memset(&row, 0, sizeof(row));
    row.district = district;
    row.period = &p;
    row.action = SR_SIGNOFF_AMEND;
    row.state = -1;
    row.school = school;
    row.assessment = assessment;
    row.reason = st->correction;
    return sr_sodb_insert(st, &row);
}

/* ------------------------------------------------------------------ */
/* History                                                              */
/* ------------------------------------------------------------------ */

sr_error
sr_signoff_history(struct sr_store *st, const char *district,
                   const struct sr_period *period, sr_signoff_event_fn fn,
                   void *ctx)
{
    struct sr_signoff_status s;
    sr_error rc = status_of(st, district, period, &s);

    if (rc == SR_OK)
        rc = sr_sodb_history(st, s.district, period->label, fn, ctx);
    sr_signoff_status_release(&s);
    return rc;
}

sr_error
sr_signoff_corrections(struct sr_store *st, const char *district,
                       const char *from, const char *to,
                       sr_signoff_event_fn fn, void *ctx)
{
    char code[32] = "";
    sr_error rc;

    if (!sr_date_valid(from) || !sr_date_valid(to))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("the dates must be YYYY-MM-DD"));
    if (district) {
        rc = district_code(st, district, code);
        if (rc != SR_OK)
            return rc;
    }
    return sr_sodb_corrections(st, district ? code : NULL, from, to, fn,
                               ctx);
}

/* ------------------------------------------------------------------ */
/* On the bulletins (更正说明)                                          */
/* ------------------------------------------------------------------ */

/* The China date of a stored UTC time; false when it is not one. */
static bool
china_date(const char *utc, char out[11])
{
    struct tm tm;
    char buf[32];
    const char *end;
    time_t t;

    memset(&tm, 0, sizeof(tm));
    end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return false;
    t = timegm(&tm) + 8 * 3600;
    if (!gmtime_r(&t, &tm))
        return false;
    /* strftime: a year in 1900..2999 is four digits, the date ten
     * characters, which gcc cannot tell from snprintf's ints. */
    if (strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) != 10)
        return false;
    memcpy(out, buf, 11);
    return true;
}

struct bulletin_fill {
    struct sr_bulletin_correction *v;
    size_t n, alloc;
    bool nomem;
};

/* What the event changed, in the words of the bulletin. */
static char *
correction_what(const struct sr_signoff_event *e)
{
    if (e->action == SR_SIGNOFF_AMEND)
        return sr_asprintf("补录锁定期检查 #%lld（%s）",
                           (long long)e->assessment, e->school);
    return sr_asprintf("更正为第%d版：%s", e->version,
                       e->diff ? e->diff : "");
}

static int
add_correction(const struct sr_signoff_event *e, void *ctx)
{
    struct bulletin_fill *f = ctx;
    struct sr_bulletin_correction *c;
    char day[11];

    if (sr_grow((void **)&f->v, &f->alloc, f->n, sizeof(*f->v), 8) !=
        SR_OK) {
        f->nomem = true;
        return 1;
    }
    c = &f->v[f->n++];
    memset(c, 0, sizeof(*c));
    if (!china_date(e->at, day))
        snprintf(day, sizeof(day), "%.10s", e->at);
    c->period = sr_strdup(e->period);
    c->district = e->district_name ? sr_strdup(e->district_name) : NULL;
    c->what = correction_what(e);
    c->by = sr_strdup(e->by ? e->by : "");
    c->at = sr_strdup(day);
    c->why = sr_strdup(e->reason ? e->reason : "");
    f->nomem = !c->period || (e->district_name && !c->district) ||
               !c->what || !c->by || !c->at || !c->why;
    return f->nomem;
}

static void
fill_release(struct bulletin_fill *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        free(f->v[i].period);
        free(f->v[i].district);
        free(f->v[i].what);
        free(f->v[i].by);
        free(f->v[i].at);
        free(f->v[i].why);
    }
    free(f->v);
}

sr_error
sr_signoff_bulletin_corrections(void *ctx, struct sr_store *st,
                                const char *district,
                                const struct sr_period *period,
                                struct sr_bulletin_correction **v,
                                size_t *n)
{
    struct bulletin_fill f;
    sr_error rc;

    (void)ctx;
    memset(&f, 0, sizeof(f));
    *v = NULL;
    *n = 0;
    rc = sr_signoff_corrections(st, district, period->start, period->end,
                                add_correction, &f);
    if (rc == SR_OK && f.nomem)
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (rc != SR_OK) {
        fill_release(&f);
        return rc;
    }
    *v = f.v;
    *n = f.n;
    return SR_OK;
}
