#!/bin/sh
# Durability on PostgreSQL (tests/pg-lib.sh), the checks of
# store-durability.sh: write load (store-load.c) against chatd with
# "database postgresql://...", then
#   - kill -9 of chatd at a random moment, restart: every acknowledged
#     account and offline message is in the database (two rounds);
#   - PostgreSQL stopped and started under load: nothing acknowledged is
#     lost, commands during the outage get FAIL ... TEMPORARILY_UNAVAILABLE
#     or wait, chatd logs the outage once and goes on (a REGISTER after
#     succeeds).
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir, top_builddir.

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-pgdur.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"
load_pid=

cleanup()
{
	[ -n "$load_pid" ] && kill -KILL "$load_pid" 2>/dev/null
	chatd_cleanup
	pg_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..8"
pg_start || bail "cannot start a private PostgreSQL"
printf 'server-name chatd.test\ntrusted-host 127.0.0.1\ndatabase %s\n' \
    "$pg_url" >"$tmp/chatd.conf"
chatd_data=$tmp/data
mkdir "$chatd_data"
: >"$tmp/acked"

start_chatd()
{
	chatd_log="$tmp/chatd.$1.log"
	chatd_start || bail "chatd did not start"
}

# A quoted SQL list of field $2 of the acknowledged lines of kind $1.
sql_list()
{
	awk -v k="$1" -v f="$2" '$1 == k { printf "%s'\''%s'\''", sep, $f;
	    sep = "," }' "$tmp/acked"
}

# Everything acknowledged so far is in the database: a test point.
check()
{
	na=$(grep -c '^A ' "$tmp/acked")
	nm=$(grep -c '^M ' "$tmp/acked")
	fa=0
	fm=0
	[ "$na" -eq 0 ] || fa=$(pg_psql "SELECT count(*) FROM account WHERE \
	    fold IN ($(sql_list A 2))")
	[ "$nm" -eq 0 ] || fm=$(pg_psql "SELECT count(*) FROM offline WHERE \
	    text IN ($(sql_list M 3))")
	[ "$na" -gt 0 ] && [ "$fa" = "$na" ] && [ "$fm" = "$nm" ]
	ok $? "$1: $fa of $na accounts, $fm of $nm messages acknowledged" \
	    "are in the database"
}

seed=$(($$ % 1000))
for r in 1 2; do
	start_chatd "$r"
	"$load" -p "$port" -t "k$r" -n 300 -m 3 -T 20 >"$tmp/acked.$r" &
	load_pid=$!
	ms=$(awk -v s="$seed$r" 'BEGIN { srand(s); printf "%d",
	    300 + rand() * 1700 }')
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	chatd_kill
	wait "$load_pid"
	load_pid=
	grep -v '^F ' "$tmp/acked.$r" >>"$tmp/acked"
	start_chatd "$r.restart"
	check "round $r, kill -9 of chatd after ${ms} ms"
	chatd_kill
done

# PostgreSQL stopped (fast shutdown) and started again under load.
start_chatd outage
"$load" -p "$port" -t "o" -n 100000 -m 2 -T 6 >"$tmp/acked.o" &
load_pid=$!
sleep 1
pg_stop
sleep 0.5
# Another client meanwhile: its REGISTER is refused at once, not queued.
"$load" -p "$port" -t "during" -n 1 -m 1 -T 3 >"$tmp/acked.during"
sleep 0.5
pg_run_server || bail "PostgreSQL did not start again"
wait "$load_pid"
load_pid=
grep -v '^F ' "$tmp/acked.o" >>"$tmp/acked"
nf=$(grep -c '^F ' "$tmp/acked.o")
check "PostgreSQL restarted under load ($nf commands answered FAIL)"
chatd_alive "$chatd_pid"
ok $? "chatd went on through the outage"
grep -q '^F REGISTER' "$tmp/acked.during"
ok $? "a REGISTER during the outage gets FAIL (TEMPORARILY_UNAVAILABLE)"
nlost=$(grep -c 'lost the connection to database' "$chatd_log")
[ "$nlost" -eq 1 ] && grep -q 'is back after' "$chatd_log" &&
    ! grep -q 'registering .*unreachable' "$chatd_log"
ok $? "the outage is logged once ($nlost lines) and its end once"
"$load" -p "$port" -t "after" -n 2 -m 1 -T 10 >"$tmp/acked.after"
[ "$(grep -c '^A ' "$tmp/acked.after")" -eq 2 ]
ok $? "REGISTER works again after the outage"
chatd_stop
ok $? "chatd stops cleanly"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$chatd_log"
exit $tap_failed
