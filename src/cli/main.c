/*
 * main.c - `schoolrisk`: dispatch to the subcommand named by argv[1].
 *
 * Subcommands are listed in cmds[] (kept sorted), one cmd_<name>()
 * each in src/cli/<name>.c, the way git's builtin/ is laid out.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "cli.h"
#include "schoolrisk/i18n.h"

#ifndef SR_VERSION
#define SR_VERSION "0"
#endif

struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct cli_cmd cmds[] = {
    {"assess", cmd_assess,
     N_("an inspector's assessment: new, set, import, show, list, submit")},
    {"audit", cmd_audit,
     N_("the tamper-evidence hash chain: verify, head")},
    {"backup", cmd_backup,
     N_("copy the database to a new file while it is in use, and check it")},
    {"baseline", cmd_baseline,
     N_("the four-100% baseline per school and per district")},
    {"bulletin", cmd_bulletin,
     N_("the monthly dispatch (月调度) and the quarterly bulletin (季通报)")},
    {"checklist", cmd_checklist,
     N_("list the items that apply to a school, with what each answer "
        "is worth")},
    {"db", cmd_db,
     N_("copy a whole database between SQLite and PostgreSQL: copy")},
    {"demo", cmd_demo,
     N_("build a synthetic demo city: schools, a year of assessments, "
        "hazards")},
    {"experts", cmd_experts,
     N_("the safety-expert corps (安全专家库): add, update, list, "
        "summary, workload")},
    {"hazard", cmd_hazard,
     N_("one hazard (隐患): show, add, assign, submit, verify, signoff, "
        "reject")},
    {"hazards", cmd_hazards, N_("list hazards (隐患台账) with filters")},
    {"indicators", cmd_indicators,
     N_("validate, load, list and show indicator systems")},
    {"init", cmd_init,
     N_("create or upgrade the database and load the indicator systems")},
    {"plan", cmd_plan,
     N_("inspection plans (检查计划) with 双随机 spot checks: create, show, "
        "list, publish, progress")},
    {"report", cmd_report,
     N_("Excel compliance workbooks: a district, the city, or all")},
    {"schools", cmd_schools,
     N_("the school registry: import (CSV, all or nothing), list, show")},
    {"score", cmd_score,
     N_("score an assessment: total, risk band, veto, hazards, baseline")},
    {"serve", cmd_serve,
     N_("the service: the JSON API and the browser pages, for every user")},
    {"signoff", cmd_signoff,
     N_("period sign-off (逐级审核、锁定): confirm, district, accept, "
        "return, correct, diff, status, show")},
    {"users", cmd_users,
     N_("user accounts and role grants: add, list, show, passwd, grant...")},
    {"whatif", cmd_whatif,
     N_("what-if (整改预测): the figures if chosen hazards were closed, "
        "and the rectification order")},
};

static void
usage(FILE *f)
{
    size_t i;

    fputs(_("usage: schoolrisk <command> [options]\n"
            "\n"
            "School safety risk assessment (学校安全风险评估).\n"
            "\n"
            "commands:\n"),
          f);
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        fprintf(f, "  %-11s %s\n", cmds[i].name, _(cmds[i].summary));
    fputs(_("\n"
            "Run 'schoolrisk <command> --help' for a command's options.\n"
            "Exit codes: 0 success, 1 invalid input, 2 usage error,\n"
            "3 internal error, 4 database error.  Messages go to stderr.\n"),
          f);
}

int
main(int argc, char **argv)
{
    size_t i;
    int rc;

    sr_i18n_init(NULL, true);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
        usage(stdout);
        return cli_finish_output();
    }
    if (!strcmp(argv[1], "--version")) {
        printf("schoolrisk %s\n", SR_VERSION);
        return cli_finish_output();
    }
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (!strcmp(argv[1], cmds[i].name)) {
            xmlInitParser();
            rc = cmds[i].fn(argc - 1, argv + 1);
            xmlCleanupParser();
            if (rc == EXIT_OK)
                rc = cli_finish_output();
            return rc;
        }
    }
    cli_error(_("unknown command '%s'"), argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
