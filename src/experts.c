/*
 * experts.c - the expert corps (安全专家库): the speciality and status
 * vocabularies and the rules of a profile (schoolrisk/experts.h).
 *
 * DESIGN
 * The vocabularies are the two tables below and nowhere else: the
 * stored text, the CLI's words and the Chinese labels all come from
 * them.  The rules live here and the SQL in store/experts.c.  Every
 * write holds one write transaction around the profile, its expert
 * event and the event's audit record, and reads the user, the grants
 * and the stored profile it decides on inside that transaction.
 */
#include "schoolrisk/experts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "store/experts_int.h"
#include "store/users_int.h"
#include "util.h"

/* A word of a vocabulary: its stored (English) name and Chinese label. */
struct term {
    const char *name;
    const char *label;
};

static const struct term specs[SR_SPEC_COUNT] = {
    {"fire", "消防"},
    {"food", "食品"},
    {"building", "建筑"},
    {"traffic", "交通"},
    {"lab_chemicals", "实验室危化品"},
    {"psychology", "心理"},
    {"special_education", "特教"},
    {"school_bus", "校车"},
    {"swimming", "游泳"},
    {"general", "综合"},
};

static const struct term statuses[SR_EXPERT_STATUS_COUNT] = {
    {"active", "在库"},
    {"suspended", "暂停"},
    {"retired", "退出"},
};

/* ------------------------------------------------------------------ */
/* Vocabularies                                                         */
/* ------------------------------------------------------------------ */

/* Term @p i of @p t (@p n terms), or NULL when out of range. */
static const struct term *
term_at(const struct term *t, int n, int i)
{
    return i >= 0 && i < n ? &t[i] : NULL;
}

/* The index of the term named @p name (its name or its label), or -1. */
static int
term_lookup(const struct term *t, int n, const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i < n; i++)
        if (!strcmp(name, t[i].name) || !strcmp(name, t[i].label))
            return i;
    return -1;
}

const char *
sr_speciality_name(int spec)
{
    const struct term *t = term_at(specs, SR_SPEC_COUNT, spec);

    return t ? t->name : NULL;
}

const char *
sr_speciality_label(int spec)
{
    const struct term *t = term_at(specs, SR_SPEC_COUNT, spec);

    return t ? t->label : NULL;
}

int
sr_speciality_lookup(const char *name)
{
    return term_lookup(specs, SR_SPEC_COUNT, name);
}

/* Length of the separator at p (',', '，' or '、'), 0 when none. */
static size_t
separator(const char *p)
{
    if (*p == ',')
        return 1;
    if (!strncmp(p, "，", strlen("，")))
        return strlen("，");
    if (!strncmp(p, "、", strlen("、")))
        return strlen("、");
    return 0;
}

sr_error
sr_speciality_parse(const char *text, unsigned *mask, char *bad,
                    size_t bad_size)
{
    char word[64];
    unsigned m = 0;
    const char *p = text;

    if (bad_size)
        bad[0] = '\0';
    if (!text)
        return SR_ERR_INPUT;
    while (*p) {
        size_t n = 0, sep;
        int i;

        while (*p == ' ')
            p++;
        while (*p && !separator(p)) {
            if (n + 1 < sizeof(word))
                word[n++] = *p;
            p++;
        }
        while (n && word[n - 1] == ' ')
            n--;
        word[n] = '\0';
        sep = separator(p);
        p += sep;
        if (!n && !sep && !*p)
            break;
        i = sr_speciality_lookup(word);
        if (i < 0) {
            if (bad_size)
                snprintf(bad, bad_size, "%s", word);
            return SR_ERR_INPUT;
        }
        m |= SR_SPECS(i);
    }
    if (!m)
        return SR_ERR_INPUT;
    *mask = m;
    return SR_OK;
}

void
sr_speciality_join(unsigned mask, char buf[SR_SPEC_TEXT_MAX])
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < SR_SPEC_COUNT; i++)
        if (mask & SR_SPECS(i))
            len += (size_t)snprintf(buf + len, SR_SPEC_TEXT_MAX - len, "%s%s",
                                    len ? "," : "", specs[i].name);
}

const char *
sr_expert_status_name(int status)
{
    const struct term *t = term_at(statuses, SR_EXPERT_STATUS_COUNT, status);

    return t ? t->name : NULL;
}

const char *
sr_expert_status_label(int status)
{
    const struct term *t = term_at(statuses, SR_EXPERT_STATUS_COUNT, status);

    return t ? t->label : NULL;
}

int
sr_expert_status_lookup(const char *name)
{
    return term_lookup(statuses, SR_EXPERT_STATUS_COUNT, name);
}

void
sr_expert_release(struct sr_expert *e)
{
    if (!e)
        return;
    free(e->login);
    free(e->name);
    free(e->unit);
    free(e->district);
    free(e->district_name);
    free(e->updated_at);
    free(e->updated_by);
    memset(e, 0, sizeof(*e));
}

void
sr_expert_filter_init(struct sr_expert_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->speciality = -1;
    f->status = -1;
    f->due_days = -1;
}

/* ------------------------------------------------------------------ */
/* Checking a profile                                                   */
/* ------------------------------------------------------------------ */

/* A date field: valid, and (when today is not NULL) not after today. */
static sr_error
check_date(struct sr_store *st, const char *field, const char *v,
           const char *today)
{
    if (!v || !*v)
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s is required"), field);
    if (!sr_date_valid(v))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s '%s' is not a date (YYYY-MM-DD)"),
                                   field, v);
    if (today && strcmp(v, today) > 0)
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s %s is in the future (today is %s)"),
                                   field, v, today);
    return SR_OK;
}

/* Every field of the merged profile e; its district is resolved to a
 * code in code. */
static sr_error
check_profile(struct sr_store *st, const struct sr_expert *e, char code[32])
{
    char today[16];
    sr_error rc;

    if (!e->unit || !*e->unit)
        return sr_store_fail_field(st, SR_ERR_INPUT, "unit",
                                   _("unit (工作单位) is required"));
    if (strlen(e->unit) > SR_NAME_MAX)
        return sr_store_fail_field(st, SR_ERR_INPUT, "unit",
                                   _("unit (工作单位) is longer than %u "
                                     "bytes"),
                                   SR_NAME_MAX);
    if (!e->district || !*e->district)
        return sr_store_fail_field(st, SR_ERR_INPUT, "district",
                                   _("district is required"));
    rc = sr_audb_district(st, e->district, code);
    if (rc == SR_OK && !code[0])
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "district",
                                 _("no district '%s' (give its code, such "
                                   "as 370102, or its name, such as "
                                   "历下区)"),
                                 e->district);
    if (rc != SR_OK)
        return rc;
    if (!e->specialities || (e->specialities >> SR_SPEC_COUNT))
        return sr_store_fail_field(st, SR_ERR_INPUT, "specialities",
                                   _("specialities: at least one is "
                                     "required"));
    if (!sr_expert_status_name(e->status))
        return sr_store_fail_field(st, SR_ERR_INPUT, "status",
                                   _("unknown expert status %d"), e->status);
    sr_store_today(st, today);
    rc = check_date(st, "trained_on", e->trained_on, today);
    if (rc == SR_OK)
        rc = check_date(st, "certified_on", e->certified_on, today);
    if (rc == SR_OK)
        rc = check_date(st, "expires_on", e->expires_on, NULL);
    if (rc == SR_OK && strcmp(e->expires_on, e->certified_on) <= 0)
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "expires_on",
                                 _("expires_on %s must be after "
                                   "certified_on %s"),
                                 e->expires_on, e->certified_on);
    return rc;
}

/* The user with login, who must hold an active inspector grant when
 * need_inspector. */
static sr_error
expert_user(struct sr_store *st, const char *login, bool need_inspector,
            struct sr_audb_auth *a)
{
    sr_error rc;

    if (!login || !*login)
        return sr_store_fail_field(st, SR_ERR_INPUT, "login",
                                   _("the login is required"));
    rc = sr_audb_auth_get(st, 0, login, a);
    /* The same message, naming the field for the service's answer. */
    if (rc == SR_ERR_NOT_FOUND)
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "login",
                                 _("no user with login '%s'"), login);
    if (rc == SR_OK && need_inspector &&
        !(a->roles & SR_ROLES(SR_ROLE_INSPECTOR)))
        rc = sr_store_fail_field(st, SR_ERR_STATE, "login",
                                 _("user '%s' holds no inspector grant: an "
                                   "expert is an inspector (grant the role "
                                   "first)"),
                                 a->login);
    return rc;
}

/* Copy a date into a profile's field (checked later). */
static void
set_date(char out[11], const char *v)
{
    snprintf(out, 11, "%s", v ? v : "");
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

/* A date given in in that is not a valid date would be cut to 10
 * characters in the profile; check it as typed first. */
static sr_error
check_given_dates(struct sr_store *st, const struct sr_expert_in *in)
{
    sr_error rc = SR_OK;

    if (in->trained_on && strlen(in->trained_on) != 10)
        rc = check_date(st, "trained_on", in->trained_on, NULL);
    if (rc == SR_OK && in->certified_on && strlen(in->certified_on) != 10)
        rc = check_date(st, "certified_on", in->certified_on, NULL);
    if (rc == SR_OK && in->expires_on && strlen(in->expires_on) != 10)
        rc = check_date(st, "expires_on", in->expires_on, NULL);
    return rc;
}

sr_error
sr_expert_add(struct sr_store *st, const char *login,
              const struct sr_expert_in *in)
{
    struct sr_audb_auth a;
    struct sr_expert e, old;
    char code[32] = "";
    bool found = false;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    memset(&e, 0, sizeof(e));
    memset(&old, 0, sizeof(old));
    rc = check_given_dates(st, in);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = expert_user(st, login, true, &a);
    if (rc == SR_OK)
        rc = sr_exdb_get(st, a.id, &old, &found);
    if (rc == SR_OK && found)
        rc = sr_store_fail_field(st, SR_ERR_CONFLICT, "login",
                                 _("user '%s' already has an expert "
                                   "profile"),
                                 a.login);
    if (rc != SR_OK)
        goto cleanup;
    e.user = a.id;
    e.unit = (char *)in->unit;
    e.district = (char *)in->district;
    e.specialities = in->specialities;
    set_date(e.trained_on, in->trained_on);
    set_date(e.certified_on, in->certified_on);
    set_date(e.expires_on, in->expires_on);
    e.status = in->status < 0 ? SR_EXPERT_ACTIVE : in->status;
    rc = check_profile(st, &e, code);
    if (rc != SR_OK)
        goto cleanup;
    e.district = code;
    rc = sr_exdb_insert(st, &e);
    if (rc == SR_OK)
        rc = sr_exdb_event(st, a.id, "expert_added");
    if (rc == SR_OK)
        rc = sr_store_commit(st);

cleanup:
    if (rc != SR_OK)
        sr_store_rollback(st);
    sr_expert_release(&old);
    sr_audb_auth_release(&a);
    return rc;
}

/* The stored profile old with the fields given in in; the strings point
 * into old or in. */
static void
merge(const struct sr_expert *old, const struct sr_expert_in *in,
      struct sr_expert *e)
{
    *e = *old;
    if (in->unit)
        e->unit = (char *)in->unit;
    if (in->district)
        e->district = (char *)in->district;
    if (in->specialities)
        e->specialities = in->specialities;
    if (in->trained_on)
        set_date(e->trained_on, in->trained_on);
    if (in->certified_on)
        set_date(e->certified_on, in->certified_on);
    if (in->expires_on)
        set_date(e->expires_on, in->expires_on);
    if (in->status >= 0)
        e->status = in->status;
}

sr_error
sr_expert_update(struct sr_store *st, const char *login,
                 const struct sr_expert_in *in)
{
    struct sr_audb_auth a;
    struct sr_expert e, old;
    char code[32] = "";
    bool found = false;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    memset(&old, 0, sizeof(old));
    rc = check_given_dates(st, in);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    /* Suspending or retiring an expert whose grant was revoked must
     * stay possible; only an active expert must be an inspector. */
    rc = expert_user(st, login, in->status == SR_EXPERT_ACTIVE, &a);
    if (rc == SR_OK)
        rc = sr_exdb_get(st, a.id, &old, &found);
    if (rc == SR_OK && !found)
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "login",
                                 _("user '%s' has no expert profile"),
                                 a.login);
    if (rc != SR_OK)
        goto cleanup;
    merge(&old, in, &e);
    rc = check_profile(st, &e, code);
    if (rc != SR_OK)
        goto cleanup;
    e.district = code;
    rc = sr_exdb_update(st, &e);
    if (rc == SR_OK)
        rc = sr_exdb_event(st, a.id, "expert_updated");
    if (rc == SR_OK)
        rc = sr_store_commit(st);

cleanup:
    if (rc != SR_OK)
        sr_store_rollback(st);
    sr_expert_release(&old);
    sr_audb_auth_release(&a);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

sr_error
sr_expert_get(struct sr_store *st, const char *login, struct sr_expert *out)
{
    struct sr_audb_auth a;
    bool found = false;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = expert_user(st, login, false, &a);
    if (rc == SR_OK)
        rc = sr_exdb_get(st, a.id, out, &found);
    if (rc == SR_OK && !found)
        rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "login",
                                 _("user '%s' has no expert profile"),
                                 a.login);
    sr_audb_auth_release(&a);
    return rc;
}

/* as_of checked, or the store's today in buf. */
static sr_error
as_of_date(struct sr_store *st, const char *as_of, char buf[16])
{
    if (!as_of) {
        sr_store_today(st, buf);
        return SR_OK;
    }
    if (!sr_date_valid(as_of))
        return sr_store_fail_field(st, SR_ERR_INPUT, "as_of",
                                   _("%s '%s' is not a date (YYYY-MM-DD)"),
                                   "as_of", as_of);
    snprintf(buf, 16, "%s", as_of);
    return SR_OK;
}

sr_error
sr_expert_list(struct sr_store *st, const struct sr_expert_filter *f,
               sr_expert_fn fn, void *ctx)
{
    char code[32] = "", day[16];
    sr_error rc = as_of_date(st, f->as_of, day);

    if (rc != SR_OK)
        return rc;
    if (f->speciality >= SR_SPEC_COUNT || f->status >= SR_EXPERT_STATUS_COUNT)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("unknown speciality or status in the "
                                    "filter"));
    if (f->district && *f->district) {
        rc = sr_audb_district(st, f->district, code);
        if (rc == SR_OK && !code[0])
            rc = sr_store_fail_field(st, SR_ERR_NOT_FOUND, "district",
                                     _("no district '%s' (give its code, "
                                       "such as 370102, or its name, such "
                                       "as 历下区)"),
                                     f->district);
        if (rc != SR_OK)
            return rc;
    }
    return sr_exdb_list(st, f, code[0] ? code : NULL, day, fn, ctx);
}

sr_error
sr_expert_summary(struct sr_store *st, const char *as_of,
                  struct sr_expert_summary *out)
{
    char day[16];
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = as_of_date(st, as_of, day);
    if (rc != SR_OK)
        return rc;
    /* day is "YYYY-MM-DD" (checked, or the store's today). */
    memcpy(out->as_of, day, sizeof(out->as_of) - 1);
    out->as_of[sizeof(out->as_of) - 1] = '\0';
    out->target = SR_EXPERT_TARGET;
    rc = sr_exdb_summary(st, out);
    if (rc != SR_OK)
        sr_expert_summary_release(out);
    return rc;
}

void
sr_expert_summary_release(struct sr_expert_summary *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n_districts; i++)
        free(s->districts[i].name);
    free(s->districts);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* Workload                                                             */
/* ------------------------------------------------------------------ */

void
sr_expert_rate(const struct sr_expert_work *w, char buf[SR_EXPERT_RATE_MAX],
               int64_t *num)
{
    uint64_t found = (uint64_t)w->general + w->major, n = w->inspections;
    uint64_t hundredths;

    if (!n) {
        snprintf(buf, SR_EXPERT_RATE_MAX, "-");
        if (num)
            *num = -1;
        return;
    }
    /* found / n in hundredths, rounded half up, in integers: the text
     * is exact whatever the figures (no double in between). */
    hundredths = (found * 200 + n) / (2 * n);
    snprintf(buf, SR_EXPERT_RATE_MAX, "%llu.%02llu",
             (unsigned long long)(hundredths / 100),
             (unsigned long long)(hundredths % 100));
    if (num)
        *num = (int64_t)hundredths;
}

/* The list's callback, with each expert's row of the work looked up. */
struct work_ctx {
    const struct sr_exdb_work *v;
    size_t n;
    sr_expert_work_fn fn;
    void *ctx;
};

static int
cmp_work(const void *key, const void *elem)
{
    int64_t u = *(const int64_t *)key;
    const struct sr_exdb_work *w = elem;

    return u < w->user ? -1 : u > w->user;
}

static int
work_row(const struct sr_expert *e, void *ctx)
{
    static const struct sr_expert_work none;
    struct work_ctx *wc = ctx;
    const struct sr_exdb_work *hit =
        wc->n ? bsearch(&e->user, wc->v, wc->n, sizeof(*wc->v), cmp_work)
              : NULL;

    return wc->fn(e, hit ? &hit->w : &none, wc->ctx);
}

sr_error
sr_expert_workload(struct sr_store *st, const struct sr_expert_filter *f,
                   const char *from, const char *to, sr_expert_work_fn fn,
                   void *ctx)
{
    struct work_ctx wc = {NULL, 0, fn, ctx};
    struct sr_exdb_work *v = NULL;
    sr_error rc = SR_OK;

    if (!from || !sr_date_valid(from))
        return sr_store_fail_field(st, SR_ERR_INPUT, "from",
                                   _("%s '%s' is not a date (YYYY-MM-DD)"),
                                   "from", from ? from : "");
    if (!to || !sr_date_valid(to))
        return sr_store_fail_field(st, SR_ERR_INPUT, "to",
                                   _("%s '%s' is not a date (YYYY-MM-DD)"),
                                   "to", to ? to : "");
    if (strcmp(from, to) > 0)
        return sr_store_fail_field(st, SR_ERR_INPUT, "to",
                                   _("the period ends (%s) before it "
                                     "starts (%s)"),
                                   to, from);
    rc = sr_exdb_work(st, from, to, &v, &wc.n);
    wc.v = v;
    if (rc == SR_OK)
        rc = sr_expert_list(st, f, work_row, &wc);
    free(v);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Certified and due, one expert at a time                              */
/* ------------------------------------------------------------------ */

/* Days since 1970-01-01 of a valid "YYYY-MM-DD" (the proleptic
 * Gregorian calendar: Howard Hinnant's days_from_civil). */
static long
day_number(const char *d)
{
    long y = strtol(d, NULL, 10), m = strtol(d + 5, NULL, 10);
    long day = strtol(d + 8, NULL, 10), era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The same rule as the SQL of store/experts.c (CERTIFIED): the list
 * and the summary must agree, which test_expert_workload.c checks. */
bool
sr_expert_certified(const struct sr_expert *e, const char *as_of)
{
    return e->status == SR_EXPERT_ACTIVE && sr_date_valid(as_of) &&
           strcmp(e->certified_on, as_of) <= 0 &&
           strcmp(e->expires_on, as_of) >= 0;
}

bool
sr_expert_due(const struct sr_expert *e, const char *as_of, int days)
{
    return sr_expert_certified(e, as_of) && sr_date_valid(e->expires_on) &&
           day_number(e->expires_on) - day_number(as_of) <= days;
}
