#!/bin/sh
# The layers of chatd (doc/ARCHITECTURE.md) hold, checked on the source:
#  1. only the connection layer (conn.c, label.c, ws.c) and the addressing
#     layer (route.c) write to a connection;
#  2. only route.c, user.c, client.c and conn.c reach from a user to its
#     connection (u->conn): everyone else delivers to a user, wherever it is;
#  3. no loop over channel members, a user's channels, the client list or
#     the nick tree delivers to what it walks, outside route.c and conn.c:
#     that is route_channel, route_peers, route_all and their kin;
#  4. names tell the file: channel_* functions live in channel.c, send_* in
#     send.c.
# First the checks are run on small samples that break each rule, so a
# check that stopped finding anything fails too. One test point per rule.

set -u
: "${top_srcdir:?}"
cd "$top_srcdir/chatd" || exit 99

# Rule 1: files that call a connection's writers.
check_writes() {
	for f in "$@"; do
		case "$(basename "$f")" in
		conn.c | route.c | label.c | ws.c) continue ;;
		esac
		grep -nE '(^|[^a-z_])(conn_write|conn_sock_output|bufferevent_write(_buffer)?|bufferevent_get_output)\(' "$f" |
		    sed "s|^|$(basename "$f"):|"
	done
}

# Rule 2: files that follow a user to its connection.
check_conn() {
	for f in "$@"; do
		case "$(basename "$f")" in
		conn.c | route.c | user.c | client.c) continue ;;
		esac
		grep -nE '(->|\.)conn([^a-zA-Z0-9_]|$)' "$f" |
		    sed "s|^|$(basename "$f"):|"
	done
}

# Rule 3: loops over members, channels, clients or nicks whose body calls
# a delivering function (route_*, send_*, SEND_*, conn_*) on the loop
# variable (v, &v->user, v->user, v->conn...).
check_loops() {
	for f in "$@"; do
		case "$(basename "$f")" in
		conn.c | route.c) continue ;;
		esac
		awk -v file="$(basename "$f")" '
		function opens(s,   t) { t = s; return gsub(/\{/, "", t) }
		function closes(s,   t) { t = s; return gsub(/\}/, "", t) }
		function firstarg(s,   a) {
			a = s
			sub(/,.*/, "", a)
			sub(/\).*/, "", a)
			gsub(/[ \t&()]/, "", a)
			while (sub(/(->|\.)(user|conn|client)$/, "", a))
				;
			return a
		}
		{
			line = $0
			gsub(/"([^"\\]|\\.)*"/, "\"\"", line)
			sub(/\/\*.*\*\//, "", line)
			if (held != "") {
				line = held " " line
				held = ""
			}
			if (line ~ /\($/) {
				held = line
				next
			}
			# Calls on the loop variables of open loops.
			for (i = 1; i <= nloops; i++) {
				s = line
				while (match(s, /(route_[a-z_]+|send_[a-z_]+|SEND_[A-Z_]+|conn_[a-z_]+)\(/)) {
					call = substr(s, RSTART, RLENGTH - 1)
					s = substr(s, RSTART + RLENGTH)
					if (firstarg(s) == var[i])
						printf "%s:%d: %s on %s inside a loop over %s\n",
						    file, NR, call, var[i], head[i]
				}
			}
			# A loop that starts here.
			if (match(line, /(TAILQ|LIST|RB)_FOREACH(_SAFE|_REVERSE)?\(/)) {
				rest = substr(line, RSTART + RLENGTH)
				n = split(rest, part, ",")
				h = line ~ /RB_FOREACH/ ? part[3] : part[2]
				if (h ~ /members|channels|all_clients|nick_tree/) {
					nloops++
					v = part[1]
					gsub(/[ \t]/, "", v)
					var[nloops] = v
					head[nloops] = h
					sub(/^[ \t&]+/, "", head[nloops])
					sub(/[ \t)].*$/, "", head[nloops])
					start[nloops] = depth
					braced[nloops] = line ~ /\{[ \t]*$/
				}
			}
			depth += opens(line) - closes(line)
			# Loops that ended on this line.
			while (nloops > 0) {
				if (braced[nloops] && depth > start[nloops])
					break
				if (!braced[nloops] && (line !~ /;[ \t]*$/ || line ~ /_FOREACH/))
					break
				nloops--
			}
		}' "$f"
	done
}

# Rule 4: channel_* and send_* functions defined outside their files.
check_names() {
	for f in "$@"; do
		case "$(basename "$f")" in
		channel.c) pat='^send_[a-z0-9_]*\(' ;;
		send.c) pat='^channel_[a-z0-9_]*\(' ;;
		*) pat='^(channel|send)_[a-z0-9_]*\(' ;;
		esac
		grep -nE "$pat" "$f" | sed "s|^|$(basename "$f"):|"
	done
}

# Samples that break each rule, for the checks to find.
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/bad.c" <<'EOF'
static void
send_thing(struct channel *ch, struct user *u)
{
	struct member *m;

	bufferevent_write(u->conn->bev, "x", 1);
	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->modes & MEMBER_OP)
			route_user(m->user, &rl);
	}
	TAILQ_FOREACH(m, &ch->members, centry)
		send_raw(m->user->conn,
		    "%s", "x");
}
EOF
cat >"$tmp/good.c" <<'EOF'
static void
names(struct client *c, struct channel *ch)
{
	struct member *m;

	TAILQ_FOREACH(m, &ch->members, centry) {
		SEND_NUMERIC(c, RPL_NAMREPLY, m->user->nick);
	}
	route_user(m->user, &rl);
}
EOF

n=0
point() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1:"
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}
count() {
	[ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l | tr -d ' '
}

got=$(count "$(check_writes "$tmp/bad.c")")
point "the write check finds a sample's write" \
    "$([ "$got" = 1 ] || echo "found $got writes, not 1")"
got=$(count "$(check_conn "$tmp/bad.c")")
point "the connection check finds a sample's u->conn" \
    "$([ "$got" = 2 ] || echo "found $got, not 2")"
got=$(count "$(check_loops "$tmp/bad.c")")
point "the loop check finds both of a sample's delivering loops" \
    "$([ "$got" = 2 ] || echo "found $got, not 2")"
got=$(check_loops "$tmp/good.c")
point "the loop check lets a reply about members pass" "$got"
got=$(count "$(check_names "$tmp/bad.c")")
point "the name check finds a sample's send_* outside send.c" \
    "$([ "$got" = 1 ] || echo "found $got, not 1")"

point "only the connection and addressing layers write to a connection" \
    "$(check_writes ./*.c)"
point "only route.c, user.c, client.c and conn.c follow a user to its connection" \
    "$(check_conn ./*.c)"
point "no loop over members, channels, clients or nicks delivers (route.c does)" \
    "$(check_loops ./*.c)"
point "channel_* functions are in channel.c, send_* in send.c" \
    "$(check_names ./*.c)"
echo "1..$n"
