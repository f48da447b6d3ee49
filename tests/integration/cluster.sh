#!/bin/sh
# chatd on several nodes (doc/CLUSTER.md): a private redis-server and
# PostgreSQL, and real chatd nodes on 127.0.0.1 (tests/cluster-lib.sh),
# driven by tests/integration/cluster-client.py:
#   - start-up refusals: cluster without a PostgreSQL database, Redis
#     unreachable, a network-name that differs, a node-name in use;
#   - a nick race on two nodes, 30 times: exactly one gets 433;
#   - PRIVMSG and NOTICE across nodes, each line once;
#   - JOIN, NAMES identical on both nodes, channel lines once each and in
#     order, PART and QUIT seen on the other node, the nick free again;
#   - a malformed message on a cluster topic is logged and dropped;
#   - kill -9 of a node: QUIT seen and the nick free again within 20 s,
#     no keys of the dead node left in Redis;
#   - SIGSTOP of a node past the liveness window: the others see its users
#     QUIT; woken, it closes its clients, joins again and serves;
#   - Redis restarted at once, empty: the nodes tell it their users,
#     nicks and memberships again, and the clients stay connected;
#   - Redis stopped: the nodes keep answering, close their clients past
#     the liveness window, and when Redis comes back (empty) join again
#     and carry messages.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir, top_builddir.

set -u
: "${top_srcdir:?top_srcdir is not set}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-cluster.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"
. "$top_srcdir/tests/cluster-lib.sh"
client="python3 $top_srcdir/tests/integration/cluster-client.py"
trap cluster_cleanup EXIT
trap 'exit 1' HUP INT TERM

# A TAP point from a scenario of cluster-client.py, its output as comments.
scenario()
{
	_desc=$1
	shift
	$client "$@" >"$tmp/scenario.out" 2>&1
	_rc=$?
	ok $_rc "$_desc"
	sed 's/^/# /' "$tmp/scenario.out"
	if [ $_rc -ne 0 ]; then
		for _n in $cluster_nodes; do
			echo "# node$_n.log:"
			tail -n 30 "$tmp/node$_n.log" | sed 's/^/#   /'
		done
	fi
}

# Start a node expected to refuse; true if it exits non-zero saying $2.
refused()
{
	_n=$1
	: >"$tmp/node$_n.log"
	"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/d$_n" \
	    -f "$tmp/node$_n.conf" </dev/null >>"$tmp/node$_n.log" 2>&1 &
	_pid=$!
	_i=0
	while [ $_i -lt 600 ] && chatd_alive "$_pid"; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if chatd_alive "$_pid"; then
		kill -KILL "$_pid" 2>/dev/null
		wait "$_pid"
		echo "# node $_n still ran after 30 s:"
		sed 's/^/#   /' "$tmp/node$_n.log"
		return 1
	fi
	wait "$_pid"
	_rc=$?
	[ $_rc -ne 0 ] && grep -q -e "$2" "$tmp/node$_n.log" && return 0
	echo "# node $_n exited with status $_rc; its log:"
	sed 's/^/#   /' "$tmp/node$_n.log"
	return 1
}

echo "1..18"
command -v python3 >/dev/null 2>&1 || bail "python3 is needed"
pg_start || bail "cannot start a private PostgreSQL"
redis_start || bail "cannot start redis-server"
mkdir -p "$tmp/d8" "$tmp/d9"

# Start-up refusals.
printf 'server-name node9.test\ncluster %s\n' "$redis_url" >"$tmp/node9.conf"
refused 9 'needs a PostgreSQL database'
ok $? "cluster without a PostgreSQL database: refused"
printf 'server-name node9.test\ncluster unix:%s/none.sock\ndatabase %s\n' \
    "$tmp" "$pg_url" >"$tmp/node9.conf"
refused 9 'cannot connect to Redis'
ok $? "Redis unreachable: refused"

node_conf 1
node_conf 2
node_start 1 || bail "node 1 did not start"
node_start 2 || bail "node 2 did not start"
node_conf 9 network-name OtherNet
refused 9 'network-name "OtherNet" does not match the cluster.s "chatd"'
ok $? "a node with another network-name: refused"
node_conf 8
sed -i 's/^node-name node8/node-name node1/' "$tmp/node8.conf"
refused 8 'node-name "node1" is in use by a live node'
ok $? "a second live node1: refused"

scenario "nick race on two nodes, 30 rounds: exactly one 433 each" \
    race "$node_port_1" "$node_port_2" 30
scenario "PRIVMSG and NOTICE across nodes, once each" \
    privmsg "$node_port_1" "$node_port_2" 1
scenario "JOIN, NAMES, channel lines, PART and QUIT across nodes" \
    channel "$node_port_1" "$node_port_2"

# A malformed message on a topic: logged, dropped, the node carries on.
redis_cli PUBLISH chatd:t:all 'CHATD/1 U 5:node2' >/dev/null
redis_cli PUBLISH chatd:t:n:node1 'CHATD/9 garbage' >/dev/null
i=0
while [ $i -lt 100 ] &&
    [ "$(grep -c 'dropped a malformed message' "$tmp/node1.log")" -lt 2 ]; do
	sleep 0.05
	i=$((i + 1))
done
grep -q 'dropped a malformed message on chatd:t:all' "$tmp/node1.log" &&
    grep -q 'dropped a malformed message on chatd:t:n:node1' "$tmp/node1.log"
ok $? "malformed messages on cluster topics are logged and dropped"
scenario "... and both nodes still answer" ping "$node_port_1" "$node_port_2"

# kill -9 of node 2 (the scenario sends the signal, we reap it).
eval "pid2=\$node_pid_2"
scenario "kill -9 of a node: QUIT and the nick free within 20 s" \
    kill "$node_port_1" "$node_port_2" "$pid2"
# Killed by the scenario; if it failed before, here (wait must not hang).
kill -KILL "$pid2" 2>/dev/null
wait "$pid2" 2>/dev/null
node_pid_2=
# Its tombstone (chatd:dead:node2, a day) stays: it says "fenced" to it.
left=$(redis_cli --scan --pattern '*node2*' | grep -v '^chatd:dead:node2$' |
    tr '\n' ' ')
users=$(redis_cli HKEYS chatd:users | grep -c '^node2/')
[ -z "$left" ] && [ "$users" -eq 0 ] &&
    [ -z "$(redis_cli HGET chatd:nodes node2)" ]
ok $? "no keys of the dead node left in Redis${left:+: $left}"

# node 2 comes back under its name, is stopped past the liveness window,
# then Redis goes away and comes back empty.
node_start 2 || bail "node 2 did not start again"
eval "pid2=\$node_pid_2"
scenario "SIGSTOP of a node: declared dead, it fences itself and rejoins" \
    sigstop "$node_port_1" "$node_port_2" "$pid2"
# Redis restarted at once, empty: the nodes tell it their users again.
mkdir "$tmp/flags"
$client restore "$node_port_1" "$node_port_2" "$tmp/flags" \
    >"$tmp/restore.out" 2>&1 &
cpid=$!
i=0
while [ $i -lt 400 ] && [ ! -f "$tmp/flags/ready" ]; do
	sleep 0.05
	i=$((i + 1))
done
redis_stop
redis_start || bail "redis-server did not start again"
touch "$tmp/flags/restarted"
wait "$cpid"
ok $? "Redis restarted empty: users, nicks and memberships told again"
sed 's/^/# /' "$tmp/restore.out"

eval "rpid=\$redis_pid"
j1=$(grep -c 'joined again' "$tmp/node1.log")
j2=$(grep -c 'joined again' "$tmp/node2.log")
scenario "Redis stopped: the node answers, then closes its clients" \
    cutoff "$node_port_1" "$rpid"
kill -TERM "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null
redis_pid=
grep -q 'cluster: lost Redis' "$tmp/node1.log"
ok $? "the loss of Redis is logged"
redis_start || bail "redis-server did not start again"
i=0
while [ $i -lt 400 ] &&
    ! { [ "$(grep -c 'joined again' "$tmp/node1.log")" -gt "$j1" ] &&
        [ "$(grep -c 'joined again' "$tmp/node2.log")" -gt "$j2" ]; }; do
	sleep 0.05
	i=$((i + 1))
done
ok $? "both nodes join the cluster again when Redis is back"
scenario "after Redis came back: messages across nodes again" \
    privmsg "$node_port_1" "$node_port_2" 2

node_stop 1
rc1=$?
node_stop 2
rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] &&
    [ -z "$(redis_cli HKEYS chatd:nodes)" ] &&
    ! cat "$tmp"/node*.log | grep -q -E \
        'ERROR: AddressSanitizer|runtime error:|LeakSanitizer'
ok $? "both nodes stop cleanly (status $rc1 $rc2) and leave no node behind"
if [ $tap_failed -ne 0 ]; then
	grep -h -A20 -E 'AddressSanitizer|runtime error:|LeakSanitizer' \
	    "$tmp"/node*.log | head -n 60 | sed 's/^/# /'
fi
exit $tap_failed
