noinst_LIBRARIES += chatd/libchatd.a
chatd_libchatd_a_SOURCES = \
	chatd/chatd.h
chatd_libchatd_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBBSD_CFLAGS) $(SQLITE_CFLAGS) $(OPENSSL_CFLAGS)

sbin_PROGRAMS += chatd/chatd
chatd_chatd_SOURCES = chatd/main.c
chatd_chatd_CFLAGS = $(chatd_libchatd_a_CFLAGS)
CHATD_LIBS = chatd/libchatd.a libchat/libchat.a $(LIBEVENT_SSL_LIBS) $(LIBEVENT_LIBS) \
	$(LIBBSD_LIBS) $(SQLITE_LIBS) $(ARGON2_LIBS) $(OPENSSL_LIBS) -lpthread
chatd_chatd_LDADD = $(CHATD_LIBS)
