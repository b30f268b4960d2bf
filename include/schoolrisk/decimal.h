/*
 * schoolrisk/decimal.h - exact decimal numbers as scaled integers.
 *
 * Scores are never binary floating point (docs/design.md, scoring rule 2):
 * points are held in hundredths, fractions in ten-thousandths and
 * earned points in millionths, all as int64_t.  This module parses the
 * plain decimal notation used in indicator files and responses, and
 * formats scaled integers back.
 */
#ifndef SR_DECIMAL_H
#define SR_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Scales used throughout the library. */
#define SR_POINTS_SCALE 2   /**< points: hundredths */
#define SR_FRACTION_SCALE 4 /**< fractions: ten-thousandths */
#define SR_EARNED_SCALE 6   /**< earned and max points: millionths */

/**
 * @brief Parse a plain decimal into an integer scaled by 10^scale.
 *
 * Accepts an optional leading '-', digits, and an optional '.' followed
 * by at most @p scale digits ("12", "0.6", "-3.25", ".5" is refused).
 * No spaces, signs other than '-', exponents, or overflow.
 *
 * @param s      NUL-terminated text
 * @param scale  decimal places kept, 0..9
 * @param out    receives the scaled value; untouched on error
 * @return SR_OK, or SR_ERR_INPUT when the text is not such a number
 *         (also when it has more than @p scale decimals).
 *
 * @code
 * int64_t v;
 * sr_decimal_parse("0.6", 4, &v);   // v == 6000
 * @endcode
 */
sr_error sr_decimal_parse(const char *s, int scale, int64_t *out);

/**
 * @brief Format @p v / 10^scale, keeping at least @p min_decimals
 *        decimals and dropping further trailing zeros.
 *
 * sr_decimal_format(7500000, 6, 2, ...) gives "7.50";
 * sr_decimal_format(6000, 4, 0, ...) gives "0.6".
 * The output is always NUL-terminated; 32 bytes always suffice.
 */
void sr_decimal_format(int64_t v, int scale, int min_decimals, char *buf,
                       size_t size);

/**
 * @brief n / d rounded half away from zero; d must be > 0.
 *
 * Callers keep |n| below INT64_MAX / 2 (all scores do, by the loader's
 * limits on points).
 */
int64_t sr_div_round(int64_t n, int64_t d);

#ifdef __cplusplus
}
#endif
#endif /* SR_DECIMAL_H */
