/*
 * cli.h - shared pieces of the `schoolrisk` command-line front end.
 *
 * The CLI parses arguments, calls the library and prints; it holds no
 * business logic.  Each subcommand lives in its own file as
 * cmd_<name>() and is registered in the table in main.c.
 */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "schoolrisk/error.h"
#include "schoolrisk/i18n.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/school.h"

/* A message a person reads, in the locale's language (main.c calls
 * sr_i18n_init()); N_() marks one kept in a table or a static array,
 * such as each command's --help text, translated where it is printed
 * with _().  N_() expands to the bare literal so that it can initialise
 * a char array. */
#define _(s) sr_gettext(s)
#define N_(s) s

/* A message whose English means two things ("NAME": a person's or a
 * school's) with its context, which tells them apart in the catalogue
 * (msgctxt; xgettext --keyword=C_:1c,2). */
#define C_(ctx, s) cli_pgettext(ctx "\004" s, s)
const char *cli_pgettext(const char *ctx_msgid, const char *msgid)
    __attribute__((format_arg(2)));

/* Exit codes, listed once (README "Exit codes"). */
enum cli_exit {
    EXIT_OK = 0,       /* success */
    EXIT_INVALID = 1,  /* invalid input: a bad file, value or state */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INTERNAL = 3, /* out of memory, output failure, library bug */
    EXIT_DB = 4        /* the database failed: full disk, read-only, busy */
};

/* Messages go to stderr, prefixed "schoolrisk: " (curl's tool_msgs). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print every diagnostic, one per line, to stderr. */
void cli_print_diags(const struct sr_diags *d);

/* Map a library error to an exit code. */
int cli_exit_for(sr_error rc);

/* The indicator directory: --dir if given, else $SCHOOLRISK_INDICATORS,
 * else the compiled-in default. */
const char *cli_indicator_dir(const char *opt_dir);

/* A system named on the command line: a file path, or an id looked up
 * in the indicator directory.  Whatever is loaded is owned by *owner
 * (free with cli_system_release()). */
struct cli_system {
    struct sr_system *sys;      /* loaded from a file */
    struct sr_catalog *cat;     /* or the catalog it was found in */
    const struct sr_system *use;
};

int cli_system_load(struct cli_system *cs, const char *arg,
                    const char *opt_dir);
void cli_system_release(struct cli_system *cs);

/* A school given by --school FILE, by --attr KEY=VALUE options, or by
 * --school-code CODE: a registry school, read from the database --db
 * (else $SCHOOLRISK_DB; one of them is required). */
struct cli_school_opts {
    const char *file;
    const char *attrs[64];
    int n_attrs;
    const char *code; /* --school-code, or NULL */
    const char *db;   /* --db, or NULL */
};

/* The system of a registry school given without --system: the current
 * system of its stage in the database (nothing loaded when no database
 * is named: cli_school_build() then says so).  Returns an exit code
 * (messages printed); release cs with cli_system_release(). */
int cli_system_of_school(const struct cli_school_opts *o,
                         struct cli_system *cs);

/* Add one --attr; returns EXIT_OK or EXIT_USAGE (too many). */
int cli_school_add_attr(struct cli_school_opts *o, const char *kv);

/* Build the school; checks that the stage is covered by sys (when not
 * NULL).  Exactly one of the three ways must be used.  Returns an exit
 * code (messages printed). */
int cli_school_build(const struct cli_school_opts *o,
                     const struct sr_system *sys, struct sr_school *s);

/* Write a CSV field, quoted when needed. */
void cli_csv_field(FILE *f, const char *s, bool last);

/* Display width of a UTF-8 string in terminal columns (CJK = 2). */
int cli_width(const char *s);

/* Print s padded with spaces to w columns. */
void cli_pad(FILE *f, const char *s, int w);

/* Print s right-aligned in w columns (spaces before it): a heading over
 * numbers, whose width is its translation's. */
void cli_pad_left(FILE *f, const char *s, int w);

/* Format a scaled decimal; returns buf. */
const char *cli_num(char *buf, size_t size, int64_t v, int scale,
                    int min_decimals);

/* Report a getopt_long() failure (optstring starting with ':') as
 * "schoolrisk: error: ..." followed by the usage; returns EXIT_USAGE. */
int cli_option_error(int c, char **argv, const char *usage);

/* True when argv[i] is -h or --help. */
bool cli_is_help(const char *arg);

/* Flush stdout and report a failed write (a full disk, a closed pipe):
 * returns EXIT_OK or EXIT_INTERNAL. */
int cli_finish_output(void);

/* The items of sys as CSV (the columns of `indicators show`) or as a
 * tree, limited to the items that apply to school when not NULL. */
int cli_items_csv(const struct sr_system *sys, const struct sr_school *school);
int cli_items_tree(const struct sr_system *sys,
                   const struct sr_school *school);

/* Open the database for a command: the path is --db (db_opt), else
 * $SCHOOLRISK_DB, else "schoolrisk.db"; the actor is --by (by_opt), else
 * $SCHOOLRISK_USER, else the login name.  $SCHOOLRISK_CLOCK
 * ("YYYY-MM-DDTHH:MM:SSZ") pins the clock for reproducible runs.  flags
 * are sr_store_open()'s.  Prints the error and returns its exit code. */
struct sr_store;
int cli_store_open(const char *db_opt, const char *by_opt, int flags,
                   struct sr_store **out);

/* The --db and --by options of the database commands.  Each command's
 * option table lists CLI_OPTION_BY (only when it takes --by) and
 * CLI_OPTION_DB in their sorted places (getopt.h supplies
 * required_argument), and its getopt_long() switch ends in
 *
 *     default:
 *         if (cli_db_option(c, &dbo))
 *             break;
 *         return cli_option_error(c, argv, usage);
 *
 * The codes are long-only and above every short option and every
 * command's own long-only codes. */
enum cli_db_opt { CLI_OPT_DB = 1000, CLI_OPT_BY };

#define CLI_OPTION_BY {"by", required_argument, NULL, CLI_OPT_BY}
#define CLI_OPTION_DB {"db", required_argument, NULL, CLI_OPT_DB}

struct cli_db {
    const char *db; /* --db, or NULL */
    const char *by; /* --by, or NULL */
};

/* Store optarg in o when c is CLI_OPT_DB or CLI_OPT_BY; false for any
 * other c. */
bool cli_db_option(int c, struct cli_db *o);

/* The date typed for option (sr_date_parse(): 2026-12-31, 2026/12/31,
 * 2026.12.31, 2026年12月31日) as "YYYY-MM-DD" in buf.  Returns EXIT_OK,
 * or prints "OPTION expects a date (...)" and returns EXIT_USAGE. */
int cli_date_arg(const char *option, const char *text, char buf[11]);

/* Parse "YYYY-MM-DDTHH:MM:SSZ" (the form of $SCHOOLRISK_CLOCK) as UTC;
 * 0 when malformed. */
time_t cli_parse_clock(const char *s);

/* Report a store error (the store's message) and return the exit code. */
int cli_store_error(struct sr_store *st, sr_error rc);

/* Print a JSON value (sr_json_result() and the other builders of
 * schoolrisk/json.h) and free it; a scored assessment as text. */
struct cJSON;
struct sr_responses;
struct sr_result;
int cli_print_json(struct cJSON *root);
int cli_result_text(const struct sr_system *sys,
                    const struct sr_responses *resp,
                    const struct sr_result *res);

/* Load indicator files or directories into the database, printing one
 * line per file; returns an exit code. */
int cli_load_indicators(struct sr_store *st, char **paths, int n);

/* Short names for sr_json_add(), sr_json_str() and sr_json_num()
 * (schoolrisk/json.h), used throughout the CLI. */
void cj_add(struct cJSON *obj, const char *key, struct cJSON *val,
                  int *ok);
struct cJSON *cj_str(const char *s);
struct cJSON *cj_num(int64_t v, int scale, int min_decimals);

/* A command group's subcommands ("indicators validate", "schools list"):
 * run the one named by argv[1] with (argc - 1, argv + 1); print the
 * group's usage for -h/--help (stdout, 0), for no or an unknown
 * subcommand (stderr, with a message, EXIT_USAGE). */
struct cli_sub {
    const char *name;
    int (*fn)(int argc, char **argv);
};

int cli_dispatch(int argc, char **argv, const struct cli_sub *subs,
                 size_t n, const char *usage, const char *group);

/* Write every district's workbook and the city's for a period into
 * out_dir (created when missing), named "<district>-<period>.xlsx" and
 * "全市-<period>.xlsx", on up to @p jobs threads (0: one per online
 * CPU; sr_report_all()); *written counts them.  Returns an exit code
 * (messages printed). */
struct sr_period;
int cli_report_all(struct sr_store *st, const struct sr_period *period,
                   const char *out_dir, int jobs, size_t *written);

/* The bulletins of a year's end, as `bulletin monthly --all --out-dir`
 * and `bulletin quarterly -o` write them (bulletin.c): every district's
 * 月调度 of @p month and the city's 季通报 of @p quarter, into @p dir
 * (which exists), issued today.  *written counts the workbooks.
 * Returns an exit code after a message. */
int cli_bulletins_write(struct sr_store *st, const struct sr_period *month,
                        const struct sr_period *quarter, const char *dir,
                        size_t *written);

/* Subcommands. */
int cmd_assess(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_bulletin(int argc, char **argv);
int cmd_checklist(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_experts(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_hazard(int argc, char **argv);
int cmd_hazards(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_schools(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_signoff(int argc, char **argv);
int cmd_users(int argc, char **argv);

#endif /* SR_CLI_H */
