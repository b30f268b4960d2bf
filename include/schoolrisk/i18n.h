/*
 * schoolrisk/i18n.h - the language of messages.
 *
 * The library's messages are written in English and marked for
 * translation with GNU gettext (text domain "schoolrisk"; the Chinese
 * catalogue is po/zh_CN.po, installed as
 * LOCALEDIR/zh_CN/LC_MESSAGES/schoolrisk.mo).  A message is translated
 * when it is made, into the language of the thread that makes it: the
 * CLI follows the locale (LANG, LC_MESSAGES, LANGUAGE); the service
 * chooses per request (Chinese unless Accept-Language prefers English)
 * with sr_i18n_use().
 */
#ifndef SR_I18N_H
#define SR_I18N_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The languages sr_i18n_use() knows. */
enum sr_lang {
    SR_LANG_ZH, /**< 简体中文 (zh_CN) */
    SR_LANG_EN  /**< English: the messages as written */
};

/**
 * @brief Bind the text domain to @p localedir (NULL: the compiled-in
 *        default, or $SCHOOLRISK_LOCALEDIR) and, when @p from_env, set
 *        the process locale from the environment (the CLI).  Call once,
 *        before any thread starts.
 */
void sr_i18n_init(const char *localedir, bool from_env);

/**
 * @brief Make the calling thread's messages @p lang from now on.
 * @return false when Chinese was asked for and no zh_CN locale is
 *         installed on the system (messages stay English).
 */
bool sr_i18n_use(int lang);

/**
 * @brief The calling thread's language (enum sr_lang), or -1 when it
 *        follows the process: for a thread that works on its behalf to
 *        take it with sr_i18n_use().
 */
int sr_i18n_lang(void);

/** @brief @p msgid in the calling thread's language. */
const char *sr_gettext(const char *msgid) __attribute__((format_arg(1)));

#ifdef __cplusplus
}
#endif
#endif /* SR_I18N_H */
