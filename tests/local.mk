# tests: the TAP helper shared by the C tests, then each kind of test.
check_LIBRARIES += tests/libtap.a
tests_libtap_a_SOURCES = tests/tap.c tests/tap.h

include tests/unit/local.mk
include tests/integration/local.mk
include tests/fuzz/local.mk
include tests/gchat/local.mk

# Code formatting (make format fixes what this finds).
TESTS += tests/format.sh
EXTRA_DIST += tests/format.sh

# No two tests may share a .log/.trs name.
TESTS += tests/test-names.sh
EXTRA_DIST += tests/test-names.sh

# chatd's layers: only the connection and addressing layers write to a
# connection, no handler walks members to deliver, names tell the file.
TESTS += tests/layers.sh
EXTRA_DIST += tests/layers.sh
