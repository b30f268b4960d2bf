#!/bin/bash
# End-to-end tests of `schoolrisk hazard ...` and `schoolrisk hazards list`
# on a real database file: the whole closed loop (登记 → 整改 → 复查 → 销号),
# every refusal with its exact message and exit code, four eyes, the
# district's review and the city's sign-off of a major hazard (挂牌督办),
# overdue against --today, recurrence, linking, the JSON, and that a
# refused step leaves the database byte-for-byte as it was.
#
# Run by ctest as:  bash test_hazards.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# The database holds the fixture system mini.xml (stage primary) and four
# schools imported through the registry (a school inserted with sqlite3
# would break the audit chain), 3701020002 then closed by a full import:
#   3701020001 历下区实验小学 (primary, 历下区)     3701020002 closed
#   3701120001 历城区山区小学 (primary, 历城区)     3701030001 junior
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb h)
export SCHOOLRISK_CLOCK=2026-03-01T02:00:00Z
unset SCHOOLRISK_USER

"$BIN" init --no-indicators >/dev/null &&
    "$BIN" indicators load "$MINI" >/dev/null || { echo "FAIL cannot create the database"; exit 1; }
REGHDR=学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数
cat >reg.csv <<EOF
$REGHDR
3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0
3701020002,历下区旧校区小学,历下区,小学,公办,城区,否,否,是,否,否,300,0,0
3701120001,历城区山区小学,历城区,小学,公办,乡村,是,是,是,否,否,150,60,0
3701030001,市中区第一中学,市中区,初中,公办,城区,否,否,是,是,否,1200,0,0
EOF
# 历下区's whole registry without 3701020002: closes it
cat >lixia.csv <<EOF
$REGHDR
3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0
EOF
"$BIN" schools import reg.csv >/dev/null && "$BIN" schools import lixia.csv --full >/dev/null &&
    [ "$(sql "$SCHOOLRISK_DB" "SELECT group_concat(code || closed) FROM (SELECT code, closed FROM schools ORDER BY code) AS s")" = 37010200010,37010200021,37010300010,37011200010 ] ||
    { echo "FAIL cannot import the schools"; exit 1; }

# The rows a step may change, to compare before and after a refusal.
dump() { sql "$SCHOOLRISK_DB" "SELECT * FROM hazards; SELECT * FROM hazard_events; SELECT * FROM audit;"; }
unchanged() { # run a refused step, then check nothing moved
    dump >"$T/before"
    run "$@"
    dump >"$T/after"
    cmp -s "$T/before" "$T/after" || fail "the database changed"
}
q() { sql "$SCHOOLRISK_DB" "$1"; }
json() { # python expression over the JSON on stdout, bound to j
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" ||
        fail "JSON check failed: $1"
}

# ------------------------------------------------------------ hazard add
begin "add: a general hazard on an item of the current system"
run hazard add --by 张三 --school 3701020001 --item D1.2.1 --level general --description "校门未落实封闭管理"
rc_is 0; err_empty
out_is "hazard 1 opened (登记): 一般隐患 at 3701020001 历下区实验小学"
[ "$(q "SELECT item_title, baseline, found_on, found_by FROM hazards WHERE id = 1")" = "校园实行封闭化管理，门卫室24小时值守，外来人员登记|closed-campus|2026-03-01|张三" ] ||
    fail "row is '$(q "SELECT item_title, baseline, found_on, found_by FROM hazards WHERE id = 1")'"
end

begin "add: a major hazard without an item is flagged for city supervision"
run hazard add --by 张三 --school 3701120001 --level major --description "东侧围墙倒塌约5米" --found-on 2026-02-27
rc_is 0; err_empty
out_is "hazard 2 opened (登记): 重大隐患 at 3701120001 历城区山区小学
major hazard: flagged for city supervision (挂牌督办)"
end

begin "add: the same school and item while open is linked, not duplicated"
run hazard add --by 督查组 --school 3701020001 --item D1.2.1 --level general --description "督查时再次发现"
rc_is 0; err_empty
out_is "hazard 1 on school 3701020001 item D1.2.1 is already open (登记): the finding was added to its history, no new hazard opened"
[ "$(q "SELECT count(*) FROM hazards")" = 2 ] || fail "$(q "SELECT count(*) FROM hazards") hazards"
[ "$(q "SELECT from_status, to_status, by, note FROM hazard_events WHERE id = 3")" = "open|open|督查组|2026-03-01 由 督查组 再次发现：督查时再次发现" ] ||
    fail "event 3 is '$(q "SELECT from_status, to_status, by, note FROM hazard_events WHERE id = 3")'"
end

add_refused() { # title exit message args...
    local title=$1 code=$2 msg=$3
    shift 3
    begin "add refused: $title"
    unchanged hazard add --by 张三 "$@"
    rc_is "$code"; out_empty
    err_line 1 "schoolrisk: error: $msg"
    end
}
add_refused "unknown school" 1 "no school with code '9999999999' in the registry" \
    --school 9999999999 --level general --description x
add_refused "closed school" 1 "school '3701020002' is closed in the registry: no new hazards can be recorded for it" \
    --school 3701020002 --level general --description x
add_refused "item not in the current system" 1 "item 'D9.9.9' is not in indicator system 'mini' version 1.0, the current system for school '3701020001' (stage primary)" \
    --school 3701020001 --item D9.9.9 --level general --description x
add_refused "no system for the school's stage" 1 "no stored indicator system covers stage 'junior' (run 'schoolrisk indicators load')" \
    --school 3701030001 --item D1.1.1 --level general --description x
add_refused "found on a day in the future" 1 "found on 2026-03-02 is in the future (today is 2026-03-01)" \
    --school 3701020001 --level general --description x --found-on 2026-03-02
add_refused "found on an impossible date" 2 "--found-on expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '2026-02-29'" \
    --school 3701020001 --level general --description x --found-on 2026-02-29
add_refused "found on a date written another way" 2 "--found-on expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '03/01/2026'" \
    --school 3701020001 --level general --description x --found-on 03/01/2026
add_refused "empty description" 1 "the description is empty" \
    --school 3701020001 --level general --description ""
add_refused "unknown level" 2 "--level takes general 一般 or major 重大, not 'high'" \
    --school 3701020001 --level high --description x
add_refused "no --description" 2 "--description is required" \
    --school 3701020001 --level general
add_refused "no --school" 2 "--school is required" \
    --level general --description x
add_refused "a stray argument" 2 "unexpected argument '5'" \
    5 --school 3701020001 --level general --description x

# ------------------------------------------------------------ the loop
begin "verify an open hazard: refused, naming the state and the next step"
unchanged hazard verify 1 --by 王科长
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 1 is open (登记): it can be assigned ('hazard assign'), not verified"
end

begin "submit an open hazard: refused"
unchanged hazard submit 1 --by 李四 --note x
rc_is 1
err_is "schoolrisk: error: hazard 1 is open (登记): it can be assigned ('hazard assign'), not submitted"
end

begin "reject an open hazard: refused"
unchanged hazard reject 1 --by 王科长 --reason x
rc_is 1
err_is "schoolrisk: error: hazard 1 is open (登记): it can be assigned ('hazard assign'), not rejected"
end

begin "assign with a deadline before today: refused"
unchanged hazard assign 1 --by 王科长 --responsible 李四 --deadline 2026-02-28
rc_is 1
err_is "schoolrisk: error: deadline 2026-02-28 is before today (2026-03-01)"
end

begin "assign without --deadline: usage error"
unchanged hazard assign 1 --by 王科长 --responsible 李四
rc_is 2
err_line 1 "schoolrisk: error: --deadline is required"
end

begin "assign: open -> rectifying"
run hazard assign 1 --by 王科长 --responsible 李四 --deadline 2026-03-10 --measures "加装电动伸缩门"
rc_is 0; err_empty
out_is "hazard 1 is now rectifying (整改中): responsible 李四, deadline 2026-03-10"
end

begin "verify a rectifying hazard: refused"
unchanged hazard verify 1 --by 王科长
rc_is 1
err_is "schoolrisk: error: hazard 1 is rectifying (整改中): it can be submitted ('hazard submit') or re-assigned ('hazard assign'), not verified"
end

begin "reject a rectifying hazard: refused"
unchanged hazard reject 1 --by 王科长 --reason x
rc_is 1
err_is "schoolrisk: error: hazard 1 is rectifying (整改中): it can be submitted ('hazard submit') or re-assigned ('hazard assign'), not rejected"
end

begin "re-assign a rectifying hazard: new person and deadline, measures kept"
run hazard assign 1 --by 王科长 --responsible 王五 --deadline 2026-03-12
rc_is 0; err_empty
out_is "hazard 1 is now rectifying (整改中): responsible 王五, deadline 2026-03-12"
[ "$(q "SELECT responsible, deadline, measures FROM hazards WHERE id = 1")" = "王五|2026-03-12|加装电动伸缩门" ] ||
    fail "row is '$(q "SELECT responsible, deadline, measures FROM hazards WHERE id = 1")'"
end

printf 'photo' >"$T/gate.jpg"
EVID="$(realpath "$T/gate.jpg") (sha256 $(sha256sum "$T/gate.jpg" | cut -d' ' -f1), 5 bytes)"

begin "submit with a file as evidence: its path, SHA-256 and size are recorded"
run hazard submit 1 --by 王五 --note "已加装电动伸缩门" --evidence "$T/gate.jpg"
rc_is 0; err_empty
out_is "hazard 1 is now submitted (已整改待复查): waiting for review by someone other than 王五
evidence: $EVID"
[ "$(q "SELECT evidence FROM hazard_events WHERE to_status = 'submitted'")" = "$EVID" ] || fail "evidence not stored"
end

begin "assign a submitted hazard: refused"
unchanged hazard assign 1 --by 王科长 --responsible 李四 --deadline 2026-03-20
rc_is 1
err_is "schoolrisk: error: hazard 1 is submitted (已整改待复查): it can be verified ('hazard verify') or rejected ('hazard reject'), not assigned"
end

begin "submit a submitted hazard: refused"
unchanged hazard submit 1 --by 王五 --note again
rc_is 1
err_is "schoolrisk: error: hazard 1 is submitted (已整改待复查): it can be verified ('hazard verify') or rejected ('hazard reject'), not submitted"
end

begin "four eyes: who submitted cannot verify"
unchanged hazard verify 1 --by 王五
rc_is 1
err_is "schoolrisk: error: hazard 1: the rectification was submitted by '王五', so '王五' cannot verify it; the review (复查销号) must be done by someone else (four eyes)"
end

begin "four eyes: the actor from SCHOOLRISK_USER counts the same"
SCHOOLRISK_USER=王五 unchanged hazard verify 1
rc_is 1
err_line 1 "schoolrisk: error: hazard 1: the rectification was submitted by '王五', so '王五' cannot verify it; the review (复查销号) must be done by someone else (four eyes)"
end

begin "reject: submitted -> rectifying"
run hazard reject 1 --by 王科长 --reason "门禁未接入一键报警"
rc_is 0; err_empty
out_is "hazard 1 is now rectifying (整改中) again: the rectification was rejected"
end

begin "submit with a text as evidence"
run hazard submit 1 --by 王五 --note "已接入一键报警" --evidence "联网测试记录见安全台账第12页"
rc_is 0; err_empty
out_is "hazard 1 is now submitted (已整改待复查): waiting for review by someone other than 王五"
end

begin "verify by another person: closed on today"
SCHOOLRISK_CLOCK=2026-03-05T02:00:00Z run hazard verify 1 --by 王科长 --note "现场复查合格"
rc_is 0; err_empty
out_is "hazard 1 is now closed (已销号) on 2026-03-05"
end

for step in "assign 1 --responsible x --deadline 2026-04-01" "submit 1 --note x" "verify 1" "reject 1 --reason x"; do
    begin "${step%% *} a closed hazard: refused"
    # shellcheck disable=SC2086
    unchanged hazard $step --by 赵主任
    rc_is 1; out_empty
    err_is "schoolrisk: error: hazard 1 is closed (已销号): no further steps are allowed"
    end
done

begin "every event is in the audit chain, one record each"
[ "$(q "SELECT count(*) FROM hazard_events")" = 9 ] || fail "$(q "SELECT count(*) FROM hazard_events") events, expected 9"
[ "$(q "SELECT count(*) FROM audit WHERE kind = 'hazard_event'")" = 9 ] || fail "$(q "SELECT count(*) FROM audit") audit records"
[ "$(q "SELECT count(*) FROM hazard_events e JOIN audit a ON a.kind = 'hazard_event' AND a.ref = e.id")" = 9 ] || fail "an event is not chained"
end

# ------------------------------------------------------------ show
begin "show: the hazard and its whole history"
run hazard show 1
rc_is 0; err_empty
cat >"$T/exp" <<EOF
hazard 1  一般隐患
school       3701020001  历下区实验小学  (历下区 370102)
item         D1.2.1  校园实行封闭化管理，门卫室24小时值守，外来人员登记
found        2026-03-01 by 张三, outside an assessment
description  校门未落实封闭管理
status       已销号
responsible  王五
measures     加装电动伸缩门
deadline     2026-03-12
submitted by 王五
closed on    2026-03-05
baseline     封闭化管理

history (8 events)
  2026-03-01T02:00:00Z  张三  登记
      note: 评估之外发现
  2026-03-01T02:00:00Z  督查组  登记 -> 登记
      note: 2026-03-01 由 督查组 再次发现：督查时再次发现
  2026-03-01T02:00:00Z  王科长  登记 -> 整改中
      note: 整改责任人：李四；整改期限：2026-03-10；整改措施：加装电动伸缩门
  2026-03-01T02:00:00Z  王科长  整改中 -> 整改中
      note: 整改责任人：王五；整改期限：2026-03-12
  2026-03-01T02:00:00Z  王五  整改中 -> 已整改待复查
      note: 已加装电动伸缩门
      evidence: $EVID
  2026-03-01T02:00:00Z  王科长  已整改待复查 -> 整改中
      note: 门禁未接入一键报警
  2026-03-01T02:00:00Z  王五  整改中 -> 已整改待复查
      note: 已接入一键报警
      evidence: 联网测试记录见安全台账第12页
  2026-03-05T02:00:00Z  王科长  已整改待复查 -> 已销号
      note: 现场复查合格
EOF
same "show 1" "$T/exp" "$T/out"
end

begin "show --json: fields and every event"
run hazard show 1 --json
rc_is 0; err_empty
json 'j["id"] == 1 and j["status"] == "closed" and j["status_label"] == "已销号" and j["closed_on"] == "2026-03-05"'
json 'j["level"] == "general" and j["supervised"] is False and j["recurrent"] is False and j["recurrent_of"] is None'
json 'j["school"] == "3701020001" and j["district_name"] == "历下区" and j["item"] == "D1.2.1" and j["assessment"] is None'
json '[e["to"] for e in j["events"]] == ["open","open","rectifying","rectifying","submitted","rectifying","submitted","closed"]'
json 'j["events"][0]["from"] is None and j["events"][4]["evidence"].endswith("5 bytes)") and j["events"][7]["by"] == "王科长"'
json 'j["overdue"] is False and j["days_overdue"] == 0 and j["today"] == "2026-03-01"'
end

begin "show: a major hazard, overdue against --today"
run hazard assign 2 --by 王科长 --responsible 赵工 --deadline 2026-03-10
rc_is 0
run hazard show 2 --today 2026-03-13
rc_is 0; err_empty
out_has "hazard 2  重大隐患  挂牌督办: under city supervision"
out_has "deadline     2026-03-10  overdue by 3 days"
out_has "found        2026-02-27 by 张三, outside an assessment"
end

begin "show: the deadline day itself is not overdue"
run hazard show 2 --today 2026-03-10
rc_is 0
out_has "deadline     2026-03-10"
end

begin "show --json: supervised and days overdue"
run hazard show 2 --json --today 2026-03-11
rc_is 0
json 'j["supervised"] is True and j["overdue"] is True and j["days_overdue"] == 1 and j["level_label"] == "重大隐患"'
end

# ------------------------------------------------------------ recurrence
begin "add on an item closed within 12 months: recurrent (复发)"
SCHOOLRISK_CLOCK=2027-03-05T02:00:00Z run hazard add --by 张三 --school 3701020001 --item D1.2.1 --level general --description "校门又未关闭"
rc_is 0; err_empty
out_is "hazard 3 opened (登记): 一般隐患 at 3701020001 历下区实验小学
recurrent (复发): hazard 1 on the same item was closed on 2026-03-05"
end

begin "show: a recurrent hazard names the earlier one"
run hazard show 3
rc_is 0
out_has "recurrent    复发: hazard 1 on the same item was closed on 2026-03-05"
out_has "      note: 评估之外发现；复发：同一检查项的隐患 1 已于 2026-03-05 销号"
end

# hazard 4: the same item at the other school, closed 2026-03-01; found
# again 12 months and a day later it is not recurrent.
"$BIN" hazard add --by 张三 --school 3701120001 --item D1.2.1 --level major --description x >/dev/null &&
    "$BIN" hazard assign 4 --by 王科长 --responsible 赵工 --deadline 2026-03-01 >/dev/null &&
    "$BIN" hazard submit 4 --by 赵工 --note done >/dev/null &&
    "$BIN" hazard verify 4 --by 王科长 >/dev/null &&
    "$BIN" hazard signoff 4 --by 市教育局 >/dev/null || echo "FAIL cannot close hazard 4"

begin "add 12 months and a day after the closure: not recurrent"
SCHOOLRISK_CLOCK=2027-03-02T02:00:00Z run hazard add --by 张三 --school 3701120001 --item D1.2.1 --level major --description y
rc_is 0; err_empty
out_is "hazard 5 opened (登记): 重大隐患 at 3701120001 历城区山区小学
major hazard: flagged for city supervision (挂牌督办)"
[ -z "$(q "SELECT recurrent_of FROM hazards WHERE id = 5")" ] || fail "recurrent_of is set"
end

# ------------------------------------------------------------ list
begin "hazards list: the ledger as a table"
run hazards list --today 2026-03-13
rc_is 0; err_empty
cat >"$T/exp" <<'EOF'
ID  SCHOOL      NAME            DISTRICT  ITEM    LEVEL     STATUS  FOUND       RESPONSIBLE  DEADLINE    OVERDUE  FLAGS
1   3701020001  历下区实验小学  历下区    D1.2.1  一般隐患  已销号  2026-03-01  王五         2026-03-12  -        -
2   3701120001  历城区山区小学  历城区    -       重大隐患  整改中  2026-02-27  赵工         2026-03-10  3天      挂牌督办
3   3701020001  历下区实验小学  历下区    D1.2.1  一般隐患  登记    2027-03-05  -            -           -        复发(#1)
4   3701120001  历城区山区小学  历城区    D1.2.1  重大隐患  已销号  2026-03-01  赵工         2026-03-01  -        挂牌督办
5   3701120001  历城区山区小学  历城区    D1.2.1  重大隐患  登记    2027-03-02  -            -           -        挂牌督办
5 hazards, 1 overdue as of 2026-03-13
EOF
same "hazards list" "$T/exp" "$T/out"
end

list_ids() { # expected-ids args...
    local want=$1
    shift
    begin "hazards list $*: ids $want"
    run hazards list --json "$@"
    rc_is 0; err_empty
    json "','.join(str(h['id']) for h in j['hazards']) == '$want' and j['count'] == len(j['hazards'])"
    end
}
list_ids "1,2,3,4,5"
list_ids "2,4,5" --district 370112
list_ids "1,3" --district 历下区
list_ids "" --district 370103
list_ids "2,4,5" --school 3701120001
list_ids "3,5" --status open
list_ids "1,4" --status closed
list_ids "2,4,5" --level major
list_ids "5" --level major --status open
list_ids "" --overdue --today 2026-03-10
list_ids "2" --overdue --today 2026-03-11
list_ids "2" --overdue --district 370112 --today 2026-03-11
list_ids "" --overdue --district 370102 --today 2026-03-11

begin "hazards list --json: every field of the ledger"
run hazards list --json --today 2026-03-13
rc_is 0
json 'j["today"] == "2026-03-13" and j["count"] == 5 and j["overdue"] == 1'
json 'j["hazards"][1]["days_overdue"] == 3 and j["hazards"][1]["supervised"] is True and j["hazards"][1]["responsible"] == "赵工"'
json 'j["hazards"][2]["recurrent"] is True and j["hazards"][2]["recurrent_of"] == 1 and j["hazards"][2]["recurrent_of_closed_on"] == "2026-03-05"'
json 'j["hazards"][0]["status_label"] == "已销号" and j["hazards"][0]["school_name"] == "历下区实验小学" and j["hazards"][0]["district"] == "370102"'
json 'all(set(h) >= {"id","school","school_name","district","district_name","item","level","status","status_label","found_on","responsible","deadline","days_overdue","supervised","recurrent"} for h in j["hazards"])'
end

begin "hazards list with nothing matching"
run hazards list --district 市中区
rc_is 0; err_empty
out_is "0 hazards, 0 overdue as of 2026-03-01"
end

begin "hazard list is the same as hazards list"
run hazard list --status open
rc_is 0
out_lines 4
end

begin "hazards list: unknown district"
run hazards list --district 泉城区
rc_is 1; out_empty
err_is "schoolrisk: error: no district '泉城区' (give its code, such as 370102, or its name, such as 历下区)"
end

begin "hazards list: unknown school"
run hazards list --school 1234567890
rc_is 1
err_is "schoolrisk: error: no school with code '1234567890' in the registry"
end

begin "hazards list: unknown status"
run hazards list --status done
rc_is 2
err_is "schoolrisk: error: --status takes open 登记, rectifying 整改中, submitted 已整改待复查 or closed 已销号, not 'done'"
end

begin "hazards list: bad --today"
run hazards list --today 2026-02-30
rc_is 2
err_is "schoolrisk: error: --today expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '2026-02-30'"
end

begin "hazards list: the values as the bureau writes them (--status 整改中, --level 重大, --today 2026年3月13日)"
run hazards list --status rectifying --level major --today 2026-03-13
cp "$T/out" en.out
run hazards list --status 整改中 --level 重大 --today 2026年3月13日
rc_is 0; err_empty
same stdout en.out "$T/out"
out_has "1 hazard, 1 overdue as of 2026-03-13"
run hazards list --status 已销号 --level 一般隐患 --today 2026/3/13 --json
rc_is 0
json '[h["id"] for h in j["hazards"]] == [1] and j["today"] == "2026-03-13"'
end

begin "hazards list: an unknown level names the option and the accepted forms"
run hazards list --level 较大
rc_is 2; out_empty
err_is "schoolrisk: error: --level takes general 一般 or major 重大, not '较大'"
end

# ------------------------------------------------------------ evidence, concurrency
begin "submit with a directory as evidence: refused"
run hazard add --by 张三 --school 3701020001 --level general --description "走廊灯损坏"
rc_is 0
out_is "hazard 6 opened (登记): 一般隐患 at 3701020001 历下区实验小学"
run hazard assign 6 --by 王科长 --responsible 赵工 --deadline 2026-03-10
rc_is 0
unchanged hazard submit 6 --by 赵工 --note x --evidence "$T"
rc_is 1; out_empty
err_is "schoolrisk: error: --evidence '$T' is a directory: name a file, or give a text"
end

begin "two reviewers verify at the same moment: one closes it, the other is told"
"$BIN" hazard submit 6 --by 赵工 --note "围墙已修复" --evidence "$T/no-such-photo.jpg" >/dev/null || fail "submit failed"
[ "$(q "SELECT evidence FROM hazard_events WHERE hazard = 6 AND to_status = 'submitted'")" = "$T/no-such-photo.jpg" ] ||
    fail "a path that is not a file is not kept as text"
n0=$(q "SELECT count(*) FROM hazard_events")
"$BIN" hazard verify 6 --by 甲 >"$T/v1.out" 2>"$T/v1.err" & p1=$!
"$BIN" hazard verify 6 --by 乙 >"$T/v2.out" 2>"$T/v2.err" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $((r1 + r2)) -eq 1 ] || fail "exit codes $r1 and $r2, expected one 0 and one 1"
cat "$T/v1.err" "$T/v2.err" >"$T/verr"
grep -Eq "^schoolrisk: error: hazard 6 is closed \(已销号\): no further steps are allowed$" "$T/verr" ||
    fail "the second reviewer was not told: $(cat "$T/verr")"
[ "$(q "SELECT count(*) FROM hazard_events")" = $((n0 + 1)) ] || fail "not exactly one event was added"
[ "$(q "SELECT status FROM hazards WHERE id = 6")" = closed ] || fail "hazard 6 is not closed"
end

# ------------------------------------------------------------ city sign-off
# hazard 7: a major hazard (挂牌督办) through the district's review and
# the city's sign-off; hazard 8: a general one, which no sign-off concerns.
"$BIN" hazard add --by 张三 --school 3701020001 --level major --description "配电室无防护" >/dev/null &&
    "$BIN" hazard assign 7 --by 王科长 --responsible 赵工 --deadline 2026-03-20 >/dev/null &&
    "$BIN" hazard submit 7 --by 赵工 --note "配电室已加装防护栏" >/dev/null &&
    "$BIN" hazard add --by 张三 --school 3701020001 --level general --description "楼梯扶手松动" >/dev/null &&
    "$BIN" hazard assign 8 --by 王科长 --responsible 赵工 --deadline 2026-03-20 >/dev/null &&
    "$BIN" hazard submit 8 --by 赵工 --note "已紧固" >/dev/null || echo "FAIL cannot prepare hazards 7 and 8"

begin "signoff before the district's review: refused"
unchanged hazard signoff 7 --by 市教育局
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 7 has not passed the district's review (复查) yet: the district verifies it ('hazard verify') before the city signs it off"
end

begin "signoff of a general hazard: refused, its review closes it"
unchanged hazard signoff 8 --by 市教育局
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 8 is a general hazard: it is not under city supervision (挂牌督办), and the district's review ('hazard verify') closes it"
end

begin "verify a major hazard: the district's review, it waits for the city"
run hazard verify 7 --by 王科长 --note "复查合格"
rc_is 0; err_empty
out_is "hazard 7 passed the district's review (复查通过) on 2026-03-01; under city supervision (挂牌督办) it stays submitted (已整改待复查) and waits for the city's sign-off ('hazard signoff', by someone other than 赵工 and 王科长)"
[ "$(q "SELECT status, reviewed_by, reviewed_on, CAST(closed_on IS NULL AS INTEGER) FROM hazards WHERE id = 7")" = "submitted|王科长|2026-03-01|1" ] ||
    fail "row is '$(q "SELECT status, reviewed_by, reviewed_on, CAST(closed_on IS NULL AS INTEGER) FROM hazards WHERE id = 7")'"
end

begin "verify a reviewed major hazard again: refused"
unchanged hazard verify 7 --by 赵主任
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 7 passed the district's review by '王科长' and waits for the city's sign-off (市级挂牌督办销号: 'hazard signoff')"
end

begin "assign a reviewed major hazard: refused, naming the sign-off"
unchanged hazard assign 7 --by 王科长 --responsible 李四 --deadline 2026-03-20
rc_is 1
err_is "schoolrisk: error: hazard 7 is submitted (已整改待复查): it passed the district's review and can be signed off ('hazard signoff') or rejected ('hazard reject'), not assigned"
end

begin "show: the review and the sign-off it waits for"
run hazard show 7
rc_is 0; err_empty
out_has "status       已整改待复查"
out_has "submitted by 赵工"
out_has "reviewed by  王科长 on 2026-03-01 (the district's review, 复查)"
out_has "sign-off     waiting for the city's sign-off (待市级销号: 'hazard signoff')"
out_has "  2026-03-01T02:00:00Z  王科长  已整改待复查 -> 已整改待复查"
run hazard show 7 --json
rc_is 0
json 'j["awaiting_signoff"] is True and j["reviewed_by"] == "王科长" and j["reviewed_on"] == "2026-03-01" and j["status"] == "submitted" and j["closed_on"] is None'
json 'j["events"][-1]["from"] == "submitted" and j["events"][-1]["to"] == "submitted" and j["events"][-1]["note"] == "复查合格"'
end

begin "hazards list --awaiting-signoff: the ledger of what waits for the city"
run hazards list --awaiting-signoff --today 2026-03-01
rc_is 0; err_empty
cat >"$T/exp" <<'EOF'
ID  SCHOOL      NAME            DISTRICT  ITEM  LEVEL     STATUS        FOUND       RESPONSIBLE  DEADLINE    OVERDUE  FLAGS
7   3701020001  历下区实验小学  历下区    -     重大隐患  已整改待复查  2026-03-01  赵工         2026-03-20  -        挂牌督办 待市级销号
1 hazard, 0 overdue as of 2026-03-01
EOF
same "hazards list --awaiting-signoff" "$T/exp" "$T/out"
run hazards list --json --status submitted
rc_is 0
json '[(h["id"], h["awaiting_signoff"], h["reviewed_by"]) for h in j["hazards"]] == [(7, True, "王科长"), (8, False, None)]'
end

begin "four eyes: who submitted cannot sign off"
unchanged hazard signoff 7 --by 赵工
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 7: the rectification was submitted by '赵工', so '赵工' cannot sign it off; the city's sign-off (销号) must be given by someone else (four eyes)"
end

begin "four eyes: who reviewed cannot sign off"
unchanged hazard signoff 7 --by 王科长
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 7: '王科长' passed the district's review, so the city's sign-off must be given by someone else (four eyes)"
end

begin "signoff by the city: closed"
SCHOOLRISK_CLOCK=2026-03-06T02:00:00Z run hazard signoff 7 --by 市教育局 --note "同意销号"
rc_is 0; err_empty
out_is "hazard 7 is now closed (已销号) on 2026-03-06: signed off by the city (市级挂牌督办销号) after the district's review by 王科长 on 2026-03-01"
[ "$(q "SELECT status, closed_on, reviewed_by FROM hazards WHERE id = 7")" = "closed|2026-03-06|王科长" ] ||
    fail "row is '$(q "SELECT status, closed_on, reviewed_by FROM hazards WHERE id = 7")'"
[ "$(q "SELECT from_status, to_status, by, note FROM hazard_events WHERE hazard = 7 ORDER BY id DESC LIMIT 1")" = "submitted|closed|市教育局|同意销号" ] ||
    fail "last event is '$(q "SELECT from_status, to_status, by, note FROM hazard_events WHERE hazard = 7 ORDER BY id DESC LIMIT 1")'"
end

begin "signoff a closed hazard: refused"
unchanged hazard signoff 7 --by 市教育局
rc_is 1; out_empty
err_is "schoolrisk: error: hazard 7 is closed (已销号): no further steps are allowed"
end

begin "signoff without an id, and of no hazard"
run hazard signoff --by 市教育局
rc_is 2
err_line 1 "schoolrisk: error: the hazard id is required"
unchanged hazard signoff 99 --by 市教育局
rc_is 1
err_is "schoolrisk: error: no hazard 99"
end

begin "verify a general hazard still closes it"
run hazard verify 8 --by 王科长
rc_is 0; err_empty
out_is "hazard 8 is now closed (已销号) on 2026-03-01"
end

begin "after all of the above the audit chain verifies"
run audit verify
rc_is 0
[ "$(q "SELECT count(*) FROM audit WHERE kind = 'hazard_event'")" = "$(q "SELECT count(*) FROM hazard_events")" ] ||
    fail "events and audit records differ in number"
end

# ------------------------------------------------------------ usage
begin "hazard show 99: no such hazard"
run hazard show 99
rc_is 1; out_empty
err_is "schoolrisk: error: no hazard 99"
end

begin "hazard verify 99: no such hazard"
unchanged hazard verify 99 --by x
rc_is 1
err_is "schoolrisk: error: no hazard 99"
end

for bad in abc 0 -3 1x; do
    begin "hazard show '$bad': not an id"
    run hazard show -- "$bad"
    rc_is 2
    err_is "schoolrisk: error: a hazard id is a positive whole number, not '$bad'"
    end
done

begin "hazard show without an id"
run hazard show
rc_is 2
err_line 1 "schoolrisk: error: the hazard id is required"
end

begin "hazard without a command"
run hazard
rc_is 2
err_line 1 "schoolrisk: error: missing command: show, add, assign, submit, verify, signoff, reject or list"
end

begin "hazard with an unknown command"
run hazard close 1
rc_is 2
err_line 1 "schoolrisk: error: unknown hazard command 'close'"
end

begin "hazards without list"
run hazards
rc_is 2
err_line 1 "schoolrisk: error: missing command: use 'schoolrisk hazards list'"
end

begin "an unknown option"
run hazard verify 1 --force
rc_is 2
err_line 1 "schoolrisk: error: unknown option '--force'"
end

begin "an option without its value"
run hazard reject 1 --reason
rc_is 2
err_line 1 "schoolrisk: error: option '--reason' needs a value"
end

begin "add and assign with the level and dates as the bureau writes them"
run hazard add --by 张三 --school 3701020001 --level 重大 --description "消防通道堵塞" --found-on 2026年2月28日
rc_is 0; err_empty
ID=$(sed -n 's/^hazard \([0-9]*\) opened.*/\1/p' "$T/out")
out_has "hazard $ID opened (登记): 重大隐患 at 3701020001 历下区实验小学"
run hazard assign "$ID" --by 王科长 --responsible 赵工 --deadline 2026/3/20
rc_is 0; err_empty
out_has "hazard $ID is now rectifying (整改中): responsible 赵工, deadline 2026-03-20"
run hazard show "$ID" --json
json 'j["level"] == "major" and j["found_on"] == "2026-02-28" and j["deadline"] == "2026-03-20"'
end

begin "assign: a deadline that is no date names the option and the accepted forms"
run hazard assign 1 --by 王科长 --responsible 赵工 --deadline 2026-3-32
rc_is 2; out_empty
err_is "schoolrisk: error: --deadline expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '2026-3-32'"
end

begin "a missing database: exit 4, nothing created"
run hazards list --db "$T/none.db"
rc_is 4
err_is "schoolrisk: error: cannot open database '$T/none.db': unable to open database file (run 'schoolrisk init' to create it)"
[ ! -e "$T/none.db" ] || fail "the database was created"
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
check_help "usage: schoolrisk hazard <command> [options] [--db PATH] [--by NAME]" hazard --help
check_help "usage: schoolrisk hazards list [--district D] [--school CODE]" hazards --help
check_help "usage: schoolrisk hazards list [--district D] [--school CODE]" hazards list -h
check_help "usage: schoolrisk hazard show ID [--today DATE] [--json] [--db PATH]" hazard show --help
check_help "usage: schoolrisk hazard add --school CODE [--item ITEM]" hazard add --help
check_help "usage: schoolrisk hazard assign ID --responsible NAME --deadline DATE" hazard assign --help
check_help "usage: schoolrisk hazard submit ID --note TEXT [--evidence FILE-or-TEXT]" hazard submit --help
check_help "usage: schoolrisk hazard verify ID [--note TEXT] [--db PATH] [--by NAME]" hazard verify --help
check_help "usage: schoolrisk hazard reject ID --reason TEXT [--db PATH] [--by NAME]" hazard reject --help
check_help "usage: schoolrisk hazard signoff ID [--note TEXT] [--db PATH] [--by NAME]" hazard signoff --help

finish
