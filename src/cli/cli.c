/*
 * cli.c - helpers shared by the subcommands: messages, loading a
 * system or a school from the command line, CSV and table output.
 */
#include "cli.h"
#include "schoolrisk/json.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "schoolrisk/date.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "schoolrisk/scoring.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif

static void vmsg(const char *kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vmsg(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "schoolrisk: %s", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(_("error: "), fmt, ap);
    va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(_("warning: "), fmt, ap);
    va_end(ap);
}

/* gettext's own pgettext(): the catalogue keys a message with a context
 * as "CONTEXT\004MSGID"; not found, the English is msgid. */
const char *
cli_pgettext(const char *ctx_msgid, const char *msgid)
{
    const char *t = sr_gettext(ctx_msgid);

    return t == ctx_msgid ? msgid : t;
}

void
cli_print_diags(const struct sr_diags *d)
{
    char buf[2048];
    size_t i;

    for (i = 0; i < d->n; i++) {
        sr_diag_format(&d->v[i], buf, sizeof(buf));
        fprintf(stderr, "%s\n", buf);
    }
}

int
cli_exit_for(sr_error rc)
{
    switch (rc) {
    case SR_OK:
        return EXIT_OK;
    case SR_ERR_INPUT:
    case SR_ERR_NOT_FOUND:
    case SR_ERR_TOO_LARGE:
    case SR_ERR_IO:
    case SR_ERR_STATE:
    case SR_ERR_CONFLICT:
    case SR_ERR_VERSION:
    case SR_ERR_AUTH:
        return EXIT_INVALID;
    case SR_ERR_DB:
        return EXIT_DB;
    case SR_ERR_NOMEM:
    case SR_ERR_INTERNAL:
    case SR_ERR_MAX:
        break;
    }
    return EXIT_INTERNAL;
}

const char *
cli_indicator_dir(const char *opt_dir)
{
    const char *env;

    if (opt_dir)
        return opt_dir;
    env = getenv("SCHOOLRISK_INDICATORS");
    if (env && *env)
        return env;
    return SR_DEFAULT_INDICATOR_DIR;
}

static bool
is_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int
cli_system_load(struct cli_system *cs, const char *arg, const char *opt_dir)
{
    struct sr_diags d;
    const char *dir = cli_indicator_dir(opt_dir);
    sr_error rc;
    int ex = EXIT_OK;

    memset(cs, 0, sizeof(*cs));
    sr_diags_init(&d);
    /* A path is anything with a slash or an .xml ending; otherwise an id. */
    if (strchr(arg, '/') || (strlen(arg) > 4 &&
                             !strcmp(arg + strlen(arg) - 4, ".xml")) ||
        is_file(arg)) {
        rc = sr_system_load_file(arg, &cs->sys, &d);
        if (rc != SR_OK) {
            cli_print_diags(&d);
            cli_error(_("cannot load indicator system '%s'"), arg);
            ex = cli_exit_for(rc);
            goto cleanup;
        }
        cs->use = cs->sys;
        goto cleanup;
    }
    rc = sr_catalog_load_dir(dir, &cs->cat, &d);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error(_("the indicator directory '%s' is not valid; run "
                    "'schoolrisk indicators validate %s'"),
                  dir, dir);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    cs->use = sr_catalog_find(cs->cat, arg);
    if (!cs->use) {
        size_t i;

        cli_error(_("no indicator system with id '%s' in '%s'"), arg, dir);
        fprintf(stderr, "%s", _("known systems:"));
        for (i = 0; i < sr_catalog_count(cs->cat); i++)
            fprintf(stderr, " %s", sr_system_id(sr_catalog_get(cs->cat, i)));
        fputc('\n', stderr);
        ex = EXIT_INVALID;
    }

cleanup:
    sr_diags_release(&d);
    if (ex != EXIT_OK)
        cli_system_release(cs);
    return ex;
}

void
cli_system_release(struct cli_system *cs)
{
    sr_system_free(cs->sys);
    sr_catalog_free(cs->cat);
    memset(cs, 0, sizeof(*cs));
}

int
cli_school_add_attr(struct cli_school_opts *o, const char *kv)
{
    if (o->n_attrs >= (int)(sizeof(o->attrs) / sizeof(o->attrs[0]))) {
        cli_error(_("too many --attr options"));
        return EXIT_USAGE;
    }
    o->attrs[o->n_attrs++] = kv;
    return EXIT_OK;
}

/* The registry school o->code from the database: its stage and every
 * attribute as the registry holds them. */
static int
school_from_registry(const struct cli_school_opts *o, struct sr_school *s)
{
    const char *db = o->db;
    struct sr_store *st = NULL;
    struct sr_school_record r;
    sr_error rc;
    int ex;

    if (!db || !*db)
        db = getenv("SCHOOLRISK_DB");
    if (!db || !*db) {
        cli_error(_("--school-code needs --db PATH (or $SCHOOLRISK_DB): the "
                    "registry is in the database"));
        return EXIT_USAGE;
    }
    ex = cli_store_open(db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    sr_school_record_init(&r);
    rc = sr_registry_get(st, o->code, &r);
    if (rc == SR_ERR_NOT_FOUND) {
        cli_error(_("no school with code '%s' in the registry of '%s' "
                    "('schoolrisk schools list' lists them)"),
                  o->code, db);
        ex = EXIT_INVALID;
    } else if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else {
        *s = r.school;
    }
    sr_school_record_release(&r);
    sr_store_close(st);
    return ex;
}

int
cli_system_of_school(const struct cli_school_opts *o, struct cli_system *cs)
{
    const char *db = o->db && *o->db ? o->db : getenv("SCHOOLRISK_DB");
    struct sr_store *st = NULL;
    struct sr_school_record r;
    sr_error rc;
    int ex;

    memset(cs, 0, sizeof(*cs));
    if (!db || !*db)
        return EXIT_OK; /* cli_school_build() says what is missing */
    ex = cli_store_open(db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    sr_school_record_init(&r);
    rc = sr_registry_get(st, o->code, &r);
    if (rc == SR_OK)
        rc = sr_store_current_system(st, (int)r.school.attr[SR_ATTR_STAGE],
                                     &cs->sys);
    if (rc == SR_ERR_NOT_FOUND && r.name)
        cli_error(_("no indicator system in '%s' covers %s, the stage of "
                    "school %s; give one with --system"),
                  db, sr_stage_label((int)r.school.attr[SR_ATTR_STAGE]),
                  o->code);
    else if (rc == SR_ERR_NOT_FOUND)
        cli_error(_("no school with code '%s' in the registry of '%s' "
                    "('schoolrisk schools list' lists them)"),
                  o->code, db);
    ex = rc == SR_OK              ? EXIT_OK
         : rc == SR_ERR_NOT_FOUND ? EXIT_INVALID
                                  : cli_store_error(st, rc);
    cs->use = cs->sys;
    sr_school_record_release(&r);
    sr_store_close(st);
    return ex;
}

/* One way of giving the school, and --db only with --school-code. */
static int
school_opts_check(const struct cli_school_opts *o)
{
    if (o->code && (o->file || o->n_attrs)) {
        /* Attributes typed beside a registry school would either be
         * ignored or silently differ from the registry: refuse both. */
        cli_error(_("give the school either with --school-code CODE (from "
                    "the registry) or with --school FILE / --attr "
                    "KEY=VALUE, not both"));
        return EXIT_USAGE;
    }
    if (o->db && !o->code) {
        cli_error(_("--db is only used with --school-code CODE"));
        return EXIT_USAGE;
    }
    if (o->file && o->n_attrs) {
        cli_error(_("give the school either with --school FILE or with "
                    "--attr KEY=VALUE, not both"));
        return EXIT_USAGE;
    }
    if (!o->code && !o->file && !o->n_attrs) {
        cli_error(_("no school given: use --school-code CODE with --db, "
                    "--school FILE or --attr KEY=VALUE (at least --attr "
                    "stage=...)"));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int
cli_school_build(const struct cli_school_opts *o, const struct sr_system *sys,
                 struct sr_school *s)
{
    struct sr_diags d;
    sr_error rc = SR_OK;
    int i, a, ex = EXIT_OK;

    sr_diags_init(&d);
    ex = school_opts_check(o);
    if (ex != EXIT_OK)
        goto cleanup;
    if (o->code) {
        ex = school_from_registry(o, s);
        if (ex != EXIT_OK)
            goto cleanup;
    } else if (o->file) {
        rc = sr_school_load_file(o->file, s, &d);
        if (rc == SR_ERR_IO) {
            cli_error(_("cannot read school file '%s': %s"), o->file,
                      strerror(errno));
            ex = EXIT_INVALID;
            goto cleanup;
        }
    } else {
        sr_school_init(s);
        for (i = 0; i < o->n_attrs; i++) {
            char key[64];
            const char *eq = strchr(o->attrs[i], '=');
            size_t kl = eq ? (size_t)(eq - o->attrs[i]) : 0;
            sr_error r;

            if (!eq || kl == 0 || kl >= sizeof(key)) {
                cli_error(_("--attr expects KEY=VALUE, got '%s'"), o->attrs[i]);
                ex = EXIT_USAGE;
                goto cleanup;
            }
            memcpy(key, o->attrs[i], kl);
            key[kl] = '\0';
            a = sr_attr_lookup(key);
            if (a >= 0 && (s->set & (1u << a))) {
                cli_error(_("--attr %s is given twice"), key);
                ex = EXIT_INVALID;
                goto cleanup;
            }
            r = sr_school_set(s, key, eq + 1, &d, "--attr", 0);
            if (r != SR_OK)
                rc = r;
        }
        if (rc == SR_OK && !sr_school_has_stage(s)) {
            cli_error(_("the school's stage is not given (add --attr "
                        "stage=primary, for example)"));
            ex = EXIT_INVALID;
            goto cleanup;
        }
    }
    if (rc != SR_OK) {
        cli_print_diags(&d);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    if (sys && !sr_system_covers(sys, s)) {
        char covers[256];
        size_t used = 0;
        int st;

        covers[0] = '\0';
        for (st = 0; st < SR_STAGE_COUNT; st++)
            if ((sr_system_stages(sys) & (1u << st)) && used < sizeof(covers))
                used += (size_t)snprintf(covers + used,
                                         sizeof(covers) - used, "%s%s",
                                         used ? ", " : "", sr_stage_name(st));
        cli_error(_("indicator system '%s' is not written for stage '%s' "
                    "(it covers: %s)"),
                  sr_system_id(sys),
                  sr_stage_name((int)s->attr[SR_ATTR_STAGE]), covers);
        ex = EXIT_INVALID;
    }

cleanup:
    sr_diags_release(&d);
    return ex;
}

void
cli_csv_field(FILE *f, const char *s, bool last)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n") || *s == ' ' ||
        (*s && s[strlen(s) - 1] == ' ')) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\n" : ",", f);
}

int
cli_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;

    while (*p) {
        unsigned cp;
        int n;

        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 3;
        } else {
            cp = *p & 0x07;
            n = 4;
        }
        for (int k = 1; k < n && p[k]; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        for (int k = 0; k < n && *p; k++)
            p++;
        /* East Asian wide and fullwidth ranges that occur in our text. */
        if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
            (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
            (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
            (cp >= 0xFFE0 && cp <= 0xFFE6))
            w += 2;
        else
            w += 1;
    }
    return w;
}

void
cli_pad(FILE *f, const char *s, int w)
{
    int n = cli_width(s);

    fputs(s, f);
    for (; n < w; n++)
        fputc(' ', f);
}

void
cli_pad_left(FILE *f, const char *s, int w)
{
    int n = cli_width(s);

    for (; n < w; n++)
        fputc(' ', f);
    fputs(s, f);
}

const char *
cli_num(char *buf, size_t size, int64_t v, int scale, int min_decimals)
{
    sr_decimal_format(v, scale, min_decimals, buf, size);
    return buf;
}

int
cli_option_error(int c, char **argv, const char *usage)
{
    const char *opt = argv[optind - 1];

    if (c == ':')
        cli_error(_("option '%s' needs a value"), opt);
    else
        cli_error(_("unknown option '%s'"), opt);
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}

bool
cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int
cli_finish_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error(_("cannot write the output: %s"), strerror(errno));
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

bool
cli_db_option(int c, struct cli_db *o)
{
    switch (c) {
    case CLI_OPT_DB:
        o->db = optarg;
        return true;
    case CLI_OPT_BY:
        o->by = optarg;
        return true;
    default:
        return false;
    }
}

int
cli_date_arg(const char *option, const char *text, char buf[11])
{
    if (sr_date_parse(text, buf) == SR_OK)
        return EXIT_OK;
    cli_error(_("%s expects a date (2026-12-31, 2026/12/31, 2026.12.31 or "
                "2026年12月31日), not '%s'"),
              option, text);
    return EXIT_USAGE;
}

time_t
cli_parse_clock(const char *s)
{
    struct tm tm;
    const char *end;

    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return 0;
    return timegm(&tm);
}

int
cli_store_open(const char *db_opt, const char *by_opt, int flags,
               struct sr_store **out)
{
    const char *path = db_opt, *by = by_opt, *clk;
    struct passwd *pw;
    sr_error rc;

    if (!path)
        path = getenv("SCHOOLRISK_DB");
    if (!path || !*path)
        path = "schoolrisk.db";
    if (!by || !*by)
        by = getenv("SCHOOLRISK_USER");
    if ((!by || !*by) && (pw = getpwuid(geteuid())))
        by = pw->pw_name;
    if (!by || !*by)
        by = "unknown";
    rc = sr_store_open(path, flags, out);
    if (rc == SR_OK)
        rc = sr_store_set_actor(*out, by);
    if (rc != SR_OK) {
        int ex = cli_store_error(*out, rc);

        sr_store_close(*out);
        *out = NULL;
        return ex;
    }
    clk = getenv("SCHOOLRISK_CLOCK");
    if (clk && *clk) {
        time_t t = cli_parse_clock(clk);

        if (!t) {
            cli_error(_("SCHOOLRISK_CLOCK must be YYYY-MM-DDTHH:MM:SSZ, not "
                        "'%s'"),
                      clk);
            sr_store_close(*out);
            *out = NULL;
            return EXIT_USAGE;
        }
        sr_store_set_clock(*out, t);
    }
    return EXIT_OK;
}

int
cli_store_error(struct sr_store *st, sr_error rc)
{
    const char *m = st ? sr_store_errmsg(st) : "";

    cli_error("%s", *m ? m : sr_strerror(rc));
    return cli_exit_for(rc);
}

void
cj_add(cJSON *obj, const char *key, cJSON *val, int *ok)
{
    sr_json_add(obj, key, val, ok);
}

cJSON *
cj_str(const char *s)
{
    return sr_json_str(s);
}

cJSON *
cj_num(int64_t v, int scale, int min_decimals)
{
    return sr_json_num(v, scale, min_decimals);
}

int
cli_dispatch(int argc, char **argv, const struct cli_sub *subs, size_t n,
             const char *usage, const char *group)
{
    size_t i;

    if (argc < 2) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        fputs(_(usage), stdout);
        return EXIT_OK;
    }
    for (i = 0; i < n; i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc - 1, argv + 1);
    cli_error(_("unknown %s command '%s'"), group, argv[1]);
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}
