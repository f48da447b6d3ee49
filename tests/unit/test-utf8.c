/*
 * Unit tests for UTF-8 validation and cutting (libchat/utf8.c).
 */
#include <string.h>

#include "chat.h"
#include "tap.h"

/* One validation case. */
struct utf8_case {
	const char *s;
	bool valid;
	const char *name;
};

static const struct utf8_case utf8_cases[] = {
	{ "", true, "empty" },
	{ "plain ascii", true, "ascii" },
	{ "caf\xc3\xa9", true, "2-byte" },
	{ "\xe2\x82\xac", true, "3-byte euro" },
	{ "\xf0\x9f\x98\x80", true, "4-byte emoji" },
	{ "\xc2\x80", true, "U+0080" },
	{ "\xdf\xbf", true, "U+07FF" },
	{ "\xe0\xa0\x80", true, "U+0800" },
	{ "\xed\x9f\xbf", true, "U+D7FF" },
	{ "\xee\x80\x80", true, "U+E000" },
	{ "\xef\xbf\xbf", true, "U+FFFF" },
	{ "\xf0\x90\x80\x80", true, "U+10000" },
	{ "\xf4\x8f\xbf\xbf", true, "U+10FFFF" },
	{ "\xc0\x80", false, "overlong NUL" },
	{ "\xc1\xbf", false, "overlong 2-byte" },
	{ "\xe0\x80\xaf", false, "overlong 3-byte" },
	{ "\xf0\x80\x80\xaf", false, "overlong 4-byte" },
	{ "\xed\xa0\x80", false, "surrogate D800" },
	{ "\xed\xbf\xbf", false, "surrogate DFFF" },
	{ "\xf4\x90\x80\x80", false, "U+110000" },
	{ "\xf5\x80\x80\x80", false, "lead F5" },
	{ "\xf8\x88\x80\x80\x80", false, "5-byte form" },
	{ "\xff", false, "0xff" },
	{ "\x80", false, "stray continuation" },
	{ "a\xbf"
	  "b",
	    false, "stray continuation inside" },
	{ "\xc3", false, "truncated 2-byte" },
	{ "\xe2\x82", false, "truncated 3-byte" },
	{ "\xf0\x9f\x98", false, "truncated 4-byte" },
	{ "\xc3(", false, "bad continuation" },
	{ "\xe2\x28\xa1", false, "bad 2nd of 3" },
};

int
main(void)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	size_t i;

	for (i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
		ok(chat_utf8_valid(utf8_cases[i].s, strlen(utf8_cases[i].s)) ==
		        utf8_cases[i].valid,
		    "%s", utf8_cases[i].name);
	}
	ok(chat_utf8_valid("a\0b", 3), "NUL is valid UTF-8 (callers check)");
	ok(!chat_utf8_valid("\xc3\xa9", 1), "length respected");

	/* s: a(0) é(1,2) €(3..5) 😀(6..9), length 10. */
	is_int((long long)chat_utf8_cut(s, 10, 20), 10, "max past end");
	is_int((long long)chat_utf8_cut(s, 10, 10), 10, "max at end");
	is_int((long long)chat_utf8_cut(s, 10, 0), 0, "max 0");
	is_int((long long)chat_utf8_cut(s, 10, 1), 1, "after ascii");
	is_int((long long)chat_utf8_cut(s, 10, 2), 1, "inside 2-byte");
	is_int((long long)chat_utf8_cut(s, 10, 3), 3, "after 2-byte");
	is_int((long long)chat_utf8_cut(s, 10, 4), 3, "inside 3-byte, 1");
	is_int((long long)chat_utf8_cut(s, 10, 5), 3, "inside 3-byte, 2");
	is_int((long long)chat_utf8_cut(s, 10, 6), 6, "after 3-byte");
	is_int((long long)chat_utf8_cut(s, 10, 7), 6, "inside 4-byte, 1");
	is_int((long long)chat_utf8_cut(s, 10, 8), 6, "inside 4-byte, 2");
	is_int((long long)chat_utf8_cut(s, 10, 9), 6, "inside 4-byte, 3");
	is_int((long long)chat_utf8_cut("\x80\x80\x80\x80\x80\x80", 6, 5), 5,
	    "malformed run: cut at max");
	for (i = 0; i <= 10; i++) {
		size_t n = chat_utf8_cut(s, 10, i);

		ok(n <= i && chat_utf8_valid(s, n), "cut %zu is valid", i);
	}
	return done_testing();
}
