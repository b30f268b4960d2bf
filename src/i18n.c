/*
 * i18n.c - the language of messages (schoolrisk/i18n.h).
 *
 * DESIGN
 * GNU gettext picks a catalogue from the locale's LC_MESSAGES name, or
 * from LANGUAGE when the locale is not plain "C".  A service answers
 * each request in its own language, but LANGUAGE and the locale belong
 * to the process, and a zh_CN locale may not even be installed on the
 * server.  So the service sets the process up once for Chinese
 * (C.UTF-8, which glibc always has, and LANGUAGE=zh_CN), and a request
 * that wants English marks its thread: sr_gettext() then returns the
 * message as written, without asking gettext.  The CLI, which never
 * calls sr_i18n_use(), simply follows its environment.
 */
#include "schoolrisk/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN "schoolrisk"

#ifndef SR_LOCALEDIR
#define SR_LOCALEDIR "/usr/local/share/locale"
#endif

/* -1: follow the process; else enum sr_lang. */
static __thread int thread_lang = -1;

/* Whether the process was set up for Chinese (sr_i18n_use()). */
static int zh_ready;

void
sr_i18n_init(const char *localedir, bool from_env)
{
    const char *dir = localedir ? localedir : getenv("SCHOOLRISK_LOCALEDIR");

    if (from_env && !setlocale(LC_ALL, "")) {
        /* LANG names a locale that is not installed (zh_CN.UTF-8 on a
         * minimal server): keep UTF-8 and still pick the catalogue the
         * user asked for. */
        const char *lang = getenv("LC_ALL");
        const char *language = getenv("LANGUAGE");

        if (!lang || !*lang)
            lang = getenv("LC_MESSAGES");
        if (!lang || !*lang)
            lang = getenv("LANG");
        /* An empty LANGUAGE is no choice (gettext ignores it too). */
        if (setlocale(LC_ALL, "C.UTF-8") && lang && !strncmp(lang, "zh", 2) &&
            (!language || !*language))
            setenv("LANGUAGE", "zh_CN", 1);
    }
    bindtextdomain(DOMAIN, dir && *dir ? dir : SR_LOCALEDIR);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
}

bool
sr_i18n_use(int lang)
{
    if (lang == SR_LANG_ZH && !zh_ready) {
        /* Once per process: a locale that is not "C" (so that gettext
         * reads LANGUAGE) and LANGUAGE itself. */
        if (!setlocale(LC_MESSAGES, "C.UTF-8") ||
            setenv("LANGUAGE", "zh_CN", 1) != 0) {
            thread_lang = SR_LANG_EN;
            return false;
        }
        zh_ready = 1;
    }
    thread_lang = lang;
    return true;
}

int
sr_i18n_lang(void)
{
    return thread_lang;
}

const char *
sr_gettext(const char *msgid)
{
    if (thread_lang == SR_LANG_EN)
        return msgid;
    return dgettext(DOMAIN, msgid);
}
