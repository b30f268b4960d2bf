/*
 * store.c - opening the database, the schema and its migrations, the
 * actor and the clock, and stored indicator systems.
 *
 * DESIGN
 * The schema is a list of migrations applied in order; migration N
 * brings user_version from N-1 to N inside one transaction, so a
 * database is always at a version that some build wrote completely.
 * Tables are STRICT.  What must never change is protected by triggers
 * as well as by the code: hazard events and audit records cannot be
 * updated or deleted, a submitted assessment and its answers cannot be
 * changed, hazards cannot be deleted, and a stored indicator system is
 * immutable.  A tampering hand with the sqlite3 shell can drop a
 * trigger, which is what the audit hash chain is for (audit.c).
 */
#include "store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "schoolrisk/auth.h"
#include "schema_pg.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* The schema                                                           */
/* ------------------------------------------------------------------ */

static const char migration_1[] =
    /* 1: the first schema. */
    "CREATE TABLE districts (\n"
    "  code TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  sort INTEGER NOT NULL\n"
    ") STRICT;\n"
    /* Jinan's reporting units: 10 districts, 2 counties, 3 zones with
     * their own education offices, and the schools run by the city.
     * Codes are the national division codes where there is one. */
    "INSERT INTO districts(code, name, sort) VALUES\n"
    "  ('370102','历下区',1),('370103','市中区',2),('370104','槐荫区',3),\n"
    "  ('370105','天桥区',4),('370112','历城区',5),('370113','长清区',6),\n"
    "  ('370114','章丘区',7),('370115','济阳区',8),('370116','莱芜区',9),\n"
    "  ('370117','钢城区',10),('370124','平阴县',11),('370126','商河县',12),\n"
    "  ('370171','高新区',13),('JN-NBSQ','南部山区',14),\n"
    "  ('JN-QBQ','起步区',15),('JN-SS','市属学校',16);\n"
    "CREATE TABLE systems (\n"
    "  id TEXT NOT NULL,\n"
    "  version TEXT NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  stages TEXT NOT NULL,\n"
    "  xml TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  loaded_at TEXT NOT NULL,\n"
    "  loaded_by TEXT NOT NULL,\n"
    "  seq INTEGER NOT NULL UNIQUE,\n"
    "  PRIMARY KEY (id, version)\n"
    ") STRICT;\n"
    "CREATE TABLE schools (\n"
    "  code TEXT PRIMARY KEY CHECK (length(code) = 10 AND\n"
    "                               code NOT GLOB '*[^0-9]*'),\n"
    "  name TEXT NOT NULL,\n"
    "  district TEXT NOT NULL REFERENCES districts(code),\n"
    "  stage TEXT NOT NULL,\n"
    "  ownership TEXT NOT NULL,\n"
    "  locale TEXT NOT NULL,\n"
    "  boarding INTEGER NOT NULL,\n"
    "  school_bus INTEGER NOT NULL,\n"
    "  canteen INTEGER NOT NULL,\n"
    "  laboratory INTEGER NOT NULL,\n"
    "  swimming_pool INTEGER NOT NULL,\n"
    "  enrollment INTEGER NOT NULL,\n"
    "  boarders INTEGER NOT NULL,\n"
    "  special_needs INTEGER NOT NULL,\n"
    "  contact TEXT,\n"
    "  phone TEXT,\n"
    "  closed INTEGER NOT NULL DEFAULT 0,\n"
    "  updated_at TEXT NOT NULL,\n"
    "  updated_by TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE INDEX schools_district ON schools(district);\n"
    "CREATE TABLE assessments (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  school TEXT NOT NULL REFERENCES schools(code),\n"
    "  system_id TEXT NOT NULL,\n"
    "  system_version TEXT NOT NULL,\n"
    "  assessed_on TEXT NOT NULL,\n"
    "  inspector TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status IN ('draft','submitted')),\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL,\n"
    "  submitted_at TEXT,\n"
    "  submitted_by TEXT,\n"
    "  total INTEGER,\n"
    "  band TEXT,\n"
    "  band_label TEXT,\n"
    "  compliant INTEGER,\n"
    "  vetoed INTEGER,\n"
    "  earned INTEGER,\n"
    "  max INTEGER,\n"
    "  FOREIGN KEY (system_id, system_version)\n"
    "    REFERENCES systems(id, version)\n"
    ") STRICT;\n"
    "CREATE INDEX assessments_school ON assessments(school, assessed_on);\n"
    "CREATE TABLE answers (\n"
    "  assessment INTEGER NOT NULL REFERENCES assessments(id),\n"
    "  item TEXT NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  note TEXT,\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT NOT NULL,\n"
    "  PRIMARY KEY (assessment, item)\n"
    ") STRICT;\n"
    /* Scores of a submitted assessment: one row per dimension,
     * indicator and scored item (earned and max in millionths). */
    "CREATE TABLE scores (\n"
    "  assessment INTEGER NOT NULL REFERENCES assessments(id),\n"
    "  node TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('dimension','indicator','item')),\n"
    "  earned INTEGER NOT NULL,\n"
    "  max INTEGER NOT NULL,\n"
    "  PRIMARY KEY (assessment, node)\n"
    ") STRICT;\n"
    /* The baseline elements of a submitted assessment, and which items
     * evidence them (for restoring an element when a hazard closes). */
    "CREATE TABLE baseline_items (\n"
    "  assessment INTEGER NOT NULL REFERENCES assessments(id),\n"
    "  element TEXT NOT NULL,\n"
    "  item TEXT NOT NULL,\n"
    "  full INTEGER NOT NULL,\n"
    "  PRIMARY KEY (assessment, element, item)\n"
    ") STRICT;\n"
    "CREATE TABLE hazards (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  school TEXT NOT NULL REFERENCES schools(code),\n"
    "  item TEXT,\n"
    "  item_title TEXT,\n"
    "  assessment INTEGER REFERENCES assessments(id),\n"
    "  level TEXT NOT NULL CHECK (level IN ('general','major')),\n"
    "  description TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status IN\n"
    "    ('open','rectifying','submitted','closed')),\n"
    "  found_on TEXT NOT NULL,\n"
    "  found_by TEXT NOT NULL,\n"
    "  responsible TEXT,\n"
    "  measures TEXT,\n"
    "  deadline TEXT,\n"
    "  submitted_by TEXT,\n"
    "  closed_on TEXT,\n"
    "  recurrent_of INTEGER REFERENCES hazards(id),\n"
    "  baseline TEXT\n"
    ") STRICT;\n"
    "CREATE INDEX hazards_school ON hazards(school, item, status);\n"
    "CREATE TABLE hazard_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hazard INTEGER NOT NULL REFERENCES hazards(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT NOT NULL,\n"
    "  from_status TEXT,\n"
    "  to_status TEXT NOT NULL,\n"
    "  note TEXT,\n"
    "  evidence TEXT\n"
    ") STRICT;\n"
    "CREATE INDEX hazard_events_hazard ON hazard_events(hazard);\n"
    /* The tamper-evidence chain over submitted assessments and hazard
     * events (audit.c). */
    "CREATE TABLE audit (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('assessment','hazard_event')),\n"
    "  ref INTEGER NOT NULL,\n"
    "  content_sha256 TEXT NOT NULL,\n"
    "  prev_sha256 TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  UNIQUE (kind, ref)\n"
    ") STRICT;\n"
    "CREATE TRIGGER systems_immutable BEFORE UPDATE ON systems\n"
    "BEGIN SELECT RAISE(ABORT, 'a stored indicator system never changes');"
    " END;\n"
    "CREATE TRIGGER systems_kept BEFORE DELETE ON systems\n"
    "BEGIN SELECT RAISE(ABORT, 'a stored indicator system is never "
    "deleted'); END;\n"
    "CREATE TRIGGER hazards_kept BEFORE DELETE ON hazards\n"
    "BEGIN SELECT RAISE(ABORT, 'hazards are never deleted'); END;\n"
    "CREATE TRIGGER hazard_events_append_only BEFORE UPDATE ON "
    "hazard_events\n"
    "BEGIN SELECT RAISE(ABORT, 'hazard events are append-only'); END;\n"
    "CREATE TRIGGER hazard_events_kept BEFORE DELETE ON hazard_events\n"
    "BEGIN SELECT RAISE(ABORT, 'hazard events are append-only'); END;\n"
    "CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER audit_kept BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER submitted_immutable BEFORE UPDATE ON assessments\n"
    "WHEN OLD.status = 'submitted'\n"
    "BEGIN SELECT RAISE(ABORT, 'a submitted assessment never changes'); "
    "END;\n"
    "CREATE TRIGGER submitted_kept BEFORE DELETE ON assessments\n"
    "WHEN OLD.status = 'submitted'\n"
    "BEGIN SELECT RAISE(ABORT, 'a submitted assessment is never "
    "deleted'); END;\n"
    "CREATE TRIGGER answers_frozen_upd BEFORE UPDATE ON answers\n"
    "WHEN (SELECT status FROM assessments WHERE id = OLD.assessment)\n"
    "     = 'submitted'\n"
    "BEGIN SELECT RAISE(ABORT, 'a submitted assessment never changes'); "
    "END;\n"
    "CREATE TRIGGER answers_frozen_ins BEFORE INSERT ON answers\n"
    "WHEN (SELECT status FROM assessments WHERE id = NEW.assessment)\n"
    "     = 'submitted'\n"
    "BEGIN SELECT RAISE(ABORT, 'a submitted assessment never changes'); "
    "END;\n"
    "CREATE TRIGGER answers_frozen_del BEFORE DELETE ON answers\n"
    "WHEN (SELECT status FROM assessments WHERE id = OLD.assessment)\n"
    "     = 'submitted'\n"
    "BEGIN SELECT RAISE(ABORT, 'a submitted assessment never changes'); "
    "END;\n";

/* 2: users, role grants, sessions and the security log (the service);
 * the registry's history; a state snapshot on every hazard event, the
 * district review and the city's sign-off of supervised hazards; self-
 * inspections; evidence files; an audit chain that covers every row a
 * report depends on (audit.c).  migrate_2() then chains what schema 1
 * left outside the chain. */
static const char migration_2[] =
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  login TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
    "  name TEXT NOT NULL,\n"
    "  unit TEXT,\n"
    "  phone TEXT,\n"
    "  password_hash TEXT NOT NULL,\n"
    "  password_set_at TEXT NOT NULL,\n"
    "  must_change INTEGER NOT NULL DEFAULT 0,\n"
    "  totp_secret TEXT,\n"
    "  totp_pending TEXT,\n"
    "  totp_last INTEGER NOT NULL DEFAULT 0,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,\n"
    "  locked_until INTEGER NOT NULL DEFAULT 0,\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE grants (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user INTEGER NOT NULL REFERENCES users(id),\n"
    "  role TEXT NOT NULL CHECK (role IN\n"
    "    ('admin','city','district','school','inspector')),\n"
    "  district TEXT REFERENCES districts(code),\n"
    "  school TEXT REFERENCES schools(code),\n"
    "  granted_at TEXT NOT NULL,\n"
    "  granted_by TEXT NOT NULL,\n"
    "  revoked_at TEXT,\n"
    "  revoked_by TEXT,\n"
    "  CHECK (CASE role\n"
    "    WHEN 'district' THEN district IS NOT NULL AND school IS NULL\n"
    "    WHEN 'school' THEN school IS NOT NULL AND district IS NULL\n"
    "    WHEN 'inspector' THEN (district IS NULL) <> (school IS NULL)\n"
    "    ELSE district IS NULL AND school IS NULL END)\n"
    ") STRICT;\n"
    "CREATE INDEX grants_user ON grants(user);\n"
    "CREATE INDEX grants_school ON grants(school);\n"
    "CREATE TABLE sessions (\n"
    "  token_sha256 TEXT PRIMARY KEY,\n"
    "  user INTEGER NOT NULL REFERENCES users(id),\n"
    "  csrf TEXT NOT NULL,\n"
    "  stage TEXT NOT NULL CHECK (stage IN\n"
    "    ('totp','enroll','password','full')),\n"
    "  created_at INTEGER NOT NULL,\n"
    "  seen_at INTEGER NOT NULL,\n"
    "  expires_at INTEGER NOT NULL,\n"
    "  source TEXT,\n"
    "  agent TEXT\n"
    ") STRICT;\n"
    "CREATE INDEX sessions_user ON sessions(user);\n"
    /* The security log (等保 安全审计): logins, failed logins, password
     * and permission changes.  state is the user's or the grant's
     * chained state after the event (audit.c). */
    "CREATE TABLE security_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  actor INTEGER REFERENCES users(id),\n"
    "  actor_name TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  target INTEGER REFERENCES users(id),\n"
    "  grant_id INTEGER REFERENCES grants(id),\n"
    "  login TEXT,\n"
    "  source TEXT,\n"
    "  detail TEXT,\n"
    "  state TEXT\n"
    ") STRICT;\n"
    "CREATE INDEX security_events_target ON security_events(target);\n"
    "CREATE INDEX security_events_grant ON security_events(grant_id);\n"
    /* The registry's history: one change per import, one version per
     * school it added, changed or closed. */
    "CREATE TABLE registry_changes (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT NOT NULL,\n"
    "  by_user INTEGER REFERENCES users(id),\n"
    "  source TEXT NOT NULL,\n"
    "  added INTEGER NOT NULL,\n"
    "  updated INTEGER NOT NULL,\n"
    "  closed INTEGER NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE school_versions (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  change INTEGER NOT NULL REFERENCES registry_changes(id),\n"
    "  code TEXT NOT NULL REFERENCES schools(code),\n"
    "  state TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE INDEX school_versions_change ON school_versions(change);\n"
    "CREATE INDEX school_versions_code ON school_versions(code, id);\n"
    /* Evidence files (photos, PDFs) are stored outside the database,
     * content-addressed; a row says which school's scope may see one. */
    "CREATE TABLE evidence (\n"
    "  sha256 TEXT NOT NULL,\n"
    "  school TEXT NOT NULL REFERENCES schools(code),\n"
    "  type TEXT NOT NULL,\n"
    "  size INTEGER NOT NULL,\n"
    "  name TEXT,\n"
    "  uploaded_at TEXT NOT NULL,\n"
    "  uploaded_by TEXT NOT NULL,\n"
    "  uploaded_by_user INTEGER REFERENCES users(id),\n"
    "  PRIMARY KEY (sha256, school)\n"
    ") STRICT;\n"
    /* What the upgrade to schema 2 chained (audit.c). */
    "CREATE TABLE checkpoints (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  max_assessment INTEGER NOT NULL,\n"
    "  max_event INTEGER NOT NULL,\n"
    "  change INTEGER REFERENCES registry_changes(id)\n"
    ") STRICT;\n"
    "ALTER TABLE assessments ADD COLUMN kind TEXT NOT NULL DEFAULT "
    "'inspection' CHECK (kind IN ('inspection','self'));\n"
    "ALTER TABLE assessments ADD COLUMN created_by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE assessments ADD COLUMN submitted_by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE answers ADD COLUMN by_user INTEGER REFERENCES users(id);\n"
    "ALTER TABLE answers ADD COLUMN evidence TEXT;\n"
    "ALTER TABLE hazards ADD COLUMN found_by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE hazards ADD COLUMN submitted_by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE hazards ADD COLUMN reviewed_by TEXT;\n"
    "ALTER TABLE hazards ADD COLUMN reviewed_by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE hazards ADD COLUMN reviewed_on TEXT;\n"
    "ALTER TABLE hazard_events ADD COLUMN by_user INTEGER "
    "REFERENCES users(id);\n"
    "ALTER TABLE hazard_events ADD COLUMN state TEXT;\n"
    /* The assessment whose finding an event records (the first event of
     * a hazard it raised, or a finding linked to an open hazard). */
    "ALTER TABLE hazard_events ADD COLUMN assessment INTEGER "
    "REFERENCES assessments(id);\n"
    "CREATE INDEX hazard_events_assessment ON hazard_events(assessment);\n"
    "CREATE INDEX hazards_status ON hazards(status, level);\n"
    /* The chain takes new kinds of records and a content format. */
    "DROP TRIGGER audit_append_only;\n"
    "DROP TRIGGER audit_kept;\n"
    "CREATE TABLE audit_v2 (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('assessment','hazard_event',\n"
    "    'registry','system','security','checkpoint')),\n"
    "  ref INTEGER NOT NULL,\n"
    "  format INTEGER NOT NULL,\n"
    "  content_sha256 TEXT NOT NULL,\n"
    "  prev_sha256 TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  UNIQUE (kind, ref)\n"
    ") STRICT;\n"
    "INSERT INTO audit_v2 SELECT seq, kind, ref, 1, content_sha256, "
    "prev_sha256, sha256 FROM audit;\n"
    "DROP TABLE audit;\n"
    "ALTER TABLE audit_v2 RENAME TO audit;\n"
    "CREATE UNIQUE INDEX audit_sha256 ON audit(sha256);\n"
    "CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER audit_kept BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER users_kept BEFORE DELETE ON users\n"
    "BEGIN SELECT RAISE(ABORT, 'users are never deleted (disable them)');"
    " END;\n"
    "CREATE TRIGGER grants_kept BEFORE DELETE ON grants\n"
    "BEGIN SELECT RAISE(ABORT, 'role grants are never deleted (revoke "
    "them)'); END;\n"
    "CREATE TRIGGER security_events_append_only BEFORE UPDATE ON "
    "security_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;\n"
    "CREATE TRIGGER security_events_kept BEFORE DELETE ON security_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;\n"
    "CREATE TRIGGER registry_changes_append_only BEFORE UPDATE ON "
    "registry_changes\n"
    "BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); "
    "END;\n"
    "CREATE TRIGGER registry_changes_kept BEFORE DELETE ON "
    "registry_changes\n"
    "BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); "
    "END;\n"
    "CREATE TRIGGER school_versions_append_only BEFORE UPDATE ON "
    "school_versions\n"
    "BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); "
    "END;\n"
    "CREATE TRIGGER school_versions_kept BEFORE DELETE ON school_versions\n"
    "BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); "
    "END;\n"
    "CREATE TRIGGER schools_kept BEFORE DELETE ON schools\n"
    "BEGIN SELECT RAISE(ABORT, 'schools are never deleted (a full import "
    "closes them)'); END;\n"
    "CREATE TRIGGER checkpoints_kept BEFORE DELETE ON checkpoints\n"
    "BEGIN SELECT RAISE(ABORT, 'checkpoints are never deleted'); END;\n"
    "CREATE TRIGGER checkpoints_append_only BEFORE UPDATE ON checkpoints\n"
    "BEGIN SELECT RAISE(ABORT, 'checkpoints never change'); END;\n"
    "CREATE TRIGGER evidence_kept BEFORE DELETE ON evidence\n"
    "BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;\n";

/* Schema 3 adds indexes only, for the reports (store/report.c):
 * reading the scores an assessment's report shows (its dimensions and
 * the items below full points, about 13 of its 120 rows) walks this
 * partial index instead of every row of the assessment. */
static const char migration_3[] =
    "CREATE INDEX scores_shown ON scores(assessment, node, kind, earned, "
    "max) WHERE "
    "kind = 'dimension' OR (kind = 'item' AND earned < max);\n";

/* Schema 4 (indicator format 2): an item's score row says whether the
 * item was met and the hazard its answer implied.  "earned < max" no
 * longer tells: a failed prerequisite worth 0 points scores 0.00 of 0.00
 * and must still be listed (失分明细, 否决项), and a level may imply a
 * hazard other than the item's, or none.  Rows written before are
 * filled in from what they hold: an item worth points was met at full
 * points; one worth 0 (only a format-2 prerequisite, a check) when its
 * stored answer is a pass, in any of the words responses.c accepts.
 * Their hazard stays NULL: the item's own, which is what was recorded.
 * The report's partial index selects on met instead. */
static const char migration_4[] =
    "ALTER TABLE scores ADD COLUMN met INTEGER CHECK (met IN (0, 1));\n"
    "ALTER TABLE scores ADD COLUMN hazard TEXT CHECK (hazard IN ('none', "
    "'general', 'major'));\n"
    "UPDATE scores SET met = CASE WHEN max > 0 THEN earned >= max ELSE "
    "EXISTS (SELECT 1 FROM answers an WHERE an.assessment = "
    "scores.assessment AND an.item = scores.node AND an.value IN ('pass', "
    "'符合', '是')) END WHERE kind = 'item';\n"
    "DROP INDEX scores_shown;\n"
    "CREATE INDEX scores_shown ON scores(assessment, node, kind, earned, "
    "max, met, hazard) WHERE "
    "kind = 'dimension' OR (kind = 'item' AND met = 0);\n";

/* Schema 5 (issue 11 item 8): the school attributes staff (教职工数),
 * meal_delivery (校外供餐) and village_school (村小/教学点).  Schools
 * registered before get 0 and 否 until an import gives them; the C step
 * records that as a registry change (sr_store_migrate_5()).  Population
 * (师生员工数) is derived from enrollment + staff, never stored. */
static const char migration_5[] =
    "ALTER TABLE schools ADD COLUMN staff INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE schools ADD COLUMN meal_delivery INTEGER NOT NULL "
    "DEFAULT 0;\n"
    "ALTER TABLE schools ADD COLUMN village_school INTEGER NOT NULL "
    "DEFAULT 0;\n";

/* Schema 6 (issue 12): the expert corps (安全专家库).  A profile per
 * user (experts.h); every change is an expert event keeping the
 * profile's state after it (sr_expert_state), chained as an "expert"
 * record, so that `audit verify` finds a profile edited by hand.
 * Specialities are stored as their English names in vocabulary order,
 * joined by ','.  The chain's table is rebuilt for the new kind of
 * record (its CHECK lists the kinds); its rows are copied unchanged. */
static const char migration_6[] =
    "DROP TRIGGER audit_append_only;\n"
    "DROP TRIGGER audit_kept;\n"
    "CREATE TABLE audit_v6 (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('assessment','hazard_event',\n"
    "    'registry','system','security','checkpoint','expert')),\n"
    "  ref INTEGER NOT NULL,\n"
    "  format INTEGER NOT NULL,\n"
    "  content_sha256 TEXT NOT NULL,\n"
    "  prev_sha256 TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  UNIQUE (kind, ref)\n"
    ") STRICT;\n"
    "INSERT INTO audit_v6 SELECT seq, kind, ref, format, content_sha256, "
    "prev_sha256, sha256 FROM audit;\n"
    "DROP TABLE audit;\n"
    "ALTER TABLE audit_v6 RENAME TO audit;\n"
    "CREATE UNIQUE INDEX audit_sha256 ON audit(sha256);\n"
    "CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER audit_kept BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TABLE experts (\n"
    "  user INTEGER PRIMARY KEY REFERENCES users(id),\n"
    "  unit TEXT NOT NULL,\n"
    "  district TEXT NOT NULL REFERENCES districts(code),\n"
    "  specialities TEXT NOT NULL CHECK (specialities <> ''),\n"
    "  trained_on TEXT NOT NULL,\n"
    "  certified_on TEXT NOT NULL,\n"
    "  expires_on TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status IN\n"
    "    ('active','suspended','retired')),\n"
    "  updated_at TEXT NOT NULL,\n"
    "  updated_by TEXT NOT NULL,\n"
    "  CHECK (expires_on > certified_on)\n"
    ") STRICT;\n"
    "CREATE INDEX experts_district ON experts(district);\n"
    "CREATE TABLE expert_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user INTEGER NOT NULL REFERENCES users(id),\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT NOT NULL,\n"
    "  by_user INTEGER REFERENCES users(id),\n"
    "  action TEXT NOT NULL CHECK (action IN\n"
    "    ('expert_added','expert_updated')),\n"
    "  state TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE INDEX expert_events_user ON expert_events(user, id);\n"
    "CREATE TRIGGER experts_kept BEFORE DELETE ON experts\n"
    "BEGIN SELECT RAISE(ABORT, 'experts are never deleted (retire them)'); "
    "END;\n"
    "CREATE TRIGGER expert_events_append_only BEFORE UPDATE ON "
    "expert_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the expert history is append-only'); "
    "END;\n"
    "CREATE TRIGGER expert_events_kept BEFORE DELETE ON expert_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the expert history is append-only'); "
    "END;\n";

/* Schema 7 (issue 12): the audit chain takes the records of inspection
 * plans ("plan": a published plan with its seed, schools and pairs) and
 * of period sign-off ("signoff": a confirmation, sign-off, acceptance,
 * return or correction with the figures it locks).  Their tables come
 * with the migrations after this one; the chain's table is rebuilt once
 * for both kinds (its CHECK lists the kinds), its rows copied unchanged. */
static const char migration_7[] =
    "DROP TRIGGER audit_append_only;\n"
    "DROP TRIGGER audit_kept;\n"
    "CREATE TABLE audit_v7 (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('assessment','hazard_event',\n"
    "    'registry','system','security','checkpoint','expert','plan',\n"
    "    'signoff')),\n"
    "  ref INTEGER NOT NULL,\n"
    "  format INTEGER NOT NULL,\n"
    "  content_sha256 TEXT NOT NULL,\n"
    "  prev_sha256 TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  UNIQUE (kind, ref)\n"
    ") STRICT;\n"
    "INSERT INTO audit_v7 SELECT seq, kind, ref, format, content_sha256, "
    "prev_sha256, sha256 FROM audit;\n"
    "DROP TABLE audit;\n"
    "ALTER TABLE audit_v7 RENAME TO audit;\n"
    "CREATE UNIQUE INDEX audit_sha256 ON audit(sha256);\n"
    "CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n"
    "CREATE TRIGGER audit_kept BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;\n";

/* Schema 8 (issue 12): inspection plans (plans.h).  A plan keeps what
 * it was made from and of, so that anyone can re-draw it: the seed and
 * shares, every planned school with its risk factors and rank, the
 * drawn experts as their profiles stood, and the pairs with why.  A
 * published plan never changes (the triggers below) and is chained as
 * a "plan" record (audit.c).  An inspection made for a plan names it
 * (assessments.plan).  PLAN_FROZEN: the rows of a published plan never
 * change. */
#define PLAN_FROZEN(table, when, row)                                       \
    "CREATE TRIGGER " table "_frozen_" when " BEFORE " when " ON " table    \
    "\nWHEN (SELECT state FROM plans WHERE id = " row ".plan) = "            \
    "'published'\nBEGIN SELECT RAISE(ABORT, 'a published plan never "       \
    "changes'); END;\n"
static const char migration_8[] =
    "CREATE TABLE plans (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  district TEXT REFERENCES districts(code),\n"
    "  period TEXT NOT NULL,\n"
    "  period_start TEXT NOT NULL,\n"
    "  period_end TEXT NOT NULL,\n"
    "  as_of TEXT NOT NULL,\n"
    "  seed TEXT NOT NULL CHECK (seed <> '' AND seed NOT GLOB '*[^0-9]*'),\n"
    "  school_share INTEGER NOT NULL CHECK (school_share BETWEEN 0 AND "
    "1000),\n"
    "  expert_share INTEGER NOT NULL CHECK (expert_share BETWEEN 1 AND "
    "1000),\n"
    "  avoid_district INTEGER NOT NULL CHECK (avoid_district IN (0, 1)),\n"
    "  cap INTEGER NOT NULL CHECK (cap >= 0),\n"
    "  pool_schools INTEGER NOT NULL,\n"
    "  pool_experts INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('draft','published')),\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL,\n"
    "  created_by_user INTEGER REFERENCES users(id),\n"
    "  published_at TEXT,\n"
    "  published_by TEXT,\n"
    "  published_by_user INTEGER REFERENCES users(id)\n"
    ") STRICT;\n"
    "CREATE INDEX plans_district ON plans(district, period);\n"
    "CREATE TABLE plan_schools (\n"
    "  plan INTEGER NOT NULL REFERENCES plans(id),\n"
    "  school TEXT NOT NULL REFERENCES schools(code),\n"
    "  rank INTEGER NOT NULL,\n"
    "  reason TEXT NOT NULL CHECK (reason IN ('mandatory','drawn')),\n"
    "  needs TEXT NOT NULL,\n"
    "  vetoed INTEGER NOT NULL,\n"
    "  band INTEGER NOT NULL CHECK (band BETWEEN 0 AND 4),\n"
    "  band_label TEXT,\n"
    "  overdue_major INTEGER NOT NULL,\n"
    "  open_major INTEGER NOT NULL,\n"
    "  boarders INTEGER NOT NULL,\n"
    "  special_needs INTEGER NOT NULL,\n"
    "  kindergarten INTEGER NOT NULL,\n"
    "  enrollment INTEGER NOT NULL,\n"
    "  days_since INTEGER,\n"
    "  last_assessment INTEGER REFERENCES assessments(id),\n"
    "  last_on TEXT,\n"
    "  expires_on TEXT,\n"
    "  unassigned TEXT,\n"
    "  PRIMARY KEY (plan, school),\n"
    "  UNIQUE (plan, rank)\n"
    ") STRICT;\n"
    "CREATE TABLE plan_experts (\n"
    "  plan INTEGER NOT NULL REFERENCES plans(id),\n"
    "  user INTEGER NOT NULL REFERENCES users(id),\n"
    "  position INTEGER NOT NULL,\n"
    "  login TEXT NOT NULL,\n"
    "  unit TEXT NOT NULL,\n"
    "  district TEXT NOT NULL,\n"
    "  specialities TEXT NOT NULL,\n"
    "  PRIMARY KEY (plan, user),\n"
    "  UNIQUE (plan, position)\n"
    ") STRICT;\n"
    "CREATE TABLE plan_pairs (\n"
    "  plan INTEGER NOT NULL REFERENCES plans(id),\n"
    "  school TEXT NOT NULL REFERENCES schools(code),\n"
    "  expert INTEGER NOT NULL REFERENCES users(id),\n"
    "  covered TEXT NOT NULL,\n"
    "  missing TEXT NOT NULL,\n"
    "  load_before INTEGER NOT NULL,\n"
    "  why TEXT NOT NULL,\n"
    "  PRIMARY KEY (plan, school)\n"
    ") STRICT;\n"
    "CREATE INDEX plan_pairs_expert ON plan_pairs(expert, plan);\n"
    "ALTER TABLE assessments ADD COLUMN plan INTEGER REFERENCES plans(id);\n"
    "CREATE INDEX assessments_plan ON assessments(plan) WHERE plan IS NOT "
    "NULL;\n"
    "CREATE TRIGGER plans_published BEFORE UPDATE ON plans\n"
    "WHEN OLD.state = 'published'\n"
    "BEGIN SELECT RAISE(ABORT, 'a published plan never changes'); END;\n"
    "CREATE TRIGGER plans_kept BEFORE DELETE ON plans\n"
    "WHEN OLD.state = 'published'\n"
    "BEGIN SELECT RAISE(ABORT, 'a published plan is never deleted'); END;\n"
    PLAN_FROZEN("plan_schools", "INSERT", "NEW")
    PLAN_FROZEN("plan_schools", "UPDATE", "OLD")
    PLAN_FROZEN("plan_schools", "DELETE", "OLD")
    PLAN_FROZEN("plan_experts", "INSERT", "NEW")
    PLAN_FROZEN("plan_experts", "UPDATE", "OLD")
    PLAN_FROZEN("plan_experts", "DELETE", "OLD")
    PLAN_FROZEN("plan_pairs", "INSERT", "NEW")
    PLAN_FROZEN("plan_pairs", "UPDATE", "OLD")
    PLAN_FROZEN("plan_pairs", "DELETE", "OLD");
#undef PLAN_FROZEN
/* Schema 9 (issue 12): period sign-off (signoff.h).  One append-only
 * table of events per (district, period): a school's confirmation, the
 * district's sign-off or correction (with the snapshot of the figures it
 * locks and its SHA-256), the city's acceptance or return, an amendment
 * to a locked period.  The state of a (district, period) is the state of
 * its latest event that has one.  Each event is chained as a "signoff"
 * record (the kind schema 7 admits). */
static const char migration_9[] =
    "CREATE TABLE signoff_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  district TEXT NOT NULL REFERENCES districts(code),\n"
    "  period TEXT NOT NULL,\n"
    "  period_start TEXT NOT NULL,\n"
    "  period_end TEXT NOT NULL,\n"
    "  action TEXT NOT NULL CHECK (action IN\n"
    "    ('confirm','signoff','accept','return','correct','amend')),\n"
    "  state TEXT CHECK (state IN\n"
    "    ('open','signed_off','accepted','returned')),\n"
    "  version INTEGER NOT NULL DEFAULT 0,\n"
    "  school TEXT REFERENCES schools(code),\n"
    "  assessment INTEGER REFERENCES assessments(id),\n"
    "  reason TEXT,\n"
    "  schools INTEGER,\n"
    "  confirmed INTEGER,\n"
    "  unconfirmed TEXT,\n"
    "  snapshot TEXT,\n"
    "  snapshot_sha256 TEXT,\n"
    "  diff TEXT,\n"
    "  at TEXT NOT NULL,\n"
    "  by TEXT NOT NULL,\n"
    "  by_user INTEGER REFERENCES users(id)\n"
    ") STRICT;\n"
    "CREATE INDEX signoff_events_period ON signoff_events(district, period, "
    "id);\n"
    "CREATE INDEX signoff_events_at ON signoff_events(at);\n"
    "CREATE TRIGGER signoff_events_append_only BEFORE UPDATE ON "
    "signoff_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the sign-off history is append-only'); "
    "END;\n"
    "CREATE TRIGGER signoff_events_kept BEFORE DELETE ON signoff_events\n"
    "BEGIN SELECT RAISE(ABORT, 'the sign-off history is append-only'); "
    "END;\n";

/* Schema 10 (issue 12): a plan balances an expert's workload across the
 * plans of a period (plans.h, step 4), so each drawn expert keeps the
 * schools the other published plans had given it when the plan was
 * made.  Adding a column updates no row: the frozen-plan triggers,
 * BEFORE UPDATE of a published plan's rows, do not fire, and the plans
 * published before keep prior 0, which is what they were made with.
 * Their audit records (format 2) do not chain the column; new ones do
 * (format 3, audit.c). */
static const char migration_10[] =
    "ALTER TABLE plan_experts ADD COLUMN prior INTEGER NOT NULL DEFAULT 0;\n";

/* Schema 11 (issue 13): the reports read each hazard's last event (by
 * id).  SQLite's index on hazard_events(hazard) ends in the rowid, which
 * is the id, and gives it at once; PostgreSQL's index ends in nothing,
 * so it read all of a hazard's events and sorted them.  The index is
 * now on (hazard, id) on both engines: the same order for SQLite, the
 * last event first for PostgreSQL (schema_pg.sql; its migration is
 * pg_migration_11 below). */
static const char migration_11[] =
    "DROP INDEX hazard_events_hazard;\n"
    "CREATE INDEX hazard_events_hazard ON hazard_events(hazard, id);\n";

/* Schema 12 (issue 13): an assessment's hazards (sr_assess_hazards(),
 * read back with every submission and every GET of an assessment)
 * were found by a scan of all hazards: 70 ms a request at a province's
 * 200,000 on PostgreSQL, and the submissions of many writers waited on
 * it (tests/pg/test_indexes.sh).  Its twin is pg_migration_12. */
static const char migration_12[] =
    "CREATE INDEX hazards_assessment ON hazards(assessment);\n";

static const char pg_migration_12[] =
    "CREATE INDEX hazards_assessment ON schoolrisk.hazards(assessment);\n"
    "ANALYZE schoolrisk.hazards;\n";

/* Schema 13 (issue 13): the trend reads the deadline each hazard event
 * recorded in its state (report_trend.c), for every event of the
 * hazards whose deadline as of an end is not the row's: 208,000 events
 * for the province's `report city`, 100 MB of state that PostgreSQL
 * sent for 20 bytes of each.  The deadline is now a column the engine
 * derives from the state, json_extract(state, '$.deadline'), so that
 * it is the state's by construction and can be neither written nor
 * changed apart from it: computed when read on SQLite (VIRTUAL; adding
 * it rewrites nothing), stored on PostgreSQL (pg_migration_13, a
 * rewrite of the table).  The chain holds the state, as before; the
 * column is not chained, being no more than a reading of it. */
static const char migration_13[] =
    "ALTER TABLE hazard_events ADD COLUMN deadline TEXT GENERATED ALWAYS "
    "AS (json_extract(state, '$.deadline')) VIRTUAL;\n";

static const char pg_migration_13[] =
    "ALTER TABLE schoolrisk.hazard_events ADD COLUMN deadline text COLLATE "
    "\"C\" GENERATED ALWAYS AS (schoolrisk.json_extract(state, "
    "'$.deadline')) STORED;\n"
    "ANALYZE schoolrisk.hazard_events;\n";

/* PostgreSQL's twin of migration 11 (schema_pg.sql at 11): the index
 * on (hazard, id), json_extract() as one SQL expression the planner
 * inlines rather than PL/pgSQL called a row, and date(at, '+8 hours')
 * read off the text on the months' last days too. */
static const char pg_migration_11[] =
    "DROP INDEX schoolrisk.hazard_events_hazard;\n"
    "CREATE INDEX hazard_events_hazard ON schoolrisk.hazard_events(hazard, "
    "id);\n"
    "CREATE FUNCTION schoolrisk.sr_json_path_refused(path text) RETURNS "
    "text\n"
    "LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE\n"
    "AS $$\n"
    "BEGIN\n"
    "  IF path IS NULL THEN\n"
    "    RETURN NULL;\n"
    "  END IF;\n"
    "  RAISE EXCEPTION 'json_extract: unsupported path %', path;\n"
    "END\n"
    "$$;\n"
    "CREATE OR REPLACE FUNCTION schoolrisk.json_extract(doc text, path "
    "text) RETURNS text\n"
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE\n"
    "RETURN CASE\n"
    "  WHEN doc IS NULL THEN NULL\n"
    "  WHEN path ~ '^\\$(\\.[A-Za-z_][A-Za-z0-9_]*)+$'\n"
    "  THEN CAST(doc AS json) #>> string_to_array(substr(path, 3), '.')\n"
    "  ELSE schoolrisk.sr_json_path_refused(path) END;\n"
    "CREATE OR REPLACE FUNCTION schoolrisk.date(t text, VARIADIC "
    "modifiers text[]) RETURNS text\n"
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE\n"
    "RETURN CASE\n"
    "  WHEN modifiers = ARRAY['+8 hours'] AND t LIKE '____-__-__T__:__:__Z'\n"
    "       AND translate(t, '0123456789', '') = '--T::Z'\n"
    "       AND substr(t, 1, 4) >= '1000'\n"
    "       AND substr(t, 6, 2) BETWEEN '01' AND '12'\n"
    "       AND substr(t, 9, 2) >= '01'\n"
    "       AND substr(t, 15, 2) <= '59' AND substr(t, 18, 2) <= '59'\n"
    "       AND substr(t, 9, 2) <= CASE\n"
    "         WHEN substr(t, 9, 2) <= '28' THEN '28'\n"
    "         WHEN substr(t, 6, 2) IN ('04', '06', '09', '11') THEN '30'\n"
    "         WHEN substr(t, 6, 2) <> '02' THEN '31'\n"
    "         WHEN CAST(substr(t, 1, 4) AS int) % 4 = 0\n"
    "              AND (CAST(substr(t, 1, 4) AS int) % 100 <> 0\n"
    "                   OR CAST(substr(t, 1, 4) AS int) % 400 = 0) THEN '29'\n"
    "         ELSE '28' END THEN\n"
    "    CASE WHEN substr(t, 12, 2) < '16' THEN substr(t, 1, 10)\n"
    "         WHEN substr(t, 12, 2) > '23' THEN\n"
    "           schoolrisk.sr_sqlite_date(t, modifiers)\n"
    "         -- the next day: in the month, the 1st of the next, or New "
    "Year\n"
    "         WHEN substr(t, 9, 2) < CASE\n"
    "           WHEN substr(t, 9, 2) <= '27' THEN '28'\n"
    "           WHEN substr(t, 6, 2) IN ('04', '06', '09', '11') THEN '30'\n"
    "           WHEN substr(t, 6, 2) <> '02' THEN '31'\n"
    "           WHEN CAST(substr(t, 1, 4) AS int) % 4 = 0\n"
    "                AND (CAST(substr(t, 1, 4) AS int) % 100 <> 0\n"
    "                     OR CAST(substr(t, 1, 4) AS int) % 400 = 0) "
    "THEN '29'\n"
    "           ELSE '28' END THEN\n"
    "           substr(t, 1, 8) ||\n"
    "           lpad(CAST(CAST(substr(t, 9, 2) AS int) + 1 AS text), 2, '0')\n"
    "         WHEN substr(t, 6, 2) < '12' THEN\n"
    "           substr(t, 1, 5) ||\n"
    "           lpad(CAST(CAST(substr(t, 6, 2) AS int) + 1 AS text), 2, "
    "'0') ||\n"
    "           '-01'\n"
    "         WHEN substr(t, 1, 4) < '9999' THEN\n"
    "           CAST(CAST(substr(t, 1, 4) AS int) + 1 AS text) || '-01-01'\n"
    "         ELSE schoolrisk.sr_sqlite_date(t, modifiers) END\n"
    "  ELSE schoolrisk.sr_sqlite_date(t, modifiers) END;\n"
    "ANALYZE schoolrisk.hazard_events;\n";

/* The PostgreSQL migrations after schema_pg.sql's first version, 10:
 * pg_migrations[i] brings schema_version from 10 + i to 11 + i. */
static const char *const pg_migrations[] = {
    pg_migration_11,
    pg_migration_12,
    pg_migration_13,
};

#define PG_FIRST_VERSION 10

_Static_assert(PG_FIRST_VERSION + sizeof(pg_migrations) /
                   sizeof(pg_migrations[0]) == SR_SCHEMA_VERSION,
               "a SQLite migration (migrations[]) has no PostgreSQL twin "
               "(pg_migrations[])");

/* Migration N brings user_version from N-1 to N: its SQL, then its C
 * step (or NULL), in one transaction. */
static const struct {
    const char *sql;
    sr_error (*post)(struct sr_store *st);
} migrations[] = {
    {migration_1, NULL},
    {migration_2, sr_store_migrate_2},
    {migration_3, NULL},
    {migration_4, NULL},
    {migration_5, sr_store_migrate_5},
    {migration_6, NULL},
    {migration_7, NULL},
    {migration_8, NULL},
    {migration_9, NULL},
    {migration_10, NULL},
    {migration_11, NULL},
    {migration_12, NULL},
    {migration_13, NULL},
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The version the header promises is the one these migrations reach. */
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
                   SR_SCHEMA_VERSION,
               "SR_SCHEMA_VERSION (store.h) is not the number of migrations");

/* ------------------------------------------------------------------ */
/* Errors and helpers                                                   */
/* ------------------------------------------------------------------ */

static sr_error
vfail(struct sr_store *st, sr_error code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static sr_error
vfail(struct sr_store *st, sr_error code, const char *fmt, va_list ap)
{
    vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
    st->field[0] = '\0';
    return code;
}

sr_error
sr_store_fail_field(struct sr_store *st, sr_error code, const char *field,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(st, code, fmt, ap);
    va_end(ap);
    snprintf(st->field, sizeof(st->field), "%s", field ? field : "");
    return code;
}

sr_error
sr_store_fail(struct sr_store *st, const char *fmt, ...)
{
    va_list ap;
    sr_error rc;

    va_start(ap, fmt);
    rc = vfail(st, SR_ERR_DB, fmt, ap);
    va_end(ap);
    return rc;
}

sr_error
sr_store_fail_code(struct sr_store *st, sr_error code, const char *fmt, ...)
{
    va_list ap;
    sr_error rc;

    va_start(ap, fmt);
    rc = vfail(st, code, fmt, ap);
    va_end(ap);
    return rc;
}

sr_error
sr_store_dberr(struct sr_store *st, const char *what)
{
    /* TRANSLATORS: what failed ("cannot read the hazards"), then
       SQLite's own message, in English. */
    snprintf(st->msg, sizeof(st->msg), _("%s: %s"), what,
             st->pg   ? sr_pg_errmsg(st)
             : st->db ? sqlite3_errmsg(st->db)
                      : _("no database"));
    st->field[0] = '\0';
    return SR_ERR_DB;
}

/* A statement of an engine in its wrapper (NULL when out of memory:
 * the statement is finalized). */
static struct sr_stmt *
wrap(sqlite3_stmt *lite, struct sr_pg_stmt *pg)
{
    struct sr_stmt *s = malloc(sizeof(*s));

    if (!s) {
        sqlite3_finalize(lite);
        sr_pg_finalize(pg);
        return NULL;
    }
    s->lite = lite;
    s->pg = pg;
    return s;
}

static void
unwrap(struct sr_stmt *s)
{
    sqlite3_finalize(s->lite);
    sr_pg_finalize(s->pg);
    free(s);
}

static const char *
sql_of(const struct sr_stmt *s)
{
    return s->pg ? sr_pg_sql(s->pg) : sqlite3_sql(s->lite);
}

sr_error
sr_store_prepare(struct sr_store *st, const char *sql, struct sr_stmt **out)
{
    uint64_t h = sr_hash_str(sql);
    sqlite3_stmt *lite = NULL;
    struct sr_pg_stmt *pg = NULL;
    size_t i;

    for (i = 0; i < st->n_stmts; i++) {
        struct sr_stmt_slot *slot = &st->stmts[i];

        if (slot->hash == h && !slot->busy &&
            !strcmp(sql_of(slot->s), sql)) {
            slot->busy = 1;
            *out = slot->s;
            return SR_OK;
        }
    }
    *out = NULL;
    if (st->pg) {
        sr_error rc = sr_pg_prepare(st, sql, &pg);

        if (rc != SR_OK)
            return rc;
    } else if (sqlite3_prepare_v3(st->db, sql, -1,
                                  st->n_stmts < SR_STMT_CACHE
                                      ? SQLITE_PREPARE_PERSISTENT
                                      : 0,
                                  &lite, NULL) != SQLITE_OK) {
        return sr_store_dberr(st, _("cannot prepare a statement"));
    }
    *out = wrap(lite, pg);
    if (!*out)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (st->n_stmts < SR_STMT_CACHE) {
        st->stmts[st->n_stmts].s = *out;
        st->stmts[st->n_stmts].hash = h;
        st->stmts[st->n_stmts].busy = 1;
        st->n_stmts++;
    }
    return SR_OK;
}

void
sr_store_finish(struct sr_store *st, struct sr_stmt *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < st->n_stmts; i++) {
        if (st->stmts[i].s == s) {
            if (s->pg) {
                sr_pg_clear(s->pg);
            } else {
                sqlite3_reset(s->lite);
                sqlite3_clear_bindings(s->lite);
            }
            st->stmts[i].busy = 0;
            return;
        }
    }
    unwrap(s);
}

int
sr_db_exec(struct sr_store *st, const char *sql)
{
    if (st->pg)
        return sr_pg_exec(st, sql);
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int64_t
sr_db_last_id(struct sr_store *st)
{
    if (st->pg)
        return sr_pg_last_id(st);
    return (int64_t)sqlite3_last_insert_rowid(st->db);
}

int
sr_db_changes(struct sr_store *st)
{
    return st->pg ? st->pg_changes : sqlite3_changes(st->db);
}

bool
sr_db_in_transaction(struct sr_store *st)
{
    if (st->pg)
        return sr_pg_in_transaction(st);
    return !sqlite3_get_autocommit(st->db);
}

/* The advisory lock key of the audit chain ("sr-audit" in ASCII). */
#define CHAIN_LOCK "8318761358311319924"

sr_error
sr_db_lock_chain(struct sr_store *st)
{
    if (!st->pg)
        return SR_OK;
    if (sr_db_exec(st, "SELECT pg_advisory_xact_lock(" CHAIN_LOCK ")") !=
        SR_DB_OK)
        return sr_store_dberr(st, _("cannot lock the audit chain"));
    return SR_OK;
}

/* The advisory lock class of the districts' sign-off state ("srsd");
 * the two-key form never meets the chain's one-key lock. */
#define DISTRICT_LOCK "1936880484"

sr_error
sr_db_lock_district(struct sr_store *st, const char *district, bool shared)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    if (!st->pg)
        return SR_OK;
    rc = sr_store_prepare(st,
                          shared ? "SELECT pg_advisory_xact_lock_shared("
                                   DISTRICT_LOCK ", hashtext(?1))"
                                 : "SELECT pg_advisory_xact_lock("
                                   DISTRICT_LOCK ", hashtext(?1))",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    if (sr_step(s) != SR_ROW)
        rc = sr_store_dberr(st, _("cannot lock the district"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_store_begin(struct sr_store *st)
{
    /* PostgreSQL has no IMMEDIATE: its writers lock the rows they
     * change, not the database. */
    if (sr_db_exec(st, st->pg ? "BEGIN" : "BEGIN IMMEDIATE") != SR_DB_OK)
        return sr_store_dberr(st, _("cannot start a transaction"));
    return SR_OK;
}

sr_error
sr_store_commit(struct sr_store *st)
{
    if (sr_db_exec(st, "COMMIT") != SR_DB_OK) {
        sr_error rc = sr_store_dberr(st, _("cannot commit"));

        sr_store_rollback(st);
        return rc;
    }
    return SR_OK;
}

void
sr_store_rollback(struct sr_store *st)
{
    /* Keep the message of the error that led here. */
    if (sr_db_in_transaction(st))
        sr_db_exec(st, "ROLLBACK");
}

char *
sr_sql_groups(const char *head, int rows, int cols, const char *tail)
{
    size_t size = strlen(head) + strlen(tail) + 1 +
                  (size_t)rows * (size_t)cols * 10 + (size_t)rows * 4;
    char *sql = malloc(size), *p;
    int r, i;

    if (!sql)
        return NULL;
    p = sql + snprintf(sql, size, "%s", head);
    for (r = 0; r < rows; r++)
        for (i = 0; i < cols; i++)
            p += snprintf(p, size - (size_t)(p - sql), "%s?%d%s",
                          i ? ", " : r ? ", (" : "(", r * cols + i + 1,
                          i == cols - 1 ? ")" : "");
    snprintf(p, size - (size_t)(p - sql), "%s", tail);
    return sql;
}

sr_error
sr_store_insert_rows(struct sr_store *st, const struct sr_rows *r)
{
    size_t done = 0;

    while (done < r->n) {
        size_t k = SR_ROWS_PER_STMT, i;
        struct sr_stmt *s = NULL;
        char *sql, what[256];
        sr_error rc;

        while (k > r->n - done)
            k /= 2;
        sql = sr_sql_groups(r->head, (int)k, r->cols, "");
        if (!sql)
            return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        rc = sr_store_prepare(st, sql, &s);
        free(sql);
        if (rc != SR_OK)
            return rc;
        for (i = 0; i < k; i++)
            r->bind(s, (int)i * r->cols, done + i, r->ctx);
        if (sr_step(s) != SR_DONE) {
            if (r->what)
                r->what(what, sizeof(what), done, k, r->ctx);
            else
                snprintf(what, sizeof(what), "%s", r->what_text);
            rc = sr_store_dberr(st, what);
        }
        sr_store_finish(st, s);
        if (rc != SR_OK)
            return rc;
        done += k;
    }
    return SR_OK;
}

char *
sr_column_dup(struct sr_stmt *s, int i, int *nomem)
{
    const char *t = sr_col_text(s, i);
    char *p;

    if (!t)
        return NULL;
    p = sr_strdup(t);
    if (!p)
        *nomem = 1;
    return p;
}

/* ------------------------------------------------------------------ */
/* Open, migrate, close                                                 */
/* ------------------------------------------------------------------ */

static int
user_version(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    int v = -1;

    if (sr_store_prepare(st, "PRAGMA user_version", &s) == SR_OK &&
        sr_step(s) == SR_ROW)
        v = sr_col_int(s, 0);
    sr_store_finish(st, s);
    return v;
}

/* The schema version of a PostgreSQL database: 0 when it has no
 * schoolrisk schema yet, -1 when it cannot be read. */
static int
pg_version(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    int v = -1, exists = 0;

    /* A statement naming a missing table fails when prepared: ask the
     * catalog first. */
    if (sr_store_prepare(st,
                         "SELECT to_regclass('schoolrisk.schema_version') "
                         "IS NOT NULL",
                         &s) == SR_OK &&
        sr_step(s) == SR_ROW) {
        exists = sr_col_int(s, 0);
        v = 0;
    }
    sr_store_finish(st, s);
    if (exists) {
        s = NULL;
        v = -1;
        if (sr_store_prepare(st,
                             "SELECT max(version) FROM "
                             "schoolrisk.schema_version",
                             &s) == SR_OK &&
            sr_step(s) == SR_ROW)
            v = sr_col_int(s, 0);
        sr_store_finish(st, s);
    }
    return v;
}

sr_error
sr_store_defer_checkpoints(struct sr_store *st)
{
    /* PostgreSQL checkpoints on its own. */
    if (st->pg)
        return SR_OK;
    if (sqlite3_wal_autocheckpoint(st->db, 0) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot set the checkpoints"));
    return SR_OK;
}

sr_error
sr_store_checkpoint(struct sr_store *st, int *log_pages, int *done_pages)
{
    int lg = 0, done = 0;

    if (st->pg) {
        if (log_pages)
            *log_pages = 0;
        if (done_pages)
            *done_pages = 0;
        return SR_OK;
    }
    if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                  &lg, &done) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot checkpoint the write-ahead "
                                    "log"));
    if (log_pages)
        *log_pages = lg;
    if (done_pages)
        *done_pages = done;
    return SR_OK;
}

int
sr_store_schema_version(struct sr_store *st)
{
    if (st->pg)
        return pg_version(st);
    return user_version(st);
}

/* sr_sha256(x): the SHA-256 of a text or blob as 64 hex digits, NULL
 * for NULL.  For chaining a secret (a password hash) by its digest. */
static void
sql_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    char hex[65];

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    {
        const void *p = sqlite3_value_blob(argv[0]);

        sr_sha256_hex(p ? p : "", (size_t)sqlite3_value_bytes(argv[0]), hex);
    }
    sqlite3_result_text(ctx, hex, 64, SQLITE_TRANSIENT);
}

static sr_error
migrate(struct sr_store *st, int from)
{
    int v;

    for (v = from; v < N_MIGRATIONS; v++) {
        char pragma[48];
        sr_error rc = sr_store_begin(st);

        if (rc != SR_OK)
            return rc;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(st->db, migrations[v].sql, NULL, NULL, NULL) !=
                SQLITE_OK ||
            sqlite3_exec(st->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
            char what[128];

            snprintf(what, sizeof(what),
                     _("cannot upgrade the schema to version %d"), v + 1);
            rc = sr_store_dberr(st, what);
            sr_store_rollback(st);
            return rc;
        }
        if (migrations[v].post) {
            rc = migrations[v].post(st);
            if (rc != SR_OK) {
                sr_store_rollback(st);
                return rc;
            }
        }
        rc = sr_store_commit(st);
        if (rc != SR_OK)
            return rc;
    }
    return SR_OK;
}

/* Bring a PostgreSQL database from schema version @p from (at least
 * PG_FIRST_VERSION) to SR_PG_SCHEMA_VERSION, a transaction a version,
 * as migrate() does SQLite's. */
static sr_error
migrate_pg(struct sr_store *st, int from)
{
    int v;

    if (from < PG_FIRST_VERSION)
        return sr_store_fail_code(st, SR_ERR_VERSION,
                                  _("cannot upgrade the schema to version %d"),
                                  from + 1);
    for (v = from; v < SR_PG_SCHEMA_VERSION; v++) {
        char set[64];
        sr_error rc = sr_store_begin(st);

        if (rc != SR_OK)
            return rc;
        snprintf(set, sizeof(set),
                 "UPDATE schoolrisk.schema_version SET version = %d", v + 1);
        if (sr_db_exec(st, pg_migrations[v - PG_FIRST_VERSION]) != SR_DB_OK ||
            sr_db_exec(st, set) != SR_DB_OK) {
            char what[128];

            snprintf(what, sizeof(what),
                     _("cannot upgrade the schema to version %d"), v + 1);
            rc = sr_store_dberr(st, what);
            sr_store_rollback(st);
            return rc;
        }
        rc = sr_store_commit(st);
        if (rc != SR_OK)
            return rc;
    }
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* Read-only opens                                                      */
/* ------------------------------------------------------------------ */

/*
 * A WAL database is read through its WAL index, the "-shm" file beside
 * it, which even a reader creates when it is missing (and a "-wal" with
 * it).  On a read-only medium, in a directory the user may not write
 * or on a full disk that fails at the first read ("unable to open
 * database file", "disk I/O error").  SQLite's answer is the URI
 * parameter immutable=1: no locks, no WAL, the file read as it is.
 * That is right only when the file is all there is: committed changes
 * still in a "-wal" would be silently missed.  So a read-only open
 *
 *   - opens normally (SQLITE_OPEN_READONLY) and reads the schema
 *     version, which reads the WAL when it can, its "-shm" too (SQLite
 *     builds the index in memory when the "-shm" is there but cannot
 *     be written);
 *   - when that read fails because the WAL index cannot be set up, and
 *     there is no "-wal" or an empty one, opens again immutable;
 *   - when a "-wal" with content is there (a copy taken while the
 *     service ran, without its "-shm"), refuses with a message saying
 *     how to read it, rather than show figures without its last
 *     changes.
 *
 * Nobody can write a read-only medium, so immutable is safe there; in a
 * directory the user cannot write only its owner could, and a command
 * that reads holds the file for seconds.
 */

/* SQLite's extended code of the first read: SQLite opens the WAL and
 * its index at the first read, not at sqlite3_open_v2(). */
static int
first_read(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        rc = sqlite3_extended_errcode(db);
    sqlite3_finalize(s);
    return rc;
}

/* Did the read fail because the WAL or its index cannot be created or
 * grown (read-only medium or directory, full disk)? */
static bool
wal_index_unavailable(int xrc)
{
    switch (xrc) {
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_IOERR_SHMOPEN:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_SHMMAP:
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_DIRECTORY:
        return true;
    default:
        return false;
    }
}

/* Is there a "-wal" beside path with something in it?  -1 when the
 * name does not fit (then the caller refuses, to be safe). */
static int
wal_has_content(const char *path)
{
    char wal[4096];
    struct stat sb;
    int n = snprintf(wal, sizeof(wal), "%s-wal", path);

    if (n < 0 || (size_t)n >= sizeof(wal))
        return -1;
    return stat(wal, &sb) == 0 && sb.st_size > 0;
}

/* "file:PATH?immutable=1" with the characters that mean something in a
 * URI escaped; an absolute path gets an empty authority ("file://"), so
 * that one starting with "//" is not read as a host.  Caller frees. */
static char *
immutable_uri(const char *path)
{
    static const char tail[] = "?immutable=1";
    const char *scheme = path[0] == '/' ? "file://" : "file:";
    size_t n = strlen(path), i, o = strlen(scheme);
    char *u = malloc(o + 3 * n + sizeof(tail));

    if (!u)
        return NULL;
    memcpy(u, scheme, o);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];

        if (c == '%' || c == '?' || c == '#') {
            static const char hex[] = "0123456789ABCDEF";

            u[o++] = '%';
            u[o++] = hex[c >> 4];
            u[o++] = hex[c & 15];
        } else {
            u[o++] = (char)c;
        }
    }
    memcpy(u + o, tail, sizeof(tail));
    return u;
}

static sr_error
open_readonly(struct sr_store *st, const char *path)
{
    char *uri = NULL;
    int xrc, wal;
    sr_error rc = SR_OK;

    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        if (!st->db)
            return SR_ERR_NOMEM;
        return sr_store_fail(st,
                             _("cannot open database '%s': %s (run "
                               "'schoolrisk init' to create it)"),
                             path, sqlite3_errmsg(st->db));
    }
    xrc = first_read(st->db);
    if (xrc == SQLITE_OK || !wal_index_unavailable(xrc))
        return SR_OK; /* any other failure shows at the next read */
    wal = wal_has_content(path);
    if (wal) {
        rc = sr_store_fail(st,
                           _("cannot read database '%s': its write-ahead "
                             "log '%s-wal' holds changes that cannot be "
                             "read without its '-shm' file where nothing "
                             "can be written (%s); copy the database with "
                             "its '-wal' file to a writable place and "
                             "read it there"),
                           path, path, sqlite3_errmsg(st->db));
        goto cleanup;
    }
    uri = immutable_uri(path);
    if (!uri) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    sqlite3_close(st->db);
    st->db = NULL;
    if (sqlite3_open_v2(uri, &st->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        if (!st->db) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        rc = sr_store_fail(st, _("cannot open database '%s': %s"), path,
                           sqlite3_errmsg(st->db));
    }

cleanup:
    free(uri);
    return rc;
}

/* Whether the connection's role may use the schema (the service's role
 * before 'db grant') or create it (SR_STORE_CREATE on an empty
 * database): said here with what to do, rather than as the server's
 * "permission denied" of the first statement. */
static sr_error
pg_access(struct sr_store *st, const char *uri, int flags)
{
    struct sr_stmt *s = NULL;
    sr_error rc = SR_OK;

    rc = sr_store_prepare(st,
                          "SELECT current_user, "
                          "has_database_privilege(current_database(), "
                          "'CREATE'), (SELECT has_schema_privilege(oid, "
                          "'USAGE') FROM pg_namespace WHERE nspname = "
                          "'schoolrisk')",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    if (sr_step(s) != SR_ROW) {
        rc = sr_store_dberr(st, _("cannot read the role's privileges"));
        goto cleanup;
    }
    if (sr_col_text(s, 2) && !sr_col_int(s, 2))
        rc = sr_store_fail(st,
                           _("role '%s' may not use the schoolrisk schema of "
                             "'%s': the database's owner gives it the "
                             "service's privileges with 'schoolrisk db "
                             "grant %s'"),
                           sr_col_text(s, 0), uri, sr_col_text(s, 0));
    else if (!sr_col_text(s, 2) && (flags & SR_STORE_CREATE) &&
             !(flags & SR_STORE_READONLY) && !sr_col_int(s, 1))
        rc = sr_store_fail(st,
                           _("role '%s' cannot create the schoolrisk schema "
                             "in '%s': run 'schoolrisk init' as the "
                             "database's owner"),
                           sr_col_text(s, 0), uri);

cleanup:
    sr_store_finish(st, s);
    return rc;
}

/* Open the PostgreSQL database at uri: connect, find the schema, create
 * it when asked to (SR_STORE_CREATE) and it has none. */
static sr_error
open_pg(struct sr_store *st, const char *uri, int flags)
{
    sr_error rc = sr_pg_connect(st, uri);
    int v;

    if (rc != SR_OK)
        return rc;
    st->pg_uri = sr_strdup(uri);
    if (!st->pg_uri)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    /* The schema's functions (SQLite's names, schema_pg.sql) come
     * before PostgreSQL's own. */
    if (sr_db_exec(st, "SET search_path = schoolrisk, pg_catalog") !=
        SR_DB_OK)
        return sr_store_dberr(st, _("cannot set the search path"));
    /* PostgreSQL's planner prices a page read at random 4 times one
     * read in sequence, a spinning disk's ratio: it then scans a whole
     * table (all the city's hazards, all its assessments) for each
     * district rather than follow an index from the district's schools,
     * which on cached or solid-state pages costs a tenth as much (the
     * reports' statements on the demo city).  1.1 is the usual value
     * for such storage; a failure to set it changes nothing else. */
    sr_db_exec(st, "SET random_page_cost = 1.1");
    /* A large value (a sign-off's snapshot: megabytes of JSON) is kept
     * compressed, by pglz unless told otherwise.  lz4 makes it a third
     * smaller and reads it back faster: the province's 16 snapshots take
     * 27.1 MB against 39.5 MB, and 268 ms against 460 ms to decompress.
     * It applies to what this session writes (db copy writes everything
     * anew); a server built without lz4 refuses it and keeps pglz. */
    sr_db_exec(st, "SET default_toast_compression = lz4");
    /* The store's statements follow indexes through one district or
     * school; a report's reads of a large district are priced above
     * jit_above_cost, and PostgreSQL then compiles each execution anew
     * (tens of milliseconds, never reused by a prepared statement) to
     * save less than that.  Off: the province's `report all --jobs 1`
     * took 24.66 s against 25.58 s (4 runs paired).  A server without
     * JIT refuses nothing here. */
    sr_db_exec(st, "SET jit = off");
    rc = pg_access(st, uri, flags);
    if (rc != SR_OK)
        return rc;
    v = pg_version(st);
    if (v < 0)
        return sr_store_dberr(st, _("cannot read the schema version (is it a "
                                    "schoolrisk database?)"));
    if (v > SR_PG_SCHEMA_VERSION)
        return sr_store_fail_code(
            st, SR_ERR_VERSION,
            _("database '%s' has schema version %d, written by a newer "
              "schoolrisk; this one understands up to version %d"),
            uri, v, SR_PG_SCHEMA_VERSION);
    if (v == 0 && !(flags & SR_STORE_CREATE))
        return sr_store_fail_code(st, SR_ERR_VERSION,
                                  _("database '%s' has no schoolrisk schema; "
                                    "run 'schoolrisk init' to create it"),
                                  uri);
    if (v == 0) {
        rc = sr_store_begin(st);
        if (rc == SR_OK && sr_db_exec(st, sr_pg_schema) != SR_DB_OK)
            rc = sr_store_dberr(st, _("cannot create the schema"));
        if (rc == SR_OK)
            rc = sr_audit_first_checkpoint(st);
        if (rc == SR_OK)
            rc = sr_store_commit(st);
        else
            sr_store_rollback(st);
        if (rc != SR_OK)
            return rc;
    }
    if (v > 0 && v < SR_PG_SCHEMA_VERSION) {
        if (!(flags & SR_STORE_CREATE) || (flags & SR_STORE_READONLY))
            return sr_store_fail_code(
                st, SR_ERR_VERSION,
                _("database '%s' has schema version %d, this schoolrisk needs "
                  "%d; run 'schoolrisk init' to upgrade it"),
                uri, v, SR_PG_SCHEMA_VERSION);
        rc = migrate_pg(st, v);
        if (rc != SR_OK)
            return rc;
    }
    if ((flags & SR_STORE_READONLY) &&
        sr_db_exec(st, "SET default_transaction_read_only = on") != SR_DB_OK)
        return sr_store_dberr(st, _("cannot open the database read-only"));
    return SR_OK;
}

sr_error
sr_store_open(const char *path, int flags, struct sr_store **out)
{
    struct sr_store *st;
    int v;
    sr_error rc;

    *out = NULL;
    st = calloc(1, sizeof(*st));
    if (!st)
        return SR_ERR_NOMEM;
    *out = st;
    if (sodium_init() < 0)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("cannot initialise libsodium"));
    if (sr_pg_uri(path))
        return open_pg(st, path, flags);
    if (path && !strncmp(path, "sqlite:", 7))
        path += 7;
    if (flags & SR_STORE_READONLY) {
        rc = open_readonly(st, path);
        if (rc != SR_OK)
            return rc;
    } else {
        int oflags = SQLITE_OPEN_READWRITE;

        if (flags & SR_STORE_CREATE)
            oflags |= SQLITE_OPEN_CREATE;
        if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
            if (!st->db)
                return SR_ERR_NOMEM;
            return sr_store_fail(
                st,
                (flags & SR_STORE_CREATE) ?
                    _("cannot open database '%s': %s") :
                    _("cannot open database '%s': %s (run 'schoolrisk "
                      "init' to create it)"),
                path, sqlite3_errmsg(st->db));
        }
        /* A read-only medium shows at the first read, as "unable to
         * open database file": say what it means for a command that
         * writes. */
        if (wal_index_unavailable(first_read(st->db)))
            return sr_store_fail(st,
                                 _("cannot open database '%s' for "
                                   "writing: %s (a command that changes "
                                   "it must be able to write the file "
                                   "and its directory)"),
                                 path, sqlite3_errmsg(st->db));
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (sqlite3_create_function(st->db, "sr_sha256", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                    SQLITE_INNOCUOUS,
                                NULL, sql_sha256, NULL, NULL) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot register sr_sha256()"));
    /* Concurrent writers wait up to 10 s for each other. */
    sqlite3_busy_timeout(st->db, 10000);
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
        SQLITE_OK)
        return sr_store_dberr(st, _("cannot enable foreign keys"));
    /* Up to 64 MiB of page cache (allocated only as pages are read): a
     * city's database is a few hundred MB, and with SQLite's default of
     * 2 MiB an import or a report re-reads its indexes from the file
     * page by page. */
    if (sqlite3_exec(st->db, "PRAGMA cache_size = -65536", NULL, NULL,
                     NULL) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot set the page cache size"));
    v = user_version(st);
    if (v < 0)
        return sr_store_dberr(st, _("cannot read the schema version (is it a "
                                    "schoolrisk database?)"));
    if (v > N_MIGRATIONS)
        return sr_store_fail_code(
            st, SR_ERR_VERSION,
            _("database '%s' has schema version %d, written by a newer "
              "schoolrisk; this one understands up to version %d"),
            path, v, N_MIGRATIONS);
    if (flags & SR_STORE_READONLY) {
        /* A reader maps the file (up to SQLite's largest mapping, 2 GiB)
         * instead of copying every page it reads out of the system's
         * cache (pread): the reports of a city read most of it, a
         * quarter of their CPU time went to those copies (at 40,000
         * schools, a 1.7 GB file, 256 MiB left two seconds of system
         * time in pread), and report all reads on several connections
         * at once, which then share the system's pages.  Mapped pages
         * count in the resident size of each connection that touches
         * them: they are the system's cached pages of the file, not
         * memory the program allocates.  A mapping is only an
         * optimisation: where it is refused SQLite reads as before. */
        sqlite3_exec(st->db, "PRAGMA mmap_size = 2147418112", NULL, NULL,
                     NULL);
        /* Nothing that writes: no journal mode, no upgrade. */
        if (v < N_MIGRATIONS)
            return sr_store_fail_code(
                st, SR_ERR_VERSION,
                _("database '%s' has schema version %d, this schoolrisk "
                  "needs %d, and a command that only reads does not "
                  "upgrade it; run 'schoolrisk init' where it can be "
                  "written"),
                path, v, N_MIGRATIONS);
        return SR_OK;
    }
    /* WAL survives in the file; synchronous is per connection. */
    if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(st->db,
                     flags & SR_STORE_BULK ? "PRAGMA synchronous = NORMAL"
                                           : "PRAGMA synchronous = FULL",
                     NULL, NULL, NULL) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot set the journal mode"));
    if (v < N_MIGRATIONS) {
        if (!(flags & SR_STORE_CREATE))
            return sr_store_fail_code(
                st, SR_ERR_VERSION,
                _("database '%s' has schema version %d, this schoolrisk needs "
                  "%d; run 'schoolrisk init' to upgrade it"),
                path, v, N_MIGRATIONS);
        rc = migrate(st, v);
        if (rc != SR_OK)
            return rc;
    }
    return SR_OK;
}

void
sr_store_close(struct sr_store *st)
{
    if (!st)
        return;
    while (st->n_systems)
        sr_system_free(st->systems[--st->n_systems]);
    while (st->n_stmts)
        unwrap(st->stmts[--st->n_stmts].s);
    sqlite3_close(st->db);
    sr_pg_close(st);
    free(st->pg_uri);
    free(st->correction);
    free(st->actor);
    free(st);
}

sr_error
sr_store_open_reader(const struct sr_store *st, struct sr_store **out)
{
    const char *path = st->pg ? st->pg_uri
                              : sqlite3_db_filename(st->db, "main");
    sr_error rc;

    *out = NULL;
    /* "" for a temporary or in-memory database: nothing to share. */
    if (!path || !*path)
        return SR_ERR_INPUT;
    rc = sr_store_open(path, SR_STORE_READONLY, out);
    if (rc == SR_OK && st->actor)
        rc = sr_store_set_user(*out, st->user, st->actor);
    if (rc == SR_OK)
        (*out)->clock = st->clock;
    return rc;
}

const char *
sr_store_errmsg(const struct sr_store *st)
{
    return st ? st->msg : _("out of memory");
}

const char *
sr_store_errfield(const struct sr_store *st)
{
    return st && st->field[0] ? st->field : NULL;
}

sr_error
sr_store_set_actor(struct sr_store *st, const char *name)
{
    return sr_store_set_user(st, 0, name);
}

sr_error
sr_store_set_user(struct sr_store *st, int64_t user, const char *name)
{
    char *p = sr_strdup(name);

    if (!p)
        return SR_ERR_NOMEM;
    free(st->actor);
    st->actor = p;
    st->user = user;
    return SR_OK;
}

int64_t
sr_store_user(const struct sr_store *st)
{
    return st->user;
}

/* A JSON array of strings (codes: digits, letters and '-'; anything
 * else is escaped all the same). */
static char *
json_strings(const char *const *v, size_t n)
{
    struct sr_buf b;
    sr_error rc;
    size_t i;

    sr_buf_init(&b);
    rc = sr_buf_add(&b, "[", 1);
    for (i = 0; rc == SR_OK && i < n; i++) {
        const char *p;

        rc = sr_buf_add(&b, i ? ",\"" : "\"", i ? 2 : 1);
        for (p = v[i]; rc == SR_OK && *p; p++) {
            if (*p == '"' || *p == '\\')
                rc = sr_buf_add(&b, "\\", 1);
            if (rc == SR_OK)
                rc = sr_buf_add(&b, p, 1);
        }
        if (rc == SR_OK)
            rc = sr_buf_add(&b, "\"", 1);
    }
    if (rc == SR_OK)
        rc = sr_buf_add(&b, "]", 1);
    if (rc != SR_OK) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

sr_error
sr_bind_scope(struct sr_store *st, struct sr_stmt *s, int i,
              const struct sr_scope *scope)
{
    char *d, *c;

    if (!scope || scope->all) {
        sr_bind_null(s, i);
        sr_bind_null(s, i + 1);
        return SR_OK;
    }
    d = json_strings(scope->districts, scope->n_districts);
    c = json_strings(scope->schools, scope->n_schools);
    if (!d || !c) {
        free(d);
        free(c);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    sr_bind_text(s, i, d);
    sr_bind_text(s, i + 1, c);
    free(d);
    free(c);
    return SR_OK;
}

int
sr_bind_user(struct sr_store *st, struct sr_stmt *s, int i)
{
    if (!st->user)
        return sr_bind_null(s, i);
    return sr_bind_int64(s, i, st->user);
}

const char *
sr_store_actor(const struct sr_store *st)
{
    return st->actor ? st->actor : "unknown";
}

void
sr_store_set_clock(struct sr_store *st, time_t now)
{
    st->clock = now;
}

static time_t
clock_of(const struct sr_store *st)
{
    return st->clock ? st->clock : time(NULL);
}

time_t
sr_store_time(const struct sr_store *st)
{
    return clock_of(st);
}

void
sr_store_now(const struct sr_store *st, char buf[32])
{
    time_t t = clock_of(st);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

sr_error
sr_store_read_begin(struct sr_store *st, bool *own)
{
    *own = false;
    if (sr_db_in_transaction(st))
        return SR_OK;
    /* PostgreSQL's default isolation takes a snapshot per statement. */
    if (sr_db_exec(st, st->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ, "
                                "READ ONLY"
                              : "BEGIN") != SR_DB_OK)
        return sr_store_dberr(st, _("cannot start a read transaction"));
    *own = true;
    return SR_OK;
}

void
sr_store_read_end(struct sr_store *st, bool own)
{
    if (own)
        sr_db_exec(st, "COMMIT");
}

void
sr_store_today(const struct sr_store *st, char buf[16])
{
    time_t t = clock_of(st);
    struct tm tm;

    /* The bureau's day: China Standard Time, UTC+8, no DST. */
    t += 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(buf, 16, "%Y-%m-%d", &tm);
}

/* The digits of @p s at [i, i + n) as a number, or -1 when one is not
 * a digit. */
static int
digits(const char *s, int i, int n)
{
    int v = 0;

    for (; n > 0; n--, i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Whether @p at is "YYYY-MM-DDTHH:MM:SSZ" with a real day and time (year
 * 1000..9998, so that the next day has four digits too); its China date
 * into @p out. */
static bool
china_day_of_store_time(const char *at, char out[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int y, m, d, hh, mi, ss, last;

    if (strlen(at) != 20 || at[4] != '-' || at[7] != '-' || at[10] != 'T' ||
        at[13] != ':' || at[16] != ':' || at[19] != 'Z')
        return false;
    y = digits(at, 0, 4);
    m = digits(at, 5, 2);
    d = digits(at, 8, 2);
    hh = digits(at, 11, 2);
    mi = digits(at, 14, 2);
    ss = digits(at, 17, 2);
    if (y < 1000 || y > 9998 || m < 1 || m > 12 || d < 1 || hh < 0 ||
        hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
        return false;
    last = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        last = 29;
    if (d > last)
        return false; /* SQLite carries it into the next month */
    if (hh >= 16 && ++d > last) {
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return true;
}

sr_error
sr_store_china_day(struct sr_store *st, const char *at, char out[11])
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    out[0] = '\0';
    if (!at || china_day_of_store_time(at, out))
        return SR_OK;
    rc = sr_store_prepare(st, "SELECT date(CAST(?1 AS TEXT), '+8 hours')",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, at);
    step = sr_step(s);
    if (step == SR_ROW)
        snprintf(out, 11, "%s", sr_col_text(s, 0) ? sr_col_text(s, 0) : "");
    else
        rc = sr_store_dberr(st, _("cannot read hazard events"));
    sr_store_finish(st, s);
    return rc;
}

bool
sr_date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int y, m, d, i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return false;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return d <= 29;
    return d <= mdays[m - 1];
}

void
sr_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* ------------------------------------------------------------------ */
/* Stored indicator systems                                             */
/* ------------------------------------------------------------------ */

static void
stages_text(const struct sr_system *sys, char *buf, size_t size)
{
    size_t used = 0;
    int s;

    buf[0] = '\0';
    for (s = 0; s < SR_STAGE_COUNT; s++)
        if ((sr_system_stages(sys) & (1u << s)) && used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                     used ? ";" : "", sr_stage_name(s));
}

sr_error
sr_store_load_system(struct sr_store *st, const char *name, const char *xml,
                     size_t len, enum sr_load_outcome *outcome,
                     struct sr_diags *diags)
{
    struct sr_system *sys = NULL;
    struct sr_stmt *s = NULL;
    char hash[65], now[32], stages[256];
    int64_t seq;
    sr_error rc;
    int step;

    rc = sr_system_load_memory(name, xml, len, &sys, diags);
    if (rc != SR_OK) {
        sr_store_fail_code(st, rc, _("indicator file '%s' is not valid"), name);
        goto cleanup;
    }
    sr_sha256_hex(xml, len, hash);
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_store_prepare(st,
                          "SELECT sha256 FROM systems WHERE id = ?1 AND "
                          "version = ?2",
                          &s);
    if (rc != SR_OK)
        goto rollback;
    sr_bind_text(s, 1, sr_system_id(sys));
    sr_bind_text(s, 2, sr_system_version(sys));
    step = sr_step(s);
    if (step == SR_ROW) {
        int same = !strcmp(sr_col_text(s, 0), hash);

        if (!same) {
            rc = sr_store_fail_code(
                st, SR_ERR_CONFLICT,
                _("indicator system '%s' version %s is already stored with "
                  "different content (sha256 %.12s…, this file %.12s…); a "
                  "stored version never changes: give the new content a "
                  "new version"),
                sr_system_id(sys), sr_system_version(sys),
                sr_col_text(s, 0), hash);
            goto rollback;
        }
        *outcome = SR_LOAD_UNCHANGED;
        sr_store_finish(st, s);
        s = NULL;
        sr_store_rollback(st);
        goto cleanup;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read stored systems"));
        goto rollback;
    }
    sr_store_finish(st, s);
    s = NULL;
    rc = sr_store_prepare(
        st,
        "INSERT INTO systems(id, version, title, stages, xml, sha256, "
        "loaded_at, loaded_by, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        " (SELECT coalesce(max(seq), 0) + 1 FROM systems))",
        &s);
    if (rc != SR_OK)
        goto rollback;
    stages_text(sys, stages, sizeof(stages));
    sr_store_now(st, now);
    sr_bind_text(s, 1, sr_system_id(sys));
    sr_bind_text(s, 2, sr_system_version(sys));
    sr_bind_text(s, 3, sr_system_title(sys));
    sr_bind_text(s, 4, stages);
    sr_bind_textn(s, 5, xml, len);
    sr_bind_text(s, 6, hash);
    sr_bind_text(s, 7, now);
    sr_bind_text(s, 8, sr_store_actor(st));
    if (sr_step(s) != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot store the indicator system"));
        goto rollback;
    }
    sr_store_finish(st, s);
    s = NULL;
    /* The chain refers to a stored system by its load order. */
    rc = sr_store_prepare(st,
                          "SELECT seq FROM systems WHERE id = ?1 AND "
                          "version = ?2",
                          &s);
    if (rc != SR_OK)
        goto rollback;
    sr_bind_text(s, 1, sr_system_id(sys));
    sr_bind_text(s, 2, sr_system_version(sys));
    if (sr_step(s) != SR_ROW) {
        rc = sr_store_dberr(st, _("cannot read the stored system back"));
        goto rollback;
    }
    seq = sr_col_int64(s, 0);
    sr_store_finish(st, s);
    s = NULL;
    rc = sr_audit_append(st, "system", seq);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st);
    if (rc == SR_OK)
        *outcome = SR_LOAD_ADDED;
    goto cleanup;

rollback:
    sr_store_finish(st, s);
    s = NULL;
    sr_store_rollback(st);
cleanup:
    sr_store_finish(st, s);
    sr_system_free(sys);
    return rc;
}

sr_error
sr_store_load_system_file(struct sr_store *st, const char *path,
                          enum sr_load_outcome *outcome,
                          struct sr_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    sr_error rc;

    rc = sr_read_file(path, SR_SYSTEM_MAX_BYTES, &buf, &len);
    if (rc == SR_ERR_IO)
        return sr_store_fail_code(st, rc, _("cannot read '%s': %s"), path,
                                  strerror(errno));
    if (rc == SR_ERR_TOO_LARGE)
        return sr_store_fail_code(st, rc,
                                  _("'%s' is larger than the limit of %u MiB"),
                                  path, SR_SYSTEM_MAX_BYTES >> 20);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_load_system(st, path, buf, len, outcome, diags);
    free(buf);
    return rc;
}

/* Load the system whose row the statement is on (columns id, version,
 * xml). */
static sr_error
system_from_row(struct sr_store *st, struct sr_stmt *s, struct sr_system **out)
{
    struct sr_diags d;
    char name[160];
    sr_error rc;

    sr_diags_init(&d);
    snprintf(name, sizeof(name), "stored:%s@%s",
             sr_col_text(s, 0),
             sr_col_text(s, 1));
    rc = sr_system_load_memory(name, sr_col_text(s, 2),
                               sr_col_bytes(s, 2), out, &d);
    if (rc != SR_OK && rc != SR_ERR_NOMEM)
        rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                _("stored indicator system %s no longer loads "
                                  "(%s)"),
                                name, d.n ? d.v[0].message : "?");
    sr_diags_release(&d);
    return rc;
}

sr_error
sr_store_system(struct sr_store *st, const char *id, const char *version,
                struct sr_system **out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    size_t i;
    int step;

    for (i = 0; i < st->n_systems; i++)
        if (!strcmp(sr_system_id(st->systems[i]), id) &&
            !strcmp(sr_system_version(st->systems[i]), version)) {
            *out = sr_system_ref(st->systems[i]);
            return SR_OK;
        }

    rc = sr_store_prepare(st,
                          "SELECT id, version, xml FROM systems WHERE id = ?1 "
                          "AND version = ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, id);
    sr_bind_text(s, 2, version);
    step = sr_step(s);
    if (step == SR_ROW) {
        rc = system_from_row(st, s, out);
        if (rc == SR_OK && st->n_systems < SR_SYSTEM_CACHE)
            st->systems[st->n_systems++] = sr_system_ref(*out);
    } else if (step == SR_DONE) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("indicator system '%s' version %s is not "
                                  "stored"),
                                id, version);
    }
    else
        rc = sr_store_dberr(st, _("cannot read stored systems"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_store_current_system(struct sr_store *st, int stage,
                        struct sr_system **out)
{
    struct sr_stmt *s = NULL;
    char *id = NULL, *version = NULL;
    int step, nomem = 0;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "SELECT id, version FROM systems "
                          "WHERE ';' || stages || ';' LIKE '%;' || ?1 || ';%' "
                          "ORDER BY seq DESC LIMIT 1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sr_stage_name(stage));
    step = sr_step(s);
    if (step == SR_ROW) {
        id = sr_column_dup(s, 0, &nomem);
        version = sr_column_dup(s, 1, &nomem);
        rc = nomem ? SR_ERR_NOMEM : SR_OK;
    } else if (step == SR_DONE) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("no stored indicator system covers stage "
                                  "'%s' (run 'schoolrisk indicators load')"),
                                sr_stage_name(stage));
    } else {
        rc = sr_store_dberr(st, _("cannot read stored systems"));
    }
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_store_system(st, id, version, out);
    free(id);
    free(version);
    return rc;
}

sr_error
sr_store_system_hash(struct sr_store *st, const char *id, const char *version,
                     char hash[65])
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(st,
                          "SELECT sha256 FROM systems WHERE id = ?1 AND "
                          "version = ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, id);
    sr_bind_text(s, 2, version);
    step = sr_step(s);
    if (step == SR_ROW) {
        snprintf(hash, 65, "%s", sr_col_text(s, 0));
    } else if (step == SR_DONE) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("indicator system '%s' version %s is not "
                                  "stored"),
                                id, version);
    } else {
        rc = sr_store_dberr(st, _("cannot read stored systems"));
    }
    sr_store_finish(st, s);
    return rc;
}
