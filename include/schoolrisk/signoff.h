/*
 * schoolrisk/signoff.h - period sign-off (逐级审核、锁定): a school
 * confirms its self-inspection, a district signs off its figures for a
 * period, the city accepts them or returns them with a reason.
 *
 * The unit is (district, period), for any period of report.h (a month,
 * a quarter, a year; each on its own).  States:
 *
 *   open --district--> signed_off --city accept--> accepted
 *                          |  ^                       |
 *             city return  v  | district              | district
 *                       returned                      | correct
 *                                                     v
 *                        signed_off (next version) <--+
 *
 * A sign-off is allowed from the period's last day on (China time).
 * Signing off computes the district's report for the period
 * (sr_report_district()) and stores it as a snapshot (report_snapshot.h)
 * with its SHA-256: version 1, 2, ... one per sign-off or correction.
 * While the state is signed_off or accepted the period is locked: its
 * district workbook is written from the latest snapshot, not from the
 * live data (sr_signoff_report_district()), so it shows the same
 * figures however often it is regenerated.
 *
 * Later changes that alter a locked period's figures are never written
 * over it silently: `signoff diff` compares the live figures with the
 * snapshot, and a correction (sr_signoff_correct()) stores a new
 * version with who, why and the differences, which the city accepts
 * again.  An inspection submitted with a date inside a locked period is
 * refused unless a correction reason is given to the store
 * (sr_store_set_correction_reason()); it is then recorded as an
 * amendment ("amend") waiting for the district's correction.
 *
 * Every event (confirm, signoff, accept, return, correct, amend) is a
 * row of signoff_events, append-only and chained in the audit chain
 * (record kind "signoff"), so that `audit verify` names a snapshot
 * edited by hand.  Errors leave a message in the store
 * (sr_store_errmsg()); an illegal transition is SR_ERR_STATE with a
 * message naming the state.
 */
#ifndef SR_SIGNOFF_H
#define SR_SIGNOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The states of a (district, period).  Append only. */
enum sr_signoff_state {
    SR_SIGNOFF_OPEN,       /**< 未签批 */
    SR_SIGNOFF_SIGNED_OFF, /**< 已签批 (locked, waiting for the city) */
    SR_SIGNOFF_ACCEPTED,   /**< 已接收 (locked) */
    SR_SIGNOFF_RETURNED,   /**< 已退回 (the district signs off again) */
    SR_SIGNOFF_STATE_COUNT
};

/** @brief "open", "signed_off", "accepted", "returned"; NULL. */
const char *sr_signoff_state_name(int state);
/** @brief "未签批", "已签批", "已接收", "已退回"; NULL. */
const char *sr_signoff_state_label(int state);
/** @brief True for the states whose figures are locked. */
bool sr_signoff_state_locked(int state);

/** What an event does.  Append only. */
enum sr_signoff_action {
    SR_SIGNOFF_CONFIRM, /**< a school confirms its self-inspection */
    SR_SIGNOFF_SIGN,    /**< the district signs off (a new version) */
    SR_SIGNOFF_ACCEPT,  /**< the city accepts */
    SR_SIGNOFF_RETURN,  /**< the city returns, with a reason */
    SR_SIGNOFF_CORRECT, /**< the district corrects (a new version) */
    SR_SIGNOFF_AMEND,   /**< an inspection dated in a locked period was
                             submitted with a reason; waits for a
                             correction */
    SR_SIGNOFF_ACTION_COUNT
};

/** @brief "confirm", "signoff", "accept", "return", "correct", "amend". */
const char *sr_signoff_action_name(int action);
/** @brief "学校确认", "区县签批", "市级接收", "市级退回", "更正",
 *         "锁定期补录". */
const char *sr_signoff_action_label(int action);

/** Where a (district, period) stands.  Strings are owned. */
struct sr_signoff_status {
    char district[32];
    char *district_name;
    struct sr_period period;
    int state;              /**< enum sr_signoff_state */
    int version;            /**< of the latest snapshot; 0: none */
    char *signed_by;        /**< of the latest version, or NULL */
    char signed_at[32];     /**< "YYYY-MM-DDTHH:MM:SSZ", or "" */
    char sha256[65];        /**< of the latest snapshot, or "" */
    char *decided_by;       /**< the city's latest accept/return, or NULL */
    char decided_at[32];
    char *reason;           /**< the latest return's reason, or NULL */
    size_t schools;         /**< open schools of the district now */
    size_t confirmed;       /**< of them, confirmed for the period */
    size_t pending;         /**< amendments since the latest version */
};

/** @brief Free the strings of @p s; a zeroed one is fine. */
void sr_signoff_status_release(struct sr_signoff_status *s);

/**
 * @brief The status of @p district (code or name) for @p period.
 * @return SR_OK; SR_ERR_NOT_FOUND (no such district); SR_ERR_DB.
 */
sr_error sr_signoff_status(struct sr_store *st, const char *district,
                           const struct sr_period *period,
                           struct sr_signoff_status *out);

/** Called once per status (valid during the call); non-zero stops. */
typedef int (*sr_signoff_status_fn)(const struct sr_signoff_status *s,
                                    void *ctx);

/** @brief The status of every district for @p period, bureau order. */
sr_error sr_signoff_status_all(struct sr_store *st,
                               const struct sr_period *period,
                               sr_signoff_status_fn fn, void *ctx);

/** An open school of a district that has not confirmed its
 *  self-inspection for a period: whom the district must chase before it
 *  signs off.  Strings are valid during the call. */
struct sr_signoff_unconfirmed {
    const char *code;
    const char *name;
    int64_t self;        /**< the self-inspection a confirmation would
                              link now (the latest submitted one dated on
                              or before the period's end), or 0: none,
                              the school must self-inspect first */
    const char *self_on; /**< its date "YYYY-MM-DD", or NULL */
};

/** Called once per school (valid during the call); non-zero stops. */
typedef int (*sr_signoff_unconfirmed_fn)(
    const struct sr_signoff_unconfirmed *u, void *ctx);

/**
 * @brief The open schools of @p district (code or name) that have not
 *        confirmed @p period, in code order: the schools a sign-off
 *        lists as unconfirmed (sr_signoff_result.unconfirmed).
 * @code
 * rc = sr_signoff_unconfirmed(st, "历下区", &q3, show, &ctx);
 * @endcode
 * @return SR_OK; SR_ERR_NOT_FOUND (no such district); SR_ERR_DB.
 */
sr_error sr_signoff_unconfirmed(struct sr_store *st, const char *district,
                                const struct sr_period *period,
                                sr_signoff_unconfirmed_fn fn, void *ctx);

/**
 * @brief School @p code confirms its self-inspection for @p period: its
 *        latest submitted self-inspection dated on or before the
 *        period's end is linked (*assessment receives its id).
 * @return SR_OK; SR_ERR_NOT_FOUND (no such school); SR_ERR_STATE (the
 *         school is closed, has no such self-inspection, or its
 *         district's period is locked); SR_ERR_DB.
 */
sr_error sr_signoff_confirm(struct sr_store *st, const char *code,
                            const struct sr_period *period,
                            int64_t *assessment);

/** A school's confirmation for a period.  Strings are owned. */
struct sr_signoff_confirmation {
    char school[11];
    char district[32];
    int state;           /**< its district's period: enum sr_signoff_state */
    bool confirmed;
    int64_t assessment;  /**< the self-inspection linked, or 0 */
    char at[32];         /**< when confirmed, or "" */
    char *by;            /**< who confirmed, or NULL */
    int64_t self;        /**< the self-inspection a confirmation would
                              link now, or 0 (none: confirm is refused) */
};

/** @brief Free the strings of @p c; a zeroed one is fine. */
void sr_signoff_confirmation_release(struct sr_signoff_confirmation *c);

/**
 * @brief School @p code's confirmation for @p period (the latest, when
 *        it confirmed more than once).
 * @return SR_OK; SR_ERR_NOT_FOUND (no such school); SR_ERR_DB.
 */
sr_error sr_signoff_school(struct sr_store *st, const char *code,
                           const struct sr_period *period,
                           struct sr_signoff_confirmation *out);

/** What a sign-off or a correction did.  Owned by the struct. */
struct sr_signoff_result {
    int version;
    char sha256[65];
    size_t schools, confirmed;
    char **unconfirmed;     /**< codes of the schools not confirmed */
    size_t n_unconfirmed;
    char *diff;             /**< a correction's summary, or NULL */
};

/** @brief Free @p r's arrays; a zeroed one is fine. */
void sr_signoff_result_release(struct sr_signoff_result *r);

/**
 * @brief The district signs off @p period: allowed when open or
 *        returned and from the period's last day on; the figures are
 *        stored as version N+1.  Schools that have not confirmed do
 *        not stop it: they are counted and listed in @p out.
 * @param out may be NULL; else release with sr_signoff_result_release()
 * @return SR_OK; SR_ERR_NOT_FOUND; SR_ERR_STATE (too early, or signed
 *         off or accepted already); SR_ERR_DB; SR_ERR_NOMEM.
 * @code
 * struct sr_signoff_result res;
 * rc = sr_signoff_district(st, "历下区", &q3, &res);
 * @endcode
 */
sr_error sr_signoff_district(struct sr_store *st, const char *district,
                             const struct sr_period *period,
                             struct sr_signoff_result *out);

/** @brief The city accepts a signed-off period (SR_ERR_STATE in any
 *         other state). */
sr_error sr_signoff_accept(struct sr_store *st, const char *district,
                           const struct sr_period *period);

/** @brief The city returns a signed-off period with @p reason (required:
 *         SR_ERR_INPUT, field "reason"). */
sr_error sr_signoff_return(struct sr_store *st, const char *district,
                           const struct sr_period *period,
                           const char *reason);

/**
 * @brief The district records a correction of a locked period: the live
 *        figures become version N+1 with @p reason (required) and the
 *        differences from version N; the state goes back to signed_off
 *        (the city accepts again).  Refused when nothing differs, and
 *        when the period is open or returned (SR_ERR_STATE).
 * @param out may be NULL; else release with sr_signoff_result_release()
 */
sr_error sr_signoff_correct(struct sr_store *st, const char *district,
                            const struct sr_period *period,
                            const char *reason,
                            struct sr_signoff_result *out);

/** One difference between the locked snapshot and the live figures. */
struct sr_signoff_change {
    char school[11];     /**< "" for a district KPI */
    char *school_name;   /**< or NULL */
    char *what;          /**< the figure, in Chinese (达标率, 总分…) */
    char *before;        /**< as locked ("-" when absent) */
    char *after;         /**< live now */
};

/** The differences, KPIs first then school by school (code order). */
struct sr_signoff_diff {
    int version;         /**< the snapshot compared with */
    struct sr_signoff_change *v;
    size_t n;
};

/** @brief Free @p d; a zeroed one is fine. */
void sr_signoff_diff_release(struct sr_signoff_diff *d);

/**
 * @brief Compare the live figures of @p period with its latest snapshot.
 * @return SR_OK; SR_ERR_STATE (never signed off); SR_ERR_NOT_FOUND;
 *         SR_ERR_DB; SR_ERR_NOMEM.
 */
sr_error sr_signoff_diff(struct sr_store *st, const char *district,
                         const struct sr_period *period,
                         struct sr_signoff_diff *out);

/**
 * @brief The differences @p d as one line of text ("达标率 3/5 → 2/4；
 *        3701020001 达标 是 → 否"), at most @p max of them and "等N项"
 *        after; a new string the caller frees, NULL when out of memory.
 */
char *sr_signoff_diff_text(const struct sr_signoff_diff *d, size_t max);

/** One event of the history.  Strings are owned by the list. */
struct sr_signoff_event {
    int64_t id;
    char district[32];
    char *district_name;
    char period[16];     /**< the period's label */
    int action;          /**< enum sr_signoff_action */
    int state;           /**< after the event; -1 when unchanged */
    int version;         /**< the version made or acted on; 0 */
    char school[11];     /**< confirm, amend: the school; else "" */
    int64_t assessment;  /**< confirm, amend: the assessment; else 0 */
    char *reason;        /**< return, correct, amend; else NULL */
    char *diff;          /**< correct: the differences; else NULL */
    size_t schools, confirmed; /**< signoff, correct */
    char *unconfirmed;   /**< signoff, correct: codes joined by ','; NULL */
    char sha256[65];     /**< signoff, correct: the snapshot's; else "" */
    char at[32];         /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *by;
};

/** Called once per event (valid during the call); non-zero stops. */
typedef int (*sr_signoff_event_fn)(const struct sr_signoff_event *e,
                                   void *ctx);

/** @brief The history of (@p district, @p period), oldest first. */
sr_error sr_signoff_history(struct sr_store *st, const char *district,
                            const struct sr_period *period,
                            sr_signoff_event_fn fn, void *ctx);

/**
 * @brief The corrections and amendments recorded from @p from to @p to
 *        (China dates "YYYY-MM-DD", both inclusive) in @p district
 *        (code or name; NULL: every district), oldest first: what the
 *        next bulletin shows.
 * @code
 * rc = sr_signoff_corrections(st, NULL, "2026-10-01", "2026-10-31",
 *                             show, &ctx);
 * @endcode
 */
sr_error sr_signoff_corrections(struct sr_store *st, const char *district,
                                const char *from, const char *to,
                                sr_signoff_event_fn fn, void *ctx);

struct sr_bulletin_correction;

/**
 * @brief The corrections and amendments to show on a bulletin (an
 *        sr_bulletin_corrections_fn of bulletin.h; @p ctx unused): those
 *        recorded in @p district (code; NULL: every district) on the
 *        days of @p period, which is the bulletin's quarter or month.
 *        A correction of a locked period recorded after it ended is
 *        thus shown on the bulletin of the period in which it was made
 *        ("the next bulletin").  what is "更正为第2版：达标率 3/5 → 2/4"
 *        for a correction and "补录锁定期检查 #45（3701020001）" for an
 *        amendment; at is the China date.
 * @code
 * struct sr_bulletin_options o = {sr_signoff_bulletin_corrections, NULL};
 * rc = sr_bulletin_quarterly(st, &q4, &o, &b);
 * @endcode
 * @return SR_OK (*v NULL and *n 0 when there is none); SR_ERR_DB;
 *         SR_ERR_NOMEM.
 */
sr_error sr_signoff_bulletin_corrections(void *ctx, struct sr_store *st,
                                         const char *district,
                                         const struct sr_period *period,
                                         struct sr_bulletin_correction **v,
                                         size_t *n);

/**
 * @brief Give the reason for amending a locked period with the writes
 *        that follow on @p st (NULL: none, the default).  An inspection
 *        dated inside a signed-off or accepted period of its school's
 *        district is refused at submission without one (SR_ERR_STATE);
 *        with one it is submitted and recorded as an amendment ("amend",
 *        with the reason, who and when), which the period's status
 *        counts as pending until the district's next correction.  The
 *        text is copied.
 * @return SR_OK, SR_ERR_INPUT (blank, not UTF-8 or too long: field
 *         "reason"), SR_ERR_NOMEM.
 */
sr_error sr_store_set_correction_reason(struct sr_store *st,
                                        const char *reason);

/**
 * @brief The locked figures of (district, period): the latest snapshot
 *        when the period is signed_off or accepted, with *locked true;
 *        else *locked false and @p out left zeroed (nothing computed).
 *        What a bulletin reads for a locked period instead of the live
 *        figures, so that it never rewrites them, and what report all
 *        reads before it computes anything.
 * @param note   receives, when locked, the 说明 line as
 *               sr_signoff_report_district() gives it, else "" (may be
 *               NULL)
 * @return SR_OK; SR_ERR_DB for a snapshot that does not read back.
 */
sr_error sr_signoff_locked_report(struct sr_store *st, const char *district,
                                  const struct sr_period *period,
                                  struct sr_report_district *out,
                                  bool *locked, char *note,
                                  size_t note_size);

/**
 * @brief The KPIs alone of sr_signoff_locked_report(): read from the
 *        head of the latest snapshot (report_snapshot.h) instead of the
 *        whole of it, which is the rows of every school and hazard; the
 *        trend of a city workbook wants no more.
 * @param out    the snapshot's KPIs when locked, else zeroed
 * @param locked receives whether the period is locked
 * @return as sr_signoff_locked_report().
 */
sr_error sr_signoff_locked_kpis(struct sr_store *st, const char *district,
                                const struct sr_period *period,
                                struct sr_report_kpis *out, bool *locked);

/**
 * @brief A district's figures for a workbook: from the latest snapshot
 *        when the period is locked (signed_off or accepted), else live
 *        (sr_report_district()).
 * @param locked receives whether they came from a snapshot
 * @param note   receives, when locked, the 说明 line
 *               "本期数据已于…签批锁定（第N版），依据签批快照生成"
 *               (may be NULL)
 * @return as sr_report_district(); SR_ERR_DB for a snapshot that does
 *         not read back (edited by hand: audit verify names it).
 */
sr_error sr_signoff_report_district(struct sr_store *st, const char *district,
                                    const struct sr_period *period,
                                    struct sr_report_district *out,
                                    bool *locked, char *note,
                                    size_t note_size);

#ifdef __cplusplus
}
#endif
#endif /* SR_SIGNOFF_H */
