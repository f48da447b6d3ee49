/*
 * A bounded LF line splitter over caller storage, for readers of raw bytes.
 *
 * A line may hold size - 1 bytes of text; the CR before its LF does not
 * count, so while a line is pending one extra byte is allowed when it is a
 * CR that the next LF will drop.
 */
#include <string.h>

#include "chat.h"

/* Start an empty splitter over storage. */
void
chat_linebuf_init(struct chat_linebuf *lb, char *storage, size_t size)
{
	lb->buf = storage;
	lb->size = size;
	lb->len = 0;
	lb->overflow = false;
}

/* Report the held text as an overlong line, cut to what storage allows. */
static void
linebuf_toolong(struct chat_linebuf *lb,
    void (*cb)(void *, char *, size_t, bool), void *arg)
{
	size_t n = lb->size - 1;

	if (lb->len < n)
		n = lb->len;
	lb->buf[n] = '\0';
	cb(arg, lb->buf, n, true);
	lb->len = 0;
}

/* Finish the pending line with seg (the bytes up to its LF). */
static void
linebuf_end(struct chat_linebuf *lb, const char *seg, size_t seglen,
    void (*cb)(void *, char *, size_t, bool), void *arg)
{
	size_t total = lb->len + seglen, text = total, copy;
	char lastc;

	if (lb->overflow) {
		/* Already reported; this LF only ends the skipping. */
		lb->overflow = false;
		lb->len = 0;
		return;
	}
	if (total > 0) {
		lastc = seglen > 0 ? seg[seglen - 1] : lb->buf[lb->len - 1];
		if (lastc == '\r')
			text--;
	}
	if (text > lb->size - 1) {
		copy = lb->size - 1 -
		    (lb->len < lb->size - 1 ? lb->len : lb->size - 1);
		if (copy > seglen)
			copy = seglen;
		memcpy(lb->buf + lb->len, seg, copy);
		lb->len += copy;
		linebuf_toolong(lb, cb, arg);
		return;
	}
	if (text > lb->len)
		memcpy(lb->buf + lb->len, seg, text - lb->len);
	lb->buf[text] = '\0';
	lb->len = 0;
	cb(arg, lb->buf, text, false);
}

/* Hold seg, which has no LF; start skipping if the line gets too long. */
static void
linebuf_hold(struct chat_linebuf *lb, const char *seg, size_t seglen,
    void (*cb)(void *, char *, size_t, bool), void *arg)
{
	size_t copy;

	if (lb->overflow || seglen == 0)
		return;
	copy = lb->size - lb->len;
	if (copy > seglen)
		copy = seglen;
	memcpy(lb->buf + lb->len, seg, copy);
	lb->len += copy;
	if (copy == seglen &&
	    (lb->len < lb->size || lb->buf[lb->size - 1] == '\r'))
		return;
	linebuf_toolong(lb, cb, arg);
	lb->overflow = true;
}

/* Split data into lines, calling cb for each one that is complete. */
size_t
chat_linebuf_feed(struct chat_linebuf *lb, const char *data, size_t len,
    void (*cb)(void *arg, char *line, size_t linelen, bool toolong), void *arg)
{
	const char *p = data, *end = data + len, *lf;

	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL) {
			linebuf_hold(lb, p, (size_t)(end - p), cb, arg);
			break;
		}
		linebuf_end(lb, p, (size_t)(lf - p), cb, arg);
		p = lf + 1;
	}
	return len;
}
