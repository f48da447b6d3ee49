/*
 * A minimal TAP producer; see tap.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

/* The state of one test program; tests are single-threaded. */
static int tap_planned = -1;
static int tap_run;
static int tap_failed;

/* Print the plan line first, as TAP allows. */
void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Print one result line with a formatted description. */
static bool
tap_report(bool cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Report one test. */
bool
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

/* Compare integers. */
bool
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool cond = got == want;

	va_start(ap, fmt);
	tap_report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got %lld, want %lld", got, want);
	return cond;
}

/* Compare strings; two NULLs are equal. */
bool
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool cond;

	if (got == NULL || want == NULL)
		cond = got == want;
	else
		cond = strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("got \"%s\", want \"%s\"", got ? got : "(null)",
		    want ? want : "(null)");
	return cond;
}

/* Print a comment line on stdout, where the driver keeps it in the log. */
void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Finish: a late plan if needed, and non-zero status on any failure. */
int
done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed != 0 || (tap_planned >= 0 && tap_planned != tap_run);
}
