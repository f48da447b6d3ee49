#!/bin/sh
# Reloading the configuration (SIGHUP, as REHASH does) announces changed
# capability values to cap-notify clients: the tic-tac-toe limits are in
# the chatd/ttt value, so a new ttt-invite-timeout gives CAP NEW. A CAP
# LS 302 client (cap-notify implied) sees the value; a client that asked
# for cap-notify without 302 sees the name only; others see nothing.
# An operator's REHASH of a broken file fails and keeps the old settings.

set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-rehash.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
talk_pid=
trap '[ -z "$talk_pid" ] || kill -KILL "$talk_pid" 2>/dev/null; chatd_cleanup' \
    EXIT
trap 'exit 1' HUP INT TERM

conf()
{
	printf 'server-name chatd.test\nmotd-file /dev/null\n'
	printf 'ttt-invite-timeout %s\n' "$1"
	# The password is "opensesame".
	printf 'oper root %s%s\n' '$argon2id$v=19$m=19456,t=2,p=1$' \
	    'jiEyhezdpmmXxdZz6h0J6A$TMoLloGhcU3pURs17aGnG0wT4qNekAUnpctwGnKOkCY'
}

echo "1..5"
conf 300 >"$tmp/chatd.conf"
chatd_start
ok $? "chatd started"

cat >"$tmp/talk.chat" <<'EOF'
set timeout 20000
n> CAP LS 302
n< :chatd.test NOTICE \* :*
n~ :chatd.test CAP \* LS * chatd/ttt=invite=300,* *
n> NICK neo
n> USER neo 0 * :Neo
n> CAP END
n~ :chatd.test 376 neo :*
o> CAP REQ cap-notify
o< :chatd.test NOTICE \* :*
o< :chatd.test CAP \* ACK :cap-notify
o> NICK old
o> USER old 0 * :Old
o> CAP END
o~ :chatd.test 376 old :*
p> NICK pip
p> USER pip 0 * :Pip
p~ :chatd.test 376 pip :*
# Here the test reloads chatd with ttt-invite-timeout 100.
n< :chatd.test CAP neo NEW :chatd/ttt=invite=100,grace=60,games=*
o< :chatd.test CAP old NEW :chatd/ttt
n> CAP LS 302
n< :chatd.test CAP neo LS * :* chatd/ttt=invite=100,* *
# pip never asked for cap-notify: nothing.
p> PING :sync
p< :chatd.test PONG chatd.test :sync
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/talk.chat" >"$tmp/talk.tap" 2>&1 &
talk_pid=$!

# pip registers last: by then the others have set up their capabilities.
wait_log 'client pip registered'
rc=$?
if [ $rc -eq 0 ]; then
	conf 100 >"$tmp/chatd.conf"
	kill -HUP "$chatd_pid"
fi
ok $rc "clients registered; chatd reloaded"
wait "$talk_pid"
rc=$?
talk_pid=
ok $rc "cap-notify clients got CAP NEW with the new value"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/talk.tap"

# Break the file; REHASH says why and the old settings stay.
echo "flood-rate lots" >>"$tmp/chatd.conf"
cat >"$tmp/oper.chat" <<'EOF'
q> NICK quin
q> USER quin 0 * :Quin
q~ :chatd.test 376 quin :*
q> OPER root opensesame
q~ :chatd.test 381 quin :*
q> REHASH
q< :chatd.test 382 quin chatd.conf :Rehashing
q< :chatd.test FAIL REHASH CONFIG_ERROR :Kept the old configuration: *flood-rate*
q> CAP LS 302
q< :chatd.test CAP quin LS * :* chatd/ttt=invite=100,* *
EOF
"$CHAT_EXPECT" -P -p "$port" "$tmp/oper.chat" >"$tmp/oper.tap" 2>&1
rc=$?
ok $rc "REHASH of a broken file fails with FAIL and keeps the settings"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/oper.tap"

chatd_finish
