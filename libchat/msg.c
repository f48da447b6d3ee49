/*
 * Parsing and formatting of protocol lines (RFC 1459 framing with IRCv3
 * message tags).
 */
#include <string.h>

#include "chat.h"

/* Bytes a line may have before its CR LF when it carries no tags. */
#define MSG_BODY_MAX (CHAT_LINE_MAX - 2)

/* Unescape a tag value in place, as the IRCv3 message-tags spec says. */
void
chat_tag_unescape(char *value)
{
	char *r = value, *w = value;

	while (*r != '\0') {
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case '\0':
			/* A lone trailing backslash is dropped. */
			continue;
		case ':':
			*w++ = ';';
			break;
		case 's':
			*w++ = ' ';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 'n':
			*w++ = '\n';
			break;
		default:
			/* "\\" gives '\'; unknown escapes drop the backslash.
			 */
			*w++ = *r;
			break;
		}
		r++;
	}
	*w = '\0';
}

/* Escape a tag value so it has no ';', space, CR, LF or lone '\'. */
int
chat_tag_escape(char *dst, size_t size, const char *value)
{
	size_t n = 0;
	const char *p;
	char esc;

	if (size == 0)
		return -1;
	for (p = value; *p != '\0'; p++) {
		switch (*p) {
		case ';':
			esc = ':';
			break;
		case ' ':
			esc = 's';
			break;
		case '\\':
			esc = '\\';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\n':
			esc = 'n';
			break;
		default:
			esc = '\0';
			break;
		}
		if (n + (esc != '\0' ? 2 : 1) >= size) {
			dst[0] = '\0';
			return -1;
		}
		if (esc != '\0') {
			dst[n++] = '\\';
			dst[n++] = esc;
		} else
			dst[n++] = *p;
	}
	dst[n] = '\0';
	return (int)n;
}

/* Split the tag section (without '@', NUL-terminated) into m->tags. */
static void
msg_parse_tags(struct chat_msg *m, char *p)
{
	char *key, *eq;

	while (p != NULL) {
		key = p;
		p = strchr(p, ';');
		if (p != NULL)
			*p++ = '\0';
		if ((eq = strchr(key, '=')) != NULL) {
			*eq++ = '\0';
			chat_tag_unescape(eq);
		}
		/* Empty keys ("@;a" or "@=x") carry nothing usable. */
		if (*key == '\0' || m->ntags == CHAT_TAGS_N)
			continue;
		m->tags[m->ntags].key = key;
		m->tags[m->ntags].value = eq;
		m->ntags++;
	}
}

/* The space or NUL that ends the word at p. */
static char *
msg_word_end(char *p)
{
	while (*p != '\0' && *p != ' ')
		p++;
	return p;
}

/* Whether the command word is letters only or exactly three digits. */
static bool
msg_command_valid(char *cmd)
{
	char *p;

	if (cmd[0] >= '0' && cmd[0] <= '9') {
		return cmd[1] >= '0' && cmd[1] <= '9' && cmd[2] >= '0' &&
		    cmd[2] <= '9' && cmd[3] == '\0';
	}
	for (p = cmd; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		else if (*p < 'A' || *p > 'Z')
			return false;
	}
	return p != cmd;
}

/* Tokenise one line in place; see chat.h for the grammar. */
int
chat_msg_parse(struct chat_msg *m, char *line, size_t len)
{
	char *p = line, *end = line + len, *tags = NULL, *sp;

	m->ntags = 0;
	m->source = NULL;
	m->command = NULL;
	m->argc = 0;
	m->trailing = false;

	if (memchr(line, '\0', len) != NULL)
		return CHAT_PARSE_NUL;
	line[len] = '\0';

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return CHAT_PARSE_EMPTY;

	if (*p == '@') {
		sp = strchr(p, ' ');
		if ((size_t)((sp != NULL ? sp + 1 : end) - p) > CHAT_TAGS_MAX)
			return CHAT_PARSE_TAGS_LONG;
		if (sp == NULL)
			return CHAT_PARSE_NO_COMMAND;
		*sp = '\0';
		tags = p + 1;
		p = sp + 1;
		while (*p == ' ')
			p++;
	}
	if ((size_t)(end - p) > MSG_BODY_MAX)
		return CHAT_PARSE_LINE_LONG;
	if (tags != NULL)
		msg_parse_tags(m, tags);

	if (*p == ':') {
		m->source = ++p;
		p = msg_word_end(p);
		if (*p != '\0')
			*p++ = '\0';
		while (*p == ' ')
			p++;
	}
	if (*p == '\0')
		return CHAT_PARSE_NO_COMMAND;

	m->command = p;
	p = msg_word_end(p);
	if (*p != '\0')
		*p++ = '\0';
	if (!msg_command_valid(m->command))
		return CHAT_PARSE_BAD_COMMAND;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p == ':' || m->argc == CHAT_PARAMS_MAX - 1) {
			/* The last parameter keeps the rest of the line. */
			if (*p == ':') {
				p++;
				m->trailing = true;
			}
			m->argv[m->argc++] = p;
			break;
		}
		m->argv[m->argc++] = p;
		p = msg_word_end(p);
		if (*p != '\0')
			*p++ = '\0';
	}
	return CHAT_PARSE_OK;
}

/* Find a tag; the last one wins when a key repeats, as IRCv3 says. */
const char *
chat_msg_tag(const struct chat_msg *m, const char *key, bool *present)
{
	size_t i;

	for (i = m->ntags; i > 0; i--) {
		if (strcmp(m->tags[i - 1].key, key) == 0) {
			if (present != NULL)
				*present = true;
			return m->tags[i - 1].value;
		}
	}
	if (present != NULL)
		*present = false;
	return NULL;
}

/* Describe a parse error for logs and FAIL messages. */
const char *
chat_parse_strerror(int err)
{
	switch (err) {
	case CHAT_PARSE_OK:
		return "no error";
	case CHAT_PARSE_EMPTY:
		return "empty line";
	case CHAT_PARSE_NUL:
		return "NUL byte in line";
	case CHAT_PARSE_TAGS_LONG:
		return "tag section too long";
	case CHAT_PARSE_LINE_LONG:
		return "line too long";
	case CHAT_PARSE_NO_COMMAND:
		return "no command";
	case CHAT_PARSE_BAD_COMMAND:
		return "invalid command";
	}
	return "unknown error";
}

/* Whether s may be written as a word: non-empty, no space, CR or LF. */
static bool
msg_word_valid(const char *s)
{
	return s[0] != '\0' && strpbrk(s, " \r\n") == NULL;
}

/* Append n bytes to buf at *off if they fit in size, keeping room for NUL. */
static bool
msg_put(char *buf, size_t size, size_t *off, const char *s, size_t n)
{
	if (n >= size - *off)
		return false;
	memcpy(buf + *off, s, n);
	*off += n;
	return true;
}

/* Build one line; see chat.h for the rules on the last parameter. */
int
chat_msg_format(char *buf, size_t size, const char *tags, const char *source,
    const char *command, int argc, const char *const *argv, bool *truncated)
{
	size_t off = 0, body, room, lastlen = 0, cut;
	const char *last = NULL;
	bool colon = false;
	int i;

	if (truncated != NULL)
		*truncated = false;
	if (size == 0 || command == NULL || !msg_word_valid(command) ||
	    command[0] == ':' || argc < 0 || argc > CHAT_PARAMS_MAX)
		return -1;
	if (source != NULL && !msg_word_valid(source))
		return -1;
	for (i = 0; i < argc - 1; i++) {
		if (!msg_word_valid(argv[i]) || argv[i][0] == ':')
			return -1;
	}
	if (argc > 0) {
		last = argv[argc - 1];
		if (strpbrk(last, "\r\n") != NULL)
			return -1;
		lastlen = strlen(last);
		colon =
		    lastlen == 0 || last[0] == ':' || strchr(last, ' ') != NULL;
	}

	if (tags != NULL && tags[0] != '\0') {
		if (strpbrk(tags, " \r\n") != NULL ||
		    strlen(tags) + 2 > CHAT_TAGS_MAX)
			return -1;
		if (!msg_put(buf, size, &off, "@", 1) ||
		    !msg_put(buf, size, &off, tags, strlen(tags)) ||
		    !msg_put(buf, size, &off, " ", 1))
			return -1;
	}
	body = off;
	if (source != NULL) {
		if (!msg_put(buf, size, &off, ":", 1) ||
		    !msg_put(buf, size, &off, source, strlen(source)) ||
		    !msg_put(buf, size, &off, " ", 1))
			return -1;
	}
	if (!msg_put(buf, size, &off, command, strlen(command)))
		return -1;
	for (i = 0; i < argc - 1; i++) {
		if (!msg_put(buf, size, &off, " ", 1) ||
		    !msg_put(buf, size, &off, argv[i], strlen(argv[i])))
			return -1;
	}
	if (off - body > MSG_BODY_MAX)
		return -1;

	if (last != NULL) {
		room = MSG_BODY_MAX - (off - body);
		cut = lastlen;
		if (lastlen + (colon ? 2 : 1) > room) {
			/* Cut text is always written with ':' so it survives.
			 */
			if (room < 2)
				return -1;
			colon = true;
			cut = chat_utf8_cut(last, lastlen, room - 2);
			if (truncated != NULL)
				*truncated = true;
		}
		if (!msg_put(
		        buf, size, &off, colon ? " :" : " ", colon ? 2 : 1) ||
		    !msg_put(buf, size, &off, last, cut))
			return -1;
	}
	if (!msg_put(buf, size, &off, "\r\n", 2))
		return -1;
	buf[off] = '\0';
	return (int)off;
}

/* Cut the trailing parameter of a built line so it fits, then add CR LF. */
int
chat_line_fit(char *buf, size_t len, bool *truncated)
{
	size_t i = 0, start, cut;

	if (truncated != NULL)
		*truncated = false;
	if (len > MSG_BODY_MAX) {
		/* Skip ":source " and the command word. */
		if (buf[0] == ':') {
			while (i < len && buf[i] != ' ')
				i++;
			while (i < len && buf[i] == ' ')
				i++;
		}
		while (i < len && buf[i] != ' ')
			i++;
		for (; i + 1 < len; i++) {
			if (buf[i] == ' ' && buf[i + 1] == ':')
				break;
		}
		if (i + 1 >= len)
			return -1;
		start = i + 2;
		if (start > MSG_BODY_MAX)
			return -1;
		cut = chat_utf8_cut(
		    buf + start, len - start, MSG_BODY_MAX - start);
		len = start + cut;
		if (truncated != NULL)
			*truncated = true;
	}
	buf[len++] = '\r';
	buf[len++] = '\n';
	buf[len] = '\0';
	return (int)len;
}
