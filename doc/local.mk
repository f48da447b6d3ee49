# doc: manual pages and the protocol reference.
dist_man_MANS += doc/chatd.8 doc/chatd.conf.5
dist_doc_DATA += doc/PROTOCOL.md doc/ARCHITECTURE.md README.md \
	doc/CLUSTER.md
# gchat: its guide and the screenshots it shows (made by tests/gchat/gui.sh
# with GCHAT_SHOT_DIR=doc).
EXTRA_DIST += doc/gchat.md doc/gchat-main.png doc/gchat-admin.png doc/gchat-narrow.png doc/gchat-game.png doc/gchat-file.png \
	doc/gchat-account.png doc/gchat-history.png
# The TLS trust dialog and the history divider (branch gchat-polish).
EXTRA_DIST += doc/gchat-trust.png doc/gchat-history-divider.png

# Group settings screenshot (branch gchat-groups).
EXTRA_DIST += doc/gchat-group-settings.png
# gchat: operators, game statistics and server information.
EXTRA_DIST += doc/gchat-server.png doc/gchat-profiles.png
# gchat: typing notifications (branch gchat-typing).
EXTRA_DIST += doc/gchat-typing.png
# Loading earlier messages on scrolling up (branch gchat-scrollback).
EXTRA_DIST += doc/gchat-scrollback-loading.png doc/gchat-scrollback-beginning.png

# libadwaita: the preferences window and the dark style (branch gchat).
EXTRA_DIST += doc/gchat-preferences-dark.png doc/gchat-dark.png doc/gchat-narrow-sidebar.png \
	doc/gchat-toast.png doc/gchat-links.png doc/gchat-emoji.png \
	doc/gchat-switcher.png doc/gchat-shortcuts.png doc/gchat-about.png
EXTRA_DIST += doc/gchat-search.png doc/gchat-mentions.png doc/gchat-mention-found.png doc/gchat-kick.png doc/gchat-link-focus.png \
	doc/gchat-failover.png
# Multiline messages and withdrawing one (issue 15), made by tests/gchat/drafts.sh.
EXTRA_DIST += doc/gchat-multiline.png doc/gchat-multiline-entry.png doc/gchat-withdraw-menu.png \
	doc/gchat-withdraw.png
