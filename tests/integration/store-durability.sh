#!/bin/sh
# Durability: run write load (REGISTER and offline messages, see
# store-load.c) against chatd, kill -9 it at a random moment, restart it
# on the same data directory, and check that every item chatd
# acknowledged before the kill is in the database and that SQLite's
# integrity check passes. Several rounds, each bounded in time.
#
# Environment: CHATD, top_builddir (set by AM_TESTS_ENVIRONMENT).

set -u
: "${CHATD:?CHATD is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"
rounds=4

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-durable.XXXXXX") || exit 99
chatd_pid=
load_pid=

cleanup()
{
	[ -n "$load_pid" ] && kill -KILL "$load_pid" 2>/dev/null
	if [ -n "$chatd_pid" ]; then
		kill -KILL "$chatd_pid" 2>/dev/null
		wait "$chatd_pid" 2>/dev/null
	fi
	if [ "${CHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

printf 'server-name chatd.test\ntrusted-host 127.0.0.1\n' >"$tmp/chatd.conf"
mkdir "$tmp/data"
db="$tmp/data/chatd.db"
: >"$tmp/acked"

# True while $1 is alive and not a zombie waiting to be reaped.
alive()
{
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$state" != Z ] || return 1
	fi
	return 0
}

# Start chatd on the shared data directory; sets chatd_pid and port.
start_chatd()
{
	log="$tmp/chatd.$1.log"
	"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/data" \
	    -f "$tmp/chatd.conf" </dev/null >"$log" 2>&1 &
	chatd_pid=$!
	port=
	i=0
	while [ $i -lt 200 ]; do
		port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
		    "$log" | head -n 1)
		[ -n "$port" ] && return 0
		alive "$chatd_pid" || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "Bail out! chatd did not start"
	sed 's/^/# /' "$log"
	exit 1
}

# A quoted SQL list of the second fields of lines starting with $1.
sql_list()
{
	awk -v k="$1" -v f="$2" '$1 == k { printf "%s'\''%s'\''", sep, $f;
	    sep = "," }' "$tmp/acked"
}

# Check everything acknowledged so far; prints one test point.
check()
{
	n=$1
	what=$2
	ok=ok
	why=
	integrity=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
	if [ "$integrity" != ok ]; then
		ok="not ok"
		why="$why; integrity_check: $integrity"
	fi
	na=$(grep -c '^A ' "$tmp/acked")
	nm=$(grep -c '^M ' "$tmp/acked")
	fa=0
	fm=0
	if [ "$na" -gt 0 ]; then
		fa=$(sqlite3 "$db" "SELECT count(*) FROM account WHERE fold IN \
		    ($(sql_list A 2));")
	fi
	if [ "$nm" -gt 0 ]; then
		fm=$(sqlite3 "$db" "SELECT count(*) FROM offline WHERE text IN \
		    ($(sql_list M 3));")
	fi
	if [ "$fa" != "$na" ] || [ "$fm" != "$nm" ]; then
		ok="not ok"
		why="$why; found $fa of $na accounts, $fm of $nm messages"
	fi
	echo "$ok $n - $what: $na accounts, $nm messages acknowledged, all" \
	    "present, integrity ok$why"
}

echo "1..$((rounds + 1))"
seed=$(($$ % 1000))
r=1
while [ $r -le $rounds ]; do
	start_chatd "$r"
	"$load" -p "$port" -t "r$r" -n 300 -m 3 -T 20 >"$tmp/acked.$r" &
	load_pid=$!
	# A random moment between 0.3 and 2 s into the load.
	ms=$(awk -v s="$seed$r" 'BEGIN { srand(s); printf "%d",
	    300 + rand() * 1700 }')
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -KILL "$chatd_pid"
	wait "$chatd_pid" 2>/dev/null
	chatd_pid=
	wait "$load_pid"
	load_pid=
	cat "$tmp/acked.$r" >>"$tmp/acked"
	# Restart on the same directory (SQLite recovers the WAL), check.
	start_chatd "$r.restart"
	check "$r" "round $r, kill -9 after ${ms} ms"
	kill -KILL "$chatd_pid"
	wait "$chatd_pid" 2>/dev/null
	chatd_pid=
	r=$((r + 1))
done

# Finally a clean start and stop on the data that survived all that.
start_chatd final
kill -TERM "$chatd_pid"
i=0
while [ $i -lt 200 ] && alive "$chatd_pid"; do
	sleep 0.05
	i=$((i + 1))
done
wait "$chatd_pid"
rc=$?
chatd_pid=
total=$(grep -c '^A ' "$tmp/acked")
if [ $rc -eq 0 ] && [ "$total" -gt 0 ] &&
    grep -q 'accounts loaded' "$tmp/chatd.final.log"; then
	echo "ok $((rounds + 1)) - chatd starts and stops cleanly on the" \
	    "survived data ($(grep -o '[0-9]* accounts loaded' \
	    "$tmp/chatd.final.log"))"
else
	echo "not ok $((rounds + 1)) - final start/stop: status $rc," \
	    "$total accounts acknowledged in all"
	sed 's/^/# /' "$tmp/chatd.final.log"
fi
