#!/bin/sh
# The store's integration tests again, on PostgreSQL: every transcript
# that touches accounts, offline messages, history, persistent channels,
# statistics or unregistering, each against a fresh database of one
# private server (tests/pg-lib.sh) through CHAT_DATABASE. One test point
# per transcript; a failing one's output as comments.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
dir=$top_srcdir/tests/integration
. "$top_srcdir/tests/pg-lib.sh"
trap pg_cleanup EXIT
trap 'exit 1' HUP INT TERM

chats="register accounts accounts-pm history history-private
history-batch unregister chanadmin chanowner ttt-login irc-multiline
irc-redact irc-rename irc-metadata"
restarts="restart-offline restart-channels restart-persist
restart-unregister restart-readmarker restart-rename restart-metadata"
n=0
for t in $chats $restarts; do
	n=$((n + 1))
done
echo "1..$n"
pg_start || { echo "Bail out! cannot start a private PostgreSQL"; exit 1; }

n=0
failed=0
for t in $chats $restarts; do
	n=$((n + 1))
	db=$(echo "t_$t" | tr - _)
	CHAT_DATABASE=$(pg_createdb "$db") || {
		echo "not ok $n - $t: createdb failed"
		failed=1
		continue
	}
	export CHAT_DATABASE
	case $t in
	restart-*) runner=$dir/run-restart.sh ;;
	*) runner=$dir/run-chat.sh ;;
	esac
	out=$("${SHELL:-/bin/sh}" "$runner" "$dir/$t.chat" 2>&1)
	if [ $? -eq 0 ]; then
		echo "ok $n - $t.chat on PostgreSQL"
	else
		echo "not ok $n - $t.chat on PostgreSQL"
		echo "$out" | sed 's/^/# /'
		failed=1
	fi
done
exit $failed
