/*
 * schools.c - `schoolrisk schools import|list|show`: the school
 * registry (学校名册).  Reading, checking and storing are the library's
 * (registry.h); this file parses arguments and prints.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

static const char import_usage[] =
    N_("usage: schoolrisk schools import FILE.csv [--full] [--db PATH] "
    "[--by NAME]\n"
    "\n"
    "Import the school registry from a CSV file (template:\n"
    "templates/schools-import.csv; columns: docs/registry.md).  UTF-8, with\n"
    "or without BOM, or GB18030 as Excel saves it.  Every row is checked\n"
    "first: one bad row rejects the whole file, and every bad row is listed\n"
    "as FILE:LINE: column 'NAME': reason.  Then new schools are added and\n"
    "changed ones updated, in one transaction.\n"
    "\n"
    "  --full     the file is the whole registry of the districts it covers:\n"
    "             their open schools that are not in it are marked closed\n"
    "             (never deleted); other districts are left alone\n"
    "  --db PATH  the database (default $SCHOOLRISK_DB, else schoolrisk.db)\n"
    "  --by NAME  who is importing (default $SCHOOLRISK_USER, else the\n"
    "             login name)\n");

static const char list_usage[] =
    N_("usage: schoolrisk schools list [--district D] [--stage S] [--all] "
    "[--json]\n"
    "                               [--db PATH]\n"
    "\n"
    "List the registry's open schools by district and code.\n"
    "\n"
    "  --district D  only district D (its name, 历下区, or its code, 370102)\n"
    "  --stage S     only stage S (小学 or primary, ...)\n"
    "  --all         also schools closed by a full import\n"
    "  --json        a JSON array, one object per school\n");

static const char show_usage[] =
    N_("usage: schoolrisk schools show CODE [--json] [--db PATH]\n"
    "\n"
    "Show every field of one school, open or closed.\n");

static const char schools_usage[] =
    N_("usage: schoolrisk schools <import|list|show> ...\n"
    "\n"
    "  import FILE.csv [--full]   import the registry (all or nothing)\n"
    "  list [--district D] [--stage S] [--all] [--json]\n"
    "                             list schools\n"
    "  show CODE [--json]         show one school\n");

/* ------------------------------------------------------------------ */
/* import                                                               */
/* ------------------------------------------------------------------ */

static int
cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"full", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_import_report rep;
    struct sr_store *st = NULL;
    struct sr_diags d;
    struct cli_db dbo = {NULL, NULL};
    const char *file;
    int c, flags = 0, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            flags |= SR_IMPORT_FULL;
            break;
        case 'h':
            fputs(_(import_usage), stdout);
            return EXIT_OK;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, import_usage);
        }
    }
    if (argc - optind != 1) {
        cli_error("%s", argc - optind ? _("give one file to import")
                                      : _("no file to import"));
        fputs(_(import_usage), stderr);
        return EXIT_USAGE;
    }
    file = argv[optind];
    ex = cli_store_open(dbo.db, dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    sr_diags_init(&d);
    rc = sr_registry_import_file(st, file, flags, &rep, &d);
    switch (rc) {
    case SR_OK:
        printf(rep.rows == 1 ?
                   _("imported %zu school from '%s' (%s): %zu added, "
                     "%zu updated, %zu unchanged, %zu closed\n") :
                   _("imported %zu schools from '%s' (%s): %zu added, "
                     "%zu updated, %zu unchanged, %zu closed\n"),
               rep.rows, file,
               sr_registry_encoding_name(rep.encoding), rep.added,
               rep.updated, rep.unchanged, rep.closed);
        if (rep.absent) {
            char note[512];

            /* An older registry file: it imported, but not silently. */
            sr_import_absent_describe(rep.absent, note, sizeof(note));
            cli_warn("%s", note);
        }
        ex = EXIT_OK;
        break;
    case SR_ERR_INPUT:
    case SR_ERR_IO:
    case SR_ERR_TOO_LARGE:
        cli_print_diags(&d);
        if (rep.bad_rows)
            cli_error(rep.bad_rows == 1 ?
                          _("'%s' was not imported: %zu bad row; nothing "
                            "was changed") :
                          _("'%s' was not imported: %zu bad rows; nothing "
                            "was changed"),
                      file, rep.bad_rows);
        else
            cli_error(_("'%s' was not imported; nothing was changed"), file);
        ex = cli_exit_for(rc);
        break;
    default:
        /* A diagnostic here means the library could not even read the
         * file (no GB18030 converter, out of memory). */
        cli_print_diags(&d);
        if (!d.n)
            cli_error(_("%s; '%s' was not imported, the database is as it "
                        "was"),
                      *sr_store_errmsg(st) ? sr_store_errmsg(st)
                                           : sr_strerror(rc),
                      file);
        ex = cli_exit_for(rc);
        break;
    }
    sr_diags_release(&d);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* Output of schools                                                    */
/* ------------------------------------------------------------------ */

static const char *const ownership_zh[] = {"公办", "民办"};
static const char *const locale_zh[] = {"城区", "镇区", "乡村"};

static const char *
enum_zh(const struct sr_school_record *r, int attr)
{
    int64_t v = r->school.attr[attr];

    if (attr == SR_ATTR_STAGE)
        return sr_stage_label((int)v);
    if (attr == SR_ATTR_OWNERSHIP)
        return v >= 0 && v < 2 ? ownership_zh[v] : "?";
    return v >= 0 && v < 3 ? locale_zh[v] : "?";
}


static cJSON *
school_json(const struct sr_school_record *r)
{
    cJSON *o = cJSON_CreateObject();
    char buf[32];
    int ok = o != NULL, a;

    if (!ok)
        return NULL;
    cj_add(o, "code", cj_str(r->code), &ok);
    cj_add(o, "name", cj_str(r->name), &ok);
    cj_add(o, "district", cj_str(r->district), &ok);
    cj_add(o, "district_name", cj_str(r->district_name), &ok);
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        switch (sr_attr_kind(a)) {
        case SR_KIND_ENUM:
            sr_attr_format(a, r->school.attr[a], buf, sizeof(buf));
            cj_add(o, sr_attr_name(a), cj_str(buf), &ok);
            if (a == SR_ATTR_STAGE)
                cj_add(o, "stage_label", cj_str(enum_zh(r, a)), &ok);
            break;
        case SR_KIND_FLAG:
            cj_add(o, sr_attr_name(a), cJSON_CreateBool(r->school.attr[a]),
                &ok);
            break;
        case SR_KIND_COUNT:
            cj_add(o, sr_attr_name(a),
                cJSON_CreateNumber((double)r->school.attr[a]), &ok);
            break;
        }
    }
    cj_add(o, "contact", cj_str(r->contact), &ok);
    cj_add(o, "phone", cj_str(r->phone), &ok);
    cj_add(o, "closed", cJSON_CreateBool(r->closed), &ok);
    cj_add(o, "updated_at", cj_str(r->updated_at), &ok);
    cj_add(o, "updated_by", cj_str(r->updated_by), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int
print_json(cJSON *root)
{
    char *text;

    if (!root) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    puts(text);
    free(text);
    return EXIT_OK;
}

/* The attributes column of the list: ownership, locale, then the flags
 * that are set, in Chinese. */
static void
attributes_text(const struct sr_school_record *r, char *buf, size_t size)
{
    static const struct {
        int attr;
        const char *zh;
    } flags[] = {
        {SR_ATTR_BOARDING, "寄宿"},   {SR_ATTR_SCHOOL_BUS, "校车"},
        {SR_ATTR_CANTEEN, "食堂"},    {SR_ATTR_LABORATORY, "实验室"},
        {SR_ATTR_SWIMMING_POOL, "游泳池"},
        {SR_ATTR_MEAL_DELIVERY, "校外供餐"},
        {SR_ATTR_VILLAGE_SCHOOL, "村小/教学点"},
    };
    size_t used, i;

    used = (size_t)snprintf(buf, size, "%s %s", enum_zh(r, SR_ATTR_OWNERSHIP),
                            enum_zh(r, SR_ATTR_LOCALE));
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]) && used < size; i++)
        if (r->school.attr[flags[i].attr])
            used += (size_t)snprintf(buf + used, size - used, " %s",
                                     flags[i].zh);
}

/* ------------------------------------------------------------------ */
/* list                                                                 */
/* ------------------------------------------------------------------ */

struct list_ctx {
    cJSON *arr;   /* --json: the array being built */
    int ok;
    size_t n;
    size_t closed;
};

/* The headings of `schools list`, in the reader's language, over the
 * columns the rows fill (the students right-aligned). */
static void
list_heading(void)
{
    cli_pad(stdout, _("code"), 10);
    printf("  ");
    cli_pad(stdout, _("name"), 36);
    printf("  ");
    cli_pad(stdout, _("district"), 8);
    printf("  ");
    cli_pad(stdout, _("stage"), 12);
    printf("  ");
    cli_pad_left(stdout, _("students"), 8);
    printf("  %s\n", _("attributes"));
}

static int
list_row(const struct sr_school_record *r, void *vctx)
{
    struct list_ctx *ctx = vctx;
    char attrs[128], students[16];

    ctx->n++;
    ctx->closed += r->closed;
    if (ctx->arr) {
        cj_add(ctx->arr, NULL, school_json(r), &ctx->ok);
        return !ctx->ok;
    }
    if (ctx->n == 1)
        list_heading();
    attributes_text(r, attrs, sizeof(attrs));
    snprintf(students, sizeof(students), "%lld",
             (long long)r->school.attr[SR_ATTR_ENROLLMENT]);
    printf("%-10s  ", r->code);
    cli_pad(stdout, r->name, 36);
    printf("  ");
    cli_pad(stdout, r->district_name, 8);
    printf("  ");
    cli_pad(stdout, enum_zh(r, SR_ATTR_STAGE), 12);
    printf("  %8s  %s%s\n", students, attrs,
           r->closed ? "  [已关闭]" : "");
    return 0;
}

static int
cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'a'},
        CLI_OPTION_DB,
        {"district", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"stage", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    struct sr_registry_filter f = {.stage = -1};
    struct list_ctx ctx = {NULL, 1, 0, 0};
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    const char *stage = NULL;
    int c, json = 0, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            f.include_closed = true;
            break;
        case 'D':
            f.district = optarg;
            break;
        case 'h':
            fputs(_(list_usage), stdout);
            return EXIT_OK;
        case 'j':
            json = 1;
            break;
        case 's':
            stage = optarg;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, list_usage);
        }
    }
    if (optind != argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        fputs(_(list_usage), stderr);
        return EXIT_USAGE;
    }
    if (stage) {
        f.stage = sr_registry_stage_lookup(stage);
        if (f.stage < 0) {
            cli_error(_("unknown stage '%s' (expected 幼儿园, 小学, 初中, "
                        "普通高中, 九年一贯制, 完全中学, 十二年一贯制, "
                        "中等职业学校, 特殊教育学校, or kindergarten, primary, "
                        "junior, senior, nine-year, complete-secondary, "
                        "twelve-year, vocational, special)"),
                      stage);
            return EXIT_INVALID;
        }
    }
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    if (json) {
        ctx.arr = cJSON_CreateArray();
        if (!ctx.arr) {
            cli_error(_("out of memory"));
            ex = EXIT_INTERNAL;
            goto cleanup;
        }
    }
    rc = sr_registry_list(st, &f, list_row, &ctx);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (!ctx.ok) {
        cli_error(_("out of memory"));
        ex = EXIT_INTERNAL;
        goto cleanup;
    }
    if (json) {
        ex = print_json(ctx.arr);
        ctx.arr = NULL;
    } else if (ctx.n == 0) {
        printf("%s\n", _("no schools"));
    } else if (f.include_closed) {
        printf(ctx.n == 1 ? _("%zu school, %zu closed\n") :
                            _("%zu schools, %zu closed\n"),
               ctx.n, ctx.closed);
    } else {
        printf(ctx.n == 1 ? _("%zu school\n") : _("%zu schools\n"), ctx.n);
    }

cleanup:
    cJSON_Delete(ctx.arr);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* show                                                                 */
/* ------------------------------------------------------------------ */

/* A label of `schools show`: a field of the bureau's (translated) or an
 * attribute's name (as school files spell it), padded to one column. */
static void
field(const char *label)
{
    cli_pad(stdout, label, 14);
    putchar(' ');
}

static void
show_text(const struct sr_school_record *r)
{
    char buf[32];
    int a;

    field(_("code"));
    printf("%s\n", r->code);
    field(_("name"));
    printf("%s\n", r->name);
    field(_("district"));
    printf("%s (%s)\n", r->district_name, r->district);
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        sr_attr_format(a, r->school.attr[a], buf, sizeof(buf));
        switch (sr_attr_kind(a)) {
        case SR_KIND_ENUM:
            field(sr_attr_name(a));
            printf("%s (%s)\n", enum_zh(r, a), buf);
            break;
        case SR_KIND_FLAG:
            field(sr_attr_name(a));
            printf("%s (%s)\n", r->school.attr[a] ? "是" : "否", buf);
            break;
        case SR_KIND_COUNT:
            field(sr_attr_name(a));
            if (a == SR_ATTR_POPULATION) /* derived: show the sum */
                printf("%s (= %lld + %lld)\n", buf,
                       (long long)r->school.attr[SR_ATTR_ENROLLMENT],
                       (long long)r->school.attr[SR_ATTR_STAFF]);
            else
                printf("%s\n", buf);
            break;
        }
    }
    field(_("contact"));
    printf("%s\n", r->contact ? r->contact : "-");
    field(_("phone"));
    printf("%s\n", r->phone ? r->phone : "-");
    /* As the lines above: the label, the name in brackets. */
    field(_("status"));
    printf("%s\n", r->closed ? "已关闭 (closed)" : "在办 (open)");
    field(_("updated"));
    printf(_("%s by %s\n"), r->updated_at ? r->updated_at : "-",
           r->updated_by ? r->updated_by : "-");
}

static int
cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct sr_school_record r;
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    int c, json = 0, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(show_usage), stdout);
            return EXIT_OK;
        case 'j':
            json = 1;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, show_usage);
        }
    }
    if (argc - optind != 1) {
        cli_error("%s", argc - optind ? _("give one school code")
                                      : _("no school code"));
        fputs(_(show_usage), stderr);
        return EXIT_USAGE;
    }
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_registry_get(st, argv[optind], &r);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else if (json)
        ex = print_json(school_json(&r));
    else
        show_text(&r);
    sr_school_record_release(&r);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */

int
cmd_schools(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"import", cmd_import},
        {"list", cmd_list},
        {"show", cmd_show},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        schools_usage, "schools");
}
