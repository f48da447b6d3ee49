#!/bin/sh
# SIGHUP reloads the configuration (a new MOTD shows without a restart,
# a broken file keeps the old settings); SIGTERM sends every client an
# ERROR line and chatd exits with status 0.

set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chatd-sig.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "first message of the day" >"$tmp/motd1"
echo "second message of the day" >"$tmp/motd2"
printf 'server-name chatd.test\nmotd-file %s\n' "$tmp/motd1" \
    >"$tmp/chatd.conf"
chatd_start
ok $? "chatd started"

# A transcript checking the MOTD text, for client $1 expecting $2.
motd()
{
	cat >"$tmp/motd.chat" <<EOT
$1> NICK $1
$1> USER $1 0 * :Tester
$1~ :chatd.test 372 $1 :- $2
$1~ :chatd.test 376 $1 :*
EOT
	"$CHAT_EXPECT" -P -p "$port" "$tmp/motd.chat" >"$tmp/tap" 2>&1
	_rc=$?
	sed 's/^/# /' "$tmp/tap"
	return $_rc
}

motd one "first message of the day"
ok $? "the configured MOTD is sent"

printf 'server-name chatd.test\nmotd-file %s\n' "$tmp/motd2" \
    >"$tmp/chatd.conf"
kill -HUP "$chatd_pid"
wait_log 'configuration reloaded'
ok $? "SIGHUP reloads the configuration"
motd two "second message of the day"
ok $? "the new MOTD is sent after SIGHUP"

printf 'server-name chatd.test\nsendq lots\n' >"$tmp/chatd.conf"
kill -HUP "$chatd_pid"
wait_log 'reload failed, keeping the old configuration'
ok $? "a broken file is refused on SIGHUP"
motd three "second message of the day"
ok $? "... and the old settings stay"

# A client waits for the ERROR line that SIGTERM must send it.
cat >"$tmp/term.chat" <<EOT
stay> NICK stay
stay> USER stay 0 * :Stay
stay~ :chatd.test 376 stay :*
stay> JOIN #last
stay~ :chatd.test 366 stay #last :*
stay~ ERROR :*Server terminating*
stay closed
EOT
"$CHAT_EXPECT" -P -t 10000 -p "$port" "$tmp/term.chat" >"$tmp/tap" 2>&1 &
expect_pid=$!
wait_log 'client stay registered'
ok $? "a client is connected"
sleep 0.2 # let it JOIN; the transcript fails if it is not done in time
chatd_stop
ok $? "SIGTERM: chatd exits with status 0"
wait "$expect_pid"
rc=$?
sed 's/^/# /' "$tmp/tap"
ok $rc "SIGTERM: the client got an ERROR line and was disconnected"
if grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
    "$tmp/chatd.log"; then
	ok 1 "no sanitizer report"
else
	ok 0 "no sanitizer report"
fi
[ $tap_failed = 0 ] || sed 's/^/# /' "$tmp/chatd.log"
echo "1..$tap_n"
