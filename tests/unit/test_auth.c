/*
 * test_auth.c - users, role grants, sign-in, lockout, the second factor,
 * sessions, scope and the security log (schoolrisk/auth.h), and that the
 * audit chain covers users and grants: it stays intact through all of
 * it and names a users or grants row edited with SQL outside the library.
 *
 * One database per test in a mkdtemp directory, with two schools in the
 * registry (历下区 and 历城区); the clock is pinned to 2026-09-15 10:00
 * China time and moved by the tests.  Every sign-in runs Argon2id (about
 * 100 ms), so the tests sign in only as often as they need to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "schoolrisk/audit.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan; a TOTP step starts
 * here (CLOCK / 30 is whole). */
#define CLOCK ((time_t)1789437600)
#define STEP0 ((int64_t)CLOCK / 30)

#define PW "Correct-Horse7"
#define PW2 "Battery-Staple8"

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,济南市历下区示例小学,历下区,小学,公办,城区,是,否,是,否,"
    "否,1500,300,0,王老师,0531-0000001\n"
    "3701120001,济南市历城区示例小学,历城区,小学,公办,乡村,否,否,是,否,"
    "否,500,0,0,李老师,0531-0000002\n";

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    struct sr_auth_policy p;
};

#define CHECK(f, call, want)                                               \
    do {                                                                   \
        sr_error rc_ = (call);                                             \
        if (rc_ != (want))                                                 \
            print_error("unexpected %d: %s\n", (int)rc_,                   \
                        sr_store_errmsg((f)->st));                         \
        assert_int_equal(rc_, (want));                                     \
    } while (0)

#define MSG(f, text) assert_string_equal(sr_store_errmsg((f)->st), (text))

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    struct sr_diags d;

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-auth-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK)
        return -1;
    sr_store_set_clock(f->st, CLOCK);
    if (sr_store_set_actor(f->st, "root") != SR_OK)
        return -1;
    sr_diags_init(&d);
    if (sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                  sizeof(registry_csv) - 1, 0, &rep,
                                  &d) != SR_OK) {
        show_diags(&d);
        sr_diags_release(&d);
        return -1;
    }
    sr_diags_release(&d);
    sr_auth_policy_init(&f->p);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static void
at(struct fx *f, int64_t seconds)
{
    sr_store_set_clock(f->st, CLOCK + (time_t)seconds);
}

static int64_t
add(struct fx *f, const char *login, bool must_change)
{
    struct sr_user_new u = {login, "张三", NULL, NULL, PW, must_change,
                            false};
    int64_t id = 0;

    CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    assert_true(id > 0);
    return id;
}

static int64_t
grant(struct fx *f, int64_t user, int role, const char *district,
      const char *school)
{
    int64_t id = 0;

    CHECK(f, sr_grant_add(f->st, user, role, district, school, &id), SR_OK);
    return id;
}

static sr_error
login(struct fx *f, const char *name, const char *pw,
      struct sr_session_new *s)
{
    struct sr_login in = {name, pw, "10.0.0.7", "test-agent/1.0"};

    return sr_auth_login(f->st, &f->p, &in, s);
}

/* Sign in, expecting stage `stage`. */
static void
login_ok(struct fx *f, const char *name, const char *pw, int stage,
         struct sr_session_new *s)
{
    CHECK(f, login(f, name, pw, s), SR_OK);
    assert_int_equal(s->stage, stage);
}

static void
login_refused(struct fx *f, const char *name, const char *pw)
{
    struct sr_session_new s;

    CHECK(f, login(f, name, pw, &s), SR_ERR_AUTH);
    MSG(f, "wrong login or password, or the account is locked");
    assert_string_equal(s.token, "");
}

/* The session of token is live (stage) or gone. */
static void
session_is(struct fx *f, const char *token, int stage)
{
    struct sr_principal pr;

    CHECK(f, sr_auth_session(f->st, &f->p, token, &pr), SR_OK);
    assert_int_equal(pr.stage, stage);
    sr_principal_release(&pr);
}

static void
session_gone(struct fx *f, const char *token)
{
    struct sr_principal pr;

    CHECK(f, sr_auth_session(f->st, &f->p, token, &pr), SR_ERR_AUTH);
    MSG(f, "the session has expired; sign in again");
    assert_null(pr.user.login);
}

/* A query on a connection of its own (sees what was committed). */
static int64_t
sql_int(struct fx *f, const char *sql)
{
    return test_db_int(f->db, sql);
}

/* Tamper: run sql on a connection of its own, outside the library's
 * functions. */
static void
sql_exec(struct fx *f, const char *sql)
{
    test_db_exec(f->db, sql);
}

static void
chain_ok(struct fx *f)
{
    struct sr_audit_report rep;

    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    if (!rep.ok)
        print_error("%s\n", rep.problem);
    assert_int_equal(rep.ok, 1);
}

static void
chain_broken(struct fx *f, const char *problem)
{
    struct sr_audit_report rep;

    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 0);
    assert_string_equal(rep.problem, problem);
}

/* The newest security events, as "action|actor|actor_name|target|
 * target_login|grant|login|source|detail" lines. */
struct events {
    char line[16][256];
    size_t n;
};

static int
collect(const struct sr_security_event *e, void *ctx)
{
    struct events *ev = ctx;

    if (ev->n < 16)
        snprintf(ev->line[ev->n++], 256, "%s|%lld|%s|%lld|%s|%lld|%s|%s|%s",
                 e->action, (long long)e->actor, e->actor_name,
                 (long long)e->target,
                 e->target_login ? e->target_login : "-",
                 (long long)e->grant, e->login ? e->login : "-",
                 e->source ? e->source : "-", e->detail ? e->detail : "-");
    return 0;
}

static void
last_event(struct fx *f, const char *action, const char *want)
{
    struct sr_security_filter flt = {0, action, NULL, NULL, 0, 1};
    struct events ev;

    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, NULL), SR_OK);
    assert_int_equal(ev.n, 1);
    assert_string_equal(ev.line[0], want);
}

static size_t
count_events(struct fx *f, const char *action)
{
    struct sr_security_filter flt = {0, action, NULL, NULL, 0, 0};
    struct events ev;
    size_t total = 0;

    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    return total;
}

/* ------------------------------------------------------------------ */
/* Roles, policy, passwords                                             */
/* ------------------------------------------------------------------ */

static void
roles_and_policy(void **state)
{
    struct sr_auth_policy p;

    (void)state;
    assert_string_equal(sr_role_name(SR_ROLE_INSPECTOR), "inspector");
    assert_string_equal(sr_role_label(SR_ROLE_DISTRICT), "区县");
    assert_string_equal(sr_role_label(SR_ROLE_ADMIN), "系统管理员");
    assert_null(sr_role_name(SR_ROLE_COUNT));
    assert_null(sr_role_label(-1));
    assert_int_equal(sr_role_lookup("city"), SR_ROLE_CITY);
    assert_int_equal(sr_role_lookup("City"), -1);
    assert_int_equal(sr_role_lookup("root"), -1);
    assert_string_equal(sr_session_stage_name(SR_SESSION_ENROLL), "enroll");
    assert_null(sr_session_stage_name(4));
    sr_auth_policy_init(&p);
    assert_int_equal(p.min_length, 10);
    assert_int_equal(p.max_age_days, 90);
    assert_int_equal(p.lock_after, 5);
    assert_int_equal(p.lock_minutes, 30);
    assert_int_equal(p.session_idle, 1800);
    assert_int_equal(p.session_max, 43200);
    assert_int_equal(p.totp_roles,
                     SR_ROLES(SR_ROLE_ADMIN) | SR_ROLES(SR_ROLE_CITY));
}

static void
password_policy(void **state)
{
    static const struct {
        const char *login, *pw, *why;
    } cases[] = {
        {"alice", NULL, "the password is required"},
        {"alice", "", "the password is required"},
        {"alice", "Ab1-xyz", "the password is shorter than 10 characters"},
        /* 15 bytes but 7 characters */
        {"alice", "密码密码Ab1", "the password is shorter than 10 characters"},
        {"alice", "abcdefghijkl", "the password needs three of: lower case, "
                                  "upper case, digits, other characters"},
        {"alice", "abcdefgh1234", "the password needs three of: lower case, "
                                  "upper case, digits, other characters"},
        {"alice", "ABCDEFGH-+=!", "the password needs three of: lower case, "
                                  "upper case, digits, other characters"},
        {"alice", "Abc\tdefgh12", "the password contains a control "
                                  "character"},
        {"alice", "Abcdefgh12\x7f", "the password contains a control "
                                    "character"},
        {"alice", "Abcdefgh12\xff", "the password is not valid UTF-8"},
        {"xiaoming", "XiaoMing2026", "the password contains the login"},
        {"xiaoming", "2026-xiaomING!", "the password contains the login"},
        {"alice", "Abcdefgh12", NULL},
        {"alice", "abcdefgh1!", NULL},
        {"alice", "密码Ab1密码密码密码", NULL},
        {NULL, "Abcdefgh12", NULL},
    };
    struct sr_auth_policy p;
    char why[160], long_pw[140];
    size_t i;

    (void)state;
    sr_auth_policy_init(&p);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_error rc;

        snprintf(why, sizeof(why), "untouched");
        rc = sr_password_check(&p, cases[i].login, cases[i].pw, why,
                               sizeof(why));
        if (cases[i].why) {
            assert_int_equal(rc, SR_ERR_INPUT);
            assert_string_equal(why, cases[i].why);
        } else {
            if (rc != SR_OK)
                print_error("case %zu: %s\n", i, why);
            assert_int_equal(rc, SR_OK);
        }
    }
    memset(long_pw, 'a', 129);
    memcpy(long_pw, "A1-", 3);
    long_pw[129] = '\0';
    assert_int_equal(sr_password_check(&p, "alice", long_pw, why,
                                       sizeof(why)),
                     SR_ERR_INPUT);
    assert_string_equal(why, "the password is longer than 128 bytes");
    long_pw[128] = '\0';
    assert_int_equal(sr_password_check(&p, "alice", long_pw, why,
                                       sizeof(why)),
                     SR_OK);
    /* A deployment's own minimum. */
    p.min_length = 16;
    assert_int_equal(sr_password_check(&p, "alice", "Abcdefgh12", why,
                                       sizeof(why)),
                     SR_ERR_INPUT);
    assert_string_equal(why, "the password is shorter than 16 characters");
    /* why may be left out. */
    assert_int_equal(sr_password_check(&p, "alice", "x", NULL, 0),
                     SR_ERR_INPUT);
}

static void
generated_passwords(void **state)
{
    struct sr_auth_policy p;
    char pw[17], prev[17] = "", why[160];
    int i;

    (void)state;
    sr_auth_policy_init(&p);
    p.min_length = 16;
    for (i = 0; i < 500; i++) {
        sr_password_generate(pw);
        assert_int_equal(strlen(pw), 16);
        /* Nothing that can be misread. */
        assert_null(strpbrk(pw, "0O1lI"));
        /* "admin0" holds a 0, which is never generated. */
        if (sr_password_check(&p, "admin0", pw, why, sizeof(why)) != SR_OK)
            print_error("%s: %s\n", pw, why);
        assert_int_equal(sr_password_check(&p, "admin0", pw, why,
                                           sizeof(why)),
                         SR_OK);
        assert_string_not_equal(pw, prev);
        memcpy(prev, pw, sizeof(pw));
    }
}

/* ------------------------------------------------------------------ */
/* Users                                                                */
/* ------------------------------------------------------------------ */

static void
user_add_and_read(void **state)
{
    struct fx *f = *state;
    struct sr_user_new u = {"alice", "王丽", "历下区教育局", "0531-8888 01",
                            PW, true, false};
    struct sr_user r;
    int64_t id = 0, id2 = 0;

    CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    assert_int_equal(id, 1);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_string_equal(r.login, "alice");
    assert_string_equal(r.name, "王丽");
    assert_string_equal(r.unit, "历下区教育局");
    assert_string_equal(r.phone, "0531-8888 01");
    assert_true(r.must_change);
    assert_false(r.disabled);
    assert_false(r.totp);
    assert_false(r.locked);
    assert_int_equal(r.failed_logins, 0);
    assert_string_equal(r.password_set_at, "2026-09-15T02:00:00Z");
    assert_string_equal(r.created_at, "2026-09-15T02:00:00Z");
    assert_string_equal(r.created_by, "root");
    assert_int_equal(r.n_grants, 0);
    sr_user_release(&r);
    sr_user_release(&r); /* a released user is empty */

    /* Found in any case. */
    CHECK(f, sr_user_find(f->st, "ALICE", &r), SR_OK);
    assert_int_equal(r.id, 1);
    sr_user_release(&r);
    CHECK(f, sr_user_find(f->st, "bob", &r), SR_ERR_NOT_FOUND);
    MSG(f, "no user with login 'bob'");
    sr_user_release(&r);
    CHECK(f, sr_user_get(f->st, 99, &r), SR_ERR_NOT_FOUND);
    MSG(f, "no user 99");
    sr_user_release(&r);

    /* The login is taken in any case. */
    u.login = "ALICE";
    CHECK(f, sr_user_add(f->st, &f->p, &u, &id2), SR_ERR_CONFLICT);
    MSG(f, "login 'ALICE' is taken (user 1)");
    assert_int_equal(id2, 0);

    /* The password hash is Argon2id, never the password. */
    assert_int_equal(sql_int(f, "SELECT password_hash LIKE '$argon2id$%' "
                                "FROM users WHERE id = 1"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users WHERE "
                                "instr(password_hash, 'Correct') > 0"),
                     0);
    /* The event, with the user's state (never the hash itself). */
    last_event(f, "user_added",
               "user_added|0|root|1|alice|0|-|-|must change the password "
               "at the first sign-in");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM security_events WHERE "
                                "action = 'user_added' AND state LIKE "
                                "'%\"login\":\"alice\"%' AND instr(state, "
                                "'argon2') = 0"),
                     1);
    chain_ok(f);
}

static void
user_add_refused(void **state)
{
    static const struct {
        const char *login, *name, *unit, *phone, *pw, *msg;
    } cases[] = {
        {NULL, "x", NULL, NULL, PW, "the login is required"},
        {"a", "x", NULL, NULL, PW,
         "login 'a' must be 2 to 64 characters of A-Z, a-z, 0-9 and . _ @ -"},
        {"bad login", "x", NULL, NULL, PW,
         "login 'bad login' must be 2 to 64 characters of A-Z, a-z, 0-9 and "
         ". _ @ -"},
        {"王五", "x", NULL, NULL, PW,
         "login '王五' must be 2 to 64 characters of A-Z, a-z, 0-9 and . _ @ "
         "-"},
        {"bob", NULL, NULL, NULL, PW, "the name is required"},
        {"bob", "  ", NULL, NULL, PW, "the name is required"},
        {"bob", "a\nb", NULL, NULL, PW, "the name contains a control "
                                        "character"},
        {"bob", "x", " ", NULL, PW, "the unit is blank"},
        {"bob", "x", NULL, "call me", PW,
         "the phone number 'call me' may contain only digits, spaces and "
         "+ - ( )"},
        {"bob", "x", NULL, NULL, "short", "the password is shorter than 10 "
                                          "characters"},
        {"bob", "x", NULL, NULL, "Bob-the-builder1", "the password contains "
                                                     "the login"},
        {"bob", "x", NULL, NULL, NULL, "the password is required"},
    };
    struct fx *f = *state;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sr_user_new u = {cases[i].login, cases[i].name, cases[i].unit,
                                cases[i].phone, cases[i].pw, false,
                                false};
        int64_t id = 0;

        CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_ERR_INPUT);
        MSG(f, cases[i].msg);
    }
    {
        /* 65 characters of name */
        char name[200];
        struct sr_user_new u = {"bob", name, NULL, NULL, PW, false,
                                false};
        int64_t id = 0;

        for (i = 0; i < 65; i++)
            memcpy(name + 3 * i, "名", 3);
        name[3 * 65] = '\0';
        CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_ERR_INPUT);
        MSG(f, "the name is longer than 64 characters");
        name[strlen(name) - 3] = '\0';
        CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    }
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users"), 1);
    assert_int_equal(count_events(f, NULL), 1);
}

static int
list_fn(const struct sr_user *u, void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);

    snprintf(out + n, 512 - n, "%s:%zu%s;", u->login, u->n_grants,
             u->disabled ? ":disabled" : "");
    return 0;
}

static int
list_stop(const struct sr_user *u, void *ctx)
{
    (void)u;
    (*(int *)ctx)++;
    return 1;
}

static void
user_update_and_list(void **state)
{
    struct fx *f = *state;
    int64_t carol = add(f, "carol", false), bob = add(f, "Bob", false);
    char out[512] = "";
    struct sr_user r;
    int calls = 0;

    (void)add(f, "alice", false);
    grant(f, bob, SR_ROLE_CITY, NULL, NULL);
    grant(f, bob, SR_ROLE_DISTRICT, "370102", NULL);
    CHECK(f, sr_user_set_disabled(f->st, carol, true), SR_OK);
    CHECK(f, sr_user_list(f->st, list_fn, out), SR_OK);
    assert_string_equal(out, "alice:0;Bob:2;carol:0:disabled;");
    CHECK(f, sr_user_list(f->st, list_stop, &calls), SR_OK);
    assert_int_equal(calls, 1);

    CHECK(f, sr_user_update(f->st, bob, NULL, "市教育局", "12345"), SR_OK);
    last_event(f, "user_updated",
               "user_updated|0|root|2|Bob|0|-|-|unit, phone");
    CHECK(f, sr_user_update(f->st, bob, "李四", "", NULL), SR_OK);
    CHECK(f, sr_user_get(f->st, bob, &r), SR_OK);
    assert_string_equal(r.name, "李四");
    assert_null(r.unit);
    assert_string_equal(r.phone, "12345");
    sr_user_release(&r);
    CHECK(f, sr_user_update(f->st, bob, NULL, NULL, NULL), SR_ERR_INPUT);
    MSG(f, "nothing to change (give a name, a unit or a phone number)");
    CHECK(f, sr_user_update(f->st, bob, "", NULL, NULL), SR_ERR_INPUT);
    MSG(f, "the name is required");
    CHECK(f, sr_user_update(f->st, 42, "x", NULL, NULL), SR_ERR_NOT_FOUND);
    MSG(f, "no user 42");
    chain_ok(f);
}

/* ------------------------------------------------------------------ */
/* Signing in                                                           */
/* ------------------------------------------------------------------ */

static void
login_full(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "alice", false);
    struct sr_session_new s;
    struct sr_principal pr;
    char sha[65], q[256];

    grant(f, id, SR_ROLE_DISTRICT, "历下区", NULL);
    /* Any case of the login. */
    login_ok(f, "Alice", PW, SR_SESSION_FULL, &s);
    assert_int_equal(strlen(s.token), 43);
    assert_int_equal(strlen(s.csrf), 43);
    assert_null(strpbrk(s.token, "+/="));
    assert_string_not_equal(s.token, s.csrf);
    assert_int_equal(s.user, id);
    assert_int_equal(s.expires_at, CLOCK + 43200);

    /* Only the token's SHA-256 is stored. */
    sr_sha256_hex(s.token, strlen(s.token), sha);
    snprintf(q, sizeof(q), "SELECT count(*) FROM sessions WHERE "
             "token_sha256 = '%s' AND stage = 'full' AND source = "
             "'10.0.0.7' AND agent = 'test-agent/1.0'", sha);
    assert_int_equal(sql_int(f, q), 1);
    snprintf(q, sizeof(q), "SELECT count(*) FROM sessions WHERE "
             "instr(token_sha256 || csrf, '%s') > 0", s.token);
    assert_int_equal(sql_int(f, q), 0);

    at(f, 5);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.stage, SR_SESSION_FULL);
    assert_string_equal(pr.user.login, "alice");
    assert_string_equal(pr.csrf, s.csrf);
    assert_int_equal(pr.roles, SR_ROLES(SR_ROLE_DISTRICT));
    assert_int_equal(pr.user.n_grants, 1);
    assert_string_equal(pr.user.grants[0].district, "370102");
    assert_string_equal(pr.user.grants[0].district_name, "历下区");
    assert_int_equal(pr.expires_at, CLOCK + 43200);
    assert_int_equal(pr.idle_expires_at, CLOCK + 1800);
    sr_principal_release(&pr);
    sr_principal_release(&pr);

    last_event(f, "login",
               "login|1|Alice|1|alice|0|-|10.0.0.7|signed in");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM security_events "
                                "WHERE action = 'login' AND state IS NULL"),
                     1);
    /* A user without any grant signs in (and sees nothing). */
    (void)add(f, "nobody", false);
    login_ok(f, "nobody", PW, SR_SESSION_FULL, &s);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.roles, 0);
    sr_principal_release(&pr);

    /* Logout ends it; an unknown token is fine. */
    CHECK(f, sr_auth_logout(f->st, s.token, "10.0.0.8"), SR_OK);
    session_gone(f, s.token);
    last_event(f, "logout", "logout|2|nobody|2|nobody|0|-|10.0.0.8|-");
    CHECK(f, sr_auth_logout(f->st, s.token, NULL), SR_OK);
    CHECK(f, sr_auth_logout(f->st, NULL, NULL), SR_OK);
    assert_int_equal(count_events(f, "logout"), 1);
    session_gone(f, "no-such-token");
    session_gone(f, "");
    session_gone(f, NULL);
    chain_ok(f);
}

static void
login_refusals(void **state)
{
    struct fx *f = *state;
    char typed[100], logged[65], want[256];
    struct sr_session_new s;
    struct sr_user r;
    int64_t id = add(f, "alice", false);

    login_refused(f, "alice", "Wrong-Password1");
    last_event(f, "login_failed",
               "login_failed|1|alice|1|alice|0|alice|10.0.0.7|wrong "
               "password");
    /* An unknown login: the same answer, logged as typed. */
    login_refused(f, "mallory", PW);
    last_event(f, "login_failed",
               "login_failed|0|mallory|0|-|0|mallory|10.0.0.7|unknown "
               "login");
    /* What is typed is logged printable and cut to 64 bytes. */
    memset(typed, 'z', sizeof(typed));
    memcpy(typed, "x\ny\x01", 4);
    typed[sizeof(typed) - 1] = '\0';
    memset(logged, 'z', 64);
    memcpy(logged, "x?y?", 4);
    logged[64] = '\0';
    login_refused(f, typed, PW);
    snprintf(want, sizeof(want),
             "login_failed|0|%s|0|-|0|%s|10.0.0.7|unknown login", logged,
             logged);
    last_event(f, "login_failed", want);
    CHECK(f, login(f, "alice", "", &s), SR_ERR_INPUT);
    MSG(f, "the password is required");
    CHECK(f, login(f, NULL, PW, &s), SR_ERR_INPUT);
    MSG(f, "the login is required");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 1);
    sr_user_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions"), 0);
    /* A right password clears the count. */
    login_ok(f, "alice", PW, SR_SESSION_FULL, &s);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 0);
    sr_user_release(&r);
    assert_int_equal(count_events(f, "login_failed"), 3);
    chain_ok(f);
}

static void
lockout(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "bob", false);
    struct sr_session_new s;
    struct sr_user r;
    int i;

    for (i = 0; i < 4; i++)
        login_refused(f, "bob", "Wrong-Password1");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 4);
    assert_false(r.locked);
    sr_user_release(&r);
    assert_int_equal(count_events(f, "user_locked"), 0);

    at(f, 10);
    login_refused(f, "bob", "Wrong-Password1");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 5);
    assert_true(r.locked);
    assert_int_equal(r.locked_until, CLOCK + 10 + 1800);
    sr_user_release(&r);
    last_event(f, "user_locked",
               "user_locked|1|bob|1|bob|0|-|10.0.0.7|locked for 30 minutes "
               "after 5 failed sign-ins");

    /* Locked: the right password fails too, and is not counted. */
    at(f, 1000);
    login_refused(f, "bob", PW);
    last_event(f, "login_failed",
               "login_failed|1|bob|1|bob|0|bob|10.0.0.7|account locked");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 5);
    assert_int_equal(r.locked_until, CLOCK + 1810);
    sr_user_release(&r);

    /* The lock runs out after lock_minutes. */
    at(f, 1809);
    login_refused(f, "bob", PW);
    at(f, 1810);
    login_ok(f, "bob", PW, SR_SESSION_FULL, &s);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 0);
    assert_false(r.locked);
    assert_int_equal(r.locked_until, 0);
    sr_user_release(&r);

    /* Locked again, then unlocked by an administrator. */
    for (i = 0; i < 5; i++)
        login_refused(f, "bob", "Wrong-Password1");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_true(r.locked);
    sr_user_release(&r);
    CHECK(f, sr_user_unlock(f->st, id), SR_OK);
    last_event(f, "user_unlocked",
               "user_unlocked|0|root|1|bob|0|-|-|5 failed sign-ins cleared");
    login_ok(f, "bob", PW, SR_SESSION_FULL, &s);
    CHECK(f, sr_user_unlock(f->st, id), SR_ERR_STATE);
    MSG(f, "user 'bob' is not locked");
    CHECK(f, sr_user_unlock(f->st, 77), SR_ERR_NOT_FOUND);
    MSG(f, "no user 77");
    assert_int_equal(count_events(f, "user_locked"), 2);
    chain_ok(f);
}

static void
disabled_user(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "carol", false);
    struct sr_session_new s1, s2;

    login_ok(f, "carol", PW, SR_SESSION_FULL, &s1);
    login_ok(f, "carol", PW, SR_SESSION_FULL, &s2);
    CHECK(f, sr_user_set_disabled(f->st, id, true), SR_OK);
    last_event(f, "user_disabled",
               "user_disabled|0|root|1|carol|0|-|-|2 sessions ended");
    session_gone(f, s1.token);
    session_gone(f, s2.token);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions"), 0);
    login_refused(f, "carol", PW);
    last_event(f, "login_failed",
               "login_failed|1|carol|1|carol|0|carol|10.0.0.7|account "
               "disabled");
    CHECK(f, sr_user_set_disabled(f->st, id, true), SR_ERR_STATE);
    MSG(f, "user 'carol' is already disabled");
    CHECK(f, sr_user_set_disabled(f->st, id, false), SR_OK);
    last_event(f, "user_enabled", "user_enabled|0|root|1|carol|0|-|-|-");
    CHECK(f, sr_user_set_disabled(f->st, id, false), SR_ERR_STATE);
    MSG(f, "user 'carol' is already enabled");
    login_ok(f, "carol", PW, SR_SESSION_FULL, &s1);
    chain_ok(f);
}

static void
session_expiry(void **state)
{
    struct fx *f = *state;
    struct sr_session_new s, old;
    struct sr_principal pr;
    size_t n = 99;
    int64_t t;

    (void)add(f, "dave", false);
    login_ok(f, "dave", PW, SR_SESSION_FULL, &s);
    /* Within a minute, seen_at is not written. */
    at(f, 30);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.idle_expires_at, CLOCK + 1800);
    sr_principal_release(&pr);
    assert_int_equal(sql_int(f, "SELECT seen_at FROM sessions"), CLOCK);
    at(f, 61);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.idle_expires_at, CLOCK + 61 + 1800);
    sr_principal_release(&pr);
    assert_int_equal(sql_int(f, "SELECT seen_at FROM sessions"), CLOCK + 61);
    /* Idle exactly session_idle: still live; one second more: gone. */
    at(f, 61 + 1800);
    session_is(f, s.token, SR_SESSION_FULL);
    at(f, 61 + 1800 + 1800 + 1);
    session_gone(f, s.token);

    /* Absolute expiry, however busy the session is. */
    at(f, 10000);
    login_ok(f, "dave", PW, SR_SESSION_FULL, &s);
    for (t = 10000 + 1500; t <= 10000 + 43200; t += 1500) {
        at(f, t);
        session_is(f, s.token, SR_SESSION_FULL);
    }
    at(f, 10000 + 43200);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.expires_at, CLOCK + 10000 + 43200);
    assert_int_equal(pr.idle_expires_at, CLOCK + 10000 + 43200);
    sr_principal_release(&pr);
    at(f, 10000 + 43201);
    session_gone(f, s.token);

    /* The sweep deletes what expired, and only that. */
    at(f, 60000);
    login_ok(f, "dave", PW, SR_SESSION_FULL, &old);
    at(f, 60000 + 1000);
    login_ok(f, "dave", PW, SR_SESSION_FULL, &s);
    at(f, 60000 + 1801);
    CHECK(f, sr_auth_sweep(f->st, &f->p, &n), SR_OK);
    /* The two expired above and the idle one. */
    assert_int_equal(n, 3);
    session_gone(f, old.token);
    session_is(f, s.token, SR_SESSION_FULL);
    CHECK(f, sr_auth_sweep(f->st, &f->p, &n), SR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions"), 1);
    chain_ok(f);
}

static void
password_change(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "erin", false);
    struct sr_session_new s1, s2;
    struct sr_user r;

    login_ok(f, "erin", PW, SR_SESSION_FULL, &s1);
    login_ok(f, "erin", PW, SR_SESSION_FULL, &s2);
    /* A wrong current password counts as a failed sign-in. */
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, "Not-It-123",
                                     PW2, "10.0.0.9"),
          SR_ERR_AUTH);
    MSG(f, "the current password is wrong, or the account is locked");
    last_event(f, "login_failed",
               "login_failed|1|erin|1|erin|0|erin|10.0.0.9|wrong current "
               "password");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 1);
    sr_user_release(&r);
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, PW, PW, NULL),
          SR_ERR_INPUT);
    MSG(f, "the new password is the same as the current one");
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, PW, "erin-2026-X",
                                     NULL),
          SR_ERR_INPUT);
    MSG(f, "the password contains the login");
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, NULL, PW2, NULL),
          SR_ERR_INPUT);
    MSG(f, "the current password is required");
    session_is(f, s2.token, SR_SESSION_FULL);

    /* Changed: every session of the user ends, this one too. */
    at(f, 100);
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, PW, PW2,
                                     "10.0.0.9"),
          SR_OK);
    last_event(f, "password_changed",
               "password_changed|1|erin|1|erin|0|-|10.0.0.9|2 sessions "
               "ended");
    session_gone(f, s1.token);
    session_gone(f, s2.token);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_string_equal(r.password_set_at, "2026-09-15T02:01:40Z");
    assert_int_equal(r.failed_logins, 0);
    sr_user_release(&r);
    login_refused(f, "erin", PW);
    login_ok(f, "erin", PW2, SR_SESSION_FULL, &s1);

    /* An administrator's reset: change it at the next sign-in. */
    CHECK(f, sr_user_set_password(f->st, &f->p, id, NULL, PW, true), SR_OK);
    last_event(f, "password_reset",
               "password_reset|0|root|1|erin|0|-|-|1 session ended; must "
               "change it at the next sign-in");
    session_gone(f, s1.token);
    login_ok(f, "erin", PW, SR_SESSION_PASSWORD, &s1);
    session_is(f, s1.token, SR_SESSION_PASSWORD);
    CHECK(f, sr_auth_change_password(f->st, &f->p, s1.token, PW, PW2, NULL),
          SR_OK);
    login_ok(f, "erin", PW2, SR_SESSION_FULL, &s1);
    CHECK(f, sr_user_set_password(f->st, &f->p, 55, NULL, PW, true),
          SR_ERR_NOT_FOUND);
    MSG(f, "no user 55");
    chain_ok(f);
}

static void
password_expiry(void **state)
{
    struct fx *f = *state;
    struct sr_session_new s;

    (void)add(f, "frank", false);
    at(f, 89 * 86400);
    login_ok(f, "frank", PW, SR_SESSION_FULL, &s);
    at(f, 90 * 86400);
    login_ok(f, "frank", PW, SR_SESSION_PASSWORD, &s);
    /* Never, when the deployment says so. */
    f->p.max_age_days = 0;
    login_ok(f, "frank", PW, SR_SESSION_FULL, &s);
    chain_ok(f);
}

/* A hash made with weaker limits than today's is replaced at the next
 * sign-in, and the new one is chained with the login event. */
static void
rehash_on_login(void **state)
{
    struct fx *f = *state;
    char weak[crypto_pwhash_STRBYTES], sql[400], want[400];
    struct sr_session_new s;

    (void)add(f, "olga", false);
    assert_int_equal(crypto_pwhash_str(weak, PW, strlen(PW),
                                       crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    snprintf(sql, sizeof(sql), "UPDATE users SET password_hash = '%s'",
             weak);
    sql_exec(f, sql);
    chain_broken(f, "user 1 was altered outside schoolrisk: the row no "
                    "longer matches the security log");
    login_ok(f, "olga", PW, SR_SESSION_FULL, &s);
    last_event(f, "login",
               "login|1|olga|1|olga|0|-|10.0.0.7|signed in; password "
               "rehashed");
    snprintf(want, sizeof(want), "SELECT password_hash <> '%s' AND "
             "password_hash LIKE '$argon2id$v=19$m=65536,t=2,p=1$%%' FROM "
             "users", weak);
    assert_int_equal(sql_int(f, want), 1);
    /* The event carries the new state: the row matches its history. */
    chain_ok(f);
    login_ok(f, "olga", PW, SR_SESSION_FULL, &s);
    last_event(f, "login", "login|1|olga|1|olga|0|-|10.0.0.7|signed in");
}

/* ------------------------------------------------------------------ */
/* Second factor                                                        */
/* ------------------------------------------------------------------ */

static void
totp_code_vectors(void **state)
{
    /* RFC 6238 appendix B (SHA-1): the key "12345678901234567890". */
    static const char key[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    char code[7];

    (void)state;
    assert_int_equal(sr_totp_code(key, 59, code), SR_OK);
    assert_string_equal(code, "287082");
    assert_int_equal(sr_totp_code(key, 1111111109, code), SR_OK);
    assert_string_equal(code, "081804");
    assert_int_equal(sr_totp_code(key, 1234567890, code), SR_OK);
    assert_string_equal(code, "005924");
    assert_int_equal(sr_totp_code("not base32!", 59, code), SR_ERR_INPUT);
    assert_int_equal(sr_totp_code("", 59, code), SR_ERR_INPUT);
}

static void
code_at(const char *secret, int64_t seconds, char code[7])
{
    assert_int_equal(sr_totp_code(secret, CLOCK + seconds, code), SR_OK);
}

static void
totp_enrol_and_login(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "gina", false);
    struct sr_session_new s;
    struct sr_user r;
    char secret[33], code[7], want[128], spaced[8];
    char *uri = NULL;
    int i;

    grant(f, id, SR_ROLE_SCHOOL, NULL, "3701020001");
    /* Nothing pending yet. */
    CHECK(f, sr_totp_confirm(f->st, id, "123456"), SR_ERR_STATE);
    MSG(f, "no second factor is being enrolled for user 'gina'");
    CHECK(f, sr_totp_begin(f->st, id, secret, &uri), SR_OK);
    assert_int_equal(strlen(secret), 32);
    snprintf(want, sizeof(want),
             "otpauth://totp/schoolrisk:gina?secret=%s&issuer=schoolrisk",
             secret);
    assert_string_equal(uri, want);
    free(uri);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_false(r.totp);
    sr_user_release(&r);
    code_at(secret, 0, code);
    code[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
    CHECK(f, sr_totp_confirm(f->st, id, code), SR_ERR_AUTH);
    MSG(f, "the code is wrong or was already used");
    code_at(secret, 0, code);
    CHECK(f, sr_totp_confirm(f->st, id, code), SR_OK);
    last_event(f, "totp_enrolled", "totp_enrolled|0|root|1|gina|0|-|-|-");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_true(r.totp);
    sr_user_release(&r);
    assert_int_equal(sql_int(f, "SELECT totp_last FROM users"), STEP0);
    CHECK(f, sr_totp_begin(f->st, id, secret + 0, &uri), SR_ERR_STATE);
    MSG(f, "user 'gina' already has a second factor: reset it first");
    assert_null(uri);

    /* Sign-in: the code is the next step. */
    at(f, 30);
    login_ok(f, "gina", PW, SR_SESSION_TOTP, &s);
    session_is(f, s.token, SR_SESSION_TOTP);
    /* The code used at enrolment is refused (already used). */
    code_at(secret, 0, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, "10.0.0.7"),
          SR_ERR_AUTH);
    MSG(f, "the code is wrong or was already used, or the account is locked");
    last_event(f, "login_failed",
               "login_failed|1|gina|1|gina|0|gina|10.0.0.7|wrong TOTP code");
    code_at(secret, 30, code);
    snprintf(spaced, sizeof(spaced), "%.3s %.3s", code, code + 3);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, spaced, "10.0.0.7"),
          SR_OK);
    session_is(f, s.token, SR_SESSION_FULL);
    last_event(f, "login",
               "login|1|gina|1|gina|0|-|10.0.0.7|TOTP code accepted");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 0);
    sr_user_release(&r);
    /* Not on a full session. */
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_ERR_STATE);
    MSG(f, "the session is not waiting for a TOTP code (its stage is "
           "'full')");

    /* Replay of the same code on a new sign-in: refused, counted. */
    at(f, 40);
    login_ok(f, "gina", PW, SR_SESSION_TOTP, &s);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_ERR_AUTH);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.failed_logins, 1);
    sr_user_release(&r);
    /* One step of drift either way; two is too much. */
    at(f, 100);
    code_at(secret, 70, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_OK);
    at(f, 130);
    login_ok(f, "gina", PW, SR_SESSION_TOTP, &s);
    code_at(secret, 190, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_ERR_AUTH);
    code_at(secret, 160, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_OK);
    assert_int_equal(sql_int(f, "SELECT totp_last FROM users"), STEP0 + 5);

    /* Wrong codes lock the account like wrong passwords. */
    at(f, 300);
    login_ok(f, "gina", PW, SR_SESSION_TOTP, &s);
    for (i = 0; i < 5; i++)
        CHECK(f, sr_auth_totp(f->st, &f->p, s.token, "000000", NULL),
              SR_ERR_AUTH);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_true(r.locked);
    sr_user_release(&r);
    code_at(secret, 300, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_ERR_AUTH);
    last_event(f, "login_failed",
               "login_failed|1|gina|1|gina|0|gina|-|account locked");
    CHECK(f, sr_user_unlock(f->st, id), SR_OK);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, "12345", NULL), SR_ERR_AUTH);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_OK);

    /* A lost phone: reset, and the sessions end. */
    CHECK(f, sr_totp_reset(f->st, id), SR_OK);
    last_event(f, "totp_reset",
               "totp_reset|0|root|1|gina|0|-|-|4 sessions ended");
    session_gone(f, s.token);
    CHECK(f, sr_totp_reset(f->st, id), SR_ERR_STATE);
    MSG(f, "user 'gina' has no second factor");
    at(f, 400);
    login_ok(f, "gina", PW, SR_SESSION_FULL, &s);
    chain_ok(f);
}

static void
totp_required_roles(void **state)
{
    struct fx *f = *state;
    int64_t admin = add(f, "admin0", true), city = add(f, "city0", false);
    struct sr_session_new s;
    struct sr_principal pr;
    char secret[33], code[7];
    char *uri = NULL;

    grant(f, admin, SR_ROLE_ADMIN, NULL, NULL);
    grant(f, city, SR_ROLE_CITY, NULL, NULL);
    login_ok(f, "city0", PW, SR_SESSION_ENROLL, &s);
    /* Without the requirement: straight in. */
    f->p.totp_roles = 0;
    login_ok(f, "city0", PW, SR_SESSION_FULL, &s);
    sr_auth_policy_init(&f->p);

    login_ok(f, "admin0", PW, SR_SESSION_ENROLL, &s);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.stage, SR_SESSION_ENROLL);
    assert_int_equal(pr.roles, SR_ROLES(SR_ROLE_ADMIN));
    sr_principal_release(&pr);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, "123456", NULL),
          SR_ERR_STATE);
    MSG(f, "the session is not waiting for a TOTP code (its stage is "
           "'enroll')");
    CHECK(f, sr_auth_change_password(f->st, &f->p, s.token, PW, PW2, NULL),
          SR_ERR_STATE);
    MSG(f, "the session must pass its second factor first (its stage is "
           "'enroll')");
    CHECK(f, sr_auth_enroll_begin(f->st, s.token, secret, &uri), SR_OK);
    assert_non_null(strstr(uri, "schoolrisk:admin0?secret="));
    free(uri);
    code_at(secret, 0, code);
    CHECK(f, sr_auth_enroll_confirm(f->st, &f->p, s.token, "000000"),
          SR_ERR_AUTH);
    MSG(f, "the code is wrong or was already used");
    CHECK(f, sr_auth_enroll_confirm(f->st, &f->p, s.token, code), SR_OK);
    /* must_change: the password comes next. */
    session_is(f, s.token, SR_SESSION_PASSWORD);
    last_event(f, "totp_enrolled",
               "totp_enrolled|1|admin0|1|admin0|0|-|-|-");
    CHECK(f, sr_auth_enroll_begin(f->st, s.token, secret, &uri),
          SR_ERR_STATE);
    MSG(f, "the session is not enrolling a second factor (its stage is "
           "'password')");
    CHECK(f, sr_auth_change_password(f->st, &f->p, s.token, PW, PW2, NULL),
          SR_OK);
    at(f, 30);
    login_ok(f, "admin0", PW2, SR_SESSION_TOTP, &s);
    code_at(secret, 30, code);
    CHECK(f, sr_auth_totp(f->st, &f->p, s.token, code, NULL), SR_OK);
    session_is(f, s.token, SR_SESSION_FULL);
    CHECK(f, sr_auth_enroll_begin(f->st, "nope", secret, &uri), SR_ERR_AUTH);
    MSG(f, "the session has expired; sign in again");
    chain_ok(f);
}

/* ------------------------------------------------------------------ */
/* Grants and scope                                                     */
/* ------------------------------------------------------------------ */

static void
grants_validation(void **state)
{
    static const struct {
        int role;
        const char *district, *school;
        sr_error rc;
        const char *msg;
    } cases[] = {
        {99, NULL, NULL, SR_ERR_INPUT, "unknown role 99"},
        {-1, NULL, NULL, SR_ERR_INPUT, "unknown role -1"},
        {SR_ROLE_DISTRICT, NULL, NULL, SR_ERR_INPUT,
         "a district grant needs a district"},
        {SR_ROLE_DISTRICT, "370102", "3701020001", SR_ERR_INPUT,
         "a district grant takes no school"},
        {SR_ROLE_SCHOOL, NULL, NULL, SR_ERR_INPUT,
         "a school grant needs a school"},
        {SR_ROLE_SCHOOL, "370102", "3701020001", SR_ERR_INPUT,
         "a school grant takes no district (the school's district is "
         "known)"},
        {SR_ROLE_INSPECTOR, NULL, NULL, SR_ERR_INPUT,
         "an inspector grant needs a district or a school"},
        {SR_ROLE_INSPECTOR, "370102", "3701020001", SR_ERR_INPUT,
         "an inspector grant takes a district or a school, not both"},
        {SR_ROLE_CITY, "370102", NULL, SR_ERR_INPUT,
         "a city grant takes no district or school"},
        {SR_ROLE_ADMIN, NULL, "3701020001", SR_ERR_INPUT,
         "an admin grant takes no district or school"},
        {SR_ROLE_DISTRICT, "火星区", NULL, SR_ERR_NOT_FOUND,
         "no district '火星区' (give its code, such as 370102, or its name, "
         "such as 历下区)"},
        {SR_ROLE_INSPECTOR, NULL, "9999999999", SR_ERR_NOT_FOUND,
         "no school with code '9999999999' in the registry"},
    };
    struct fx *f = *state;
    int64_t id = add(f, "henry", false), g1, g2, g3, g = 0;
    struct sr_user r;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(f, sr_grant_add(f->st, id, cases[i].role, cases[i].district,
                              cases[i].school, &g),
              cases[i].rc);
        MSG(f, cases[i].msg);
    }
    CHECK(f, sr_grant_add(f->st, 42, SR_ROLE_CITY, NULL, NULL, &g),
          SR_ERR_NOT_FOUND);
    MSG(f, "no user 42");
    assert_int_equal(g, 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM grants"), 0);

    /* A district by its name or code; a school by its code. */
    g1 = grant(f, id, SR_ROLE_DISTRICT, "历下区", NULL);
    last_event(f, "grant_added",
               "grant_added|0|root|1|henry|1|-|-|role district, district "
               "370102");
    CHECK(f, sr_grant_add(f->st, id, SR_ROLE_DISTRICT, "370102", NULL, &g),
          SR_ERR_CONFLICT);
    MSG(f, "user 'henry' already holds this grant (grant 1)");
    g2 = grant(f, id, SR_ROLE_INSPECTOR, NULL, "3701120001");
    g3 = grant(f, id, SR_ROLE_INSPECTOR, "370112", NULL);
    /* An empty string is no district. */
    CHECK(f, sr_grant_add(f->st, id, SR_ROLE_CITY, "", "", &g), SR_OK);
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.n_grants, 4);
    assert_int_equal(r.grants[0].id, g1);
    assert_int_equal(r.grants[0].role, SR_ROLE_DISTRICT);
    assert_string_equal(r.grants[0].district, "370102");
    assert_string_equal(r.grants[0].district_name, "历下区");
    assert_null(r.grants[0].school);
    assert_string_equal(r.grants[0].granted_by, "root");
    assert_string_equal(r.grants[0].granted_at, "2026-09-15T02:00:00Z");
    assert_int_equal(r.grants[1].id, g2);
    assert_string_equal(r.grants[1].school, "3701120001");
    assert_string_equal(r.grants[1].school_name, "济南市历城区示例小学");
    assert_null(r.grants[1].district);
    assert_int_equal(r.grants[2].id, g3);
    assert_string_equal(r.grants[2].district_name, "历城区");
    assert_int_equal(r.grants[3].role, SR_ROLE_CITY);
    sr_user_release(&r);

    /* Revoked: gone from the user, kept in the table; granted again. */
    CHECK(f, sr_grant_revoke(f->st, g1), SR_OK);
    last_event(f, "grant_revoked",
               "grant_revoked|0|root|1|henry|1|-|-|role district");
    CHECK(f, sr_grant_revoke(f->st, g1), SR_ERR_STATE);
    MSG(f, "role grant 1 is already revoked");
    CHECK(f, sr_grant_revoke(f->st, 999), SR_ERR_NOT_FOUND);
    MSG(f, "no role grant 999");
    CHECK(f, sr_user_get(f->st, id, &r), SR_OK);
    assert_int_equal(r.n_grants, 3);
    sr_user_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM grants WHERE "
                                "revoked_at = '2026-09-15T02:00:00Z' AND "
                                "revoked_by = 'root'"),
                     1);
    (void)grant(f, id, SR_ROLE_DISTRICT, "370102", NULL);
    chain_ok(f);
}

static void
closed_school_grant(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "ivy", false), g = 0;
    struct sr_import_report rep;
    struct sr_diags d;
    /* A full import of 历下区 without its school closes it. */
    static const char csv[] =
        "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,"
        "实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,"
        "联系电话\n"
        "3701020002,济南市历下区新小学,历下区,小学,公办,城区,否,否,是,否,"
        "否,100,0,0,赵老师,0531-0000003\n";

    sr_diags_init(&d);
    CHECK(f, sr_registry_import_memory(f->st, "full.csv", csv,
                                       sizeof(csv) - 1, SR_IMPORT_FULL, &rep,
                                       &d),
          SR_OK);
    sr_diags_release(&d);
    CHECK(f, sr_grant_add(f->st, id, SR_ROLE_SCHOOL, NULL, "3701020001", &g),
          SR_ERR_STATE);
    MSG(f, "school '3701020001' is closed in the registry");
    chain_ok(f);
}

static void
last_admin(void **state)
{
    struct fx *f = *state;
    int64_t a1 = add(f, "admin1", false), a2, ga1, ga2;
    struct sr_security_filter flt = {0, "user_disabled", NULL, NULL, 0, 0};
    struct events ev;

    ga1 = grant(f, a1, SR_ROLE_ADMIN, NULL, NULL);
    CHECK(f, sr_grant_revoke(f->st, ga1), SR_ERR_STATE);
    MSG(f, "role grant 1 is the last admin grant of an enabled user: grant "
           "admin to another user first");
    CHECK(f, sr_user_set_disabled(f->st, a1, true), SR_ERR_STATE);
    MSG(f, "user 'admin1' is the last enabled administrator: grant admin to "
           "another user first");

    a2 = add(f, "admin2", false);
    ga2 = grant(f, a2, SR_ROLE_ADMIN, NULL, NULL);
    /* A disabled administrator does not count. */
    CHECK(f, sr_user_set_disabled(f->st, a2, true), SR_OK);
    CHECK(f, sr_grant_revoke(f->st, ga1), SR_ERR_STATE);
    CHECK(f, sr_user_set_disabled(f->st, a1, true), SR_ERR_STATE);
    CHECK(f, sr_user_set_disabled(f->st, a2, false), SR_OK);

    /* Acting as admin2: not themself. */
    CHECK(f, sr_store_set_user(f->st, a2, "admin2"), SR_OK);
    CHECK(f, sr_user_set_disabled(f->st, a2, true), SR_ERR_STATE);
    MSG(f, "you cannot disable your own account");
    CHECK(f, sr_user_set_disabled(f->st, a1, true), SR_OK);
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, NULL), SR_OK);
    assert_int_equal(ev.n, 2);
    assert_string_equal(ev.line[0], "user_disabled|2|admin2|1|admin1|0|-|-|"
                                    "0 sessions ended");
    assert_string_equal(ev.line[1], "user_disabled|0|root|2|admin2|0|-|-|"
                                    "0 sessions ended");
    /* admin1 is disabled: admin2's is now the last grant. */
    CHECK(f, sr_grant_revoke(f->st, ga2), SR_ERR_STATE);
    CHECK(f, sr_grant_revoke(f->st, ga1), SR_OK);
    chain_ok(f);
}

static void
scope_of_roles(void **state)
{
    struct sr_grant g[] = {
        {1, SR_ROLE_DISTRICT, (char *)"370102", NULL, NULL, NULL, NULL, NULL},
        {2, SR_ROLE_SCHOOL, NULL, NULL, (char *)"3701120001", NULL, NULL,
         NULL},
        {3, SR_ROLE_INSPECTOR, (char *)"370112", NULL, NULL, NULL, NULL,
         NULL},
        {4, SR_ROLE_INSPECTOR, NULL, NULL, (char *)"3701030001", NULL, NULL,
         NULL},
        {5, SR_ROLE_ADMIN, NULL, NULL, NULL, NULL, NULL, NULL},
        {6, SR_ROLE_CITY, NULL, NULL, NULL, NULL, NULL, NULL},
        {7, SR_ROLE_INSPECTOR, (char *)"370102", NULL, NULL, NULL, NULL,
         NULL},
    };
    const unsigned D = SR_ROLES(SR_ROLE_DISTRICT), S = SR_ROLES(SR_ROLE_SCHOOL),
                   I = SR_ROLES(SR_ROLE_INSPECTOR), A = SR_ROLES(SR_ROLE_ADMIN),
                   C = SR_ROLES(SR_ROLE_CITY), ALL = SR_ROLES_BUSINESS | A;
    struct sr_principal p;
    struct sr_scope sc;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.user.grants = g;

    /* district: its district and the schools in it, nothing else */
    p.user.n_grants = 1;
    p.roles = D;
    assert_true(sr_principal_has(&p, D | C));
    assert_false(sr_principal_has(&p, S | I | A));
    assert_true(sr_principal_covers(&p, ALL, "370102", NULL));
    assert_true(sr_principal_covers(&p, ALL, "370102", "3701020001"));
    assert_false(sr_principal_covers(&p, ALL, "370112", NULL));
    assert_false(sr_principal_covers(&p, ALL, "370112", "3701120001"));
    assert_false(sr_principal_covers(&p, S | I, "370102", NULL));
    assert_false(sr_principal_covers(&p, ALL, NULL, NULL));

    /* school: its school only, not its district */
    p.user.grants = g + 1;
    assert_true(sr_principal_covers(&p, ALL, "370112", "3701120001"));
    assert_false(sr_principal_covers(&p, ALL, "370112", NULL));
    assert_false(sr_principal_covers(&p, ALL, "370112", "3701120002"));

    /* inspector of a district: the district and the schools in it */
    p.user.grants = g + 2;
    assert_true(sr_principal_covers(&p, I, "370112", NULL));
    assert_true(sr_principal_covers(&p, I, "370112", "3701120007"));
    assert_false(sr_principal_covers(&p, I, "370102", "3701020001"));
    assert_false(sr_principal_covers(&p, D, "370112", NULL));

    /* inspector of a school, in any district */
    p.user.grants = g + 3;
    assert_true(sr_principal_covers(&p, I, "370103", "3701030001"));
    assert_false(sr_principal_covers(&p, I, "370103", NULL));
    assert_false(sr_principal_covers(&p, I, "370103", "3701030002"));

    /* admin: no school data at all */
    p.user.grants = g + 4;
    assert_false(sr_principal_covers(&p, ALL, "370102", "3701020001"));
    assert_false(sr_principal_covers(&p, ALL, "370102", NULL));
    assert_false(sr_principal_covers(&p, ALL, NULL, NULL));
    assert_int_equal(sr_principal_scope(&p, ALL, &sc), SR_OK);
    assert_false(sc.all);
    assert_int_equal(sc.n_districts + sc.n_schools, 0);
    sr_scope_release(&sc);

    /* city: everything */
    p.user.grants = g + 5;
    assert_true(sr_principal_covers(&p, C, "370102", "3701020001"));
    assert_true(sr_principal_covers(&p, C, "JN-SS", NULL));
    assert_true(sr_principal_covers(&p, C, NULL, NULL));
    assert_false(sr_principal_covers(&p, D | S | I, "370102", NULL));

    /* The scope of several grants: the roles asked for only. */
    p.user.grants = g;
    p.user.n_grants = 7;
    assert_int_equal(sr_principal_scope(&p, D | S | I, &sc), SR_OK);
    assert_false(sc.all);
    assert_int_equal(sc.n_districts, 2);
    assert_string_equal(sc.districts[0], "370102");
    assert_string_equal(sc.districts[1], "370112");
    assert_int_equal(sc.n_schools, 2);
    assert_string_equal(sc.schools[0], "3701120001");
    assert_string_equal(sc.schools[1], "3701030001");
    /* The strings point into the principal. */
    assert_ptr_equal(sc.districts[0], g[0].district);
    sr_scope_release(&sc);
    assert_int_equal(sr_principal_scope(&p, S, &sc), SR_OK);
    assert_int_equal(sc.n_districts, 0);
    assert_int_equal(sc.n_schools, 1);
    sr_scope_release(&sc);
    assert_int_equal(sr_principal_scope(&p, ALL, &sc), SR_OK);
    assert_true(sc.all);
    sr_scope_release(&sc);
    assert_int_equal(sr_principal_scope(&p, 0, &sc), SR_OK);
    assert_false(sc.all);
    assert_int_equal(sc.n_districts + sc.n_schools, 0);
    sr_scope_release(&sc);
    sr_scope_release(&sc);
    p.user.n_grants = 0;
    assert_int_equal(sr_principal_scope(&p, ALL, &sc), SR_OK);
    assert_false(sc.all);
    sr_scope_release(&sc);
}

static void
scope_from_session(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "jack", false);
    struct sr_session_new s;
    struct sr_principal pr;
    struct sr_scope sc;

    grant(f, id, SR_ROLE_INSPECTOR, "历城区", NULL);
    grant(f, id, SR_ROLE_SCHOOL, NULL, "3701020001");
    login_ok(f, "jack", PW, SR_SESSION_FULL, &s);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.roles, SR_ROLES(SR_ROLE_INSPECTOR) |
                                   SR_ROLES(SR_ROLE_SCHOOL));
    assert_true(sr_principal_covers(&pr, SR_ROLES_BUSINESS, "370112",
                                    "3701120001"));
    assert_true(sr_principal_covers(&pr, SR_ROLES_BUSINESS, "370102",
                                    "3701020001"));
    assert_false(sr_principal_covers(&pr, SR_ROLES_BUSINESS, "370102",
                                     NULL));
    assert_int_equal(sr_principal_scope(&pr, SR_ROLES_BUSINESS, &sc), SR_OK);
    assert_int_equal(sc.n_districts, 1);
    assert_string_equal(sc.districts[0], "370112");
    assert_int_equal(sc.n_schools, 1);
    assert_string_equal(sc.schools[0], "3701020001");
    sr_scope_release(&sc);
    sr_principal_release(&pr);
    /* A revoked grant is gone at the next request. */
    CHECK(f, sr_grant_revoke(f->st, 2), SR_OK);
    CHECK(f, sr_auth_session(f->st, &f->p, s.token, &pr), SR_OK);
    assert_int_equal(pr.roles, SR_ROLES(SR_ROLE_INSPECTOR));
    assert_false(sr_principal_covers(&pr, SR_ROLES_BUSINESS, "370102",
                                     "3701020001"));
    sr_principal_release(&pr);
}

/* ------------------------------------------------------------------ */
/* The security log                                                     */
/* ------------------------------------------------------------------ */

static void
security_log(void **state)
{
    struct fx *f = *state;
    struct sr_security_filter flt;
    struct events ev;
    size_t total = 0;
    int64_t a, b;

    /* 2026-09-14 23:30 China time, then the 15th, then the 16th. */
    at(f, -(int64_t)(10 * 3600 + 1800));
    a = add(f, "kate", false);                       /* event 1 */
    at(f, 0);
    b = add(f, "liam", false);                       /* 2 */
    grant(f, b, SR_ROLE_SCHOOL, NULL, "3701020001"); /* 3 */
    login_refused(f, "kate", "Wrong-Password1");     /* 4 */
    at(f, 14 * 3600 - 1);                            /* 23:59:59 */
    CHECK(f, sr_user_set_disabled(f->st, a, true), SR_OK); /* 5 */
    at(f, 14 * 3600);                                /* the 16th */
    CHECK(f, sr_user_update(f->st, b, NULL, "某校", NULL), SR_OK); /* 6 */

    memset(&flt, 0, sizeof(flt));
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 6);
    assert_int_equal(ev.n, 6);
    /* Newest first. */
    assert_string_equal(ev.line[0], "user_updated|0|root|2|liam|0|-|-|unit");
    assert_string_equal(ev.line[5], "user_added|0|root|1|kate|0|-|-|-");
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, NULL, collect, &ev, NULL), SR_OK);
    assert_int_equal(ev.n, 6);

    /* Paging: total counts every match. */
    flt.offset = 1;
    flt.limit = 2;
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 6);
    assert_int_equal(ev.n, 2);
    assert_string_equal(ev.line[0], "user_disabled|0|root|1|kate|0|-|-|"
                                    "0 sessions ended");
    assert_string_equal(ev.line[1], "login_failed|1|kate|1|kate|0|kate|"
                                    "10.0.0.7|wrong password");
    flt.offset = 6;
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(ev.n, 0);

    /* By user (as actor or target) and action. */
    memset(&flt, 0, sizeof(flt));
    flt.user = a;
    memset(&ev, 0, sizeof(ev));
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 3);
    flt.action = "user_added";
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 1);

    /* By China day, until inclusive. */
    memset(&flt, 0, sizeof(flt));
    flt.since = "2026-09-15";
    flt.until = "2026-09-15";
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 4);
    flt.since = NULL;
    flt.until = "2026-09-14";
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 1);
    flt.since = "2026-09-16";
    flt.until = NULL;
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total), SR_OK);
    assert_int_equal(total, 1);
    flt.since = "2026-9-16";
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total),
          SR_ERR_INPUT);
    MSG(f, "since '2026-9-16' is not a valid date (YYYY-MM-DD)");
    flt.since = NULL;
    flt.until = "2026-02-30";
    CHECK(f, sr_security_list(f->st, &flt, collect, &ev, &total),
          SR_ERR_INPUT);
    MSG(f, "until '2026-02-30' is not a valid date (YYYY-MM-DD)");
    chain_ok(f);
}

/* ------------------------------------------------------------------ */
/* The audit chain                                                      */
/* ------------------------------------------------------------------ */

/* Users and grants of every kind of change, then the chain. */
static int64_t
busy_history(struct fx *f)
{
    int64_t a = add(f, "mia", false), b = add(f, "noah", true);
    struct sr_session_new s;
    char secret[33], code[7];
    char *uri = NULL;

    grant(f, a, SR_ROLE_ADMIN, NULL, NULL);
    grant(f, b, SR_ROLE_DISTRICT, "370102", NULL);
    grant(f, b, SR_ROLE_INSPECTOR, NULL, "3701120001");
    CHECK(f, sr_grant_revoke(f->st, 3), SR_OK);
    CHECK(f, sr_user_update(f->st, b, "诺亚", "单位", NULL), SR_OK);
    login_ok(f, "noah", PW, SR_SESSION_PASSWORD, &s);
    CHECK(f, sr_auth_change_password(f->st, &f->p, s.token, PW, PW2, NULL),
          SR_OK);
    CHECK(f, sr_totp_begin(f->st, b, secret, &uri), SR_OK);
    free(uri);
    code_at(secret, 0, code);
    CHECK(f, sr_totp_confirm(f->st, b, code), SR_OK);
    CHECK(f, sr_totp_reset(f->st, b), SR_OK);
    CHECK(f, sr_user_set_disabled(f->st, b, true), SR_OK);
    CHECK(f, sr_user_set_disabled(f->st, b, false), SR_OK);
    login_refused(f, "noah", PW);
    CHECK(f, sr_user_unlock(f->st, b), SR_OK);
    CHECK(f, sr_user_set_password(f->st, &f->p, b, NULL, PW, true), SR_OK);
    chain_ok(f);
    return b;
}

static void
audit_intact(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;

    (void)busy_history(f);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    /* Every security event is a chain record. */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM security_events e "
                                "WHERE NOT EXISTS (SELECT 1 FROM audit a "
                                "WHERE a.kind = 'security' AND a.ref = "
                                "e.id)"),
                     0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE kind = "
                                "'security'"),
                     sql_int(f, "SELECT count(*) FROM security_events"));
}

static void
audit_password_hash_edited(void **state)
{
    struct fx *f = *state;
    int64_t b = busy_history(f);
    char sql[160];

    (void)b;
    /* Someone puts a hash they know the password of. */
    sql_exec(f, "UPDATE users SET password_hash = (SELECT password_hash "
                "FROM users WHERE login = 'mia') WHERE login = 'noah'");
    snprintf(sql, sizeof(sql), "user %lld was altered outside schoolrisk: "
             "the row no longer matches the security log", (long long)b);
    chain_broken(f, sql);
}

static void
audit_grant_role_edited(void **state)
{
    struct fx *f = *state;

    (void)busy_history(f);
    sql_exec(f, "UPDATE grants SET role = 'city', district = NULL WHERE "
                "id = 2");
    chain_broken(f, "role grant 2 was altered outside schoolrisk: the row no "
                    "longer matches the security log");
}

static void
audit_grant_inserted(void **state)
{
    struct fx *f = *state;

    (void)busy_history(f);
    sql_exec(f, "INSERT INTO grants(\"user\", role, granted_at, granted_by) "
                "VALUES (2, 'city', '2026-09-15T02:00:00Z', 'root')");
    chain_broken(f, "role grant 4 was altered outside schoolrisk: the row no "
                    "longer matches the security log");
}

static void
audit_user_inserted_or_enabled(void **state)
{
    struct fx *f = *state;

    (void)busy_history(f);
    sql_exec(f, "UPDATE users SET disabled = 1, must_change = 0 WHERE id = 2");
    chain_broken(f, "user 2 was altered outside schoolrisk: the row no "
                    "longer matches the security log");
    sql_exec(f, "UPDATE users SET disabled = 0, must_change = 1 WHERE id = 2");
    chain_ok(f);
    sql_exec(f, "INSERT INTO users(login, name, password_hash, "
                "password_set_at, created_at, created_by) VALUES ('eve', "
                "'x', 'h', 't', 't', 'x')");
    chain_broken(f, "user 3 was altered outside schoolrisk: the row no "
                    "longer matches the security log");
}

/* An account made without a password (the demo's experts): nothing
 * signs in, not even the stored marker typed as a password, until an
 * administrator sets one; a password given with no_password is
 * refused. */
static void
user_without_password(void **state)
{
    struct fx *f = *state;
    struct sr_user_new u = {"expert7", "王专家", NULL, NULL, NULL, true,
                            true};
    struct sr_user_new w = {"expert8", "李专家", NULL, NULL, PW, true,
                            true};
    struct sr_session_new s;
    int64_t id = 0, other = 0;

    CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    login_refused(f, "expert7", PW);
    login_refused(f, "expert7", "!");
    CHECK(f, sr_user_add(f->st, &f->p, &w, &other), SR_ERR_INPUT);
    MSG(f, "a password was given for an account without one");
    assert_string_equal(sr_store_errfield(f->st), "password");
    assert_int_equal(other, 0);
    /* The administrator sets one: it signs in, and must change it. */
    CHECK(f, sr_user_set_password(f->st, &f->p, id, NULL, PW, true), SR_OK);
    login_ok(f, "expert7", PW, SR_SESSION_PASSWORD, &s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_and_policy),
        cmocka_unit_test(password_policy),
        cmocka_unit_test(generated_passwords),
        cmocka_unit_test(totp_code_vectors),
        cmocka_unit_test(scope_of_roles),
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
        T(user_add_and_read),
        T(user_add_refused),
        T(user_without_password),
        T(user_update_and_list),
        T(login_full),
        T(login_refusals),
        T(lockout),
        T(disabled_user),
        T(session_expiry),
        T(password_change),
        T(password_expiry),
        T(rehash_on_login),
        T(totp_enrol_and_login),
        T(totp_required_roles),
        T(grants_validation),
        T(closed_school_grant),
        T(last_admin),
        T(scope_from_session),
        T(security_log),
        T(audit_intact),
        T(audit_password_hash_edited),
        T(audit_grant_role_edited),
        T(audit_grant_inserted),
        T(audit_user_inserted_or_enabled),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
