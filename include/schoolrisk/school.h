/*
 * schoolrisk/school.h - school stages and the attribute vocabulary.
 *
 * Indicator systems select items by conditions on a school's registry
 * attributes (boarding, school bus, enrollment...).  The vocabulary is
 * fixed here, so that a typo in an indicator file or a school file is
 * an error rather than a condition that silently never holds.  Every
 * attribute value is held as an int64_t: an enum index, 0/1 for a flag,
 * or a count.
 */
#ifndef SR_SCHOOL_H
#define SR_SCHOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** School stages (学段).  Order is part of the ABI: append only. */
enum sr_stage {
    SR_STAGE_KINDERGARTEN,       /**< kindergarten 幼儿园 */
    SR_STAGE_PRIMARY,            /**< primary 小学 */
    SR_STAGE_JUNIOR,             /**< junior 初中 */
    SR_STAGE_SENIOR,             /**< senior 普通高中 */
    SR_STAGE_NINE_YEAR,          /**< nine-year 九年一贯制 */
    SR_STAGE_COMPLETE_SECONDARY, /**< complete-secondary 完全中学 */
    SR_STAGE_TWELVE_YEAR,        /**< twelve-year 十二年一贯制 */
    SR_STAGE_VOCATIONAL,         /**< vocational 中等职业学校 */
    SR_STAGE_SPECIAL,            /**< special 特殊教育学校 */
    SR_STAGE_COUNT
};

/** School attributes.  Order is part of the ABI: append only. */
enum sr_attr {
    SR_ATTR_STAGE,         /**< enum sr_stage */
    SR_ATTR_OWNERSHIP,     /**< 0 public, 1 private */
    SR_ATTR_LOCALE,        /**< 0 urban, 1 town, 2 rural */
    SR_ATTR_BOARDING,      /**< flag: boarding school 寄宿制 */
    SR_ATTR_SCHOOL_BUS,    /**< flag: runs school buses 校车 */
    SR_ATTR_CANTEEN,       /**< flag: canteen / collective meals 食堂 */
    SR_ATTR_LABORATORY,    /**< flag: laboratories, hazardous chemicals */
    SR_ATTR_SWIMMING_POOL, /**< flag: swimming pool 游泳池 */
    SR_ATTR_ENROLLMENT,    /**< count: students enrolled 在校生数 */
    SR_ATTR_BOARDERS,      /**< count: boarding students 住宿生数 */
    SR_ATTR_SPECIAL_NEEDS, /**< count: special-needs students */
    SR_ATTR_STAFF,         /**< count: staff 教职工数 (docs/registry.md) */
    SR_ATTR_POPULATION,    /**< count, derived: 师生员工数 = enrollment +
                                staff; never given (sr_school_derive()) */
    SR_ATTR_MEAL_DELIVERY, /**< flag: meals delivered by a caterer
                                校外供餐 */
    SR_ATTR_VILLAGE_SCHOOL, /**< flag: 村小 or 教学点 */
    SR_ATTR_COUNT
};

/** What kind of value an attribute takes. */
enum sr_attr_kind {
    SR_KIND_ENUM,  /**< one of a fixed list of names */
    SR_KIND_FLAG,  /**< true / false */
    SR_KIND_COUNT  /**< a non-negative integer */
};

/** Largest count accepted for a count attribute. */
#define SR_COUNT_MAX 10000000

/** A school as the indicator engine sees it. */
struct sr_school {
    int64_t attr[SR_ATTR_COUNT]; /**< value per enum sr_attr */
    uint32_t set;                /**< bit (1 << attr) set when given */
};

/** @brief The canonical name of a stage ("nine-year"), or NULL. */
const char *sr_stage_name(int stage);

/** @brief The Chinese name of a stage ("九年一贯制"), or NULL. */
const char *sr_stage_label(int stage);

/** @brief Look a stage up by name; returns -1 when unknown. */
int sr_stage_lookup(const char *name);

/** @brief The name of an attribute ("school_bus"), or NULL. */
const char *sr_attr_name(int attr);

/** @brief Look an attribute up by name; returns -1 when unknown. */
int sr_attr_lookup(const char *name);

/**
 * @brief True for an attribute computed from others (population), which
 *        conditions and requirements may use but no file may give.
 */
bool sr_attr_derived(int attr);

/** @brief Every attribute name, in order, comma-separated ("stage,
 *         ownership, ..."), for messages.  A static string. */
const char *sr_attr_known(void);

/** @brief The kind of an attribute. */
enum sr_attr_kind sr_attr_kind(int attr);

/**
 * @brief Parse a value for attribute @p attr.
 *
 * Enums take their names ("public", "rural", a stage name) or their
 * Chinese labels as the registry writes them ("公办", "乡村", "小学"),
 * flags take true/false (also 1/0, yes/no, 是/否), counts take a
 * decimal integer 0..SR_COUNT_MAX.
 * @return SR_OK or SR_ERR_INPUT; @p out is untouched on error.
 */
sr_error sr_attr_parse(int attr, const char *text, int64_t *out);

/**
 * @brief Format a value of @p attr as the canonical text ("true",
 *        "rural", "1260") into @p buf (32 bytes always suffice).
 */
void sr_attr_format(int attr, int64_t value, char *buf, size_t size);

/**
 * @brief Describe the values @p attr accepts, e.g. "public|private or
 *        公办|民办" or "a whole number 0..10000000" (in the thread's language,
 *        schoolrisk/i18n.h).  Returns a static string.
 */
const char *sr_attr_expect(int attr);

/**
 * @brief Reset @p s to the defaults: nothing set, flags false, counts
 *        0, ownership public, locale urban, stage unset.
 */
void sr_school_init(struct sr_school *s);

/**
 * @brief Set attribute @p key to @p value, both given as text.
 *
 * On error, a message naming the key and what it accepts is appended
 * to @p diags with @p file and @p line, and @p s is unchanged.
 * The keys "code", "name" and "district" are accepted and ignored
 * (descriptive fields of a school file).  A derived attribute
 * (population) is refused with a message saying what it is computed
 * from.  The derived attributes are recomputed after every change.
 * @return SR_OK, SR_ERR_INPUT or SR_ERR_NOMEM.
 */
sr_error sr_school_set(struct sr_school *s, const char *key,
                       const char *value, struct sr_diags *diags,
                       const char *file, long line);

/**
 * @brief Load a school file: "key = value" lines, '#' comments, UTF-8.
 *
 * Every bad line is reported to @p diags.  The stage is required.
 * @p s is initialised first; on error its content is unspecified.
 * @return SR_OK, SR_ERR_IO (cannot read; errno kept), SR_ERR_INPUT,
 *         SR_ERR_TOO_LARGE or SR_ERR_NOMEM.
 */
sr_error sr_school_load_file(const char *path, struct sr_school *s,
                             struct sr_diags *diags);

/**
 * @brief Compute the derived attributes from the given ones:
 *        population (师生员工数) = enrollment + staff.
 *
 * This is the one place the sum is made.  sr_school_set() calls it, and
 * so does every reader of schools (the school file, the registry CSV,
 * the store, the demo city), so that a condition or a requirement on
 * population sees the same value whichever way the school came in.
 * A caller that fills attr[] by hand must call it too.
 */
void sr_school_derive(struct sr_school *s);

/** @brief True when the stage attribute has been set. */
bool sr_school_has_stage(const struct sr_school *s);

#ifdef __cplusplus
}
#endif
#endif /* SR_SCHOOL_H */
