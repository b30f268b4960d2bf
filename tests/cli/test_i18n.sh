#!/usr/bin/env bash
# Messages in Chinese: every message marked for translation in the C
# sources has a Chinese translation in po/zh_CN.po, none fuzzy; the CLI
# follows the locale (also a zh_CN locale that is not installed); the
# service answers in Chinese by default (tests/web/test_session.py).
. "$(dirname "$0")/lib.sh"

begin "every marked message is translated (po/zh_CN.po is complete)"
(cd "$SRC" && xgettext --language=C --from-code=UTF-8 --keyword=_ \
    --keyword=N_ --no-wrap -o "$T/now.pot" src/*.c src/store/*.c \
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

finish
