/*
 * Unit tests for the sending side of draft/multiline (libchat/multiline.c):
 * the capability's value, and texts cut into the lines of batches within
 * its limits.
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

/* The pieces of text as "first|concat|text" joined by ' / '. */
static void
describe(const char *text, const struct chat_ml_piece *p, size_t n, char *buf,
    size_t size)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < n && k + 1 < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%s%s%.*s",
		    i > 0 ? " / " : "", p[i].first ? "+" : "",
		    p[i].concat ? "~" : "", (int)p[i].len, text + p[i].off);
}

/* Capability values, good and bad. */
static void
test_limits(void)
{
	struct chat_ml_limits lim;

	ok(chat_multiline_limits("max-bytes=4096,max-lines=32", &lim) == 0 &&
	        lim.max_bytes == 4096 && lim.max_lines == 32,
	    "both limits");
	ok(chat_multiline_limits("max-lines=5,max-bytes=100", &lim) == 0 &&
	        lim.max_bytes == 100 && lim.max_lines == 5,
	    "in either order");
	ok(chat_multiline_limits("max-bytes=100", &lim) == 0 &&
	        lim.max_lines == 0,
	    "max-lines is optional");
	ok(chat_multiline_limits("max-lines=5", &lim) == -1,
	    "max-bytes is not");
	ok(chat_multiline_limits("", &lim) == -1, "empty value");
	ok(chat_multiline_limits(NULL, &lim) == -1, "no value");
	ok(chat_multiline_limits("max-bytes=x", &lim) == -1, "not a number");
	ok(chat_multiline_limits("max-bytes=12x", &lim) == -1, "trailing junk");
	ok(chat_multiline_limits("max-bytes=0", &lim) == -1, "zero bytes");
	ok(chat_multiline_limits("xmax-bytes=9,max-bytes=7", &lim) == 0 &&
	        lim.max_bytes == 7,
	    "a key is matched whole");
}

/* Texts into pieces. */
static void
test_split(void)
{
	struct chat_ml_limits lim = { 4096, 32 };
	struct chat_ml_limits small = { 10, 2 };
	struct chat_ml_piece p[64];
	char buf[1024];
	const char *t;
	size_t n;

	t = "one\ntwo\nthree";
	n = chat_multiline_split(t, strlen(t), 400, &lim, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+one / two / three", "three lines, one batch");

	t = "a\r\n\r\nb\rc\n\n";
	n = chat_multiline_split(t, strlen(t), 400, &lim, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+a /  / b / c", "CR LF, CR, a blank kept, trailing cut");

	t = "\n\nlate";
	n = chat_multiline_split(t, strlen(t), 400, &lim, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+late", "leading blank lines left out");

	t = "abcdefghij";
	n = chat_multiline_split(t, strlen(t), 4, &lim, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+abcd / ~efgh / ~ij", "a long line continues (concat)");

	t = "\xc3\xa9\xc3\xa9\xc3\xa9";
	n = chat_multiline_split(t, strlen(t), 3, &lim, p, 64);
	ok(n == 3 && p[0].len == 2 && p[1].len == 2 && p[2].len == 2,
	    "cut at character boundaries");

	t = "aaa\nbbb\nccc";
	n = chat_multiline_split(t, strlen(t), 400, &small, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+aaa / bbb / +ccc", "max-lines starts a new batch");

	t = "aaaa\nbbbbb\ncc";
	n = chat_multiline_split(t, strlen(t), 400, &small, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+aaaa / bbbbb / +cc", "max-bytes counts the break");

	t = "aaaa\nbbbbbb";
	n = chat_multiline_split(t, strlen(t), 400, &small, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+aaaa / +bbbbbb", "one byte over: next batch");

	t = "abcdefghijklmnop";
	n = chat_multiline_split(t, strlen(t), 400, &small, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+abcdefghij / +klmnop",
	    "pieces fit max-bytes; a batch never begins with a concat");

	t = "a\n\n\n\nb";
	n = chat_multiline_split(t, strlen(t), 400, &small, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+a /  / +b", "a batch never begins blank");

	t = "one\n\ntwo";
	n = chat_multiline_split(t, strlen(t), 400, NULL, p, 64);
	describe(t, p, n, buf, sizeof buf);
	is_str(buf, "+one / +two", "without the capability: lines, no blanks");

	t = "x\ny\nz";
	n = chat_multiline_split(t, strlen(t), 400, &lim, p, 2);
	ok(n == 3, "the count goes on past max");

	n = chat_multiline_split("", 0, 400, &lim, p, 64);
	ok(n == 0, "nothing to send");
	n = chat_multiline_split("\n\r\n", 3, 400, &lim, p, 64);
	ok(n == 0, "only line breaks");
}

int
main(void)
{
	test_limits();
	test_split();
	return done_testing();
}
