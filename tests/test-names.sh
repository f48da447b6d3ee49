#!/bin/sh
# Two tests whose names differ only in extension (foo.chat, foo.sh) share
# automake's foo.log and foo.trs, so one of them silently never runs.
# One test point per test directory.

set -u
: "${top_srcdir:?}"
n=0
for dir in tests/integration tests/gchat tests/unit tests/fuzz; do
	n=$((n + 1))
	dups=$(cd "$top_srcdir/$dir" 2>/dev/null &&
	    ls -- *.chat *.sh 2>/dev/null | sed 's/\.[^.]*$//' | sort |
	    uniq -d | tr '\n' ' ')
	if [ -z "$dups" ]; then
		echo "ok $n - $dir: no two tests share a log name"
	else
		echo "not ok $n - $dir: rename one of each: $dups"
	fi
done
echo "1..$n"
