noinst_LIBRARIES += libchat/libchat.a
libchat_libchat_a_SOURCES = \
	libchat/chat.h \
	libchat/numeric.h \
	libchat/casemap.c \
	libchat/file.c \
	libchat/linebuf.c \
	libchat/mode.c \
	libchat/msg.c \
	libchat/multiline.c \
	libchat/time.c \
	libchat/ttt.c \
	libchat/utf8.c
