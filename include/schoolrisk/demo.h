/*
 * schoolrisk/demo.h - the demo city: a synthetic year of school safety
 * work in Jinan's sixteen reporting units, built in a fresh database.
 *
 * sr_demo_build() drives only the public calls an inspector and a
 * district office make: the shipped indicator systems are stored with
 * sr_store_load_system_file(), the registry is one CSV handed to
 * sr_registry_import_memory(), every assessment is sr_assess_new(),
 * sr_assess_import() of a responses CSV and sr_assess_submit(), and
 * every hazard is moved with sr_hazard_assign(), sr_hazard_submit(),
 * sr_hazard_verify() and sr_hazard_reject().  Nothing is special-cased:
 * scores, bands, hazards and the audit chain are the library's own.
 *
 * The city (deterministic for a seed, with its own PRNG, so that two
 * builds with the same options give identical databases):
 *  - schools spread over the districts table in proportion to each
 *    unit's size, with realistic names (济南市历城区唐冶小学), 10-digit
 *    codes (2137 + the unit's two digits + a 4-digit number), a mix of
 *    stages (kindergartens most numerous, then primary, junior, a few
 *    senior, nine-year, complete-secondary, twelve-year and vocational
 *    schools, one special school per unit) and attributes plausible per
 *    stage and locale (rural schools board and run buses more often);
 *  - a year of assessments: most schools are assessed in spring, autumn
 *    or both, some not at all; answers are generated from each item's
 *    method and choices, mostly full points, more findings in rural and
 *    private schools, veto hits rare;
 *  - hazards move through every state: most are closed by a reviewer
 *    other than the submitter, some rejected once, some still
 *    rectifying past their deadline at the year's end, some still open.
 *  - supervision on 31 December, once the year is over but for its
 *    last day: every district signs off the third quarter
 *    (signoff.h) and the city accepts all of them but one, which it
 *    returns with SR_DEMO_RETURN_REASON; every district publishes an
 *    inspection plan for the fourth quarter (plans.h: its mandatory
 *    schools and a 10% 双随机 draw, half the certified experts, at most
 *    5 schools an expert, seeds derived from the demo's, one a
 *    district), and the experts make the inspections of
 *    every other assigned school in rank order (the second, the
 *    fourth...) for the plan that day.
 *    Only the fourth quarter's figures (and December's, and the
 *    year's) see those inspections.
 * The store's clock is moved day by day through the year (09:00-17:00
 * China time), so every date is realistic; at the end it is left at
 * 31 December 17:00.
 */
#ifndef SR_DEMO_H
#define SR_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/** Most schools a demo city may have. */
#define SR_DEMO_MAX_SCHOOLS 50000

/** Called with a progress line ("registry: 3000 schools imported");
 *  the text is valid during the call only. */
typedef void (*sr_demo_progress_fn)(const char *line, void *ctx);

/** What to build. */
struct sr_demo_options {
    const char *indicator_dir; /**< the shipped systems (every *.xml) */
    const char *work_dir;      /**< a writable directory for the
                                    inspectors' responses files (one file,
                                    removed at the end) */
    long schools;              /**< 16..SR_DEMO_MAX_SCHOOLS */
    uint64_t seed;
    int year;                  /**< 2000..2999 */
    sr_demo_progress_fn progress; /**< or NULL */
    void *progress_ctx;
};

/** What was built. */
struct sr_demo_stats {
    size_t systems;       /**< indicator systems stored */
    size_t schools;       /**< schools in the registry */
    size_t assessments;   /**< submitted assessments */
    size_t hazards;       /**< hazards raised */
    size_t steps;         /**< hazard transitions made */
    size_t experts;       /**< expert profiles (安全专家库) recorded */
    /* Supervision on 31 December (see sr_demo_build()). */
    uint64_t plan_seed;   /**< the first plan's 双随机 seed (from the
                               demo's); the k-th district's is this + k */
    size_t plans;         /**< published, one per district */
    size_t plan_schools;  /**< schools planned, all plans */
    size_t plan_pairs;    /**< of them, assigned an expert */
    size_t plan_done;     /**< inspections made for the plans */
    size_t signed_off;    /**< districts that signed off the third
                               quarter */
    size_t accepted;      /**< of them, accepted by the city */
    char returned[64];    /**< the one returned (its name), or "" */
};

/** The reason the demo's city gives for returning a sign-off. */
#define SR_DEMO_RETURN_REASON "未评估学校的整改安排未说明，请补充后重新签批"
/** The share of a district's other schools the demo's plans draw, and
 *  the share of the certified experts (permille). */
#define SR_DEMO_PLAN_SCHOOLS 100
#define SR_DEMO_PLAN_EXPERTS 500
/** The most schools a demo plan gives one expert (the plans' cap). */
#define SR_DEMO_PLAN_CAP 5

/** The demo's expert corps: users zj001.. with inspector grants of
 *  their districts, no password (an administrator sets one), and a
 *  profile each. */
#define SR_DEMO_EXPERTS 228

/**
 * @brief Build the demo city in @p st, which must hold no school yet.
 *
 * The actor and the clock of @p st are changed as the year goes on.
 *
 * @code
 * struct sr_demo_options o = {.indicator_dir = "indicators",
 *                             .work_dir = "demo-city", .schools = 300,
 *                             .seed = 1, .year = 2026};
 * struct sr_demo_stats s;
 * if (sr_demo_build(st, &o, &s, &diags) != SR_OK)
 *     ... sr_store_errmsg(st), diags ...
 * @endcode
 * @param stats  receives the counts (zeroed first); may be NULL
 * @param diags  problems with the indicator files or a generated file
 * @return SR_OK; SR_ERR_INPUT (bad options: in @p diags); SR_ERR_STATE
 *         (the database already has schools); SR_ERR_IO (work_dir);
 *         whatever a library call returned (message in the store).
 */
sr_error sr_demo_build(struct sr_store *st, const struct sr_demo_options *o,
                       struct sr_demo_stats *stats, struct sr_diags *diags);

/** One district's figures as of a day. */
struct sr_demo_district {
    char *code;
    char *name;
    size_t schools;        /**< open schools */
    size_t assessed;       /**< with a valid assessment (baseline rule) */
    size_t compliant;      /**< whose valid assessment is 达标 */
    size_t hazards[SR_HAZARD_STATUS_COUNT]; /**< by status now */
    size_t overdue;        /**< not closed, deadline before the day */
    size_t baseline_met[SR_BASELINE_COUNT]; /**< schools meeting each */
    size_t all_four;       /**< schools meeting all four */
    bool reaches;          /**< the district reaches four 100% */
};

/** The city's figures: one row per district, in the bureau's order. */
struct sr_demo_summary {
    char as_of[11];
    struct sr_demo_district *d;
    size_t n;
    struct sr_demo_district total; /**< code "", name "全市" */
};

/**
 * @brief Sum up the city as of @p as_of ("YYYY-MM-DD"; NULL: the store's
 *        today) from public reads: the registry, the assessments, the
 *        hazard ledger and sr_baseline_compute().
 * @param out caller releases with sr_demo_summary_release(), also after
 *            an error.
 */
sr_error sr_demo_summarize(struct sr_store *st, const char *as_of,
                           struct sr_demo_summary *out);

/** @brief Free a summary; a zeroed one is fine. */
void sr_demo_summary_release(struct sr_demo_summary *s);

/** One of the demo's sign-in accounts. */
struct sr_demo_user {
    char login[16];
    char name[64];
    int role;            /**< enum sr_role (auth.h) */
    char scope[160];     /**< what the grant covers, in words */
    char password[17];   /**< random, shown once */
};

/** The demo makes one account per role. */
#define SR_DEMO_USERS 5

/**
 * @brief Create the demo's accounts, one per role: admin (系统管理员),
 *        shiju (市局), lixia (历下区), xuexiao (the first open school of
 *        历下区), jiancha (an inspector granted 历下区), each with a new
 *        random password that need not be changed (a demo); admin and
 *        shiju enrol their second factor at the first sign-in.
 * @return SR_OK, SR_ERR_STATE (no school in 历下区: build the city
 *         first), SR_ERR_CONFLICT (the accounts exist), or the error of
 *         the auth module (message in the store).
 */
struct sr_auth_policy;
sr_error sr_demo_users(struct sr_store *st, const struct sr_auth_policy *p,
                       struct sr_demo_user out[SR_DEMO_USERS]);

#ifdef __cplusplus
}
#endif
#endif /* SR_DEMO_H */
