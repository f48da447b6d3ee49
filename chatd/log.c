/* Logging to stderr with levels; fatal errors end the process. */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

static int log_level = LOG_INFO;
static unsigned log_nwarnings; /* warnings logged or not, for chatd -t */

/*
 * Repeated warnings: a failing disk or a flooder can make the same line
 * thousands of times a minute. Each of the last few distinct warnings is
 * printed once per LOG_REPEAT_SECS; the copies in between are counted and
 * the count is printed when the window has passed and it comes again.
 * Workers log too, hence the lock.
 */
#define LOG_REPEAT_SECS 60
#define LOG_REPEAT_SLOTS 8
struct log_repeat {
	char text[256];
	time_t since;
	unsigned count;
};
static struct log_repeat log_repeats[LOG_REPEAT_SLOTS];
static unsigned log_repeat_next;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
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

/* Write one line, already formatted. */
static void
log_write(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/*
 * Whether a warning is a copy of a recent one and is only counted; when
 * its window has passed, the count of the copies goes out first.
 */
static bool
log_repeated(const char *text)
{
	struct log_repeat *r;
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < LOG_REPEAT_SLOTS; i++) {
		r = &log_repeats[i];
		if (r->since == 0 || strcmp(r->text, text) != 0)
			continue;
		if (now - r->since < LOG_REPEAT_SECS) {
			r->count++;
			return true;
		}
		if (r->count > 0)
			log_write(LOG_WARN,
			    "last message repeated %u times: %s", r->count,
			    text);
		r->since = now;
		r->count = 0;
		return false;
	}
	r = &log_repeats[log_repeat_next++ % LOG_REPEAT_SLOTS];
	if (r->count > 0)
		log_write(LOG_WARN, "last message repeated %u times: %s",
		    r->count, r->text);
	strlcpy(r->text, text, sizeof r->text);
	r->since = now;
	r->count = 0;
	return false;
}

/* Log a message if its level is enabled. */
void
log_msg(int level, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	pthread_mutex_lock(&log_lock);
	if (level == LOG_WARN)
		log_nwarnings++;
	if (level > log_level) {
		pthread_mutex_unlock(&log_lock);
		return;
	}
	va_start(ap, fmt);
	if (level == LOG_WARN) {
		vsnprintf(text, sizeof text, fmt, ap);
		if (!log_repeated(text))
			log_write(level, "%s", text);
	} else
		log_vwrite(level, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&log_lock);
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
