/*
 * UTF-8 validation and boundary-safe cutting.
 */
#include "chat.h"

/* Whether s[0..len) is well-formed UTF-8 as RFC 3629 defines it. */
bool
chat_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return false; /* stray continuation or 0xf8..0xff */
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/*
 * The largest cut <= max that does not split a character; on malformed input
 * (more continuation bytes than a character can have) it cuts at max.
 */
size_t
chat_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (max >= len)
		return len;
	for (n = max; n > 0 && max - n < 3; n--) {
		if ((p[n] & 0xc0) != 0x80)
			return n;
	}
	if ((p[n] & 0xc0) != 0x80)
		return n;
	return max;
}

/* Decode one character; 0 for a byte that does not start valid UTF-8. */
size_t
chat_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	for (n = 2; n <= 4 && n <= len; n++) {
		if (chat_utf8_valid(s, n)) {
			*cp = n == 2
			    ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
			    : n == 3 ? (uint32_t)(p[0] & 0x0f) << 12 |
			        (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)
			             : (uint32_t)(p[0] & 0x07) << 18 |
			        (uint32_t)(p[1] & 0x3f) << 12 |
			        (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			return n;
		}
	}
	return 0;
}
