/*
 * schoolrisk/evidence.h - evidence files: photos and PDFs attached to an
 * answer or to a hazard's rectification (整改前后照片、验收记录).
 *
 * A file is stored once, outside the database, under the SHA-256 of its
 * content (DIR/ab/abcdef...: content-addressed, so a stored file can
 * never change without its name changing), and the database records
 * which school it was uploaded for, its type, size and who uploaded it.
 * The type is decided by the content (magic bytes), never by the name:
 * JPEG, PNG, WebP and PDF are accepted.  An answer or a hazard step
 * refers to files by their SHA-256 ("sha256:HEX" in its evidence text),
 * so the audit chain, which hashes that text, also pins the files.
 *
 * Whoever may see a school may see the files uploaded for it; the
 * caller checks that (sr_evidence_lookup() says which schools).
 */
#ifndef SR_EVIDENCE_H
#define SR_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/** Largest file accepted, in bytes (a phone photo is 2-8 MB). */
#define SR_EVIDENCE_MAX_BYTES (20u << 20)

/** Most files one answer or one hazard step may refer to. */
#define SR_EVIDENCE_MAX_FILES 20

/** A stored file as recorded for one school.  Strings are owned. */
struct sr_evidence {
    char sha256[65];
    char school[11];
    char *district;      /**< the school's district code */
    char type[32];       /**< "image/jpeg", "image/png", "image/webp",
                              "application/pdf" */
    int64_t size;        /**< bytes */
    char *name;          /**< the file name given at upload, or NULL */
    char *uploaded_at;   /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *uploaded_by;
};

/** @brief Free the strings of @p e; a zeroed one is fine. */
void sr_evidence_release(struct sr_evidence *e);

/**
 * @brief The type of a file by its first bytes: "image/jpeg",
 *        "image/png", "image/webp", "application/pdf", or NULL when it
 *        is none of them.
 */
const char *sr_evidence_sniff(const void *data, size_t len);

/**
 * @brief Store a file for school @p code: check its type and size, write
 *        it under @p dir (created when missing) unless it is there
 *        already, and record it for the school (once per school).
 * @param name the file name given by the uploader (kept for display,
 *             at most 200 bytes of UTF-8), or NULL
 * @param out  receives the record (release it)
 * @return SR_OK; SR_ERR_INPUT (empty, or not a JPEG/PNG/WebP/PDF: the
 *         message says what the content looks like); SR_ERR_TOO_LARGE;
 *         SR_ERR_NOT_FOUND (no such school); SR_ERR_IO (the directory
 *         cannot be written: the message names the path); SR_ERR_DB.
 */
sr_error sr_evidence_put(struct sr_store *st, const char *dir,
                         const char *code, const char *name,
                         const void *data, size_t len,
                         struct sr_evidence *out);

/**
 * @brief Every school a file was uploaded for (for scope checks).
 * @param out caller frees with sr_evidence_list_free(*out, *n)
 * @return SR_OK (*n 0 when the file is unknown), SR_ERR_INPUT (not a
 *         SHA-256), SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_evidence_lookup(struct sr_store *st, const char *sha256,
                            struct sr_evidence **out, size_t *n);

/** @brief Free a list from sr_evidence_lookup(). */
void sr_evidence_list_free(struct sr_evidence *v, size_t n);

/**
 * @brief Open a stored file for reading (O_RDONLY, O_CLOEXEC, no
 *        symbolic links followed); its content is checked against its
 *        name only by `audit verify --evidence`, not here.
 * @param fd   receives the descriptor; the caller closes it
 * @param size receives its size
 * @return SR_OK, SR_ERR_INPUT (not a SHA-256), SR_ERR_NOT_FOUND (no such
 *         file in @p dir), SR_ERR_IO.
 */
sr_error sr_evidence_open(const char *dir, const char *sha256, int *fd,
                          int64_t *size);

/**
 * @brief The evidence text of an answer or a hazard step that refers to
 *        @p files ("sha256:HEX sha256:HEX ..."), after checking that
 *        each is stored for school @p code.
 * @param out a new string, caller frees
 * @return SR_OK; SR_ERR_INPUT (not a SHA-256, too many, a repeat);
 *         SR_ERR_NOT_FOUND ("evidence file HEX was not uploaded for
 *         school CODE"); SR_ERR_DB; SR_ERR_NOMEM.
 */
sr_error sr_evidence_refs(struct sr_store *st, const char *code,
                          const char *const *files, size_t n, char **out);

/**
 * @brief The SHA-256 of each file an evidence text refers to, in order.
 * @param out  room for @p max hashes
 * @return how many were found (at most @p max).
 */
size_t sr_evidence_parse_refs(const char *text, char (*out)[65], size_t max);

#ifdef __cplusplus
}
#endif
#endif /* SR_EVIDENCE_H */
