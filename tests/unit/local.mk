# tests/unit: in-process TAP tests of libchat.
UNIT_LDADD = libchat/libchat.a tests/libtap.a
UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests

check_PROGRAMS += \
	tests/unit/test-msg \
	tests/unit/test-casemap \
	tests/unit/test-utf8 \
	tests/unit/test-linebuf \
	tests/unit/test-mode \
	tests/unit/test-time \
	tests/unit/test-ttt
TESTS += \
	tests/unit/test-msg \
	tests/unit/test-casemap \
	tests/unit/test-utf8 \
	tests/unit/test-linebuf \
	tests/unit/test-mode \
	tests/unit/test-time \
	tests/unit/test-ttt

tests_unit_test_msg_LDADD = $(UNIT_LDADD)
tests_unit_test_casemap_LDADD = $(UNIT_LDADD)
tests_unit_test_utf8_LDADD = $(UNIT_LDADD)
tests_unit_test_linebuf_LDADD = $(UNIT_LDADD)
tests_unit_test_ttt_LDADD = $(UNIT_LDADD)
tests_unit_test_mode_LDADD = $(UNIT_LDADD)
tests_unit_test_time_LDADD = $(UNIT_LDADD)
tests_unit_test_msg_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_casemap_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_utf8_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_linebuf_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_ttt_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_mode_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_time_CPPFLAGS = $(UNIT_CPPFLAGS)

# The encoding between cluster nodes (chatd/cluster-wire.c, pure).
check_PROGRAMS += tests/unit/test-cluster-wire
TESTS += tests/unit/test-cluster-wire
tests_unit_test_cluster_wire_SOURCES = tests/unit/test-cluster-wire.c \
	chatd/cluster-wire.c
tests_unit_test_cluster_wire_LDADD = tests/libtap.a
tests_unit_test_cluster_wire_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/chatd

# draft/multiline limits and splitting, gchat's sending side (libchat/multiline.c).
check_PROGRAMS += tests/unit/test-multiline
TESTS += tests/unit/test-multiline
tests_unit_test_multiline_LDADD = $(UNIT_LDADD)
tests_unit_test_multiline_CPPFLAGS = $(UNIT_CPPFLAGS)

# SENDFILE rules both sides use (libchat/file.c).
check_PROGRAMS += tests/unit/test-filechunk
TESTS += tests/unit/test-filechunk
tests_unit_test_filechunk_LDADD = $(UNIT_LDADD)
tests_unit_test_filechunk_CPPFLAGS = $(UNIT_CPPFLAGS)

# chatd pieces without sockets: command table, password hashes, work queue.
check_PROGRAMS += tests/unit/test-oper
TESTS += tests/unit/test-oper
tests_unit_test_oper_CPPFLAGS = $(CHATD_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_oper_CFLAGS = $(CHATD_CFLAGS)
tests_unit_test_oper_LDADD = tests/libtap.a $(CHATD_LIBS)

# The store (chatd/store.c) through its interface (issue 4).
check_PROGRAMS += tests/unit/test-store
TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c
tests_unit_test_store_CPPFLAGS = $(CHATD_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_store_CFLAGS = $(CHATD_CFLAGS)
tests_unit_test_store_LDADD = $(CHATD_LIBS) tests/libtap.a
# The same tests against a private PostgreSQL server (issue 13).
TESTS += tests/unit/store-pg.sh
EXTRA_DIST += tests/unit/store-pg.sh tests/pg-lib.sh

# The addressing layer with a user of another node (issue 12).
check_PROGRAMS += tests/unit/test-route
TESTS += tests/unit/test-route
tests_unit_test_route_CPPFLAGS = $(CHATD_CPPFLAGS) -I$(top_srcdir)/tests
tests_unit_test_route_CFLAGS = $(CHATD_CFLAGS)
tests_unit_test_route_LDADD = tests/libtap.a $(CHATD_LIBS)
