#!/bin/sh
# Every tracked C file is formatted as .clang-format (and gchat's own
# gchat/.clang-format) say: one test point per file that is not.
# Skipped outside a git checkout (a release tarball) or without
# clang-format.

set -u
: "${top_srcdir:?}"
cd "$top_srcdir" || exit 99
if ! command -v clang-format >/dev/null 2>&1; then
	echo "1..0 # SKIP clang-format is not installed"
	exit 0
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "1..0 # SKIP not a git checkout"
	exit 0
fi
n=0
for f in $(git ls-files '*.c' '*.h'); do
	n=$((n + 1))
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f is not clang-formatted (make format fixes it)"
	fi
done
echo "1..$n"
