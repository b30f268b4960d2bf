#!/usr/bin/env bash
# Extract every message marked for translation (_("...") and N_("..."))
# from the C sources into po/schoolrisk.pot, and merge it into
# po/zh_CN.po: new messages appear untranslated (msgstr ""), changed
# ones as fuzzy, for the translator to fill in.  tests/cli/test_i18n.sh
# fails while any message is untranslated or fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
    --add-comments=TRANSLATORS: --sort-by-file --no-wrap \
    --package-name=schoolrisk --msgid-bugs-address= \
    -o po/schoolrisk.pot \
    src/*.c src/store/*.c src/web/*.c src/cli/*.c
msgmerge --quiet --update --backup=none --no-wrap --no-fuzzy-matching \
    po/zh_CN.po po/schoolrisk.pot
msgfmt --check --statistics -o /dev/null po/zh_CN.po
