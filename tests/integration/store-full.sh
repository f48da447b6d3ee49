#!/bin/sh
# A full database: with store-max-size 1 chatd.db cannot grow past its
# size at start, the same as a full disk. store-load registers accounts
# and sends offline messages until writes fail: they must fail with a
# clear FAIL, every acknowledged item must be in the database, nothing
# unacknowledged may be (no half-written registrations or messages), the
# integrity check must pass and chatd must go on chatting.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir, top_builddir
# (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-full.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
cat >"$tmp/chatd.conf" <<'EOT'
server-name chatd.test
trusted-host 127.0.0.1
store-max-size 1
max-offline 100000
EOT
chatd_start || bail "chatd did not start"

"$load" -p "$port" -t f -n 40 -m 4 -T 30 >"$tmp/acked" 2>"$tmp/load.err"
na=$(grep -c '^A ' "$tmp/acked")
nm=$(grep -c '^M ' "$tmp/acked")
nfail=$(grep -c 'database or disk is full' "$tmp/chatd.log")
[ "$na" -lt 40 ] || [ "$nm" -lt 160 ]
ok $? "writes failed once the database was full ($na of 40 accounts," \
    "$nm of 160 messages acknowledged)"

cat >"$tmp/chat.chat" <<'EOT'
a> NICK al
a> USER al 0 * :Al
a~ :chatd.test 001 al *
a>* 20 PRIVMSG a_f_0 :yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy {i}
a~ :chatd.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE a_f_0 :a_f_0 is offline and the message could not be stored (database or disk is full)
c> NICK cy
c> USER cy 0 * :Cy
c~ :chatd.test 001 cy *
c> PRIVMSG al :still chatting
a~ :cy!cy@127.0.0.1 PRIVMSG al :still chatting
EOT
chat_ok "messages to store get FAIL ... full; the chat goes on" "$tmp/chat.chat"

chatd_stop
rc=$?
db="$tmp/chatd.db"
fa=$(sqlite3 "$db" "SELECT count(*) FROM account WHERE fold LIKE 'a_f_%';")
fm=$(sqlite3 "$db" "SELECT count(*) FROM offline WHERE text LIKE 'm-%';")
fam=$(sqlite3 "$db" "SELECT count(*) FROM account WHERE fold IN \
    ($(awk '$1 == "A" { printf "%s'\''%s'\''", s, $2; s = "," }' \
    "$tmp/acked"));")
fmm=$(sqlite3 "$db" "SELECT count(*) FROM offline WHERE text IN \
    ($(awk '$1 == "M" { printf "%s'\''%s'\''", s, $3; s = "," }' \
    "$tmp/acked"));")
[ "$fa" = "$na" ] && [ "$fam" = "$na" ] && [ "$fm" = "$nm" ] &&
    [ "$fmm" = "$nm" ]
ok $? "exactly the acknowledged rows are stored: $fa accounts ($fam" \
    "acknowledged) and $fm messages ($fmm acknowledged) of $na and $nm"
integrity=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
[ $rc -eq 0 ] && [ "$integrity" = ok ]
clean=$?
ok $clean "clean exit (status $rc), integrity: $integrity"
[ $clean -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
