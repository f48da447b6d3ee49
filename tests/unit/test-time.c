/*
 * Unit tests for time tags (libchat/time.c): server-time formatting and
 * CHATHISTORY timestamp parsing, both ways, at the edges of the calendar.
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

/* Known instants format and parse back. */
static void
test_known(void)
{
	static const struct {
		int64_t ms;
		const char *text;
	} t[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ 1, "1970-01-01T00:00:00.001Z" },
		{ 951782400000, "2000-02-29T00:00:00.000Z" },
		{ 1796645598123, "2026-12-07T12:13:18.123Z" },
		{ 4107542399999, "2100-02-28T23:59:59.999Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
	};
	char buf[CHAT_TIME_MAX];
	int64_t ms;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		chat_time_format(buf, sizeof buf, t[i].ms);
		is_str(buf, t[i].text, "format %lld", (long long)t[i].ms);
		ok(chat_time_parse(t[i].text, &ms) == 0 && ms == t[i].ms,
		    "parse %s", t[i].text);
	}
	is_int(chat_time_format(buf, sizeof buf, 0), 24, "24 characters");
}

/* Every day of 400 years round-trips (the Gregorian cycle). */
static void
test_cycle(void)
{
	char buf[CHAT_TIME_MAX];
	int64_t ms, day, back;
	bool good = true;

	for (day = -146097; day < 146097 && good; day += 1) {
		ms = day * 86400000 + 45296789; /* 12:34:56.789 */
		chat_time_format(buf, sizeof buf, ms);
		if (chat_time_parse(buf, &back) != 0 || back != ms)
			good = false;
	}
	ok(good, "800 years of days round-trip");
}

/* What parsing accepts and refuses. */
static void
test_parse(void)
{
	int64_t ms;

	ok(chat_time_parse("2026-12-07T12:13:18Z", &ms) == 0 &&
	        ms == 1796645598000,
	    "no fraction");
	ok(chat_time_parse("2026-12-07T12:13:18", &ms) == 0 &&
	        ms == 1796645598000,
	    "no Z");
	ok(chat_time_parse("2026-12-07T12:13:18.5Z", &ms) == 0 &&
	        ms == 1796645598500,
	    "a short fraction is tenths");
	ok(chat_time_parse("2026-12-07T12:13:18.123456Z", &ms) == 0 &&
	        ms == 1796645598123,
	    "a long fraction is cut to ms");
	ok(chat_time_parse("2024-02-29T00:00:00Z", &ms) == 0, "leap day");
	ok(chat_time_parse("2023-02-29T00:00:00Z", &ms) != 0,
	    "not a leap year");
	ok(chat_time_parse("1900-02-29T00:00:00Z", &ms) != 0, "1900 was not");
	ok(chat_time_parse("2026-13-01T00:00:00Z", &ms) != 0, "month 13");
	ok(chat_time_parse("2026-04-31T00:00:00Z", &ms) != 0, "April 31");
	ok(chat_time_parse("2026-12-07T24:00:00Z", &ms) != 0, "hour 24");
	ok(chat_time_parse("2026-12-07 12:13:18Z", &ms) != 0, "a space for T");
	ok(chat_time_parse("2026-12-07T12:13:18+01:00", &ms) != 0,
	    "offsets are not UTC");
	ok(chat_time_parse("2026-12-07T12:13:18.Z", &ms) != 0,
	    "a dot without digits");
	ok(chat_time_parse("2026-12-07T12:13:1", &ms) != 0, "cut short");
	ok(chat_time_parse(" 2026-12-07T12:13:18Z", &ms) != 0, "leading space");
	ok(chat_time_parse("", &ms) != 0, "empty");
	ok(chat_time_parse("2026-12-07T12:13:18Zx", &ms) != 0, "trailing junk");
}

int
main(void)
{
	test_known();
	test_cycle();
	test_parse();
	return done_testing();
}
