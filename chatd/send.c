/* Replies to the client whose command is running. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chatd.h"

/* Send a line given in full (source included). */
void
send_raw(struct client *c, const char *fmt, ...)
{
	struct rline rl;
	va_list ap;

	va_start(ap, fmt);
	route_vinit(&rl, NULL, NULL, fmt, ap);
	va_end(ap);
	route_client(c, &rl);
}

/* Send a numeric reply; fmt comes from NUMERIC_FMT(num). */
void
send_numeric(struct client *c, int num, const char *fmt, ...)
{
	struct rline rl;
	char head[CHAT_LINE_MAX];
	char body[CHAT_LINE_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	snprintf(head, sizeof head, "%03d %s", num, client_name(c));
	route_init(&rl, NULL, cfg->server_name, "%s %s", head, body);
	route_client(c, &rl);
}

/* Send an IRCv3 standard reply: FAIL <cmd> <code> [<context>] :<text>. */
void
send_fail(struct client *c, const char *cmd, const char *code,
    const char *context, const char *fmt, ...)
{
	struct rline rl;
	char text[CHAT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (context != NULL)
		route_init(&rl, NULL, cfg->server_name, "FAIL %s %s %s :%s",
		    cmd, code, context, text);
	else
		route_init(&rl, NULL, cfg->server_name, "FAIL %s %s :%s", cmd,
		    code, text);
	route_client(c, &rl);
}

/* Send WARN or NOTE: <kind> <cmd> <code> :<text>. */
static void
send_standard(struct client *c, const char *kind, const char *cmd,
    const char *code, const char *fmt, va_list ap)
{
	struct rline rl;
	char text[CHAT_LINE_MAX];

	vsnprintf(text, sizeof text, fmt, ap);
	route_init(
	    &rl, NULL, cfg->server_name, "%s %s %s :%s", kind, cmd, code, text);
	route_client(c, &rl);
}

/* Send an IRCv3 WARN: the command worked, but not quite as asked. */
void
send_warn(
    struct client *c, const char *cmd, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_standard(c, "WARN", cmd, code, fmt, ap);
	va_end(ap);
}

/* Send an IRCv3 NOTE: information the client did not ask for. */
void
send_note(
    struct client *c, const char *cmd, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_standard(c, "NOTE", cmd, code, fmt, ap);
	va_end(ap);
}

/* Send a server NOTICE to a client. */
void
send_notice(struct client *c, const char *fmt, ...)
{
	struct rline rl;
	char text[CHAT_LINE_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	route_init(
	    &rl, NULL, cfg->server_name, "NOTICE %s :%s", client_name(c), text);
	route_client(c, &rl);
}
