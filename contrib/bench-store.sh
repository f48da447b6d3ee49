#!/bin/sh
# The store's two backends in one run: chatd on SQLite and chatd on a
# private PostgreSQL server (tests/pg-lib.sh, fsync on), alternating round
# by round, each round on a fresh data directory and a fresh database.
# Scenarios (contrib/chatbench): account registrations per second,
# saturated fan-out (every channel message is a history row, unless the
# store falls 10,000 jobs behind: HISTORY lines count the rows kept) and
# light-load latency. Prints chatbench's RESULT lines, tagged with the
# backend and the round. Every chatbench run is bounded by -t.
#
# usage: contrib/bench-store.sh [-r ROUNDS] (from a build directory:
#        CHATD and CHATBENCH default to chatd/chatd and
#        contrib/chatbench/chatbench)

set -u
rounds=3
while getopts r: opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	*) echo "usage: bench-store.sh [-r ROUNDS]" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
CHATD=${CHATD:-chatd/chatd}
CHATBENCH=${CHATBENCH:-contrib/chatbench/chatbench}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-store.XXXXXX") || exit 1
pg_fsync=on
. "$here/tests/pg-lib.sh"
chatd_pid=

cleanup()
{
	[ -n "$chatd_pid" ] && kill -KILL "$chatd_pid" 2>/dev/null
	pg_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

pg_start || { echo "cannot start PostgreSQL" >&2; exit 1; }

# Start chatd with database $1 on a fresh data directory; sets port.
start_chatd()
{
	dir=$tmp/$2
	mkdir -p "$dir"
	printf 'trusted-host 127.0.0.1\ndatabase %s\n' "$1" >"$dir/chatd.conf"
	"$CHATD" --listen 127.0.0.1:0 --data-dir "$dir" -f "$dir/chatd.conf" \
	    >"$dir/log" 2>&1 </dev/null &
	chatd_pid=$!
	i=0
	port=
	while [ $i -lt 200 ] && [ -z "$port" ]; do
		port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
		    "$dir/log" 2>/dev/null | head -n 1)
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$port" ]
}

stop_chatd()
{
	kill -TERM "$chatd_pid"
	wait "$chatd_pid"
	chatd_pid=
}

# One backend's scenarios, each against its own fresh chatd.
run_backend()
{
	be=$1
	url=$2
	r=$3
	for sc in register saturation light; do
		if [ "$be" = postgresql ]; then
			url=$(pg_createdb "b_${sc}_$r") || exit 1
		fi
		start_chatd "$url" "$be.$sc.$r" || { echo "chatd failed" >&2
			exit 1; }
		case $sc in
		register) args="-t 120 register -n 100" ;;
		saturation) args="-t 120 fanout -c 200 -s 10 -m 5000 -w 256" ;;
		light) args="-t 60 fanout -c 200 -s 10 -m 125 -r 25" ;;
		esac
		# shellcheck disable=SC2086
		"$CHATBENCH" -p "$port" --pid "$chatd_pid" --server "chatd-$be" $args |
		    sed -n "s/^RESULT /RESULT backend=$be round=$r sc=$sc /p"
		stop_chatd
		# How many channel messages made it into the history.
		if [ "$sc" = saturation ]; then
			if [ "$be" = postgresql ]; then
				n=$(pg_psql "b_${sc}_$r" \
				    "SELECT count(*) FROM history")
			else
				n=$(sqlite3 "$tmp/$be.$sc.$r/chatd.db" \
				    "SELECT count(*) FROM history")
			fi
			echo "HISTORY backend=$be round=$r rows=$n"
		fi
	done
}

r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		run_backend sqlite sqlite "$r"
		run_backend postgresql x "$r"
	else
		run_backend postgresql x "$r"
		run_backend sqlite sqlite "$r"
	fi
	r=$((r + 1))
done
