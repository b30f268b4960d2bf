/*
 * schoolrisk/experts.h - the school-safety expert corps (安全专家库).
 *
 * An expert is a user (auth.h) who holds an inspector grant, plus a
 * profile: work unit (工作单位), district, specialities from a fixed
 * vocabulary, the dates of training (培训), certification (取证) and the
 * certificate's expiry, and a status (在库 / 暂停 / 退出).
 *
 * The city's target is SR_EXPERT_TARGET certified experts.  An expert
 * is certified on a date when active, certified on or before it, and
 * the certificate has not expired: it is valid through its expiry date
 * and lapses the day after.  An expert is due for re-training within N
 * days of a date when the certificate expires on or before that date
 * plus N days (an expired one is due too).
 *
 * Every change to a profile is an expert event (expert_events), which
 * keeps the profile's state after the change and is chained in the
 * audit chain (audit.h, record kind "expert"), so that `audit verify`
 * names a profile edited outside the program.  Errors leave a message
 * in the store (sr_store_errmsg()) naming the field at fault
 * (sr_store_errfield()).
 */
#ifndef SR_EXPERTS_H
#define SR_EXPERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The city's target: certified experts (培养200名学校安全内部专家). */
#define SR_EXPERT_TARGET 200

/** The specialities.  Order is part of the ABI and of the stored
 *  text: append only. */
enum sr_speciality {
    SR_SPEC_FIRE,              /**< 消防 */
    SR_SPEC_FOOD,              /**< 食品 */
    SR_SPEC_BUILDING,          /**< 建筑 */
    SR_SPEC_TRAFFIC,           /**< 交通 */
    SR_SPEC_LAB_CHEMICALS,     /**< 实验室危化品 */
    SR_SPEC_PSYCHOLOGY,        /**< 心理 */
    SR_SPEC_SPECIAL_EDUCATION, /**< 特教 */
    SR_SPEC_SCHOOL_BUS,        /**< 校车 */
    SR_SPEC_SWIMMING,          /**< 游泳 */
    SR_SPEC_GENERAL,           /**< 综合 */
    SR_SPEC_COUNT
};

/** A set of specialities as a bit mask: SR_SPECS(SR_SPEC_FIRE) | ... */
#define SR_SPECS(s) (1u << (s))

/** @brief "fire", "food", ... "general"; NULL when out of range. */
const char *sr_speciality_name(int spec);

/** @brief "消防", "食品", ... "综合"; NULL when out of range. */
const char *sr_speciality_label(int spec);

/** @brief The speciality named @p name, by its English name or its
 *         Chinese label ("fire" or "消防"); -1 when unknown or NULL. */
int sr_speciality_lookup(const char *name);

/**
 * @brief Read a comma-separated list of specialities ("fire,食品"; ','
 *        or '，' or '、' between them, spaces ignored) as a mask.
 * @param bad receives the first unknown word (truncated) when it fails
 * @return SR_OK, or SR_ERR_INPUT for an unknown word or an empty list.
 */
sr_error sr_speciality_parse(const char *text, unsigned *mask, char *bad,
                             size_t bad_size);

/** The statuses.  Append only. */
enum sr_expert_status {
    SR_EXPERT_ACTIVE,    /**< 在库 */
    SR_EXPERT_SUSPENDED, /**< 暂停 */
    SR_EXPERT_RETIRED,   /**< 退出 */
    SR_EXPERT_STATUS_COUNT
};

/** @brief "active", "suspended", "retired"; NULL. */
const char *sr_expert_status_name(int status);

/** @brief "在库", "暂停", "退出"; NULL. */
const char *sr_expert_status_label(int status);

/** @brief By English name or Chinese label; -1 when unknown or NULL. */
int sr_expert_status_lookup(const char *name);

/** An expert: the user and the profile.  Strings are owned. */
struct sr_expert {
    int64_t user;
    char *login;
    char *name;          /**< the user's 姓名 */
    char *unit;          /**< 工作单位 */
    char *district;      /**< district code */
    char *district_name; /**< 历下区 */
    unsigned specialities; /**< SR_SPECS() mask, never 0 */
    char trained_on[11];   /**< "YYYY-MM-DD" */
    char certified_on[11];
    char expires_on[11];
    int status;          /**< enum sr_expert_status */
    char *updated_at;    /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *updated_by;
};

/** @brief Free the strings of @p e; a zeroed one is fine. */
void sr_expert_release(struct sr_expert *e);

/** A profile to add, or the changes to one.  For an update, NULL
 *  strings, a 0 mask and a negative status keep what is stored. */
struct sr_expert_in {
    const char *unit;
    const char *district;     /**< a code (370102) or a name (历下区) */
    unsigned specialities;
    const char *trained_on;   /**< "YYYY-MM-DD" */
    const char *certified_on;
    const char *expires_on;
    int status;               /**< add: negative means active */
};

/**
 * @brief Add the profile of user @p login (any case).
 *
 * The user must exist and hold an active inspector grant (SR_ERR_STATE
 * otherwise) and have no profile yet (SR_ERR_CONFLICT).  Every field is
 * required; the dates must be valid "YYYY-MM-DD", trained_on and
 * certified_on not after the store's today, and expires_on after
 * certified_on (SR_ERR_INPUT, naming the field).  Expert event
 * "expert_added", chained.
 * @code
 *     struct sr_expert_in in = {"历下区消防救援大队", "历下区",
 *         SR_SPECS(SR_SPEC_FIRE), "2026-03-01", "2026-04-01",
 *         "2029-03-31", SR_EXPERT_ACTIVE};
 *     rc = sr_expert_add(st, "zhang.wei", &in);
 * @endcode
 * @return SR_OK; SR_ERR_NOT_FOUND (no such user or district);
 *         SR_ERR_STATE; SR_ERR_CONFLICT; SR_ERR_INPUT; SR_ERR_DB.
 */
sr_error sr_expert_add(struct sr_store *st, const char *login,
                       const struct sr_expert_in *in);

/**
 * @brief Change the profile of user @p login: the fields given, checked
 *        as by sr_expert_add() against the stored ones (an expiry moved
 *        before the stored certification is refused).  No profile is
 *        SR_ERR_NOT_FOUND.  Expert event "expert_updated", chained.
 *        Suspending or retiring needs no inspector grant; making an
 *        expert active again does.
 */
sr_error sr_expert_update(struct sr_store *st, const char *login,
                          const struct sr_expert_in *in);

/** @brief The profile of user @p login; SR_ERR_NOT_FOUND when none. */
sr_error sr_expert_get(struct sr_store *st, const char *login,
                       struct sr_expert *out);

/** Which experts to list; zero/NULL/negative fields mean any. */
struct sr_expert_filter {
    const char *district; /**< a code or a name */
    int speciality;       /**< enum sr_speciality, or -1 */
    int status;           /**< enum sr_expert_status, or -1 */
    int due_days;         /**< due for re-training within this many days
                               of as_of (0: expiring by as_of), or -1 */
    const char *as_of;    /**< "YYYY-MM-DD"; NULL: the store's today */
};

/** @brief Fill @p f with "any" (-1 for the numbers). */
void sr_expert_filter_init(struct sr_expert_filter *f);

/** Called once per expert (valid during the call); non-zero stops. */
typedef int (*sr_expert_fn)(const struct sr_expert *e, void *ctx);

/** @brief The experts matching @p f, by district order, then login. */
sr_error sr_expert_list(struct sr_store *st, const struct sr_expert_filter *f,
                        sr_expert_fn fn, void *ctx);

/** The corps in one district. */
struct sr_expert_district {
    char code[32];
    char *name;
    size_t experts;   /**< profiles in the district, any status */
    size_t certified; /**< certified as of the summary's date */
};

/** The corps against the target as of a date.  Owned by the struct. */
struct sr_expert_summary {
    char as_of[11];
    size_t target;    /**< SR_EXPERT_TARGET */
    size_t experts;   /**< every profile */
    size_t active;    /**< status active */
    size_t certified; /**< certified as of as_of */
    size_t due;       /**< certified but expiring within 90 days */
    struct sr_expert_district *districts; /**< every district, in order */
    size_t n_districts;
    /** Certified experts covering each speciality (an expert counts in
     *  each of theirs). */
    size_t by_speciality[SR_SPEC_COUNT];
};

/** Days ahead that sr_expert_summary() counts as due. */
#define SR_EXPERT_DUE_DAYS 90

/**
 * @brief The corps as of @p as_of ("YYYY-MM-DD"; NULL: the store's
 *        today): counts, every district, every speciality.
 * @param out release with sr_expert_summary_release()
 */
sr_error sr_expert_summary(struct sr_store *st, const char *as_of,
                           struct sr_expert_summary *out);

/** @brief Free what sr_expert_summary() allocated; zeroed is fine. */
void sr_expert_summary_release(struct sr_expert_summary *s);

/** @brief Whether @p e is certified on @p as_of ("YYYY-MM-DD"): the rule
 *         of this header's comment, the one the summary counts. */
bool sr_expert_certified(const struct sr_expert *e, const char *as_of);

/** @brief Whether @p e is due for re-training within @p days of
 *         @p as_of: certified, and the certificate expires on or before
 *         as_of plus days (the summary's "due"). */
bool sr_expert_due(const struct sr_expert *e, const char *as_of, int days);

/* ------------------------------------------------------------------ */
/* Workload and findings                                                */
/* ------------------------------------------------------------------ */

/**
 * An expert's work in a period.  An inspection of the expert is an
 * assessment of kind inspection (assess.h) that the expert's user
 * submitted; it counts in the period when it is dated (assessed_on) in
 * it.  Its findings are the hazards it raised: a finding of a hazard
 * already open, linked to that hazard, is not counted again.  Beside
 * what the expert did, what plans asked of the expert: the schools
 * assigned by published plans overlapping the period, and how many of
 * them the expert has inspected for the plan (assigned vs done).
 */
struct sr_expert_work {
    size_t inspections; /**< inspections dated in the period */
    size_t schools;     /**< distinct schools of those */
    size_t general;     /**< general hazards they raised */
    size_t major;       /**< major hazards they raised */
    char last_on[11];   /**< the expert's latest inspection dated on or
                             before the period's end (in it or earlier);
                             "" when none */
    size_t assigned;    /**< schools assigned to the expert (plan pairs)
                             by the published plans whose period overlaps
                             this one (plans.h) */
    size_t assigned_done; /**< of those, inspected by the expert for the
                               plan (an inspection the expert submitted,
                               linked to the plan, dated by the period's
                               end) */
};

/** Room for sr_expert_rate()'s text. */
#define SR_EXPERT_RATE_MAX 24

/**
 * @brief The findings rate: hazards (general and major) per inspection,
 *        rounded half up to 2 decimals ("1.50", "0.33"); "-" when the
 *        expert made no inspection in the period.
 * @param num receives hazards x 100 / inspections rounded (the number
 *        the text shows, in hundredths); -1 for "-".  May be NULL.
 */
void sr_expert_rate(const struct sr_expert_work *w,
                    char buf[SR_EXPERT_RATE_MAX], int64_t *num);

/** Called once per expert with the expert's work (both valid during the
 *  call); non-zero stops. */
typedef int (*sr_expert_work_fn)(const struct sr_expert *e,
                                 const struct sr_expert_work *w, void *ctx);

/**
 * @brief The experts matching @p f, in the order of sr_expert_list(),
 *        each with the work of the period @p from .. @p to ("YYYY-MM-DD",
 *        both included; report.h's sr_period gives a quarter's).
 * @code
 *     struct sr_period p;
 *     sr_period_parse("2026Q4", &p);
 *     rc = sr_expert_workload(st, &f, p.start, p.end, print_row, NULL);
 * @endcode
 * @return SR_OK; SR_ERR_INPUT (a date that is not one, or from after
 *         to: the message names "from" or "to"); the errors of
 *         sr_expert_list().
 */
sr_error sr_expert_workload(struct sr_store *st,
                            const struct sr_expert_filter *f,
                            const char *from, const char *to,
                            sr_expert_work_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* SR_EXPERTS_H */
