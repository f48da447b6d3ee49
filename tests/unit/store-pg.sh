#!/bin/sh
# The store's unit tests (test-store) against a private PostgreSQL server
# (tests/pg-lib.sh) instead of SQLite.
#
# Environment: top_srcdir, top_builddir (set by AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
. "$top_srcdir/tests/pg-lib.sh"
trap pg_cleanup EXIT
trap 'exit 1' HUP INT TERM

if ! pg_start; then
	echo "Bail out! cannot start a private PostgreSQL server"
	exit 1
fi
STORE_TEST_URL=$pg_url "$top_builddir/tests/unit/test-store"
