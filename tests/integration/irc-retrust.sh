#!/bin/sh
# A reload re-reads trusted-host for clients already connected: one whose
# address is no longer trusted comes under flood control at once (a flood
# ends in "Excess Flood"), and one whose address became trusted leaves it.

set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-retrust.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
talk_pid=
trap '[ -z "$talk_pid" ] || kill -KILL "$talk_pid" 2>/dev/null; chatd_cleanup' \
    EXIT
trap 'exit 1' HUP INT TERM

# trusted-host $1 (none if empty); ttt-invite-timeout $2 changes the
# chatd/ttt capability value, so cap-notify clients see each reload.
conf()
{
	printf 'server-name chatd.test\nmotd-file /dev/null\n'
	printf 'flood-burst 5\nflood-rate 1\nrecvq 4096\n'
	printf 'ttt-invite-timeout %s\n' "$2"
	[ -z "$1" ] || printf 'trusted-host %s\n' "$1"
}

# Reload chatd with conf $1 $2 once the log shows $3.
reload_after()
{
	wait_log "$3" || return 1
	conf "$1" "$2" >"$tmp/chatd.conf"
	kill -HUP "$chatd_pid"
}

echo "1..5"
conf '127.0.0.*' 300 >"$tmp/chatd.conf"
chatd_start
ok $? "chatd started, 127.0.0.* trusted"

# Trusted: a burst of 200 passes. Then the trust is withdrawn (the test
# reloads when it sees "client zed registered"), and the next burst is a
# flood.
cat >"$tmp/untrust.chat" <<'EOF'
set timeout 20000
a> NICK tia
a> USER tia 0 * :Tia
a~ :chatd.test 376 tia :*
b> NICK tom
b> USER tom 0 * :Tom
b~ :chatd.test 376 tom :*
a>* 200 PRIVMSG tom :trusted {i}
b~ :tia!*@* PRIVMSG tom :trusted 200
a> PING :still-trusted
a< :chatd.test PONG chatd.test :still-trusted
z> CAP LS 302
z> NICK zed
z> USER zed 0 * :Zed
z> CAP END
z~ :chatd.test 376 zed :*
z~ :chatd.test CAP zed NEW :chatd/ttt=invite=100,*
a> PING :reloaded
a< :chatd.test PONG chatd.test :reloaded
a>* 2000 PRIVMSG tom :flood {i}
a~ ERROR :Closing Link: * (Excess Flood)
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/untrust.chat" >"$tmp/untrust.tap" \
    2>&1 &
talk_pid=$!
reload_after '' 100 'client zed registered'
ok $? "reloaded without trusted-host"
wait "$talk_pid"
rc=$?
talk_pid=
ok $rc "a client no longer trusted is cut for Excess Flood"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/untrust.tap"

# Untrusted now; trust comes back for the connected client.
cat >"$tmp/trust.chat" <<'EOF'
set timeout 20000
c> NICK cal
c> USER cal 0 * :Cal
c~ :chatd.test 376 cal :*
d> NICK dee
d> USER dee 0 * :Dee
d~ :chatd.test 376 dee :*
y> CAP LS 302
y> NICK yan
y> USER yan 0 * :Yan
y> CAP END
y~ :chatd.test 376 yan :*
y~ :chatd.test CAP yan NEW :chatd/ttt=invite=200,*
c>* 2000 PRIVMSG dee :trusted again {i}
d~ :cal!*@* PRIVMSG dee :trusted again 2000
c> PING :done
c< :chatd.test PONG chatd.test :done
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/trust.chat" >"$tmp/trust.tap" 2>&1 &
talk_pid=$!
reload_after '127.0.0.*' 200 'client yan registered'
rc=$?
wait "$talk_pid"
talk_rc=$?
[ $rc -ne 0 ] || rc=$talk_rc
talk_pid=
ok $rc "a client whose address became trusted may send 2000 lines at once"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/trust.tap"

chatd_finish
