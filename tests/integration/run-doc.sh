#!/bin/sh
# Replay every ```chat block of doc/PROTOCOL.md against a fresh chatd, so
# the protocol document cannot drift from what the daemon does.
# Skips while the document has no such block.

set -u
: "${top_srcdir:?top_srcdir is not set}"
doc=doc/PROTOCOL.md

cd "$top_srcdir" || exit 99
if ! grep -q -E '^ {0,3}(```+|~~~+) *chat( .*)?$' "$doc" 2>/dev/null; then
	echo "1..0 # SKIP $doc has no \`\`\`chat blocks yet"
	exit 0
fi
exec "${SHELL:-/bin/sh}" tests/integration/run-chat.sh -m "$doc"
