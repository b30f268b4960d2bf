/*
 * schoolrisk/csv.h - a CSV reader that knows where it is.
 *
 * Reads RFC 4180 CSV as Excel writes it (quoted fields, "" escapes,
 * CRLF or LF, a UTF-8 byte order mark) from a buffer in memory, one row
 * at a time, and tells the 1-based line on which each row starts, so
 * that every error about the data can name its line.  (libcsv, the
 * Debian library, reports no line numbers; that is why this exists.)
 */
#ifndef SR_CSV_H
#define SR_CSV_H

#include <stddef.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A CSV reader (opaque). */
struct sr_csv;

/** One row.  Fields point into the reader and stay valid until the
 *  next call to sr_csv_next() or sr_csv_free(). */
struct sr_csv_row {
    char **fields; /**< NUL-terminated field texts */
    size_t n;      /**< number of fields */
    long line;     /**< line on which the row starts */
};

/**
 * @brief Start reading @p len bytes at @p buf.  The buffer is borrowed
 *        and must outlive the reader.  A leading UTF-8 BOM is skipped.
 * @return a new reader (free with sr_csv_free()), or NULL (no memory).
 */
struct sr_csv *sr_csv_new(const char *buf, size_t len);

/** @brief Free a reader; NULL is a no-op. */
void sr_csv_free(struct sr_csv *c);

/**
 * @brief Read the next non-blank row.
 * @return 1 with @p row filled, 0 at the end of the input, or -1 on a
 *         syntax error (an unterminated quoted field, text after a
 *         closing quote, a NUL byte) or no memory; then @p err holds a
 *         message and @p row->line the line of the problem.
 */
int sr_csv_next(struct sr_csv *c, struct sr_csv_row *row, char *err,
                size_t errsize);

#ifdef __cplusplus
}
#endif
#endif /* SR_CSV_H */
