/*
 * serve.c - `schoolrisk serve`: run the service (src/web/) on a
 * database, until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/i18n.h"
#include "web.h"

#ifndef SR_DEFAULT_WEB_DIR
#define SR_DEFAULT_WEB_DIR ""
#endif

/* The source tree's web/dist, for a build tree that was not installed. */
static const char default_web_dir[] = SR_DEFAULT_WEB_DIR;

static const char usage[] =
    N_("usage: schoolrisk serve [--db FILE] [--listen ADDR:PORT] [--web DIR]\n"
    "                        [--threads N] [--evidence-dir DIR]\n"
    "                        [--behind-proxy] [--origin URL] [--quiet]\n"
    "                        [--max-connections N] [--idle-timeout SEC]\n"
    "                        [--session-idle MIN] [--session-max HOURS]\n"
    "                        [--password-max-age DAYS] [--lock-after N]\n"
    "                        [--lock-minutes MIN] [--totp-roles LIST]\n"
    "                        [--cache-seconds SEC] [--read-db DB]\n"
    "       schoolrisk serve --routes\n"
    "\n"
    "Serve the JSON API under /api/v1/ and the browser pages under / for\n"
    "every user of the bureau; Ctrl-C or SIGTERM stops it after the\n"
    "requests in flight are answered.\n"
    "\n"
    "  --db FILE             the database (default $SCHOOLRISK_DB, else\n"
    "                        ./schoolrisk.db); it must exist: run\n"
    "                        'schoolrisk init' first\n"
    "  --read-db DB          read the workbook and bulletin downloads'\n"
    "                        figures from DB (a PostgreSQL standby,\n"
    "                        postgresql://...) instead of --db; writes go\n"
    "                        to --db.  Each request thread connects on its\n"
    "                        first download; while DB cannot be reached a\n"
    "                        download is answered 503 naming it\n"
    "  --listen ADDR:PORT    default 127.0.0.1:8080; port 0 picks one\n"
    "  --web DIR             the built front end (default: web/dist of the\n"
    "                        source tree, when built)\n"
    "  --threads N           request threads (default 8)\n"
    "  --evidence-dir DIR    where photos and PDFs are stored (default:\n"
    "                        FILE without .db, plus -evidence)\n"
    "  --behind-proxy        TLS ends at a reverse proxy on this host:\n"
    "                        Secure cookies, client address from X-Real-IP\n"
    "  --origin URL          the public origin (https://aq.example.gov.cn)\n"
    "                        that state-changing requests must come from\n"
    "                        (default: taken from the Host header)\n"
    "  --quiet               no access log on stderr\n"
    "  --max-connections N   default 1024\n"
    "  --idle-timeout SEC    close idle connections (default 30)\n"
    "  --session-idle MIN    sign out after MIN idle minutes (default 30)\n"
    "  --session-max HOURS   and after HOURS in any case (default 12)\n"
    "  --password-max-age DAYS  passwords older must be changed (default\n"
    "                        90; 0: never)\n"
    "  --lock-after N        failed sign-ins that lock an account (default\n"
    "                        5), for --lock-minutes MIN (default 30)\n"
    "  --cache-seconds SEC   how long the city's dashboard may be served\n"
    "                        after a write before it is recomputed in the\n"
    "                        background (default 60; 刷新 asks for fresh)\n"
    "  --totp-roles LIST     roles that must use a second factor, comma-\n"
    "                        separated (default admin,city; 'all' for\n"
    "                        every role)\n"
    "\n"
    "  --routes              print the route table (method, path, roles,\n"
    "                        target, body cap, flags) as tab-separated\n"
    "                        lines, and exit\n"
    "\n"
    "Users are created at the server with 'schoolrisk users add'.\n");

enum {
    OPT_ROUTES = 1999,
    OPT_LISTEN = 2000, OPT_WEB, OPT_THREADS, OPT_EVIDENCE, OPT_PROXY,
    OPT_ORIGIN, OPT_QUIET, OPT_MAXCONN, OPT_IDLE, OPT_SIDLE, OPT_SMAX,
    OPT_PWAGE, OPT_LOCKN, OPT_LOCKMIN, OPT_TOTP, OPT_CACHE, OPT_READDB
};

/* "admin,city" into a set of roles; false after printing. */
static bool
roles_of(const char *list, unsigned *out)
{
    char buf[256], *p, *save = NULL;
    int role;

    *out = 0;
    if (!strcmp(list, "all")) {
        for (role = 0; role < SR_ROLE_COUNT; role++)
            *out |= SR_ROLES(role);
        return true;
    }
    if (strlen(list) >= sizeof(buf)) {
        cli_error(_("--totp-roles is too long"));
        return false;
    }
    snprintf(buf, sizeof(buf), "%s", list);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        role = sr_role_lookup(p);
        if (role < 0) {
            cli_error(_("--totp-roles: unknown role '%s' (admin 系统管理员, "
                        "city 市局, district 区县, school 学校, inspector "
                        "检查员, or all)"),
                      p);
            return false;
        }
        *out |= SR_ROLES(role);
    }
    return true;
}

/* A whole number in [lo, hi] for option name; false after printing. */
static bool
number(const char *name, const char *s, long lo, long hi, unsigned *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        cli_error(_("--%s must be a whole number from %ld to %ld, not '%s'"),
                  name, lo, hi, s);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* The default evidence directory: the database's name without ".db",
 * plus "-evidence", beside it. */
static char *
evidence_dir_for(const char *db)
{
    size_t n = strlen(db);
    char *p;

    if (n > 3 && !strcmp(db + n - 3, ".db"))
        n -= 3;
    p = malloc(n + sizeof("-evidence"));
    if (p) {
        memcpy(p, db, n);
        memcpy(p + n, "-evidence", sizeof("-evidence"));
    }
    return p;
}

static const char *const target_names[] = {
    [WEB_T_NONE] = "none",           [WEB_T_SCHOOL] = "school",
    [WEB_T_DISTRICT] = "district",   [WEB_T_HAZARD] = "hazard",
    [WEB_T_ASSESSMENT] = "assessment", [WEB_T_DRAFT] = "draft",
    [WEB_T_EVIDENCE] = "evidence",   [WEB_T_BODY_SCHOOL] = "body:school",
    [WEB_T_QUERY_SCHOOL] = "query:school",
    [WEB_T_BODY_SCOPE] = "body:scope",
    [WEB_T_QUERY_DISTRICT] = "query:district",
    [WEB_T_EXPERT] = "expert",
    [WEB_T_PLAN] = "plan",
};

/* The route table, one route a line: what docs/api.md documents and
 * what the authorization test drives (tests/web/test_authz.py). */
static int
print_routes(void)
{
    size_t i;
    int role;

    printf("method\tpath\troles\ttarget\tbody_cap\tflags\tsummary\n");
    for (i = 0; i < web_n_routes; i++) {
        const struct web_route *rt = &web_routes[i];
        int first = 1;

        printf("%s\t%s\t", rt->method, rt->pattern);
        if (rt->flags & WEB_PUBLIC)
            printf("public");
        if (rt->roles & WEB_SIGNED_IN)
            printf("signed-in");
        for (role = 0; role < SR_ROLE_COUNT; role++)
            if (rt->roles & SR_ROLES(role)) {
                printf("%s%s", first ? "" : ",", sr_role_name(role));
                first = 0;
            }
        printf("\t%s\t%zu\t", target_names[rt->target], rt->body_cap);
        first = 1;
        if (rt->flags & WEB_ANY_STAGE) {
            printf("any-stage");
            first = 0;
        }
        if (rt->flags & WEB_JSON) {
            printf("%sjson", first ? "" : ",");
            first = 0;
        }
        if (rt->flags & WEB_RAW) {
            printf("%sraw", first ? "" : ",");
            first = 0;
        }
        if (rt->flags & WEB_SLOW)
            printf("%sslow", first ? "" : ",");
        printf("\t%s\n", rt->summary);
    }
    return cli_finish_output();
}

int
cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"behind-proxy", no_argument, NULL, OPT_PROXY},
        {"cache-seconds", required_argument, NULL, OPT_CACHE},
        CLI_OPTION_DB,
        {"evidence-dir", required_argument, NULL, OPT_EVIDENCE},
        {"help", no_argument, NULL, 'h'},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"lock-after", required_argument, NULL, OPT_LOCKN},
        {"lock-minutes", required_argument, NULL, OPT_LOCKMIN},
        {"max-connections", required_argument, NULL, OPT_MAXCONN},
        {"origin", required_argument, NULL, OPT_ORIGIN},
        {"password-max-age", required_argument, NULL, OPT_PWAGE},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"read-db", required_argument, NULL, OPT_READDB},
        {"routes", no_argument, NULL, OPT_ROUTES},
        {"session-idle", required_argument, NULL, OPT_SIDLE},
        {"session-max", required_argument, NULL, OPT_SMAX},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"totp-roles", required_argument, NULL, OPT_TOTP},
        {"web", required_argument, NULL, OPT_WEB},
        {NULL, 0, NULL, 0},
    };
    struct web_config cfg;
    struct cli_db dbo = {NULL, NULL};
    char *evidence = NULL, web_default[PATH_MAX];
    const char *clk;
    unsigned minutes, hours;
    bool quiet = false;
    int c, rc;

    memset(&cfg, 0, sizeof(cfg));
    cfg.listen = "127.0.0.1:8080";
    cfg.threads = 8;
    cfg.max_connections = 1024;
    cfg.idle_timeout = 30;
    cfg.cache_seconds = 60;
    cfg.template_dir = getenv("SCHOOLRISK_TEMPLATES");
    if (!cfg.template_dir || !*cfg.template_dir)
        cfg.template_dir = SR_DEFAULT_TEMPLATE_DIR;
    sr_auth_policy_init(&cfg.policy);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case OPT_ROUTES:
            return print_routes();
        case OPT_LISTEN:
            cfg.listen = optarg;
            break;
        case OPT_WEB:
            cfg.web_dir = optarg;
            break;
        case OPT_THREADS:
            if (!number("threads", optarg, 1, 256, &cfg.threads))
                return EXIT_USAGE;
            break;
        case OPT_EVIDENCE:
            cfg.evidence_dir = optarg;
            break;
        case OPT_PROXY:
            cfg.behind_proxy = true;
            break;
        case OPT_ORIGIN:
            cfg.origin = optarg;
            break;
        case OPT_QUIET:
            quiet = true;
            break;
        case OPT_READDB:
            cfg.read_db = optarg;
            break;
        case OPT_MAXCONN:
            if (!number("max-connections", optarg, 4, 100000,
                        &cfg.max_connections))
                return EXIT_USAGE;
            break;
        case OPT_IDLE:
            if (!number("idle-timeout", optarg, 1, 3600, &cfg.idle_timeout))
                return EXIT_USAGE;
            break;
        case OPT_SIDLE:
            if (!number("session-idle", optarg, 1, 1440, &minutes))
                return EXIT_USAGE;
            cfg.policy.session_idle = minutes * 60;
            break;
        case OPT_SMAX:
            if (!number("session-max", optarg, 1, 168, &hours))
                return EXIT_USAGE;
            cfg.policy.session_max = hours * 3600;
            break;
        case OPT_PWAGE:
            if (!number("password-max-age", optarg, 0, 3650,
                        &cfg.policy.max_age_days))
                return EXIT_USAGE;
            break;
        case OPT_LOCKN:
            if (!number("lock-after", optarg, 1, 100,
                        &cfg.policy.lock_after))
                return EXIT_USAGE;
            break;
        case OPT_CACHE:
            if (!number("cache-seconds", optarg, 1, 86400,
                        &cfg.cache_seconds))
                return EXIT_USAGE;
            break;
        case OPT_TOTP:
            if (!roles_of(optarg, &cfg.policy.totp_roles))
                return EXIT_USAGE;
            break;
        case OPT_LOCKMIN:
            if (!number("lock-minutes", optarg, 1, 1440,
                        &cfg.policy.lock_minutes))
                return EXIT_USAGE;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    cfg.db = dbo.db ? dbo.db : getenv("SCHOOLRISK_DB");
    if (!cfg.db || !*cfg.db)
        cfg.db = "schoolrisk.db";
    if (cfg.policy.session_idle > cfg.policy.session_max) {
        cli_error(_("--session-idle is longer than --session-max"));
        return EXIT_USAGE;
    }
    if (!cfg.web_dir && default_web_dir[0] &&
        realpath(default_web_dir, web_default))
        cfg.web_dir = web_default;
    if (cfg.web_dir && access(cfg.web_dir, R_OK | X_OK) != 0) {
        cli_error(_("cannot read the front end in '%s': %s"), cfg.web_dir,
                  strerror(errno));
        return EXIT_INVALID;
    }
    if (!cfg.evidence_dir) {
        evidence = evidence_dir_for(cfg.db);
        if (!evidence) {
            cli_error(_("out of memory"));
            return EXIT_INTERNAL;
        }
        cfg.evidence_dir = evidence;
    }
    clk = getenv("SCHOOLRISK_CLOCK");
    if (clk && *clk && !(cfg.clock = cli_parse_clock(clk))) {
        cli_error(_("SCHOOLRISK_CLOCK must be YYYY-MM-DDTHH:MM:SSZ, not '%s'"),
                  clk);
        free(evidence);
        return EXIT_USAGE;
    }
    cfg.log = quiet ? NULL : stderr;
    if (!cfg.web_dir)
        cli_warn(_("no front end to serve (build web/ or give --web DIR): "
                   "only the API answers"));
    rc = web_serve(&cfg);
    free(evidence);
    return rc;
}
