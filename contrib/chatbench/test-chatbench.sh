#!/bin/sh
# Smoke test for chatbench: it builds, prints usage, and refuses any
# target that is not loopback. No server is started here: real runs
# belong to contrib/bench-all.sh.
CB=${top_builddir:-.}/contrib/chatbench/chatbench
n=0
fail=0

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

echo "1..7"
[ -x "$CB" ]
check $? "chatbench is built"

out=$("$CB" 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q '^usage: chatbench'
check $? "no arguments prints usage and exits 2"

"$CB" --help | grep -q 'fanout -c CLIENTS'
check $? "--help lists the fanout scenario"

out=$("$CB" -h 192.0.2.1 -p 6667 fanout -c 2 -s 1 -m 1 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'refusing host 192.0.2.1'
check $? "refuses a non-loopback IPv4 host"

out=$("$CB" -h 2001:db8::1 -p 6667 connect -n 1 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'refusing host'
check $? "refuses a non-loopback IPv6 host"

out=$("$CB" -h irc.example.org -p 6667 connect -n 1 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'refusing host'
check $? "refuses a host name other than localhost"

out=$("$CB" -p 6667 file 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'not implemented'
check $? "file scenario is reserved but not implemented"
exit $fail
