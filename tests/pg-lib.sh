# A private PostgreSQL server for tests (sourced by shell tests; also run
# by tests/unit/store-pg.sh for the C unit tests).
#
#   pg_start          initdb into a new temporary directory and start a
#                     server there: a unix socket in that directory, no
#                     TCP port (listen_addresses=''). Sets pg_dir, pg_pid,
#                     pg_url (a libpq URI for database "chatd"). As root
#                     it runs as the postgres user (runuser), which owns
#                     the directory. Returns non-zero if it cannot.
#   pg_createdb NAME  create another database; prints its URI
#   pg_psql [DB] SQL  run SQL, print the rows unaligned ("a|b")
#   pg_stop           fast shutdown by PID and wait (bounded)
#   pg_restart        pg_stop then start again on the same directory
#   pg_cleanup        for an EXIT trap: stop the server, remove pg_dir
#
# pg_fsync=on before pg_start keeps fsync (benchmarks); tests turn it off,
# since they kill chatd, not the machine. Only the server started here is
# ever signalled, by the PID in its postmaster.pid.

pg_dir=
pg_pid=
pg_bg=
pg_url=
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_user=$(id -un)

# Run a PostgreSQL program as the server's user.
pg_as()
{
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Start the server on $pg_dir/data (already initialised); wait for it.
pg_run_server()
{
	pg_as "$pg_bin/postgres" -D "$pg_dir/data" -k "$pg_dir" \
	    -c listen_addresses= -c fsync="${pg_fsync:-off}" \
	    -c max_connections=40 -c shared_buffers=16MB \
	    >>"$pg_dir/server.log" 2>&1 </dev/null &
	pg_bg=$!
	_pg_i=0
	while [ $_pg_i -lt 300 ]; do
		if [ -f "$pg_dir/data/postmaster.pid" ] && pg_as "$pg_bin/pg_isready" -q -h "$pg_dir" 2>/dev/null; then
			pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
			return 0
		fi
		sleep 0.05
		_pg_i=$((_pg_i + 1))
	done
	echo "# PostgreSQL did not start:" >&2
	sed 's/^/# /' "$pg_dir/server.log" >&2
	return 1
}

pg_start()
{
	if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
		echo "# PostgreSQL server binaries not found" >&2
		return 1
	fi
	pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/chat-pg.XXXXXX") || return 1
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$pg_dir" || return 1
		pg_user=postgres
	fi
	if ! pg_as "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U "$pg_user" \
	    -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1; then
		echo "# initdb failed:" >&2
		sed 's/^/# /' "$pg_dir/initdb.log" >&2
		return 1
	fi
	pg_run_server || return 1
	pg_url=$(pg_createdb chatd) || return 1
}

pg_createdb()
{
	pg_as "$pg_bin/createdb" -h "$pg_dir" -U "$pg_user" "$1" || return 1
	echo "postgresql:///$1?host=$pg_dir&user=$pg_user"
}

pg_psql()
{
	if [ $# -gt 1 ]; then
		_pg_db=$1
		shift
	else
		_pg_db=chatd
	fi
	pg_as "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_dir" \
	    -U "$pg_user" -d "$_pg_db" -c "$1"
}

pg_stop()
{
	[ -n "$pg_pid" ] || return 0
	kill -INT "$pg_pid" 2>/dev/null
	_pg_i=0
	while [ $_pg_i -lt 400 ] && kill -0 "$pg_pid" 2>/dev/null; do
		sleep 0.05
		_pg_i=$((_pg_i + 1))
	done
	kill -0 "$pg_pid" 2>/dev/null && kill -KILL "$pg_pid" 2>/dev/null
	pg_pid=
	wait "$pg_bg" 2>/dev/null
	return 0
}

pg_restart()
{
	pg_stop
	pg_run_server
}

pg_cleanup()
{
	pg_stop
	[ -n "$pg_dir" ] && rm -rf "$pg_dir"
	pg_dir=
}
