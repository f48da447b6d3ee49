#!/bin/sh
# SENDFILE end to end with contrib/chatfile against real chatd processes:
# a multi-chunk binary file, resuming an upload and a download after the
# connection was killed, chat during a transfer, the line limits, and a
# full disk (chatd under a file size limit). TAP output.

set -u
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
: "${top_srcdir:?top_srcdir is not set}"

sendfile_test=sendfile-test
. "$top_srcdir/tests/integration/sendfile-lib.sh"

cd "$tmp" || exit 99
head -c 300000 /dev/urandom >big.bin
head -c 500000 /dev/urandom >resume.bin

start_chatd main

# 1. A binary file of seven chunks (lines of 64 KiB) from alice to bob.
cf -n bob -o got.bin get >get.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get.out 'waiting for an offer'
cf -n alice send bob big.bin >send.out 2>&1
point $? "chatfile sends a 300000-byte file"
wait_job $getpid
point $rc "chatfile receives it"
cmp -s big.bin got.bin
point $? "the received bytes are the sent bytes"
[ "$rc" -eq 0 ] || { diag_file send.out; diag_file get.out; }

# 2. Upload and download each killed halfway, then resumed.
cf -n bob -o part.bin -s 150000 get >get1.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get1.out 'waiting for an offer'
cf -n alice -s 100000 send bob resume.bin >send1.out 2>&1
point $([ $? -eq 3 ]; echo $?) "upload stopped by a killed connection"
cf -n alice send bob resume.bin >send2.out 2>&1
point $? "upload finished after reconnecting"
grep -q 'resuming upload 2 at [1-9]' send2.out
point $? "it resumed where the server got to, not at 0"
wait_job $getpid
point $([ $rc -eq 3 ]; echo $?) "download stopped by a killed connection"
size=$(wc -c <part.bin)
point $([ "$size" -gt 0 ] && [ "$size" -lt 500000 ]; echo $?) \
    "a partial file of $size bytes is left"
cf -n bob -o part.bin -i 2 get >get2.out 2>&1
point $? "download finished after reconnecting"
grep -q "resuming download 2 at $size" get2.out
point $? "it resumed after the bytes already saved"
cmp -s resume.bin part.bin
point $? "the resumed download is the file"
diag_file send1.out
diag_file send2.out
diag_file get1.out
diag_file get2.out

# 3. Chat keeps flowing while a file moves.
head -c 3000000 /dev/urandom >chat.bin
cf -n dan -o chat.got get >get3.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get3.out 'waiting for an offer'
cf -n eve send dan chat.bin >send3.out 2>&1 &
sendpid=$!
pids="$pids $sendpid"
cat >chat.chat <<'CHAT'
carl> NICK carl
carl> USER carl 0 * :Carl
carl~ :chatd.test [34][72][62] carl :[EM]*
fay> NICK fay
fay> USER fay 0 * :Fay
fay~ :chatd.test [34][72][62] fay :[EM]*
carl> PRIVMSG fay :ping 1
fay< :carl!*@* PRIVMSG fay :ping 1
fay> PRIVMSG carl :pong 1
carl< :fay!*@* PRIVMSG carl :pong 1
carl> PRIVMSG fay :ping 2
fay< :carl!*@* PRIVMSG fay :ping 2
CHAT
"$CHAT_EXPECT" -P -t 2000 -p "$port" chat.chat >chat.tap 2>&1
point $? "private messages flow during a 3 MB transfer"
diag_file chat.tap | grep -v '^# ok'
wait_job $sendpid
point $rc "the 3 MB file is sent"
wait_job $getpid
cmp -s chat.bin chat.got
point $? "and received whole"

# 4. Line limits: long lines only for SENDFILE DATA.
long=$(head -c 9000 /dev/zero | tr '\0' x)
data=$(head -c 49152 /dev/zero | base64 -w 0)
huge=$(head -c 70000 /dev/zero | tr '\0' A)
toobig=$(head -c 49155 /dev/zero | base64 -w 0)
hash=$(sha256sum <big.bin)
hash=${hash%% *}
{
	# printf, not echo: some echo builtins turn \\r into a CR.
	printf '%s\n' "gil> NICK gil" "gil> USER gil 0 * :Gil" \
	    "gil~ :chatd.test [34][72][62] gil :[EM]*" \
	    "gil>> PRIVMSG gil :$long\\r\\n" \
	    "gil< :chatd.test 417 gil :*" \
	    "gil>> SENDFILE DATA 77 0 $data\\r\\n" \
	    "gil< :chatd.test FAIL SENDFILE NO_SUCH_TRANSFER 77 :*" \
	    "gil>> SENDFILE DATA 77 0 $huge\\r\\n" \
	    "gil< :chatd.test 417 gil :*" \
	    "gil> SENDFILE gil big.bin 100000 $hash" \
	    "gil< :chatd.test SENDFILE UPLOAD 4 0 :big.bin" \
	    "gil>> SENDFILE DATA 4 0 $toobig\\r\\n" \
	    "gil< :chatd.test FAIL SENDFILE CHUNK_TOO_BIG 4 :*" \
	    "gil> SENDFILE CANCEL 4" \
	    "gil< :chatd.test SENDFILE STATUS 4 gil CANCELLED" \
	    "gil> PING :alive" "gil< :chatd.test PONG chatd.test :alive"
} >limits.chat
"$CHAT_EXPECT" -P -p "$port" limits.chat >limits.tap 2>&1
point $? "417 for long lines, 64 KiB only for DATA lines, 48 KiB chunks"
diag_file limits.tap | grep -v '^# ok'

! grep -q 'send queue over' "$tmp/main/chatd.log"
point $? "no slow reader was cut off for its send queue"
stop_chatd main

# 5. A full disk: chatd may write at most some hundred KB.
start_chatd full 400
head -c 2000000 /dev/urandom >full.bin
cf -n bob -t 5 -o full.got get >get4.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get4.out 'waiting for an offer'
cf -n alice send bob full.bin >send4.out 2>&1
point $([ $? -eq 1 ]; echo $?) "an upload to a full disk fails"
grep -q 'FAIL SENDFILE DISK_FULL' send4.out
point $? "with DISK_FULL"
diag_file send4.out
i=0
while [ $i -lt 100 ] && [ -n "$(ls "$tmp/full/files/tmp")" ]; do
	sleep 0.05
	i=$((i + 1))
done
point $([ -z "$(ls "$tmp/full/files/tmp")" ]; echo $?) \
    "the partial file is removed"
kill "$getpid" 2>/dev/null
wait "$getpid" 2>/dev/null
stop_chatd full

echo "1..$n"
exit $failed
