#!/bin/sh
# Durability: run write load (REGISTER and offline messages, see
# store-load.c) against chatd, kill -9 it at a random moment, restart it
# on the same data directory, and check that every item chatd
# acknowledged before the kill is in the database and that SQLite's
# integrity check passes. Several rounds, each bounded in time.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir, top_builddir (set by
# AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"
rounds=4

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-durable.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
load_pid=

cleanup()
{
	[ -n "$load_pid" ] && kill -KILL "$load_pid" 2>/dev/null
	chatd_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

printf 'server-name chatd.test\ntrusted-host 127.0.0.1\n' >"$tmp/chatd.conf"
chatd_data=$tmp/data
mkdir "$chatd_data"
db="$chatd_data/chatd.db"
: >"$tmp/acked"

# Start chatd on the shared data directory, logging to chatd.$1.log.
start_chatd()
{
	chatd_log="$tmp/chatd.$1.log"
	chatd_start || bail "chatd did not start"
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
	chatd_kill
	wait "$load_pid"
	load_pid=
	cat "$tmp/acked.$r" >>"$tmp/acked"
	# Restart on the same directory (SQLite recovers the WAL), check.
	start_chatd "$r.restart"
	check "$r" "round $r, kill -9 after ${ms} ms"
	chatd_kill
	r=$((r + 1))
done

# Finally a clean start and stop on the data that survived all that.
start_chatd final
chatd_stop
rc=$?
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
