/*
 * Unit tests for the line parser and formatter (libchat/msg.c).
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

/* One parser case: input, expected result and a rendering of the parse. */
struct parse_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	int err;
	const char *want; /* see msg_render(), only checked on success */
};

static const struct parse_case parse_cases[] = {
	{ "PING", 0, 0, "cmd=PING" },
	{ "privmsg #a :hi there", 0, 0, "cmd=PRIVMSG a=[#a|hi there] t" },
	{ ":n!u@h PRIVMSG #a :hi", 0, 0, "src=n!u@h cmd=PRIVMSG a=[#a|hi] t" },
	{ "001 me :Welcome", 0, 0, "cmd=001 a=[me|Welcome] t" },
	{ "NICK  a   b  ", 0, 0, "cmd=NICK a=[a|b]" },
	{ "   NICK a", 0, 0, "cmd=NICK a=[a]" },
	{ "TOPIC #a :", 0, 0, "cmd=TOPIC a=[#a|] t" },
	{ "TOPIC #a ::x", 0, 0, "cmd=TOPIC a=[#a|:x] t" },
	{ "TOPIC #a : spaced  ", 0, 0, "cmd=TOPIC a=[#a| spaced  ] t" },
	{ "CMD a:b c", 0, 0, "cmd=CMD a=[a:b|c]" },
	{ "MODE #a +o-v x y", 0, 0, "cmd=MODE a=[#a|+o-v|x|y]" },
	{ "@a=b;c;+d/e=x\\sy\\:z PING", 0, 0,
	    "tags=[a=b,c,+d/e=x y;z] cmd=PING" },
	{ "@a=\\\\\\r\\n\\q\\ PING", 0, 0, "tags=[a=\\\r\nq] cmd=PING" },
	{ "@a=;;=v;b= PING", 0, 0, "tags=[a=,b=] cmd=PING" },
	{ "@ PING", 0, 0, "cmd=PING" },
	{ "@k=v   :src   CMD   x", 0, 0, "tags=[k=v] src=src cmd=CMD a=[x]" },
	{ "A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16  17", 0, 0,
	    "cmd=A a=[1|2|3|4|5|6|7|8|9|10|11|12|13|14|15 16  17]" },
	{ "A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 16", 0, 0,
	    "cmd=A a=[1|2|3|4|5|6|7|8|9|10|11|12|13|14|15 16] t" },
	{ "A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 0, 0,
	    "cmd=A a=[1|2|3|4|5|6|7|8|9|10|11|12|13|14|15]" },
	{ "", 0, CHAT_PARSE_EMPTY, NULL },
	{ "     ", 0, CHAT_PARSE_EMPTY, NULL },
	{ "PING\0x", 6, CHAT_PARSE_NUL, NULL },
	{ "\0", 1, CHAT_PARSE_NUL, NULL },
	{ "@a=b", 0, CHAT_PARSE_NO_COMMAND, NULL },
	{ "@a=b    ", 0, CHAT_PARSE_NO_COMMAND, NULL },
	{ ":src", 0, CHAT_PARSE_NO_COMMAND, NULL },
	{ ":src   ", 0, CHAT_PARSE_NO_COMMAND, NULL },
	{ "12 x", 0, CHAT_PARSE_BAD_COMMAND, NULL },
	{ "1234 x", 0, CHAT_PARSE_BAD_COMMAND, NULL },
	{ "P1NG", 0, CHAT_PARSE_BAD_COMMAND, NULL },
	{ ":x :y", 0, CHAT_PARSE_BAD_COMMAND, NULL },
	{ "PRIVMSG\xc3\xa9", 0, CHAT_PARSE_BAD_COMMAND, NULL },
	/* The parser leaves UTF-8 checks to callers. */
	{ "PRIVMSG #a :\xff\xfe", 0, 0, "cmd=PRIVMSG a=[#a|\xff\xfe] t" },
};

/* Render a parsed message in a compact form for comparisons. */
static void
msg_render(const struct chat_msg *m, char *out, size_t size)
{
	size_t i, n = 0;
	int k;

	out[0] = '\0';
	if (m->ntags > 0) {
		n += (size_t)snprintf(out + n, size - n, "tags=[");
		for (i = 0; i < m->ntags; i++) {
			n += (size_t)snprintf(out + n, size - n, "%s%s%s%s",
			    i ? "," : "", m->tags[i].key,
			    m->tags[i].value ? "=" : "",
			    m->tags[i].value ? m->tags[i].value : "");
		}
		n += (size_t)snprintf(out + n, size - n, "] ");
	}
	if (m->source != NULL)
		n += (size_t)snprintf(out + n, size - n, "src=%s ", m->source);
	n += (size_t)snprintf(out + n, size - n, "cmd=%s", m->command);
	if (m->argc > 0) {
		n += (size_t)snprintf(out + n, size - n, " a=[");
		for (k = 0; k < m->argc; k++)
			n += (size_t)snprintf(out + n, size - n, "%s%s",
			    k ? "|" : "", m->argv[k]);
		n += (size_t)snprintf(out + n, size - n, "]");
	}
	if (m->trailing)
		snprintf(out + n, size - n, " t");
}

/* Run the parser table. */
static void
test_parse_table(void)
{
	static char line[CHAT_WIRE_MAX + 1], got[2048];
	struct chat_msg m;
	size_t i, len;
	int err;

	for (i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];

		len = c->len ? c->len : strlen(c->in);
		memcpy(line, c->in, len);
		err = chat_msg_parse(&m, line, len);
		if (!is_int(err, c->err, "parse case %zu: %s", i,
		        chat_parse_strerror(c->err)))
			continue;
		if (c->want != NULL) {
			msg_render(&m, got, sizeof got);
			is_str(got, c->want, "parse case %zu: pieces", i);
		}
	}
}

/* Tag lookup, duplicates and the CHAT_TAGS_N cap. */
static void
test_tags(void)
{
	static char line[CHAT_WIRE_MAX + 1];
	struct chat_msg m;
	bool present;
	size_t n = 0;
	int i;

	strcpy(line, "@a=1;b;a=2;c= PING");
	is_int(chat_msg_parse(&m, line, strlen(line)), 0, "tags parse");
	is_str(chat_msg_tag(&m, "a", &present), "2", "last duplicate wins");
	ok(present, "a present");
	ok(chat_msg_tag(&m, "b", &present) == NULL && present,
	    "valueless tag present with NULL value");
	is_str(chat_msg_tag(&m, "c", NULL), "", "empty value is empty");
	ok(chat_msg_tag(&m, "zz", &present) == NULL && !present, "absent tag");

	n += (size_t)sprintf(line, "@");
	for (i = 0; i < CHAT_TAGS_N + 10; i++)
		n += (size_t)sprintf(line + n, "t%d=%d;", i, i);
	n += (size_t)sprintf(line + n, " PING");
	is_int(chat_msg_parse(&m, line, n), 0, "many tags parse");
	is_int((long long)m.ntags, CHAT_TAGS_N, "tags capped at CHAT_TAGS_N");
	is_str(m.command, "PING", "command after many tags");

	/* The tag section limit counts '@' and the space. */
	memset(line, 'a', CHAT_TAGS_MAX);
	line[0] = '@';
	line[CHAT_TAGS_MAX - 1] = ' ';
	memcpy(line + CHAT_TAGS_MAX, "PING", 4);
	is_int(chat_msg_parse(&m, line, CHAT_TAGS_MAX + 4), 0,
	    "tag section of exactly CHAT_TAGS_MAX");
	memset(line, 'a', CHAT_TAGS_MAX + 1);
	line[0] = '@';
	line[CHAT_TAGS_MAX] = ' ';
	memcpy(line + CHAT_TAGS_MAX + 1, "PING", 4);
	is_int(chat_msg_parse(&m, line, CHAT_TAGS_MAX + 5),
	    CHAT_PARSE_TAGS_LONG, "tag section one over");
	memset(line, 'a', CHAT_WIRE_MAX);
	line[0] = '@';
	is_int(chat_msg_parse(&m, line, CHAT_WIRE_MAX), CHAT_PARSE_TAGS_LONG,
	    "unterminated huge tag section");
}

/* The 510-byte limit on the part after the tags. */
static void
test_long_lines(void)
{
	static char line[CHAT_WIRE_MAX + 1];
	struct chat_msg m;

	memset(line, 'x', sizeof line);
	memcpy(line, "PRIVMSG #a :", 12);
	is_int(chat_msg_parse(&m, line, 510), 0, "510 bytes parse");
	is_int((long long)strlen(m.argv[1]), 510 - 12, "whole trailing kept");
	memset(line, 'x', sizeof line);
	memcpy(line, "PRIVMSG #a :", 12);
	is_int(chat_msg_parse(&m, line, 511), CHAT_PARSE_LINE_LONG,
	    "511 bytes too long");
	memset(line, 'x', sizeof line);
	memcpy(line, "@a=b PRIVMSG #a :", 17);
	is_int(chat_msg_parse(&m, line, 5 + 510), 0,
	    "tags do not count against the 510");
	memset(line, 'x', sizeof line);
	memcpy(line, "@a=b PRIVMSG #a :", 17);
	is_int(chat_msg_parse(&m, line, 5 + 511), CHAT_PARSE_LINE_LONG,
	    "rest over 510 after tags");
}

/* Escape and unescape are inverses, and the lone-backslash rule. */
static void
test_escape(void)
{
	char buf[64], v[64];

	is_int(chat_tag_escape(buf, sizeof buf, "a;b c\\d\r\ne"), 15,
	    "escape length");
	is_str(buf, "a\\:b\\sc\\\\d\\r\\ne", "escaped");
	strcpy(v, buf);
	chat_tag_unescape(v);
	is_str(v, "a;b c\\d\r\ne", "round trip");
	strcpy(v, "x\\");
	chat_tag_unescape(v);
	is_str(v, "x", "trailing backslash dropped");
	strcpy(v, "\\a\\b");
	chat_tag_unescape(v);
	is_str(v, "ab", "unknown escapes drop the backslash");
	is_int(chat_tag_escape(buf, 4, "a;b"), -1, "escape overflow");
	is_str(buf, "", "dst empty after overflow");
	is_int(chat_tag_escape(buf, 5, "a;b"), 4, "escape exact fit");
}

/* Format a line from a NULL-terminated parameter list. */
static int
fmt(char *buf, size_t size, const char *tags, const char *src, const char *cmd,
    const char **argv, bool *trunc)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return chat_msg_format(buf, size, tags, src, cmd, argc, argv, trunc);
}

/* Formatter basics and the rules for the last parameter. */
static void
test_format(void)
{
	static char buf[CHAT_WIRE_MAX + 1];
	bool tr;
	const char *a1[] = { "#a", "hi there", NULL };
	const char *a2[] = { "#a", "word", NULL };
	const char *a3[] = { "#a", "", NULL };
	const char *a4[] = { "#a", ":x", NULL };
	const char *a5[] = { NULL };
	const char *b1[] = { "bad mid", "x", NULL };
	const char *b2[] = { "", "x", NULL };
	const char *b3[] = { ":m", "x", NULL };
	const char *b4[] = { "#a", "x\r\nQUIT", NULL };

	is_int(fmt(buf, sizeof buf, NULL, "n!u@h", "PRIVMSG", a1, &tr), 29,
	    "format length");
	is_str(buf, ":n!u@h PRIVMSG #a :hi there\r\n", "format with source");
	ok(!tr, "not truncated");
	fmt(buf, sizeof buf, NULL, NULL, "PRIVMSG", a2, &tr);
	is_str(buf, "PRIVMSG #a word\r\n", "no colon when not needed");
	fmt(buf, sizeof buf, NULL, NULL, "TOPIC", a3, &tr);
	is_str(buf, "TOPIC #a :\r\n", "empty last gets colon");
	fmt(buf, sizeof buf, NULL, NULL, "TOPIC", a4, &tr);
	is_str(buf, "TOPIC #a ::x\r\n", "colon-led last gets colon");
	fmt(buf, sizeof buf, NULL, NULL, "PING", a5, &tr);
	is_str(buf, "PING\r\n", "no params");
	fmt(buf, sizeof buf, "a=b;c", "srv", "PING", a5, &tr);
	is_str(buf, "@a=b;c :srv PING\r\n", "tags prepended");
	is_int(fmt(buf, sizeof buf, NULL, NULL, "X", b1, &tr), -1,
	    "space in middle param");
	is_int(fmt(buf, sizeof buf, NULL, NULL, "X", b2, &tr), -1,
	    "empty middle param");
	is_int(fmt(buf, sizeof buf, NULL, NULL, "X", b3, &tr), -1,
	    "colon-led middle param");
	is_int(fmt(buf, sizeof buf, NULL, NULL, "X", b4, &tr), -1,
	    "CR LF in last param refused");
	is_int(fmt(buf, sizeof buf, NULL, "a b", "X", a2, &tr), -1,
	    "space in source");
	is_int(fmt(buf, sizeof buf, "a b", NULL, "X", a2, &tr), -1,
	    "space in tags");
	is_int(fmt(buf, 10, NULL, NULL, "PRIVMSG", a1, &tr), -1,
	    "small buffer fails");
	is_int(fmt(buf, 18, NULL, NULL, "PRIVMSG", a2, &tr), 17,
	    "exact buffer fits");
}

/* Truncation of the last parameter to 512 bytes at a UTF-8 boundary. */
static void
test_truncate(void)
{
	static char buf[CHAT_WIRE_MAX + 1], text[1200], tags[CHAT_TAGS_MAX];
	const char *argv[2] = { "#a", text };
	const char *mid[3] = { "#a", text, "xyz" };
	size_t i, shift;
	int n;
	bool tr;

	/* "PRIVMSG #a " is 11 bytes: a 499-byte word fits. */
	memset(text, 'x', 499);
	text[499] = '\0';
	n = chat_msg_format(
	    buf, sizeof buf, NULL, NULL, "PRIVMSG", 2, argv, &tr);
	ok(n == 512 && !tr, "499 bytes fit exactly");
	text[499] = 'y';
	text[500] = '\0';
	n = chat_msg_format(
	    buf, sizeof buf, NULL, NULL, "PRIVMSG", 2, argv, &tr);
	ok(n == 512 && tr, "one more is cut");
	ok(buf[11] == ':' && memcmp(buf + 510, "\r\n", 2) == 0 &&
	        buf[509] == 'x',
	    "cut written as trailing, before the last byte");

	/* A word without colon that must be cut gets one. */
	memset(text, 'x', 600);
	text[600] = '\0';
	n = chat_msg_format(
	    buf, sizeof buf, NULL, NULL, "PRIVMSG", 2, argv, &tr);
	ok(n == 512 && tr && memcmp(buf, "PRIVMSG #a :xx", 14) == 0,
	    "cut word written as trailing");

	/* Two-, three- and four-byte characters straddling the cut. */
	for (shift = 0; shift < 4; shift++) {
		const char *chars[] = { "\xc3\xa9", "\xe2\x82\xac",
			"\xf0\x9f\x98\x80" };
		size_t c;

		for (c = 0; c < 3; c++) {
			size_t cl = strlen(chars[c]);

			memset(text, 'x', shift);
			for (i = shift; i + cl < sizeof text - 1; i += cl)
				memcpy(text + i, chars[c], cl);
			text[i] = '\0';
			n = chat_msg_format(buf, sizeof buf, NULL, NULL,
			    "PRIVMSG", 2, argv, &tr);
			ok(n > 0 && n <= 512 && n > 512 - (int)cl && tr &&
			        chat_utf8_valid(buf, (size_t)n),
			    "%zu-byte chars, shift %zu: n=%d valid", cl, shift,
			    n);
		}
	}

	/* Only the last parameter is ever cut. */
	memset(text, 'x', 520);
	text[520] = '\0';
	is_int(chat_msg_format(buf, sizeof buf, NULL, NULL, "X", 3, mid, &tr),
	    -1, "overlong middle param fails");
	memset(text, 'x', 504);
	text[504] = '\0';
	n = chat_msg_format(buf, sizeof buf, NULL, NULL, "X", 3, mid, &tr);
	ok(n == -1, "no room even for \" :\" fails (n=%d)", n);
	text[503] = '\0';
	n = chat_msg_format(buf, sizeof buf, NULL, NULL, "X", 3, mid, &tr);
	ok(n == 512 && tr && memcmp(buf + 508, " :\r\n", 4) == 0,
	    "cut to empty keeps the parameter (n=%d)", n);

	/* Tags do not count against the 512. */
	memset(tags, 'a', 100);
	tags[100] = '\0';
	memset(text, 'x', 600);
	text[600] = '\0';
	n = chat_msg_format(
	    buf, sizeof buf, tags, NULL, "PRIVMSG", 2, argv, &tr);
	ok(n == 102 + 512 && tr, "tags plus 512");
	memset(tags, 'a', CHAT_TAGS_MAX - 2);
	tags[CHAT_TAGS_MAX - 2] = '\0';
	n = chat_msg_format(
	    buf, sizeof buf, tags, NULL, "PRIVMSG", 2, argv, &tr);
	is_int(n, CHAT_WIRE_MAX, "largest line fits CHAT_WIRE_MAX + 1");
	tags[CHAT_TAGS_MAX - 2] = 'a';
	tags[CHAT_TAGS_MAX - 1] = '\0';
	is_int(
	    chat_msg_format(buf, sizeof buf, tags, NULL, "PING", 0, NULL, &tr),
	    -1, "tag section over CHAT_TAGS_MAX");
}

/* chat_line_fit on printf-built lines. */
static void
test_line_fit(void)
{
	static char buf[1200];
	size_t len;
	int n;
	bool tr;

	strcpy(buf, ":srv 372 nick :- motd");
	n = chat_line_fit(buf, strlen(buf), &tr);
	ok(n == 23 && !tr && strcmp(buf, ":srv 372 nick :- motd\r\n") == 0,
	    "short line gets CR LF");

	len = (size_t)sprintf(buf, ":srv 332 nick #a :");
	memset(buf + len, 'x', 700);
	len += 700;
	n = chat_line_fit(buf, len, &tr);
	ok(n == 512 && tr && memcmp(buf + 510, "\r\n", 3) == 0,
	    "long line cut to 512");

	/* The source's ':' does not start a trailing parameter. */
	len = (size_t)sprintf(buf, ":srv 332 nick #a ");
	memset(buf + len, 'x', 700);
	len += 700;
	is_int(chat_line_fit(buf, len, &tr), -1, "source is not trailing");

	len = (size_t)sprintf(buf, ":srv 332 nick #a :");
	for (; len < 700; len += 2)
		memcpy(buf + len, "\xc3\xa9", 2);
	len += (size_t)sprintf(buf + len, "x");
	n = chat_line_fit(buf, len, &tr);
	ok(n > 0 && n <= 512 && chat_utf8_valid(buf, (size_t)n),
	    "cut at UTF-8 boundary (n=%d)", n);

	memset(buf, 'x', 600);
	memcpy(buf, "CMD ", 4);
	is_int(chat_line_fit(buf, 600, &tr), -1, "no trailing, too long");
}

/* Round trips: parse, format, parse again gives the same pieces. */
static void
test_round_trip(void)
{
	static const char *lines[] = {
		":n!u@h PRIVMSG #a :hi there",
		"NICK x",
		"TOPIC #a :",
		"TOPIC #a ::colon",
		"MODE #a +ov a b",
		"001 me :Welcome to chatd",
		"A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
	};
	static char line[CHAT_WIRE_MAX + 1], out[CHAT_WIRE_MAX + 1];
	char r1[2048], r2[2048];
	struct chat_msg m;
	size_t i;
	int n;
	bool tr;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		strcpy(line, lines[i]);
		chat_msg_parse(&m, line, strlen(line));
		msg_render(&m, r1, sizeof r1);
		n = chat_msg_format(out, sizeof out, NULL, m.source, m.command,
		    m.argc, (const char *const *)m.argv, &tr);
		ok(n > 2, "round trip %zu formats", i);
		if (n <= 2)
			continue;
		chat_msg_parse(&m, out, (size_t)n - 2);
		msg_render(&m, r2, sizeof r2);
		/* Only the trailing marker may differ. */
		if (strlen(r1) > 2 && strcmp(r1 + strlen(r1) - 2, " t") == 0)
			r1[strlen(r1) - 2] = '\0';
		if (strlen(r2) > 2 && strcmp(r2 + strlen(r2) - 2, " t") == 0)
			r2[strlen(r2) - 2] = '\0';
		is_str(r2, r1, "round trip %zu: same pieces", i);
	}
}

int
main(void)
{
	test_parse_table();
	test_tags();
	test_long_lines();
	test_escape();
	test_format();
	test_truncate();
	test_line_fit();
	test_round_trip();
	is_str(chat_parse_strerror(-99), "unknown error", "strerror default");
	return done_testing();
}
