/*
 * Unit tests for the pure SENDFILE bookkeeping (chatd/filechunk.c):
 * base64, the DATA line shape, names, MIME guesses, offsets and windows.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chatd.h"
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
		n = filechunk_b64_encode(enc, in, len);
		m = filechunk_b64_decode(out, enc, n);
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

	n = (ssize_t)filechunk_b64_encode(
	    enc, (const unsigned char *)"hello\n", 6);
	enc[n] = '\0';
	is_str(enc, "aGVsbG8K", "encode hello\\n");
	n = filechunk_b64_decode(out, "Zm9vYg==", 8);
	ok(n == 4 && memcmp(out, "foob", 4) == 0, "decode with == padding");
	n = filechunk_b64_decode(out, "Zm9vYmE=", 8);
	ok(n == 5 && memcmp(out, "fooba", 5) == 0, "decode with = padding");
	is_int(filechunk_b64_decode(out, "", 0), 0, "empty decodes to empty");
	is_int(filechunk_b64_decode(out, "Zm9", 3), -1, "length not 4k");
	is_int(filechunk_b64_decode(out, "Zm9v!mE=", 8), -1, "bad character");
	is_int(filechunk_b64_decode(out, "Zm9 YmE=", 8), -1, "space");
	is_int(filechunk_b64_decode(out, "Zg==Zm9v", 8), -1,
	    "padding in the middle");
	is_int(filechunk_b64_decode(out, "Zh==", 4), -1,
	    "non-zero bits under padding");
	is_int(filechunk_b64_decode(out, "Z===", 4), -1, "three pad chars");
	is_int(filechunk_b64_decode(out, "Zm=v", 4), -1, "data after pad");
}

/* The DATA line parser. */
static void
test_parse_data(void)
{
	struct filechunk_data d;
	char line[128];

	strcpy(line, "SENDFILE DATA 12 49152 aGVsbG8K");
	ok(filechunk_parse_data(line, strlen(line), &d) == 0 && d.id == 12 &&
	        d.offset == 49152 && d.b64len == 8 &&
	        memcmp(d.b64, "aGVsbG8K", 8) == 0,
	    "parse a DATA line");
	strcpy(line, "sendfile data 1 0 :aGVsbG8K");
	ok(filechunk_parse_data(line, strlen(line), &d) == 0 && d.b64len == 8,
	    "any case, ':' before the base64");
	strcpy(line, "SENDFILE DATA 1 0 ");
	ok(filechunk_parse_data(line, strlen(line), &d) == 0 && d.b64len == 0,
	    "an empty chunk parses");
	strcpy(line, "SENDFILE DATA x 0 aGVsbG8K");
	is_int(filechunk_parse_data(line, strlen(line), &d), -1, "bad id");
	strcpy(line, "SENDFILE DATA 1 -1 aGVsbG8K");
	is_int(filechunk_parse_data(line, strlen(line), &d), -1,
	    "negative offset");
	strcpy(line, "SENDFILE DATA 1 0");
	is_int(
	    filechunk_parse_data(line, strlen(line), &d), -1, "missing base64");
	strcpy(line, "SENDFILE DATA 1 99999999999999999999999 AAAA");
	is_int(filechunk_parse_data(line, strlen(line), &d), -1,
	    "offset overflow");
	ok(!filechunk_is_data("SENDFILE DAT", 12), "short head is not data");
	ok(filechunk_is_data("Sendfile Data ", 14), "head any case");
	ok(!filechunk_is_data("SENDFILE LIST\r\nXY", 17), "LIST is not data");
}

/* Name sanitising: what recipients see. */
static void
test_names(void)
{
	char out[FILE_NAME_MAX + 1], big[400];

	filechunk_sanitize_name(out, sizeof out, "report.pdf");
	is_str(out, "report.pdf", "plain name kept");
	filechunk_sanitize_name(out, sizeof out, "../../etc/passwd");
	is_str(out, "passwd", "directories dropped");
	filechunk_sanitize_name(out, sizeof out, "..");
	is_str(out, "_.", "'..' loses its leading dot");
	filechunk_sanitize_name(out, sizeof out, ".bashrc");
	is_str(out, "_bashrc", "no hidden files");
	filechunk_sanitize_name(out, sizeof out,
	    "a\x01"
	    "b\x7f"
	    "c");
	is_str(out, "a_b_c", "control characters replaced");
	filechunk_sanitize_name(out, sizeof out, "dir\\evil.exe");
	is_str(out, "evil.exe", "backslash directories dropped");
	filechunk_sanitize_name(out, sizeof out, "dir/");
	is_str(out, "dir_", "trailing slash replaced");
	filechunk_sanitize_name(out, sizeof out, "");
	is_str(out, "file", "empty name becomes 'file'");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	filechunk_sanitize_name(out, sizeof out, big);
	is_int((long long)strlen(out), FILE_NAME_MAX, "long name cut");
	filechunk_sanitize_name(out, sizeof out, "caf\xc3\xa9.txt");
	is_str(out, "caf\xc3\xa9.txt", "UTF-8 kept");
}

/* MIME guesses from magic bytes and extensions. */
static void
test_mime(void)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\nxxxx";
	static const unsigned char zip[] = "PK\x03\x04xxxx";
	static const unsigned char bin[] = "\x00\x01\x02\x03";
	static const unsigned char txt[] = "hello\n";

	is_str(filechunk_mime(png, 12, "x.jpg"), "image/png", "PNG by magic");
	is_str(filechunk_mime((const unsigned char *)"%PDF-1.4", 8, "a"),
	    "application/pdf", "PDF by magic");
	is_str(filechunk_mime(zip, 8, "a.zip"), "application/zip", "zip");
	is_str(filechunk_mime(zip, 8, "a.odt"),
	    "application/vnd.oasis.opendocument.text", "zip container by ext");
	is_str(filechunk_mime(txt, 6, "hello.txt"), "text/plain", "text");
	is_str(filechunk_mime(txt, 6, "page.html"), "text/html",
	    "text with a text extension");
	is_str(filechunk_mime(txt, 6, "x.png"), "text/plain",
	    "text named .png is still text");
	is_str(
	    filechunk_mime(bin, 4, "x"), "application/octet-stream", "binary");
	is_str(filechunk_mime(bin, 0, "a.mp3"), "audio/mpeg",
	    "empty file by extension");
	is_str(filechunk_mime((const unsigned char *)"caf\xc3", 4, "x"),
	    "text/plain", "text cut inside a character");
}

/* Upload offsets and sizes. */
static void
test_upload_check(void)
{
	is_int(filechunk_upload_check(0, 10, 0, 10), FILECHUNK_OK, "exact");
	is_int(filechunk_upload_check(4, 10, 0, 4), FILECHUNK_WRONG_OFFSET,
	    "resent chunk");
	is_int(
	    filechunk_upload_check(4, 10, 8, 2), FILECHUNK_WRONG_OFFSET, "gap");
	is_int(filechunk_upload_check(4, 10, 4, 7), FILECHUNK_TOO_MUCH,
	    "past the size");
	is_int(filechunk_upload_check(0, 1 << 20, 0, FILE_CHUNK + 1),
	    FILECHUNK_TOO_BIG, "chunk over the limit");
	is_int(filechunk_upload_check(4, 10, 4, 0), FILECHUNK_EMPTY,
	    "empty chunk");
}

/* The download window. */
static void
test_window(void)
{
	struct filechunk_window w;
	uint64_t off;
	size_t len;
	int n = 0;

	filechunk_window_init(&w, 100, 0, 10, 3);
	while (filechunk_window_next(&w, &off, &len))
		n++;
	is_int(n, 3, "three chunks fill a window of three");
	is_int((long long)w.sent, 30, "30 bytes sent");
	is_int(filechunk_window_ack(&w, 0), FILECHUNK_WRONG_OFFSET,
	    "ack of nothing");
	is_int(filechunk_window_ack(&w, 31), FILECHUNK_WRONG_OFFSET,
	    "ack beyond what was sent");
	is_int(
	    filechunk_window_ack(&w, 15), FILECHUNK_OK, "ack inside a chunk");
	ok(filechunk_window_next(&w, &off, &len) && off == 30 && len == 10,
	    "room for one more");
	ok(!filechunk_window_next(&w, &off, &len), "then full again");
	is_int(filechunk_window_ack(&w, 15), FILECHUNK_WRONG_OFFSET,
	    "repeated ack");
	is_int(filechunk_window_ack(&w, 40), FILECHUNK_OK, "ack all sent");
	for (n = 0; n < 20 && w.sent < w.size; n++) {
		while (filechunk_window_next(&w, &off, &len))
			;
		if (w.sent < w.size)
			filechunk_window_ack(&w, w.sent);
	}
	ok(off == 90 && len == 10, "last chunk");
	ok(!filechunk_window_done(&w), "not done before the last ack");
	is_int(filechunk_window_ack(&w, 100), FILECHUNK_OK, "last ack");
	ok(filechunk_window_done(&w), "done");
	filechunk_window_init(&w, 25, 20, 10, 3);
	ok(filechunk_window_next(&w, &off, &len) && off == 20 && len == 5,
	    "resume from an offset: a short last chunk");
	filechunk_window_init(&w, 0, 0, 10, 3);
	ok(!filechunk_window_next(&w, &off, &len) && filechunk_window_done(&w),
	    "empty file is done at once");
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
	ok(filechunk_hash_valid(h) && strncmp(h, "5891b5b5", 8) == 0,
	    "hash accepted and lower-cased");
	strcpy(h, "5891");
	ok(!filechunk_hash_valid(h), "short hash refused");
	strcpy(h,
	    "g891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	ok(!filechunk_hash_valid(h), "non-hex refused");
	ok(filechunk_parse_u64("123", &n) == 0 && n == 123, "number");
	ok(filechunk_parse_u64("+1", &n) != 0, "sign refused");
	ok(filechunk_parse_u64("1k", &n) != 0, "suffix refused");
	ok(filechunk_parse_u64("", &n) != 0, "empty refused");
}

int
main(void)
{
	test_b64_roundtrip();
	test_b64_vectors();
	test_parse_data();
	test_names();
	test_mime();
	test_upload_check();
	test_window();
	test_misc();
	return done_testing();
}
