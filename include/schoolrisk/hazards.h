/*
 * schoolrisk/hazards.h - the hazard closed loop (隐患闭环管理).
 *
 * A hazard (隐患) is found at a school, by an assessment
 * (docs/design.md, scoring rule 7: an applicable item below full points)
 * or by anyone on a visit (`hazard add`), and is driven through a fixed
 * set of states:
 *
 *     open (登记) --assign--> rectifying (整改中) --submit--> submitted
 *     (已整改待复查) --verify--> closed (已销号)
 *                                 submitted --reject--> rectifying
 *                                 rectifying --assign--> rectifying
 *
 * Any other step is refused with SR_ERR_STATE and a message naming the
 * hazard, its state in English and Chinese and what it allows next.
 *
 * Every step is one transaction that updates the hazard's row, appends
 * a hazard event (who, when, from, to, note, evidence) and chains that
 * event into the audit hash chain (audit.h).  Hazards and events are
 * never deleted, and events never change (the schema's triggers hold
 * the database to it too).
 *
 * Derived, never stored:
 * - overdue: not closed and the deadline is before today (China time);
 *   days overdue = today - deadline.  A deadline of today is not overdue.
 * - supervised (挂牌督办): every major hazard is flagged for city
 *   supervision.
 *
 * City supervision (挂牌督办): every major hazard is supervised by the
 * city.  For a supervised hazard, the district's verify is its review
 * (复查): the hazard stays submitted, recording who reviewed it and
 * when, and only the city's sign-off (sr_hazard_signoff(), 销号) closes
 * it.  A rejection, by either, sends it back to rectifying and voids
 * the review.
 *
 * Four eyes: the person who verifies (复查) must not be the person who
 * submitted the rectification, and the city's sign-off is given by
 * neither of them.  People are compared by user id when both are
 * authenticated users (sr_store_set_user()), else by name.
 *
 * Recurrence (复发): a new hazard on the same school and item whose
 * found_on date is at most 12 calendar months after an earlier hazard's
 * closure is recurrent and records that earlier hazard (recurrent_of).
 * "12 calendar months" means: closed_on >= found_on minus 12 months,
 * with the day clamped to the end of a shorter month (a hazard found on
 * 2025-02-28 recurs one closed on or after 2024-02-28).
 *
 * Linking (docs/design.md, scoring rule 7): a finding on a school and item that
 * already has a hazard that is not closed is not a new hazard.  It is
 * added to that hazard's history as an event whose state does not
 * change (from = to), noting where and when it was found again.
 *
 * Errors: functions return an sr_error and leave a message in the store
 * (sr_store_errmsg()).  Who acts is the store's actor
 * (sr_store_set_actor()), when is the store's clock.
 */
#ifndef SR_HAZARDS_H
#define SR_HAZARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_scope;

/** The states of a hazard.  Order is part of the ABI: append only. */
enum sr_hazard_status {
    SR_HAZARD_OPEN,        /**< open 登记 */
    SR_HAZARD_RECTIFYING,  /**< rectifying 整改中 */
    SR_HAZARD_SUBMITTED,   /**< submitted 已整改待复查 */
    SR_HAZARD_CLOSED,      /**< closed 已销号 (复查通过) */
    SR_HAZARD_STATUS_COUNT
};

/** @brief "open", "rectifying", "submitted", "closed"; NULL if unknown. */
const char *sr_hazard_status_name(int status);

/** @brief "登记", "整改中", "已整改待复查", "已销号"; NULL if unknown. */
const char *sr_hazard_status_label(int status);

/** @brief Look a status up by its English name or its Chinese label
 *         ("rectifying" or "整改中"); -1 when unknown or NULL. */
int sr_hazard_status_lookup(const char *name);

/** @brief Look a level up (enum sr_hazard): "general", "一般" or
 *         "一般隐患"; "major", "重大" or "重大隐患"; -1 when unknown or
 *         NULL. */
int sr_hazard_level_lookup(const char *name);

/** A hazard to record (sr_hazard_raise(), sr_hazard_add()). */
struct sr_hazard_new {
    const char *school;      /**< 10-digit school code */
    const char *item;        /**< item id, or NULL */
    const char *item_title;  /**< the item's title, or NULL */
    int64_t assessment;      /**< the assessment that found it, or 0 */
    int level;               /**< enum sr_hazard */
    const char *baseline;    /**< baseline element name ("guards"), or
                                  NULL when the item evidences none */
    const char *description; /**< what was found; required */
    const char *found_on;    /**< "YYYY-MM-DD"; NULL: today */
    const char *found_by;    /**< NULL: the store's actor */
};

/** A hazard as read back.  Strings are owned by the struct. */
struct sr_hazard_record {
    int64_t id;
    char *school;          /**< code */
    char *school_name;
    char *district;        /**< district code */
    char *district_name;
    char *item;            /**< NULL when found outside a checklist item */
    char *item_title;      /**< NULL when unknown */
    int64_t assessment;    /**< 0 when not found by an assessment */
    int level;             /**< enum sr_hazard */
    char *description;
    int status;            /**< enum sr_hazard_status */
    char *found_on;
    char *found_by;
    char *responsible;     /**< NULL until assigned */
    char *measures;        /**< NULL when none were given */
    char *deadline;        /**< NULL until assigned */
    char *submitted_by;    /**< who submitted the rectification last */
    char *reviewed_by;     /**< a supervised hazard: who passed the
                                district's review, NULL until then */
    char *reviewed_on;     /**< and when ("YYYY-MM-DD") */
    char *closed_on;       /**< NULL until closed */
    int64_t recurrent_of;  /**< the earlier hazard, or 0 */
    char *recurrent_closed_on; /**< that hazard's closure date, or NULL */
    char *baseline;        /**< baseline element name, or NULL */
    bool supervised;       /**< major: 挂牌督办 (derived) */
    bool awaiting_signoff; /**< supervised, reviewed by the district,
                                waiting for the city (derived) */
    bool overdue;          /**< derived from the deadline and today */
    int64_t days_overdue;  /**< today - deadline when overdue, else 0 */
};

/** @brief Free the strings of @p h and zero it; NULL is a no-op. */
void sr_hazard_release(struct sr_hazard_record *h);

/** One step in a hazard's history.  Strings are owned by the struct. */
struct sr_hazard_event {
    int64_t id;
    char *at;        /**< "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
    char *by;
    int from;        /**< enum sr_hazard_status, or -1 for the first */
    int to;          /**< enum sr_hazard_status */
    char *note;      /**< or NULL */
    char *evidence;  /**< or NULL */
};

/** @brief Free an array of @p n events from sr_hazard_events(). */
void sr_hazard_events_free(struct sr_hazard_event *v, size_t n);

/** What sr_hazard_list() returns; NULL / -1 / false mean "any". */
struct sr_hazard_filter {
    const char *district; /**< district code or name */
    const char *school;   /**< school code */
    int status;           /**< enum sr_hazard_status, or -1 */
    int level;            /**< enum sr_hazard, or -1 */
    bool overdue;         /**< only overdue hazards */
    bool supervised;      /**< only supervised (major) hazards */
    bool awaiting_signoff;/**< only those waiting for the city's sign-off */
    const char *found_from; /**< found on or after "YYYY-MM-DD", or NULL */
    const char *found_to;   /**< found on or before, or NULL */
    const char *search;   /**< text in the description, the item's title
                               or the school's name, or NULL */
    const struct sr_scope *scope; /**< only schools in it (auth.h) */
    bool newest_first;    /**< by id descending instead of ascending */
    size_t offset, limit; /**< one page: limit 0 means every match */
};

/* --------------------------------------------------------------------
 * Recording hazards
 * ------------------------------------------------------------------ */

/**
 * @brief Record a hazard found by an assessment, INSIDE THE CALLER'S
 *        TRANSACTION (docs/design.md, scoring rule 7).
 *
 * It neither begins nor commits: the assessment submission calls it
 * between its own sr_store_begin() and commit, and a rollback there
 * takes the hazard back with everything else.
 *
 * When a hazard for the same school and item is not closed, nothing new
 * is created: *id is that hazard, *linked is true, and an event with
 * from = to = its current state is appended ("found again", with the
 * assessment, the date and the description) and chained.  Otherwise a
 * new open hazard is created (recurrent when an earlier one on the same
 * school and item was closed within 12 months of found_on) with its
 * first event (from NULL to open) and audit record.  A hazard without
 * an item (item NULL) is always new.
 *
 * The school's existence is checked by the foreign key only; the
 * caller has already checked it.
 *
 * @return SR_OK; SR_ERR_INPUT (no description, bad date, bad level,
 *         text not UTF-8); SR_ERR_DB; SR_ERR_NOMEM.
 */
sr_error sr_hazard_raise(struct sr_store *st, const struct sr_hazard_new *h,
                         int64_t *id, bool *linked);

/**
 * @brief Record a hazard found outside an assessment (`hazard add`), in
 *        its own transaction.
 *
 * Beyond sr_hazard_raise(): the school must exist and not be closed;
 * found_on must not be after today; when an item is given it must be an
 * item of the current indicator system for the school's stage, and its
 * title and baseline element are taken from the system (item_title and
 * baseline of @p h are ignored).  Links like sr_hazard_raise().
 *
 * @code
 * struct sr_hazard_new h = {.school = "3701020001", .level =
 *     SR_HAZARD_MAJOR, .description = "东侧围墙倒塌约5米"};
 * int64_t id; bool linked;
 * if (sr_hazard_add(st, &h, &id, &linked) != SR_OK)
 *     fprintf(stderr, "%s\n", sr_store_errmsg(st));
 * @endcode
 * @return SR_OK; SR_ERR_NOT_FOUND (school, item, or no system for the
 *         stage); SR_ERR_STATE (school closed); SR_ERR_INPUT; SR_ERR_DB.
 */
sr_error sr_hazard_add(struct sr_store *st, const struct sr_hazard_new *h,
                       int64_t *id, bool *linked);

/* --------------------------------------------------------------------
 * The transitions.  Each is one transaction; on any error nothing is
 * changed.  SR_ERR_NOT_FOUND when there is no hazard @p id,
 * SR_ERR_STATE when the step is not allowed from its state,
 * SR_ERR_INPUT for a missing or malformed value.
 * ------------------------------------------------------------------ */

/**
 * @brief open or rectifying -> rectifying (整改中): who is responsible,
 *        by when, and how.
 *
 * @param deadline "YYYY-MM-DD", not before today
 * @param measures NULL keeps the measures given before (re-assigning)
 */
sr_error sr_hazard_assign(struct sr_store *st, int64_t id,
                          const char *responsible, const char *deadline,
                          const char *measures);

/**
 * @brief rectifying -> submitted (已整改待复查): the rectification is
 *        done and waits for review.  The actor is recorded as the
 *        submitter (four eyes).
 * @param note     what was done; required
 * @param evidence a description or sr_hazard_evidence_file()'s text, or
 *                 NULL
 */
sr_error sr_hazard_submit(struct sr_store *st, int64_t id, const char *note,
                          const char *evidence);

/**
 * @brief sr_hazard_submit() with evidence files: @p files are the
 *        SHA-256 of files stored for the hazard's school (evidence.h),
 *        recorded in the event's evidence as "sha256:HEX ...".
 * @return also SR_ERR_NOT_FOUND for a file not stored for the school.
 */
sr_error sr_hazard_submit_files(struct sr_store *st, int64_t id,
                                const char *note, const char *const *files,
                                size_t n_files);

/**
 * @brief submitted -> closed (复查通过、销号); for a supervised hazard,
 *        the district's review: it stays submitted, awaiting the city's
 *        sign-off.  Refused with SR_ERR_STATE when the actor submitted
 *        the rectification (four eyes), or the supervised hazard was
 *        already reviewed.
 * @param note NULL or a review note
 */
sr_error sr_hazard_verify(struct sr_store *st, int64_t id, const char *note);

/**
 * @brief submitted -> rectifying: the review failed; @p reason required.
 *        Voids a district review of a supervised hazard.
 */
sr_error sr_hazard_reject(struct sr_store *st, int64_t id,
                          const char *reason);

/**
 * @brief submitted -> closed for a supervised (major) hazard the
 *        district has reviewed: the city's sign-off (市级挂牌督办销号).
 *        Refused with SR_ERR_STATE for a general hazard, before the
 *        review, or when the actor submitted the rectification or gave
 *        the review (four eyes).
 * @param note NULL or a note
 */
sr_error sr_hazard_signoff(struct sr_store *st, int64_t id,
                           const char *note);

/* --------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------ */

/**
 * @brief Read hazard @p id, with overdue worked out against @p today
 *        ("YYYY-MM-DD"; NULL: the store's today, China time).
 * @param out caller releases with sr_hazard_release(); zeroed on error.
 * @return SR_OK, SR_ERR_NOT_FOUND, SR_ERR_INPUT (bad today), SR_ERR_DB,
 *         SR_ERR_NOMEM.
 */
sr_error sr_hazard_get(struct sr_store *st, int64_t id, const char *today,
                       struct sr_hazard_record *out);

/**
 * @brief The whole history of hazard @p id, oldest first.
 * @param out caller frees with sr_hazard_events_free(*out, *n).
 */
sr_error sr_hazard_events(struct sr_store *st, int64_t id,
                          struct sr_hazard_event **out, size_t *n);

/**
 * @brief The hazards matching @p f (NULL: all), by id.
 *
 * An unknown district or school in the filter is SR_ERR_NOT_FOUND
 * (a typo should not look like "no hazards").
 * @param today as for sr_hazard_get()
 * @param out   caller frees with sr_hazard_list_free(*out, *n)
 */
sr_error sr_hazard_list(struct sr_store *st, const struct sr_hazard_filter *f,
                        const char *today, struct sr_hazard_record **out,
                        size_t *n);

/**
 * @brief How many hazards match @p f (its offset and limit ignored), for
 *        paging.  Errors as sr_hazard_list().
 */
sr_error sr_hazard_count(struct sr_store *st, const struct sr_hazard_filter *f,
                         const char *today, size_t *n);

/** @brief Free an array from sr_hazard_list(); NULL is a no-op. */
void sr_hazard_list_free(struct sr_hazard_record *v, size_t n);

/**
 * @brief Days from date @p a to date @p b ("YYYY-MM-DD"): b - a.
 * @return SR_OK or SR_ERR_INPUT when either is not a valid date.
 */
sr_error sr_hazard_date_diff(const char *a, const char *b, int64_t *days);

/**
 * @brief Describe a file offered as evidence: "PATH (sha256 HEX, N
 *        bytes)" with the absolute path, so that the record shows later
 *        whether the file was replaced.
 * @param out a new string, caller frees with free()
 * @return SR_OK, SR_ERR_IO (errno set), SR_ERR_NOMEM.
 */
sr_error sr_hazard_evidence_file(const char *path, char **out);

#ifdef __cplusplus
}
#endif
#endif /* SR_HAZARDS_H */
