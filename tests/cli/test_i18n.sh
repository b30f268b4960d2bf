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
"$BIN" init --db x.db --no-indicators >/dev/null
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" hazard show 99 --db x.db \
    >"$T/out" 2>"$T/err"
RC=$?
rc_is 1
grep -q '隐患' "$T/err" || fail "stderr: $(cat "$T/err")"
end

begin "and English under C.UTF-8"
LANGUAGE= "$BIN" hazard show 99 --db x.db >"$T/out" 2>"$T/err"
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
users:add,list,show,passwd,disable,enable,unlock,grant,revoke,totp-reset"
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
"$BIN" users add wang --name 王五 --role admin --db x.db >/dev/null 2>&1
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" users show wang --db x.db >"$T/out" 2>"$T/err"
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
"$BIN" init --db a.db >/dev/null
printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数' \
    '3701020001,济南市历下区第1实验小学,历下区,小学,公办,城区,否,否,是,是,是,1260,0,2' >reg.csv
"$BIN" schools import reg.csv --db a.db >/dev/null
"$BIN" assess new --school 3701020001 --db a.db >/dev/null
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess set 1 D02.01.01 2 --db a.db >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
out_is "已保存 D02.01.01 专职保安员配备数量达到标准：在校生不足100人的不少于1人，100至999人的不少于2人，1000人及以上的不少于3人，此后每增加500人增配1人：2人/应配3人
目前得分：66.67 较大风险，部分得分：已答 1/76 项"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess submit 1 --db a.db >"$T/out" 2>"$T/err"
RC=$?
rc_is 1; out_empty
err_line 1 "schoolrisk: 错误：评估 1 不能提交：75/76 个适用项尚未回答"
err_line 12 "  ……另有 65 项（'assess submit 1 --all' 列出全部）"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" assess show 1 --db a.db >"$T/out" 2>"$T/err"
grep -q '^总分       66.67  较大风险 (橙色)  \[部分得分：已答 1/76 项\]$' "$T/out" ||
    fail "no partial total: $(grep 66.67 "$T/out")"
end

begin "checklist --school-code under zh_CN: the unknown code, in Chinese"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= "$BIN" checklist --system primary --school-code 3701029999 --db a.db >"$T/out" 2>"$T/err"
RC=$?
rc_is 1; out_empty
err_is "schoolrisk: 错误：学校代码“3701029999”不在数据库“a.db”的学校名录中（'schoolrisk schools list' 可列出学校）"
end

finish
