/*
 * The rules of SENDFILE both sides follow (doc/PROTOCOL.md, "File
 * transfer"): base64, the DATA line shape, file names, MIME guesses,
 * offsets and the window of unacknowledged chunks. chatd and gchat both
 * call these; tests/unit/test-filechunk.c checks them.
 */

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chat.h"

static const char chat_file_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode len bytes as padded base64 into dst (no NUL); returns its length. */
size_t
chat_file_b64_encode(char *dst, const unsigned char *src, size_t len)
{
	char *p = dst;
	uint32_t v;

	for (; len >= 3; len -= 3, src += 3) {
		v = (uint32_t)src[0] << 16 | (uint32_t)src[1] << 8 | src[2];
		*p++ = chat_file_b64[v >> 18];
		*p++ = chat_file_b64[(v >> 12) & 63];
		*p++ = chat_file_b64[(v >> 6) & 63];
		*p++ = chat_file_b64[v & 63];
	}
	if (len > 0) {
		v = (uint32_t)src[0] << 16;
		if (len == 2)
			v |= (uint32_t)src[1] << 8;
		*p++ = chat_file_b64[v >> 18];
		*p++ = chat_file_b64[(v >> 12) & 63];
		*p++ = len == 2 ? chat_file_b64[(v >> 6) & 63] : '=';
		*p++ = '=';
	}
	return (size_t)(p - dst);
}

/* Base64 character values plus one: 0 marks a byte outside the alphabet. */
static const unsigned char chat_file_b64_dec[256] = {
	['A'] = 1,
	['B'] = 2,
	['C'] = 3,
	['D'] = 4,
	['E'] = 5,
	['F'] = 6,
	['G'] = 7,
	['H'] = 8,
	['I'] = 9,
	['J'] = 10,
	['K'] = 11,
	['L'] = 12,
	['M'] = 13,
	['N'] = 14,
	['O'] = 15,
	['P'] = 16,
	['Q'] = 17,
	['R'] = 18,
	['S'] = 19,
	['T'] = 20,
	['U'] = 21,
	['V'] = 22,
	['W'] = 23,
	['X'] = 24,
	['Y'] = 25,
	['Z'] = 26,
	['a'] = 27,
	['b'] = 28,
	['c'] = 29,
	['d'] = 30,
	['e'] = 31,
	['f'] = 32,
	['g'] = 33,
	['h'] = 34,
	['i'] = 35,
	['j'] = 36,
	['k'] = 37,
	['l'] = 38,
	['m'] = 39,
	['n'] = 40,
	['o'] = 41,
	['p'] = 42,
	['q'] = 43,
	['r'] = 44,
	['s'] = 45,
	['t'] = 46,
	['u'] = 47,
	['v'] = 48,
	['w'] = 49,
	['x'] = 50,
	['y'] = 51,
	['z'] = 52,
	['0'] = 53,
	['1'] = 54,
	['2'] = 55,
	['3'] = 56,
	['4'] = 57,
	['5'] = 58,
	['6'] = 59,
	['7'] = 60,
	['8'] = 61,
	['9'] = 62,
	['+'] = 63,
	['/'] = 64,
};

/*
 * Decode strict padded base64 (length a multiple of 4, '=' only at the
 * end, no spaces) into dst, which has room for len / 4 * 3 bytes.
 * Returns the decoded length or -1: a chunk is either all good or refused.
 */
ssize_t
chat_file_b64_decode(unsigned char *dst, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	const unsigned char *t = chat_file_b64_dec;
	unsigned char *p = dst;
	unsigned a, b, c, d;
	size_t i, full;

	if (len % 4 != 0)
		return -1;
	/* Every quantum but a padded last one: the hot loop, no branches
	 * but the validity check (this runs on the event loop). */
	full = len > 0 && s[len - 1] == '=' ? len - 4 : len;
	for (i = 0; i < full; i += 4) {
		a = t[s[i]];
		b = t[s[i + 1]];
		c = t[s[i + 2]];
		d = t[s[i + 3]];
		if (a == 0 || b == 0 || c == 0 || d == 0)
			return -1;
		a = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		p[0] = (unsigned char)(a >> 16);
		p[1] = (unsigned char)(a >> 8);
		p[2] = (unsigned char)a;
		p += 3;
	}
	if (full == len)
		return (ssize_t)(p - dst);
	/* "xx==" or "xxx=", with the unused bits zero. */
	a = t[s[i]];
	b = t[s[i + 1]];
	if (a == 0 || b == 0)
		return -1;
	a--;
	b--;
	*p++ = (unsigned char)(a << 2 | b >> 4);
	if (s[i + 2] == '=')
		return (b & 15) != 0 ? -1 : (ssize_t)(p - dst);
	if ((c = t[s[i + 2]]) == 0 || ((c - 1) & 3) != 0)
		return -1;
	c--;
	*p++ = (unsigned char)((b & 15) << 4 | c >> 2);
	return (ssize_t)(p - dst);
}

/* Parse a decimal number without sign, spaces or overflow. */
int
chat_file_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

/* Check a SHA-256 in hex and lower-case it in place. */
bool
chat_file_hash_valid(char *hex)
{
	size_t i;

	for (i = 0; hex[i] != '\0'; i++) {
		if (!isxdigit((unsigned char)hex[i]))
			return false;
		hex[i] = (char)tolower((unsigned char)hex[i]);
	}
	return i == CHAT_FILE_HASH_HEX;
}

/* Whether the first bytes of a line say it is an upload chunk. */
bool
chat_file_is_data(const char *head, size_t len)
{
	return len >= CHAT_FILE_DATA_PREFIX &&
	    strncasecmp(head, "SENDFILE DATA ", CHAT_FILE_DATA_PREFIX) == 0;
}

/*
 * Split "SENDFILE DATA <id> <offset> [:]<base64>" in place (line is
 * NUL-terminated at len). Exactly one space between the fields: it is a
 * machine format, and a lenient split would only hide client bugs.
 */
int
chat_file_parse_data(char *line, size_t len, struct chat_file_data *d)
{
	char *p, *sp;

	if (!chat_file_is_data(line, len))
		return -1;
	p = line + CHAT_FILE_DATA_PREFIX;
	if ((sp = strchr(p, ' ')) == NULL)
		return -1;
	*sp = '\0';
	if (chat_file_parse_u64(p, &d->id) != 0)
		return -1;
	p = sp + 1;
	if ((sp = strchr(p, ' ')) == NULL)
		return -1;
	*sp = '\0';
	if (chat_file_parse_u64(p, &d->offset) != 0)
		return -1;
	p = sp + 1;
	if (*p == ':')
		p++;
	d->b64 = p;
	d->b64len = len - (size_t)(p - line);
	return 0;
}

/*
 * Characters dropped from a name: bidi controls (U+202E makes "gnp.exe"
 * read "exe.png"), and invisible format characters that make two names
 * look alike. ZWJ and ZWNJ stay: scripts and emoji need them.
 */
static bool
chat_file_invisible(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x034f || cp == 0x061c || cp == 0x115f ||
	    cp == 0x1160 || cp == 0x180e || cp == 0x200b ||
	    (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3164 || cp == 0xfeff ||
	    cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0x1d173 && cp <= 0x1d17a) ||
	    (cp >= 0xe0000 && cp <= 0xe0fff);
}

/*
 * Make a name safe to show and to hand to another client: the base name
 * only (after the last '/' or '\'); bidi controls and invisible format
 * characters dropped; control characters (C0, DEL, C1, line and paragraph
 * separators), bytes that are not UTF-8 and the rest of '/' and '\'
 * replaced by '_' (spaces stay: none reach a server, since the name is a
 * middle parameter, but a client shows its own files' names); no leading
 * dot (so never "." or ".."); at most CHAT_FILE_NAME_MAX bytes, cut on a
 * character boundary; "file" if nothing is left. The result is valid UTF-8 and
 * sanitising it again changes nothing. Servers store files by hash, so this is
 * about what recipients see and save as.
 */
void
chat_file_sanitize_name(char *dst, size_t size, const char *name)
{
	const char *base = name, *p;
	size_t n = 0, max, len, k;
	uint32_t cp;

	if (size == 0)
		return;
	max = size - 1 < CHAT_FILE_NAME_MAX ? size - 1 : CHAT_FILE_NAME_MAX;
	for (p = name; *p != '\0'; p++) {
		if ((*p == '/' || *p == '\\') && p[1] != '\0')
			base = p + 1;
	}
	len = strlen(base);
	for (p = base; p < base + len; p += k) {
		if ((k = chat_utf8_decode(p, len - (size_t)(p - base), &cp)) ==
		    0) {
			k = 1;
			cp = '_';
		} else if (chat_file_invisible(cp))
			continue;
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029 || cp == '/' || cp == '\\')
			cp = '_';
		else if (n == 0 && cp == '.')
			cp = '_';
		if (cp == '_' || k == 1) {
			if (n + 1 > max)
				break;
			dst[n++] = (char)cp;
			continue;
		}
		if (n + k > max)
			break;
		memcpy(dst + n, p, k);
		n += k;
	}
	if (n == 0) {
		snprintf(dst, size, "file");
		return;
	}
	dst[n] = '\0';
}

/* Types recognised by their first bytes. */
static const struct {
	size_t at;
	const char *magic;
	size_t len;
	const char *type;
} chat_file_magic[] = {
	{ 0, "\x89PNG\r\n\x1a\n", 8, "image/png" },
	{ 0, "\xff\xd8\xff", 3, "image/jpeg" },
	{ 0, "GIF87a", 6, "image/gif" },
	{ 0, "GIF89a", 6, "image/gif" },
	{ 8, "WEBP", 4, "image/webp" },
	{ 8, "WAVE", 4, "audio/wav" },
	{ 0, "%PDF-", 5, "application/pdf" },
	{ 0, "PK\x03\x04", 4, "application/zip" },
	{ 0, "\x1f\x8b", 2, "application/gzip" },
	{ 0, "BZh", 3, "application/x-bzip2" },
	{ 0,
	    "\xfd"
	    "7zXZ\0",
	    6, "application/x-xz" },
	{ 0, "7z\xbc\xaf\x27\x1c", 6, "application/x-7z-compressed" },
	{ 0, "OggS", 4, "audio/ogg" },
	{ 0, "ID3", 3, "audio/mpeg" },
	{ 0, "fLaC", 4, "audio/flac" },
	{ 4, "ftyp", 4, "video/mp4" },
	{ 0, "\x1a\x45\xdf\xa3", 4, "video/webm" },
	{ 0,
	    "\x7f"
	    "ELF",
	    4, "application/x-executable" },
	{ 257, "ustar", 5, "application/x-tar" },
};

/* Types by extension, for text formats and containers (zip, ...). */
static const struct {
	const char *ext;
	const char *type;
} chat_file_ext[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "c", "text/x-c" },
	{ "css", "text/css" },
	{ "csv", "text/csv" },
	{ "doc", "application/msword" },
	{ "docx",
	    "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "h", "text/x-c" },
	{ "htm", "text/html" },
	{ "html", "text/html" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", "text/javascript" },
	{ "json", "application/json" },
	{ "md", "text/markdown" },
	{ "mkv", "video/x-matroska" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "ogg", "audio/ogg" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "pptx",
	    "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "txt", "text/plain" },
	{ "wav", "audio/wav" },
	{ "webm", "video/webm" },
	{ "webp", "image/webp" },
	{ "xlsx",
	    "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
};

/* The type an extension names, or NULL. */
static const char *
chat_file_mime_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || dot == name)
		return NULL;
	for (i = 0; i < sizeof chat_file_ext / sizeof chat_file_ext[0]; i++) {
		if (strcasecmp(dot + 1, chat_file_ext[i].ext) == 0)
			return chat_file_ext[i].type;
	}
	return NULL;
}

/* Whether the first bytes look like text (UTF-8, no control bytes). */
static bool
chat_file_is_text(const unsigned char *head, size_t len)
{
	size_t i, need, n = len;

	for (i = 0; i < len; i++) {
		if (head[i] < 0x20 && head[i] != '\t' && head[i] != '\n' &&
		    head[i] != '\r' && head[i] != '\f')
			return false;
		if (head[i] == 0x7f)
			return false;
	}
	/* A sample may end inside a character: drop a partial last one. */
	for (i = len; i > 0 && len - i < 4; i--) {
		if ((head[i - 1] & 0xc0) == 0x80)
			continue;
		if (head[i - 1] >= 0xc0) {
			need = head[i - 1] >= 0xf0 ? 4
			    : head[i - 1] >= 0xe0  ? 3
			                           : 2;
			if (len - (i - 1) < need)
				n = i - 1;
		}
		break;
	}
	return chat_utf8_valid((const char *)head, n);
}

/*
 * Guess a MIME type from the first len bytes of a file and its name: the
 * magic bytes win, except that a zip or text file takes the more precise
 * type its extension names (a .docx is a zip, a .html is text).
 */
const char *
chat_file_mime(const unsigned char *head, size_t len, const char *name)
{
	const char *ext = chat_file_mime_ext(name);
	size_t i;

	for (i = 0; i < sizeof chat_file_magic / sizeof chat_file_magic[0];
	     i++) {
		if (len < chat_file_magic[i].at + chat_file_magic[i].len ||
		    memcmp(head + chat_file_magic[i].at,
		        chat_file_magic[i].magic, chat_file_magic[i].len) != 0)
			continue;
		if (strcmp(chat_file_magic[i].type, "application/zip") == 0 &&
		    ext != NULL)
			return ext;
		return chat_file_magic[i].type;
	}
	if (len > 0 && chat_file_is_text(head, len)) {
		if (ext != NULL &&
		    (strncmp(ext, "text/", 5) == 0 ||
		        strcmp(ext, "application/json") == 0 ||
		        strcmp(ext, "application/xml") == 0 ||
		        strcmp(ext, "image/svg+xml") == 0))
			return ext;
		return "text/plain";
	}
	if (len == 0 && ext != NULL)
		return ext;
	return "application/octet-stream";
}

/*
 * Check an upload chunk against what the server expects next: the chunk
 * must start where the last one ended and stay inside the declared size.
 */
enum chat_file_err
chat_file_upload_check(uint64_t expect, uint64_t size, uint64_t off, size_t len)
{
	if (off != expect)
		return CHAT_FILE_WRONG_OFFSET;
	if (len > CHAT_FILE_CHUNK)
		return CHAT_FILE_TOO_BIG;
	if (len > size - off)
		return CHAT_FILE_TOO_MUCH;
	if (len == 0 && off != size)
		return CHAT_FILE_EMPTY;
	return CHAT_FILE_OK;
}

/* Start a download window at offset start of a size-byte file. */
void
chat_file_window_init(struct chat_file_window *w, uint64_t size, uint64_t start,
    size_t chunk, unsigned window)
{
	w->size = size;
	w->acked = start > size ? size : start;
	w->sent = w->acked;
	w->chunk = chunk;
	w->window = window;
}

/*
 * The next chunk to send, if the window has room (bytes in flight never
 * exceed window chunks, whatever offsets the receiver acknowledges);
 * marks it sent.
 */
bool
chat_file_window_next(struct chat_file_window *w, uint64_t *off, size_t *len)
{
	return chat_file_window_next_upto(w, w->size, off, len);
}

/*
 * Like chat_file_window_next, but only bytes before limit exist yet (a
 * file still being uploaded): the chunk ends there, or there is none.
 */
bool
chat_file_window_next_upto(
    struct chat_file_window *w, uint64_t limit, uint64_t *off, size_t *len)
{
	uint64_t end = limit < w->size ? limit : w->size;
	uint64_t left = end > w->sent ? end - w->sent : 0;
	size_t n = left < w->chunk ? (size_t)left : w->chunk;

	if (n == 0 || w->sent - w->acked + n > (uint64_t)w->window * w->chunk)
		return false;
	*off = w->sent;
	*len = n;
	w->sent += n;
	return true;
}

/* The receiver has everything up to off: it must be new and sent. */
enum chat_file_err
chat_file_window_ack(struct chat_file_window *w, uint64_t off)
{
	if (off <= w->acked || off > w->sent)
		return CHAT_FILE_WRONG_OFFSET;
	w->acked = off;
	return CHAT_FILE_OK;
}

/* Whether every byte has been acknowledged. */
bool
chat_file_window_done(const struct chat_file_window *w)
{
	return w->acked == w->size;
}

/* By enum chat_file_sub. */
static const char *const chat_file_subs[] = { "ACCEPT", "ACK", "BEGIN",
	"CANCEL", "DATA", "DECLINE", "END", "ENTRY", "LIST", "OFFER", "STATUS",
	"STORED", "TO", "UPLOAD" };

/* The SENDFILE sub-command a word names, in any case. */
enum chat_file_sub
chat_file_sub(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof chat_file_subs / sizeof chat_file_subs[0]; i++) {
		if (strcasecmp(word, chat_file_subs[i]) == 0)
			return (enum chat_file_sub)i;
	}
	return CHAT_FILE_SUB_UNKNOWN;
}

/* The name of a SENDFILE sub-command. */
const char *
chat_file_sub_name(enum chat_file_sub sub)
{
	if (sub < 0 ||
	    (size_t)sub >= sizeof chat_file_subs / sizeof chat_file_subs[0])
		return "";
	return chat_file_subs[sub];
}
