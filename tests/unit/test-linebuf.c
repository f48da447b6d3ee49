/*
 * Unit tests for the bounded line splitter (libchat/linebuf.c).
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

/* What the callback saw, joined as "text|" or "text!|" for overlong. */
struct seen {
	char log[4096];
	size_t n;
	int calls;
};

/* Record one line; also checks it is NUL-terminated at linelen. */
static void
record(void *arg, char *line, size_t linelen, bool toolong)
{
	struct seen *s = arg;

	s->calls++;
	if (line[linelen] != '\0' || strlen(line) != linelen)
		s->n += (size_t)snprintf(
		    s->log + s->n, sizeof s->log - s->n, "<unterminated>");
	s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n, "%s%s|",
	    line, toolong ? "!" : "");
}

/* Feed the same input in chunks of every size; all must agree. */
static void
feed_all_ways(size_t size, const char *in, const char *want, const char *name)
{
	char storage[64];
	struct chat_linebuf lb;
	struct seen s;
	size_t chunk, off, len = strlen(in), n;
	bool same = true;

	for (chunk = 1; chunk <= len + 1; chunk++) {
		memset(&s, 0, sizeof s);
		chat_linebuf_init(&lb, storage, size);
		for (off = 0; off < len; off += n) {
			n = len - off < chunk ? len - off : chunk;
			if (chat_linebuf_feed(&lb, in + off, n, record, &s) !=
			    n)
				same = false;
		}
		if (strcmp(s.log, want) != 0) {
			diag("chunk %zu: got \"%s\"", chunk, s.log);
			same = false;
			break;
		}
	}
	ok(same, "%s", name);
}

int
main(void)
{
	char storage[8];
	struct chat_linebuf lb;
	struct seen s;

	feed_all_ways(16, "a\r\nbb\ncc\r\n", "a|bb|cc|", "CRLF and LF");
	feed_all_ways(16, "\n\r\n", "||", "empty lines");
	feed_all_ways(16, "x\ry\n", "x\ry|", "inner CR kept");
	feed_all_ways(16, "partial", "", "no LF, no line");
	/* size 8: at most 7 bytes of text. */
	feed_all_ways(8, "1234567\n", "1234567|", "7 bytes fit");
	feed_all_ways(8, "1234567\r\n", "1234567|", "7 bytes plus CR fit");
	feed_all_ways(
	    8, "12345678\nok\n", "1234567!|ok|", "8 bytes reported once, cut");
	feed_all_ways(8, "12345678\r\nok\n", "1234567!|ok|",
	    "8 bytes plus CR reported once");
	feed_all_ways(
	    8, "1234567\rx\nok\n", "1234567!|ok|", "CR then more is overlong");
	feed_all_ways(8, "123456789012345678901234567890\nok\n", "1234567!|ok|",
	    "very long line reported once and skipped");
	feed_all_ways(8, "aaaaaaaaaaaa\nbbbbbbbbbbbbbbbb\r\nc\n",
	    "aaaaaaa!|bbbbbbb!|c|", "two overlong lines");

	/* Bytes held across calls stay held. */
	memset(&s, 0, sizeof s);
	chat_linebuf_init(&lb, storage, sizeof storage);
	chat_linebuf_feed(&lb, "ab", 2, record, &s);
	is_int(s.calls, 0, "no call before LF");
	is_int((long long)lb.len, 2, "two bytes held");
	chat_linebuf_feed(&lb, "c\nd", 3, record, &s);
	is_str(s.log, "abc|", "line joined across feeds");
	is_int((long long)lb.len, 1, "rest held");

	/* NUL bytes pass through; the parser reports them. */
	memset(&s, 0, sizeof s);
	chat_linebuf_init(&lb, storage, sizeof storage);
	chat_linebuf_feed(&lb, "a\0b\n", 4, record, &s);
	is_int(s.calls, 1, "line with NUL delivered");
	return done_testing();
}
