/*
 * IRCv3 labeled-response. While a labeled command runs, everything chatd
 * queues for that client is held in c->capture (conn_write); afterwards
 * the held lines go out with the label: none becomes an ACK, one line
 * carries the label itself, more are wrapped in a labeled-response batch
 * (or, without the batch capability, only the first carries the label).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "chatd.h"

/* Longest label honoured; the spec lets servers ignore longer ones. */
#define LABEL_MAX 64

/* Start holding replies for a command that carries label. */
void
label_begin(struct client *c, const char *label)
{
	char esc[LABEL_MAX * 2 + 1];

	if (strlen(label) == 0 || strlen(label) > LABEL_MAX ||
	    chat_tag_escape(esc, sizeof esc, label) < 0)
		return;
	replace_str(&c->label, esc);
	c->capture = evbuffer_new();
	if (c->capture == NULL)
		fatalx("evbuffer_new failed");
}

/*
 * A handler that answers later (OPER, after the worker): take the label
 * away so that no ACK goes out now; label_resume() puts it back.
 */
char *
label_defer(struct client *c)
{
	char *label = c->label;

	if (c->capture == NULL)
		return NULL;
	c->label = NULL;
	return label;
}

/* Hold replies again for a deferred label (which c now owns). */
void
label_resume(struct client *c, char *label)
{
	free(c->label);
	c->label = label;
	c->capture = evbuffer_new();
	if (c->capture == NULL)
		fatalx("evbuffer_new failed");
}

/* Whether a tagged line (starting '@') carries a batch tag. */
static bool
label_in_batch(const char *line, size_t len)
{
	const char *end = memchr(line, ' ', len), *p;

	if (end == NULL)
		return false;
	for (p = line + 1; p < end; p++) {
		if ((p == line + 1 || p[-1] == ';') && (size_t)(end - p) > 6 &&
		    strncmp(p, "batch=", 6) == 0)
			return true;
	}
	return false;
}

/* Queue one held line with tag added to its tag section. */
static void
label_put(struct client *c, const char *tag, const char *line, size_t len)
{
	char buf[CHAT_WIRE_MAX + 256];
	int n;

	if (len > 0 && line[0] == '@') {
		/*
		 * A line of a nested batch (chathistory) keeps its own batch
		 * tag: the nested batch's opening line carries the outer one.
		 */
		if (strncmp(tag, "batch=", 6) == 0 &&
		    label_in_batch(line, len)) {
			conn_write(c, line, len);
			return;
		}
		n = snprintf(buf, sizeof buf, "@%s;", tag);
		line++;
		len--;
	} else
		n = snprintf(buf, sizeof buf, "@%s ", tag);
	if ((size_t)n + len > sizeof buf)
		return; /* cannot happen: held lines are at most a wire line */
	memcpy(buf + n, line, len);
	conn_write(c, buf, (size_t)n + len);
}

/* Send the held replies with the label; stop holding. */
void
label_end(struct client *c)
{
	static unsigned long long batch_serial;
	struct evbuffer *held = c->capture;
	char tag[LABEL_MAX * 2 + 16], id[24];
	const char *data, *p, *eol, *end;
	size_t len, nlines = 0;
	bool batch;

	if (held == NULL)
		return;
	c->capture = NULL;
	if (c->flags & (CLIENT_DEAD | CLIENT_CLOSING)) {
		evbuffer_free(held);
		return;
	}
	/* An empty buffer pulls up to NULL, and NULL + 0 is undefined. */
	len = evbuffer_get_length(held);
	data = len > 0 ? (const char *)evbuffer_pullup(held, -1) : "";
	end = data + len;
	if (c->label == NULL) {
		/* Deferred: whatever came meanwhile goes out unlabeled. */
		if (len > 0)
			conn_write(c, data, len);
		evbuffer_free(held);
		return;
	}
	for (p = data; p < end && (eol = memchr(p, '\n', (size_t)(end - p)));
	     p = eol + 1)
		nlines++;
	snprintf(tag, sizeof tag, "label=%s", c->label);
	if (nlines == 0) {
		send_raw(c, "@%s :%s ACK", tag, cfg->server_name);
		evbuffer_free(held);
		return;
	}
	batch = nlines > 1 && (c->caps & CAP_BATCH);
	if (batch) {
		snprintf(id, sizeof id, "L%llx", ++batch_serial);
		send_raw(c, "@%s :%s BATCH +%s labeled-response", tag,
		    cfg->server_name, id);
		snprintf(tag, sizeof tag, "batch=%s", id);
	}
	for (p = data; p < end && (eol = memchr(p, '\n', (size_t)(end - p)));
	     p = eol + 1) {
		if (tag[0] != '\0')
			label_put(c, tag, p, (size_t)(eol - p) + 1);
		else
			conn_write(c, p, (size_t)(eol - p) + 1);
		if (!batch)
			tag[0] = '\0'; /* only the first line is labeled */
	}
	if (batch)
		send_raw(c, ":%s BATCH -%s", cfg->server_name, id);
	evbuffer_free(held);
}
