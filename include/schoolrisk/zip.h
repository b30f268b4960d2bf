/*
 * schoolrisk/zip.h - a zip archive of existing files, stored as they are.
 *
 * The members are workbooks, which are zip archives themselves: deflating
 * them again saves next to nothing, so every member is stored (method 0)
 * and only its CRC-32 is computed (zlib).  Names are UTF-8 (general
 * purpose flag bit 11), so 历下区-2026Q4.xlsx unpacks under its name.
 * No ZIP64: a member or the archive over 4 GiB, or more than 65535
 * members, is refused.
 */
#ifndef SR_ZIP_H
#define SR_ZIP_H

#include <stddef.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One member: its name in the archive and the file it copies. */
struct sr_zip_member {
    const char *name; /**< e.g. "历下区-2026Q4.xlsx"; no directory */
    const char *path; /**< the file to read */
};

/**
 * @brief Write the zip archive @p path holding @p n members, in order.
 * Each member's time is its file's modification time (local time, as
 * zip has it).  @p path is created or truncated.
 * @code
 * struct sr_zip_member m[] = {{"全市-2026Q4.xlsx", "out/全市-2026Q4.xlsx"}};
 * rc = sr_zip_write("all.zip", m, 1, &d);
 * @endcode
 * @return SR_OK; SR_ERR_IO (a member cannot be read, the archive
 *         cannot be written), SR_ERR_TOO_LARGE (past the limits above),
 *         SR_ERR_NOMEM: why in @p d.  On an error the archive is left
 *         incomplete: remove it.
 */
sr_error sr_zip_write(const char *path, const struct sr_zip_member *m,
                      size_t n, struct sr_diags *d);

#ifdef __cplusplus
}
#endif
#endif /* SR_ZIP_H */
