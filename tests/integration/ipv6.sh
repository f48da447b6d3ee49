#!/bin/sh
# The chat transcript again, over IPv6 loopback (skipped without ::1).

set -u
: "${top_srcdir:?}"
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 \
    2>/dev/null; then
	echo "1..0 # SKIP no IPv6 loopback address"
	exit 0
fi
CHAT_HOST=::1 exec "${SHELL:-/bin/sh}" \
    "$top_srcdir/tests/integration/run-chat.sh" \
    "$top_srcdir/tests/integration/chat.chat"
