#!/bin/sh
# A flooder against a full store: with store-max-size 1 the database
# cannot grow, and a trusted client (no flood control) floods a group with
# history. Its messages are still delivered, the sender is told with WARN
# that they are not kept, and the log carries the store's failure a few
# times, not once per message.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-bound.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
cat >"$tmp/chatd.conf" <<'EOT'
server-name chatd.test
motd-file /dev/null
trusted-host 127.0.0.1
store-max-size 1
history-days 30
EOT
chatd_start || bail "chatd did not start"

text=$(printf '%0400d' 0 | tr 0 z)
cat >"$tmp/flood.chat" <<EOT
set timeout 30000
a> NICK al
a> USER al 0 * :Al
a~ :chatd.test 376 al :*
a> JOIN #big
a~ :chatd.test 366 al #big :*
b> NICK bo
b> USER bo 0 * :Bo
b~ :chatd.test 376 bo :*
b> JOIN #big
b~ :chatd.test 366 bo #big :*
a>* 3000 PRIVMSG #big :$text {i}
b~ :al!al@127.0.0.1 PRIVMSG #big :$text 3000
# A query goes through the store after the writes: once it is answered,
# the store has said it is full.
b> HISTORY #big 1
b~ :chatd.test NOTICE bo :\\*\\*\\* End of history of #big
a> PRIVMSG #big :one more
a~ :chatd.test WARN PRIVMSG HISTORY_FULL :The server's storage is full*
b~ :al!al@127.0.0.1 PRIVMSG #big :one more
a> PING :done
a~ :chatd.test PONG chatd.test :done
EOT
chat_ok "the flood is delivered; the sender hears that history is full" \
    "$tmp/flood.chat" -T 120

nfull=$(grep -c 'database or disk is full' "$tmp/chatd.log")
[ "$nfull" -ge 1 ] && [ "$nfull" -le 5 ]
ok $? "the store's failure is logged $nfull times (at most 5), not per message"
size=$(cat "$tmp/chatd.db" "$tmp/chatd.db-wal" 2>/dev/null | wc -c)
[ "$size" -le 1048576 ]
ok $? "chatd.db stayed small ($size bytes)"
chatd_finish
