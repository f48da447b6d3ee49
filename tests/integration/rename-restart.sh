#!/bin/sh
# A renamed persistent channel across a restart (restart-rename.chat).
: "${top_srcdir:?top_srcdir is not set}"
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/integration/run-restart.sh" \
    "$top_srcdir/tests/integration/restart-rename.chat"
