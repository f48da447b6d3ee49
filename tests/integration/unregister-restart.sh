#!/bin/sh
# A deleted account and a channel handed over survive a restart
# (restart-unregister.chat).
: "${top_srcdir:?top_srcdir is not set}"
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/integration/run-restart.sh" \
    "$top_srcdir/tests/integration/restart-unregister.chat"
