/*
 * libFuzzer target for libchat's parser and formatter: every input is
 * parsed, formatted back and parsed again, and the invariants that the
 * daemon relies on are checked with abort() so any fuzzer or the replay
 * driver stops at the first violation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly; a fuzzer records the input that got here. */
#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

/* Whether the source or a parameter has CR or LF (format refuses them). */
static bool
fuzz_has_crlf(const struct chat_msg *m)
{
	int i;

	if (m->source != NULL && strpbrk(m->source, "\r\n") != NULL)
		return true;
	for (i = 0; i < m->argc; i++) {
		if (strpbrk(m->argv[i], "\r\n") != NULL)
			return true;
	}
	return false;
}

/* Format m without tags and check the 512-byte and round-trip rules. */
static void
fuzz_round_trip(const struct chat_msg *m)
{
	static char out[CHAT_WIRE_MAX + 1], again[CHAT_WIRE_MAX + 1];
	const char *last, *src;
	struct chat_msg m2;
	size_t lastlen, n2;
	bool tr;
	int n, i;

	src = m->source != NULL && m->source[0] != '\0' ? m->source : NULL;
	n = chat_msg_format(out, sizeof out, NULL, src, m->command, m->argc,
	    (const char *const *)m->argv, &tr);
	if (n < 0) {
		/* Only CR or LF in a parameter may make a parsed line fail. */
		CHECK(fuzz_has_crlf(m));
		return;
	}
	CHECK(n >= 2 && n <= CHAT_LINE_MAX);
	CHECK(out[n - 2] == '\r' && out[n - 1] == '\n' && out[n] == '\0');
	CHECK(memchr(out, '\n', (size_t)n - 1) == NULL);

	n2 = (size_t)n - 2;
	memcpy(again, out, n2);
	CHECK(chat_msg_parse(&m2, again, n2) == CHAT_PARSE_OK);
	CHECK(strcmp(m2.command, m->command) == 0);
	CHECK(m2.argc == m->argc);
	for (i = 0; i + 1 < m->argc; i++)
		CHECK(strcmp(m2.argv[i], m->argv[i]) == 0);
	if (m->argc == 0)
		return;
	last = m->argv[m->argc - 1];
	lastlen = strlen(last);
	if (!tr) {
		CHECK(strcmp(m2.argv[m->argc - 1], last) == 0);
		return;
	}
	/* Cut: a prefix, and valid UTF-8 whenever the original was. */
	n2 = strlen(m2.argv[m->argc - 1]);
	CHECK(n2 < lastlen && memcmp(m2.argv[m->argc - 1], last, n2) == 0);
	CHECK(n >= CHAT_LINE_MAX - 3);
	if (chat_utf8_valid(last, lastlen))
		CHECK(chat_utf8_valid(m2.argv[m->argc - 1], n2));
}

/* Re-escape the parsed tags and format with them; check the wire limit. */
static void
fuzz_tags(const struct chat_msg *m)
{
	static char tags[CHAT_TAGS_MAX + 1], out[CHAT_WIRE_MAX + 1];
	size_t off = 0, i, klen;
	int e, n;
	bool tr;

	if (m->ntags == 0 || fuzz_has_crlf(m))
		return;
	for (i = 0; i < m->ntags; i++) {
		klen = strlen(m->tags[i].key);
		if (off + klen + 2 >= sizeof tags)
			return;
		memcpy(tags + off, m->tags[i].key, klen);
		off += klen;
		if (m->tags[i].value != NULL) {
			tags[off++] = '=';
			e = chat_tag_escape(
			    tags + off, sizeof tags - off, m->tags[i].value);
			if (e < 0)
				return;
			off += (size_t)e;
		}
		/* Room for the ';' and the terminator. */
		if (off + 2 > sizeof tags)
			return;
		tags[off++] = ';';
		tags[off] = '\0';
	}
	tags[--off] = '\0';
	n = chat_msg_format(out, sizeof out, tags, NULL, m->command, m->argc,
	    (const char *const *)m->argv, &tr);
	if (n < 0)
		return;
	CHECK((size_t)n <= CHAT_WIRE_MAX);
	CHECK(out[0] == '@');
	CHECK(strlen(strchr(out, ' ') + 1) <= CHAT_LINE_MAX);
}

/* Treat the input as a line a daemon built with printf. */
static void
fuzz_line_fit(const uint8_t *data, size_t size)
{
	static char buf[CHAT_WIRE_MAX + 3];
	bool tr;
	int n;

	if (size > CHAT_WIRE_MAX || memchr(data, '\0', size) != NULL)
		return;
	memcpy(buf, data, size);
	n = chat_line_fit(buf, size, &tr);
	if (n < 0) {
		CHECK(size > CHAT_LINE_MAX - 2);
		return;
	}
	CHECK(n <= CHAT_LINE_MAX && (size_t)n <= size + 2);
	CHECK(buf[n - 2] == '\r' && buf[n - 1] == '\n' && buf[n] == '\0');
	CHECK(tr == ((size_t)n < size + 2));
	if (tr && chat_utf8_valid((const char *)data, size))
		CHECK(chat_utf8_valid(buf, (size_t)n - 2));
}

/* Masks against names: must terminate and agree with "*" and itself. */
static void
fuzz_mask(const uint8_t *data, size_t size)
{
	static char mask[1024], str[1024];
	const uint8_t *nul;
	size_t ml, sl;

	nul = memchr(data, '\0', size);
	if (nul == NULL)
		return;
	ml = (size_t)(nul - data);
	sl = size - ml - 1;
	if (ml >= sizeof mask || sl >= sizeof str ||
	    memchr(nul + 1, '\0', sl) != NULL)
		return;
	memcpy(mask, data, ml);
	mask[ml] = '\0';
	memcpy(str, nul + 1, sl);
	str[sl] = '\0';
	(void)chat_mask_match(mask, str);
	CHECK(chat_mask_match("*", str));
	if (strpbrk(str, "*?\\") == NULL)
		CHECK(chat_mask_match(str, str));
}

/* The entry point libFuzzer and fuzz-replay.c call. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[CHAT_WIRE_MAX + 64];
	struct chat_msg m;
	int err;

	fuzz_line_fit(data, size);
	fuzz_mask(data, size);
	if (size >= sizeof line)
		return 0;
	memcpy(line, data, size);
	err = chat_msg_parse(&m, line, size);
	if (err != CHAT_PARSE_OK) {
		CHECK(err < 0 && err >= CHAT_PARSE_BAD_COMMAND);
		return 0;
	}
	CHECK(m.command != NULL && m.command[0] != '\0');
	CHECK(m.argc >= 0 && m.argc <= CHAT_PARAMS_MAX);
	CHECK(m.ntags <= CHAT_TAGS_N);
	fuzz_round_trip(&m);
	fuzz_tags(&m);
	return 0;
}
