/* Allocation that never returns NULL: out of memory is fatal in chatd. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatd.h"

/* Allocate size bytes. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		fatal("malloc %zu", size);
	return p;
}

/* Allocate zeroed memory. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		fatal("calloc %zu", n * size);
	return p;
}

/* Resize an allocation. */
void *
xrealloc(void *old, size_t size)
{
	void *p = realloc(old, size == 0 ? 1 : size);

	if (p == NULL)
		fatal("realloc %zu", size);
	return p;
}

/* Duplicate a string. */
char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("strdup");
	return p;
}

/* Duplicate at most n bytes of a string. */
char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		fatal("strndup");
	return p;
}

/* Format into a new string. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	return n;
}

/* Replace *dst with a copy of src (or NULL). */
void
replace_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src == NULL ? NULL : xstrdup(src);
}
