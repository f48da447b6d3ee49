/*
 * IRCv3 draft/message-redaction: REDACT <target> <msgid> [:reason]
 * withdraws a message. Its sender may withdraw it, a channel operator any
 * message of the channel, a server operator any. The message is looked
 * up in history (what is not kept cannot be redacted), forgotten there,
 * and the REDACT line goes to the clients with the capability that saw
 * it; the others get nothing (the message stays on their screen).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatd.h"
#include "store.h"

/* A REDACT waiting for the store. */
struct redact_op {
	struct conn_wait wait;
	char key[HISTORY_KEY_MAX];      /* the history it is in */
	char target[CHAT_CHAN_MAX + 1]; /* as given */
	char msgid[64];
	char *reason;
	bool private;
};

/* FAIL REDACT UNKNOWN_MSGID <target> <msgid>. */
static void
redact_unknown(struct client *c, const char *target, const char *msgid)
{
	char context[CHAT_LINE_MAX];

	snprintf(context, sizeof context, "%s %s", target, msgid);
	send_fail(c, "REDACT", "UNKNOWN_MSGID", context,
	    "No such message in the history of %s", target);
}

/* Answer a REDACT and let its client go on. */
static void
redact_end(struct redact_op *op)
{
	conn_wait_end(&op->wait);
	free(op->reason);
	free(op);
}

/* The store forgot the message: tell those who saw it. */
static void
redact_deleted(int err, void *arg)
{
	struct redact_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	struct route_sel sel = { 0 };
	struct channel *ch;
	struct user *to;
	struct rline rl;
	char prefix[CHAT_LINE_MAX], tags[64];

	if (c == NULL)
		goto out;
	if (err == STORE_NOTFOUND) {
		/* Someone redacted it meanwhile. */
		redact_unknown(c, op->target, op->msgid);
		goto out;
	}
	if (err != STORE_OK) {
		send_fail(c, "REDACT", "TEMPORARILY_UNAVAILABLE", op->target,
		    "Could not redact (%s)", store_strerror(err));
		goto out;
	}
	user_prefix(&c->user, prefix, sizeof prefix);
	route_time_tag(tags, sizeof tags);
	if (op->reason != NULL)
		route_init(&rl, tags, prefix, "REDACT %s %s :%s", op->target,
		    op->msgid, op->reason);
	else
		route_init(
		    &rl, tags, prefix, "REDACT %s %s", op->target, op->msgid);
	sel.cap = CAP_REDACT;
	sel.with = &rl;
	sel.nwith = 1;
	if (!op->private && (ch = channel_find(op->target)) != NULL) {
		route_channel_sel(ch, &sel);
		if (channel_member(ch, &c->user) != NULL)
			goto out;
	} else if (op->private && (to = user_find(op->target)) != NULL &&
	    to != &c->user)
		route_user_sel(to, &sel);
	route_user_sel(&c->user, &sel);
out:
	redact_end(op);
}

/* Whether c may redact m, a message of op's target. */
static bool
redact_allowed(
    struct client *c, struct redact_op *op, const struct store_msg *m)
{
	struct channel *ch;
	struct member *mb;
	char prefix[CHAT_LINE_MAX];

	if (c->user.modes & USER_OPER)
		return true;
	if (m->account != NULL) {
		if (c->user.account != NULL &&
		    chat_casecmp(m->account, c->user.account) == 0)
			return true;
	} else {
		/* Sent without an account: by this very nick!user@host. */
		user_prefix(&c->user, prefix, sizeof prefix);
		if (strcmp(prefix, m->source) == 0)
			return true;
	}
	return !op->private && (ch = channel_find(op->target)) != NULL &&
	    (mb = channel_member(ch, &c->user)) != NULL &&
	    (mb->modes & MEMBER_OP);
}

/* The store found the message (or not): check, then forget it. */
static void
redact_found(int err, const struct store_msg *msgs, size_t n, void *arg)
{
	struct redact_op *op = arg;
	struct client *c = conn_wait_client(&op->wait);

	if (c == NULL)
		goto end;
	if (err == STORE_OK && n > 0 && redact_allowed(c, op, &msgs[0])) {
		store_history_delete(op->key, op->msgid, redact_deleted, op);
		return;
	}
	c = conn_wait_reply(&op->wait);
	if (err == STORE_NOTFOUND || (err == STORE_OK && n == 0))
		redact_unknown(c, op->target, op->msgid);
	else if (err != STORE_OK)
		send_fail(c, "REDACT", "TEMPORARILY_UNAVAILABLE", op->target,
		    "Could not redact (%s)", store_strerror(err));
	else {
		char context[CHAT_LINE_MAX];

		snprintf(
		    context, sizeof context, "%s %s", op->target, op->msgid);
		send_fail(c, "REDACT", "REDACT_FORBIDDEN", context,
		    "You may redact only your own messages (channel "
		    "operators: any in their channel)");
	}
end:
	redact_end(op);
}

/* REDACT <target> <msgid> [:reason]. */
enum cmd_result
cmd_redact(struct client *c, struct chat_msg *m)
{
	struct redact_op *op;
	struct channel *ch;
	const char *target = m->argv[0], *msgid = m->argv[1];

	op = xcalloc(1, sizeof *op);
	/* A server operator need not be in the channel. */
	if (chat_is_channel(target) && (c->user.modes & USER_OPER) &&
	    (ch = channel_find(target)) != NULL)
		strlcpy(op->key, ch->name, sizeof op->key);
	else if (!history_key(c, "REDACT", target, op->key, sizeof op->key,
	             &op->private)) {
		free(op);
		return CMD_OK;
	}
	if ((ch = channel_find(target)) != NULL)
		target = ch->name;
	strlcpy(op->target, target, sizeof op->target);
	if (*msgid == '\0' || strlen(msgid) >= sizeof op->msgid ||
	    cfg->history_days == 0) {
		redact_unknown(c, op->target, msgid);
		free(op);
		return CMD_OK;
	}
	strlcpy(op->msgid, msgid, sizeof op->msgid);
	if (m->argc > 2 && *m->argv[2] != '\0')
		op->reason = xstrdup(m->argv[2]);
	conn_wait_begin(&op->wait, c);
	store_history_get(op->key, op->msgid, redact_found, op);
	return CMD_OK;
}
