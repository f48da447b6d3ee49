/*
 * Unit tests for the pure SENDFILE bookkeeping (libchat/file.c):
 * base64, the DATA line shape, names, MIME guesses, offsets and windows.
 */
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

/* Encode then decode every length up to 64 over all byte values. */
static void
test_b64_roundtrip(void)
{
	unsigned char in[64], out[64];
	char enc[100];
	size_t len, n, i;
	ssize_t m;
	bool good = true;

	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 250);
	for (len = 0; len <= sizeof in; len++) {
		n = chat_file_b64_encode(enc, in, len);
		m = chat_file_b64_decode(out, enc, n);
		if (n != (len + 2) / 3 * 4 || m != (ssize_t)len ||
		    memcmp(in, out, len) != 0)
			good = false;
	}
	ok(good, "base64 round trip for 0..64 bytes");
}

/* Known vectors and strictness. */
static void
test_b64_vectors(void)
{
	unsigned char out[64];
	char enc[64];
	ssize_t n;

	n = (ssize_t)chat_file_b64_encode(
	    enc, (const unsigned char *)"hello\n", 6);
	enc[n] = '\0';
	is_str(enc, "aGVsbG8K", "encode hello\\n");
	n = chat_file_b64_decode(out, "Zm9vYg==", 8);
	ok(n == 4 && memcmp(out, "foob", 4) == 0, "decode with == padding");
	n = chat_file_b64_decode(out, "Zm9vYmE=", 8);
	ok(n == 5 && memcmp(out, "fooba", 5) == 0, "decode with = padding");
	is_int(chat_file_b64_decode(out, "", 0), 0, "empty decodes to empty");
	is_int(chat_file_b64_decode(out, "Zm9", 3), -1, "length not 4k");
	is_int(chat_file_b64_decode(out, "Zm9v!mE=", 8), -1, "bad character");
	is_int(chat_file_b64_decode(out, "Zm9 YmE=", 8), -1, "space");
	is_int(chat_file_b64_decode(out, "Zg==Zm9v", 8), -1,
	    "padding in the middle");
	is_int(chat_file_b64_decode(out, "Zh==", 4), -1,
	    "non-zero bits under padding");
	is_int(chat_file_b64_decode(out, "Z===", 4), -1, "three pad chars");
	is_int(chat_file_b64_decode(out, "Zm=v", 4), -1, "data after pad");
}

/* The DATA line parser. */
static void
test_parse_data(void)
{
	struct chat_file_data d;
	char line[128];

	strcpy(line, "SENDFILE DATA 12 49152 aGVsbG8K");
	ok(chat_file_parse_data(line, strlen(line), &d) == 0 && d.id == 12 &&
	        d.offset == 49152 && d.b64len == 8 &&
	        memcmp(d.b64, "aGVsbG8K", 8) == 0,
	    "parse a DATA line");
	strcpy(line, "sendfile data 1 0 :aGVsbG8K");
	ok(chat_file_parse_data(line, strlen(line), &d) == 0 && d.b64len == 8,
	    "any case, ':' before the base64");
	strcpy(line, "SENDFILE DATA 1 0 ");
	ok(chat_file_parse_data(line, strlen(line), &d) == 0 && d.b64len == 0,
	    "an empty chunk parses");
	strcpy(line, "SENDFILE DATA x 0 aGVsbG8K");
	is_int(chat_file_parse_data(line, strlen(line), &d), -1, "bad id");
	strcpy(line, "SENDFILE DATA 1 -1 aGVsbG8K");
	is_int(chat_file_parse_data(line, strlen(line), &d), -1,
	    "negative offset");
	strcpy(line, "SENDFILE DATA 1 0");
	is_int(
	    chat_file_parse_data(line, strlen(line), &d), -1, "missing base64");
	strcpy(line, "SENDFILE DATA 1 99999999999999999999999 AAAA");
	is_int(chat_file_parse_data(line, strlen(line), &d), -1,
	    "offset overflow");
	ok(!chat_file_is_data("SENDFILE DAT", 12), "short head is not data");
	ok(chat_file_is_data("Sendfile Data ", 14), "head any case");
	ok(!chat_file_is_data("SENDFILE LIST\r\nXY", 17), "LIST is not data");
}

/* Name sanitising: what recipients see. */
static void
test_names(void)
{
	char out[CHAT_FILE_NAME_MAX + 1], big[400];

	chat_file_sanitize_name(out, sizeof out, "report.pdf");
	is_str(out, "report.pdf", "plain name kept");
	chat_file_sanitize_name(out, sizeof out, "../../etc/passwd");
	is_str(out, "passwd", "directories dropped");
	chat_file_sanitize_name(out, sizeof out, "..");
	is_str(out, "_.", "'..' loses its leading dot");
	chat_file_sanitize_name(out, sizeof out, ".bashrc");
	is_str(out, "_bashrc", "no hidden files");
	chat_file_sanitize_name(out, sizeof out,
	    "a\x01"
	    "b\x7f"
	    "c");
	is_str(out, "a_b_c", "control characters replaced");
	chat_file_sanitize_name(out, sizeof out, "dir\\evil.exe");
	is_str(out, "evil.exe", "backslash directories dropped");
	chat_file_sanitize_name(out, sizeof out, "dir/");
	is_str(out, "dir_", "trailing slash replaced");
	chat_file_sanitize_name(out, sizeof out, "");
	is_str(out, "file", "empty name becomes 'file'");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	chat_file_sanitize_name(out, sizeof out, big);
	is_int((long long)strlen(out), CHAT_FILE_NAME_MAX, "long name cut");
	chat_file_sanitize_name(out, sizeof out, "caf\xc3\xa9.txt");
	is_str(out, "caf\xc3\xa9.txt", "UTF-8 kept");
}

/*
 * The one rule both sides use (issue 16 item 6): bidi controls and
 * invisible format characters dropped, other controls and bytes that
 * are not UTF-8 replaced, and sanitising twice changes nothing.
 */
static void
test_names_unicode(void)
{
	static const struct {
		const char *in, *out, *what;
	} t[] = {
		{ "gnp\xe2\x80\xae.exe", "gnp.exe", "U+202E (RLO) dropped" },
		{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"
		  "a.txt",
		    "a.txt", "U+202A..U+202D dropped" },
		{ "a\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"
		  "b",
		    "ab", "U+2066..U+2069 (isolates) dropped" },
		{ "a\xe2\x80\x8e"
		  "b\xe2\x80\x8f"
		  "c\xd8\x9c"
		  "d",
		    "abcd", "LRM, RLM and ALM dropped" },
		{ "a\xe2\x80\x8b"
		  "b\xef\xbb\xbf"
		  "c\xc2\xad"
		  "d\xe2\x81\xa0"
		  "e",
		    "abcde", "ZWSP, BOM, soft hyphen, word joiner dropped" },
		{ "a\xf3\xa0\x80\x81"
		  "b",
		    "ab", "tag characters dropped" },
		{ "\xe2\x80\xae.bashrc", "_bashrc",
		    "no leading dot behind a dropped character" },
		{ "\xe2\x80\xae", "file", "nothing left becomes 'file'" },
		{ "a\xc2\x85"
		  "b\xe2\x80\xa8"
		  "c\x1b"
		  "d",
		    "a_b_c_d", "C1, line separator, ESC replaced" },
		{ "a\xff"
		  "b\xc3"
		  "c",
		    "a_b_c", "bytes that are not UTF-8 replaced" },
		{ "\xc0\xaf"
		  "x",
		    "__x", "an overlong '/' is two bad bytes, not a slash" },
		{ "\xed\xa0\x80", "___", "a surrogate is not UTF-8" },
		{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9.png",
		    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9.png",
		    "ZWJ in an emoji sequence kept" },
		{ "my file.txt", "my file.txt", "spaces kept" },
	};
	char out[CHAT_FILE_NAME_MAX + 1], again[CHAT_FILE_NAME_MAX + 1];
	char big[400], small[8];
	size_t i;
	bool stable = true, valid = true;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		chat_file_sanitize_name(out, sizeof out, t[i].in);
		is_str(out, t[i].out, "%s", t[i].what);
		chat_file_sanitize_name(again, sizeof again, out);
		if (strcmp(out, again) != 0)
			stable = false;
		if (!chat_utf8_valid(out, strlen(out)))
			valid = false;
	}
	ok(stable, "sanitising a sanitised name changes nothing");
	ok(valid, "every result is valid UTF-8");

	/* "x" and U+00E9s: byte 200 would split one, so 199 are kept. */
	big[0] = 'x';
	for (i = 1; i + 2 < sizeof big; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[i] = '\0';
	chat_file_sanitize_name(out, sizeof out, big);
	is_int((long long)strlen(out), CHAT_FILE_NAME_MAX - 1,
	    "long UTF-8 name cut on a character boundary");
	ok(chat_utf8_valid(out, strlen(out)), "and still valid UTF-8");
	chat_file_sanitize_name(small, sizeof small, "abcdefghij");
	is_str(small, "abcdefg", "cut to a small buffer");
}

/* MIME guesses from magic bytes and extensions. */
static void
test_mime(void)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\nxxxx";
	static const unsigned char zip[] = "PK\x03\x04xxxx";
	static const unsigned char bin[] = "\x00\x01\x02\x03";
	static const unsigned char txt[] = "hello\n";

	is_str(chat_file_mime(png, 12, "x.jpg"), "image/png", "PNG by magic");
	is_str(chat_file_mime((const unsigned char *)"%PDF-1.4", 8, "a"),
	    "application/pdf", "PDF by magic");
	is_str(chat_file_mime(zip, 8, "a.zip"), "application/zip", "zip");
	is_str(chat_file_mime(zip, 8, "a.odt"),
	    "application/vnd.oasis.opendocument.text", "zip container by ext");
	is_str(chat_file_mime(txt, 6, "hello.txt"), "text/plain", "text");
	is_str(chat_file_mime(txt, 6, "page.html"), "text/html",
	    "text with a text extension");
	is_str(chat_file_mime(txt, 6, "x.png"), "text/plain",
	    "text named .png is still text");
	is_str(
	    chat_file_mime(bin, 4, "x"), "application/octet-stream", "binary");
	is_str(chat_file_mime(bin, 0, "a.mp3"), "audio/mpeg",
	    "empty file by extension");
	is_str(chat_file_mime((const unsigned char *)"caf\xc3", 4, "x"),
	    "text/plain", "text cut inside a character");
}

/* Upload offsets and sizes. */
static void
test_upload_check(void)
{
	is_int(chat_file_upload_check(0, 10, 0, 10), CHAT_FILE_OK, "exact");
	is_int(chat_file_upload_check(4, 10, 0, 4), CHAT_FILE_WRONG_OFFSET,
	    "resent chunk");
	is_int(
	    chat_file_upload_check(4, 10, 8, 2), CHAT_FILE_WRONG_OFFSET, "gap");
	is_int(chat_file_upload_check(4, 10, 4, 7), CHAT_FILE_TOO_MUCH,
	    "past the size");
	is_int(chat_file_upload_check(0, 1 << 20, 0, CHAT_FILE_CHUNK + 1),
	    CHAT_FILE_TOO_BIG, "chunk over the limit");
	is_int(chat_file_upload_check(4, 10, 4, 0), CHAT_FILE_EMPTY,
	    "empty chunk");
}

/* The download window. */
static void
test_window(void)
{
	struct chat_file_window w;
	uint64_t off;
	size_t len;
	int n = 0;

	chat_file_window_init(&w, 100, 0, 10, 3);
	while (chat_file_window_next(&w, &off, &len))
		n++;
	is_int(n, 3, "three chunks fill a window of three");
	is_int((long long)w.sent, 30, "30 bytes sent");
	is_int(chat_file_window_ack(&w, 0), CHAT_FILE_WRONG_OFFSET,
	    "ack of nothing");
	is_int(chat_file_window_ack(&w, 31), CHAT_FILE_WRONG_OFFSET,
	    "ack beyond what was sent");
	is_int(
	    chat_file_window_ack(&w, 15), CHAT_FILE_OK, "ack inside a chunk");
	ok(chat_file_window_next(&w, &off, &len) && off == 30 && len == 10,
	    "room for one more");
	ok(!chat_file_window_next(&w, &off, &len), "then full again");
	is_int(chat_file_window_ack(&w, 15), CHAT_FILE_WRONG_OFFSET,
	    "repeated ack");
	is_int(chat_file_window_ack(&w, 40), CHAT_FILE_OK, "ack all sent");
	for (n = 0; n < 20 && w.sent < w.size; n++) {
		while (chat_file_window_next(&w, &off, &len))
			;
		if (w.sent < w.size)
			chat_file_window_ack(&w, w.sent);
	}
	ok(off == 90 && len == 10, "last chunk");
	ok(!chat_file_window_done(&w), "not done before the last ack");
	is_int(chat_file_window_ack(&w, 100), CHAT_FILE_OK, "last ack");
	ok(chat_file_window_done(&w), "done");
	chat_file_window_init(&w, 25, 20, 10, 3);
	ok(chat_file_window_next(&w, &off, &len) && off == 20 && len == 5,
	    "resume from an offset: a short last chunk");
	chat_file_window_init(&w, 0, 0, 10, 3);
	ok(!chat_file_window_next(&w, &off, &len) && chat_file_window_done(&w),
	    "empty file is done at once");
	chat_file_window_init(&w, 100, 0, 10, 3);
	ok(!chat_file_window_next_upto(&w, 0, &off, &len),
	    "nothing written yet: no chunk");
	ok(chat_file_window_next_upto(&w, 14, &off, &len) && off == 0 &&
	        len == 10,
	    "a whole chunk of what is written");
	ok(chat_file_window_next_upto(&w, 14, &off, &len) && off == 10 &&
	        len == 4,
	    "then a short one up to the written end");
	ok(!chat_file_window_next_upto(&w, 14, &off, &len),
	    "then it waits for more");
	ok(chat_file_window_next_upto(&w, 200, &off, &len) && off == 14 &&
	        len == 10,
	    "more written: whole chunks again");
}

/* Hashes and numbers. */
static void
test_misc(void)
{
	char h[80];
	uint64_t n;

	strcpy(h,
	    "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6"
	    "BE03");
	ok(chat_file_hash_valid(h) && strncmp(h, "5891b5b5", 8) == 0,
	    "hash accepted and lower-cased");
	strcpy(h, "5891");
	ok(!chat_file_hash_valid(h), "short hash refused");
	strcpy(h,
	    "g891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	ok(!chat_file_hash_valid(h), "non-hex refused");
	ok(chat_file_parse_u64("123", &n) == 0 && n == 123, "number");
	ok(chat_file_parse_u64("+1", &n) != 0, "sign refused");
	ok(chat_file_parse_u64("1k", &n) != 0, "suffix refused");
	ok(chat_file_parse_u64("", &n) != 0, "empty refused");
}

/* Sub-command names, both ways, any case. */
static void
test_subs(void)
{
	int i;
	bool round = true;

	is_int(chat_file_sub("accept"), CHAT_FILE_SUB_ACCEPT, "any case");
	is_int(chat_file_sub("TO"), CHAT_FILE_SUB_TO, "TO");
	is_int(chat_file_sub("OFFER"), CHAT_FILE_SUB_OFFER, "server's OFFER");
	is_int(chat_file_sub("bob"), CHAT_FILE_SUB_UNKNOWN, "a nick is none");
	is_int(chat_file_sub(""), CHAT_FILE_SUB_UNKNOWN, "empty is none");
	for (i = CHAT_FILE_SUB_ACCEPT; i <= CHAT_FILE_SUB_UPLOAD; i++) {
		if (chat_file_sub(chat_file_sub_name((enum chat_file_sub)i)) !=
		    i)
			round = false;
	}
	ok(round, "every name finds its sub-command");
	is_str(chat_file_sub_name(CHAT_FILE_SUB_UNKNOWN), "", "no name");
}

int
main(void)
{
	test_b64_roundtrip();
	test_b64_vectors();
	test_parse_data();
	test_names();
	test_names_unicode();
	test_subs();
	test_mime();
	test_upload_check();
	test_window();
	test_misc();
	return done_testing();
}
