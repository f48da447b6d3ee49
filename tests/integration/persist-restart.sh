#!/bin/sh
# TTT statistics and stored files across a restart (restart-persist.chat).
: "${top_srcdir:?top_srcdir is not set}"
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/integration/run-restart.sh" \
    "$top_srcdir/tests/integration/restart-persist.chat"
