/*
 * util.h - small internal helpers shared by the library's modules:
 * allocation-checked string functions and a growable byte buffer.
 * Not part of the public API.
 */
#ifndef SR_UTIL_H
#define SR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/i18n.h"

/* STATIC is static in normal builds; tests built with -DTESTING can
 * reach file-local functions (libxlsxwriter's convention). */
#ifdef TESTING
#define STATIC
#else
#define STATIC static
#endif

/* A message a person reads, in the calling thread's language
 * (schoolrisk/i18n.h); N_() marks a message kept in a table, translated
 * with _() where it is used.  Never for stored data, SQL, JSON keys,
 * error codes or the names of enums written to the database. */
#define _(s) sr_gettext(s)
#define N_(s) (s)

/* strdup/strndup that return NULL on allocation failure. */
char *sr_strdup(const char *s);
char *sr_strndup(const char *s, size_t n);

/* vasprintf-alike: returns a new string or NULL. */
char *sr_vasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
char *sr_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file into a NUL-terminated buffer.  Files larger than
 * max bytes are refused with SR_ERR_TOO_LARGE before being read. */
sr_error sr_read_file(const char *path, size_t max, char **out,
                      size_t *len);

/* FNV-1a (64 bits) of a NUL-terminated string: for hash tables and
 * caches keyed by text, not for anything an attacker chooses. */
uint64_t sr_hash_str(const char *s);

/* Make room in array *v (of *alloc elements of @p sz bytes, @p n of them
 * used) for one more: doubled when full, from @p first.  SR_ERR_NOMEM
 * leaves *v and *alloc as they were. */
sr_error sr_grow(void **v, size_t *alloc, size_t n, size_t sz, size_t first);

/* A growable byte buffer (curl's dynbuf, reduced). */
struct sr_buf {
    char *p;
    size_t len;
    size_t alloc;
};

void sr_buf_init(struct sr_buf *b);
void sr_buf_release(struct sr_buf *b);
/* On failure the buffer is left as it was. */
sr_error sr_buf_add(struct sr_buf *b, const void *data, size_t n);
sr_error sr_buf_addf(struct sr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the NUL-terminated content to the caller (never NULL on
 * success, "" for an empty buffer) and empties the buffer. */
char *sr_buf_detach(struct sr_buf *b);



/* Parsing typed text: skip the text lit at *p (true when it was there),
 * and read from 1 to max ASCII digits at *p (-1 when there are none or
 * more than max); both advance *p past what they read. */
bool sr_skip_lit(const char **p, const char *lit);
int sr_read_digits(const char **p, int max);

/* Strict UTF-8 check (no overlongs, surrogates or code points past
 * U+10FFFF).  Returns 1 when valid; otherwise 0 and the offset of the
 * first bad byte in *bad. */
int sr_utf8_valid(const char *s, size_t len, size_t *bad);

/* Characters (code points) of UTF-8 text s: what a person counts, and
 * what the limits on typed text (4,000 for a description...) count.
 * Continuation bytes are not counted. */
size_t sr_utf8_chars(const char *s);

/* The length in bytes of the longest prefix of UTF-8 text s that holds
 * at most max UTF-16 code units and ends between two characters: a
 * character outside the Basic Multilingual Plane counts two, as it does
 * in Excel's limit of 32,767 per cell.  *cut (when not NULL) tells
 * whether that prefix is shorter than s.  A stray byte counts one. */
size_t sr_utf8_prefix(const char *s, size_t max, bool *cut);

/* 1-based line number of byte offset off in s. */
long sr_line_of(const char *s, size_t off);
#endif /* SR_UTIL_H */
