# A private cluster for tests (sourced): redis-server on a unix socket,
# PostgreSQL through tests/pg-lib.sh, and chatd nodes on 127.0.0.1 ports
# the kernel picks.
#
#   redis_start        start redis-server in $tmp/redis (no TCP port, no
#                      persistence); sets redis_pid, redis_sock, redis_url
#   redis_stop         stop it by PID and wait (bounded)
#   redis_cli ARGS...  redis-cli on the socket
#   node_conf N [key value]...
#                      write $tmp/nodeN.conf: server-name nodeN.test,
#                      node-name nodeN, cluster, database, file-dir, trusted
#                      127.0.0.1, then the extra keys
#   node_start N       start node N (data in $tmp/dN, log $tmp/nodeN.log);
#                      sets node_pid_N and node_port_N; non-zero if it did
#                      not come up
#   node_stop N        SIGTERM and wait (bounded)
#   node_kill N        SIGKILL and reap
#   cluster_cleanup    for an EXIT trap: every node, Redis, PostgreSQL,
#                      then rm -rf $tmp
#
# The caller sets $tmp and sources tests/integration/lib.sh and
# tests/pg-lib.sh first. Only processes started here are signalled, each
# by its PID.

redis_pid=
redis_sock=
redis_url=
cluster_nodes=

redis_start()
{
	if ! command -v redis-server >/dev/null 2>&1; then
		echo "# redis-server not found (contrib/quickstart installs it)" >&2
		return 1
	fi
	mkdir -p "$tmp/redis" || return 1
	redis_sock=$tmp/redis/redis.sock
	redis_url=unix:$redis_sock
	(cd "$tmp/redis" && exec redis-server --port 0 --unixsocket "$redis_sock" \
	    --save '' --appendonly no --daemonize no \
	    >>"$tmp/redis/redis.log" 2>&1 </dev/null) &
	redis_pid=$!
	_r_i=0
	while [ $_r_i -lt 200 ]; do
		if [ -S "$redis_sock" ] &&
		    redis-cli -s "$redis_sock" ping 2>/dev/null | grep -q PONG; then
			return 0
		fi
		kill -0 "$redis_pid" 2>/dev/null || break
		sleep 0.05
		_r_i=$((_r_i + 1))
	done
	echo "# redis-server did not start:" >&2
	sed 's/^/# /' "$tmp/redis/redis.log" >&2
	return 1
}

redis_stop()
{
	[ -n "$redis_pid" ] || return 0
	kill -TERM "$redis_pid" 2>/dev/null
	_r_i=0
	while [ $_r_i -lt 200 ] && kill -0 "$redis_pid" 2>/dev/null; do
		sleep 0.05
		_r_i=$((_r_i + 1))
	done
	kill -KILL "$redis_pid" 2>/dev/null
	wait "$redis_pid" 2>/dev/null
	redis_pid=
	return 0
}

redis_cli()
{
	redis-cli -s "$redis_sock" "$@"
}

node_conf()
{
	_n=$1
	shift
	{
		printf 'server-name node%s.test\nnode-name node%s\n' "$_n" "$_n"
		printf 'cluster %s\ndatabase %s\n' "$redis_url" "$pg_url"
		printf 'file-dir %s/files\ntrusted-host 127.0.0.1\n' "$tmp"
		while [ $# -ge 2 ]; do
			printf '%s %s\n' "$1" "$2"
			shift 2
		done
	} >"$tmp/node$_n.conf"
}

node_start()
{
	_n=$1
	_log=$tmp/node$_n.log
	mkdir -p "$tmp/d$_n" "$tmp/files"
	touch "$_log"
	_seen=$(grep -c 'listening on ' "$_log" 2>/dev/null)
	_seen=${_seen:-0}
	"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/d$_n" \
	    -f "$tmp/node$_n.conf" </dev/null >>"$_log" 2>&1 &
	_pid=$!
	eval "node_pid_$_n=$_pid"
	cluster_nodes="$cluster_nodes $_n"
	_port=
	_i=0
	while [ $_i -lt 200 ]; do
		# Listening and registered in the cluster (it registers last).
		if [ "$(grep -c 'listening on ' "$_log")" -gt "$_seen" ] &&
		    grep -q 'cluster: node .* connected to' "$_log"; then
			_port=$(grep 'listening on ' "$_log" |
			    sed -n "$((_seen + 1))s/.*:\([0-9][0-9]*\).*/\1/p")
			break
		fi
		chatd_alive "$_pid" || break
		sleep 0.05
		_i=$((_i + 1))
	done
	eval "node_port_$_n=$_port"
	[ -n "$_port" ]
}

node_stop()
{
	eval "_pid=\${node_pid_$1:-}"
	[ -n "$_pid" ] || return 0
	kill -TERM "$_pid" 2>/dev/null
	_i=0
	while [ $_i -lt 200 ] && chatd_alive "$_pid"; do
		sleep 0.05
		_i=$((_i + 1))
	done
	chatd_alive "$_pid" && kill -KILL "$_pid" 2>/dev/null
	wait "$_pid"
	_rc=$?
	eval "node_pid_$1="
	return $_rc
}

node_kill()
{
	eval "_pid=\${node_pid_$1:-}"
	[ -n "$_pid" ] || return 0
	kill -KILL "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	eval "node_pid_$1="
	return 0
}

cluster_cleanup()
{
	for _n in $cluster_nodes; do
		eval "_pid=\${node_pid_$_n:-}"
		[ -n "$_pid" ] && kill -KILL "$_pid" 2>/dev/null
	done
	redis_stop
	pg_cleanup
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}
