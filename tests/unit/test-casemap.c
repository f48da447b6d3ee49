/*
 * Unit tests for case mapping, name validation and masks
 * (libchat/casemap.c).
 */
#include <string.h>
#include <time.h>

#include "chat.h"
#include "tap.h"

/* One mask case. */
struct mask_case {
	const char *mask;
	const char *str;
	bool match;
};

static const struct mask_case mask_cases[] = {
	{ "*", "", true },
	{ "*", "anything", true },
	{ "", "", true },
	{ "", "a", false },
	{ "a", "", false },
	{ "abc", "ABC", true },
	{ "a?c", "abc", true },
	{ "a?c", "ac", false },
	{ "*!*@*.example", "Nick!user@host.EXAMPLE", true },
	{ "*!*@*.example", "nick!user@example", false },
	{ "n*k!*", "nick!u@h", true },
	{ "n*k!*", "nic!u@h", false },
	{ "**a**", "xxaxx", true },
	{ "a*b*c", "aXbYc", true },
	{ "a*b*c", "aXbYcZ", false },
	{ "a*", "a", true },
	{ "*a", "ba", true },
	{ "*a", "ab", false },
	{ "\\*", "*", true },
	{ "\\*", "x", false },
	{ "\\?", "?", true },
	{ "\\?", "x", false },
	{ "a\\\\b", "a\\b", true },
	{ "a\\", "a\\", true },
	{ "\\A", "a", true },
	{ "[x]", "[X]", true },
	{ "\xc3\x89", "\xc3\xa9", false }, /* ascii casemapping only */
	{ "?", "\xc3\xa9", false },        /* '?' is one byte */
	{ "??", "\xc3\xa9", true },
};

/* Folding and comparing. */
static void
test_fold(void)
{
	char buf[8];

	chat_casefold(buf, "NiCk[]^\xc3\x89", sizeof buf);
	is_str(buf, "nick[]^", "fold, brackets kept, truncated");
	chat_casefold(buf, "AB", sizeof buf);
	is_str(buf, "ab", "fold short");
	chat_casefold(buf, "ABC", 1);
	is_str(buf, "", "size 1 gives empty");
	ok(chat_casecmp("Nick", "nICK") == 0, "casecmp equal");
	ok(chat_casecmp("a", "B") < 0, "casecmp order a < B");
	ok(chat_casecmp("b", "A") > 0, "casecmp order b > A");
	ok(chat_casecmp("ab", "a") > 0, "casecmp prefix");
	ok(chat_casecmp("[", "{") != 0, "ascii: [ and { differ");
	ok(chat_casecmp("\xc3\xa9", "\xc3\x89") != 0, "non-ascii not folded");
	ok(chat_casecmp("\xff", "a") > 0, "bytes compare unsigned");
	is_str(CHAT_CASEMAPPING, "ascii", "CASEMAPPING token");
}

/* Nick and channel grammar. */
static void
test_valid(void)
{
	char big[64];

	ok(chat_nick_valid("nick", 30), "plain nick");
	ok(chat_nick_valid("[x]`_^{|}\\-9", 30), "specials, digit, dash");
	ok(!chat_nick_valid("", 30), "empty nick");
	ok(!chat_nick_valid("9lives", 30), "leading digit");
	ok(!chat_nick_valid("-x", 30), "leading dash");
	ok(!chat_nick_valid("a b", 30), "space");
	ok(!chat_nick_valid("a!b", 30), "bang");
	ok(!chat_nick_valid("a@b", 30), "at");
	ok(!chat_nick_valid("#a", 30), "hash");
	ok(!chat_nick_valid("a:b", 30), "colon");
	ok(!chat_nick_valid("caf\xc3\xa9", 30), "non-ascii");
	ok(chat_nick_valid("abc", 3), "exactly maxlen");
	ok(!chat_nick_valid("abcd", 3), "over maxlen");
	ok(!chat_nick_valid(NULL, 3), "NULL nick");

	ok(chat_chan_valid("#a", 50), "short channel");
	ok(chat_chan_valid("#caf\xc3\xa9-[x]", 50), "UTF-8 channel");
	ok(!chat_chan_valid("#", 50), "bare #");
	ok(!chat_chan_valid("a", 50), "no #");
	ok(!chat_chan_valid("&a", 50), "& not a prefix");
	ok(!chat_chan_valid("#a b", 50), "space");
	ok(!chat_chan_valid("#a,b", 50), "comma");
	ok(!chat_chan_valid("#a\ab", 50), "BEL");
	ok(!chat_chan_valid("#a\rb", 50), "CR");
	ok(!chat_chan_valid("#a\nb", 50), "LF");
	ok(!chat_chan_valid("#a\xff", 50), "bad UTF-8");
	memset(big, 'x', sizeof big);
	big[0] = '#';
	big[50] = '\0';
	ok(chat_chan_valid(big, 50), "exactly maxlen");
	big[50] = 'x';
	big[51] = '\0';
	ok(!chat_chan_valid(big, 50), "over maxlen");
	ok(chat_is_channel("#a"), "is_channel #a");
	ok(!chat_is_channel("a"), "is_channel a");
	ok(!chat_is_channel(""), "is_channel empty");
	ok(!chat_is_channel(NULL), "is_channel NULL");
}

/* Mask table plus a hostile pattern that must stay fast. */
static void
test_mask(void)
{
	static char str[20001], mask[200];
	size_t i, n = 0;
	clock_t t0;
	double secs;

	for (i = 0; i < sizeof mask_cases / sizeof mask_cases[0]; i++) {
		ok(chat_mask_match(mask_cases[i].mask, mask_cases[i].str) ==
		        mask_cases[i].match,
		    "mask \"%s\" vs \"%s\"", mask_cases[i].mask,
		    mask_cases[i].str);
	}

	memset(str, 'a', sizeof str - 1);
	for (i = 0; i < 40; i++) {
		mask[n++] = '*';
		mask[n++] = 'a';
	}
	mask[n++] = '*';
	mask[n++] = 'b';
	mask[n] = '\0';
	t0 = clock();
	ok(!chat_mask_match(mask, str), "hostile mask does not match");
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(secs < 2.0, "hostile mask is fast (%.3f s)", secs);
	str[sizeof str - 2] = 'b';
	ok(chat_mask_match(mask, str), "hostile mask matches with b");
}

/* Metadata keys: lowercase, digits, _ . / -, bounded. */
static void
test_metadata_key(void)
{
	ok(chat_metadata_key_valid("display-name", 64), "display-name");
	ok(chat_metadata_key_valid("im.xmpp/home_2", 64), "dot, slash, _");
	ok(!chat_metadata_key_valid("", 64), "empty key");
	ok(!chat_metadata_key_valid("Avatar", 64), "upper case");
	ok(!chat_metadata_key_valid("im:xmpp", 64), "colon");
	ok(!chat_metadata_key_valid("a b", 64), "space");
	ok(!chat_metadata_key_valid("caf\xc3\xa9", 64), "non-ASCII");
	ok(chat_metadata_key_valid("abcd", 4), "at the length limit");
	ok(!chat_metadata_key_valid("abcde", 4), "over the length limit");
}

int
main(void)
{
	test_fold();
	test_valid();
	test_metadata_key();
	test_mask();
	return done_testing();
}
