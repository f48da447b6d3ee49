/*
 * IRCv3 draft/multiline for the sending side: the limits a server offers
 * in the capability's value, and how a text with line breaks becomes the
 * lines of one or more batches within them. Pure: the caller owns the
 * text and the array of pieces, which point into it.
 */

#include <stdlib.h>
#include <string.h>

#include "chat.h"

/* The number after key= in a capability value, or -1 if absent. */
static long long
chat_multiline_value(const char *value, const char *key)
{
	size_t klen = strlen(key);
	const char *p = value;
	char *end;
	long long n;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			n = strtoll(p + klen + 1, &end, 10);
			if (end == p + klen + 1 ||
			    (*end != ',' && *end != '\0') || n < 0)
				return -1;
			return n;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return -1;
}

/* Parse "max-bytes=4096,max-lines=32" (max-lines may be missing). */
int
chat_multiline_limits(const char *value, struct chat_ml_limits *lim)
{
	long long bytes, lines;

	lim->max_bytes = 0;
	lim->max_lines = 0;
	if (value == NULL)
		return -1;
	bytes = chat_multiline_value(value, "max-bytes");
	lines = chat_multiline_value(value, "max-lines");
	if (bytes <= 0)
		return -1;
	lim->max_bytes = (size_t)bytes;
	lim->max_lines = lines > 0 ? (size_t)lines : 0;
	return 0;
}

/* Length of the line break at s (CR LF, LF or CR), or 0. */
static size_t
chat_multiline_break(const char *s, const char *end)
{
	if (s < end && *s == '\r')
		return s + 1 < end && s[1] == '\n' ? 2 : 1;
	return s < end && *s == '\n' ? 1 : 0;
}

/*
 * Cut text into pieces: one per line, a line longer than room bytes into
 * pieces (at UTF-8 boundaries) that continue it (concat), and pieces
 * grouped into batches (first: a batch begins) that keep the limits: at
 * most max_lines pieces and max_bytes of text, a line break counting one
 * byte. A batch never begins with a blank line or a continuation (a
 * continuation there loses its concat: the server refuses it first), and
 * blank lines at the start and end of the text are left out. lim NULL:
 * no batches, every piece is a batch of its own and blank lines are left
 * out too (lines sent one by one). Returns the number of pieces, which
 * may be more than max: then only max were written.
 */
size_t
chat_multiline_split(const char *text, size_t len, size_t room,
    const struct chat_ml_limits *lim, struct chat_ml_piece *out, size_t max)
{
	const char *p = text, *end = text + len, *eol, *last = text + len;
	size_t n = 0, lines = 0, bytes = 0, br, cut, llen, add;
	bool concat, first;

	if (lim != NULL && lim->max_bytes < room)
		room = lim->max_bytes; /* one piece must fit a batch */
	if (room == 0)
		return 0;
	/* Blank lines at the end are nobody's message. */
	while (last > text && (last[-1] == '\n' || last[-1] == '\r'))
		last--;
	end = last;
	while (p < end) {
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		llen = (size_t)(eol - p);
		concat = false;
		do {
			cut = llen > room ? chat_utf8_cut(p, llen, room) : llen;
			if (cut == 0 && llen > 0)
				cut = llen < room ? llen : room;
			/* Blank: only inside a batch that has begun. */
			if (cut == 0 && (lim == NULL || lines == 0))
				break;
			add = cut + (lines > 0 && !concat ? 1 : 0);
			first = lim == NULL || lines == 0 ||
			    (lim->max_lines > 0 &&
			        lines + 1 > lim->max_lines) ||
			    bytes + add > lim->max_bytes;
			if (first && cut == 0)
				break; /* a new batch does not begin blank */
			if (first) {
				lines = 0;
				bytes = 0;
				add = cut;
			}
			if (n < max) {
				out[n].off = (size_t)(p - text);
				out[n].len = cut;
				out[n].concat = concat && !first;
				out[n].first = first;
			}
			n++;
			lines++;
			bytes += add;
			concat = true;
			p += cut;
			llen -= cut;
		} while (llen > 0);
		p = eol;
		br = chat_multiline_break(p, end);
		p += br;
	}
	return n;
}
