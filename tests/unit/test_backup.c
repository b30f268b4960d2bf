/*
 * test_backup.c - sr_store_backup() (src/store/backup.c): a copy taken
 * while a second connection writes in a loop is one consistent
 * snapshot that passes its integrity check, and the writer is never
 * held up; the copy is one rollback-journal file; an existing
 * destination is refused unless it may be replaced; and every failure
 * (a missing directory, a full disk in the middle of the copy, a copy
 * that fails the integrity check, a transaction in progress) leaves
 * nothing behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/store/store_int.h"
#include "schoolrisk/backup.h"
#include "testutil.h"

/* Rows of 4000 random bytes in the table the tests add: 4000 of them
 * make a 16 MB database, 32 chunks of the backup. */
#define ROW_BYTES 4000
#define BULK_ROWS 4000

struct fx {
    char dir[64];
    char db[96];
    char dest[96];
    struct sr_store *st;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-backup-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
    snprintf(f->dest, sizeof(f->dest), "%s/b.db", f->dir);
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* Add the table t with n rows of random bytes. */
static void
fill(struct fx *f, int n)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL);"
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
             "FROM c WHERE i < %d) "
             "INSERT INTO t(b) SELECT randomblob(%d) FROM c",
             n, ROW_BYTES);
    assert_int_equal(sqlite3_exec(f->st->db, sql, NULL, NULL, NULL),
                     SQLITE_OK);
}

static int64_t
query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Files in the fixture's directory whose name contains ".tmp-". */
static int
temp_files(const struct fx *f)
{
    char cmd[160];
    int n = -1;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "ls -a %s | grep -c '\\.tmp-'", f->dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static int
exists(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) == 0;
}

/* ------------------------------------------------------------------ */
/* A writer on a second connection                                      */
/* ------------------------------------------------------------------ */

struct writer {
    const char *path;
    atomic_int stop;
    atomic_int writes; /* rows committed */
    atomic_int errors; /* statements that failed (busy included) */
};

static void *
write_loop(void *arg)
{
    struct writer *w = arg;
    sqlite3 *db = NULL;
    char sql[64];

    if (sqlite3_open_v2(w->path, &db, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        atomic_fetch_add(&w->errors, 1);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
    snprintf(sql, sizeof(sql), "INSERT INTO t(b) VALUES (randomblob(%d))",
             ROW_BYTES);
    while (!atomic_load(&w->stop)) {
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
            atomic_fetch_add(&w->writes, 1);
        else
            atomic_fetch_add(&w->errors, 1);
    }
    sqlite3_close(db);
    return NULL;
}

static void
wait_for_writes(struct writer *w, int n)
{
    struct timespec ms = {0, 1000000};
    int i;

    for (i = 0; i < 10000 && atomic_load(&w->writes) < n; i++)
        nanosleep(&ms, NULL);
    assert_true(atomic_load(&w->writes) >= n);
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

static void
copy_while_another_connection_writes(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep = {0, 0, 0.0, 0};
    struct writer w = {f->db, 0, 0, 0};
    int64_t before, after, rows, max_id;
    int during_start, during_end;
    sqlite3 *b = NULL;
    pthread_t th;
    char side[128];
    unsigned char hdr[20];
    int fd;

    fill(f, BULK_ROWS);
    assert_int_equal(pthread_create(&th, NULL, write_loop, &w), 0);
    wait_for_writes(&w, 5);
    before = query_int(f->st->db, "SELECT count(*) FROM t");
    during_start = atomic_load(&w.writes);
    assert_int_equal(sr_store_backup(f->st, f->dest, 0, &rep), SR_OK);
    during_end = atomic_load(&w.writes);
    atomic_store(&w.stop, 1);
    assert_int_equal(pthread_join(th, NULL), 0);
    after = query_int(f->st->db, "SELECT count(*) FROM t");

    /* The writer went on committing while the copy was made, and none
     * of its statements failed or timed out. */
    assert_int_equal(atomic_load(&w.errors), 0);
    assert_true(during_end > during_start);

    assert_int_equal(sqlite3_open_v2(f->dest, &b, SQLITE_OPEN_READONLY,
                                     NULL),
                     SQLITE_OK);
    /* One snapshot: the rows committed before some moment, all of them
     * (ids have no gaps), none of a half-done insert. */
    rows = query_int(b, "SELECT count(*) FROM t");
    max_id = query_int(b, "SELECT max(id) FROM t");
    assert_int_equal(rows, max_id);
    assert_true(rows >= before && rows <= after);
    assert_int_equal(query_int(b, "SELECT count(*) FROM districts"), 16);
    assert_int_equal(query_int(b, "SELECT count(*) FROM pragma_integrity_"
                                  "check WHERE integrity_check = 'ok'"),
                     1);
    assert_int_equal(query_int(b, "PRAGMA user_version"),
                     sr_store_schema_version(f->st));
    assert_int_equal(rep.pages, query_int(b, "PRAGMA page_count"));
    assert_int_equal(rep.bytes,
                     rep.pages * query_int(b, "PRAGMA page_size"));
    assert_true(rep.bytes > (int64_t)BULK_ROWS * ROW_BYTES);
    assert_true(rep.seconds > 0.0);
    assert_int_equal(rep.restarts, 0);
    sqlite3_close(b);

    /* A single file in rollback-journal mode (header bytes 18 and 19
     * are 1; 2 is WAL), mode 0600, nothing beside it. */
    fd = open(f->dest, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
    close(fd);
    assert_int_equal(hdr[18], 1);
    assert_int_equal(hdr[19], 1);
    struct stat sb;
    assert_int_equal(stat(f->dest, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(side, sizeof(side), "%s-wal", f->dest);
    assert_false(exists(side));
    snprintf(side, sizeof(side), "%s-journal", f->dest);
    assert_false(exists(side));
    assert_int_equal(temp_files(f), 0);
}

static void
copy_is_a_schoolrisk_database(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep;
    struct sr_store *ro = NULL, *copy = NULL;

    /* From a read-only connection, as the CLI opens it; the copy opens
     * as a database of the same schema. */
    assert_int_equal(sr_store_open(f->db, SR_STORE_READONLY, &ro), SR_OK);
    assert_int_equal(sr_store_backup(ro, f->dest, 0, &rep), SR_OK);
    sr_store_close(ro);
    assert_int_equal(sr_store_open(f->dest, 0, &copy), SR_OK);
    assert_int_equal(sr_store_schema_version(copy),
                     sr_store_schema_version(f->st));
    sr_store_close(copy);
}

static void
existing_destination_is_refused(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep = {7, 7, 7.0, 7};
    char msg[256], buf[16] = "";
    FILE *fp;

    fp = fopen(f->dest, "w");
    assert_non_null(fp);
    fputs("keep me", fp);
    fclose(fp);
    assert_int_equal(sr_store_backup(f->st, f->dest, 0, &rep),
                     SR_ERR_CONFLICT);
    snprintf(msg, sizeof(msg), "cannot write backup '%s': the file exists",
             f->dest);
    assert_string_equal(sr_store_errmsg(f->st), msg);
    /* Untouched, and the report too. */
    fp = fopen(f->dest, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof(buf), fp));
    fclose(fp);
    assert_string_equal(buf, "keep me");
    assert_int_equal(rep.pages, 7);
    assert_int_equal(temp_files(f), 0);

    /* With SR_BACKUP_REPLACE it is replaced by the copy. */
    assert_int_equal(sr_store_backup(f->st, f->dest, SR_BACKUP_REPLACE,
                                     &rep),
                     SR_OK);
    struct sr_store *copy = NULL;
    assert_int_equal(sr_store_open(f->dest, SR_STORE_READONLY, &copy),
                     SR_OK);
    sr_store_close(copy);
    assert_int_equal(temp_files(f), 0);
}

static void
missing_directory_is_an_io_error(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep;
    char dest[128], msg[256];

    snprintf(dest, sizeof(dest), "%s/no-such-dir/b.db", f->dir);
    assert_int_equal(sr_store_backup(f->st, dest, 0, &rep), SR_ERR_IO);
    snprintf(msg, sizeof(msg),
             "cannot write backup '%s': No such file or directory", dest);
    assert_string_equal(sr_store_errmsg(f->st), msg);
    assert_int_equal(temp_files(f), 0);
}

static void
full_disk_in_the_middle_leaves_nothing(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep;
    struct rlimit old, small;
    char prefix[160];
    void (*old_handler)(int);

    /* A file size limit of 1 MiB: the copy of a 16 MB database fails
     * part-way, as on a full disk (writes fail with EFBIG instead of
     * the signal, which is ignored). */
    fill(f, BULK_ROWS);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 1 << 20;
    old_handler = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    sr_error rc = sr_store_backup(f->st, f->dest, 0, &rep);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);

    assert_int_equal(rc, SR_ERR_IO);
    snprintf(prefix, sizeof(prefix), "cannot write backup '%s': ", f->dest);
    assert_memory_equal(sr_store_errmsg(f->st), prefix, strlen(prefix));
    assert_false(exists(f->dest));
    assert_int_equal(temp_files(f), 0);
    /* The source connection is usable, with no transaction left open. */
    assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
    assert_int_equal(query_int(f->st->db, "SELECT count(*) FROM t"),
                     BULK_ROWS);
}

static void
corrupt_copy_fails_the_check(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep;
    static const char want[] =
        "the copy of the database fails its integrity check: ";
    unsigned char zeros[4096];
    int64_t root, page_size;
    int fd;

    /* An index whose root page is overwritten with zeros: the backup
     * copies pages as they are, and the check of the copy finds it. */
    assert_int_equal(sqlite3_exec(f->st->db,
                                  "CREATE TABLE c (x TEXT);"
                                  "CREATE INDEX c_x ON c(x);"
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION "
                                  "ALL SELECT i + 1 FROM n WHERE i < 2000) "
                                  "INSERT INTO c SELECT hex(randomblob(20)) "
                                  "FROM n",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    root = query_int(f->st->db,
                     "SELECT rootpage FROM sqlite_schema WHERE name = 'c_x'");
    page_size = query_int(f->st->db, "PRAGMA page_size");
    assert_int_equal(page_size, (int64_t)sizeof(zeros));
    /* The last connection's close checkpoints the WAL into the file. */
    sr_store_close(f->st);
    f->st = NULL;
    memset(zeros, 0, sizeof(zeros));
    fd = open(f->db, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, zeros, sizeof(zeros),
                            (off_t)((root - 1) * page_size)),
                     (ssize_t)sizeof(zeros));
    close(fd);

    assert_int_equal(sr_store_open(f->db, 0, &f->st), SR_OK);
    assert_int_equal(sr_store_backup(f->st, f->dest, 0, &rep), SR_ERR_DB);
    assert_memory_equal(sr_store_errmsg(f->st), want, strlen(want));
    assert_false(exists(f->dest));
    assert_int_equal(temp_files(f), 0);
}

static void
refused_inside_a_transaction(void **state)
{
    struct fx *f = *state;
    struct sr_backup_report rep;

    assert_int_equal(sqlite3_exec(f->st->db, "BEGIN", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sr_store_backup(f->st, f->dest, 0, &rep),
                     SR_ERR_STATE);
    assert_string_equal(sr_store_errmsg(f->st),
                        "cannot back up the database inside a transaction");
    assert_int_equal(sqlite3_exec(f->st->db, "ROLLBACK", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_false(exists(f->dest));
    assert_int_equal(temp_files(f), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(copy_while_another_connection_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(copy_is_a_schoolrisk_database, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(existing_destination_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(missing_directory_is_an_io_error,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(full_disk_in_the_middle_leaves_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_copy_fails_the_check, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(refused_inside_a_transaction, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
