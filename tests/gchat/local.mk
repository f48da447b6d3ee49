# tests/gchat: GTest programs for the GTK client. test-model needs no
# display; test-gui runs under its own Xvfb and session bus with a real
# chatd on loopback (tests/gchat/gui.sh starts all three).
EXTRA_DIST += tests/gchat/gui.sh tests/gchat/skip.sh tests/gchat/.clang-format
if BUILD_GCHAT
GCHAT_TEST_CPPFLAGS = $(GCHAT_CPPFLAGS)
GCHAT_TEST_CFLAGS = $(GCHAT_CFLAGS)
# The harness every gchat test shares (waits, a raw client, widget lookups).
GCHAT_TEST_COMMON = tests/gchat/gui-common.c tests/gchat/gui-common.h

check_PROGRAMS += tests/gchat/test-model tests/gchat/test-gui tests/gchat/test-accounts
TESTS += tests/gchat/test-model tests/gchat/gui.sh tests/gchat/accounts.sh
EXTRA_DIST += tests/gchat/accounts.sh

tests_gchat_test_model_SOURCES = tests/gchat/test-model.c $(GCHAT_TEST_COMMON)
tests_gchat_test_model_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_model_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_model_LDADD = $(GCHAT_LIBS)

tests_gchat_test_gui_SOURCES = tests/gchat/test-gui.c $(GCHAT_TEST_COMMON)
tests_gchat_test_gui_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_gui_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_gui_LDADD = $(GCHAT_LIBS)

tests_gchat_test_accounts_SOURCES = tests/gchat/test-accounts.c $(GCHAT_TEST_COMMON)
tests_gchat_test_accounts_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_accounts_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_accounts_LDADD = $(GCHAT_LIBS)

# TLS with trust on first use: gui.sh adds a TLS listener (GCHAT_TEST_TLS).
check_PROGRAMS += tests/gchat/test-tls
TESTS += tests/gchat/tls.sh
EXTRA_DIST += tests/gchat/tls.sh
tests_gchat_test_tls_SOURCES = tests/gchat/test-tls.c $(GCHAT_TEST_COMMON)
tests_gchat_test_tls_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_tls_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_tls_LDADD = $(GCHAT_LIBS)

# WHOX accounts after a join, the history divider (branch gchat-polish).
check_PROGRAMS += tests/gchat/test-polish
TESTS += tests/gchat/polish.sh
EXTRA_DIST += tests/gchat/polish.sh
tests_gchat_test_polish_SOURCES = tests/gchat/test-polish.c $(GCHAT_TEST_COMMON)
tests_gchat_test_polish_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_polish_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_polish_LDADD = $(GCHAT_LIBS)
# Group administration: settings, bans, permanent admins (branch gchat-groups).
check_PROGRAMS += tests/gchat/test-groups
TESTS += tests/gchat/groups.sh
EXTRA_DIST += tests/gchat/groups.sh
tests_gchat_test_groups_SOURCES = tests/gchat/test-groups.c $(GCHAT_TEST_COMMON)
tests_gchat_test_groups_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_groups_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_groups_LDADD = $(GCHAT_LIBS)
else
TESTS += tests/gchat/skip.sh
endif

# Operators, game statistics, server information: gui.sh adds an operator
# to chatd.conf (GCHAT_TEST_OPER).
EXTRA_DIST += tests/gchat/oper.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-oper tests/gchat/test-oper-model
TESTS += tests/gchat/oper.sh tests/gchat/test-oper-model
tests_gchat_test_oper_model_SOURCES = tests/gchat/test-oper-model.c $(GCHAT_TEST_COMMON)
tests_gchat_test_oper_model_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_oper_model_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_oper_model_LDADD = $(GCHAT_LIBS)
tests_gchat_test_oper_SOURCES = tests/gchat/test-oper.c $(GCHAT_TEST_COMMON)
tests_gchat_test_oper_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_oper_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_oper_LDADD = $(GCHAT_LIBS)
endif

# Typing notifications (branch gchat-typing).
EXTRA_DIST += tests/gchat/typing.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-typing
TESTS += tests/gchat/typing.sh
tests_gchat_test_typing_SOURCES = tests/gchat/test-typing.c $(GCHAT_TEST_COMMON)
tests_gchat_test_typing_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_typing_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_typing_LDADD = $(GCHAT_LIBS)
endif

# Loading earlier messages on scrolling up (branch gchat-scrollback): gui.sh
# exempts loopback from flood control (GCHAT_TEST_TRUSTED).
EXTRA_DIST += tests/gchat/scrollback.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-scrollback
TESTS += tests/gchat/scrollback.sh
tests_gchat_test_scrollback_SOURCES = tests/gchat/test-scrollback.c $(GCHAT_TEST_COMMON)
tests_gchat_test_scrollback_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_scrollback_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_scrollback_LDADD = $(GCHAT_LIBS)
endif

# Deleting the account from the main menu (branch accounts-drop).
EXTRA_DIST += tests/gchat/unregister.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-unregister
TESTS += tests/gchat/unregister.sh
tests_gchat_test_unregister_SOURCES = tests/gchat/test-unregister.c $(GCHAT_TEST_COMMON)
tests_gchat_test_unregister_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_unregister_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_unregister_LDADD = $(GCHAT_LIBS)
endif

# Search, mentions and the kick confirmation (branch gchat3).
EXTRA_DIST += tests/gchat/find.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-find
TESTS += tests/gchat/find.sh
tests_gchat_test_find_SOURCES = tests/gchat/test-find.c $(GCHAT_TEST_COMMON)
tests_gchat_test_find_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_find_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_find_LDADD = $(GCHAT_LIBS)
endif

# A server entry with two addresses: failing over from a killed chatd (branch gchat3).
EXTRA_DIST += tests/gchat/failover.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-failover
TESTS += tests/gchat/failover.sh
tests_gchat_test_failover_SOURCES = tests/gchat/test-failover.c $(GCHAT_TEST_COMMON)
tests_gchat_test_failover_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_failover_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_failover_LDADD = $(GCHAT_LIBS)
endif

# The IRCv3 drafts in gchat: multiline, withdrawing a message, read markers (issue 15).
EXTRA_DIST += tests/gchat/drafts.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-drafts tests/gchat/test-drafts-model
TESTS += tests/gchat/drafts.sh tests/gchat/test-drafts-model
tests_gchat_test_drafts_model_SOURCES = tests/gchat/test-drafts-model.c $(GCHAT_TEST_COMMON)
tests_gchat_test_drafts_model_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_drafts_model_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_drafts_model_LDADD = $(GCHAT_LIBS)
tests_gchat_test_drafts_SOURCES = tests/gchat/test-drafts.c $(GCHAT_TEST_COMMON)
tests_gchat_test_drafts_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_drafts_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_drafts_LDADD = $(GCHAT_LIBS)
endif

# The GUI benchmark (contrib/gchat-bench/run.sh), run small in the suite so it
# keeps working; it asserts what was done, never a time.
EXTRA_DIST += tests/gchat/bench-smoke.sh contrib/gchat-bench/run.sh contrib/gchat-bench/peer.py
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/bench-gui
TESTS += tests/gchat/bench-smoke.sh
tests_gchat_bench_gui_SOURCES = tests/gchat/bench-gui.c $(GCHAT_TEST_COMMON)
tests_gchat_bench_gui_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_bench_gui_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_bench_gui_LDADD = $(GCHAT_LIBS)
endif

# Display names, status lines and avatars from draft/metadata-2 (issue 15, 18).
EXTRA_DIST += tests/gchat/profiles.sh
if BUILD_GCHAT
check_PROGRAMS += tests/gchat/test-profiles
TESTS += tests/gchat/profiles.sh
tests_gchat_test_profiles_SOURCES = tests/gchat/test-profiles.c $(GCHAT_TEST_COMMON)
tests_gchat_test_profiles_CPPFLAGS = $(GCHAT_TEST_CPPFLAGS)
tests_gchat_test_profiles_CFLAGS = $(GCHAT_TEST_CFLAGS)
tests_gchat_test_profiles_LDADD = $(GCHAT_LIBS)
endif
