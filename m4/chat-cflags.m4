# CHAT_CHECK_CFLAG(FLAG, ACTION-IF-OK)
# Try FLAG with -Werror so that unknown flags are refused.
AC_DEFUN([CHAT_CHECK_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	chat_save_CFLAGS=$CFLAGS
	CFLAGS="$CFLAGS -Werror $1"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2], [AC_MSG_RESULT([no])])
	CFLAGS=$chat_save_CFLAGS
])
