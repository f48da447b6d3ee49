/* Logging to stderr with levels; fatal errors end the process. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

static int log_level = LOG_INFO;
static unsigned log_nwarnings; /* warnings logged or not, for chatd -t */
static const char *log_names[] = { "error", "warning", "info", "debug" };

/* Start logging at the given level. */
void
log_open(int level)
{
	log_level = level;
	setvbuf(stderr, NULL, _IOLBF, 0);
}

/* Change the level (on reload). */
void
log_set_level(int level)
{
	log_level = level;
}

/* Write one line with a timestamp and the level. */
static void
log_vwrite(int level, const char *fmt, va_list ap)
{
	char when[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s chatd: %s: ", when, log_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Log a message if its level is enabled. */
void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level == LOG_WARN)
		log_nwarnings++;
	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/* How many warnings were logged (or would have been, at a lower level). */
unsigned
log_warnings(void)
{
	return log_nwarnings;
}

/* Log with the current errno text and exit. */
void
fatal(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "%s: %s", buf, strerror(saved));
	exit(1);
}

/* Log and exit. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
