# gchat: the GTK4 client. Everything but main.c goes into libgchat.a so the
# tests link the very objects the program runs.
gchat_ui_files = \
	gchat/gchat-window.ui \
	gchat/gchat-message-row.ui \
	gchat/gchat-connect-dialog.ui \
	gchat/gchat-join-dialog.ui \
	gchat/gchat-password-dialog.ui \
	gchat/gchat-unregister-dialog.ui \
	gchat/gchat-member-list.ui \
	gchat/gchat-sidebar-row.ui \
	gchat/gchat-game-board.ui \
	gchat/gchat-transfer-row.ui \
	gchat/gchat-trust-dialog.ui \
	gchat/gchat-group-settings.ui \
	gchat/gchat-scrollback-row.ui \
	gchat/style.css
# Operator commands, game statistics and server information.
gchat_ui_files += \
	gchat/gchat-oper-dialog.ui \
	gchat/gchat-confirm-dialog.ui \
	gchat/gchat-stats-dialog.ui \
	gchat/gchat-server-info-dialog.ui
# Typing notifications.
gchat_ui_files += gchat/gchat-typing-indicator.ui
gchat_ui_files += gchat/gtk/help-overlay.ui
# Search and mentions.
gchat_ui_files += gchat/gchat-search.ui
if BUILD_GCHAT
bin_PROGRAMS += gchat/gchat
noinst_LIBRARIES += gchat/libgchat.a

GCHAT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gchat -I$(top_builddir)/gchat $(GTK_CFLAGS) \
	-DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
	-DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8 -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8 \
	-DADW_VERSION_MIN_REQUIRED=ADW_VERSION_1_2 -DADW_VERSION_MAX_ALLOWED=ADW_VERSION_1_2 \
	-DSOUP_VERSION_MIN_REQUIRED=SOUP_VERSION_3_0 -DSOUP_VERSION_MAX_ALLOWED=SOUP_VERSION_3_0 \
	-DG_LOG_DOMAIN=\"gchat\"
GCHAT_CFLAGS = $(WARN_CFLAGS) -Wno-unused-parameter $(HARDEN_CFLAGS)
GCHAT_LIBS = gchat/libgchat.a libchat/libchat.a $(GTK_LIBS)


gchat_libgchat_a_SOURCES = \
	gchat/gchat-application.c gchat/gchat-application.h \
	gchat/gchat-preferences.c gchat/gchat-preferences.h \
	gchat/gchat-switcher.c gchat/gchat-switcher.h \
	gchat/gchat-search.c gchat/gchat-search.h \
	gchat/gchat-ban.c gchat/gchat-ban.h \
	gchat/gchat-command.c gchat/gchat-command.h \
	gchat/gchat-config.c gchat/gchat-config.h \
	gchat/gchat-connect-dialog.c gchat/gchat-connect-dialog.h \
	gchat/gchat-connection.c gchat/gchat-connection.h gchat/gchat-connection-private.h \
	gchat/gchat-connection-register.c \
	gchat/gchat-contact.c gchat/gchat-contact.h \
	gchat/gchat-conversation.c gchat/gchat-conversation.h \
	gchat/gchat-dialog.c gchat/gchat-dialog.h \
	gchat/gchat-game.c gchat/gchat-game.h \
	gchat/gchat-game-board.c gchat/gchat-game-board.h \
	gchat/gchat-group.c gchat/gchat-group.h \
	gchat/gchat-group-info.c gchat/gchat-group-info.h \
	gchat/gchat-group-settings.c gchat/gchat-group-settings.h \
	gchat/gchat-join-dialog.c gchat/gchat-join-dialog.h \
	gchat/gchat-password-dialog.c gchat/gchat-password-dialog.h \
	gchat/gchat-unregister-dialog.c gchat/gchat-unregister-dialog.h \
	gchat/gchat-member.c gchat/gchat-member.h \
	gchat/gchat-profile.c gchat/gchat-profile.h \
	gchat/gchat-member-list.c gchat/gchat-member-list.h \
	gchat/gchat-message.c gchat/gchat-message.h \
	gchat/gchat-message-row.c gchat/gchat-message-row.h \
	gchat/gchat-scrollback.c gchat/gchat-scrollback.h \
	gchat/gchat-scrollback-row.c gchat/gchat-scrollback-row.h \
	gchat/gchat-scrollback-view.c gchat/gchat-scrollback-view.h \
	gchat/gchat-session.c gchat/gchat-session.h gchat/gchat-session-private.h \
	gchat/gchat-session-commands.c gchat/gchat-session-games.c \
	gchat/gchat-session-groups.c gchat/gchat-session-history.c \
	gchat/gchat-session-irc.c gchat/gchat-session-numerics.c \
	gchat/gchat-session-multiline.c gchat/gchat-session-markers.c \
	gchat/gchat-session-profiles.c \
	gchat/gchat-session-reconnect.c gchat/gchat-session-transfers.c \
	gchat/gchat-sidebar-row.c gchat/gchat-sidebar-row.h \
	gchat/gchat-transfer.c gchat/gchat-transfer.h \
	gchat/gchat-transfer-row.c gchat/gchat-transfer-row.h \
	gchat/gchat-trust-dialog.c gchat/gchat-trust-dialog.h \
	gchat/gchat-window.c gchat/gchat-window.h gchat/gchat-window-private.h \
	gchat/gchat-window-actions.c gchat/gchat-window-session.c \
	gchat/gchat-window-view.c
# Operator commands, game statistics and server information.
gchat_libgchat_a_SOURCES += \
	gchat/gchat-confirm-dialog.c gchat/gchat-confirm-dialog.h \
	gchat/gchat-oper-dialog.c gchat/gchat-oper-dialog.h \
	gchat/gchat-server-actions.c gchat/gchat-server-actions.h \
	gchat/gchat-server-info-dialog.c gchat/gchat-server-info-dialog.h \
	gchat/gchat-server-requests.c gchat/gchat-server-requests.h \
	gchat/gchat-stats-dialog.c gchat/gchat-stats-dialog.h
# Typing notifications.
gchat_libgchat_a_SOURCES += \
	gchat/gchat-typing.c gchat/gchat-typing.h \
	gchat/gchat-typing-indicator.c gchat/gchat-typing-indicator.h \
	gchat/gchat-typing-notifier.c gchat/gchat-typing-notifier.h
nodist_gchat_libgchat_a_SOURCES = gchat/gchat-resources.c gchat/gchat-resources.h
gchat_libgchat_a_CPPFLAGS = $(GCHAT_CPPFLAGS)
gchat_libgchat_a_CFLAGS = $(GCHAT_CFLAGS)

gchat_gchat_SOURCES = gchat/main.c
gchat_gchat_CPPFLAGS = $(GCHAT_CPPFLAGS)
gchat_gchat_CFLAGS = $(GCHAT_CFLAGS)
gchat_gchat_LDADD = $(GCHAT_LIBS)

# Resources are registered by hand (--manual-register): a constructor in a
# static library would be dropped by the linker.
gchat/gchat-resources.c: gchat/gchat.gresource.xml $(gchat_ui_files) gchat/data/org.chatd.Gchat.svg
	$(AM_V_GEN)$(MKDIR_P) gchat && $(GLIB_COMPILE_RESOURCES) --sourcedir=$(srcdir)/gchat \
		--generate-source --manual-register --c-name gchat --target=$@ $(srcdir)/gchat/gchat.gresource.xml
gchat/gchat-resources.h: gchat/gchat.gresource.xml $(gchat_ui_files) gchat/data/org.chatd.Gchat.svg
	$(AM_V_GEN)$(MKDIR_P) gchat && $(GLIB_COMPILE_RESOURCES) --sourcedir=$(srcdir)/gchat \
		--generate-header --manual-register --c-name gchat --target=$@ $(srcdir)/gchat/gchat.gresource.xml
BUILT_SOURCES += gchat/gchat-resources.c gchat/gchat-resources.h
CLEANFILES += gchat/gchat-resources.c gchat/gchat-resources.h

desktopdir = $(datadir)/applications
dist_desktop_DATA = gchat/data/org.chatd.Gchat.desktop
icondir = $(datadir)/icons/hicolor/scalable/apps
dist_icon_DATA = gchat/data/org.chatd.Gchat.svg
dist_man_MANS += gchat/data/gchat.1
endif

EXTRA_DIST += gchat/gchat.gresource.xml $(gchat_ui_files) \
	gchat/data/org.chatd.Gchat.desktop gchat/data/org.chatd.Gchat.svg gchat/data/gchat.1
