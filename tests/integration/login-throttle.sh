#!/bin/sh
# Failed logins slow guessing down without locking the owner out. Ten
# addresses (127.0.0.2-11: all of 127/8 is loopback) send three wrong
# passwords each for alice at the same moment: every guess counts when it
# starts, so beyond the free ones they are held (NOTE LOGIN SLOWED), not
# all checked at once, and none is refused. Then alice logs in from an
# address that has not been failing at once, and a guess held on an
# address that has been failing is checked when its wait is over.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-throttle.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
pids=
trap 'for p in $pids; do kill -KILL "$p" 2>/dev/null; done; chatd_cleanup' EXIT
trap 'exit 1' HUP INT TERM

echo "1..6"
printf 'server-name chatd.test\nmotd-file /dev/null\n' >"$tmp/chatd.conf"
chatd_start || bail "chatd did not start"

cat >"$tmp/reg.chat" <<'EOT'
a> NICK alice
a> USER alice 0 * :Alice
a~ :chatd.test 376 alice :*
a> REGISTER * * alices-password
a~ :chatd.test REGISTER SUCCESS alice :*
b> NICK bob
b> USER bob 0 * :Bob
b~ :chatd.test 376 bob :*
b> REGISTER * * bobs-password
b~ :chatd.test REGISTER SUCCESS bob :*
EOT
chat_ok "alice and bob registered" "$tmp/reg.chat"

# 10 addresses x 3 connections, all at once; each waits 3 s for answers.
for a in 2 3 4 5 6 7 8 9 10 11; do
	for k in 1 2 3; do
		{
			printf 'NICK m%s_%s\r\nUSER m 0 * :M\r\n' "$a" "$k"
			printf 'LOGIN alice wrong-%s-%s\r\n' "$a" "$k"
			sleep 3
			printf 'QUIT\r\n'
		} | timeout 20 nc -N -s "127.0.0.$a" 127.0.0.1 "$port" \
		    >"$tmp/guess.$a.$k" 2>&1 &
		pids="$pids $!"
	done
done
for p in $pids; do wait "$p"; done
pids=
checked=$(cat "$tmp"/guess.* | grep -c 'FAIL LOGIN INVALID_CREDENTIALS')
held=$(cat "$tmp"/guess.* | grep -c 'NOTE LOGIN SLOWED')
refused=$(cat "$tmp"/guess.* | grep -c 'RATE_LIMITED')
# Free: the first guess of each address (10), then 10 from the account's
# shared budget for failing addresses.
[ "$checked" -le 21 ] && [ "$held" -ge 9 ] && [ "$refused" -eq 0 ]
ok $? "30 guesses at once: $checked checked, $held held, $refused refused"

cat >"$tmp/owner.chat" <<'EOT'
o> NICK alice
o> USER alice 0 * :Alice
o~ :chatd.test 376 alice :*
o< :chatd.test NOTICE alice :The nick alice is registered*
o> LOGIN alice alices-password
o< :chatd.test 900 alice * alice :You are now logged in as alice
EOT
chat_ok "the owner logs in at once from an address that was not failing" \
    "$tmp/owner.chat" -t 3000

# One address fails three times at bob; its fourth try, the right
# password, waits out the 15 s and then succeeds.
cat >"$tmp/held.chat" <<'EOT'
set timeout 25000
h> NICK bobby
h> USER bob 0 * :Bob
h~ :chatd.test 376 bobby :*
h> LOGIN bob wrong-1
h< :chatd.test FAIL LOGIN INVALID_CREDENTIALS :*
h> LOGIN bob wrong-2
h< :chatd.test FAIL LOGIN INVALID_CREDENTIALS :*
h> LOGIN bob wrong-3
h< :chatd.test FAIL LOGIN INVALID_CREDENTIALS :*
h> LOGIN bob bobs-password
h< :chatd.test NOTE LOGIN SLOWED :Too many failed logins: your login is checked in 15 seconds
h> PING :still-here
h< :chatd.test 900 bobby * bob :You are now logged in as bob
h< :chatd.test PONG chatd.test :still-here
EOT
chat_ok "a held guess is checked when its wait is over" "$tmp/held.chat"
start=$(grep -c 'held 15s by the throttle' "$tmp/chatd.log")
[ "$start" -ge 1 ]
ok $? "the log says when a login is held"
chatd_finish
