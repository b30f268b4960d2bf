/*
 * hazards.c - the hazard closed loop: the state machine and its rules
 * (DESIGN.md section 5, schoolrisk/hazards.h).
 *
 * DESIGN
 * The rules live here and the SQL in store/hazards.c.  Every public
 * function that writes takes the write lock first (BEGIN IMMEDIATE),
 * reads the hazard's state inside that transaction, decides, and only
 * then writes the row, the event and its audit record, so that two
 * people moving the same hazard at once are serialised and the second
 * sees the first one's state.  sr_hazard_raise() is the one exception:
 * it runs inside its caller's transaction (the assessment submission),
 * and sr_hazard_add() is the same internals wrapped in a transaction of
 * its own.
 *
 * Which step is allowed from which state is the table `steps` below;
 * a refused step's message is built from the same table, so the
 * message cannot disagree with the rule.
 */
#include "schoolrisk/hazards.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "schoolrisk/evidence.h"
#include "store/hazards_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static const char *const status_names[SR_HAZARD_STATUS_COUNT] = {
    "open", "rectifying", "submitted", "closed"};
static const char *const status_labels[SR_HAZARD_STATUS_COUNT] = {
    "登记", "整改中", "已整改待复查", "已销号"};

const char *
sr_hazard_status_name(int status)
{
    return status >= 0 && status < SR_HAZARD_STATUS_COUNT ?
               status_names[status] :
               NULL;
}

const char *
sr_hazard_status_label(int status)
{
    return status >= 0 && status < SR_HAZARD_STATUS_COUNT ?
               status_labels[status] :
               NULL;
}

int
sr_hazard_status_lookup(const char *name)
{
    int i;

    for (i = 0; name && i < SR_HAZARD_STATUS_COUNT; i++)
        if (!strcmp(name, status_names[i]) || !strcmp(name, status_labels[i]))
            return i;
    return -1;
}

int
sr_hazard_level_lookup(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "general") || !strcmp(name, "一般") ||
        !strcmp(name, "一般隐患"))
        return SR_HAZARD_GENERAL;
    if (!strcmp(name, "major") || !strcmp(name, "重大") ||
        !strcmp(name, "重大隐患"))
        return SR_HAZARD_MAJOR;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

static int
digits(const char *s, int n)
{
    int v = 0;

    while (n--)
        v = v * 10 + (*s++ - '0');
    return v;
}

/* Days since 1970-01-01 of a valid date (Howard Hinnant's
 * days_from_civil, proleptic Gregorian). */
static int64_t
day_number(const char *date)
{
    int64_t y = digits(date, 4), m = digits(date + 5, 2),
            d = digits(date + 8, 2);
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400; /* years 1900..2999: never negative */
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

sr_error
sr_hazard_date_diff(const char *a, const char *b, int64_t *days)
{
    if (!a || !b || !sr_date_valid(a) || !sr_date_valid(b))
        return SR_ERR_INPUT;
    *days = day_number(b) - day_number(a);
    return SR_OK;
}

static bool
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The date 12 calendar months before a valid date, the day clamped to
 * the end of a shorter month (2024-02-29 -> 2023-02-28).  Built from the
 * date's own characters: only the year changes, and years are 1900..2999. */
static void
year_before(const char *date, char out[11])
{
    int y = digits(date, 4) - 1;

    memcpy(out, date, 11);
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    if (!strcmp(out + 5, "02-29") && !leap(y))
        out[9] = '8';
}

/* ------------------------------------------------------------------ */
/* Checking input                                                       */
/* ------------------------------------------------------------------ */

static bool
blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return false;
    return true;
}

/* A required (or, with optional, possibly NULL) text: not blank when
 * given, valid UTF-8, at most max characters (0: no limit; the limits
 * are SR_TEXT_MAX and SR_NAME_MAX, error.h).  what names it in
 * messages, translated by the caller (_("the deadline")). */
static sr_error
check_text(struct sr_store *st, const char *field, const char *what,
           const char *s, bool optional, unsigned max)
{
    size_t bad;

    if (!s && optional)
        return SR_OK;
    if (blank(s))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   s ? _("%s is empty") : _("%s is required"),
                                   what);
    if (!sr_utf8_valid(s, strlen(s), &bad))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   /* TRANSLATORS: what is not valid (the
                                      description), then a byte offset. */
                                   _("%s is not valid UTF-8 (byte %zu)"),
                                   what, bad + 1);
    if (max && sr_utf8_chars(s) > max)
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   /* TRANSLATORS: what is too long (the
                                      description), then the limit. */
                                   _("%s is longer than %u characters"),
                                   what, max);
    return SR_OK;
}

static sr_error
check_date(struct sr_store *st, const char *field, const char *what,
           const char *s)
{
    if (!sr_date_valid(s))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   /* TRANSLATORS: which date (the
                                      deadline), then what was given. */
                                   _("%s '%s' is not a valid date "
                                     "(YYYY-MM-DD)"),
                                   what, s);
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* Recording                                                            */
/* ------------------------------------------------------------------ */

/* Check what raise and add share; fills found_on (today when not
 * given) and the school's registry entry.  Typed text (add) is held to
 * the limits; what an assessment raises was held to them when its note
 * was typed, and an item's title is the indicator system's. */
static sr_error
check_new(struct sr_store *st, const struct sr_hazard_new *h, bool typed,
          char found_on[16], struct sr_hzdb_school *sc)
{
    sr_error rc;
    int e;

    if (!h->school || !*h->school)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("the hazard's school is required"));
    if (h->level != SR_HAZARD_GENERAL && h->level != SR_HAZARD_MAJOR)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("unknown hazard level %d (general or "
                                    "major)"),
                                  h->level);
    rc = check_text(st, "description", _("the description"), h->description,
                    false, typed ? SR_TEXT_MAX : 0);
    if (rc == SR_OK)
        rc = check_text(st, "item", _("the item"), h->item, true, 0);
    if (rc == SR_OK)
        rc = check_text(st, "item_title", _("the item title"), h->item_title,
                        true, 0);
    if (rc == SR_OK)
        rc = check_text(st, "found_by", _("found by"), h->found_by, true,
                        typed ? SR_NAME_MAX : 0);
    /* Who found it is --by, or the signed-in user, when not given. */
    if (rc == SR_OK && typed && !h->found_by && sr_store_actor(st) &&
        sr_utf8_chars(sr_store_actor(st)) > SR_NAME_MAX)
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "found_by",
                                 _("%s is longer than %u characters"),
                                 _("found by"), SR_NAME_MAX);
    if (rc != SR_OK)
        return rc;
    if (h->baseline) {
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            if (!strcmp(h->baseline, sr_baseline_name(e)))
                break;
        if (e == SR_BASELINE_COUNT)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("unknown baseline element '%s'"),
                                      h->baseline);
    }
    if (h->found_on) {
        rc = check_date(st, "found_on", _("found on"), h->found_on);
        if (rc != SR_OK)
            return rc;
        snprintf(found_on, 16, "%s", h->found_on);
    } else {
        sr_store_today(st, found_on);
    }
    rc = sr_hzdb_school(st, h->school, sc);
    if (rc == SR_OK && !sc->exists)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("no school with code '%s' in the registry"),
                                h->school);
    return rc;
}

/* Add a "found again" event to the unclosed hazard id. */
static sr_error
link_finding(struct sr_store *st, int64_t id, int status,
             const struct sr_hazard_new *h, const char *found_on,
             const char *found_by)
{
    char where[48] = "";
    char *note;
    int64_t ev;
    sr_error rc;

    /* Notes are stored data, read by the bureau's staff in the hazard's
     * history: written in Chinese. */
    if (h->assessment)
        snprintf(where, sizeof(where), "（评估 %lld）",
                 (long long)h->assessment);
    note = sr_asprintf("%s 由 %s 再次发现%s：%s", found_on, found_by, where,
                       h->description);
    if (!note)
        return SR_ERR_NOMEM;
    rc = sr_hzdb_event(st, id, h->assessment, status, status, note, NULL,
                       &ev);
    free(note);
    return rc;
}

/* The note of a hazard's first event: where it was found and, when it
 * recurs, which closed hazard it recurs. */
static char *
first_note(const struct sr_hazard_new *h, int64_t earlier,
           const char *earlier_closed_on)
{
    struct sr_buf b;
    sr_error rc;

    sr_buf_init(&b);
    if (h->assessment)
        rc = sr_buf_addf(&b, "评估发现（评估 %lld）",
                         (long long)h->assessment);
    else
        rc = sr_buf_addf(&b, "评估之外发现");
    if (rc == SR_OK && earlier)
        rc = sr_buf_addf(&b, "；复发：同一检查项的隐患 %lld 已于 %s 销号",
                         (long long)earlier,
                         earlier_closed_on ? earlier_closed_on : "?");
    if (rc != SR_OK) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

/* The body of sr_hazard_raise(), without the input checks. */
static sr_error
raise_checked(struct sr_store *st, const struct sr_hazard_new *h,
              const char *found_on, int64_t *id, bool *linked)
{
    const char *found_by = h->found_by ? h->found_by : sr_store_actor(st);
    int64_t existing = 0, earlier = 0, new_id = 0, ev;
    struct sr_hazard_record prev;
    char since[11], *note = NULL;
    int status;
    sr_error rc;

    memset(&prev, 0, sizeof(prev));
    if (h->item) {
        rc = sr_hzdb_lock_school(st, h->school);
        if (rc == SR_OK)
            rc = sr_hzdb_unclosed(st, h->school, h->item, &existing,
                                  &status);
        if (rc != SR_OK)
            goto cleanup;
        if (existing) {
            rc = link_finding(st, existing, status, h, found_on, found_by);
            if (rc == SR_OK) {
                *id = existing;
                *linked = true;
            }
            goto cleanup;
        }
        year_before(found_on, since);
        rc = sr_hzdb_closed_since(st, h->school, h->item, since, &earlier);
        if (rc != SR_OK)
            goto cleanup;
    }
    rc = sr_hzdb_insert(st, h, found_on, found_by, earlier, &new_id);
    if (rc != SR_OK)
        goto cleanup;
    if (earlier) {
        rc = sr_hzdb_get(st, earlier, &prev);
        if (rc != SR_OK)
            goto cleanup;
    }
    note = first_note(h, earlier, prev.closed_on);
    if (!note) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    rc = sr_hzdb_event(st, new_id, h->assessment, -1, SR_HAZARD_OPEN, note,
                       NULL, &ev);
    if (rc != SR_OK)
        goto cleanup;
    *id = new_id;
    *linked = false;

cleanup:
    free(note);
    sr_hazard_release(&prev);
    return rc;
}

sr_error
sr_hazard_raise(struct sr_store *st, const struct sr_hazard_new *h,
                int64_t *id, bool *linked)
{
    struct sr_hzdb_school sc;
    char found_on[16];
    sr_error rc;

    rc = check_new(st, h, false, found_on, &sc);
    if (rc != SR_OK)
        return rc;
    return raise_checked(st, h, found_on, id, linked);
}

sr_error
sr_hazard_add(struct sr_store *st, const struct sr_hazard_new *h,
              int64_t *id, bool *linked)
{
    struct sr_hazard_new n = *h;
    struct sr_hzdb_school sc;
    struct sr_system *sys = NULL;
    char found_on[16], today[16];
    sr_error rc;

    n.item_title = NULL;
    n.baseline = NULL;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = check_new(st, &n, true, found_on, &sc);
    if (rc != SR_OK)
        goto rollback;
    sr_store_today(st, today);
    if (strcmp(found_on, today) > 0) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("found on %s is in the future (today is "
                                  "%s)"),
                                found_on, today);
        goto rollback;
    }
    if (sc.closed) {
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("school '%s' is closed in the registry: no "
                                  "new hazards can be recorded for it"),
                                n.school);
        goto rollback;
    }
    if (n.item) {
        const struct sr_item *items;
        size_t count;
        long i;

        if (sc.stage < 0) {
            rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                    _("school '%s' has a stage this "
                                      "schoolrisk does not know, so item '%s' "
                                      "cannot be checked"),
                                    n.school, n.item);
            goto rollback;
        }
        rc = sr_store_current_system(st, sc.stage, &sys);
        if (rc != SR_OK)
            goto rollback;
        i = sr_system_find_item(sys, n.item);
        if (i < 0) {
            rc = sr_store_fail_code(
                st, SR_ERR_NOT_FOUND,
                _("item '%s' is not in indicator system '%s' version %s, "
                  "the current system for school '%s' (stage %s)"),
                n.item, sr_system_id(sys), sr_system_version(sys), n.school,
                sr_stage_name(sc.stage));
            goto rollback;
        }
        items = sr_system_items(sys, &count);
        n.item_title = items[i].title;
        n.baseline = sr_baseline_name(items[i].baseline);
    }
    rc = raise_checked(st, &n, found_on, id, linked);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st);
    goto cleanup;

rollback:
    sr_store_rollback(st);
cleanup:
    sr_system_free(sys);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The state machine                                                    */
/* ------------------------------------------------------------------ */

enum step {
    STEP_ASSIGN,
    STEP_SUBMIT,
    STEP_VERIFY,
    STEP_REJECT,
    STEP_SIGNOFF,
    STEP_COUNT
};

/* steps[from][step]: the state a step leads to, or -1 when refused.
 * A supervised hazard's verify is the district's review and leaves it
 * submitted until the city signs it off (see the exceptions in
 * transition()). */
static const int steps[SR_HAZARD_STATUS_COUNT][STEP_COUNT] = {
    [SR_HAZARD_OPEN] = {SR_HAZARD_RECTIFYING, -1, -1, -1, -1},
    [SR_HAZARD_RECTIFYING] = {SR_HAZARD_RECTIFYING, SR_HAZARD_SUBMITTED, -1,
                              -1, -1},
    [SR_HAZARD_SUBMITTED] = {-1, -1, SR_HAZARD_CLOSED, SR_HAZARD_RECTIFYING,
                             SR_HAZARD_CLOSED},
    [SR_HAZARD_CLOSED] = {-1, -1, -1, -1, -1},
};

/* The refused step, in "hazard 7 is open (登记): it can be assigned
 * ('hazard assign'), not verified". */
static const char *const step_done[STEP_COUNT] = {
    /* TRANSLATORS: this and the next four: the step a hazard's state
       refuses, after "..., not" ("it can be assigned ('hazard assign'),
       not verified"). */
    N_("assigned"), N_("submitted"), N_("verified"), N_("rejected"),
    N_("signed off")};

/* What a state allows, in words; NULL for none.  A supervised hazard
 * the district has reviewed waits for the city's sign-off, not for
 * another review. */
static const char *
allowed(int status, bool awaiting_signoff)
{
    switch (status) {
    case SR_HAZARD_OPEN:
        return _("it can be assigned ('hazard assign')");
    case SR_HAZARD_RECTIFYING:
        return _("it can be submitted ('hazard submit') or re-assigned "
                 "('hazard assign')");
    case SR_HAZARD_SUBMITTED:
        if (awaiting_signoff)
            return _("it passed the district's review and can be signed "
                     "off ('hazard signoff') or rejected ('hazard reject')");
        return _("it can be verified ('hazard verify') or rejected "
                 "('hazard reject')");
    default:
        return NULL;
    }
}

static sr_error
refuse(struct sr_store *st, int64_t id, const struct sr_hzdb_state *hs,
       enum step step)
{
    int status = hs->status;
    const char *next = allowed(status, hs->level == SR_HAZARD_MAJOR &&
                                           hs->reviewed_by != NULL);

    if (!next)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  /* TRANSLATORS: the hazard's id, its
                                     status's name (closed) and Chinese
                                     label (已销号). */
                                  _("hazard %lld is %s (%s): no further "
                                    "steps are allowed"),
                                  (long long)id, sr_hazard_status_name(status),
                                  sr_hazard_status_label(status));
    return sr_store_fail_code(st, SR_ERR_STATE,
                              /* TRANSLATORS: the hazard's id, its status's
                                 name (open) and Chinese label (登记), what
                                 the status allows ("it can be assigned
                                 ('hazard assign')"), and the refused step
                                 ("verified"). */
                              _("hazard %lld is %s (%s): %s, not %s"),
                              (long long)id, sr_hazard_status_name(status),
                              sr_hazard_status_label(status), next,
                              _(step_done[step]));
}

/* True when the actor is the person who did what (name, user): by
 * user id when both are users, else by name. */
static bool
same_person(struct sr_store *st, const char *name, int64_t user)
{
    if (user && sr_store_user(st))
        return user == sr_store_user(st);
    return name && !strcmp(name, sr_store_actor(st));
}

/* The steps a supervised (major) hazard takes differently: the
 * district's verify is a review that leaves it submitted, and only the
 * city's sign-off closes it.  Sets *to; an error refuses the step. */
static sr_error
supervision(struct sr_store *st, int64_t id, enum step step,
            const struct sr_hzdb_state *hs, int *to)
{
    bool major = hs->level == SR_HAZARD_MAJOR;
    bool reviewed = hs->reviewed_by != NULL;

    if (step == STEP_SIGNOFF && !major)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("hazard %lld is a general hazard: it is "
                                    "not under city supervision (挂牌督办), "
                                    "and the district's review ('hazard "
                                    "verify') closes it"),
                                  (long long)id);
    if (step == STEP_SIGNOFF && !reviewed)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("hazard %lld has not passed the "
                                    "district's review (复查) yet: the "
                                    "district verifies it ('hazard verify') "
                                    "before the city signs it off"),
                                  (long long)id);
    if (step == STEP_VERIFY && major && reviewed)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("hazard %lld passed the district's "
                                    "review by '%s' and waits for the "
                                    "city's sign-off (市级挂牌督办销号: "
                                    "'hazard signoff')"),
                                  (long long)id, hs->reviewed_by);
    if (step == STEP_VERIFY && major)
        *to = SR_HAZARD_SUBMITTED;
    return SR_OK;
}

/* Four eyes: whoever submitted the rectification neither reviews nor
 * signs it off, and the city's sign-off is not by the reviewer. */
static sr_error
four_eyes(struct sr_store *st, int64_t id, enum step step,
          const struct sr_hzdb_state *hs)
{
    if (step == STEP_VERIFY &&
        same_person(st, hs->submitted_by, hs->submitted_by_user))
        return sr_store_fail_code(
            st, SR_ERR_STATE,
            /* TRANSLATORS: the hazard's id, who submitted the
               rectification, and who tries to verify it. */
            _("hazard %lld: the rectification was submitted by '%s', so "
              "'%s' cannot verify it; the review (复查销号) must be done by "
              "someone else (four eyes)"),
            (long long)id, hs->submitted_by, sr_store_actor(st));
    if (step == STEP_SIGNOFF &&
        same_person(st, hs->submitted_by, hs->submitted_by_user))
        return sr_store_fail_code(
            st, SR_ERR_STATE,
            _("hazard %lld: the rectification was submitted by '%s', so "
              "'%s' cannot sign it off; the city's sign-off (销号) must be "
              "given by someone else (four eyes)"),
            (long long)id, hs->submitted_by, sr_store_actor(st));
    if (step == STEP_SIGNOFF &&
        same_person(st, hs->reviewed_by, hs->reviewed_by_user))
        return sr_store_fail_code(
            st, SR_ERR_STATE,
            _("hazard %lld: '%s' passed the district's review, so the "
              "city's sign-off must be given by someone else (four eyes)"),
            (long long)id, hs->reviewed_by);
    return SR_OK;
}

/* What a transition writes beyond the state. */
struct move {
    struct sr_hzdb_set set;
    const char *note;
    const char *evidence;
};

/* Check the step's own input once the state allows it. */
static sr_error
check_move(struct sr_store *st, enum step step, const struct move *m)
{
    char today[16];
    sr_error rc = SR_OK;

    switch (step) {
    case STEP_ASSIGN:
        rc = check_text(st, "responsible", _("the responsible person"),
                        m->set.responsible, false, SR_NAME_MAX);
        if (rc == SR_OK)
            rc = check_text(st, "measures", _("the measures"),
                            m->set.measures, true, SR_TEXT_MAX);
        if (rc == SR_OK && !m->set.deadline)
            rc = sr_store_fail_field(st, SR_ERR_INPUT, "deadline",
                                     _("the deadline is required"));
        if (rc == SR_OK)
            rc = check_date(st, "deadline", _("deadline"), m->set.deadline);
        sr_store_today(st, today);
        if (rc == SR_OK && strcmp(m->set.deadline, today) < 0)
            rc = sr_store_fail_field(st, SR_ERR_INPUT, "deadline",
                                     _("deadline %s is before today (%s)"),
                                     m->set.deadline, today);
        break;
    case STEP_SUBMIT:
        rc = check_text(st, "note", _("the rectification note"), m->note,
                        false, SR_TEXT_MAX);
        /* Evidence is a list of stored files as often as text. */
        if (rc == SR_OK)
            rc = check_text(st, "evidence", _("the evidence"), m->evidence,
                            true, 0);
        break;
    case STEP_VERIFY:
    case STEP_SIGNOFF:
        rc = check_text(st, "note", _("the review note"), m->note, true,
                        SR_TEXT_MAX);
        break;
    case STEP_REJECT:
        rc = check_text(st, "reason", _("the reason"), m->note, false,
                        SR_TEXT_MAX);
        break;
    case STEP_COUNT:
        break;
    }
    return rc;
}

/* One transition in one transaction. */
static sr_error
transition(struct sr_store *st, int64_t id, enum step step, struct move *m)
{
    struct sr_hzdb_state hs;
    char today[16];
    int to;
    int64_t ev;
    sr_error rc;

    memset(&hs, 0, sizeof(hs));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    /* Locked before it is read: a concurrent step of the same hazard
     * waits for this one's COMMIT and is judged on what it wrote. */
    rc = sr_hzdb_lock(st, id);
    if (rc == SR_OK)
        rc = sr_hzdb_state(st, id, &hs);
    if (rc != SR_OK)
        goto rollback;
    to = steps[hs.status][step];
    if (to < 0) {
        rc = refuse(st, id, &hs, step);
        goto rollback;
    }
    rc = supervision(st, id, step, &hs, &to);
    if (rc == SR_OK)
        rc = four_eyes(st, id, step, &hs);
    if (rc == SR_OK)
        rc = check_move(st, step, m);
    if (rc != SR_OK)
        goto rollback;
    sr_store_today(st, today);
    if (step == STEP_SUBMIT)
        m->set.submitted_by = sr_store_actor(st);
    if (step == STEP_REJECT)
        m->set.clear_review = true;
    if (step == STEP_VERIFY && to == SR_HAZARD_SUBMITTED)
        m->set.reviewed_on = today;
    if (to == SR_HAZARD_CLOSED)
        m->set.closed_on = today;
    rc = sr_hzdb_update(st, id, hs.status, to, &m->set);
    if (rc == SR_OK)
        rc = sr_hzdb_event(st, id, 0, hs.status, to, m->note, m->evidence,
                           &ev);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st);
    goto cleanup;

rollback:
    sr_store_rollback(st);
cleanup:
    sr_hzdb_state_release(&hs);
    return rc;
}

sr_error
sr_hazard_assign(struct sr_store *st, int64_t id, const char *responsible,
                 const char *deadline, const char *measures)
{
    struct move m;
    char *note = NULL;
    sr_error rc;

    memset(&m, 0, sizeof(m));
    m.set.responsible = responsible;
    m.set.deadline = deadline;
    m.set.measures = measures;
    /* The event keeps what this assignment said: a re-assignment
     * overwrites the row's columns, never the history. */
    if (responsible && deadline) {
        note = sr_asprintf("整改责任人：%s；整改期限：%s%s%s", responsible,
                           deadline, measures ? "；整改措施：" : "",
                           measures ? measures : "");
        if (!note)
            return SR_ERR_NOMEM;
    }
    m.note = note;
    rc = transition(st, id, STEP_ASSIGN, &m);
    free(note);
    return rc;
}

sr_error
sr_hazard_submit(struct sr_store *st, int64_t id, const char *note,
                 const char *evidence)
{
    struct move m;

    memset(&m, 0, sizeof(m));
    m.note = note;
    m.evidence = evidence;
    return transition(st, id, STEP_SUBMIT, &m);
}

sr_error
sr_hazard_submit_files(struct sr_store *st, int64_t id, const char *note,
                       const char *const *files, size_t n_files)
{
    struct sr_hazard_record h;
    char *evidence = NULL;
    sr_error rc;

    if (!n_files)
        return sr_hazard_submit(st, id, note, NULL);
    rc = sr_hzdb_get(st, id, &h);
    if (rc == SR_OK)
        rc = sr_evidence_refs(st, h.school, files, n_files, &evidence);
    if (rc == SR_OK)
        rc = sr_hazard_submit(st, id, note, evidence);
    free(evidence);
    sr_hazard_release(&h);
    return rc;
}

sr_error
sr_hazard_verify(struct sr_store *st, int64_t id, const char *note)
{
    struct move m;

    memset(&m, 0, sizeof(m));
    m.note = note;
    return transition(st, id, STEP_VERIFY, &m);
}

sr_error
sr_hazard_reject(struct sr_store *st, int64_t id, const char *reason)
{
    struct move m;

    memset(&m, 0, sizeof(m));
    m.note = reason;
    return transition(st, id, STEP_REJECT, &m);
}

sr_error
sr_hazard_signoff(struct sr_store *st, int64_t id, const char *note)
{
    struct move m;

    memset(&m, 0, sizeof(m));
    m.note = note;
    return transition(st, id, STEP_SIGNOFF, &m);
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

static sr_error
resolve_today(struct sr_store *st, const char *today, char out[16])
{
    if (!today) {
        sr_store_today(st, out);
        return SR_OK;
    }
    if (!sr_date_valid(today))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("today '%s' is not a valid date "
                                    "(YYYY-MM-DD)"),
                                  today);
    snprintf(out, 16, "%s", today);
    return SR_OK;
}

static void
derive(struct sr_hazard_record *h, const char *today)
{
    int64_t days = 0;

    h->supervised = h->level == SR_HAZARD_MAJOR;
    h->awaiting_signoff = h->supervised && h->status == SR_HAZARD_SUBMITTED &&
                          h->reviewed_by != NULL;
    h->overdue = false;
    h->days_overdue = 0;
    if (h->status != SR_HAZARD_CLOSED && h->deadline &&
        sr_hazard_date_diff(h->deadline, today, &days) == SR_OK && days > 0) {
        h->overdue = true;
        h->days_overdue = days;
    }
}

sr_error
sr_hazard_get(struct sr_store *st, int64_t id, const char *today,
              struct sr_hazard_record *out)
{
    char day[16];
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = resolve_today(st, today, day);
    if (rc == SR_OK)
        rc = sr_hzdb_get(st, id, out);
    if (rc == SR_OK)
        derive(out, day);
    return rc;
}

sr_error
sr_hazard_events(struct sr_store *st, int64_t id,
                 struct sr_hazard_event **out, size_t *n)
{
    return sr_hzdb_events(st, id, out, n);
}

/* Check a filter's values; fills day with today. */
static sr_error
check_filter(struct sr_store *st, const struct sr_hazard_filter *f,
             const char *today, char day[16])
{
    struct sr_hzdb_school sc;
    sr_error rc;

    rc = resolve_today(st, today, day);
    if (rc != SR_OK)
        return rc;
    if (f->found_from && !sr_date_valid(f->found_from))
        return sr_store_fail_field(st, SR_ERR_INPUT, "found_from",
                                   _("'%s' is not a valid date (YYYY-MM-DD)"),
                                   f->found_from);
    if (f->found_to && !sr_date_valid(f->found_to))
        return sr_store_fail_field(st, SR_ERR_INPUT, "found_to",
                                   _("'%s' is not a valid date (YYYY-MM-DD)"),
                                   f->found_to);
    if (f->district) {
        bool known;

        rc = sr_hzdb_district_known(st, f->district, &known);
        if (rc != SR_OK)
            return rc;
        if (!known)
            return sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                      _("no district '%s' (give its code, "
                                        "such as 370102, or its name, such "
                                        "as 历下区)"),
                                      f->district);
    }
    if (f->school) {
        rc = sr_hzdb_school(st, f->school, &sc);
        if (rc != SR_OK)
            return rc;
        if (!sc.exists)
            return sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                      _("no school with code '%s' in the "
                                        "registry"),
                                      f->school);
    }
    return SR_OK;
}

static const struct sr_hazard_filter all_hazards = {NULL, NULL, -1, -1,
                                                    false, false, false,
                                                    NULL, NULL, NULL, NULL,
                                                    false, 0, 0};

sr_error
sr_hazard_list(struct sr_store *st, const struct sr_hazard_filter *f,
               const char *today, struct sr_hazard_record **out, size_t *n)
{
    char day[16];
    sr_error rc;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!f)
        f = &all_hazards;
    rc = check_filter(st, f, today, day);
    if (rc == SR_OK)
        rc = sr_hzdb_list(st, f, day, out, n);
    for (i = 0; rc == SR_OK && i < *n; i++)
        derive(&(*out)[i], day);
    return rc;
}

sr_error
sr_hazard_count(struct sr_store *st, const struct sr_hazard_filter *f,
                const char *today, size_t *n)
{
    char day[16];
    sr_error rc;

    *n = 0;
    if (!f)
        f = &all_hazards;
    rc = check_filter(st, f, today, day);
    if (rc == SR_OK)
        rc = sr_hzdb_count(st, f, day, n);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Freeing                                                              */
/* ------------------------------------------------------------------ */

void
sr_hazard_release(struct sr_hazard_record *h)
{
    if (!h)
        return;
    free(h->school);
    free(h->school_name);
    free(h->district);
    free(h->district_name);
    free(h->item);
    free(h->item_title);
    free(h->description);
    free(h->found_on);
    free(h->found_by);
    free(h->responsible);
    free(h->measures);
    free(h->deadline);
    free(h->submitted_by);
    free(h->reviewed_by);
    free(h->reviewed_on);
    free(h->closed_on);
    free(h->recurrent_closed_on);
    free(h->baseline);
    memset(h, 0, sizeof(*h));
}

void
sr_hazard_list_free(struct sr_hazard_record *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        sr_hazard_release(&v[i]);
    free(v);
}

void
sr_hazard_events_free(struct sr_hazard_event *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++) {
        free(v[i].at);
        free(v[i].by);
        free(v[i].note);
        free(v[i].evidence);
    }
    free(v);
}

/* ------------------------------------------------------------------ */
/* Evidence files                                                       */
/* ------------------------------------------------------------------ */

sr_error
sr_hazard_evidence_file(const char *path, char **out)
{
    crypto_hash_sha256_state hs;
    unsigned char h[crypto_hash_sha256_BYTES], buf[65536];
    char hex[65], *abs = NULL;
    unsigned long long size = 0;
    sr_error rc = SR_OK;
    struct stat sb;
    FILE *f = NULL;
    size_t got;

    *out = NULL;
    if (sodium_init() < 0)
        return SR_ERR_INTERNAL;
    abs = realpath(path, NULL);
    if (!abs)
        return SR_ERR_IO;
    f = fopen(abs, "rb");
    if (!f) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    if (fstat(fileno(f), &sb) != 0) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    if (!S_ISREG(sb.st_mode)) {
        errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        rc = SR_ERR_IO;
        goto cleanup;
    }
    crypto_hash_sha256_init(&hs);
    while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
        crypto_hash_sha256_update(&hs, buf, got);
        size += got;
    }
    if (ferror(f)) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    crypto_hash_sha256_final(&hs, h);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    *out = sr_asprintf("%s (sha256 %s, %llu bytes)", abs, hex, size);
    if (!*out)
        rc = SR_ERR_NOMEM;

cleanup:
    if (f)
        fclose(f);
    free(abs);
    return rc;
}
