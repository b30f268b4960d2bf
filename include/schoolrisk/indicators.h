/*
 * schoolrisk/indicators.h - indicator systems: the model and its loader.
 *
 * An indicator system (指标体系) is one XML file (docs/indicator-format.md):
 * system -> dimension (一级指标) -> indicator (二级指标) -> item
 * (观测点/检查项).  Items carry the points and the scoring method.
 *
 * The loader parses with libxml2 with network access, entity expansion
 * and DTD loading off, refuses DOCTYPE declarations outright, validates
 * against the schema compiled into the library, then runs the semantic
 * checks a schema cannot express.  Every problem in the file is reported
 * to the caller's diagnostics list with file, line and offending id.
 *
 * A loaded system is immutable and laid out for scoring: flat arrays of
 * dimensions, indicators and items in document order, each node knowing
 * its children's index range, with no string lookups left for scoring.
 *
 * @code
 * struct sr_diags d;
 * struct sr_system *sys = NULL;
 * sr_diags_init(&d);
 * if (sr_system_load_file("indicators/primary.xml", &sys, &d) != SR_OK)
 *     ... show d.v[0..d.n-1] ...
 * sr_system_free(sys);
 * sr_diags_release(&d);
 * @endcode
 */
#ifndef SR_INDICATORS_H
#define SR_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest indicator file accepted, in bytes. */
#define SR_SYSTEM_MAX_BYTES (8u << 20)

/** Most deduction reasons of one deduct item (the schema's limit). */
#define SR_REASONS_MAX 16

/** Scoring methods. */
enum sr_method {
    SR_METHOD_CHECK,     /**< pass -> full points, fail -> 0 */
    SR_METHOD_LEVELS,    /**< one of the declared levels, each a fraction */
    SR_METHOD_THRESHOLD, /**< a measured number against ordered steps */
    SR_METHOD_DEDUCT,    /**< a count of findings, each deducting points */
    SR_METHOD_RATIO,     /**< actual / required, capped at 1 */
    SR_METHOD_GROUP,     /**< format 2: a <group>, scored from the
                              answers to its sub-items (struct sr_item) */
    SR_METHOD_COUNT
};

/** Hazard levels (隐患等级). */
enum sr_hazard {
    SR_HAZARD_GENERAL, /**< general 一般隐患 */
    SR_HAZARD_MAJOR,   /**< major 重大隐患 */
    SR_HAZARD_NONE     /**< none 无隐患: format 2, an answer that loses
                            points but is no hazard (a level's hazard),
                            or an outcome item's (全年未发生……案件) */
};

/** How a group (format 2) turns its failed sub-items into points. */
enum sr_group_rule {
    SR_GROUP_FAILED, /**< rule="failed": points by the number failed */
    SR_GROUP_DEDUCT  /**< rule="deduct": per points off each one failed */
};

/** The four elements of the campus-security baseline (四个100%). */
enum sr_baseline {
    SR_BASELINE_GUARDS,           /**< 专职保安员配备 */
    SR_BASELINE_CLOSED_CAMPUS,    /**< 封闭化管理 */
    SR_BASELINE_ALARM_VIDEO,      /**< 一键式报警和视频监控与公安联网 */
    SR_BASELINE_PROTECTION_POSTS, /**< 护学岗 */
    SR_BASELINE_COUNT
};

/** Condition operators.  SR_OP_ANY, SR_OP_ALL and SR_OP_NOT (format 2)
 *  join the conditions that follow them (see struct sr_cond). */
enum sr_op {
    SR_OP_EQ, SR_OP_NE, SR_OP_IN, SR_OP_GE, SR_OP_GT, SR_OP_LE, SR_OP_LT,
    SR_OP_ANY, /**< <any>: at least one of its conditions holds */
    SR_OP_ALL, /**< <all>: every one of its conditions holds */
    SR_OP_NOT  /**< <not>: its one condition does not hold */
};

/**
 * An applicability condition.  A list of conditions is an AND of terms
 * written in prefix order: a term is one comparison, or an SR_OP_ANY,
 * SR_OP_ALL or SR_OP_NOT head followed by the terms it joins, its value
 * counting those entries, so that a term is always one contiguous run
 * and lists can be copied (inherited) as they are.
 */
struct sr_cond {
    int attr;      /**< enum sr_attr; -1 for a joining head */
    int op;        /**< enum sr_op */
    int64_t value; /**< compared value; for SR_OP_IN a bit mask; for a
                        joining head the number of entries it spans */
};

/** A declared level of a `levels` item. */
struct sr_level {
    const char *value; /**< the answer text, e.g. "基本符合" */
    int32_t fraction;  /**< ten-thousandths, 0..10000; for a level given in
                            points, points / item points rounded half
                            away from zero (for display and ordering) */
    int64_t points;    /**< format 2: the level's points in hundredths,
                            earned exactly; -1 when it gives a fraction */
    int hazard;        /**< format 2: enum sr_hazard this answer implies
                            (none, general, major); -1: the item's */
};

/** A deduction reason of a `deduct` item (format 2): each finding of
 *  this kind deducts `per`. */
struct sr_reason {
    const char *value; /**< the reason as answers name it, e.g. "灭火器过期" */
    const char *unit;  /**< unit of its findings, or NULL */
    int64_t per;       /**< hundredths deducted per finding, > 0 */
};

/** A step of a group with rule="failed": from `failed` failed
 *  sub-items on (up to the next step), the group earns `points`. */
struct sr_group_step {
    int64_t failed; /**< number of failed sub-items, >= 1 */
    int64_t points; /**< hundredths */
};

/** A step of a `threshold` item. */
struct sr_step {
    int64_t at;       /**< ten-thousandths */
    int32_t fraction; /**< ten-thousandths */
};

/** A step of a derived requirement of a `ratio` item. */
struct sr_req_step {
    int64_t from;  /**< attribute value where the step starts (a count) */
    int64_t value; /**< required amount, ten-thousandths */
    int64_t every; /**< last step only: increment period, 0 = none */
    int64_t add;   /**< last step only: increment, ten-thousandths */
};

/** An item (观测点/检查项).  Strings live as long as the system. */
struct sr_item {
    const char *id;
    const char *title;
    const char *guidance; /**< NULL when not given */
    const char *basis;    /**< NULL when not given */
    const char *unit;     /**< threshold/deduct/ratio unit, or NULL */
    long line;            /**< line of the <item> element */
    int64_t points;       /**< hundredths, > 0; 0 only for a format-2
                               veto prerequisite (前置条件) */
    int method;           /**< enum sr_method */
    int hazard;           /**< enum sr_hazard; SR_HAZARD_NONE for an
                               outcome item (format 2, hazard="none") */
    int baseline;         /**< enum sr_baseline, or -1 */
    bool veto;
    bool allow_na;
    bool lower_better;    /**< threshold: lower values are better */
    int req_attr;         /**< ratio, and (format 2) deduct by
                               shortfall: attribute of the derived
                               requirement, or -1 (opt_off, opt_n index
                               sr_system_req_steps() when >= 0) */
    int64_t per;          /**< deduct: hundredths per finding (by
                               shortfall: per one short); 0 when the
                               item lists reasons (opt_off, opt_n index
                               sr_system_reasons()); group with rule
                               deduct: hundredths per failed sub-item */
    int rule;             /**< group: enum sr_group_rule; opt_off,
                               opt_n index sr_system_group_steps() */
    uint32_t members;     /**< group: its sub-items are the items that
                               follow it, [index + 1, index + members] */
    int32_t group;        /**< sub-item: index of its group; else -1.
                               A sub-item is a check worth 0 points */
    bool zeroes;          /**< sub-item: failed, its group earns 0 */
    bool bonus;           /**< format 2: bonus points (附加分): adds to
                               the earned points, not to the maximum */
    bool evaluator;       /**< format 2: scored by the evaluator
                               (scored-by="evaluator"), not on site */
    uint32_t dim;         /**< index of its dimension */
    uint32_t ind;         /**< index of its indicator */
    uint32_t cond_off;    /**< conditions (inherited ones first) */
    uint32_t cond_n;
    uint32_t opt_off;     /**< levels, steps, requirement steps or
                               deduction reasons */
    uint32_t opt_n;
};

/** An indicator (二级指标). */
struct sr_indicator {
    const char *id;
    const char *title;
    long line;
    uint32_t dim;        /**< index of its dimension */
    uint32_t item_first; /**< its items are [item_first, +item_n) */
    uint32_t item_n;
};

/** A dimension (一级指标). */
struct sr_dimension {
    const char *id;
    const char *title;
    long line;
    uint32_t ind_first; /**< its indicators are [ind_first, +ind_n) */
    uint32_t ind_n;
    uint32_t item_first; /**< its items are [item_first, +item_n) */
    uint32_t item_n;
};

/** Band colours, the Chinese four-colour convention. */
enum sr_colour { SR_BLUE, SR_YELLOW, SR_ORANGE, SR_RED };

/** A risk band: totals >= min fall in it (bands are best first). */
struct sr_band {
    const char *id;
    const char *label; /**< e.g. "低风险" */
    int colour;        /**< enum sr_colour */
    int64_t min;       /**< hundredths of a point of the 0..100 total */
};

/** An indicator system (opaque). */
struct sr_system;

/**
 * @brief Load and check one indicator file.
 *
 * @param path  file to read (at most SR_SYSTEM_MAX_BYTES)
 * @param out   receives the new system on SR_OK; caller frees with
 *              sr_system_free().  Untouched on error.
 * @param diags every problem found is appended here
 * @return SR_OK; SR_ERR_INPUT when the file is invalid; SR_ERR_IO when
 *         it cannot be read; SR_ERR_TOO_LARGE; SR_ERR_NOMEM.
 */
sr_error sr_system_load_file(const char *path, struct sr_system **out,
                             struct sr_diags *diags);

/**
 * @brief Load and check an indicator system held in memory.
 *
 * As sr_system_load_file(); @p name is used in diagnostics.
 */
sr_error sr_system_load_memory(const char *name, const char *buf,
                               size_t len, struct sr_system **out,
                               struct sr_diags *diags);

/**
 * @brief Release a system: it is freed when its last owner releases it
 *        (see sr_system_ref()).  NULL is a no-op.
 */
void sr_system_free(struct sr_system *sys);

/**
 * @brief Take another reference to an immutable system, released with
 *        sr_system_free().  Not thread-safe: share a system between
 *        threads only with a lock or with one owner per thread.
 * @return @p sys, as a pointer the new owner may free.
 */
struct sr_system *sr_system_ref(const struct sr_system *sys);

/** @name Accessors.  Returned pointers live as long as the system. */
/**@{*/
const char *sr_system_id(const struct sr_system *sys);
const char *sr_system_version(const struct sr_system *sys);
/** The file's format version: 1, or 2 when <system format="2">. */
int sr_system_format(const struct sr_system *sys);
const char *sr_system_title(const struct sr_system *sys);
const char *sr_system_description(const struct sr_system *sys);
/** The system's legal and standard basis (依据), or NULL. */
const char *sr_system_basis(const struct sr_system *sys);
/** File the system was loaded from (or the name given for memory). */
const char *sr_system_source(const struct sr_system *sys);
/** Bit (1 << stage) per stage the system covers. */
uint32_t sr_system_stages(const struct sr_system *sys);
/** The paper table's total (total="96" on <system>), hundredths; 0
 *  when not declared.  The total is normalised to 100 all the same. */
int64_t sr_system_total(const struct sr_system *sys);
/** Most bonus points (附加分) counted (bonus-cap), hundredths; 0 when
 *  the system has no bonus item. */
int64_t sr_system_bonus_cap(const struct sr_system *sys);
/** Whether the system declares that it does not evidence baseline
 *  element @p element (enum sr_baseline; format 2, baseline-unassessed
 *  on <system>): its schools are 未评估 on it (baseline.h). */
bool sr_system_baseline_unassessed(const struct sr_system *sys,
                                   int element);
/** Pass line (达标线), hundredths. */
int64_t sr_system_pass_line(const struct sr_system *sys);
int sr_system_valid_months(const struct sr_system *sys);
const struct sr_band *sr_system_bands(const struct sr_system *sys,
                                      size_t *n);
const struct sr_dimension *sr_system_dimensions(const struct sr_system *sys,
                                                size_t *n);
const struct sr_indicator *sr_system_indicators(const struct sr_system *sys,
                                                size_t *n);
const struct sr_item *sr_system_items(const struct sr_system *sys,
                                      size_t *n);
const struct sr_cond *sr_system_conds(const struct sr_system *sys);
const struct sr_level *sr_system_levels(const struct sr_system *sys);
const struct sr_step *sr_system_steps(const struct sr_system *sys);
const struct sr_req_step *sr_system_req_steps(const struct sr_system *sys);
const struct sr_reason *sr_system_reasons(const struct sr_system *sys);
const struct sr_group_step *
sr_system_group_steps(const struct sr_system *sys);
/**@}*/

/**
 * @brief Index of the item with id @p id, or -1.  A binary search over
 *        a sorted index, for parsers; scoring never looks ids up.
 */
long sr_system_find_item(const struct sr_system *sys, const char *id);

/** @brief True when every condition of @p it holds for @p school. */
bool sr_item_applies(const struct sr_system *sys, const struct sr_item *it,
                     const struct sr_school *school);

/**
 * @brief Index of the first condition term of @p it that does not hold
 *        for @p school, or -1 when all hold (for explaining "not
 *        applicable": sr_conds_format(sys, index, 1) names the term).
 */
long sr_item_failing_cond(const struct sr_system *sys,
                          const struct sr_item *it,
                          const struct sr_school *school);

/**
 * @brief The derived requirement of a ratio item, or (format 2) of a
 *        deduct item by shortfall, for @p school, in ten-thousandths;
 *        0 when the item's requirement is entered or it has none.
 */
int64_t sr_item_required(const struct sr_system *sys,
                         const struct sr_item *it,
                         const struct sr_school *school);

/** @brief True when @p it is a deduct item with deduction reasons
 *         (format 2): its opt_off, opt_n index sr_system_reasons(). */
static inline bool
sr_item_has_reasons(const struct sr_item *it)
{
    return it->method == SR_METHOD_DEDUCT && it->opt_n && it->req_attr < 0;
}

/** @brief True when @p it is a deduct item by shortfall against a
 *         derived requirement (format 2). */
static inline bool
sr_item_by_shortfall(const struct sr_item *it)
{
    return it->method == SR_METHOD_DEDUCT && it->req_attr >= 0;
}

/**
 * @brief Describe what an answer to @p it may be and what it is worth,
 *        e.g. "符合:1|基本符合:0.6|不符合:0" (docs/cli.md lists the forms).
 * @return a new string the caller frees with free(), or NULL (no memory).
 */
char *sr_item_choices(const struct sr_system *sys, const struct sr_item *it);

/**
 * @brief Format the condition terms starting in [off, off+n) as
 *        "boarding=true;enrollment>=1000" ("" when n is 0); a term that
 *        joins others reads "(enrollment>=1000 or boarding=true)",
 *        "(a and b)" or "not canteen=true", whole even where it reaches
 *        past off+n.
 * @return a new string the caller frees with free(), or NULL (no memory).
 */
char *sr_conds_format(const struct sr_system *sys, uint32_t off, uint32_t n);

/** @brief Canonical names: "check", "major", "guards", "ge"... or NULL. */
const char *sr_method_name(int method);
const char *sr_hazard_name(int hazard);
/** "一般隐患" / "重大隐患" / "无隐患" */
const char *sr_hazard_label(int hazard);
const char *sr_baseline_name(int element);
const char *sr_baseline_label(int element);
/** @brief The baseline element named @p name ("guards"), or -1. */
int sr_baseline_lookup(const char *name);
const char *sr_colour_name(int colour);
/** @brief The colour as the bureau names a risk level: "蓝色", "黄色",
 *         "橙色", "红色"; NULL when unknown. */
const char *sr_colour_label(int colour);

/* --------------------------------------------------------------------
 * Catalogs: the systems of a directory.
 * ------------------------------------------------------------------ */

/** A set of systems loaded from a directory (opaque). */
struct sr_catalog;

/**
 * @brief Load every "*.xml" file directly inside @p dir (in name order)
 *        and check the set: system ids unique, and every stage covered
 *        by exactly one system.
 *
 * Every problem of every file is reported to @p diags.  On SR_OK,
 * @p out receives the catalog (free with sr_catalog_free()); on any
 * error it is untouched.
 * @return SR_OK, SR_ERR_INPUT (a file is invalid or the set is
 *         inconsistent), SR_ERR_IO (the directory cannot be read),
 *         SR_ERR_NOMEM.
 */
sr_error sr_catalog_load_dir(const char *dir, struct sr_catalog **out,
                             struct sr_diags *diags);

/** @brief Free a catalog and its systems; NULL is a no-op. */
void sr_catalog_free(struct sr_catalog *cat);

/** @brief Number of systems in the catalog. */
size_t sr_catalog_count(const struct sr_catalog *cat);

/** @brief System @p i (name order of the files). */
const struct sr_system *sr_catalog_get(const struct sr_catalog *cat,
                                       size_t i);

/** @brief The system with id @p id, or NULL. */
const struct sr_system *sr_catalog_find(const struct sr_catalog *cat,
                                        const char *id);

/** @brief The system covering @p stage, or NULL. */
const struct sr_system *sr_catalog_for_stage(const struct sr_catalog *cat,
                                             int stage);

#ifdef __cplusplus
}
#endif
#endif /* SR_INDICATORS_H */
