noinst_LIBRARIES += chatd/libchatd.a
chatd_libchatd_a_SOURCES = \
	chatd/chatd.h \
	chatd/numeric-fmt.h \
	chatd/store.h \
	chatd/store-int.h \
	chatd/account.c \
	chatd/channel.c \
	chatd/chanreg.c \
	chatd/client.c \
	chatd/cluster.c \
	chatd/cluster-int.h \
	chatd/cluster-lua.c \
	chatd/cluster-wire.c \
	chatd/cluster-wire.h \
	chatd/user.c \
	chatd/cmd.c \
	chatd/cmd-account.c \
	chatd/cmd-channel.c \
	chatd/cmd-info.c \
	chatd/cmd-message.c \
	chatd/cmd-oper.c \
	chatd/cmd-register.c \
	chatd/config.c \
	chatd/cmd-file.c \
	chatd/conn.c \
	chatd/file.c \
	chatd/globals.c \
	chatd/history.c \
	chatd/label.c \
	chatd/listen.c \
	chatd/log.c \
	chatd/metadata.c \
	chatd/multiline.c \
	chatd/passwd.c \
	chatd/presence.c \
	chatd/readmarker.c \
	chatd/redact.c \
	chatd/route.c \
	chatd/send.c \
	chatd/whowas.c \
	chatd/ws.c \
	chatd/ttt.c \
	chatd/store.c \
	chatd/store-migrate.c \
	chatd/store-pg.c \
	chatd/store-sqlite.c \
	chatd/workq.c \
	chatd/worker.c \
	chatd/xmalloc.c
CHATD_CPPFLAGS = $(AM_CPPFLAGS) -DSYSCONFDIR='"$(sysconfdir)"' \
	-DLOCALSTATEDIR='"$(localstatedir)"' -DPKGDATADIR='"$(pkgdatadir)"'
CHATD_CFLAGS = $(AM_CFLAGS) -Wswitch-enum $(LIBEVENT_CFLAGS) $(LIBBSD_CFLAGS) \
	$(SQLITE_CFLAGS) $(LIBPQ_CFLAGS) $(HIREDIS_CFLAGS) $(OPENSSL_CFLAGS) \
	$(ARGON2_CFLAGS) $(WSLAY_CFLAGS)
chatd_libchatd_a_CPPFLAGS = $(CHATD_CPPFLAGS)
chatd_libchatd_a_CFLAGS = $(CHATD_CFLAGS)

sbin_PROGRAMS += chatd/chatd
chatd_chatd_SOURCES = chatd/main.c
chatd_chatd_CPPFLAGS = $(CHATD_CPPFLAGS)
chatd_chatd_CFLAGS = $(CHATD_CFLAGS)
CHATD_LIBS = chatd/libchatd.a libchat/libchat.a $(LIBEVENT_SSL_LIBS) \
	$(LIBEVENT_LIBS) $(LIBBSD_LIBS) $(SQLITE_LIBS) $(LIBPQ_LIBS) $(HIREDIS_LIBS) \
	$(ARGON2_LIBS) $(WSLAY_LIBS) $(OPENSSL_LIBS) -lpthread
chatd_chatd_LDADD = $(CHATD_LIBS)
