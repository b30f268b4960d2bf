/*
 * schoolrisk/assess.h - assessments: a draft an inspector fills in,
 * then submits.
 *
 * A draft is created against the current indicator system for the
 * school's stage (the stored system loaded last that covers it) and
 * keeps that (id, version) for life.  Answers are set one at a time or
 * imported from a responses CSV; every answer is checked against the
 * system and the school like `schoolrisk score` checks them.
 *
 * Submitting is one transaction (docs/design.md, scoring rules 6 and 7):
 * every applicable item must be answered (else the submission is
 * refused, listing what is missing); the engine scores it; the total,
 * band, 达标, veto, the score of every node and the baseline evidence
 * are stored; every applicable item below full points raises a hazard,
 * or is linked to the hazard already open for the same school and item;
 * the assessment joins the audit hash chain.  A submitted assessment is
 * immutable: a correction is a new assessment.
 */
#ifndef SR_ASSESS_H
#define SR_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct sr_scope;

/** Who made an assessment.  Order is part of the ABI: append only. */
enum sr_assess_kind {
    SR_ASSESS_INSPECTION, /**< an inspection (督导检查): counts for the
                               school's compliance, baseline and reports */
    SR_ASSESS_SELF,       /**< the school's self-inspection (自查): raises
                               hazards, counts for nothing else */
    SR_ASSESS_KIND_COUNT
};

/** @brief "inspection", "self"; NULL when unknown. */
const char *sr_assess_kind_name(int kind);
/** @brief "督导检查", "学校自查"; NULL when unknown. */
const char *sr_assess_kind_label(int kind);
/** @brief The kind named @p name, by its English name or its Chinese
 *         label ("self" or "学校自查"); -1 when unknown or NULL. */
int sr_assess_kind_lookup(const char *name);

/** The states of an assessment (sr_assess_filter.status). */
enum sr_assess_status {
    SR_ASSESS_DRAFT,     /**< draft 草稿: its author may still change it */
    SR_ASSESS_SUBMITTED, /**< submitted 已提交: scored, chained, final */
    SR_ASSESS_STATUS_COUNT
};

/** @brief "draft", "submitted"; NULL when unknown. */
const char *sr_assess_status_name(int status);
/** @brief "草稿", "已提交"; NULL when unknown. */
const char *sr_assess_status_label(int status);
/** @brief The status named @p name, by its English name or its Chinese
 *         label; -1 when unknown or NULL. */
int sr_assess_status_lookup(const char *name);

/** An assessment row.  Strings are owned by the struct. */
struct sr_assessment {
    int64_t id;
    int kind;              /**< enum sr_assess_kind */
    char *school;          /**< 10-digit code */
    char *school_name;
    char *district;        /**< district code */
    char *system_id;
    char *system_version;
    char *assessed_on;     /**< "YYYY-MM-DD" */
    char *inspector;
    bool submitted;
    char *created_at, *created_by;
    int64_t created_by_user;           /**< user id, 0: not a user */
    char *submitted_at, *submitted_by; /**< NULL for a draft */
    int64_t submitted_by_user;
    /* Stored at submission; zero / NULL for a draft. */
    int64_t total;         /**< hundredths */
    char *band;            /**< band id */
    char *band_label;      /**< e.g. 低风险 */
    bool compliant;
    bool vetoed;
    int64_t earned, max;   /**< millionths */
    int64_t plan;          /**< the plan it was made for (plans.h), 0 */
};

/** @brief Free the strings and zero the struct; NULL is a no-op. */
void sr_assessment_release(struct sr_assessment *a);

/**
 * @brief Create a draft for school @p code.
 * @param assessed_on "YYYY-MM-DD", or NULL for today
 * @param inspector   or NULL for the store's actor
 * @param id          receives the new assessment's id
 * @return SR_OK; SR_ERR_NOT_FOUND (school, or no system for its stage);
 *         SR_ERR_STATE (the school is closed); SR_ERR_INPUT (bad date,
 *         a date in the future); SR_ERR_DB.  Message in the store.
 */
sr_error sr_assess_new(struct sr_store *st, const char *code,
                       const char *assessed_on, const char *inspector,
                       int64_t *id);

/** What sr_assess_create() makes. */
struct sr_assess_new {
    const char *school;      /**< 10-digit code */
    int kind;                /**< enum sr_assess_kind */
    const char *assessed_on; /**< "YYYY-MM-DD", or NULL for today */
    const char *inspector;   /**< or NULL for the store's actor */
    int64_t plan;            /**< the inspection plan it is made for
                                  (plans.h), 0: none */
};

/** @brief sr_assess_new() with a kind: a school's self-inspection or an
 *         inspection, made for a plan when @p n names one: the plan must
 *         be published and list the school, and the assessment be an
 *         inspection (SR_ERR_NOT_FOUND: no such plan; SR_ERR_STATE: a
 *         draft plan, a plan without the school, a self-inspection). */
sr_error sr_assess_create(struct sr_store *st, const struct sr_assess_new *n,
                          int64_t *id);

/** @brief Read one assessment row (release with sr_assessment_release). */
sr_error sr_assess_get(struct sr_store *st, int64_t id,
                       struct sr_assessment *out);

/** Everything needed to show or score an assessment. */
struct sr_assess_ctx {
    struct sr_assessment a;
    struct sr_system *sys;         /**< the system it was created with */
    struct sr_school_record school;
    struct sr_responses resp;      /**< the stored answers */
    char **evidence;               /**< per item: the evidence files of
                                        its answer ("sha256:HEX ..."), or
                                        NULL */
    struct sr_result res;          /**< the score (so far, for a draft) */
    bool scored;                   /**< res holds a score */
};

/**
 * @brief Load an assessment with its system, school and answers, and
 *        score it.  Stored answers that no longer fit (the school's
 *        attributes changed since) are reported to @p diags.
 * @return SR_OK (also when nothing is answered yet: then scored is
 *         false), SR_ERR_NOT_FOUND, SR_ERR_DB, SR_ERR_NOMEM, or
 *         SR_ERR_INPUT when a stored answer no longer fits.
 */
sr_error sr_assess_open(struct sr_store *st, int64_t id,
                        struct sr_assess_ctx *ctx, struct sr_diags *diags);

/** @brief Free what sr_assess_open() loaded. */
void sr_assess_ctx_release(struct sr_assess_ctx *ctx);

/**
 * @brief Set (or replace) the answer to one item of a draft.
 * @return SR_OK; SR_ERR_INPUT (unknown item, not applicable, bad value:
 *         in @p diags); SR_ERR_STATE (submitted); SR_ERR_NOT_FOUND;
 *         SR_ERR_DB.
 */
sr_error sr_assess_set(struct sr_store *st, int64_t id, const char *item,
                       const char *value, const char *note,
                       struct sr_diags *diags);

/**
 * @brief sr_assess_set() with evidence: @p files are the SHA-256 (64
 *        hex digits) of files stored for the assessment's school
 *        (evidence.h); they replace the answer's earlier ones (an empty
 *        list, @p files not NULL and @p n_files 0, removes them).  With
 *        @p files NULL the answer keeps the files it had: changing an
 *        answer does not lose its photos, and neither does
 *        sr_assess_set() nor a responses CSV import.
 * @return also SR_ERR_NOT_FOUND for a file not stored for the school.
 */
sr_error sr_assess_answer(struct sr_store *st, int64_t id, const char *item,
                          const char *value, const char *note,
                          const char *const *files, size_t n_files,
                          struct sr_diags *diags);

/** One answer of sr_assess_answer_many(). */
struct sr_answer_in {
    const char *item;
    const char *value;
    const char *note;          /**< or NULL */
    const char *const *files;  /**< SHA-256 of evidence files stored for
                                    the school; NULL keeps the files the
                                    item's answer had */
    size_t n_files;
};

/**
 * @brief Set many answers of a draft at once, all or nothing, in one
 *        transaction: what a page saved offline sends when it is back
 *        online.
 *
 * Every answer is checked as sr_assess_answer() checks one, and every
 * bad one is reported to @p diags with its item as the file and its
 * place in @p v (1-based) as the line; an item given twice is bad too.
 * When any is bad nothing is written and the store's message says how
 * many ("2 of 14 answers are not valid; nothing was saved").
 *
 * @code
 * const char *photo[] = {"9f86d0...", NULL};
 * struct sr_answer_in v[] = {
 *     {.item = "1.1.1", .value = "符合"},
 *     {.item = "1.1.2", .value = "不符合", .note = "东门无门卫",
 *      .files = photo, .n_files = 1},
 * };
 * rc = sr_assess_answer_many(st, id, v, 2, &diags);
 * @endcode
 *
 * @return SR_OK; SR_ERR_INPUT (see @p diags); SR_ERR_STATE (submitted);
 *         SR_ERR_NOT_FOUND (no such assessment); SR_ERR_DB;
 *         SR_ERR_NOMEM.
 */
sr_error sr_assess_answer_many(struct sr_store *st, int64_t id,
                               const struct sr_answer_in *v, size_t n,
                               struct sr_diags *diags);

/**
 * @brief Remove the answer to @p item from a draft (SR_OK when it had
 *        none).  SR_ERR_STATE once submitted.
 */
sr_error sr_assess_clear(struct sr_store *st, int64_t id, const char *item);

/**
 * @brief Import a responses CSV into a draft, all or nothing: every row
 *        is checked first (each problem reported to @p diags), then all
 *        answers are written in one transaction, replacing earlier
 *        answers to the same items.
 */
sr_error sr_assess_import(struct sr_store *st, int64_t id, const char *path,
                          struct sr_diags *diags);

/** What a submission did. */
struct sr_submit_report {
    int64_t total;        /**< hundredths */
    char band_label[64];
    bool compliant;
    bool vetoed;
    size_t hazards_new;   /**< hazards raised */
    size_t hazards_linked;/**< findings linked to an open hazard */
};

/**
 * @brief Submit a draft (see the file comment).  Items not answered,
 *        and stored answers that no longer fit, are each reported to
 *        @p diags and refuse the submission (SR_ERR_INPUT); a submitted
 *        assessment gives SR_ERR_STATE.  Nothing is written on error.
 */
sr_error sr_assess_submit(struct sr_store *st, int64_t id,
                          struct sr_diags *diags,
                          struct sr_submit_report *rep);

/** Which assessments sr_assess_list() visits. */
struct sr_assess_filter {
    const char *school;    /**< code, or NULL */
    const char *district;  /**< district code or name, or NULL */
    int status;            /**< -1 any, 0 drafts, 1 submitted */
    const char *kind;      /**< "inspection", "self", or NULL for any */
    const struct sr_scope *scope; /**< only schools in it (auth.h), or
                                       NULL for any */
    int64_t created_by_user; /**< only drafts and assessments this user
                                  created, or 0 for anyone's */
    int64_t drafts_of;     /**< drafts only when this user made them (a
                                draft belongs to its maker; submitted
                                ones are anyone's), or 0 for every
                                draft */
    size_t offset, limit;  /**< one page: limit 0 means every match */
};

/** Called per assessment (valid during the call); non-zero stops. */
typedef int (*sr_assess_fn)(const struct sr_assessment *a, void *ctx);

/** @brief Visit assessments, newest first. */
sr_error sr_assess_list(struct sr_store *st, const struct sr_assess_filter *f,
                        sr_assess_fn fn, void *ctx);

/** @brief How many assessments pass @p f (its offset and limit
 *         ignored), for paging. */
sr_error sr_assess_count(struct sr_store *st, const struct sr_assess_filter *f,
                         size_t *n);

/** A hazard that a submitted assessment's finding went to. */
struct sr_assess_hazard {
    int64_t id;
    char *item;   /**< the item found below full points */
    bool linked;  /**< the finding was linked to a hazard already open
                       (sr_hazard_raise()) rather than raising one */
};

/**
 * @brief The hazards a submitted assessment raised or linked its
 *        findings to, by hazard id.
 * @param out caller frees with sr_assess_hazards_free(*out, *n)
 * @return SR_OK (none for a draft), SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_assess_hazards(struct sr_store *st, int64_t id,
                           struct sr_assess_hazard **out, size_t *n);

/** @brief Free a list from sr_assess_hazards(); NULL is a no-op. */
void sr_assess_hazards_free(struct sr_assess_hazard *v, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* SR_ASSESS_H */
