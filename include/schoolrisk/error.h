/*
 * schoolrisk/error.h - error codes and diagnostics lists.
 *
 * Every fallible library function returns an sr_error.  Input errors
 * (a malformed indicator file, a bad responses row) can be many per
 * file, and a user wants to see them all at once, so such functions
 * also append human-readable diagnostics to a caller-owned sr_diags
 * list: one entry per problem, each naming the file, the line and the
 * offending id.  The library never prints; the caller shows the list.
 */
#ifndef SR_ERROR_H
#define SR_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes.  New values are only ever appended. */
typedef enum sr_error {
    SR_OK = 0,          /**< success */
    SR_ERR_NOMEM,       /**< an allocation failed */
    SR_ERR_IO,          /**< a file could not be read or written */
    SR_ERR_INPUT,       /**< invalid input: details in the diagnostics */
    SR_ERR_NOT_FOUND,   /**< a named thing (system, item...) does not exist */
    SR_ERR_TOO_LARGE,   /**< an input exceeds a documented limit */
    SR_ERR_INTERNAL,    /**< a library call failed unexpectedly */
    SR_ERR_DB,          /**< the database failed (full disk, read-only,
                             locked too long, corrupt): see the message */
    SR_ERR_STATE,       /**< not allowed in the record's current state */
    SR_ERR_CONFLICT,    /**< clashes with what is stored (same id and
                             version, different content...) */
    SR_ERR_VERSION,     /**< the database was written by a newer
                             schoolrisk, or needs `schoolrisk init` */
    SR_ERR_AUTH,        /**< authentication failed: wrong login or
                             password, a locked or disabled account, a
                             session that expired (one generic message) */
    SR_ERR_MAX          /**< sentinel, not an error */
} sr_error;

/**
 * Limits on text a person types, in characters (code points, a Chinese
 * character counts one): a description, a note, measures or a reason
 * (SR_TEXT_MAX); a name: a school's, a contact's, a responsible
 * person's, an inspector's (SR_NAME_MAX).  Longer text is refused with
 * SR_ERR_INPUT and a message naming the field and the limit.  Users'
 * names, units and phones have their own, shorter limits (auth.h).
 */
#define SR_TEXT_MAX 4000u
#define SR_NAME_MAX 200u

/**
 * @brief A short English description of an error code.
 * @return a static string; never NULL, also for out-of-range codes.
 */
const char *sr_strerror(sr_error err);

/** One diagnostic: where and what.  All strings are owned by the list. */
struct sr_diag {
    char *file;     /**< file name as given, or NULL */
    long line;      /**< 1-based line, or 0 when not tied to a line */
    char *message;  /**< lowercase, no trailing full stop */
};

/** A growable list of diagnostics, owned by the caller. */
struct sr_diags {
    struct sr_diag *v;
    size_t n;
    size_t alloc;
};

/** @brief Initialise an empty list (no allocation). */
void sr_diags_init(struct sr_diags *d);

/** @brief Free every entry and the array; the list is empty again. */
void sr_diags_release(struct sr_diags *d);

/**
 * @brief Append a diagnostic with a printf-style message.
 * @return SR_OK or SR_ERR_NOMEM (the list is then left unchanged).
 */
sr_error sr_diags_add(struct sr_diags *d, const char *file, long line,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/**
 * @brief Format entry @p i as "file:line: message" into @p buf.
 *
 * The file and line parts are left out when not set.  The output is
 * truncated to fit and always NUL-terminated.
 */
void sr_diag_format(const struct sr_diag *dg, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* SR_ERROR_H */
