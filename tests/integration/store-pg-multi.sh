#!/bin/sh
# PostgreSQL store (tests/pg-lib.sh) beyond one process:
#   - start-up errors: an unreachable database or a bad URL stops chatd
#     with a non-zero status and a message naming the URL without its
#     password;
#   - two chatd processes on one database: both REGISTER the same 20
#     account names at the same time; each name succeeds exactly once;
#   - chatd --migrate-to: a data directory with rows in every table of
#     chatd.db is copied, counts and contents match, chatd then runs on
#     the copy, and a second copy into the same (no longer empty)
#     database is refused.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir, top_builddir.

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-pgmulti.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"
pid2=
pids=

cleanup()
{
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$pid2" ] && kill -KILL "$pid2" 2>/dev/null
	chatd_cleanup
	pg_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..11"
pg_start || bail "cannot start a private PostgreSQL"

# Start-up errors.
printf 'server-name chatd.test\ndatabase %s\n' \
    "postgresql://chatd:s3cret@/nodb?host=$tmp/none" >"$tmp/bad.conf"
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/bad" -f "$tmp/bad.conf" \
    >"$tmp/bad.log" 2>&1 </dev/null
rc=$?
[ $rc -ne 0 ] && grep -q 'postgresql://chatd:\*@/nodb' "$tmp/bad.log" &&
    ! grep -q s3cret "$tmp/bad.log"
ok $? "unreachable database: exit $rc, the URL named without its password"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/bad.log"
printf 'server-name chatd.test\ndatabase mysql://x\n' >"$tmp/bad.conf"
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/bad" -f "$tmp/bad.conf" \
    >"$tmp/bad.log" 2>&1 </dev/null
rc=$?
[ $rc -ne 0 ] && grep -q 'mysql://x' "$tmp/bad.log"
ok $? "a database that is neither sqlite nor postgresql: exit $rc"

# Two processes, one database.
printf 'server-name chatd.test\ntrusted-host 127.0.0.1\ndatabase %s\n' \
    "$pg_url" >"$tmp/chatd.conf"
mkdir "$tmp/d1" "$tmp/d2"
chatd_data=$tmp/d1
chatd_log=$tmp/chatd.2.log
chatd_start || bail "second chatd did not start"
pid2=$chatd_pid
port2=$port
chatd_data=$tmp/d2
chatd_log=$tmp/chatd.1.log
chatd_start || bail "first chatd did not start"
"$load" -p "$port" -t race -n 20 -m 0 -T 30 >"$tmp/race.1" &
pids=$!
"$load" -p "$port2" -t race -n 20 -m 0 -T 30 >"$tmp/race.2" &
pids="$pids $!"
for p in $pids; do
	wait "$p"
done
pids=
nwon=$(cat "$tmp/race.1" "$tmp/race.2" | grep -c '^A ')
nuniq=$(cat "$tmp/race.1" "$tmp/race.2" | grep '^A ' | sort -u | wc -l)
nlost=$(cat "$tmp/race.1" "$tmp/race.2" | grep -c '^F REGISTER')
[ "$nwon" -eq 20 ] && [ "$nuniq" -eq 20 ] && [ "$nlost" -eq 20 ]
ok $? "20 names REGISTERed on both at once: $nwon successes" \
    "($nuniq names), $nlost refusals"
n1=$(grep -c '^A ' "$tmp/race.1")
echo "# first process won $n1, second $((nwon - n1))"
nrows=$(pg_psql "SELECT count(*) FROM account WHERE fold LIKE 'a_race_%'")
[ "$nrows" -eq 20 ]
ok $? "20 accounts in the database ($nrows)"
chatd_stop
rc1=$?
chatd_pid=$pid2
pid2=
chatd_stop
ok $((rc1 + $?)) "both chatd processes stop cleanly"

# --migrate-to: a SQLite data directory with every kind of row.
printf 'server-name chatd.test\ntrusted-host 127.0.0.1\n' >"$tmp/chatd.conf"
chatd_data=$tmp/sq
mkdir "$tmp/sq"
chatd_log=$tmp/chatd.sq.log
chatd_start || bail "chatd on SQLite did not start"
"$load" -p "$port" -t mig -n 5 -m 2 -T 20 >"$tmp/mig.acked"
chatd_stop
sqlite3 "$tmp/sq/chatd.db" "
INSERT INTO history (target, time_ms, msgid, source, account, command, text)
    VALUES ('#tea', 1000, 'm1', 'a!u@h', 'a_mig_0', 'PRIVMSG', 'hello'),
    ('@a_mig_0@a_mig_1', 2000, 'm2', 'a!u@h', NULL, 'NOTICE', 'psst');
INSERT INTO channel VALUES ('#tea', '#Tea', 'a_mig_0', 3, 'k''ey', 5,
    'a topic', 'a_mig_0', 10, 9, 'a_mig_1
', '*!*@x a 5
', 'bob
');
INSERT INTO kv VALUES ('ttt-stats', 'a_mig_0', x'00010203ff'),
    ('files', '1', 'text value');
INSERT INTO private_peer VALUES ('a_mig_0', 'a_mig_1', 2000),
    ('a_mig_1', 'a_mig_0', 2000);" || bail "sqlite3 failed"
tables="account offline history channel kv private_peer"
url=$(pg_createdb mig) || bail "createdb failed"
"$CHATD" --data-dir "$tmp/sq" -f "$tmp/chatd.conf" --migrate-to "$url" \
    >"$tmp/migrate.out" 2>&1
rc=$?
ok $rc "chatd --migrate-to exits 0: $(tail -n 2 "$tmp/migrate.out" |
    head -n 1)"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/migrate.out"
same=0
for t in $tables; do
	case $t in
	kv) cols="ns, key, encode(value, 'hex')"
	    sqcols="ns, key, lower(hex(value))" ;;
	*) cols='*'; sqcols='*' ;;
	esac
	sqlite3 -separator '|' "$tmp/sq/chatd.db" \
	    "SELECT $sqcols FROM $t ORDER BY 1, 2, 3" >"$tmp/sq.$t"
	pg_psql mig "SELECT $cols FROM $t ORDER BY 1, 2, 3" >"$tmp/pg.$t"
	if ! cmp -s "$tmp/sq.$t" "$tmp/pg.$t" || [ ! -s "$tmp/sq.$t" ]; then
		same=1
		echo "# table $t differs or is empty:"
		diff "$tmp/sq.$t" "$tmp/pg.$t" | sed 's/^/# /'
	fi
done
ok $same "every table ($tables) has rows and the same contents on both"

# chatd on the copy: it loads it, and new ids follow the copied ones.
printf 'server-name chatd.test\ntrusted-host 127.0.0.1\ndatabase %s\n' \
    "$url" >"$tmp/chatd.conf"
chatd_log=$tmp/chatd.mig.log
chatd_start || bail "chatd on the copy did not start"
grep -q ' 5 accounts loaded' "$chatd_log"
ok $? "chatd on the copy loads its 5 accounts"
"$load" -p "$port" -t after -n 1 -m 1 -T 10 >"$tmp/after.acked"
maxid=$(pg_psql mig "SELECT max(id) FROM offline")
nid=$(pg_psql mig "SELECT count(DISTINCT id) FROM offline")
grep -q '^M ' "$tmp/after.acked" && [ "$maxid" -eq 11 ] && [ "$nid" -eq 11 ]
ok $? "a new offline message after the copy gets the next id ($maxid)"
chatd_stop
"$CHATD" --data-dir "$tmp/sq" -f "$tmp/chatd.conf" --migrate-to "$url" \
    >"$tmp/migrate2.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'not empty' "$tmp/migrate2.out"
ok $? "a second copy into the same database is refused (exit $rc)"
"$CHATD" --data-dir "$tmp/none" -f "$tmp/chatd.conf" \
    --migrate-to "$url" >"$tmp/migrate3.out" 2>&1
[ $? -ne 0 ] && grep -q 'no SQLite store' "$tmp/migrate3.out"
ok $? "--migrate-to without a chatd.db says so"
exit $tap_failed
