/*
 * Account commands: REGISTER, LOGIN, LOGOUT, PASSWORD, UNREGISTER and SASL's
 * AUTHENTICATE. The work is in account.c; this file parses.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chatd.h"

#define SASL_CHUNK 400 /* AUTHENTICATE splits payloads into these */
#define SASL_MAX 1200  /* base64 bytes accepted in total */

/* REGISTER <account|*> <email|*> <password> (IRCv3 account-registration). */
enum cmd_result
cmd_register(struct client *c, struct chat_msg *m)
{
	account_register(c, m->argv[0], m->argv[1], m->argv[2]);
	return CMD_OK;
}

/* LOGIN <account> <password>: a plain login for netcat users. */
enum cmd_result
cmd_login(struct client *c, struct chat_msg *m)
{
	account_login(c, m->argv[0], m->argv[1], false);
	return CMD_OK;
}

/* LOGOUT. */
enum cmd_result
cmd_logout(struct client *c, struct chat_msg *m UNUSED)
{
	account_logout(c);
	return CMD_OK;
}

/* PASSWORD <old> <new>. */
enum cmd_result
cmd_password(struct client *c, struct chat_msg *m)
{
	account_set_password(c, m->argv[0], m->argv[1]);
	return CMD_OK;
}

/* UNREGISTER <password>: delete one's own account. */
enum cmd_result
cmd_unregister(struct client *c, struct chat_msg *m)
{
	account_unregister(c, m->argv[0]);
	return CMD_OK;
}

/* Decode base64 into out (size bytes); returns the length or -1. */
static int
sasl_base64(const char *in, unsigned char *out, size_t size)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p;
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0, pad = 0;

	for (; *in != '\0'; in++) {
		if (*in == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (p = strchr(tab, *in)) == NULL)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == size)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (pad > 2)
		return -1;
	return (int)n;
}

/* Forget a client's SASL exchange. */
static void
sasl_reset(struct client *c)
{
	free(c->sasl_mech);
	c->sasl_mech = NULL;
	if (c->sasl_buf != NULL)
		explicit_bzero(c->sasl_buf, strlen(c->sasl_buf));
	free(c->sasl_buf);
	c->sasl_buf = NULL;
}

/* The whole PLAIN payload arrived: authzid NUL authcid NUL password. */
static void
sasl_plain(struct client *c, const char *b64)
{
	unsigned char buf[SASL_MAX];
	const char *authz, *authc, *pass;
	int n;
	size_t l1, l2;

	n = strcmp(b64, "+") == 0 ? 0 : sasl_base64(b64, buf, sizeof buf - 1);
	if (n < 0) {
		SEND_NUMERIC(c, ERR_SASLFAIL);
		return;
	}
	buf[n] = '\0';
	authz = (const char *)buf;
	l1 = strlen(authz);
	if ((int)l1 + 1 >= n) {
		SEND_NUMERIC(c, ERR_SASLFAIL);
		explicit_bzero(buf, sizeof buf);
		return;
	}
	authc = authz + l1 + 1;
	l2 = strlen(authc);
	if ((int)(l1 + l2 + 2) > n ||
	    (*authz != '\0' && chat_casecmp(authz, authc) != 0)) {
		SEND_NUMERIC(c, ERR_SASLFAIL);
		explicit_bzero(buf, sizeof buf);
		return;
	}
	pass = authc + l2 + 1;
	account_login(c, authc, pass, true);
	explicit_bzero(buf, sizeof buf);
}

/* AUTHENTICATE <mechanism> | <base64 chunk> | + | *. */
enum cmd_result
cmd_authenticate(struct client *c, struct chat_msg *m)
{
	const char *arg = m->argv[0];
	size_t len = strlen(arg), have;

	if (strcmp(arg, "*") == 0) {
		sasl_reset(c);
		SEND_NUMERIC(c, ERR_SASLABORTED);
		return CMD_OK;
	}
	if (!(c->caps & CAP_SASL)) {
		SEND_NUMERIC(c, ERR_SASLFAIL);
		return CMD_OK;
	}
	if (c->user.account != NULL) {
		SEND_NUMERIC(c, ERR_SASLALREADY);
		return CMD_OK;
	}
	if (c->sasl_mech == NULL) {
		if (strcasecmp(arg, "PLAIN") != 0) {
			SEND_NUMERIC(c, RPL_SASLMECHS, "PLAIN");
			SEND_NUMERIC(c, ERR_SASLFAIL);
			return CMD_OK;
		}
		c->sasl_mech = xstrdup("PLAIN");
		send_raw(c, "AUTHENTICATE +");
		return CMD_OK;
	}
	if (len > SASL_CHUNK) {
		sasl_reset(c);
		SEND_NUMERIC(c, ERR_SASLTOOLONG);
		return CMD_OK;
	}
	have = c->sasl_buf != NULL ? strlen(c->sasl_buf) : 0;
	if (strcmp(arg, "+") != 0 || have == 0) {
		if (have + len > SASL_MAX) {
			sasl_reset(c);
			SEND_NUMERIC(c, ERR_SASLTOOLONG);
			return CMD_OK;
		}
		c->sasl_buf = xrealloc(c->sasl_buf, have + len + 1);
		memcpy(c->sasl_buf + have, arg, len + 1);
	}
	if (len == SASL_CHUNK)
		return CMD_OK; /* more follows */
	sasl_plain(c, c->sasl_buf);
	sasl_reset(c);
	return CMD_OK;
}
