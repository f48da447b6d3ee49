/*
 * Unit tests for the channel mode parser (libchat/mode.c): every letter
 * of chatd's CHANMODES and PREFIX, missing and extra arguments, unknown
 * letters, the MODES limit, sign mixing, list requests, keys and limits.
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

static struct chat_mode_spec spec;
static struct chat_mode_change out[64];
static struct chat_mode_result res;

/* Parse modes with the space-separated args ("" for none). */
static enum chat_mode_err
parse(const char *modes, const char *args)
{
	static char buf[512];
	static const char *argv[32];
	char *p, *last;
	int n = 0;

	snprintf(buf, sizeof buf, "%s", args);
	for (p = strtok_r(buf, " ", &last); p != NULL && n < 32;
	     p = strtok_r(NULL, " ", &last))
		argv[n++] = p;
	return chat_mode_parse(
	    &spec, modes, argv, n, out, sizeof out / sizeof out[0], &res);
}

/* The changes as "+o:alice -l +b? k!" (? a list request, ! need arg). */
static const char *
show(void)
{
	static char buf[512];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < res.n; i++) {
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "%s%c%c%s%s%s", i > 0 ? " " : "", out[i].add ? '+' : '-',
		    out[i].letter, out[i].arg != NULL ? ":" : "",
		    out[i].arg != NULL ? out[i].arg : "",
		    out[i].list                                  ? "?"
		        : out[i].err == CHAT_MODE_NEEDARG        ? "!"
		        : out[i].err == CHAT_MODE_UNKNOWN_LETTER ? "#"
		                                                 : "");
	}
	return buf;
}

/* What the server advertises becomes the spec. */
static void
test_spec(void)
{
	chat_mode_spec_init(&spec, "b,k,l,imnst", "(ov)@+", 4);
	is_str(spec.list, "b", "type A");
	is_str(spec.always, "k", "type B");
	is_str(spec.set, "l", "type C");
	is_str(spec.flags, "imnst", "type D");
	is_str(spec.prefix, "ov", "PREFIX letters from (ov)@+");
	is_int(spec.max, 4, "MODES");
	chat_mode_spec_init(&spec, "beI,k,fl,ciP", "qaohv", 0);
	is_str(spec.list, "beI", "other servers' type A");
	is_str(spec.set, "fl", "other servers' type C");
	is_str(spec.prefix, "qaohv", "bare PREFIX letters");
	is_int(chat_mode_type(&spec, 'h'), CHAT_MODE_PREFIX, "h is a prefix");
	is_int(chat_mode_type(&spec, 'P'), CHAT_MODE_FLAG, "P is a flag");
	is_int(chat_mode_type(&spec, 'z'), CHAT_MODE_UNKNOWN, "z unknown");
	chat_mode_spec_init(&spec, NULL, NULL, -1);
	is_str(spec.flags, "imnst", "default CHANMODES");
	is_str(spec.prefix, "ov", "default PREFIX");
	is_int(spec.max, 0, "no limit");
	chat_mode_spec_init(&spec, "b,k", "(ov)@+", 0);
	is_str(spec.set, "", "short CHANMODES: no type C");
	is_str(spec.flags, "", "nor D");
}

/* Every letter chatd has, alone, both ways. */
static void
test_letters(void)
{
	chat_mode_spec_init(&spec, "b,k,l,imnst", "(ov)@+", 4);
	is_int(parse("+imnst", ""), CHAT_MODE_OK, "flags parse");
	is_str(show(), "+i +m +n +s +t", "flags take no argument");
	is_int(parse("-imnst", ""), CHAT_MODE_OK, "flags off");
	is_str(show(), "-i -m -n -s -t", "flags off take none either");
	parse("+o", "alice");
	is_str(show(), "+o:alice", "+o takes a nick");
	parse("-v", "bob");
	is_str(show(), "-v:bob", "-v takes a nick");
	is_int(out[0].type, CHAT_MODE_PREFIX, "v is a prefix mode");
	parse("+b", "*!*@x");
	is_str(show(), "+b:*!*@x", "+b takes a mask");
	parse("-b", "*!*@x");
	is_str(show(), "-b:*!*@x", "-b takes a mask");
	parse("+k", "sesame");
	is_str(show(), "+k:sesame", "+k takes a key");
	parse("-k", "sesame");
	is_str(show(), "-k:sesame", "-k takes a key too (type B)");
	parse("+l", "10");
	is_str(show(), "+l:10", "+l takes a limit");
	is_int(parse("-l", ""), CHAT_MODE_OK, "-l parses without argument");
	is_str(show(), "-l", "-l takes none (type C)");
	is_int(parse("-l", "10"), CHAT_MODE_EXTRA, "-l leaves its argument");
	is_int(res.extra, 1, "one extra argument");
	is_str(res.arg, "10", "the error names it");
}

/* Signs mix and repeat; a letter before any sign adds. */
static void
test_signs(void)
{
	parse("+o-v+i-t", "alice bob");
	is_str(show(), "+o:alice -v:bob +i -t", "mixed signs");
	parse("i", "");
	is_str(show(), "+i", "no sign adds");
	parse("+-+-i", "");
	is_str(show(), "-i", "the last sign counts");
	parse("+i-", "");
	is_str(show(), "+i", "a trailing sign is nothing");
	is_int(parse("", ""), CHAT_MODE_OK, "an empty string parses");
	is_int((long long)res.n, 0, "to nothing");
	parse("+k-k", "a b");
	is_str(show(), "+k:a -k:b", "arguments in order");
}

/* Missing, extra and unknown. */
static void
test_errors(void)
{
	is_int(parse("+o", ""), CHAT_MODE_NEEDARG, "+o without a nick");
	is_str(show(), "+o!", "marked, argument NULL");
	ok(res.letter == 'o', "the error names the letter");
	is_int(parse("+k", ""), CHAT_MODE_NEEDARG, "+k without a key");
	is_int(parse("-k", ""), CHAT_MODE_NEEDARG, "-k without a key");
	is_int(parse("+l", ""), CHAT_MODE_NEEDARG, "+l without a limit");
	is_int(parse("+ol", "alice"), CHAT_MODE_NEEDARG, "second one short");
	is_str(show(), "+o:alice +l!", "the first still has its argument");
	ok(res.letter == 'l', "the error names l");
	is_int(parse("+xi", ""), CHAT_MODE_UNKNOWN_LETTER, "unknown letter");
	is_str(show(), "+x# +i", "marked, parsing goes on");
	ok(res.letter == 'x', "the error names x");
	is_int(parse("+xo", "alice"), CHAT_MODE_UNKNOWN_LETTER,
	    "an unknown letter takes no argument");
	is_str(show(), "+x# +o:alice", "o still gets alice");
	is_int(parse("+p", ""), CHAT_MODE_UNKNOWN_LETTER,
	    "p is not in chatd's CHANMODES");
	is_int(parse("+i", "stray"), CHAT_MODE_EXTRA, "extra argument");
	is_str(res.arg, "stray", "named");
	is_int(parse("+x", "stray"), CHAT_MODE_UNKNOWN_LETTER,
	    "the first error is the one reported");
	is_int(res.extra, 1, "the extra is still counted");
	is_int(parse("+o", "a b c"), CHAT_MODE_EXTRA, "two extra");
	is_int(res.extra, 2, "counted");
	ok(strcmp(chat_mode_strerror(CHAT_MODE_TOOMANY), "") != 0,
	    "errors have texts");
}

/* A list mode without argument asks for the list. */
static void
test_list(void)
{
	is_int(parse("b", ""), CHAT_MODE_OK, "b alone is no error");
	is_str(show(), "+b?", "a list request");
	parse("-b", "");
	is_str(show(), "-b?", "-b alone too");
	parse("+bb", "*!*@x");
	is_str(show(), "+b:*!*@x +b?", "the second b has none: a request");
	parse("+ib", "");
	is_str(show(), "+i +b?", "with a flag");
}

/* MODES: at most that many changes with an argument. */
static void
test_limit(void)
{
	struct chat_mode_change few[2];

	is_int(parse("+oooo", "a b c d"), CHAT_MODE_OK, "four fit");
	is_int(parse("+ooooo", "a b c d e"), CHAT_MODE_TOOMANY, "five do not");
	is_str(show(), "+o:a +o:b +o:c +o:d", "parsing stops before the fifth");
	ok(res.stopped && res.letter == 'o' && strcmp(res.arg, "e") == 0,
	    "the error names the letter and its argument");
	is_int(parse("+oooooi", "a b c d e"), CHAT_MODE_TOOMANY,
	    "nothing after the stop");
	is_int((long long)res.n, 4, "the i is not parsed");
	is_int(parse("+imnstimnst-l", ""), CHAT_MODE_OK,
	    "flags and -l do not count");
	is_int(parse("+kl-k+b", "k 5 k m"), CHAT_MODE_OK,
	    "every kind of argument counts, four is fine");
	is_int(parse("+o+ooo-b", "a b c d"), CHAT_MODE_OK,
	    "a list request does not count");
	is_str(show(), "+o:a +o:b +o:c +o:d -b?", "the changes");
	chat_mode_spec_init(&spec, "b,k,l,imnst", "(ov)@+", 0);
	is_int(
	    parse("+oooooo", "a b c d e f"), CHAT_MODE_OK, "MODES 0: no limit");
	chat_mode_spec_init(&spec, "b,k,l,imnst", "(ov)@+", 4);
	is_int(chat_mode_parse(&spec, "+imn", NULL, 0, few, 2, &res),
	    CHAT_MODE_TOOMANY, "more letters than room");
	is_int((long long)res.n, 2, "filled");
}

/* chatd's CHANMODES=beI,k,l,imnst: e and I are lists like b. */
static void
test_exceptions(void)
{
	chat_mode_spec_init(&spec, "beI,k,l,imnst", "(ov)@+", 4);
	is_int(chat_mode_type(&spec, 'e'), CHAT_MODE_LIST, "e is a list");
	is_int(chat_mode_type(&spec, 'I'), CHAT_MODE_LIST, "I is a list");
	is_int(chat_mode_type(&spec, 'i'), CHAT_MODE_FLAG, "i is still a flag");
	is_int(parse("+eI-b", "a!*@* $a:acct $m:b!*@*"), CHAT_MODE_OK,
	    "three list changes");
	is_str(show(), "+e:a!*@* +I:$a:acct -b:$m:b!*@*",
	    "each takes its mask, extbans as given");
	parse("e", "");
	is_int(out[0].list, 1, "a bare e lists");
	parse("+I", "");
	is_int(out[0].list, 1, "a bare +I lists");
	is_int(parse("+beIb", "a b c d"), CHAT_MODE_OK, "four masks fit MODES");
	is_int(parse("+beIbe", "a b c d e"), CHAT_MODE_TOOMANY,
	    "a fifth is over MODES");
	chat_mode_spec_init(&spec, "b,k,l,imnst", "(ov)@+", 4);
}

/* Keys and limits are passed on as given: judging them is the caller's. */
static void
test_keys_limits(void)
{
	parse("+k", "a:b");
	is_str(show(), "+k:a:b", "key kept as given");
	parse("+l", "-3");
	is_str(show(), "+l:-3", "limit kept as given");
	parse("+l-l+l", "5 7");
	is_str(show(), "+l:5 -l +l:7", "-l between two +l");
	parse("-k+k", "old new");
	is_str(show(), "-k:old +k:new", "change of key");
}

int
main(void)
{
	test_spec();
	test_letters();
	test_signs();
	test_errors();
	test_list();
	test_exceptions();
	test_limit();
	test_keys_limits();
	return done_testing();
}
