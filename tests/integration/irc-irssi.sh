#!/bin/sh
# A real IRC client against chatd: irssi (driven by expect in a pseudo
# terminal) joins a channel and talks with a raw client (chat-expect).
# Both directions are checked: the raw client must see irssi's JOIN and
# message, and irssi must show (and log) the raw client's message.
# Skipped when irssi or expect is missing.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?}"

if ! command -v irssi >/dev/null 2>&1; then
	echo "1..0 # SKIP irssi is not installed"
	exit 0
fi
if ! command -v expect >/dev/null 2>&1; then
	echo "1..0 # SKIP expect is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-irssi.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
raw_pid=
irssi_pid=

# Kill what is still running, by PID; then lib.sh's cleanup.
cleanup()
{
	for pid in $irssi_pid $raw_pid; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	chatd_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# True while $1 runs (and is not a zombie).
alive()
{
	chatd_alive "$1"
}

# Print a file as TAP diagnostics.
diag_file()
{
	[ -f "$1" ] && sed 's/^/# /' "$1"
}

# The conversation may take this many 50 ms polls at most.
talk_polls=1200

echo "1..5"
printf 'server-name chatd.test\nmotd-file /dev/null\n' >"$tmp/chatd.conf"
chatd_start
rc=$?
ok $rc "chatd listens on port $port"
if [ $rc -ne 0 ]; then
	diag_file "$tmp/chatd.log"
	exit 1
fi

# The raw client: in the channel first, then waits for irssi; it answers
# irssi's message, so irssi may quit once it shows the answer (irssi
# queues its own commands, so quitting earlier could drop its message).
cat >"$tmp/raw.chat" <<'EOF'
set timeout 20000
r> NICK rawuser
r> USER raw 0 * :Raw Client
r~ :chatd.test 376 rawuser :*
r> JOIN #irssi
r~ :chatd.test 366 rawuser #irssi :*
r~ :irssiuser!*@127.0.0.1 JOIN #irssi
r~ :irssiuser!*@* PRIVMSG #irssi :hello from irssi
r> PRIVMSG #irssi :hello from raw
r~ :irssiuser!*@* QUIT :*see you*
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/raw.chat" >"$tmp/raw.tap" 2>&1 &
raw_pid=$!

# irssi: a private home with one server that connects and joins by
# itself and logs what it sees.
mkdir -p "$tmp/irssi" "$tmp/logs"
cat >"$tmp/irssi/config" <<EOF
servers = (
  { address = "127.0.0.1"; chatnet = "chatd"; port = "$port";
    autoconnect = "yes"; }
);
chatnets = {
  chatd = {
    type = "IRC";
    autosendcmd = "/join #irssi";
  };
};
settings = {
  core = {
    nick = "irssiuser"; user_name = "irssi"; real_name = "Irssi Test";
    settings_autosave = "no";
  };
  "fe-common/core" = {
    autolog = "yes";
    autolog_path = "$tmp/logs/\$0.log";
  };
};
EOF
# Speak once irssi has the channel's names ("Total of N nicks"); quit
# once the raw client's message is on the screen. Each wait is bounded.
cat >"$tmp/irssi.exp" <<'EOF'
set timeout 30
set env(TERM) xterm
spawn -noecho irssi --home=[lindex $argv 0]
set joined 0
set heard 0
while {!($joined && $heard)} {
	expect {
		"Total of" {
			if {!$joined} {
				set joined 1
				send "/msg #irssi hello from irssi\r"
			}
		}
		"hello from raw" { set heard 1 }
		timeout { exit 2 }
		eof { exit 3 }
	}
}
send "/quit see you\r"
expect {
	eof {}
	timeout { exit 4 }
}
exit 0
EOF
expect -f "$tmp/irssi.exp" "$tmp/irssi" >"$tmp/irssi.out" 2>&1 </dev/null &
irssi_pid=$!

i=0
while [ $i -lt $talk_polls ] && { alive "$irssi_pid" || alive "$raw_pid"; }
do
	sleep 0.05
	i=$((i + 1))
done
wait "$irssi_pid"
irssi_rc=$?
irssi_pid=
wait "$raw_pid"
raw_rc=$?
raw_pid=

ok $raw_rc "the raw client saw irssi join, speak and quit"
[ $raw_rc -eq 0 ] || diag_file "$tmp/raw.tap"
ok $irssi_rc "irssi showed the raw client's message (expect: $irssi_rc)"
grep -q 'rawuser.*hello from raw' "$tmp/logs/#irssi.log" 2>/dev/null
rc=$?
ok $rc "irssi logged the raw client's message"
if [ $rc -ne 0 ]; then
	for f in "$tmp"/logs/*; do diag_file "$f"; done
fi

# chatd must shut down cleanly (and, under sanitizers, without reports).
chatd_stop_ok
failed=$tap_failed
if [ $failed -ne 0 ]; then
	echo "# --- irssi screen (control characters removed)"
	tr -cd '\11\12\40-\176' <"$tmp/irssi.out" | tail -c 3000 | \
	    sed 's/^/# /'
	echo
	echo "# --- chatd log"
	diag_file "$tmp/chatd.log"
fi
exit $failed
