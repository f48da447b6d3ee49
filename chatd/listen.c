/*
 * Listening sockets. Accept errors are never fatal: on EMFILE/ENFILE the
 * listeners pause for a second instead of spinning. TLS listeners share
 * one server context made from tls-cert and tls-key when the first of
 * them opens (not reloaded on SIGHUP); their clients get a bufferevent
 * that does the TLS handshake before the first line. WebSocket listeners
 * (listen-ws, and listen-wss over TLS with the same context) give their
 * clients to conn.c marked for ws.c, which reads the HTTP upgrade first.
 */

#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "chatd.h"

struct listener {
	struct evconnlistener *lev;
	char *name;
	bool tls;
	bool ws; /* WebSocket (ws.c) */
	TAILQ_ENTRY(listener) entry;
};
static TAILQ_HEAD(, listener) listeners = TAILQ_HEAD_INITIALIZER(listeners);
static struct event *listen_resume_ev;
static SSL_CTX *listen_tls_ctx;

/* Format a socket address as ADDR:PORT (IPv6 in brackets). */
static void
listen_addr_string(const struct sockaddr *sa, char *buf, size_t len, char *host,
    size_t hostlen)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		port = ntohs(in->sin_port);
		snprintf(buf, len, "%s:%u", a, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
		port = ntohs(in6->sin6_port);
		if (strncmp(a, "::ffff:", 7) == 0)
			memmove(a, a + 7, strlen(a + 7) + 1);
		snprintf(buf, len, "[%s]:%u", a, port);
	} else
		snprintf(buf, len, "?");
	if (host != NULL)
		snprintf(host, hostlen, "%s", a);
}

/* Re-enable listeners after an accept backoff. */
static void
listen_resume(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct listener *l;

	TAILQ_FOREACH(l, &listeners, entry)
		evconnlistener_enable(l->lev);
}

/* A new connection. */
static void
listen_accept(struct evconnlistener *lev UNUSED, evutil_socket_t fd,
    struct sockaddr *sa, int salen UNUSED, void *arg)
{
	struct listener *l = arg;
	char name[INET6_ADDRSTRLEN + 16], host[INET6_ADDRSTRLEN];

	listen_addr_string(sa, name, sizeof name, host, sizeof host);
	conn_accept(fd, host, l->tls ? listen_tls_ctx : NULL, l->ws);
}

/* The first OpenSSL error as text. */
static const char *
listen_ssl_error(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "unknown error";
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

/* Make the TLS server context from the configured certificate and key. */
static int
listen_tls_init(char **cause)
{
	SSL_CTX *ctx;

	if (listen_tls_ctx != NULL)
		return 0;
	if (cfg->tls_cert == NULL || cfg->tls_key == NULL) {
		xasprintf(cause,
		    "listen-tls and listen-wss need tls-cert and "
		    "tls-key");
		return -1;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		xasprintf(cause, "SSL_CTX_new: %s", listen_ssl_error());
		return -1;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1) {
		xasprintf(cause, "tls-cert %s: %s", cfg->tls_cert,
		    listen_ssl_error());
		SSL_CTX_free(ctx);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) !=
	        1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		xasprintf(
		    cause, "tls-key %s: %s", cfg->tls_key, listen_ssl_error());
		SSL_CTX_free(ctx);
		return -1;
	}
	listen_tls_ctx = ctx;
	return 0;
}

/* Accept failed: back off on descriptor exhaustion, log the rest. */
static void
listen_error(struct evconnlistener *lev UNUSED, void *arg UNUSED)
{
	struct listener *l;
	struct timeval one = { 1, 0 };
	int err = EVUTIL_SOCKET_ERROR();

	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		log_warn("accept: %s; pausing listeners for 1s",
		    evutil_socket_error_to_string(err));
		TAILQ_FOREACH(l, &listeners, entry)
			evconnlistener_disable(l->lev);
		evtimer_add(listen_resume_ev, &one);
		return;
	}
	log_warn("accept: %s", evutil_socket_error_to_string(err));
}

/* Open a listener for "ADDR:PORT", "[ADDR6]:PORT" or "PORT". */
static int
listen_open(const char *spec, bool tls, bool ws, char **cause)
{
	struct sockaddr_storage ss;
	int sslen = sizeof ss;
	char buf[256], name[INET6_ADDRSTRLEN + 16];
	struct listener *l;
	struct evconnlistener *lev;
	socklen_t len;
	bool any_port;

	if (listen_resume_ev == NULL)
		listen_resume_ev = evtimer_new(ev_base, listen_resume, NULL);
	if (tls && listen_tls_init(cause) != 0)
		return -1;
	if (strspn(spec, "0123456789") == strlen(spec))
		snprintf(buf, sizeof buf, "0.0.0.0:%s", spec);
	else
		snprintf(buf, sizeof buf, "%s", spec);
	/* libevent refuses port 0; parse with 1 and ask for any port. */
	any_port = strlen(buf) > 2 && strcmp(buf + strlen(buf) - 2, ":0") == 0;
	if (any_port)
		buf[strlen(buf) - 1] = '1';
	memset(&ss, 0, sizeof ss);
	if (evutil_parse_sockaddr_port(buf, (struct sockaddr *)&ss, &sslen) !=
	    0) {
		xasprintf(cause, "bad listen address \"%s\"", spec);
		return -1;
	}
	if (any_port && ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else if (any_port)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	l = xcalloc(1, sizeof *l);
	l->tls = tls;
	l->ws = ws;
	lev = evconnlistener_new_bind(ev_base, listen_accept, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    4096, (struct sockaddr *)&ss, sslen);
	if (lev == NULL) {
		xasprintf(cause, "listen on %s: %s", spec, strerror(errno));
		free(l);
		return -1;
	}
	evconnlistener_set_error_cb(lev, listen_error);
	len = sizeof ss;
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&ss, &len);
	listen_addr_string((struct sockaddr *)&ss, name, sizeof name, NULL, 0);
	l->lev = lev;
	l->name = xstrdup(name);
	TAILQ_INSERT_TAIL(&listeners, l, entry);
	if (ws)
		log_info("listening for WebSocket%s on %s",
		    tls ? " with TLS" : "", name);
	else if (tls)
		log_info("listening with TLS on %s", name);
	else
		log_info("listening on %s", name);
	return 0;
}

/* Open a plain listener (see listen_open). */
int
listen_add(const char *spec, char **cause)
{
	return listen_open(spec, false, false, cause);
}

/* Open a TLS listener (see listen_open). */
int
listen_add_tls(const char *spec, char **cause)
{
	return listen_open(spec, true, false, cause);
}

/* Open a WebSocket listener, over TLS or not (see listen_open). */
int
listen_add_ws(const char *spec, bool tls, char **cause)
{
	return listen_open(spec, tls, true, cause);
}

/* Close every listener. */
void
listen_free_all(void)
{
	struct listener *l;

	while ((l = TAILQ_FIRST(&listeners)) != NULL) {
		TAILQ_REMOVE(&listeners, l, entry);
		evconnlistener_free(l->lev);
		free(l->name);
		free(l);
	}
	if (listen_resume_ev != NULL) {
		event_free(listen_resume_ev);
		listen_resume_ev = NULL;
	}
	/* Connections keep their own reference to the context. */
	if (listen_tls_ctx != NULL) {
		SSL_CTX_free(listen_tls_ctx);
		listen_tls_ctx = NULL;
	}
}
