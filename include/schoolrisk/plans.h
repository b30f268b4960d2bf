/*
 * schoolrisk/plans.h - inspection plans (检查计划) with 双随机 spot
 * checks: which schools of a district (or the city) are inspected in a
 * period, in which order of risk, and by which expert.
 *
 * A plan is made in four steps, every one a rule a reader can check by
 * hand (docs/design.md "Inspection plans"):
 *
 * 1. Mandatory schools: the open schools of the scope whose latest
 *    submitted inspection (never a self-inspection) is missing, or
 *    stops being valid on or before the period's last day (expires_on,
 *    its last valid day + 1, tasks.h, is not after the period's end).
 * 2. 双随机: the generator is SplitMix64 seeded with the plan's 64-bit
 *    seed.  The other open schools of the scope, sorted by code, are
 *    shuffled by Fisher-Yates (for i from n-1 down to 1: j = next() %
 *    (i+1), swap a[i] and a[j]) and the first round(share * n) are
 *    drawn.  The same generator then shuffles the experts certified on
 *    the period's first day (experts.h), sorted by login; the drawn
 *    experts are the first e of that order, e the larger of
 *    round(share * m) (at least 1 when the plan has a school) and, for
 *    every speciality a planned school needs that some certified expert
 *    covers, the place of the first one covering it.  Shares are in
 *    permille; round() is half up.
 * 3. Risk order of the planned schools, highest first, by the key
 *    (vetoed, band, overdue major hazards, open major hazards,
 *    boarders, special-needs students, kindergarten, enrollment, days
 *    since the last inspection), each larger first, ties by code; see
 *    struct sr_plan_factors.  Every factor is stored with the plan.
 * 4. Assignment, in risk order: each school gets, among the drawn
 *    experts it may have (回避: never one whose work unit is the school's
 *    code or name; with avoid_district never one of its district; with
 *    a cap never one who already has cap schools in the period), one
 *    covering the most of the school's needs (sr_plan_needs()), of those
 *    the least loaded, ties by login.  An expert's load is prior + load
 *    (struct sr_plan_expert): the schools the published plans of an
 *    overlapping period (any scope) had given the expert when this plan
 *    was made, plus those this plan gave so far; so the workload is
 *    balanced across the plans of a period, and the cap is the most
 *    schools per expert in the period.  Drafts do not count, nor plans
 *    published after this one was made (re-create the draft to count
 *    them).  A school none may have is unassigned, with the reason.
 *    Each pair says why it was made.
 *
 * A plan is a draft until published; a published plan never changes
 * (the schema's triggers hold it) and is chained in the audit chain
 * (record kind "plan": the plan, its schools with their factors and
 * ranks, its drawn experts and its pairs), so `audit verify` finds a
 * plan edited by hand.  An inspection can be made for a published plan
 * that lists its school (assess.h, sr_assess_new.plan).
 *
 * The draw, the order and the assignment are pure (src/plans.c:
 * sr_plan_build()); the SQL is in src/store/plans.c.
 */
#ifndef SR_PLANS_H
#define SR_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct sr_scope;

/** Why a school is in a plan.  Append only. */
enum sr_plan_reason {
    SR_PLAN_MANDATORY, /**< 必查: no valid inspection by the period's end */
    SR_PLAN_DRAWN,     /**< 抽查: drawn at random */
    SR_PLAN_REASON_COUNT
};

/** @brief "mandatory", "drawn"; NULL when out of range. */
const char *sr_plan_reason_name(int reason);
/** @brief "必查", "抽查"; NULL when out of range. */
const char *sr_plan_reason_label(int reason);

/** A plan's state.  Append only. */
enum sr_plan_state {
    SR_PLAN_DRAFT,     /**< 草稿 */
    SR_PLAN_PUBLISHED, /**< 已发布: immutable, chained */
    SR_PLAN_STATE_COUNT
};

/** @brief "draft", "published"; NULL when out of range. */
const char *sr_plan_state_name(int state);
/** @brief "草稿", "已发布"; NULL when out of range. */
const char *sr_plan_state_label(int state);

/** The band rank of a school never inspected: worse than red. */
#define SR_PLAN_BAND_NEVER 4

/** A school's risk factors, as of the day the plan is made.  Compared
 *  in this order, each larger first (sr_plan_risk_cmp()). */
struct sr_plan_factors {
    bool vetoed;           /**< the last inspection was vetoed (否决) */
    int band;              /**< the last inspection's band by colour:
                                0 blue 低, 1 yellow, 2 orange, 3 red;
                                SR_PLAN_BAND_NEVER without one */
    int64_t overdue_major; /**< major hazards not closed, deadline before
                                the day (hazards.h "overdue") */
    int64_t open_major;    /**< major hazards not closed */
    int64_t boarders;
    int64_t special_needs;
    bool kindergarten;     /**< stage kindergarten */
    int64_t enrollment;
    int64_t days_since;    /**< days since the last inspection; -1 for
                                never, which counts as infinite */
};

/** Specialities a school needs, as an SR_SPECS() mask (experts.h):
 *  laboratory -> lab_chemicals, swimming_pool -> swimming, canteen or
 *  meal_delivery -> food, school_bus -> school_bus, stage special ->
 *  special_education.  0: any expert will do. */
unsigned sr_plan_needs(const struct sr_school *s);

/** One school of a plan.  Strings are owned. */
struct sr_plan_school {
    char code[11];
    char *name;
    char *district;        /**< code */
    char *district_name;
    int stage;             /**< enum sr_stage */
    unsigned needs;        /**< sr_plan_needs() */
    int reason;            /**< enum sr_plan_reason */
    size_t rank;           /**< 1 = highest risk */
    struct sr_plan_factors f;
    char *band_label;      /**< 低风险..., NULL without an inspection */
    int64_t last;          /**< the last inspection's id, 0: none */
    char last_on[11];      /**< its date, "" */
    char expires_on[11];   /**< its last valid day + 1, "" */
    /* The pair: expert 0 when unassigned (why says why). */
    int64_t expert;        /**< user id */
    char *expert_login;
    unsigned covered;      /**< needs the expert covers */
    unsigned missing;      /**< needs left uncovered */
    int load_before;       /**< the expert's schools before this one:
                                prior + this plan's so far */
    char *why;             /**< 中文: why this pair, or why none */
};

/** A drawn expert of a plan, as the profile stood then. */
struct sr_plan_expert {
    int64_t user;
    char *login;
    char *name;
    char *unit;
    char *district;        /**< code */
    unsigned specialities;
    size_t position;       /**< 1-based, in the shuffled order */
    int prior;             /**< schools assigned by the other published
                                plans whose period overlaps this one's,
                                when this plan was made (plans.h, 4) */
    int load;              /**< schools assigned by this plan */
};

/** A plan.  Everything is owned (sr_plan_release()). */
struct sr_plan {
    int64_t id;            /**< 0 before it is stored */
    char *district;        /**< scope: a district code, NULL: the city */
    char *district_name;
    char period[16];       /**< "2026Q4" (sr_period_parse()) */
    char start[11], end[11];
    char as_of[11];        /**< the day the factors were read */
    uint64_t seed;
    int school_share;      /**< permille */
    int expert_share;      /**< permille */
    bool avoid_district;
    int cap;               /**< most schools per expert in the period
                                (prior + load), 0: no cap */
    int state;             /**< enum sr_plan_state */
    char *author;
    char *created_at;
    char *published_at;    /**< NULL for a draft */
    size_t pool_schools;   /**< the scope's schools not mandatory */
    size_t pool_experts;   /**< experts certified on the first day */
    size_t n_mandatory, n_drawn, n_unassigned;
    struct sr_plan_school *schools; /**< rank order */
    size_t n_schools;
    struct sr_plan_expert *experts; /**< draw order */
    size_t n_experts;
};

/** @brief Free what @p p owns; a zeroed plan is fine. */
void sr_plan_release(struct sr_plan *p);

/* --------------------------------------------------------------------
 * The pure steps (src/plans.c)
 * ------------------------------------------------------------------ */

/** @brief SplitMix64: advance @p state and return the next number. */
uint64_t sr_splitmix64(uint64_t *state);

/** @brief Shuffle @p v (n entries) by Fisher-Yates as in the file
 *         comment, drawing from @p state. */
void sr_plan_shuffle(size_t *v, size_t n, uint64_t *state);

/** @brief round(permille * n / 1000), half up. */
size_t sr_plan_share(int permille, size_t n);

/** @brief Compare two planned schools by risk: negative when @p a
 *         ranks before (is riskier than) @p b. */
int sr_plan_risk_cmp(const struct sr_plan_school *a,
                     const struct sr_plan_school *b);

/**
 * @brief Make a plan from its candidates: steps 2 to 4 of the file
 *        comment.
 *
 * @param p       seed, shares, avoid_district and cap set; the rest is
 *                filled in (schools, experts and the counts)
 * @param cand    every open school of the scope, sorted by code, with
 *                reason SR_PLAN_MANDATORY or SR_PLAN_DRAWN (a candidate
 *                for the draw), factors and needs
 * @param experts the certified experts, sorted by login, each with its
 *                prior (the load is set to 0)
 *
 * Whatever the result, the strings of the entries of @p cand and
 * @p experts are taken: moved into the plan or freed, the entries
 * zeroed.  The caller frees the two arrays themselves, and the plan
 * with sr_plan_release().
 * @return SR_OK or SR_ERR_NOMEM.
 */
sr_error sr_plan_build(struct sr_plan *p, struct sr_plan_school *cand,
                       size_t n_cand, struct sr_plan_expert *experts,
                       size_t n_experts);

/* --------------------------------------------------------------------
 * Stored plans (src/store/plans.c)
 * ------------------------------------------------------------------ */

/** What sr_plan_create() makes. */
struct sr_plan_in {
    const char *district;  /**< code or name; NULL: the city */
    const char *period;    /**< as sr_period_parse() reads it */
    int school_share;      /**< permille, 0..1000 */
    int expert_share;      /**< permille, 1..1000 */
    bool has_seed;         /**< else from libsodium randombytes */
    uint64_t seed;
    bool avoid_district;
    int cap;               /**< 0: none */
};

/**
 * @brief Make and store a draft plan.
 *
 * @code
 *     struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
 *                             .school_share = 100, .expert_share = 500};
 *     struct sr_plan p;
 *     int64_t id;
 *     if (sr_plan_create(st, &in, NULL, &id) == SR_OK &&
 *         sr_plan_get(st, id, NULL, &p) == SR_OK) {
 *         printf("seed %" PRIu64 ": %zu schools\n", p.seed, p.n_schools);
 *         sr_plan_release(&p);
 *     }
 * @endcode
 *
 * @param scope who asks (auth.h): a district plan needs the district in
 *              it, a city plan needs the whole city; NULL: no check
 *              (the CLI)
 * @param id    receives the plan's id
 * @return SR_OK; SR_ERR_INPUT (bad period or share, the period already
 *         over); SR_ERR_NOT_FOUND (no such district, or outside the
 *         scope); SR_ERR_DB; SR_ERR_NOMEM.  Message in the store.
 */
sr_error sr_plan_create(struct sr_store *st, const struct sr_plan_in *in,
                        const struct sr_scope *scope, int64_t *id);

/** @brief Read plan @p id with its schools and experts; the scope as in
 *         sr_plan_create() (a city plan is visible to the city only).
 *  @return SR_OK, SR_ERR_NOT_FOUND (also outside the scope), SR_ERR_DB. */
sr_error sr_plan_get(struct sr_store *st, int64_t id,
                     const struct sr_scope *scope, struct sr_plan *out);

/**
 * @brief Publish draft @p id: it is immutable from then on and chained
 *        (audit record "plan").
 * @return SR_OK; SR_ERR_NOT_FOUND (also outside the scope);
 *         SR_ERR_STATE (already published); SR_ERR_DB.
 */
sr_error sr_plan_publish(struct sr_store *st, int64_t id,
                         const struct sr_scope *scope);

/** Called once per plan (its schools and experts not loaded, valid
 *  during the call); non-zero stops. */
typedef int (*sr_plan_fn)(const struct sr_plan *p, void *ctx);

/** @brief The plans in @p scope (NULL: all), newest first. */
sr_error sr_plan_list(struct sr_store *st, const struct sr_scope *scope,
                      sr_plan_fn fn, void *ctx);

/** The progress of one planned school. */
enum sr_plan_progress_status {
    SR_PLAN_DONE,    /**< 已完成: a submitted inspection linked to the plan
                          or made in the period */
    SR_PLAN_DUE,     /**< 待检查: not done, the period not over */
    SR_PLAN_OVERDUE, /**< 逾期: not done after the period's end */
    SR_PLAN_PROGRESS_COUNT
};

/** @brief "done", "due", "overdue"; NULL. */
const char *sr_plan_progress_name(int status);
/** @brief "已完成", "待检查", "逾期"; NULL. */
const char *sr_plan_progress_label(int status);

struct sr_plan_progress_row {
    char code[11];
    char *name;
    char *expert_login;    /**< NULL: unassigned */
    int status;            /**< enum sr_plan_progress_status */
    int64_t assessment;    /**< the inspection that did it, 0 */
    char assessed_on[11];  /**< its date, "" */
    bool linked;           /**< it was made for this plan */
    char district[32];     /**< the school's district (code) */
};

struct sr_plan_progress {
    int64_t plan;
    char today[11];
    size_t counts[SR_PLAN_PROGRESS_COUNT];
    struct sr_plan_progress_row *v;  /**< rank order */
    size_t n;
};

/** @brief The progress of plan @p id on the store's today.
 *  @param out release with sr_plan_progress_release(), also after an
 *             error. */
sr_error sr_plan_progress(struct sr_store *st, int64_t id,
                          const struct sr_scope *scope,
                          struct sr_plan_progress *out);

/**
 * @brief The progress of plan @p id as it stood once day @p as_of
 *        ("YYYY-MM-DD") was over: only inspections dated on or before
 *        @p as_of count as done, and a school not done is overdue when
 *        the plan's period ended on or before @p as_of (its last day
 *        over without the inspection; sr_plan_progress(), during the
 *        day, still says due on the last day).  The bulletins use it
 *        with the end of their period.
 * @code
 * rc = sr_plan_progress_as_of(st, id, NULL, "2026-10-31", &pr);
 * printf("%zu done\n", pr.counts[SR_PLAN_DONE]);
 * sr_plan_progress_release(&pr);
 * @endcode
 * @return as sr_plan_progress(); SR_ERR_INPUT for a bad date.
 */
sr_error sr_plan_progress_as_of(struct sr_store *st, int64_t id,
                                const struct sr_scope *scope,
                                const char *as_of,
                                struct sr_plan_progress *out);

/** @brief Free a progress; zeroed is fine. */
void sr_plan_progress_release(struct sr_plan_progress *p);

/** @brief The header of plan @p id alone: as sr_plan_get() with the
 *         counts set but its schools and experts not read (NULL, 0).
 *         For a check or a label that needs the plan's scope, state or
 *         period only. */
sr_error sr_plan_head(struct sr_store *st, int64_t id,
                      const struct sr_scope *scope, struct sr_plan *out);

/* --------------------------------------------------------------------
 * An expert's assignments (the inspector's 我的任务)
 * ------------------------------------------------------------------ */

/** A school a published plan assigns to an expert, with the plan's
 *  progress on it (the rules of sr_plan_progress()).  Valid during the
 *  callback only. */
struct sr_plan_assignment {
    int64_t plan;
    const char *plan_district;      /**< code; NULL: a city-wide plan */
    const char *plan_district_name;
    const char *period;             /**< "2026Q4" */
    const char *start, *end;        /**< the period's days */
    const char *school;             /**< code */
    const char *school_name;
    const char *district;           /**< the school's district code */
    const char *district_name;
    size_t rank;                    /**< in the plan's risk order */
    int reason;                     /**< enum sr_plan_reason */
    const char *why;                /**< 中文: why this pair */
    int status;                     /**< enum sr_plan_progress_status */
    int64_t assessment;             /**< the inspection that did it, 0 */
    const char *assessed_on;        /**< its date, "" */
    bool linked;                    /**< made for this plan */
    int64_t draft;                  /**< the expert's open draft made for
                                         this plan, 0 */
};

typedef int (*sr_plan_assignment_fn)(const struct sr_plan_assignment *a,
                                     void *ctx);

/**
 * @brief The schools published plans assign to expert @p user: every
 *        one not done, and the done ones of plans whose period is not
 *        over; those not done first, then by the period's end, the
 *        plan and the risk order.  @p fn's non-zero stops.
 * @return SR_OK, SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_plan_assignments(struct sr_store *st, int64_t user,
                             sr_plan_assignment_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* SR_PLANS_H */
