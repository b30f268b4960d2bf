/*
 * routes.c - every route of the API, with who may call it.
 *
 * This table is the one place that says who may do what (Taler's
 * TEH_RequestHandler table, with roles): the roles a route admits, how
 * the school or district it touches is found (its target), how large a
 * body it takes and what kind.  server.c checks all of it before a
 * handler runs, and tests/web/test_authz.py drives every row of it for
 * every role, so that a new route cannot skip the check.  docs/api.md
 * documents the same rows (tests/web/test_api_doc.py compares them).
 *
 * Roles: admin manages users only and sees no school data; city sees
 * every district; district its own; school its own school; inspector
 * the schools and districts granted to it.
 */
#include "web.h"

#include "schoolrisk/evidence.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/registry.h"

#define A SR_ROLES(SR_ROLE_ADMIN)
#define C SR_ROLES(SR_ROLE_CITY)
#define D SR_ROLES(SR_ROLE_DISTRICT)
#define S SR_ROLES(SR_ROLE_SCHOOL)
#define I SR_ROLES(SR_ROLE_INSPECTOR)
#define ALL_BUSINESS (C | D | S | I)
/* Anyone signed in, whatever their grants (a user without a grant must
 * still be able to change the one-time password and sign out). */
#define SIGNED_IN WEB_SIGNED_IN

/* Body caps. */
#define JSON_SMALL (16u << 10)
#define JSON_BULK (1u << 20)
#define CSV_CAP (16u << 20)

const struct web_route web_routes[] = {
    /* Monitoring. */
    {"GET", "/api/v1/health", web_health, 0, WEB_T_NONE, 0,
     WEB_PUBLIC | WEB_ANY_STAGE, "the service and its database answer"},

    /* Signing in and out (session.c). */
    {"POST", "/api/v1/session", web_session_login, 0, WEB_T_NONE,
     JSON_SMALL, WEB_PUBLIC | WEB_ANY_STAGE | WEB_JSON | WEB_SLOW,
     "sign in with login and password"},
    {"GET", "/api/v1/session", web_session_get, SIGNED_IN,
     WEB_T_NONE, 0, WEB_ANY_STAGE,
     "who is signed in: the user, roles, grants, session stage, CSRF token"},
    {"DELETE", "/api/v1/session", web_session_logout, SIGNED_IN,
     WEB_T_NONE, 0, WEB_ANY_STAGE, "sign out"},
    {"POST", "/api/v1/session/totp", web_session_totp, SIGNED_IN,
     WEB_T_NONE, JSON_SMALL, WEB_ANY_STAGE | WEB_JSON,
     "enter the second factor's code"},
    {"POST", "/api/v1/session/totp/enroll", web_session_enroll,
     SIGNED_IN, WEB_T_NONE, 0, WEB_ANY_STAGE,
     "start enrolling a second factor: a new secret and its otpauth URI"},
    {"POST", "/api/v1/session/totp/confirm", web_session_enroll_confirm,
     SIGNED_IN, WEB_T_NONE, JSON_SMALL, WEB_ANY_STAGE | WEB_JSON,
     "confirm the second factor with a code"},
    {"POST", "/api/v1/session/password", web_session_password,
     SIGNED_IN, WEB_T_NONE, JSON_SMALL,
     WEB_ANY_STAGE | WEB_JSON | WEB_SLOW,
     "change one's own password (ends every session)"},

    /* Users and grants: the administrator only (users.c). */
    {"GET", "/api/v1/users", web_users_list, A, WEB_T_NONE, 0, 0,
     "every user with their role grants"},
    {"POST", "/api/v1/users", web_users_add, A, WEB_T_NONE, JSON_SMALL,
     WEB_JSON | WEB_SLOW,
     "create a user (a one-time password is returned once)"},
    {"GET", "/api/v1/users/{id}", web_users_get, A, WEB_T_NONE, 0, 0,
     "one user"},
    {"PATCH", "/api/v1/users/{id}", web_users_update, A, WEB_T_NONE,
     JSON_SMALL, WEB_JSON, "change a user's name, unit or phone"},
    {"POST", "/api/v1/users/{id}/password", web_users_password, A,
     WEB_T_NONE, 0, WEB_SLOW,
     "reset a user's password to a new one-time password"},
    {"POST", "/api/v1/users/{id}/disable", web_users_disable, A, WEB_T_NONE,
     0, 0, "disable a user (ends their sessions)"},
    {"POST", "/api/v1/users/{id}/enable", web_users_enable, A, WEB_T_NONE,
     0, 0, "enable a user"},
    {"POST", "/api/v1/users/{id}/unlock", web_users_unlock, A, WEB_T_NONE,
     0, 0, "lift a lockout after failed sign-ins"},
    {"POST", "/api/v1/users/{id}/totp-reset", web_users_totp_reset, A,
     WEB_T_NONE, 0, 0, "remove a user's second factor (lost phone)"},
    {"POST", "/api/v1/users/{id}/grants", web_users_grant, A, WEB_T_NONE,
     JSON_SMALL, WEB_JSON, "grant a role"},
    {"DELETE", "/api/v1/users/{id}/grants/{grant}", web_users_revoke, A,
     WEB_T_NONE, 0, 0, "revoke a role grant"},
    {"GET", "/api/v1/security-log", web_security_log, A, WEB_T_NONE, 0, 0,
     "the security log: sign-ins, failures, password and grant changes"},

    /* Districts and the city's dashboard (districts.c). */
    {"GET", "/api/v1/districts", web_districts_list, A | ALL_BUSINESS,
     WEB_T_NONE, 0, 0, "the districts (reporting units), in order"},
    {"GET", "/api/v1/districts/{district}", web_district_overview, C | D,
     WEB_T_DISTRICT, 0, 0,
     "a district's figures for a period: the KPIs of its workbook"},
    {"GET", "/api/v1/dashboard", web_dashboard, C, WEB_T_NONE, 0, 0,
     "the city's figures for a period: every district ranked, the city "
     "total, the trend"},

    /* The registry (schools.c). */
    {"GET", "/api/v1/schools", web_schools_list, ALL_BUSINESS, WEB_T_NONE,
     0, 0, "schools in scope, with filters and paging"},
    {"POST", "/api/v1/schools/import", web_schools_import, C | D,
     WEB_T_NONE, CSV_CAP, WEB_RAW,
     "import a registry CSV, all or nothing"},
    {"GET", "/api/v1/schools/{code}", web_schools_get, ALL_BUSINESS,
     WEB_T_SCHOOL, 0, 0,
     "one school: registry record, latest inspection, four-100%, hazards"},
    {"GET", "/api/v1/schools/{code}/checklist", web_schools_checklist,
     ALL_BUSINESS, WEB_T_SCHOOL, 0, 0,
     "the items that apply to the school, by dimension, with the answers "
     "each takes"},
    {"GET", "/api/v1/schools/{code}/baseline", web_schools_baseline,
     ALL_BUSINESS, WEB_T_SCHOOL, 0, 0,
     "the school's four-100% elements and why one is not met"},
    {"POST", "/api/v1/schools/{code}/self-inspections", web_assessments_self,
     S, WEB_T_SCHOOL, JSON_SMALL, WEB_JSON,
     "start the school's self-inspection (a draft)"},

    /* An inspector's work (tasks.c, assessments.c). */
    {"GET", "/api/v1/tasks", web_tasks, I, WEB_T_NONE, 0, 0,
     "the schools assigned to the inspector, due and overdue first"},
    {"POST", "/api/v1/assessments", web_assessments_create, I,
     WEB_T_BODY_SCHOOL, JSON_SMALL, WEB_JSON,
     "start an inspection of a school (a draft)"},
    {"GET", "/api/v1/assessments", web_assessments_list, ALL_BUSINESS,
     WEB_T_NONE, 0, 0, "assessments in scope, with filters and paging"},
    {"GET", "/api/v1/assessments/{id}", web_assessments_get, ALL_BUSINESS,
     WEB_T_ASSESSMENT, 0, 0,
     "an assessment: answers, score so far, missing items; when "
     "submitted, the result and its derivation"},
    {"PUT", "/api/v1/assessments/{id}/answers/{item}",
     web_assessments_answer, I | S, WEB_T_DRAFT, JSON_SMALL, WEB_JSON,
     "save one answer (idempotent)"},
    {"DELETE", "/api/v1/assessments/{id}/answers/{item}",
     web_assessments_unanswer, I | S, WEB_T_DRAFT, 0, 0,
     "remove one answer"},
    {"POST", "/api/v1/assessments/{id}/answers", web_assessments_answers,
     I | S, WEB_T_DRAFT, JSON_BULK, WEB_JSON,
     "save many answers at once, all or nothing"},
    {"POST", "/api/v1/assessments/{id}/submit", web_assessments_submit,
     I | S, WEB_T_DRAFT, JSON_SMALL, WEB_JSON,
     "submit: scored, hazards raised; refused listing missing items"},

    /* The hazard ledger (hazards.c). */
    {"GET", "/api/v1/hazards", web_hazards_list, ALL_BUSINESS, WEB_T_NONE,
     0, 0, "hazards in scope, with filters and paging"},
    {"POST", "/api/v1/hazards", web_hazards_add, C | D, WEB_T_BODY_SCHOOL,
     JSON_SMALL, WEB_JSON, "record a hazard found outside an assessment"},
    {"GET", "/api/v1/hazards/{id}", web_hazards_get, ALL_BUSINESS,
     WEB_T_HAZARD, 0, 0, "one hazard with its timeline and evidence"},
    {"POST", "/api/v1/hazards/{id}/assign", web_hazards_assign, D,
     WEB_T_HAZARD, JSON_SMALL, WEB_JSON,
     "assign: responsible person, measures, deadline"},
    {"POST", "/api/v1/hazards/{id}/submit", web_hazards_submit, S | D,
     WEB_T_HAZARD, JSON_SMALL, WEB_JSON,
     "submit the rectification with evidence"},
    {"POST", "/api/v1/hazards/{id}/verify", web_hazards_verify, D,
     WEB_T_HAZARD, JSON_SMALL, WEB_JSON,
     "the district's review passes (closes a general hazard)"},
    {"POST", "/api/v1/hazards/{id}/reject", web_hazards_reject, C | D,
     WEB_T_HAZARD, JSON_SMALL, WEB_JSON,
     "the review fails: back to rectifying, with the reason"},
    {"POST", "/api/v1/hazards/{id}/signoff", web_hazards_signoff, C,
     WEB_T_HAZARD, JSON_SMALL, WEB_JSON,
     "the city signs off a supervised hazard the district reviewed"},

    /* The four-100% baseline (baseline.c). */
    {"GET", "/api/v1/baseline", web_baseline, C | D | S, WEB_T_NONE, 0, 0,
     "the four-100% table: each school in scope and each district's rates"},

    /* What-if (整改预测, whatif.c): read-only; the hazards named must
     * be of the school, district or city the target names. */
    {"POST", "/api/v1/whatif", web_whatif, C | D | S, WEB_T_BODY_SCOPE,
     JSON_SMALL, WEB_JSON,
     "the figures if chosen open hazards were closed, before and after"},
    {"GET", "/api/v1/whatif/suggest", web_whatif_suggest, C | D,
     WEB_T_QUERY_DISTRICT, 0, 0,
     "the open hazards ranked by what closing each gains, and each "
     "school's smallest sets for 达标 and four 100%"},

    /* Workbooks (reports.c). */
    {"GET", "/api/v1/reports/districts/{district}", web_reports_district,
     C | D, WEB_T_DISTRICT, 0, 0,
     "a district's Excel workbook for a period"},
    {"GET", "/api/v1/reports/city", web_reports_city, C, WEB_T_NONE, 0, 0,
     "the city's Excel workbook for a period"},
    {"GET", "/api/v1/reports/all", web_reports_all, C, WEB_T_NONE, 0, 0,
     "every district's workbook and the city's for a period, as one zip"},

    /* Bulletins: 月调度 and 季通报 (bulletins.c; workbooks reports.c). */
    {"GET", "/api/v1/bulletins/monthly/{district}", web_bulletins_monthly,
     C | D, WEB_T_DISTRICT, 0, 0,
     "a district's monthly dispatch: what changed since last month"},
    {"GET", "/api/v1/bulletins/monthly/{district}/xlsx",
     web_bulletins_monthly_xlsx, C | D, WEB_T_DISTRICT, 0, 0,
     "a district's monthly dispatch as an Excel workbook"},
    {"GET", "/api/v1/bulletins/quarterly", web_bulletins_quarterly, C | D,
     WEB_T_NONE, 0, 0,
     "the city's quarterly bulletin: districts ranked, schools and hazards "
     "named"},
    {"GET", "/api/v1/bulletins/quarterly/xlsx", web_bulletins_quarterly_xlsx,
     C | D, WEB_T_NONE, 0, 0,
     "the city's quarterly bulletin as an Excel workbook"},

    /* Indicator systems (systems.c). */
    {"GET", "/api/v1/systems", web_systems_list, ALL_BUSINESS, WEB_T_NONE,
     0, 0, "the stored indicator systems, the current one per stage"},
    {"POST", "/api/v1/systems", web_systems_upload, C, WEB_T_NONE,
     SR_SYSTEM_MAX_BYTES, WEB_RAW,
     "publish an indicator system (XML), validated with line numbers"},
    {"GET", "/api/v1/systems/{id}/{version}", web_systems_get, ALL_BUSINESS,
     WEB_T_NONE, 0, 0, "one system's tree: dimensions, indicators, items"},

    /* Evidence files (evidence.c). */
    {"POST", "/api/v1/evidence", web_evidence_upload, S | D | I,
     WEB_T_QUERY_SCHOOL, SR_EVIDENCE_MAX_BYTES, WEB_RAW,
     "upload a photo or PDF for a school (type checked by content)"},
    {"GET", "/api/v1/evidence/{sha}", web_evidence_get, ALL_BUSINESS,
     WEB_T_EVIDENCE, 0, 0, "an evidence file"},

    /* Period sign-off (signoff.c). */
    {"GET", "/api/v1/signoff", web_signoff_list, C | D, WEB_T_NONE, 0, 0,
     "every district's sign-off state for a period (a district: its own)"},
    {"GET", "/api/v1/signoff/{district}", web_signoff_get, C | D,
     WEB_T_DISTRICT, 0, 0,
     "a district's sign-off state for a period, with its history"},
    {"POST", "/api/v1/signoff/{district}", web_signoff_district, D,
     WEB_T_DISTRICT, JSON_SMALL, WEB_JSON,
     "the district signs off a period: its figures are locked"},
    {"POST", "/api/v1/signoff/{district}/accept", web_signoff_accept, C,
     WEB_T_DISTRICT, JSON_SMALL, WEB_JSON,
     "the city accepts a signed-off period"},
    {"POST", "/api/v1/signoff/{district}/return", web_signoff_return, C,
     WEB_T_DISTRICT, JSON_SMALL, WEB_JSON,
     "the city returns a signed-off period, with a reason"},
    {"POST", "/api/v1/signoff/{district}/correct", web_signoff_correct, D,
     WEB_T_DISTRICT, JSON_SMALL, WEB_JSON,
     "the district records a correction of a locked period"},
    {"GET", "/api/v1/signoff/{district}/diff", web_signoff_diff, C | D,
     WEB_T_DISTRICT, 0, 0,
     "the live figures against the locked ones, KPI by KPI, school by "
     "school"},
    {"GET", "/api/v1/schools/{code}/confirmation", web_signoff_confirmation,
     C | D | S, WEB_T_SCHOOL, 0, 0,
     "a school's confirmation of its self-inspection for a period"},
    {"POST", "/api/v1/schools/{code}/confirmation", web_signoff_confirm, S,
     WEB_T_SCHOOL, JSON_SMALL, WEB_JSON,
     "the school confirms its self-inspection for a period"},
    /* The expert corps (experts.c): the city manages it; a district
     * reads its own experts, an inspector its own profile. */
    {"GET", "/api/v1/experts", web_experts_list, C | D | I, WEB_T_NONE, 0,
     0, "experts in scope with their workload in a period, filters, paging"},
    {"GET", "/api/v1/experts/summary", web_experts_summary, C | D,
     WEB_T_NONE, 0, 0,
     "the corps against the target of 200: by district, by speciality, "
     "due for re-training"},
    {"POST", "/api/v1/experts", web_experts_add, C, WEB_T_NONE, JSON_SMALL,
     WEB_JSON, "give an inspector an expert profile"},
    {"GET", "/api/v1/experts/{login}", web_experts_get, C | D | I,
     WEB_T_EXPERT, 0, 0, "one expert's profile and workload"},
    {"PATCH", "/api/v1/experts/{login}", web_experts_update, C,
     WEB_T_EXPERT, JSON_SMALL, WEB_JSON,
     "change an expert's profile (renewal, unit, suspension)"},

    /* Inspection plans (plans.c): a district plans its district, the
     * city any district or the whole city; a district reads a city-wide
     * plan for its own schools. */
    {"GET", "/api/v1/plans", web_plans_list, C | D, WEB_T_NONE, 0, 0,
     "the plans in scope, newest first, with their progress"},
    {"POST", "/api/v1/plans", web_plans_create, C | D, WEB_T_BODY_SCOPE,
     JSON_SMALL, WEB_JSON,
     "make a draft plan: the schools in risk order, the 双随机 draw, the "
     "pairs"},
    {"GET", "/api/v1/plans/progress", web_plans_summary, C | D, WEB_T_NONE,
     0, 0, "the progress of a period's published plans by district"},
    {"GET", "/api/v1/plans/{id}", web_plans_get, C | D, WEB_T_PLAN, 0, 0,
     "a plan: its seed, schools with every factor, pairs with why, experts"},
    {"POST", "/api/v1/plans/{id}/publish", web_plans_publish, C | D,
     WEB_T_PLAN, 0, 0, "publish a draft plan: immutable and audited"},
    {"GET", "/api/v1/plans/{id}/progress", web_plans_progress, C | D,
     WEB_T_PLAN, 0, 0, "each school of a plan done, due or overdue"},

    /* Tamper evidence (audit.c). */
    {"GET", "/api/v1/audit", web_audit_verify, C, WEB_T_NONE, 0, 0,
     "verify the audit chain (optionally against an exported head)"},
};

const size_t web_n_routes = sizeof(web_routes) / sizeof(web_routes[0]);
