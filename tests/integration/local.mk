# tests/integration: transcripts replayed against the real chatd.

# The transcript runner; AM_TESTS_ENVIRONMENT exports its path as CHAT_EXPECT.
check_PROGRAMS += tests/chat-expect tests/integration/fake-server
tests_chat_expect_SOURCES = tests/chat-expect.c
tests_integration_fake_server_SOURCES = tests/integration/fake-server.c

# The runner tests itself against the fake server: passing transcripts
# must pass and broken ones must fail.
TESTS += tests/integration/test-chat-expect.sh

# Replays every ```chat block of doc/PROTOCOL.md (skips while there is none).
TESTS += tests/integration/run-doc.sh

# chatd -t on the example configuration and on broken ones.
TESTS += tests/integration/config.sh tests/integration/ipv6.sh \
	tests/integration/signals.sh
EXTRA_DIST += tests/integration/config.sh tests/integration/ipv6.sh \
	tests/integration/signals.sh tests/integration/lib.sh

# Replays the netcat walk-through of README.md.
TESTS += tests/integration/run-readme.sh

# Transcripts (*.chat) are run by run-chat.sh (CHAT_LOG_COMPILER), each
# against its own chatd.
CHAT_FOUNDATION_TESTS = \
	tests/integration/register.chat \
	tests/integration/register-timeout.chat \
	tests/integration/chat.chat \
	tests/integration/channel.chat \
	tests/integration/kick.chat \
	tests/integration/badinput.chat \
	tests/integration/slowreader.chat \
	tests/integration/maxclients.chat \
	tests/integration/motd-missing.chat
TESTS += $(CHAT_FOUNDATION_TESTS)
EXTRA_DIST += $(CHAT_FOUNDATION_TESTS)
EXTRA_DIST += \
	tests/integration/README.md \
	tests/integration/run-chat.sh \
	tests/integration/run-doc.sh \
	tests/integration/run-readme.sh \
	tests/integration/test-chat-expect.sh \
	tests/integration/ngircd/ngircd.chat \
	tests/integration/ngircd/run-ngircd.sh

# Tic-tac-toe (chatd/ttt.c): whole games between real clients.
TTT_CHATS = \
	tests/integration/ttt-win.chat \
	tests/integration/ttt-draw.chat \
	tests/integration/ttt-resign.chat \
	tests/integration/ttt-forfeit.chat \
	tests/integration/ttt-reconnect.chat \
	tests/integration/ttt-expire.chat \
	tests/integration/ttt-errors.chat
TESTS += $(TTT_CHATS)
EXTRA_DIST += $(TTT_CHATS)

# SENDFILE (file transfer): transcripts, and a shell test with
# contrib/chatfile for big files, resuming and a full disk.
TESTS += \
	tests/integration/sendfile.chat \
	tests/integration/sendfile-group.chat \
	tests/integration/sendfile-errors.chat \
	tests/integration/sendfile-resume.chat \
	tests/integration/sendfile-names.chat \
	tests/integration/sendfile-squat.chat \
	tests/integration/sendfile-stream.chat \
	tests/integration/sendfile-stream-resume.chat \
	tests/integration/sendfile-stream-timeout.chat \
	tests/integration/sendfile-chatfile.sh
EXTRA_DIST += \
	tests/integration/sendfile-squat.chat \
	tests/integration/sendfile-stream.chat \
	tests/integration/sendfile-stream-resume.chat \
	tests/integration/sendfile-stream-timeout.chat \
	tests/integration/sendfile.chat \
	tests/integration/sendfile-group.chat \
	tests/integration/sendfile-errors.chat \
	tests/integration/sendfile-resume.chat \
	tests/integration/sendfile-names.chat \
	tests/integration/sendfile-chatfile.sh

# Issue 3: the full IRC command set, IRCv3, operators, flood control.
IRC_CHAT_TESTS = \
	tests/integration/irc-oper.chat \
	tests/integration/irc-order.chat \
	tests/integration/irc-die.chat \
	tests/integration/irc-cap.chat \
	tests/integration/irc-label.chat \
	tests/integration/irc-monitor.chat \
	tests/integration/irc-away.chat \
	tests/integration/irc-info.chat \
	tests/integration/irc-nick.chat \
	tests/integration/irc-modes.chat \
	tests/integration/irc-exceptions.chat \
	tests/integration/irc-kick.chat \
	tests/integration/irc-flood.chat \
	tests/integration/irc-limits.chat \
	tests/integration/irc-connrate.chat \
	tests/integration/irc-trusted.chat \
	tests/integration/irc-tags.chat
TESTS += $(IRC_CHAT_TESTS)
EXTRA_DIST += $(IRC_CHAT_TESTS)
# irssi, driven by expect, talks with a raw client (skips without irssi).
TESTS += tests/integration/irc-irssi.sh
EXTRA_DIST += tests/integration/irc-irssi.sh
# A reload announces changed capability values (cap-notify).
TESTS += tests/integration/irc-rehash.sh tests/integration/irc-retrust.sh \
	tests/integration/trusted-input.sh tests/integration/eof.sh
EXTRA_DIST += tests/integration/irc-rehash.sh tests/integration/irc-retrust.sh \
	tests/integration/trusted-input.sh tests/integration/eof.sh
# chatd --hash-password, chatd -t on oper lines, OPER with a made hash.
TESTS += tests/integration/irc-passwd.sh
EXTRA_DIST += tests/integration/irc-passwd.sh

# Accounts, offline messages, history and the store (issue 4).
check_PROGRAMS += tests/integration/store-load
tests_integration_store_load_SOURCES = tests/integration/store-load.c
TESTS += tests/integration/store-durability.sh
EXTRA_DIST += tests/integration/store-durability.sh
TESTS += tests/integration/offline-restart.sh
EXTRA_DIST += tests/integration/run-restart.sh \
	tests/integration/offline-restart.sh \
	tests/integration/restart-offline.chat
TESTS += tests/integration/accounts.chat tests/integration/history.chat \
	tests/integration/accounts-pm.chat tests/integration/history-private.chat \
	tests/integration/accounts-squat.chat
EXTRA_DIST += tests/integration/accounts.chat tests/integration/history.chat \
	tests/integration/accounts-pm.chat tests/integration/history-private.chat \
	tests/integration/accounts-squat.chat
TESTS += tests/integration/tls.sh
EXTRA_DIST += tests/integration/tls.sh
TESTS += tests/integration/channels-restart.sh
EXTRA_DIST += tests/integration/channels-restart.sh \
	tests/integration/restart-channels.chat
TESTS += tests/integration/store-locked.sh
EXTRA_DIST += tests/integration/store-locked.sh
TESTS += tests/integration/store-full.sh tests/integration/store-bound.sh \
	tests/integration/login-throttle.sh tests/integration/store-behind.sh \
	tests/integration/trusted-held.sh tests/integration/history-durable.sh
EXTRA_DIST += tests/integration/store-bound.sh \
	tests/integration/history-durable.sh \
	tests/integration/login-throttle.sh tests/integration/store-behind.sh \
	tests/integration/trusted-held.sh
EXTRA_DIST += tests/integration/store-full.sh

# TTT statistics and stored files across a restart (branch persist).
TESTS += tests/integration/persist-restart.sh
EXTRA_DIST += tests/integration/persist-restart.sh \
	tests/integration/restart-persist.chat
TESTS += tests/integration/sendfile-restart.sh
EXTRA_DIST += tests/integration/sendfile-restart.sh \
	tests/integration/sendfile-lib.sh
TESTS += tests/integration/ttt-login.chat
EXTRA_DIST += tests/integration/ttt-login.chat

# Issue 15: what current IRC clients expect, and a server password.
TESTS += tests/integration/irc-client.chat \
	tests/integration/irc-serverpass.chat
EXTRA_DIST += tests/integration/irc-client.chat \
	tests/integration/irc-serverpass.chat
# HELPOP and LINKS, WALLOPS and user mode +w, STATUSMSG (@#chan).
TESTS += tests/integration/irc-helpop-links.chat \
	tests/integration/irc-wallops.chat \
	tests/integration/irc-statusmsg.chat
EXTRA_DIST += tests/integration/irc-helpop-links.chat \
	tests/integration/irc-wallops.chat \
	tests/integration/irc-statusmsg.chat
# IRCv3 setname and bot-mode.
TESTS += tests/integration/irc-setname.chat tests/integration/irc-bot.chat
EXTRA_DIST += tests/integration/irc-setname.chat \
	tests/integration/irc-bot.chat
# ELIST filters for LIST.
TESTS += tests/integration/irc-elist.chat
EXTRA_DIST += tests/integration/irc-elist.chat

# WHOX: WHO <mask> %fields[,token] answers 354 (branch gchat-polish).
TESTS += tests/integration/irc-whox.chat
EXTRA_DIST += tests/integration/irc-whox.chat
# The batch tag reaches clients without message-tags (gchat's history).
TESTS += tests/integration/history-batch.chat
EXTRA_DIST += tests/integration/history-batch.chat

# CHANADMIN machine lines (chatd/chanadmin capability), branch gchat-groups.
TESTS += tests/integration/chanadmin.chat
EXTRA_DIST += tests/integration/chanadmin.chat

# UNREGISTER and CHANADMIN OWNER (branch accounts-drop).
TESTS += tests/integration/unregister.chat tests/integration/chanowner.chat
EXTRA_DIST += tests/integration/unregister.chat \
	tests/integration/chanowner.chat
TESTS += tests/integration/unregister-restart.sh
EXTRA_DIST += tests/integration/unregister-restart.sh \
	tests/integration/restart-unregister.chat

# The PostgreSQL store (issue 13): the store's transcripts on PostgreSQL,
# crash and outage durability, two processes on one database, migration.
TESTS += tests/integration/store-pg.sh
EXTRA_DIST += tests/integration/store-pg.sh
TESTS += tests/integration/store-pg-durability.sh
EXTRA_DIST += tests/integration/store-pg-durability.sh
TESTS += tests/integration/store-pg-multi.sh
EXTRA_DIST += tests/integration/store-pg-multi.sh

# Several nodes on one Redis and one PostgreSQL (doc/CLUSTER.md), driven
# by a python3 client that holds sockets on every node.
TESTS += tests/integration/cluster.sh
EXTRA_DIST += tests/integration/cluster.sh \
	tests/integration/cluster-client.py tests/cluster-lib.sh
# IRCv3 drafts (issue 15): multiline messages.
TESTS += tests/integration/irc-multiline.chat
EXTRA_DIST += tests/integration/irc-multiline.chat
# IRCv3 drafts: message redaction.
TESTS += tests/integration/irc-redact.chat
EXTRA_DIST += tests/integration/irc-redact.chat
# IRCv3 drafts: read markers, across a restart.
TESTS += tests/integration/readmarker-restart.sh
EXTRA_DIST += tests/integration/readmarker-restart.sh \
	tests/integration/restart-readmarker.chat
# IRCv3 drafts: channel rename.
TESTS += tests/integration/irc-rename.chat
EXTRA_DIST += tests/integration/irc-rename.chat
TESTS += tests/integration/rename-restart.sh
EXTRA_DIST += tests/integration/rename-restart.sh \
	tests/integration/restart-rename.chat
# IRCv3 drafts: metadata, and across a restart.
TESTS += tests/integration/irc-metadata.chat \
	tests/integration/metadata-restart.sh
EXTRA_DIST += tests/integration/irc-metadata.chat \
	tests/integration/metadata-restart.sh \
	tests/integration/restart-metadata.chat

# WebSocket (chatd/ws.c): python3 clients of the standard library against
# listen-ws and listen-wss beside plain TCP clients, a real browser's
# WebSocket (headless Chromium), and irc-framework (Kiwi IRC's library)
# under node.
TESTS += tests/integration/ws.sh tests/integration/ws-browser.sh \
	tests/integration/ws-irc-framework.sh
EXTRA_DIST += tests/integration/ws.sh tests/integration/ws.py \
	tests/integration/wslib.py tests/integration/ws-browser.sh \
	tests/integration/ws-browser.py \
	tests/integration/ws-irc-framework.sh tests/js/irc-framework.js \
	tests/js/package.json tests/js/package-lock.json
