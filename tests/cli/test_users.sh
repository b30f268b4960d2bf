#!/bin/bash
# End-to-end tests of `schoolrisk users ...`: every command's output and
# refusals with their exact messages and exit codes, the one-time
# passwords (random: masked in the expected text, checked for their
# shape), the rows and security events written, the JSON, --help, and
# that `audit verify` stays intact through all of it and then names a
# users row edited with sqlite3.
#
# Run by ctest as:  bash test_users.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# The database holds two schools inserted with sqlite3 (the registry
# importer is tested elsewhere) and a registry change chaining them:
#   3701020001 历下区实验小学 (历下区)    3701120001 历城区山区小学 (历城区)
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb u)
export SCHOOLRISK_CLOCK=2026-09-15T02:00:00Z
export SCHOOLRISK_USER=root

"$BIN" init --no-indicators >/dev/null || { echo "FAIL cannot create the database"; exit 1; }
cat >"$T/reg.csv" <<'EOF'
学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话
3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0,王老师,0531-0000001
3701120001,历城区山区小学,历城区,小学,公办,乡村,是,是,是,否,否,150,60,0,李老师,0531-0000002
EOF
"$BIN" schools import "$T/reg.csv" >/dev/null || { echo "FAIL cannot import the schools"; exit 1; }

q() { sql "$SCHOOLRISK_DB" "$1"; }
# The one-time password is random: the expected text has 16 X.
mask() { sed -E 's/^one-time password: [A-Za-z0-9]{16} /one-time password: XXXXXXXXXXXXXXXX /' "$T/out" >"$T/masked"; }
out_masked_is() { mask; printf '%s\n' "$1" >"$T/exp"; same stdout "$T/exp" "$T/masked"; }
password_of_output() { sed -n -E 's/^one-time password: ([A-Za-z0-9]{16}) .*/\1/p' "$T/out"; }
json() { # python expression over the JSON on stdout, bound to j
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" ||
        fail "JSON check failed: $1"
}
dump() { q "SELECT * FROM users; SELECT * FROM grants; SELECT * FROM security_events; SELECT * FROM audit;"; }
unchanged() { # run a refused command, then check nothing moved
    dump >"$T/before"
    run "$@"
    dump >"$T/after"
    cmp -s "$T/before" "$T/after" || fail "the database changed"
}

# ------------------------------------------------------------ help
begin "users --help: usage on stdout, exit 0"
run users --help
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "usage: schoolrisk users <command> [options] [--db PATH]" ] || fail "first line is '$(head -n 1 "$T/out")'"
for c in add list show passwd disable enable unlock grant revoke totp-reset; do
    grep -q "^  $c " "$T/out" || fail "command $c is not listed"
done
end

check_help() { # first-line args...
    local first=$1
    shift
    begin "schoolrisk $*: usage on stdout, exit 0"
    run "$@"
    rc_is 0; err_empty
    [ "$(head -n 1 "$T/out")" = "$first" ] || fail "first line is '$(head -n 1 "$T/out")'"
    end
}
check_help "usage: schoolrisk users add LOGIN --name NAME [--unit UNIT] [--phone PHONE]" users add --help
check_help "usage: schoolrisk users list [--json] [--db PATH]" users list -h
check_help "usage: schoolrisk users show LOGIN [--json] [--db PATH]" users show nobody --help
check_help "usage: schoolrisk users passwd LOGIN [--db PATH]" users passwd --help
check_help "usage: schoolrisk users disable LOGIN [--db PATH]" users disable --help
check_help "usage: schoolrisk users enable LOGIN [--db PATH]" users enable --help
check_help "usage: schoolrisk users unlock LOGIN [--db PATH]" users unlock --help
check_help "usage: schoolrisk users grant LOGIN --role ROLE [--district D] [--school CODE]" users grant --help
check_help "usage: schoolrisk users revoke LOGIN --grant ID [--db PATH]" users revoke --help
check_help "usage: schoolrisk users totp-reset LOGIN [--db PATH]" users totp-reset --help

begin "schoolrisk --help lists users"
run --help
rc_is 0
grep -q "^  users  *user accounts and role grants" "$T/out" || fail "users is not listed"
end

begin "users without a command: usage on stderr, exit 2"
run users
rc_is 2; out_empty
err_line 1 "usage: schoolrisk users <command> [options] [--db PATH]"
end

begin "users bogus: exit 2"
run users bogus
rc_is 2; out_empty
err_line 1 "schoolrisk: error: unknown users command 'bogus'"
end

begin "users list on an empty database"
run users list
rc_is 0; err_empty
out_is "0 users"
end

# ------------------------------------------------------------ add
begin "add: the first administrator, with a one-time password"
run users add zhang --name 张三 --unit 济南市教育局 --phone "0531-12345678" --role admin
rc_is 0; err_empty
out_masked_is "added user 'zhang' (id 1)
granted admin (系统管理员) as grant 1
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the first sign-in)"
pw=$(password_of_output)
case $pw in *[0OlI1]*) fail "the password '$pw' has a character that can be misread" ;; esac
[ "$(q "SELECT login, name, unit, phone, must_change, disabled, created_by, CAST(password_hash LIKE '\$argon2id\$%' AS INTEGER) FROM users")" = "zhang|张三|济南市教育局|0531-12345678|1|0|root|1" ] ||
    fail "row is '$(q "SELECT login, name, unit, phone, must_change, disabled, created_by FROM users")'"
[ "$(q "SELECT count(*) FROM users WHERE instr(password_hash, '$pw') > 0")" = 0 ] || fail "the password is stored"
[ "$(q 'SELECT "user", role, district, school, granted_by FROM grants')" = "1|admin|||root" ] ||
    fail "grant is '$(q "SELECT * FROM grants")'"
[ "$(q "SELECT action, actor, actor_name, target, grant_id FROM security_events ORDER BY id")" = "user_added||root|1|
grant_added||root|1|1" ] || fail "events are '$(q "SELECT * FROM security_events")'"
end

begin "add: a district user, the district by its name"
run users add li.si --name 李四 --role district --district 历下区
rc_is 0; err_empty
out_masked_is "added user 'li.si' (id 2)
granted district (区县) 370102 历下区 as grant 2
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the first sign-in)"
end

begin "add: a school user"
run users add wang@school --name 王五 --role school --school 3701020001
rc_is 0; err_empty
out_masked_is "added user 'wang@school' (id 3)
granted school (学校) 3701020001 历下区实验小学 as grant 3
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the first sign-in)"
end

begin "add: without a role"
run users add zhao --name 赵六
rc_is 0; err_empty
out_masked_is "added user 'zhao' (id 4)
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the first sign-in)"
end

begin "add: two one-time passwords differ"
q "SELECT password_hash FROM users WHERE id = 3" >"$T/h3"
q "SELECT password_hash FROM users WHERE id = 4" >"$T/h4"
cmp -s "$T/h3" "$T/h4" && fail "two users have the same hash"
end

add_refused() { # title exit message args...
    local title=$1 code=$2 msg=$3
    shift 3
    begin "add refused: $title"
    unchanged users add "$@"
    rc_is "$code"; out_empty
    err_line 1 "schoolrisk: error: $msg"
    end
}
add_refused "the login taken in another case" 1 "login 'ZHANG' is taken (user 1)" ZHANG --name x
add_refused "a login with a space" 1 "login 'a b' must be 2 to 64 characters of A-Z, a-z, 0-9 and . _ @ -" "a b" --name x
add_refused "a one-letter login" 1 "login 'a' must be 2 to 64 characters of A-Z, a-z, 0-9 and . _ @ -" a --name x
add_refused "a blank name" 1 "the name is required" sun --name "  "
add_refused "a bad phone number" 1 "the phone number 'none' may contain only digits, spaces and + - ( )" sun --name x --phone none
add_refused "no --name" 2 "--name is required" sun
add_refused "no login" 2 "the login is required" --name x
add_refused "an unknown role" 2 "--role takes admin 系统管理员, city 市局, district 区县, school 学校 or inspector 检查员, not 'boss'" sun --name x --role boss
add_refused "--district without --role" 2 "--district and --school go with --role" sun --name x --district 历下区
add_refused "an unknown option" 2 "unknown option '--email'" sun --name x --email a@b
add_refused "a stray argument" 2 "unexpected argument 'extra'" sun extra --name x

begin "add with a grant that is refused: the user is added without it"
run users add sun --name 孙七 --role city --district 历下区
rc_is 1
out_masked_is "added user 'sun' (id 5)
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the first sign-in)"
err_is "schoolrisk: error: a city grant takes no district or school
schoolrisk: error: user 'sun' was added without that role: grant one with 'schoolrisk users grant sun --role ...'"
[ "$(q 'SELECT count(*) FROM grants WHERE "user" = 5')" = 0 ] || fail "a grant was written"
end

# ------------------------------------------------------------ grant, revoke
begin "grant: an inspector of a district, by its code"
run users grant zhao --role inspector --district 370112
rc_is 0; err_empty
out_is "granted inspector (检查员) 370112 历城区 to 'zhao' as grant 4"
end

begin "grant: an inspector of one school, the user in any case"
run users grant ZHAO --role inspector --school 3701020001
rc_is 0; err_empty
out_is "granted inspector (检查员) 3701020001 历下区实验小学 to 'zhao' as grant 5"
end

begin "grant: city"
run users grant sun --role city
rc_is 0; err_empty
out_is "granted city (市局) to 'sun' as grant 6"
end

grant_refused() { # title exit message args...
    local title=$1 code=$2 msg=$3
    shift 3
    begin "grant refused: $title"
    unchanged users grant "$@"
    rc_is "$code"; out_empty
    err_line 1 "schoolrisk: error: $msg"
    end
}
grant_refused "the same grant again" 1 "user 'zhao' already holds this grant (grant 4)" zhao --role inspector --district 历城区
grant_refused "the same grant again, the role as its label (检查员)" 1 "user 'zhao' already holds this grant (grant 4)" zhao --role 检查员 --district 370112
grant_refused "an unknown district" 1 "no district '火星区' (give its code, such as 370102, or its name, such as 历下区)" zhao --role district --district 火星区
grant_refused "an unknown school" 1 "no school with code '3701029999' in the registry" zhao --role school --school 3701029999
grant_refused "a district grant without a district" 1 "a district grant needs a district" zhao --role district
grant_refused "a school grant with a district" 1 "a school grant takes no district (the school's district is known)" zhao --role school --school 3701020001 --district 历下区
grant_refused "an inspector with both" 1 "an inspector grant takes a district or a school, not both" zhao --role inspector --school 3701020001 --district 历下区
grant_refused "an admin grant with a school" 1 "an admin grant takes no district or school" zhao --role admin --school 3701020001
grant_refused "an unknown user" 1 "no user with login 'nobody'" nobody --role city
grant_refused "no --role" 2 "--role is required" zhao
grant_refused "an unknown role" 2 "--role takes admin 系统管理员, city 市局, district 区县, school 学校 or inspector 检查员, not 'root'" zhao --role root
grant_refused "no login" 2 "the login is required" --role city

begin "revoke: one of the user's grants"
run users revoke zhao --grant 5
rc_is 0; err_empty
out_is "revoked grant 5 of 'zhao': inspector (检查员) 3701020001 历下区实验小学"
[ "$(q "SELECT revoked_at, revoked_by FROM grants WHERE id = 5")" = "2026-09-15T02:00:00Z|root" ] ||
    fail "grant 5 is '$(q "SELECT * FROM grants WHERE id = 5")'"
end

revoke_refused() { # title exit message args...
    local title=$1 code=$2 msg=$3
    shift 3
    begin "revoke refused: $title"
    unchanged users revoke "$@"
    rc_is "$code"; out_empty
    err_line 1 "schoolrisk: error: $msg"
    end
}
revoke_refused "a revoked grant" 1 "user 'zhao' holds no active grant 5 (see 'schoolrisk users show zhao')" zhao --grant 5
revoke_refused "another user's grant" 1 "user 'zhao' holds no active grant 2 (see 'schoolrisk users show zhao')" zhao --grant 2
revoke_refused "the last admin grant" 1 "role grant 1 is the last admin grant of an enabled user: grant admin to another user first" zhang --grant 1
revoke_refused "a grant id that is not a number" 2 "a grant id is a positive whole number, not 'x'" zhao --grant x
revoke_refused "no --grant" 2 "--grant is required" zhao

# ------------------------------------------------------------ list, show
begin "list: every user by login"
run users list
rc_is 0; err_empty
out_is "LOGIN        NAME  ROLES       STATUS
li.si        李四  区县        正常
sun          孙七  市局        正常
wang@school  王五  学校        正常
zhang        张三  系统管理员  正常
zhao         赵六  检查员      正常
5 users"
end

begin "list --json"
run users list --json
rc_is 0; err_empty
json "[u['login'] for u in j] == ['li.si', 'sun', 'wang@school', 'zhang', 'zhao']"
json "j[3]['grants'] == [{'id': 1, 'role': 'admin', 'role_label': '系统管理员', 'district': None, 'district_name': None, 'school': None, 'school_name': None, 'granted_at': '2026-09-15T02:00:00Z', 'granted_by': 'root'}]"
json "j[3]['must_change'] is True and j[3]['totp'] is False and j[3]['locked'] is False and j[3]['unit'] == '济南市教育局'"
end

begin "show: fields, grants, never signed in"
run users show li.si
rc_is 0; err_empty
out_is "login:            li.si
id:               2
name:             李四
unit:             -
phone:            -
status:           enabled
locked:           no
failed sign-ins:  0
second factor:    not enrolled
password set:     2026-09-15T02:00:00Z (must be changed at the next sign-in)
created:          2026-09-15T02:00:00Z by root
last sign-in:     never
grants:
  2    district   区县        370102 历下区  (granted 2026-09-15T02:00:00Z by root)"
end

begin "show: a school user; a city user as JSON"
run users show wang@school
rc_is 0
grep -qx "  3    school     学校        3701020001 历下区实验小学  (granted 2026-09-15T02:00:00Z by root)" "$T/out" ||
    fail "the school grant is not shown"
run users show sun --json
json "j['grants'][0]['role'] == 'city' and j['last_login'] is None"
end

begin "show: an unknown user"
run users show nobody
rc_is 1; out_empty
err_is "schoolrisk: error: no user with login 'nobody'"
end

# ------------------------------------------------------------ lock, unlock
begin "unlock: not locked"
unchanged users unlock li.si
rc_is 1; out_empty
err_is "schoolrisk: error: user 'li.si' is not locked"
end

begin "a locked user: shown, listed, unlocked"
# Five failed sign-ins as the server would record them (failed_logins and
# locked_until are not part of the chained state).
q "UPDATE users SET failed_logins = 5, locked_until = 1789439400 WHERE login = 'li.si'" # 2026-09-15T02:30:00Z
run users show li.si
grep -qx "locked:           yes, until 2026-09-15T02:30:00Z" "$T/out" || fail "the lock is not shown"
grep -qx "failed sign-ins:  5" "$T/out" || fail "the failures are not shown"
run users list
grep -qx "li.si        李四  区县        已锁定" "$T/out" || fail "the lock is not listed"
run users unlock li.si
rc_is 0; err_empty
out_is "unlocked user 'li.si'"
[ "$(q "SELECT failed_logins, locked_until FROM users WHERE login = 'li.si'")" = "0|0" ] || fail "still locked"
[ "$(q "SELECT action, actor_name, detail FROM security_events ORDER BY id DESC LIMIT 1")" = "user_unlocked|root|5 failed sign-ins cleared" ] ||
    fail "event is '$(q "SELECT * FROM security_events ORDER BY id DESC LIMIT 1")'"
end

# ------------------------------------------------------------ disable, enable
begin "disable: the account and its sessions"
q "INSERT INTO sessions(token_sha256, \"user\", csrf, stage, created_at, seen_at, expires_at) VALUES ('t1', 2, 'c', 'full', 1789437600, 1789437600, 1789480800)"
run users disable li.si
rc_is 0; err_empty
out_is "disabled user 'li.si'; every session of the user ended"
[ "$(q "SELECT disabled FROM users WHERE login = 'li.si'")" = 1 ] || fail "not disabled"
[ "$(q "SELECT count(*) FROM sessions")" = 0 ] || fail "the session is still there"
run users list
grep -qx "li.si        李四  区县        已停用" "$T/out" || fail "not listed as disabled"
end

begin "disable again: refused"
unchanged users disable li.si
rc_is 1; out_empty
err_is "schoolrisk: error: user 'li.si' is already disabled"
end

begin "disable the last administrator: refused"
unchanged users disable zhang
rc_is 1; out_empty
err_is "schoolrisk: error: user 'zhang' is the last enabled administrator: grant admin to another user first"
end

begin "enable"
run users enable li.si
rc_is 0; err_empty
out_is "enabled user 'li.si'"
run users enable li.si
rc_is 1
err_is "schoolrisk: error: user 'li.si' is already enabled"
end

# ------------------------------------------------------------ passwd
begin "passwd: a new one-time password"
old=$(q "SELECT password_hash FROM users WHERE login = 'zhao'")
q "UPDATE users SET must_change = 0 WHERE login = 'zhao'"
SCHOOLRISK_CLOCK=2026-09-16T03:00:00Z run users passwd zhao
rc_is 0; err_empty
out_masked_is "reset the password of 'zhao'; every session of the user ended
one-time password: XXXXXXXXXXXXXXXX (the user must change it at the next sign-in)"
[ "$(q "SELECT must_change, password_set_at FROM users WHERE login = 'zhao'")" = "1|2026-09-16T03:00:00Z" ] ||
    fail "row is '$(q "SELECT must_change, password_set_at FROM users WHERE login = 'zhao'")'"
[ "$(q "SELECT password_hash FROM users WHERE login = 'zhao'")" != "$old" ] || fail "the hash did not change"
[ "$(q "SELECT action, actor_name, target, detail FROM security_events ORDER BY id DESC LIMIT 1")" = "password_reset|root|4|0 sessions ended; must change it at the next sign-in" ] ||
    fail "event is '$(q "SELECT * FROM security_events ORDER BY id DESC LIMIT 1")'"
end

begin "passwd: an unknown user"
unchanged users passwd nobody
rc_is 1; out_empty
err_is "schoolrisk: error: no user with login 'nobody'"
end

# ------------------------------------------------------------ totp-reset
begin "totp-reset: no second factor"
unchanged users totp-reset zhang
rc_is 1; out_empty
err_is "schoolrisk: error: user 'zhang' has no second factor"
end

begin "totp-reset: removes an enrolled second factor"
# Enrolled as the server would do it (chained by the reset's event).
q "UPDATE users SET totp_secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' WHERE login = 'zhang'"
run users show zhang
grep -qx "second factor:    TOTP enrolled" "$T/out" || fail "TOTP is not shown"
run users totp-reset zhang
rc_is 0; err_empty
out_is "removed the second factor of 'zhang'; every session of the user ended"
[ "$(q "SELECT CAST(totp_secret IS NULL AS INTEGER) FROM users WHERE login = 'zhang'")" = 1 ] || fail "the secret is still there"
end

# ------------------------------------------------------------ the audit chain
begin "audit verify: intact after every change"
run audit verify
rc_is 0; err_empty
grep -q "^audit chain intact: " "$T/out" || fail "not intact: $(cat "$T/out" "$T/err")"
[ "$(q "SELECT count(*) FROM security_events")" = "$(q "SELECT count(*) FROM audit WHERE kind = 'security'")" ] ||
    fail "a security event is not chained"
end

begin "audit verify: a password hash edited with sqlite3 is found"
q "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'zhao') WHERE login = 'zhang'"
run audit verify
rc_is 1
err_is "schoolrisk: error: audit chain broken: user 1 was altered outside schoolrisk: the row no longer matches the security log"
end

finish
