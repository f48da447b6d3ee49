/*
 * IRCv3 draft/multiline: a client sends one message as several lines
 * framed by BATCH +ref draft/multiline <target> ... BATCH -ref, each line
 * tagged batch=ref (and draft/multiline-concat when it continues the line
 * before without a break). The lines are collected here, checked against
 * the limits the capability advertises, and handed whole to
 * message_multiline() at BATCH -ref. History keeps the message as one
 * text, its line breaks as '\n'; multiline_split() cuts it up again to
 * replay it.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chatd.h"

/* A batch being received from a client. */
struct multiline {
	char ref[CHAT_TAGS_MAX];
	char target[CHAT_LINE_MAX];
	char cmd[8];  /* PRIVMSG or NOTICE, "" before the first line */
	char *label;  /* labeled-response: the BATCH + label, deferred */
	char *ctags;  /* client-only tags of BATCH +, escaped */
	bool failed;  /* a FAIL was sent: the rest is dropped */
	size_t bytes; /* text bytes so far, line breaks counted */
	size_t nlines;
	struct ml_line lines[MULTILINE_MAX_LINES];
};

/* Forget the batch a client is sending. */
void
multiline_free(struct client *c)
{
	struct multiline *ml = c->multiline;

	if (ml == NULL)
		return;
	multiline_lines_free(ml->lines, ml->nlines);
	free(ml->label);
	free(ml->ctags);
	free(ml);
	c->multiline = NULL;
}

/* Free the texts of lines. */
void
multiline_lines_free(struct ml_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i].text);
}

/* Refuse the batch being sent: FAIL now, drop its lines until BATCH -. */
static void
multiline_fail(
    struct client *c, const char *code, const char *context, const char *text)
{
	struct multiline *ml = c->multiline;

	send_fail(c, "BATCH", code, context, "%s", text);
	if (ml != NULL) {
		multiline_lines_free(ml->lines, ml->nlines);
		ml->nlines = 0;
		ml->failed = true;
	}
}

/* The client-only tags of a line (keys starting '+'), escaped, or NULL. */
static char *
multiline_client_tags(struct chat_msg *m)
{
	char tags[CHAT_TAGS_MAX], esc[CHAT_TAGS_MAX];
	size_t i;

	tags[0] = '\0';
	for (i = 0; i < m->ntags; i++) {
		if (m->tags[i].key[0] != '+')
			continue;
		esc[0] = '\0';
		if (m->tags[i].value != NULL && *m->tags[i].value != '\0' &&
		    chat_tag_escape(esc, sizeof esc, m->tags[i].value) < 0)
			continue;
		if (strlen(tags) + strlen(m->tags[i].key) + strlen(esc) + 3 >
		    4094)
			break;
		strlcat(tags, ";", sizeof tags);
		strlcat(tags, m->tags[i].key, sizeof tags);
		if (esc[0] != '\0') {
			strlcat(tags, "=", sizeof tags);
			strlcat(tags, esc, sizeof tags);
		}
	}
	return tags[0] != '\0' ? xstrdup(tags) : NULL;
}

/* BATCH +ref draft/multiline <target>: start collecting. */
static void
multiline_open(struct client *c, struct chat_msg *m, const char *ref)
{
	struct multiline *ml;

	if (m->argc < 3 || strcmp(m->argv[1], "draft/multiline") != 0 ||
	    !(c->caps & CAP_MULTILINE)) {
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "Only draft/multiline batches (with that capability) can "
		    "be sent: BATCH +ref draft/multiline <target>");
		return;
	}
	if (c->multiline != NULL) {
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "A multiline batch is already open (they do not nest)");
		return;
	}
	if (*ref == '\0' || *m->argv[2] == '\0') {
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "A batch needs a reference and a target");
		return;
	}
	ml = xcalloc(1, sizeof *ml);
	strlcpy(ml->ref, ref, sizeof ml->ref);
	strlcpy(ml->target, m->argv[2], sizeof ml->target);
	ml->ctags = multiline_client_tags(m);
	/* The answer (the echo, or a FAIL) comes at BATCH -ref. */
	ml->label = label_defer(c);
	c->multiline = ml;
}

/* BATCH -ref: deliver the message collected. */
static void
multiline_close(struct client *c, const char *ref)
{
	struct multiline *ml = c->multiline;
	bool resumed = false;
	size_t i;

	if (ml == NULL || strcmp(ml->ref, ref) != 0) {
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "No multiline batch %s is open", ref);
		return;
	}
	/* The answer carries the label of BATCH +, unless this has one. */
	if (ml->label != NULL && c->capture == NULL) {
		label_resume(c, ml->label);
		ml->label = NULL;
		resumed = true;
	}
	for (i = 0; i < ml->nlines && *ml->lines[i].text == '\0'; i++)
		;
	if (!ml->failed && i == ml->nlines)
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "A multiline message needs a line that is not blank");
	else if (!ml->failed) {
		/* One message, but a long one: a line's cost per 4 lines. */
		cmd_charge(c, (int)(ml->nlines / 4));
		message_multiline(
		    c, ml->cmd, ml->target, ml->ctags, ml->lines, ml->nlines);
	}
	if (resumed)
		label_end(c);
	multiline_free(c);
}

/* BATCH +ref type params... | BATCH -ref (client batches). */
enum cmd_result
cmd_batch(struct client *c, struct chat_msg *m)
{
	const char *ref = m->argv[0];

	if (*ref == '+')
		multiline_open(c, m, ref + 1);
	else if (*ref == '-')
		multiline_close(c, ref + 1);
	else
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "BATCH +ref type [params] or BATCH -ref");
	return CMD_OK;
}

/*
 * A line carrying a batch tag, or any line while a batch is open: true
 * if it was taken into the batch (or refused), false if it runs as a
 * command of its own.
 */
bool
multiline_intercept(struct client *c, struct chat_msg *m)
{
	struct multiline *ml = c->multiline;
	const char *ref, *text;
	char limit[16];
	bool concat;
	size_t add;

	if ((ref = chat_msg_tag(m, "batch", NULL)) == NULL)
		return false;
	if (!(c->flags & CLIENT_REGISTERED))
		return false; /* the dispatcher answers 451 */
	if (ml == NULL || strcmp(ml->ref, ref) != 0) {
		send_fail(c, "BATCH", "MULTILINE_INVALID", NULL,
		    "No multiline batch %s is open", ref);
		return true;
	}
	if (ml->failed)
		return true;
	if (strcasecmp(m->command, "PRIVMSG") != 0 &&
	    strcasecmp(m->command, "NOTICE") != 0) {
		multiline_fail(c, "MULTILINE_INVALID", NULL,
		    "A multiline batch holds only PRIVMSG or NOTICE lines");
		return true;
	}
	if (ml->cmd[0] != '\0' && strcasecmp(ml->cmd, m->command) != 0) {
		multiline_fail(c, "MULTILINE_INVALID", NULL,
		    "A multiline batch holds lines of one command");
		return true;
	}
	if (m->argc < 2) {
		multiline_fail(c, "MULTILINE_INVALID", NULL,
		    "Each line needs a target and a text");
		return true;
	}
	if (chat_casecmp(m->argv[0], ml->target) != 0) {
		char context[2 * CHAT_LINE_MAX];

		snprintf(
		    context, sizeof context, "%s %s", ml->target, m->argv[0]);
		multiline_fail(c, "MULTILINE_INVALID_TARGET", context,
		    "Every line must go to the batch's target");
		return true;
	}
	text = m->argv[1];
	chat_msg_tag(m, "draft/multiline-concat", &concat);
	if (concat && (*text == '\0' || ml->nlines == 0)) {
		multiline_fail(c, "MULTILINE_INVALID", NULL,
		    "draft/multiline-concat needs text and a line before it");
		return true;
	}
	if (ml->nlines == MULTILINE_MAX_LINES) {
		snprintf(limit, sizeof limit, "%d", MULTILINE_MAX_LINES);
		multiline_fail(c, "MULTILINE_MAX_LINES", limit,
		    "Too many lines in a multiline message");
		return true;
	}
	add = strlen(text) + (ml->nlines > 0 && !concat ? 1 : 0);
	if (ml->bytes + add > MULTILINE_MAX_BYTES) {
		snprintf(limit, sizeof limit, "%d", MULTILINE_MAX_BYTES);
		multiline_fail(c, "MULTILINE_MAX_BYTES", limit,
		    "A multiline message is too long");
		return true;
	}
	if (ml->cmd[0] == '\0')
		snprintf(ml->cmd, sizeof ml->cmd, "%s",
		    strcasecmp(m->command, "NOTICE") == 0 ? "NOTICE"
		                                          : "PRIVMSG");
	ml->bytes += add;
	ml->lines[ml->nlines].text = xstrdup(text);
	ml->lines[ml->nlines].concat = concat;
	ml->nlines++;
	return true;
}

/* The text history keeps: the lines, '\n' where a line breaks. */
char *
multiline_join(const struct ml_line *lines, size_t n)
{
	size_t i, len = 1;
	char *text;

	for (i = 0; i < n; i++)
		len += strlen(lines[i].text) + 1;
	text = xmalloc(len);
	text[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0 && !lines[i].concat)
			strlcat(text, "\n", len);
		strlcat(text, lines[i].text, len);
	}
	return text;
}

/* Whether a stored text needs a batch: a line break, or too long for one
 * line "<:source> <cmd> <to> :<text>". */
bool
multiline_needed(
    const char *source, const char *cmd, const char *to, const char *text)
{
	return strchr(text, '\n') != NULL ||
	    strlen(source) + strlen(cmd) + strlen(to) + strlen(text) + 6 >
	    CHAT_LINE_MAX - 2;
}

/*
 * Cut a stored text into lines: at each '\n', and a line longer than
 * piece bytes into pieces (at UTF-8 boundaries) that continue it
 * (concat). Returns how many lines (at most max); free them with
 * multiline_lines_free().
 */
size_t
multiline_split(const char *text, size_t piece, struct ml_line *out, size_t max)
{
	const char *p = text, *eol;
	size_t n = 0, len, cut;
	bool concat;

	while (n < max) {
		eol = strchr(p, '\n');
		len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		concat = false;
		do {
			cut = len > piece ? chat_utf8_cut(p, len, piece) : len;
			if (cut == 0 && len > 0)
				cut = len < piece ? len : piece;
			out[n].text = xstrndup(p, cut);
			out[n].concat = concat;
			n++;
			concat = true;
			p += cut;
			len -= cut;
		} while (len > 0 && n < max);
		if (eol == NULL || n == max)
			break;
		p = eol + 1;
	}
	return n;
}

/* tags without its msgid (the id belongs to one line only). */
static void
multiline_tags_rest(const char *tags, char *buf, size_t len)
{
	const char *p = tags, *end;
	size_t n = 0;

	buf[0] = '\0';
	while (p != NULL && *p != '\0') {
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if (strncmp(p, "msgid=", 6) != 0 &&
		    n + (size_t)(end - p) + 2 < len) {
			if (n > 0)
				buf[n++] = ';';
			memcpy(buf + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
			buf[n] = '\0';
		}
		p = *end == ';' ? end + 1 : NULL;
	}
}

/*
 * Format a multiline message both ways: with[] (n + 2 lines) as a
 * draft/multiline batch whose opening carries tags, without[] as plain
 * lines, blank ones left out, the msgid only on the first. outer, if not
 * NULL, is the batch this one is nested in (chathistory). Returns the
 * number of lines in with[]; *nwithout gets without[]'s.
 */
size_t
multiline_format(struct rline *with, struct rline *without, size_t *nwithout,
    const char *tags, const char *source, const char *cmd, const char *to,
    const struct ml_line *lines, size_t n, const char *outer)
{
	static unsigned long long serial;
	char id[24], t[CHAT_TAGS_MAX], rest[CHAT_TAGS_MAX];
	size_t i, k = 0, nw = 0;

	snprintf(id, sizeof id, "ml%llx", ++serial);
	snprintf(t, sizeof t, "%s%s%s", tags, outer != NULL ? ";batch=" : "",
	    outer != NULL ? outer : "");
	route_init(
	    &with[k++], t, source, "BATCH +%s draft/multiline %s", id, to);
	for (i = 0; i < n; i++) {
		snprintf(t, sizeof t, "batch=%s%s", id,
		    lines[i].concat ? ";draft/multiline-concat" : "");
		route_init(
		    &with[k++], t, source, "%s %s :%s", cmd, to, lines[i].text);
	}
	if (outer != NULL)
		snprintf(t, sizeof t, "batch=%s", outer);
	route_init(
	    &with[k++], outer != NULL ? t : NULL, source, "BATCH -%s", id);
	multiline_tags_rest(tags, rest, sizeof rest);
	for (i = 0; without != NULL && i < n; i++) {
		if (*lines[i].text == '\0')
			continue;
		route_init(&without[nw], nw == 0 ? tags : rest, source,
		    "%s %s :%s", cmd, to, lines[i].text);
		nw++;
	}
	if (nwithout != NULL)
		*nwithout = nw;
	return k;
}
