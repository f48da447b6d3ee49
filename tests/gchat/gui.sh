#!/bin/sh
# Run tests/gchat/test-gui (or the test program named by GCHAT_TEST_PROGRAM) under a private Xvfb and session bus, against a
# real chatd on an ephemeral loopback port. Prints the test's TAP.
# Environment: CHATD, CHAT_EXPECT, top_srcdir and top_builddir (set by
# AM_TESTS_ENVIRONMENT);
# GCHAT_SHOT_DIR, when set, makes the test save screenshots there.

set -u
: "${CHATD:?CHATD is not set}"
: "${top_builddir:=.}"

if ! command -v Xvfb >/dev/null 2>&1; then
	echo "1..0 # SKIP Xvfb is not installed"
	exit 0
fi

polls=200	# 50 ms each: 10 s to start Xvfb
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gchat-gui.XXXXXX") || exit 99
. "${top_srcdir:-.}/tests/integration/lib.sh"
xvfb_pid=

cleanup()
{
	if [ -n "$xvfb_pid" ]; then
		kill -TERM "$xvfb_pid" 2>/dev/null
		wait "$xvfb_pid" 2>/dev/null
	fi
	chatd_stop
	if [ -n "$second_pid" ]; then
		chatd_pid=$second_pid
		chatd_stop
	fi
	if [ "${GCHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# chatd with its defaults (an empty configuration file).
: >"$tmp/chatd.conf"
# GCHAT_TEST_TLS=1 adds a TLS listener with a fresh self-signed certificate
# (its port in GCHAT_TEST_TLS_PORT); without openssl the port stays unset.
tls_port=
tls_on=0
if [ "${GCHAT_TEST_TLS:-0}" = 1 ] && command -v openssl >/dev/null 2>&1; then
	"${top_srcdir:-.}/contrib/mkcert" "$tmp/tls" >/dev/null ||
	    bail "contrib/mkcert failed"
	printf 'listen-tls 127.0.0.1:0\ntls-cert %s\ntls-key %s\n' \
	    "$tmp/tls/chatd-cert.pem" "$tmp/tls/chatd-key.pem" >"$tmp/chatd.conf"
	tls_on=1
fi
# GCHAT_TEST_OPER=1 adds a server operator, hashed by chatd itself; its name
# and password are passed on in GCHAT_TEST_OPER_NAME and _PASSWORD.
if [ "${GCHAT_TEST_OPER:-0}" = 1 ]; then
	GCHAT_TEST_OPER_NAME=root
	GCHAT_TEST_OPER_PASSWORD=opensesame
	oper_hash=$(echo "$GCHAT_TEST_OPER_PASSWORD" | "$CHATD" --hash-password) ||
	    bail "chatd --hash-password failed"
	printf 'oper %s %s\n' "$GCHAT_TEST_OPER_NAME" "$oper_hash" >>"$tmp/chatd.conf"
	export GCHAT_TEST_OPER_NAME GCHAT_TEST_OPER_PASSWORD
fi
# GCHAT_TEST_TRUSTED=1 exempts loopback clients from flood control (for a
# raw client that writes many lines).
if [ "${GCHAT_TEST_TRUSTED:-0}" = 1 ]; then
	printf 'trusted-host 127.0.0.1\n' >>"$tmp/chatd.conf"
fi
chatd_start || bail "chatd did not start"
if [ "$tls_on" = 1 ]; then
	wait_log 'listening with TLS on' || bail "no TLS listener"
	tls_port=$(log_port 'listening with TLS on')
fi
GCHAT_TEST_TLS_PORT=$tls_port
export GCHAT_TEST_TLS_PORT
# GCHAT_TEST_SECOND=1 starts a second chatd (its own data directory and
# log) for a server entry with two addresses: its port in GCHAT_TEST_PORT2;
# GCHAT_TEST_CHATD_PID is the first one's, which the test may kill.
second_pid=
GCHAT_TEST_CHATD_PID=$chatd_pid
if [ "${GCHAT_TEST_SECOND:-0}" = 1 ]; then
	first_pid=$chatd_pid
	first_port=$port
	mkdir -p "$tmp/second"
	chatd_log=$tmp/second.log chatd_data=$tmp/second chatd_start ||
	    bail "the second chatd did not start"
	second_pid=$chatd_pid
	GCHAT_TEST_PORT2=$port
	export GCHAT_TEST_PORT2
	chatd_pid=$first_pid
	port=$first_port
fi
export GCHAT_TEST_CHATD_PID

# -displayfd writes the display number once the server accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" \
    </dev/null >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
display=
i=0
while [ $i -lt $polls ]; do
	display=$(head -n 1 "$tmp/display" 2>/dev/null)
	[ -n "$display" ] && break
	kill -0 "$xvfb_pid" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
if [ -z "$display" ]; then
	sed 's/^/# /' "$tmp/xvfb.log"
	bail "Xvfb did not start"
fi

mkdir -p "$tmp/config" "$tmp/runtime"
chmod 700 "$tmp/runtime"
DISPLAY=:$display
GDK_BACKEND=x11
GSK_RENDERER=cairo
GTK_A11Y=test
G_DEBUG=fatal-criticals
XDG_CONFIG_HOME=$tmp/config
XDG_RUNTIME_DIR=$tmp/runtime
GCHAT_TEST_PORT=$port
export DISPLAY GDK_BACKEND GSK_RENDERER GTK_A11Y G_DEBUG XDG_CONFIG_HOME XDG_RUNTIME_DIR GCHAT_TEST_PORT

# Under --enable-sanitizers, AddressSanitizer still checks every access, but
# leak checking is off for this one process: fontconfig's caches and
# unloaded GIO modules are reported at exit, not our code (test-model keeps
# leak checking on for gchat's own objects).
if [ -n "${ASAN_OPTIONS:-}" ]; then
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
	export ASAN_OPTIONS
fi

test_gui="$top_builddir/tests/gchat/${GCHAT_TEST_PROGRAM:-test-gui}"
if command -v dbus-run-session >/dev/null 2>&1; then
	dbus-run-session -- "$test_gui"
else
	"$test_gui"
fi
status=$?
if [ $status -ne 0 ]; then
	echo "# chatd log:"
	sed 's/^/# /' "$tmp/chatd.log" | tail -n 40
fi
exit $status
