/*
 * users.c - `schoolrisk users add|list|show|passwd|disable|enable|unlock|
 * grant|revoke|totp-reset`: user accounts and their role grants, at the
 * server (docs/users.md).  The rules are the library's
 * (schoolrisk/auth.h); this file parses, calls and prints.
 *
 * The CLI acts as the OS user (or $SCHOOLRISK_USER) and never takes a
 * password: `add` and `passwd` set a random one-time password, printed
 * once, that the user must change at the first sign-in.  This is how
 * the first administrator is made: there is no default password.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/store.h"

static const char users_usage[] =
    N_("usage: schoolrisk users <command> [options] [--db PATH]\n"
    "\n"
    "  add LOGIN --name NAME [--unit UNIT] [--phone PHONE]\n"
    "      [--role ROLE [--district D] [--school CODE]]\n"
    "                            create a user with a one-time password\n"
    "  list [--json]             every user: login, name, roles, status\n"
    "  show LOGIN [--json]       one user: fields, grants, lock, second\n"
    "                            factor, last sign-in\n"
    "  passwd LOGIN              reset to a new one-time password\n"
    "  disable LOGIN             disable the account (its sessions end)\n"
    "  enable LOGIN              enable it again\n"
    "  unlock LOGIN              lift a lockout after failed sign-ins\n"
    "  grant LOGIN --role ROLE [--district D] [--school CODE]\n"
    "                            grant a role\n"
    "  revoke LOGIN --grant ID   revoke one of the user's grants\n"
    "  totp-reset LOGIN          remove the second factor (a lost phone)\n"
    "\n"
    "Roles: admin (系统管理员: users and grants only), city (市局: every\n"
    "district), district (区县: --district), school (学校: --school),\n"
    "inspector (检查员: --district or --school).  A district is given by\n"
    "its code (370102) or name (历下区), a school by its 10-digit code.\n"
    "Every change is in the security log, by $SCHOOLRISK_USER or the\n"
    "login name.  Run 'schoolrisk users <command> --help' for one "
    "command.\n");

static const char add_usage[] =
    N_("usage: schoolrisk users add LOGIN --name NAME [--unit UNIT] "
    "[--phone PHONE]\n"
    "                            [--role ROLE [--district D] "
    "[--school CODE]]\n"
    "                            [--db PATH]\n"
    "\n"
    "Create a user.  LOGIN is 2 to 64 of A-Z a-z 0-9 . _ @ - and unique in\n"
    "any case; NAME is the person's name (姓名), UNIT their unit (工作单位).\n"
    "The password is random, printed once, and must be changed at the first\n"
    "sign-in.  --role grants a role at once (see 'schoolrisk users\n"
    "--help'); the first administrator is made with --role admin.\n");

static const char list_usage[] =
    N_("usage: schoolrisk users list [--json] [--db PATH]\n"
    "\n"
    "List every user by login: name, roles held (active grants) and\n"
    "status (disabled, locked).\n");

static const char show_usage[] =
    N_("usage: schoolrisk users show LOGIN [--json] [--db PATH]\n"
    "\n"
    "Show a user: the fields, the active grants with their districts and\n"
    "schools, whether the account is disabled or locked, whether a second\n"
    "factor (TOTP) is enrolled, and the last sign-in.\n");

static const char passwd_usage[] =
    N_("usage: schoolrisk users passwd LOGIN [--db PATH]\n"
    "\n"
    "Reset the password to a new random one-time password, printed once;\n"
    "the user must change it at the next sign-in.  Every session of the\n"
    "user ends.\n");

static const char disable_usage[] =
    N_("usage: schoolrisk users disable LOGIN [--db PATH]\n"
    "\n"
    "Disable the account: it cannot sign in and every session ends.  The\n"
    "last enabled administrator cannot be disabled.\n");

static const char enable_usage[] =
    N_("usage: schoolrisk users enable LOGIN [--db PATH]\n"
    "\n"
    "Enable a disabled account again.\n");

static const char unlock_usage[] =
    N_("usage: schoolrisk users unlock LOGIN [--db PATH]\n"
    "\n"
    "Lift a lockout (after repeated failed sign-ins) now and clear the\n"
    "failure count.\n");

static const char grant_usage[] =
    N_("usage: schoolrisk users grant LOGIN --role ROLE [--district D] "
    "[--school CODE]\n"
    "                              [--db PATH]\n"
    "\n"
    "Grant a role: admin and city take no scope, district takes --district,\n"
    "school takes --school, inspector takes --district or --school.\n");

static const char revoke_usage[] =
    N_("usage: schoolrisk users revoke LOGIN --grant ID [--db PATH]\n"
    "\n"
    "Revoke one of the user's active grants (its id is in 'schoolrisk users\n"
    "show LOGIN').  It stays in the records, marked revoked.  The last\n"
    "admin grant cannot be revoked.\n");

static const char totp_usage[] =
    N_("usage: schoolrisk users totp-reset LOGIN [--db PATH]\n"
    "\n"
    "Remove the user's second factor (a lost phone): every session of the\n"
    "user ends, and the user enrols again at the next sign-in when a role\n"
    "requires it.\n");

/* The users commands' own options (long-only; values from 256). */
enum {
    OPT_NAME = 256, OPT_UNIT, OPT_PHONE, OPT_ROLE, OPT_DISTRICT, OPT_SCHOOL,
    OPT_GRANT, OPT_JSON
};

struct args {
    struct cli_db dbo;
    const char *name, *unit, *phone, *role, *district, *school, *grant;
    bool json;
    const char *login; /* the one positional argument */
};

/* Parse argv (argv[0] is the subcommand) with the options of opts; every
 * command takes LOGIN except list.  Returns EXIT_OK, or an exit code
 * after printing (help: -1). */
static int
parse(int argc, char **argv, const struct option *opts, const char *usage,
      bool takes_login, struct args *a)
{
    int c, npos = takes_login ? 1 : 0;

    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case OPT_NAME: a->name = optarg; break;
        case OPT_UNIT: a->unit = optarg; break;
        case OPT_PHONE: a->phone = optarg; break;
        case OPT_ROLE: a->role = optarg; break;
        case OPT_DISTRICT: a->district = optarg; break;
        case OPT_SCHOOL: a->school = optarg; break;
        case OPT_GRANT: a->grant = optarg; break;
        case OPT_JSON: a->json = true; break;
        default:
            if (cli_db_option(c, &a->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc - optind > npos) {
        cli_error(_("unexpected argument '%s'"), argv[optind + npos]);
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (npos && optind == argc) {
        cli_error(_("the login is required"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (npos)
        a->login = argv[optind];
    return EXIT_OK;
}

/* A required option; prints the usage error when missing. */
static int
need(const char *value, const char *option, const char *usage)
{
    if (value)
        return EXIT_OK;
    /* TRANSLATORS: after an option's name: "--deadline is required"
       (the library's "%s is required" takes words, not options). */
    cli_error("%s %s", option, _("is required"));
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}

static int
role_arg(const char *s, int *role)
{
    *role = sr_role_lookup(s);
    if (*role >= 0)
        return EXIT_OK;
    cli_error(_("--role takes admin 系统管理员, city 市局, district 区县, "
                "school 学校 or inspector 检查员, not '%s'"),
              s);
    return EXIT_USAGE;
}

static const char *
dash(const char *s)
{
    return s && *s ? s : "-";
}

/* "2026-09-15T02:30:00Z" for seconds since the epoch. */
static const char *
utc(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* What a grant covers, in words: "370102 历下区", "all districts". */
static const char *
grant_scope(const struct sr_grant *g, char *buf, size_t size)
{
    if (g->school)
        snprintf(buf, size, "%s %s", g->school,
                 g->school_name ? g->school_name : "");
    else if (g->district)
        snprintf(buf, size, "%s %s", g->district,
                 g->district_name ? g->district_name : "");
    else if (g->role == SR_ROLE_CITY)
        snprintf(buf, size, "%s", _("all districts"));
    else
        snprintf(buf, size, "%s", _("users and grants"));
    return buf;
}

/* The roles of a user's grants by their labels, "区县,检查员" (the
 * table's values are the bureau's words; --json has the names), or
 * "-". */
static const char *
roles_text(const struct sr_user *u, char *buf, size_t size)
{
    size_t used = 0, i;
    int r;

    buf[0] = '\0';
    for (r = 0; r < SR_ROLE_COUNT; r++)
        for (i = 0; i < u->n_grants; i++)
            if (u->grants[i].role == r) {
                if (used < size)
                    used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                             used ? "," : "",
                                             sr_role_label(r));
                break;
            }
    return dash(buf);
}

/* The account's state as the table shows it (--json: "disabled",
 * "locked"). */
static const char *
status_text(const struct sr_user *u)
{
    if (u->disabled && u->locked)
        return "已停用,已锁定";
    if (u->disabled)
        return "已停用";
    if (u->locked)
        return "已锁定";
    return "正常";
}

/* Open the store (flags: sr_store_open()'s) and find the user named on
 * the command line.  Prints and returns the exit code on failure (the
 * store is then closed). */
static int
open_user(const struct args *a, int flags, struct sr_store **st,
          struct sr_user *u)
{
    sr_error rc;
    int ex;

    memset(u, 0, sizeof(*u));
    ex = cli_store_open(a->dbo.db, NULL, flags, st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_user_find(*st, a->login, u);
    if (rc != SR_OK) {
        ex = cli_store_error(*st, rc);
        sr_user_release(u);
        sr_store_close(*st);
        *st = NULL;
    }
    return ex;
}

/* A new one-time password that meets the default policy for login. */
static void
one_time_password(const char *login, char pw[17])
{
    struct sr_auth_policy p;

    sr_auth_policy_init(&p);
    sr_password_for(&p, login, pw);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */

static cJSON *
user_json(const struct sr_user *u, int *ok)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    char buf[32];
    size_t i;

    if (!o) {
        *ok = 0;
        return NULL;
    }
    cj_add(o, "id", cJSON_CreateNumber((double)u->id), ok);
    cj_add(o, "login", cj_str(u->login), ok);
    cj_add(o, "name", cj_str(u->name), ok);
    cj_add(o, "unit", cj_str(u->unit), ok);
    cj_add(o, "phone", cj_str(u->phone), ok);
    cj_add(o, "disabled", cJSON_CreateBool(u->disabled), ok);
    cj_add(o, "locked", cJSON_CreateBool(u->locked), ok);
    cj_add(o, "locked_until",
           cj_str(u->locked ? utc(u->locked_until, buf) : NULL), ok);
    cj_add(o, "failed_logins", cJSON_CreateNumber(u->failed_logins), ok);
    cj_add(o, "must_change", cJSON_CreateBool(u->must_change), ok);
    cj_add(o, "totp", cJSON_CreateBool(u->totp), ok);
    cj_add(o, "password_set_at", cj_str(u->password_set_at), ok);
    cj_add(o, "created_at", cj_str(u->created_at), ok);
    cj_add(o, "created_by", cj_str(u->created_by), ok);
    arr = cJSON_CreateArray();
    cj_add(o, "grants", arr, ok);
    for (i = 0; arr && i < u->n_grants; i++) {
        const struct sr_grant *g = &u->grants[i];
        cJSON *j = cJSON_CreateObject();

        cj_add(arr, NULL, j, ok);
        if (!j)
            break;
        cj_add(j, "id", cJSON_CreateNumber((double)g->id), ok);
        cj_add(j, "role", cj_str(sr_role_name(g->role)), ok);
        cj_add(j, "role_label", cj_str(sr_role_label(g->role)), ok);
        cj_add(j, "district", cj_str(g->district), ok);
        cj_add(j, "district_name", cj_str(g->district_name), ok);
        cj_add(j, "school", cj_str(g->school), ok);
        cj_add(j, "school_name", cj_str(g->school_name), ok);
        cj_add(j, "granted_at", cj_str(g->granted_at), ok);
        cj_add(j, "granted_by", cj_str(g->granted_by), ok);
    }
    return o;
}

static int
print_json(cJSON *root, int ok)
{
    char *text = ok && root ? cJSON_Print(root) : NULL;

    cJSON_Delete(root);
    if (!text) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    puts(text);
    free(text);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* users list                                                           */
/* ------------------------------------------------------------------ */

enum { COL_LOGIN, COL_NAME, COL_ROLES, COL_STATUS, NCOL };

/* A column's heading in the reader's language (the widths are the
 * translations'). */
static const char *
heading(int col)
{
    switch (col) {
    case COL_LOGIN:
        return _("LOGIN");
    case COL_NAME:
        return C_("a person's", "NAME");
    case COL_ROLES:
        return _("ROLES");
    default:
        return _("STATUS");
    }
}

struct list_ctx {
    int w[NCOL];
    bool print;   /* the second pass */
    size_t n;
    cJSON *arr;   /* --json */
    int ok;
};

static const char *
cell(const struct sr_user *u, int col, char *buf, size_t size)
{
    switch (col) {
    case COL_LOGIN:
        return u->login;
    case COL_NAME:
        return u->name;
    case COL_ROLES:
        return roles_text(u, buf, size);
    default:
        return status_text(u);
    }
}

static int
list_row(const struct sr_user *u, void *ctx)
{
    struct list_ctx *lc = ctx;
    char buf[128];
    int col;

    lc->n++;
    if (lc->arr) {
        cj_add(lc->arr, NULL, user_json(u, &lc->ok), &lc->ok);
        return !lc->ok;
    }
    for (col = 0; col < NCOL; col++) {
        const char *t = cell(u, col, buf, sizeof(buf));

        if (!lc->print) {
            if (cli_width(t) > lc->w[col])
                lc->w[col] = cli_width(t);
        } else if (col == NCOL - 1) {
            printf("%s\n", t);
        } else {
            cli_pad(stdout, t, lc->w[col] + 2);
        }
    }
    return 0;
}

static int
run_list(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct list_ctx lc;
    struct args a;
    sr_error rc;
    int ex, col;

    ex = parse(argc, argv, opts, list_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    memset(&lc, 0, sizeof(lc));
    lc.ok = 1;
    if (a.json) {
        lc.arr = cJSON_CreateArray();
        lc.ok = lc.arr != NULL;
        rc = lc.ok ? sr_user_list(st, list_row, &lc) : SR_OK;
        if (rc != SR_OK) {
            cJSON_Delete(lc.arr);
            ex = cli_store_error(st, rc);
        } else {
            ex = print_json(lc.arr, lc.ok);
        }
        goto cleanup;
    }
    for (col = 0; col < NCOL; col++)
        lc.w[col] = cli_width(heading(col));
    rc = sr_user_list(st, list_row, &lc);
    if (rc == SR_OK && lc.n) {
        for (col = 0; col < NCOL; col++) {
            if (col == NCOL - 1)
                printf("%s\n", heading(col));
            else
                cli_pad(stdout, heading(col), lc.w[col] + 2);
        }
        lc.print = true;
        lc.n = 0;
        rc = sr_user_list(st, list_row, &lc);
    }
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    printf(lc.n == 1 ? _("%zu user\n") : _("%zu users\n"), lc.n);

cleanup:
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* users show                                                           */
/* ------------------------------------------------------------------ */

/* The last sign-in of a user, from the security log. */
struct last_login {
    char at[32];
    char source[72];
    bool found;
};

static int
last_login_fn(const struct sr_security_event *e, void *ctx)
{
    struct last_login *ll = ctx;

    ll->found = true;
    snprintf(ll->at, sizeof(ll->at), "%s", e->at);
    snprintf(ll->source, sizeof(ll->source), "%s", e->source ? e->source :
                                                               "");
    return 1;
}

/* A field label of `users show`, in the reader's language, padded to
 * one column whatever its width. */
static void
field(const char *label)
{
    cli_pad(stdout, label, 18);
}

static void
print_user(const struct sr_user *u, const struct last_login *ll)
{
    char buf[256];
    size_t i;

    field(_("login:"));
    printf("%s\n", u->login);
    field(_("id:"));
    printf("%lld\n", (long long)u->id);
    field(_("name:"));
    printf("%s\n", u->name);
    field(_("unit:"));
    printf("%s\n", dash(u->unit));
    field(_("phone:"));
    printf("%s\n", dash(u->phone));
    field(_("status:"));
    printf("%s\n", u->disabled ? _("disabled") : _("enabled"));
    field(_("locked:"));
    if (u->locked)
        printf(_("yes, until %s\n"), utc(u->locked_until, buf));
    else
        printf("%s\n", _("no"));
    field(_("failed sign-ins:"));
    printf("%d\n", u->failed_logins);
    field(_("second factor:"));
    printf("%s\n", u->totp ? _("TOTP enrolled") : _("not enrolled"));
    field(_("password set:"));
    printf("%s%s\n", u->password_set_at,
           u->must_change ? _(" (must be changed at the next sign-in)") : "");
    field(_("created:"));
    printf(_("%s by %s\n"), u->created_at, u->created_by);
    field(_("last sign-in:"));
    if (ll->found && ll->source[0])
        printf(_("%s from %s\n"), ll->at, ll->source);
    else if (ll->found)
        printf("%s\n", ll->at);
    else
        printf("%s\n", _("never"));
    if (!u->n_grants) {
        field(_("grants:"));
        printf("%s\n", _("none"));
        return;
    }
    printf("%s\n", _("grants:"));
    for (i = 0; i < u->n_grants; i++) {
        const struct sr_grant *g = &u->grants[i];
        char id[24];

        snprintf(id, sizeof(id), "  %lld", (long long)g->id);
        cli_pad(stdout, id, 7);
        cli_pad(stdout, sr_role_name(g->role), 11);
        cli_pad(stdout, sr_role_label(g->role), 12);
        printf("%s  ", grant_scope(g, buf, sizeof(buf)));
        printf(_("(granted %s by %s)\n"), g->granted_at, g->granted_by);
    }
}

static int
run_show(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    struct sr_security_filter f;
    struct sr_store *st = NULL;
    struct last_login ll;
    struct sr_user u;
    struct args a;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, show_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = open_user(&a, SR_STORE_READONLY, &st, &u);
    if (ex != EXIT_OK)
        return ex;
    memset(&f, 0, sizeof(f));
    memset(&ll, 0, sizeof(ll));
    f.user = u.id;
    f.action = "login";
    f.limit = 1;
    rc = sr_security_list(st, &f, last_login_fn, &ll, NULL);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (a.json) {
        int ok = 1;
        cJSON *o = user_json(&u, &ok), *l = NULL;

        if (o && ll.found) {
            l = cJSON_CreateObject();
            if (l) {
                cj_add(l, "at", cj_str(ll.at), &ok);
                cj_add(l, "source", cj_str(ll.source[0] ? ll.source : NULL),
                       &ok);
            }
        } else if (o) {
            l = cJSON_CreateNull();
        }
        if (o)
            cj_add(o, "last_login", l, &ok);
        ex = print_json(o, ok);
        goto cleanup;
    }
    print_user(&u, &ll);

cleanup:
    sr_user_release(&u);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* users add, grant                                                     */
/* ------------------------------------------------------------------ */

/* Grant the role of a to user u (re-read on success to print the names
 * of the district or school).  Prints; returns an exit code. */
static int
do_grant(struct sr_store *st, const struct args *a, int role,
         const struct sr_user *u, bool to)
{
    struct sr_user after;
    char buf[256], scope[260];
    int64_t id = 0;
    sr_error rc;
    size_t i;

    memset(&after, 0, sizeof(after));
    rc = sr_grant_add(st, u->id, role, a->district, a->school, &id);
    if (rc == SR_OK)
        rc = sr_user_get(st, u->id, &after);
    if (rc != SR_OK) {
        int ex = cli_store_error(st, rc);

        sr_user_release(&after);
        return ex;
    }
    for (i = 0; i < after.n_grants; i++) {
        const struct sr_grant *g = &after.grants[i];

        if (g->id != id)
            continue;
        /* The scope, when the role has one, is " 370102 历下区". */
        scope[0] = '\0';
        if (g->district || g->school)
            snprintf(scope, sizeof(scope), " %s",
                     grant_scope(g, buf, sizeof(buf)));
        if (to)
            printf(_("granted %s (%s)%s to '%s' as grant %lld\n"),
                   sr_role_name(role), sr_role_label(role), scope, u->login,
                   (long long)id);
        else
            printf(_("granted %s (%s)%s as grant %lld\n"),
                   sr_role_name(role), sr_role_label(role), scope,
                   (long long)id);
    }
    sr_user_release(&after);
    return EXIT_OK;
}

static int
run_add(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"help", no_argument, NULL, 'h'},
        {"name", required_argument, NULL, OPT_NAME},
        {"phone", required_argument, NULL, OPT_PHONE},
        {"role", required_argument, NULL, OPT_ROLE},
        {"school", required_argument, NULL, OPT_SCHOOL},
        {"unit", required_argument, NULL, OPT_UNIT},
        {NULL, 0, NULL, 0},
    };
    struct sr_auth_policy p;
    struct sr_user_new n;
    struct sr_store *st = NULL;
    struct sr_user u;
    struct args a;
    char pw[17];
    int64_t id = 0;
    int ex, role = -1;
    sr_error rc;

    memset(&u, 0, sizeof(u));
    ex = parse(argc, argv, opts, add_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = need(a.name, "--name", add_usage);
    if (ex != EXIT_OK)
        return ex;
    if (!a.role && (a.district || a.school)) {
        cli_error(_("--district and --school go with --role"));
        fputs(_(add_usage), stderr);
        return EXIT_USAGE;
    }
    if (a.role && (ex = role_arg(a.role, &role)) != EXIT_OK)
        return ex;
    ex = cli_store_open(a.dbo.db, NULL, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    sr_auth_policy_init(&p);
    one_time_password(a.login, pw);
    memset(&n, 0, sizeof(n));
    n.login = a.login;
    n.name = a.name;
    n.unit = a.unit;
    n.phone = a.phone;
    n.password = pw;
    n.must_change = true;
    rc = sr_user_add(st, &p, &n, &id);
    if (rc == SR_OK)
        rc = sr_user_get(st, id, &u);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    printf(_("added user '%s' (id %lld)\n"), u.login, (long long)id);
    if (role >= 0) {
        ex = do_grant(st, &a, role, &u, false);
        if (ex != EXIT_OK)
            cli_error(_("user '%s' was added without that role: grant one "
                        "with 'schoolrisk users grant %s --role ...'"),
                      u.login, u.login);
    }
    /* Printed also when the grant failed: the account exists. */
    printf(_("one-time password: %s (the user must change it at the first "
             "sign-in)\n"),
           pw);

cleanup:
    memset(pw, 0, sizeof(pw));
    sr_user_release(&u);
    sr_store_close(st);
    return ex;
}

static int
run_grant(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"help", no_argument, NULL, 'h'},
        {"role", required_argument, NULL, OPT_ROLE},
        {"school", required_argument, NULL, OPT_SCHOOL},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_user u;
    struct args a;
    int ex, role;

    ex = parse(argc, argv, opts, grant_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if ((ex = need(a.role, "--role", grant_usage)) != EXIT_OK ||
        (ex = role_arg(a.role, &role)) != EXIT_OK)
        return ex;
    ex = open_user(&a, 0, &st, &u);
    if (ex != EXIT_OK)
        return ex;
    ex = do_grant(st, &a, role, &u, true);
    sr_user_release(&u);
    sr_store_close(st);
    return ex;
}

static int
run_revoke(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"grant", required_argument, NULL, OPT_GRANT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct sr_grant *g = NULL;
    struct sr_store *st = NULL;
    struct sr_user u;
    struct args a;
    char buf[256], *end;
    long long id;
    sr_error rc;
    size_t i;
    int ex;

    ex = parse(argc, argv, opts, revoke_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if ((ex = need(a.grant, "--grant", revoke_usage)) != EXIT_OK)
        return ex;
    errno = 0;
    id = strtoll(a.grant, &end, 10);
    if (errno || end == a.grant || *end || id <= 0 || a.grant[0] == '+') {
        cli_error(_("a grant id is a positive whole number, not '%s'"),
                  a.grant);
        return EXIT_USAGE;
    }
    ex = open_user(&a, 0, &st, &u);
    if (ex != EXIT_OK)
        return ex;
    for (i = 0; i < u.n_grants; i++)
        if (u.grants[i].id == id)
            g = &u.grants[i];
    if (!g) {
        cli_error(_("user '%s' holds no active grant %lld (see 'schoolrisk "
                    "users show %s')"),
                  u.login, id, u.login);
        ex = EXIT_INVALID;
        goto cleanup;
    }
    rc = sr_grant_revoke(st, id);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (g->district || g->school)
        printf(_("revoked grant %lld of '%s': %s (%s) %s\n"), id, u.login,
               sr_role_name(g->role), sr_role_label(g->role),
               grant_scope(g, buf, sizeof(buf)));
    else
        printf(_("revoked grant %lld of '%s': %s (%s)\n"), id, u.login,
               sr_role_name(g->role), sr_role_label(g->role));

cleanup:
    sr_user_release(&u);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* passwd, disable, enable, unlock, totp-reset                          */
/* ------------------------------------------------------------------ */

enum action { PASSWD, DISABLE, ENABLE, UNLOCK, TOTP_RESET };

static int
run_action(int argc, char **argv, enum action act)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *const usages[] = {passwd_usage, disable_usage,
                                         enable_usage, unlock_usage,
                                         totp_usage};
    struct sr_auth_policy p;
    struct sr_store *st = NULL;
    struct sr_user u;
    struct args a;
    char pw[17] = "";
    sr_error rc = SR_OK;
    int ex;

    ex = parse(argc, argv, opts, usages[act], true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = open_user(&a, 0, &st, &u);
    if (ex != EXIT_OK)
        return ex;
    sr_auth_policy_init(&p);
    switch (act) {
    case PASSWD:
        one_time_password(u.login, pw);
        rc = sr_user_set_password(st, &p, u.id, NULL, pw, true);
        break;
    case DISABLE:
    case ENABLE:
        rc = sr_user_set_disabled(st, u.id, act == DISABLE);
        break;
    case UNLOCK:
        rc = sr_user_unlock(st, u.id);
        break;
    case TOTP_RESET:
        rc = sr_totp_reset(st, u.id);
        break;
    }
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    switch (act) {
    case PASSWD:
        printf(_("reset the password of '%s'; every session of the user "
                 "ended\n"),
               u.login);
        printf(_("one-time password: %s (the user must change it at the "
                 "next sign-in)\n"),
               pw);
        break;
    case DISABLE:
        printf(_("disabled user '%s'; every session of the user ended\n"),
               u.login);
        break;
    case ENABLE:
        printf(_("enabled user '%s'\n"), u.login);
        break;
    case UNLOCK:
        printf(_("unlocked user '%s'\n"), u.login);
        break;
    case TOTP_RESET:
        printf(_("removed the second factor of '%s'; every session of the "
                 "user ended\n"),
               u.login);
        break;
    }

cleanup:
    memset(pw, 0, sizeof(pw));
    sr_user_release(&u);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */
/* ------------------------------------------------------------------ */

static int
cmd_passwd(int argc, char **argv)
{
    return run_action(argc, argv, PASSWD);
}

static int
cmd_disable(int argc, char **argv)
{
    return run_action(argc, argv, DISABLE);
}

static int
cmd_enable(int argc, char **argv)
{
    return run_action(argc, argv, ENABLE);
}

static int
cmd_unlock(int argc, char **argv)
{
    return run_action(argc, argv, UNLOCK);
}

static int
cmd_totp_reset(int argc, char **argv)
{
    return run_action(argc, argv, TOTP_RESET);
}

int
cmd_users(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", run_add},         {"disable", cmd_disable},
        {"enable", cmd_enable},   {"grant", run_grant},
        {"list", run_list},       {"passwd", cmd_passwd},
        {"revoke", run_revoke},   {"show", run_show},
        {"totp-reset", cmd_totp_reset}, {"unlock", cmd_unlock},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        users_usage, "users");
}
