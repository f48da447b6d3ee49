/*
 * WebSocket connections (IRCv3 "websocket"): an HTTP/1.1 upgrade, then one
 * IRC line per message, framed by libwslay.
 *
 * A client accepted on a listen-ws or listen-wss listener is a client like
 * any other: conn.c keeps its socket, timers and limits. This file
 * sits between the socket and conn.c's buffers. Incoming messages become
 * lines ending in LF in ws->in, which conn.c reads as it reads a TCP
 * client's socket input: the same line limit, flood budget, recvq and
 * holds apply. What conn.c queues for the client goes to ws->out; each
 * complete line there leaves as one message without its CR LF when
 * conn.c flushes.
 *
 * The subprotocol is the client's first of binary.ircv3.net and
 * text.ircv3.net; with neither, text. Text frames must be UTF-8 (else
 * close 1007); on text.ircv3.net binary frames must be too. A message
 * longer than the longest line chatd reads closes with 1009 where TCP
 * would skip the line with 417 (wslay closes with 1009 before buffering
 * beyond FILE_LINE_MAX). Pings and close frames are answered by wslay.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <openssl/evp.h>
#include <wslay/wslay.h>

#include "chatd.h"

#define WS_HTTP_MAX 8192 /* request line and headers, CR LF included */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

enum ws_state {
	WS_HTTP,  /* reading the upgrade request */
	WS_OPEN,  /* exchanging messages */
	WS_CLOSED /* a close frame or an HTTP error sent: nothing more */
};

struct ws {
	struct client *c;
	enum ws_state state;
	bool binary;     /* binary.ircv3.net: binary frames, any bytes */
	bool responded;  /* an HTTP response is queued */
	uint16_t failed; /* the close code we failed the connection with */
	size_t limit;    /* stop decoding once ws->in holds this much */
	wslay_event_context_ptr ctx;
	struct evbuffer *in;  /* decoded lines, each ending in LF */
	struct evbuffer *out; /* lines waiting to be framed */
};

/* The request headers that matter for the upgrade. */
struct ws_request {
	bool upgrade;    /* Upgrade: websocket */
	bool connection; /* Connection: upgrade */
	char *key;
	char *version;
	char *origin;
	const char *protocol; /* the subprotocol chosen, or NULL */
};

/* wslay wants input: take it from the socket's input buffer. */
static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
    int flags UNUSED, void *arg)
{
	struct ws *ws = arg;
	int n;

	/* A trusted client's input waits in the socket (its watermark). */
	if (evbuffer_get_length(ws->in) >= ws->limit) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	n = evbuffer_remove(conn_sock_input(ws->c), buf, len);
	if (n <= 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	return n;
}

/* wslay has frame bytes to send: queue them on the socket. */
static ssize_t
ws_send_cb(wslay_event_context_ptr ctx UNUSED, const uint8_t *data, size_t len,
    int flags UNUSED, void *arg)
{
	struct ws *ws = arg;

	if (evbuffer_add(conn_sock_output(ws->c), data, len) != 0)
		fatalx("evbuffer_add failed");
	return (ssize_t)len;
}

/* Fail the connection: a close frame with code, no more input. */
static void
ws_fail(struct ws *ws, uint16_t code, const char *reason)
{
	if (ws->failed != 0)
		return;
	ws->failed = code;
	wslay_event_queue_close(
	    ws->ctx, code, (const uint8_t *)reason, strlen(reason));
	wslay_event_shutdown_read(ws->ctx);
}

/* A whole message arrived: check it and add it to the input as a line. */
static void
ws_msg_cb(wslay_event_context_ptr ctx UNUSED,
    const struct wslay_event_on_msg_recv_arg *a, void *arg)
{
	struct ws *ws = arg;
	const char *p = (const char *)a->msg;
	size_t n = a->msg_length, max = CHAT_WIRE_MAX - 2;

	/* Ping, pong and close are wslay's. */
	if (a->opcode != WSLAY_TEXT_FRAME && a->opcode != WSLAY_BINARY_FRAME)
		return;
	if (ws->failed != 0)
		return;
	/* The spec has no CR LF; a client that sends one anyway is fine. */
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return; /* an empty line, ignored as over TCP */
	if (n >= CHAT_FILE_DATA_PREFIX &&
	    chat_file_is_data(p, CHAT_FILE_DATA_PREFIX))
		max = FILE_LINE_MAX - 2;
	if (n > max) {
		ws_fail(ws, WSLAY_CODE_MESSAGE_TOO_BIG, "Line too long");
		return;
	}
	if ((!ws->binary || a->opcode == WSLAY_TEXT_FRAME) &&
	    !chat_utf8_valid(p, n)) {
		ws_fail(
		    ws, WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA, "Invalid UTF-8");
		return;
	}
	if (evbuffer_add(ws->in, p, n) != 0 || evbuffer_add(ws->in, "\n", 1))
		fatalx("evbuffer_add failed");
}

/* The WebSocket state of a new client of a WebSocket listener. */
struct ws *
ws_new(struct client *c)
{
	static const struct wslay_event_callbacks cb = {
		.recv_callback = ws_recv_cb,
		.send_callback = ws_send_cb,
		.on_msg_recv_callback = ws_msg_cb,
	};
	struct ws *ws = xcalloc(1, sizeof *ws);

	ws->c = c;
	ws->limit = SIZE_MAX;
	if (wslay_event_context_server_init(&ws->ctx, &cb, ws) != 0)
		fatalx("wslay_event_context_server_init failed");
	/* Longer than any line: wslay closes with 1009 before buffering. */
	wslay_event_config_set_max_recv_msg_length(ws->ctx, FILE_LINE_MAX);
	if ((ws->in = evbuffer_new()) == NULL ||
	    (ws->out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	return ws;
}

/* Free a client's WebSocket state. */
void
ws_free(struct ws *ws)
{
	if (ws == NULL)
		return;
	wslay_event_context_free(ws->ctx);
	evbuffer_free(ws->in);
	evbuffer_free(ws->out);
	free(ws);
}

/* The decoded lines, which conn.c runs as a socket's input. */
struct evbuffer *
ws_input(struct ws *ws)
{
	return ws->in;
}

/* Where conn.c queues the client's lines. */
struct evbuffer *
ws_output(struct ws *ws)
{
	return ws->out;
}

/* The reason phrase of an HTTP status we send. */
static const char *
ws_status_text(int status)
{
	switch (status) {
	case 101:
		return "Switching Protocols";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 426:
		return "Upgrade Required";
	case 431:
		return "Request Header Fields Too Large";
	default:
		return "Service Unavailable";
	}
}

/*
 * An HTTP error response, for a request we refuse or a client refused
 * before its request (server full): at most len bytes into buf.
 */
size_t
ws_http_error(char *buf, size_t len, int status, const char *why)
{
	int n;

	n = snprintf(buf, len,
	    "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "%s"
	    "\r\n"
	    "%s\n",
	    status, ws_status_text(status), strlen(why) + 1,
	    status == 426
	        ? "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
	        : "",
	    why);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

/* Refuse the request with an HTTP status; the client is to be killed. */
static int
ws_refuse(struct ws *ws, int status, const char *why, const char **reason)
{
	static char text[128];
	char buf[512];
	size_t n;

	n = ws_http_error(buf, sizeof buf, status, why);
	if (evbuffer_add(conn_sock_output(ws->c), buf, n) != 0)
		fatalx("evbuffer_add failed");
	ws->responded = true;
	ws->state = WS_CLOSED;
	snprintf(text, sizeof text, "WebSocket upgrade refused (%d: %s)",
	    status, why);
	*reason = text;
	return WS_FAIL;
}

/* Whether the comma-separated list has tok (case-insensitive). */
static bool
ws_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok), len;
	const char *p = list, *end;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, tok, n) == 0)
			return true;
		p = end;
	}
	return false;
}

/* The first subprotocol of the client's list that we speak, or NULL. */
static const char *
ws_pick_protocol(const char *list)
{
	size_t len;
	const char *p = list, *end;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 16 && strncmp(p, "binary.ircv3.net", 16) == 0)
			return "binary.ircv3.net";
		if (len == 14 && strncmp(p, "text.ircv3.net", 14) == 0)
			return "text.ircv3.net";
		p = end;
	}
	return NULL;
}

/* Whether an Origin may connect (ws-origin; none configured: any). */
static bool
ws_origin_allowed(const char *origin)
{
	struct config_str *s;

	if (TAILQ_EMPTY(&cfg->ws_origins) || origin == NULL)
		return true;
	TAILQ_FOREACH(s, &cfg->ws_origins, entry) {
		if (strcasecmp(s->value, origin) == 0)
			return true;
	}
	return false;
}

/* Whether a Sec-WebSocket-Key is base64 of 16 bytes. */
static bool
ws_key_valid(const char *key)
{
	unsigned char raw[32];

	if (strlen(key) != 24 || strcmp(key + 22, "==") != 0)
		return false;
	return EVP_DecodeBlock(raw, (const unsigned char *)key, 24) == 18;
}

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key GUID)), 28 chars. */
static void
ws_accept_value(const char *key, char out[29])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char buf[64];

	snprintf(buf, sizeof buf, "%s%s", key, WS_GUID);
	if (EVP_Digest(buf, strlen(buf), md, &mdlen, EVP_sha1(), NULL) != 1 ||
	    mdlen != 20)
		fatalx("SHA-1 failed");
	EVP_EncodeBlock((unsigned char *)out, md, 20);
}

/* Keep a header's value once; a second copy is an error. */
static bool
ws_header_once(char **slot, const char *value)
{
	if (*slot != NULL)
		return false;
	*slot = xstrdup(value);
	return true;
}

/*
 * Parse the request (NUL-terminated, CR LF CR LF at the end) into r;
 * returns 0, or the HTTP status to refuse it with and *why.
 */
static int
ws_parse(char *req, struct ws_request *r, const char **why)
{
	char *line, *next, *colon, *value, *end;
	bool first = true;

	for (line = req; *line != '\0'; line = next) {
		if ((next = strstr(line, "\r\n")) == NULL)
			break;
		*next = '\0';
		next += 2;
		if (first) {
			first = false;
			if (strncmp(line, "GET ", 4) != 0 ||
			    (end = strrchr(line, ' ')) == line + 3 ||
			    strcmp(end, " HTTP/1.1") != 0) {
				*why = "not an HTTP/1.1 GET request";
				return 400;
			}
			continue;
		}
		if (*line == '\0')
			break; /* the end of the headers */
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    strcspn(line, " \t") < (size_t)(colon - line)) {
			*why = "malformed header line";
			return 400;
		}
		*colon = '\0';
		value = colon + 1 + strspn(colon + 1, " \t");
		end = value + strlen(value);
		while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strcasecmp(line, "Upgrade") == 0)
			r->upgrade =
			    r->upgrade || ws_has_token(value, "websocket");
		else if (strcasecmp(line, "Connection") == 0)
			r->connection =
			    r->connection || ws_has_token(value, "upgrade");
		else if (strcasecmp(line, "Sec-WebSocket-Key") == 0) {
			if (!ws_header_once(&r->key, value)) {
				*why = "two Sec-WebSocket-Key headers";
				return 400;
			}
		} else if (strcasecmp(line, "Sec-WebSocket-Version") == 0) {
			if (!ws_header_once(&r->version, value)) {
				*why = "two Sec-WebSocket-Version headers";
				return 400;
			}
		} else if (strcasecmp(line, "Origin") == 0) {
			if (!ws_header_once(&r->origin, value)) {
				*why = "two Origin headers";
				return 400;
			}
		} else if (strcasecmp(line, "Sec-WebSocket-Protocol") == 0 &&
		    r->protocol == NULL)
			r->protocol = ws_pick_protocol(value);
	}
	if (!r->upgrade || !r->connection) {
		*why = "this port speaks IRC over WebSocket only";
		return 426;
	}
	if (r->version == NULL || strcmp(r->version, "13") != 0) {
		*why = "Sec-WebSocket-Version 13 is required";
		return 426;
	}
	if (r->key == NULL || !ws_key_valid(r->key)) {
		*why = "missing or bad Sec-WebSocket-Key";
		return 400;
	}
	if (!ws_origin_allowed(r->origin)) {
		*why = "Origin not allowed";
		return 403;
	}
	return 0;
}

/* Read the upgrade request; answer it when it is complete. */
static int
ws_http(struct ws *ws, const char **reason)
{
	struct evbuffer *in = conn_sock_input(ws->c);
	struct evbuffer_ptr end;
	struct ws_request r;
	char *req, accept[29], head[16];
	const char *why = NULL;
	size_t len = evbuffer_get_length(in);
	int status;

	/* Not HTTP at all (an IRC client on the wrong port): say so now. */
	if (len >= 4) {
		evbuffer_copyout(in, head, 4);
		if (memcmp(head, "GET ", 4) != 0)
			return ws_refuse(
			    ws, 400, "not an HTTP/1.1 GET request", reason);
	}
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0 ? len > WS_HTTP_MAX : (size_t)end.pos + 4 > WS_HTTP_MAX)
		return ws_refuse(ws, 431, "request headers too long", reason);
	if (end.pos < 0)
		return WS_OK;
	len = (size_t)end.pos + 4;
	req = xmalloc(len + 1);
	evbuffer_remove(in, req, len);
	req[len] = '\0';
	memset(&r, 0, sizeof r);
	if (memchr(req, '\0', len) != NULL) {
		status = 400;
		why = "NUL in the request";
	} else
		status = ws_parse(req, &r, &why);
	if (status == 0) {
		ws_accept_value(r.key, accept);
		ws->binary = r.protocol != NULL && r.protocol[0] == 'b';
		evbuffer_add_printf(conn_sock_output(ws->c),
		    "HTTP/1.1 101 Switching Protocols\r\n"
		    "Upgrade: websocket\r\n"
		    "Connection: Upgrade\r\n"
		    "Sec-WebSocket-Accept: %s\r\n"
		    "%s%s%s"
		    "\r\n",
		    accept,
		    r.protocol != NULL ? "Sec-WebSocket-Protocol: " : "",
		    r.protocol != NULL ? r.protocol : "",
		    r.protocol != NULL ? "\r\n" : "");
		ws->responded = true;
		ws->state = WS_OPEN;
		log_debug("client %s: WebSocket open (%s)", client_name(ws->c),
		    r.protocol != NULL ? r.protocol : "no subprotocol: text");
	}
	free(r.key);
	free(r.version);
	free(r.origin);
	free(req);
	if (status != 0)
		return ws_refuse(ws, status, why, reason);
	return WS_OK;
}

/* Send what wslay has queued (pongs, close frames, messages). */
static void
ws_send(struct ws *ws)
{
	if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0)
		ws->state = WS_CLOSED;
}

/* The reason a client is dropped for a close code we sent. */
static const char *
ws_fail_reason(uint16_t code)
{
	switch (code) {
	case WSLAY_CODE_MESSAGE_TOO_BIG:
		return "WebSocket message too big";
	case WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA:
		return "WebSocket message not UTF-8";
	case WSLAY_CODE_PROTOCOL_ERROR:
		return "WebSocket protocol error";
	default:
		return "WebSocket error";
	}
}

/*
 * Decode what the socket brought into lines; decoding stops once the
 * lines waiting reach limit (and resumes on the next call). WS_OK, WS_EOF
 * (the peer closed: run its lines, then close) or WS_FAIL with *reason
 * to kill the client with; what to send is queued on the socket.
 */
int
ws_read(struct client *c, size_t limit, const char **reason)
{
	struct ws *ws = c->ws;
	struct evbuffer *in = conn_sock_input(c);
	static const unsigned char ws_close_1002[] = { 0x88, 0x02, 0x03, 0xea };
	int r;

	ws->limit = limit;
	if (ws->state == WS_HTTP) {
		if ((r = ws_http(ws, reason)) != WS_OK || ws->state == WS_HTTP)
			return r;
	}
	if (ws->state != WS_OPEN) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return WS_OK;
	}
	if (evbuffer_get_length(in) == 0)
		return WS_OK;
	if (wslay_event_recv(ws->ctx) != 0) {
		/*
		 * A fatal framing error (a bad length, a fragmented ping):
		 * wslay queues a close without a code; send 1002 instead.
		 */
		if (evbuffer_add(conn_sock_output(c), ws_close_1002,
		        sizeof ws_close_1002) != 0)
			fatalx("evbuffer_add failed");
		ws->state = WS_CLOSED;
		*reason = ws_fail_reason(WSLAY_CODE_PROTOCOL_ERROR);
		return WS_FAIL;
	}
	ws_send(ws);
	if (wslay_event_get_close_received(ws->ctx)) {
		/* wslay answered with a close frame of its own. */
		ws->state = WS_CLOSED;
		return WS_EOF;
	}
	if (ws->failed != 0 || !wslay_event_get_read_enabled(ws->ctx)) {
		ws->state = WS_CLOSED;
		*reason = ws_fail_reason(ws->failed != 0
		        ? ws->failed
		        : wslay_event_get_status_code_sent(ws->ctx));
		return WS_FAIL;
	}
	return WS_OK;
}

/* Copy a line for a text frame, bytes that are not UTF-8 as U+FFFD. */
static size_t
ws_utf8_fix(const char *s, size_t len, char *out)
{
	size_t i = 0, o = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((n = chat_utf8_decode(s + i, len - i, &cp)) == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	return o;
}

/* Frame each complete line conn.c queued as one message. */
void
ws_flush(struct client *c)
{
	struct ws *ws = c->ws;
	struct evbuffer_ptr eol;
	struct wslay_event_msg msg;
	unsigned char *line;
	char *fixed;
	size_t n, len;

	if (ws->state == WS_HTTP)
		return; /* the welcome waits for the upgrade */
	if (ws->state == WS_CLOSED) {
		evbuffer_drain(ws->out, evbuffer_get_length(ws->out));
		return;
	}
	while ((eol = evbuffer_search_eol(ws->out, NULL, &n, EVBUFFER_EOL_LF))
	           .pos >= 0) {
		len = (size_t)eol.pos;
		line = evbuffer_pullup(ws->out, (ev_ssize_t)len + 1);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		msg.opcode = ws->binary ? WSLAY_BINARY_FRAME : WSLAY_TEXT_FRAME;
		msg.msg = line;
		msg.msg_length = len;
		fixed = NULL;
		if (!ws->binary && !chat_utf8_valid((char *)line, len)) {
			fixed = xmalloc(len * 3);
			msg.msg_length = ws_utf8_fix((char *)line, len, fixed);
			msg.msg = (unsigned char *)fixed;
		}
		/* wslay copies the message. */
		if (wslay_event_queue_msg(ws->ctx, &msg) == WSLAY_ERR_NOMEM)
			fatalx("wslay_event_queue_msg: out of memory");
		free(fixed);
		evbuffer_drain(ws->out, (size_t)eol.pos + 1);
	}
	ws_send(ws);
}

/* Bytes queued for the client and not framed yet. */
size_t
ws_pending(struct ws *ws)
{
	return evbuffer_get_length(ws->out);
}

/*
 * The client is being closed with the ERROR line (len bytes, CR LF
 * included): send it as the last message and a close frame, or answer an
 * upgrade request that never completed.
 */
void
ws_end(struct client *c, const char *line, size_t len)
{
	struct ws *ws = c->ws;
	char buf[512];
	size_t n;

	if (ws->state == WS_HTTP && !ws->responded) {
		n = ws_http_error(buf, sizeof buf, 503, c->quit_reason);
		if (evbuffer_add(conn_sock_output(c), buf, n) != 0)
			fatalx("evbuffer_add failed");
		ws->responded = true;
	}
	if (ws->state != WS_OPEN)
		return;
	if (evbuffer_add(ws->out, line, len) != 0)
		fatalx("evbuffer_add failed");
	ws_flush(c);
	/* The reason for a browser's CloseEvent too; at most 123 bytes. */
	n = strlen(c->quit_reason);
	n = chat_utf8_cut(c->quit_reason, n, n < 123 ? n : 123);
	wslay_event_queue_close(ws->ctx, WSLAY_CODE_NORMAL_CLOSURE,
	    (const uint8_t *)c->quit_reason, n);
	ws_send(ws);
	ws->state = WS_CLOSED;
}
