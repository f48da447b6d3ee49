#!/bin/sh
# Test chat-expect against fake-server: transcripts that should pass must
# pass, and each kind of broken transcript must fail, so the harness can
# never silently pass.

set -u
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
: "${top_builddir:?top_builddir is not set}"
fake=$top_builddir/tests/integration/fake-server

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-expect-test.XXXXXX") || exit 99
fake_pid=
cleanup()
{
	if [ -n "$fake_pid" ]; then
		kill -TERM "$fake_pid" 2>/dev/null
		wait "$fake_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

"$fake" >"$tmp/port" &
fake_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
port=$(cat "$tmp/port")
if [ -z "$port" ]; then
	echo "Bail out! fake-server did not print its port"
	exit 1
fi

n=0
failed=0

# check NAME RC GREP [OPTIONS...]: run chat-expect on $tmp/NAME with
# OPTIONS, expect exit status RC and output matching the regex GREP.
check()
{
	name=$1 want_rc=$2 want=$3
	shift 3
	n=$((n + 1))
	"$CHAT_EXPECT" -p "$port" -t 1000 "$@" "$tmp/$name" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq "$want_rc" ] && grep -q -E -e "$want" "$tmp/out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (status $rc, wanted $want_rc and /$want/)"
		sed 's/^/#   | /' "$tmp/out"
		failed=1
	fi
}

# --- transcripts that must pass

cat >"$tmp/basic.chat" <<'EOF'
# Comments and blank lines are ignored.

a< HELLO
a> hello world
a< hello world
a>hello without the space
a<hello without the space
a> star * and [brackets]
a< star \* and \[brackets]
a> QUIT
a< BYE
a closed
EOF
check basic.chat 0 '^ok 1 - '

cat >"$tmp/bigline.chat" <<'EOF'
a< HELLO
a> BIG
a< BIG xxxxxxxxxx*xxxxxxxxxxEND
a> after
a< after
EOF
check bigline.chat 0 '^ok 1 - '

cat >"$tmp/partial.chat" <<'EOF'
# The server sends half a line, then the rest 50 ms later.
a< HELLO
a> SPLIT
a< SPLIT-ONE-LINE
EOF
check partial.chat 0 '^ok 1 - '

cat >"$tmp/raw.chat" <<'EOF'
# A NUL, a line split over two writes, \xHH and \\.
a< HELLO
a>> COUNT a\0b\r\n
a< COUNT 9
a>> COU
a>> NT \x41\\\r\n
a< COUNT 8
a>> one\r\ntwo\n
a< one
a< two
EOF
check raw.chat 0 '^ok 1 - '

cat >"$tmp/repeat.chat" <<'EOF'
a< HELLO
a>* 2000 line {i} of 2000 ({i})
a< line 1 of 2000 (1)
a~ line 1999 of *
a< line 2000 of 2000 (2000)
EOF
check repeat.chat 0 '^ok 1 - '

cat >"$tmp/burst.chat" <<'EOF'
# The server sends faster than we read.
a< HELLO
a> BURST 100000
a~ LINE 99999
a< LINE 100000
EOF
check burst.chat 0 '^ok 1 - '

cat >"$tmp/multi.chat" <<'EOF'
# Lines go only where they are sent; `!` proves c got nothing.
a< HELLO
b< HELLO
c< HELLO
b> NAME bee
b> ping
b< ping
a> TO bee private \
words
b< private words
c! *private*
c> RST
c closed
EOF
check multi.chat 0 '^ok 1 - '

cat >"$tmp/slow.chat" <<'EOF'
# A paused reader with a small buffer leaves the server's queue full.
a connect rcvbuf=4096
a< HELLO
a pause
a> BURST 1000000
b< HELLO
b> PENDING
b< PENDING [1-9]*
a resume
# Reading back a million lines takes a while on a loaded machine (and
# under the sanitizers): allow for it.
set timeout 60000
a~ LINE 1000000
EOF
check slow.chat 0 '^ok 1 - '

cat >"$tmp/doc.md" <<'EOF'
# Protocol

```sh
# not a heading, and not a transcript
a< nothing
```

## Echo

```chat
a< HELLO
a> hi
a< hi
```

## Close

```chat
a< HELLO
a close
b< HELLO
```
EOF
check doc.md 0 '^ok 2 - .*doc.md: Close$' -m

# --- transcripts that must fail, each with a useful diagnostic

cat >"$tmp/mismatch.chat" <<'EOF'
a< HELLO
a> foo
a< bar
EOF
check mismatch.chat 1 '^#   got: +foo$' 

cat >"$tmp/timeout.chat" <<'EOF'
a< HELLO
a> SILENT
a< anything
EOF
check timeout.chat 1 'timed out after 1000 ms'

cat >"$tmp/settimeout.chat" <<'EOF'
set timeout 200
a< HELLO
a> SILENT
a~ anything
EOF
check settimeout.chat 1 'timed out after 200 ms'

cat >"$tmp/eof.chat" <<'EOF'
a< HELLO
a> QUIT
a< BYE
a< more
EOF
check eof.chat 1 'connection closed by the server'

cat >"$tmp/rst.chat" <<'EOF'
a< HELLO
a> RST
a< more
EOF
check rst.chat 1 'connection closed by the server'

cat >"$tmp/notclosed.chat" <<'EOF'
a< HELLO
a closed
EOF
check notclosed.chat 1 'still open after'

cat >"$tmp/absent.chat" <<'EOF'
a< HELLO
a> secret
a! *secret*
EOF
check absent.chat 1 'should not have'

cat >"$tmp/syntax.chat" <<'EOF'
a< HELLO
A> upper case names are not allowed
EOF
check syntax.chat 1 'syntax.chat:2: syntax error'

cat >"$tmp/escape.chat" <<'EOF'
a>> bad \q escape
EOF
check escape.chat 1 'syntax error: bad escape'

cat >"$tmp/step.chat" <<'EOF'
a< HELLO

a> one
a< two
EOF
check step.chat 1 'step .*step.chat:4: a< two'

cat >"$tmp/later.md" <<'EOF'
## Good

```chat
a< HELLO
```

## Bad

```chat
a< GOODBYE
```

## Good again

```chat
a< HELLO
```
EOF
check later.md 1 '^not ok 2 - .*later.md: Bad' -m
n=$((n + 1))
if grep -q '^ok 3 - .*Good again$' "$tmp/out" &&
    grep -q '^1\.\.3$' "$tmp/out"; then
	echo "ok $n - a failed transcript does not stop the next one"
else
	echo "not ok $n - a failed transcript does not stop the next one"
	failed=1
fi

cat >"$tmp/cap.chat" <<'EOF'
set timeout 60000
a< HELLO
a> SILENT
a< never
EOF
check cap.chat 1 '^Bail out!' -T 1

cat >"$tmp/missing.chat" <<'EOF'
EOF
rm -f "$tmp/missing.chat"
check missing.chat 1 '^not ok 1 - '

# A server that is not there: fake-server's port after it stopped.
kill -TERM "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null
fake_pid=
cat >"$tmp/refused.chat" <<'EOF'
a< HELLO
EOF
check refused.chat 1 'cannot connect'

echo "1..$n"
exit $failed
