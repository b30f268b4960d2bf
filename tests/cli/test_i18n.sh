#!/usr/bin/env bash
# Messages in Chinese: every message marked for translation in the C
# sources has a Chinese translation in po/zh_CN.po, none fuzzy; the CLI
# follows the locale (also a zh_CN locale that is not installed); the
# service answers in Chinese by default (tests/web/test_session.py).
. "$(dirname "$0")/lib.sh"

begin "every marked message is translated (po/zh_CN.po is complete)"
(cd "$SRC" && xgettext --language=C --from-code=UTF-8 --keyword=_ \
    --keyword=N_ --keyword=C_:1c,2 --no-wrap -o "$T/now.pot" src/*.c src/store/*.c \
    src/web/*.c src/cli/*.c) 2>"$T/err" || fail "xgettext: $(cat "$T/err")"
msgcmp "$SRC/po/zh_CN.po" "$T/now.pot" >"$T/out" 2>&1 ||
    fail "messages without a translation: $(grep -c 'this message is used but not defined' "$T/out") (run scripts/update-po.sh): $(head -c 600 "$T/out")"
msgfmt --check --statistics -o /dev/null "$SRC/po/zh_CN.po" 2>"$T/stat" ||
    fail "msgfmt --check: $(cat "$T/stat")"
grep -Eq 'fuzzy|untranslated' "$T/stat" &&
    fail "the catalogue has fuzzy or untranslated messages: $(cat "$T/stat")"
end

begin "the CLI speaks Chinese under a zh_CN locale, even one not installed"
X=$(newdb x)
"$BIN" init --db "$X" --no-indicators >/dev/null
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" hazard show 99 --db "$X" \
    >"$T/out" 2>"$T/err"
RC=$?
rc_is 1
grep -q '隐患' "$T/err" || fail "stderr: $(cat "$T/err")"
end

begin "and English under C.UTF-8"
LANGUAGE= "$BIN" hazard show 99 --db "$X" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1
grep -q 'no hazard 99' "$T/err" || fail "stderr: $(cat "$T/err")"
end

# Every command's and subcommand's --help under zh_CN: starts "用法：" and
# has no English sentence left.  An English sentence is two English
# words in a row, once the command lines ('schoolrisk users add'), the
# quoted text ('...', "..."), options (--db), placeholders (PATH) and
# names that stay as typed (stage, canteen, ...) are taken out; values
# a user types (open、rectifying) may stay one at a time.
untranslated() { # file: prints each offending line
    "$PY" - "$1" <<'PYEOF'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    t = re.sub(r"schoolrisk( [a-z][a-z-]*){0,2}", " ", line)
    t = re.sub(r"'[^']*'|\"[^\"]*\"", " ", t)
    t = re.sub(r"--?[A-Za-z][A-Za-z-]*|\b[A-Z][A-Za-z0-9_.-]*", " ", t)
    if re.search(r"(?<![\w.$/-])[a-z]{2,}(?:_[a-z]+)* +[a-z]{2,}(?![\w-])", t):
        print(line.rstrip())
PYEOF
}
SUBS="assess:new,set,import,show,list,submit audit:verify,head
hazard:show,add,assign,submit,verify,signoff,reject,list hazards:list
indicators:validate,load,list,show report:district,city,all schools:import,list,show
users:add,list,show,passwd,disable,enable,unlock,grant,revoke,totp-reset
experts:add,update,list,summary bulletin:monthly,quarterly
plan:create,show,list,publish,progress signoff:confirm,district,accept,return,correct,diff,status,show
db:copy"
CMDS=$("$BIN" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
begin "the command list under zh_CN names every command in Chinese"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" --help >"$T/zh" 2>"$T/err"
[ "$(sed -n 1p "$T/zh")" = "用法：schoolrisk <命令> [选项]" ] || fail "first line: $(sed -n 1p "$T/zh")"
[ "$(echo "$CMDS" | wc -l)" -ge 15 ] || fail "commands found in --help: $CMDS"
for c in $CMDS; do
    grep -Pq "^  $c +.*\p{Han}" "$T/zh" || fail "$c has no Chinese summary"
done
untranslated "$T/zh" >"$T/bad"
[ -s "$T/bad" ] && fail "English left: $(head -3 "$T/bad")"
end

for c in $CMDS; do
    subs=$(echo "$SUBS" | tr ' ' '\n' | sed -n "s/^$c://p" | tr , ' ')
    for args in "$c" ${subs:+$(for s in $subs; do printf '%s/%s ' "$c" "$s"; done)}; do
        args=${args//\// }
        begin "schoolrisk $args --help under zh_CN is Chinese"
        LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" $args --help >"$T/zh" 2>"$T/err"
        RC=$?
        rc_is 0
        "$BIN" $args --help >"$T/en" 2>/dev/null
        [ "$(sed -n 1p "$T/zh")" = "$(sed -n 1p "$T/en" | sed 's/^usage: /用法：/;s/<command>/<命令>/;s/\[options\]/[选项]/')" ] ||
            fail "first line: '$(sed -n 1p "$T/zh")'"
        untranslated "$T/zh" >"$T/bad"
        [ -s "$T/bad" ] && fail "English left: $(head -3 "$T/bad")"
        # The checker sees the English text (so that it cannot pass by
        # seeing nothing).
        untranslated "$T/en" >"$T/bad"
        [ -s "$T/bad" ] || fail "the checker finds no English in the English --help"
        end
    done
done

begin "users show's fields are Chinese under zh_CN"
"$BIN" users add wang --name 王五 --role admin --db "$X" >/dev/null 2>&1
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" users show wang --db "$X" >"$T/out" 2>"$T/err"
RC=$?
rc_is 0
sed -n '1,6p' "$T/out" >"$T/got"
printf '%s\n' "登录名：          wang" "编号：            1" "姓名：            王五" \
    "工作单位：        -" "电话：            -" "状态：            正常" >"$T/exp"
same "users show" "$T/exp" "$T/got"
grep -q '^锁定：            否$' "$T/out" || fail "no 锁定 line: $(cat "$T/out")"
grep -q '^第二因素：        未绑定$' "$T/out" || fail "no 第二因素 line"
end

begin "assess under zh_CN: what set saved, the partial score, submit's refusal"
A=$(newdb a)
"$BIN" init --db "$A" >/dev/null
printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数' \
    '3701020001,济南市历下区第1实验小学,历下区,小学,公办,城区,否,否,是,是,是,1260,0,2' >reg.csv
"$BIN" schools import reg.csv --db "$A" >/dev/null
"$BIN" assess new --school 3701020001 --db "$A" >/dev/null
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess set 1 D02.01.01 1 --db "$A" >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
# 1260 pupils: 2 guards required; 1 short x 1.5 of 3 points = 50.00
out_is "已保存 D02.01.01 专职保安员配备数量达到标准：师生员工不足100人的不少于1名，100至1000人的不少于2名，1000人以上的每增加500人增配1名；每少1名扣1.5分：1人/应配2人
目前得分：50.00 重大风险，部分得分：已答 1/110 项"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess submit 1 --db "$A" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1; out_empty
err_line 1 "schoolrisk: 错误：评估 1 不能提交：109/110 个适用项尚未回答"
err_line 12 "  ……另有 99 项（'assess submit 1 --all' 列出全部）"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess show 1 --db "$A" >"$T/out" 2>"$T/err"
grep -q '^总分       50.00  重大风险 (红色)  \[部分得分：已答 1/110 项\]$' "$T/out" ||
    fail "no partial total: $(grep 50.00 "$T/out")"
end

begin "checklist --school-code under zh_CN: the unknown code, in Chinese"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" checklist --system primary --school-code 3701029999 --db "$A" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1; out_empty
err_is "schoolrisk: 错误：学校代码“3701029999”不在数据库“$A”的学校名录中（'schoolrisk schools list' 可列出学校）"
end

# The output of the commands (not only their messages): under zh_CN no
# English sentence is left (the rule of --help above), and the same
# commands under C.UTF-8 show the checker English to find.
session() { # LANG-setting DB: the commands, their stdout and stderr on stdout
    L=$1 D=$2
    sr() { LC_ALL= LANG=$L LANGUAGE= SCHOOLRISK_CLOCK=2026-03-01T02:00:00Z "$BIN" "$@" --db "$D" 2>&1; }
    sr init --no-indicators
    sr indicators load "$IND/primary.xml"
    sr schools import reg.csv
    sr assess new --school 3701020001 --by 张三
    sr users add li --name 李四 --role district --district 历下区
    sr hazard add --by 张三 --school 3701020001 --item D02.01.01 --level general --description 保安不足
    sr hazard assign 1 --by 李四 --responsible 王五 --deadline 2026-03-10 --measures 增配保安
    sr hazard add --by 张三 --school 3701020001 --level major --description 围墙倒塌
    sr hazard assign 2 --by 李四 --responsible 王五 --deadline 2026-03-20
    sr hazard submit 2 --by 王五 --note 已修复 --evidence 照片
    sr hazard verify 2 --by 李四
    sr hazard show 1 --today 2026-03-13
    sr hazard show 2 --today 2026-03-13
    sr hazards list --today 2026-03-13
    sr assess list
    sr users list
    sr schools list
    sr audit verify
    sr backup "$D.bak"
}
begin "the commands' output under zh_CN is Chinese (hazard, audit, backup, the tables)"
# On PostgreSQL backup is refused (in the locale's words): no backup line.
session zh_CN.UTF-8 "$(newdb z)" >"$T/zh"
session C.UTF-8 "$(newdb e)" >"$T/en"
untranslated "$T/zh" >"$T/bad"
[ -s "$T/bad" ] && fail "English left: $(head -5 "$T/bad")"
untranslated "$T/en" >"$T/bad"
[ "$(wc -l <"$T/bad")" -ge 20 ] || fail "the checker finds little English in the English output: $(cat "$T/bad")"
for line in \
    "隐患 1 已登记：一般隐患，3701020001 济南市历下区第1实验小学" \
    "隐患 1 现为 rectifying（整改中）：责任人 王五，整改期限 2026-03-10" \
    "重大隐患：已列入市级挂牌督办" \
    "隐患 2 现为 submitted（已整改待复查）：等待 王五 以外的人员复查" \
    "隐患 2 已于 2026-03-01 通过区县复查（复查通过）；因市级挂牌督办，仍为 submitted（已整改待复查），等待市级销号（'hazard signoff'，须由 王五 和 李四 以外的人员办理）" \
    "隐患 1  一般隐患" \
    "学校：      3701020001  济南市历下区第1实验小学（历下区 370102）" \
    "整改期限：  2026-03-10  已逾期 3 天" \
    "四个100%：  专职保安员配备" \
    "隐患 2  重大隐患  市级挂牌督办" \
    "复查人：    李四，复查日期 2026-03-01（区县复查）" \
    "销号：      待市级销号（'hazard signoff'）" \
    "处理记录（4 条）" \
    "      整改证明：照片" \
    "共 2 项隐患，其中 1 项逾期（截至 2026-03-13）" \
    "  编号  日期        状态    类型      学校           总分  等级       校名" \
    "共 1 个用户" \
    "共 1 所学校" \
    "已授予角色 district（区县） 370102 历下区，授权编号 1"; do
    grep -qxF -- "$line" "$T/zh" || fail "no line '$line'"
done
grep -Eqx '编号  学校        校名 +区县    检查项 +级别 +状态 +发现日期 +责任人 +整改期限 +逾期  标记' "$T/zh" ||
    fail "hazards list heading: $(grep '^编号' "$T/zh")"
grep -Eqx '登录名  姓名  角色 +状态' "$T/zh" || fail "users list heading: $(grep '^登录名' "$T/zh")"
grep -Eqx ' +1  2026-03-01  草稿    督导检查  3701020001 +-  +济南市历下区第1实验小学' "$T/zh" ||
    fail "assess list row: $(grep -A1 '^  编号' "$T/zh")"
grep -Eqx '标识码 +名称 +区县 +学段 +在校生  属性' "$T/zh" || fail "schools list heading"
grep -Eqx '审计链完整：[0-9]+ 条记录，链头 [0-9a-f]{64}' "$T/zh" || fail "no audit verify line"
if on_pg; then
    grep -qxF "schoolrisk: 错误：无法备份 PostgreSQL 数据库：请用“schoolrisk db copy”复制" "$T/zh" ||
        fail "no backup refusal: $(grep -F 'PostgreSQL' "$T/zh")"
else
    grep -Eqx '已将“[^”]*/z\.db”备份到“[^”]*/z\.db\.bak”：[0-9]+ 页（[0-9]+\.[0-9] (kB|MB)），用时 [0-9]+\.[0-9]{2} 秒，完整性检查通过' "$T/zh" ||
        fail "no backup line: $(grep z.db.bak "$T/zh")"
fi
# The columns line up: the heading's columns start where the rows' do.
"$PY" - "$T/zh" <<'PYEOF' || fail "hazards list columns do not line up"
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("编号  学校"))
def starts(l):  # display columns where a cell begins
    out, col, prev = [], 0, " "
    for c in l:
        if c != " " and prev == " ":
            out.append(col)
        col += w(c); prev = c
    return out
head, row = starts(lines[i]), starts(lines[i + 1])
sys.exit(0 if head == row[:len(head)] else 1)
PYEOF
end

finish
