#!/bin/sh
# Stored files across a restart of chatd, end to end with contrib/chatfile:
# a multi-chunk binary file stored, half downloaded, chatd restarted, then
# the download resumed and the file fetched again whole, both checked with
# SHA-256; an upload cut by a restart continues; a stored file nothing
# refers to and an expired one are removed at start. TAP output.

set -u
: "${CHATD:?CHATD is not set}"
: "${top_srcdir:?top_srcdir is not set}"

sendfile_test=sendfile-restart
. "$top_srcdir/tests/integration/sendfile-lib.sh"

cd "$tmp" || exit 99
head -c 500000 /dev/urandom >file.bin
sum=$(sha256sum <file.bin | cut -d ' ' -f 1)
stored_at=$(date +%s)

start_chatd data

# Stored, and half downloaded when the connection drops.
cf -n bob -o part.bin -s 150000 get >get1.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get1.out 'waiting for an offer'
cf -n alice send bob file.bin >send.out 2>&1
point $? "chatfile sends a 500000-byte file"
grep -q 'stored 1' send.out
point $? "it is stored as transfer 1"
wait_job $getpid
point $([ $rc -eq 3 ]; echo $?) "the download stopped partway"
size=$(wc -c <part.bin)
point $([ "$size" -gt 0 ] && [ "$size" -lt 500000 ]; echo $?) \
    "a partial file of $size bytes is left"

# A stray file in the store: no transfer refers to it.
stray=0000000000000000000000000000000000000000000000000000000000000000
echo junk >"$tmp/data/files/$stray"

stop_chatd "before the restart"
start_chatd data

point $([ ! -e "$tmp/data/files/$stray" ]; echo $?) \
    "the stray file was removed at start"
point $([ -e "$tmp/data/files/$sum" ]; echo $?) \
    "the stored file was kept"
cf -n bob -o part.bin -i 1 get >get2.out 2>&1
point $? "the download finished after the restart"
grep -q "resuming download 1 at $size" get2.out
point $? "it resumed after the bytes already saved"
[ "$(sha256sum <part.bin | cut -d ' ' -f 1)" = "$sum" ]
point $? "the resumed download has the SHA-256 of the file"
cf -n bob -o whole.bin -i 1 get >get3.out 2>&1
point $? "the file is fetched again whole after the restart"
[ "$(sha256sum <whole.bin | cut -d ' ' -f 1)" = "$sum" ]
point $? "that copy has the SHA-256 of the file"
for f in send.out get1.out get2.out get3.out; do
	diag_file $f
done


# An upload cut by the connection, then by a restart, continues after it.
head -c 800000 /dev/urandom >up.bin
# carol is online for the SENDFILE; she gives up after 2 s without news.
sh "$chatfile" -p "$port" -t 2 -P pw-carol-secret -n carol -o up.got get \
    >get4.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get4.out 'waiting for an offer'
cf -n dan -s 100000 send carol up.bin >send4.out 2>&1
point $([ $? -eq 3 ]; echo $?) "an upload stopped partway"
wait_job $getpid
stop_chatd "during an upload"
start_chatd data
cf -n carol -o up.got get >get5.out 2>&1 &
getpid=$!
pids="$pids $getpid"
wait_for get5.out 'waiting for an offer'
cf -n dan send carol up.bin >send5.out 2>&1
point $? "the upload finished after the restart"
grep -q 'resuming upload 2 at [1-9]' send5.out
point $? "it resumed where the server got to, not at 0"
wait_job $getpid
point $rc "the recipient got it"
cmp -s up.bin up.got
point $? "the received bytes are the sent bytes"
for f in send4.out send5.out get5.out; do
	diag_file $f
done

stop_chatd "after the restart"

# With file-keep 1, a second later the transfer has expired: the next
# start removes it and its file.
i=0
while [ $i -lt 100 ] && [ "$(date +%s)" -le $((stored_at + 1)) ]; do
	sleep 0.05
	i=$((i + 1))
done
extra_conf='file-keep 1'
start_chatd data
grep -q 'file 1 expired' "$tmp/data/chatd.log"
point $? "an expired transfer is dropped at start"
point $([ ! -e "$tmp/data/files/$sum" ]; echo $?) \
    "and its stored file is removed"
stop_chatd "with file-keep 1"

echo "1..$n"
exit $failed
