/*
 * Case mapping (CASEMAPPING=ascii), name validation and mask matching.
 */
#include <string.h>

#include "chat.h"

/* Fold one byte: only A-Z change, so UTF-8 sequences pass untouched. */
static int
casemap_fold(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

/* Fold src into dst, truncating to fit and always terminating. */
void
chat_casefold(char *dst, const char *src, size_t size)
{
	size_t i;

	if (size == 0)
		return;
	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (char)casemap_fold((unsigned char)src[i]);
	dst[i] = '\0';
}

/* Compare like strcmp, but with both sides folded. */
int
chat_casecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int ca, cb;

	for (;;) {
		ca = casemap_fold(*p++);
		cb = casemap_fold(*q++);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/* Whether c may start a nick: a letter or one of the RFC 2812 specials. */
static bool
casemap_nick_first(int c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return true;
	return c != '\0' && strchr("[]\\`_^{|}", c) != NULL;
}

/* Check a nick against the grammar in chat.h. */
bool
chat_nick_valid(const char *nick, size_t maxlen)
{
	size_t i;
	int c;

	if (nick == NULL || !casemap_nick_first((unsigned char)nick[0]))
		return false;
	for (i = 1; nick[i] != '\0'; i++) {
		if (i >= maxlen)
			return false;
		c = (unsigned char)nick[i];
		if (!casemap_nick_first(c) && !(c >= '0' && c <= '9') &&
		    c != '-')
			return false;
	}
	return i <= maxlen;
}

/* Check a channel name against the grammar in chat.h. */
bool
chat_chan_valid(const char *name, size_t maxlen)
{
	size_t len;

	if (name == NULL || name[0] != '#')
		return false;
	len = strlen(name);
	if (len < 2 || len > maxlen)
		return false;
	if (strpbrk(name, " ,\a\r\n") != NULL)
		return false;
	return chat_utf8_valid(name, len);
}

/* Check a metadata key against the grammar in chat.h. */
bool
chat_metadata_key_valid(const char *key, size_t maxlen)
{
	size_t i, len;

	if (key == NULL || (len = strlen(key)) == 0 || len > maxlen)
		return false;
	for (i = 0; i < len; i++) {
		if ((key[i] < 'a' || key[i] > 'z') &&
		    (key[i] < '0' || key[i] > '9') &&
		    strchr("_./-", key[i]) == NULL)
			return false;
	}
	return true;
}

/* Whether s names a channel rather than a nick. */
bool
chat_is_channel(const char *s)
{
	return s != NULL && s[0] == '#';
}

/*
 * Glob match without recursion: on a mismatch, go back to the most recent
 * '*' and let it swallow one more byte. An earlier '*' never needs to be
 * retried, because the later one can absorb anything it could, which keeps
 * hostile masks at O(mask * str).
 */
bool
chat_mask_match(const char *mask, const char *str)
{
	const char *m = mask, *s = str;
	const char *star_m = NULL, *star_s = NULL;
	int c;
	size_t adv;

	while (*s != '\0') {
		if (*m == '*') {
			while (*m == '*')
				m++;
			star_m = m;
			star_s = s;
			continue;
		}
		if (*m == '?') {
			m++;
			s++;
			continue;
		}
		if (*m != '\0') {
			/* A trailing lone '\' matches itself. */
			if (*m == '\\' && m[1] != '\0') {
				c = (unsigned char)m[1];
				adv = 2;
			} else {
				c = (unsigned char)*m;
				adv = 1;
			}
			if (casemap_fold(c) ==
			    casemap_fold((unsigned char)*s)) {
				m += adv;
				s++;
				continue;
			}
		}
		if (star_m == NULL)
			return false;
		m = star_m;
		s = ++star_s;
	}
	while (*m == '*')
		m++;
	return *m == '\0';
}
