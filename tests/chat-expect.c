/*
 * chat-expect: replay netcat-style transcripts against a line-based server
 * over loopback TCP and report the result as TAP.
 *
 * Only libc on purpose: the harness must keep working while libchat and
 * chatd change underneath it, so it shares no code with them.
 * The transcript language is documented in tests/integration/README.md.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Longest received line kept whole; longer ones are split here. */
#define RBUF_MAX (64 * 1024)
/* Stop reading from a client whose unconsumed lines exceed this. */
#define PENDING_MAX (16 * 1024 * 1024)
/* Lines of history shown for a failing client. */
#define HISTORY_N 10
/* How long `!` waits for a line that should not come. */
#define QUIET_MS 200
/* Longest client name. */
#define NAME_MAX_LEN 32
/* Cap on the bytes one `>*` step may generate. */
#define REPEAT_MAX_BYTES (256 * 1024 * 1024)

enum step_kind {
	STEP_SEND,
	STEP_RAW,
	STEP_REPEAT,
	STEP_EXPECT,
	STEP_SKIP,
	STEP_ABSENT,
	STEP_CLOSED,
	STEP_CLOSE,
	STEP_PAUSE,
	STEP_RESUME,
	STEP_CONNECT,
	STEP_TIMEOUT
};

struct step {
	enum step_kind kind;
	char name[NAME_MAX_LEN + 1];
	char *arg;  /* text, glob, or decoded bytes */
	size_t len; /* length of arg (bytes may hold NULs) */
	long num;   /* repeat count, rcvbuf size or timeout */
	char *text; /* the step as written, for diagnostics */
	int line;   /* line number in the source file */
};

struct transcript {
	char *file;
	char *title;
	struct step *steps;
	size_t nsteps;
	char *error; /* syntax error, reported as a failure */
};

struct client {
	char name[NAME_MAX_LEN + 1];
	int fd;
	bool eof;
	bool paused;
	char rbuf[RBUF_MAX];
	size_t rlen;
	char **pending; /* received, not yet consumed */
	size_t phead, ptail, pcap;
	size_t pbytes;
	char *history[HISTORY_N];
	size_t nhistory; /* total lines received */
	char msgid[128]; /* msgid tag of the last line matched, for {msgid:NAME}
	                  */
};

static struct transcript *transcripts;
static size_t ntranscripts;

static struct client **clients;
static size_t nclients;

static const char *opt_host = "127.0.0.1";
static const char *opt_port;
static long opt_timeout = 5000;
static int opt_cap = 300;

/* Why the current step failed; printed as TAP diagnostics. */
static char fail_buf[4096];
/* The received line that made the current step fail, if any. */
static char *fail_got;

static void fail(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Print a message and exit: for setup errors only. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "chat-expect: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* Allocate or die: the harness has no use for partial results. */
static void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal("out of memory");
	return p;
}

/* Resize or die. */
static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		fatal("out of memory");
	return p;
}

/* Duplicate a byte range as a NUL-terminated string. */
static char *
xstrndup(const char *s, size_t n)
{
	char *p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Record the failure reason of the current step (first one wins). */
static void
fail(const char *fmt, ...)
{
	va_list ap;

	if (fail_buf[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(fail_buf, sizeof fail_buf, fmt, ap);
	va_end(ap);
}

/* Monotonic milliseconds, so wall-clock jumps cannot stretch a wait. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Hard cap on the whole run: report and leave, whatever we were doing. */
static void
on_alarm(int sig)
{
	static const char msg[] =
	    "Bail out! chat-expect: hard time limit hit\n";
	ssize_t r;

	(void)sig;
	r = write(STDOUT_FILENO, msg, sizeof msg - 1);
	(void)r;
	_exit(1);
}

/* Print a string for a TAP comment, escaping what a terminal would eat. */
static void
print_escaped(const char *s, size_t len, size_t max)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len && i < max; i++) {
		c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	if (len > max)
		printf("... (%zu bytes)", len);
}

/* Decode C escapes (\r \n \t \0 \\ \xHH) for `>>`; NULL on a bad one. */
static char *
decode_escapes(const char *s, size_t *lenp)
{
	char *out, *o;
	unsigned int v;
	int i;

	out = o = xmalloc(strlen(s) + 1);
	while (*s != '\0') {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r':
			*o++ = '\r';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case '0':
			*o++ = '\0';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case 'x':
			v = 0;
			for (i = 1; i <= 2; i++) {
				if (!isxdigit((unsigned char)s[i]))
					goto bad;
				v = v * 16 +
				    (isdigit((unsigned char)s[i])
				            ? (unsigned)(s[i] - '0')
				            : (unsigned)(tolower((unsigned char)
				                                 s[i]) -
				                  'a' + 10));
			}
			*o++ = (char)v;
			s += 2;
			break;
		default:
			goto bad;
		}
		s++;
	}
	*lenp = (size_t)(o - out);
	return out;
bad:
	free(out);
	return NULL;
}

/* Strip the one optional space after a marker (`a> NICK x`). */
static const char *
skip_one_space(const char *s)
{
	return *s == ' ' ? s + 1 : s;
}

/* Parse a decimal number in [min, max]; false if malformed. */
static bool
parse_long(const char *s, long min, long max, long *out, const char **end)
{
	char *e;
	long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || v < min || v > max)
		return false;
	*out = v;
	if (end != NULL)
		*end = e;
	else if (*e != '\0')
		return false;
	return true;
}

/* Parse one logical transcript line into a step; error text on failure. */
static const char *
step_parse(struct step *st, const char *l)
{
	size_t n;
	const char *p, *kw;

	memset(st, 0, sizeof *st);
	if (strncmp(l, "set timeout ", 12) == 0) {
		st->kind = STEP_TIMEOUT;
		if (!parse_long(l + 12, 1, 3600000, &st->num, NULL))
			return "bad timeout (milliseconds expected)";
		return NULL;
	}
	n = strspn(l, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (n == 0)
		return "a step starts with a client name [a-z0-9_]+";
	if (n > NAME_MAX_LEN)
		return "client name too long";
	memcpy(st->name, l, n);
	st->name[n] = '\0';
	p = l + n;
	if (strncmp(p, ">>", 2) == 0) {
		st->kind = STEP_RAW;
		st->arg = decode_escapes(skip_one_space(p + 2), &st->len);
		if (st->arg == NULL)
			return "bad escape (use \\r \\n \\t \\0 \\\\ \\xHH)";
		return NULL;
	}
	if (strncmp(p, ">*", 2) == 0) {
		st->kind = STEP_REPEAT;
		if (!parse_long(
		        skip_one_space(p + 2), 1, 10000000, &st->num, &p) ||
		    *p != ' ')
			return "expected `NAME>* COUNT text`";
		st->arg = xstrndup(p + 1, strlen(p + 1));
		st->len = strlen(st->arg);
		return NULL;
	}
	switch (*p) {
	case '>':
		st->kind = STEP_SEND;
		break;
	case '<':
		st->kind = STEP_EXPECT;
		break;
	case '~':
		st->kind = STEP_SKIP;
		break;
	case '!':
		st->kind = STEP_ABSENT;
		break;
	case ' ':
		kw = p + 1;
		if (strcmp(kw, "closed") == 0)
			st->kind = STEP_CLOSED;
		else if (strcmp(kw, "close") == 0)
			st->kind = STEP_CLOSE;
		else if (strcmp(kw, "pause") == 0)
			st->kind = STEP_PAUSE;
		else if (strcmp(kw, "resume") == 0)
			st->kind = STEP_RESUME;
		else if (strcmp(kw, "connect") == 0)
			st->kind = STEP_CONNECT;
		else if (strncmp(kw, "connect rcvbuf=", 15) == 0) {
			st->kind = STEP_CONNECT;
			if (!parse_long(kw + 15, 1, INT_MAX, &st->num, NULL))
				return "bad rcvbuf size";
		} else
			return "unknown keyword (closed, close, pause, resume, "
			       "connect [rcvbuf=N])";
		return NULL;
	default:
		return "expected one of > >> >* < ~ ! or a keyword after the "
		       "client name";
	}
	st->arg =
	    xstrndup(skip_one_space(p + 1), strlen(skip_one_space(p + 1)));
	st->len = strlen(st->arg);
	return NULL;
}

/* True if a line ends in an odd number of backslashes: it continues. */
static bool
continues(const char *l, size_t len)
{
	size_t n = 0;

	while (n < len && l[len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

/* Start a new, empty transcript. */
static struct transcript *
transcript_new(const char *file, const char *title)
{
	struct transcript *t;

	transcripts =
	    xrealloc(transcripts, (ntranscripts + 1) * sizeof *transcripts);
	t = &transcripts[ntranscripts++];
	memset(t, 0, sizeof *t);
	t->file = xstrndup(file, strlen(file));
	t->title = xstrndup(title, strlen(title));
	return t;
}

/* Add one logical line (continuations already joined) to a transcript. */
static void
transcript_add(struct transcript *t, const char *l, int lineno)
{
	struct step st;
	const char *err;
	char buf[512];

	if (*l == '\0' || *l == '#' || t->error != NULL)
		return;
	if ((err = step_parse(&st, l)) != NULL) {
		snprintf(buf, sizeof buf, "%s:%d: syntax error: %s", t->file,
		    lineno, err);
		t->error = xstrndup(buf, strlen(buf));
		free(st.arg);
		return;
	}
	st.text = xstrndup(l, strlen(l));
	st.line = lineno;
	t->steps = xrealloc(t->steps, (t->nsteps + 1) * sizeof *t->steps);
	t->steps[t->nsteps++] = st;
}

/* Read a file into an array of lines with CR LF / LF stripped. */
static char **
read_lines(const char *path, size_t *np)
{
	FILE *f;
	char **lines = NULL;
	char *l = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((len = getline(&l, &cap, f)) != -1) {
		while (len > 0 && (l[len - 1] == '\n' || l[len - 1] == '\r'))
			len--;
		lines = xrealloc(lines, (n + 1) * sizeof *lines);
		lines[n++] = xstrndup(l, (size_t)len);
	}
	free(l);
	fclose(f);
	*np = n;
	return lines;
}

/*
 * Feed lines [from, to) to a transcript, joining backslash continuations.
 * A continued line loses its final backslash; the next line is appended
 * as written.
 */
static void
feed_lines(struct transcript *t, char **lines, size_t from, size_t to)
{
	size_t i, len, jlen;
	char *joined;
	int start;

	for (i = from; i < to; i++) {
		start = (int)i + 1;
		joined = xstrndup(lines[i], strlen(lines[i]));
		jlen = strlen(joined);
		while (continues(joined, jlen) && i + 1 < to) {
			i++;
			len = strlen(lines[i]);
			joined = xrealloc(joined, jlen + len + 1);
			memcpy(joined + jlen - 1, lines[i], len + 1);
			jlen += len - 1;
		}
		transcript_add(t, joined, start);
		free(joined);
	}
}

/* Load a plain transcript file: the whole file is one transcript. */
static void
load_plain(const char *path)
{
	struct transcript *t;
	char **lines;
	size_t n, i;

	t = transcript_new(path, path);
	if ((lines = read_lines(path, &n)) == NULL) {
		t->error = xstrndup(strerror(errno), strlen(strerror(errno)));
		return;
	}
	feed_lines(t, lines, 0, n);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Length of a fence opener (``` or ~~~, 3 or more) at l, else 0. */
static size_t
fence_len(const char *l, char *ch)
{
	size_t n = 0;

	while (*l == ' ' && n < 3) {
		l++;
		n++;
	}
	if (*l != '`' && *l != '~')
		return 0;
	*ch = *l;
	n = 0;
	while (l[n] == *ch)
		n++;
	return n >= 3 ? n : 0;
}

/* Does l close a fence of flen ch characters (same char, as long, bare)? */
static bool
fence_closes(const char *l, char ch, size_t flen)
{
	char ch2;
	size_t n;

	if ((n = fence_len(l, &ch2)) < flen || ch2 != ch)
		return false;
	l = strchr(l, ch) + n;
	return l[strspn(l, " ")] == '\0';
}

/* Load a Markdown file: every ```chat block is one transcript. */
static void
load_markdown(const char *path)
{
	struct transcript *t;
	char **lines, heading[256], title[512], ch;
	const char *info, *h;
	size_t n, i, j, flen, hlen, same = 0;
	bool is_chat;

	snprintf(heading, sizeof heading, "(top)");
	if ((lines = read_lines(path, &n)) == NULL) {
		t = transcript_new(path, path);
		t->error = xstrndup(strerror(errno), strlen(strerror(errno)));
		return;
	}
	for (i = 0; i < n; i++) {
		if ((flen = fence_len(lines[i], &ch)) == 0) {
			h = lines[i];
			hlen = strspn(h, "#");
			if (hlen >= 1 && hlen <= 6 && h[hlen] == ' ') {
				snprintf(heading, sizeof heading, "%s",
				    h + hlen + 1);
				same = 0;
			}
			continue;
		}
		info = strchr(lines[i], ch) + flen;
		info += strspn(info, " ");
		is_chat = strncmp(info, "chat", 4) == 0 &&
		    (info[4] == '\0' || info[4] == ' ');
		for (j = i + 1; j < n; j++) {
			if (fence_closes(lines[j], ch, flen))
				break;
		}
		if (is_chat) {
			if (same++ == 0)
				snprintf(title, sizeof title, "%s: %s", path,
				    heading);
			else
				snprintf(title, sizeof title, "%s: %s (%zu)",
				    path, heading, same);
			t = transcript_new(path, title);
			feed_lines(t, lines, i + 1, j);
		}
		i = j;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Find a client by name, or NULL. */
static struct client *
client_find(const char *name)
{
	size_t i;

	for (i = 0; i < nclients; i++) {
		if (strcmp(clients[i]->name, name) == 0)
			return clients[i];
	}
	return NULL;
}

/* Open a connection to the server for a new client; NULL on failure. */
static struct client *
client_open(const char *name, long rcvbuf, int64_t deadline)
{
	struct addrinfo hints, *res, *ai;
	struct client *c;
	struct pollfd pfd;
	int fd = -1, rv, one = 1, err, rb = (int)rcvbuf;
	socklen_t elen;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rv = getaddrinfo(opt_host, opt_port, &hints, &res)) != 0) {
		fail("%s: cannot resolve %s port %s: %s", name, opt_host,
		    opt_port, gai_strerror(rv));
		return NULL;
	}
	err = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		/* The receive buffer must be set before connect to count. */
		if (rcvbuf > 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rv = poll(&pfd, 1,
			    (int)(deadline - now_ms() > 0 ? deadline - now_ms()
			                                  : 0));
			elen = sizeof err;
			if (rv == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) ==
			        0 &&
			    err == 0)
				break;
			if (rv == 0)
				err = ETIMEDOUT;
		} else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		fail("%s: cannot connect to %s port %s: %s", name, opt_host,
		    opt_port, strerror(err));
		return NULL;
	}
	c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->fd = fd;
	clients = xrealloc(clients, (nclients + 1) * sizeof *clients);
	clients[nclients++] = c;
	return c;
}

/* Queue one received line and remember it in the history ring. */
static void
client_add_line(struct client *c, const char *s, size_t len)
{
	char *l;

	if (c->ptail == c->pcap) {
		if (c->phead > 0) {
			memmove(c->pending, c->pending + c->phead,
			    (c->ptail - c->phead) * sizeof *c->pending);
			c->ptail -= c->phead;
			c->phead = 0;
		} else {
			c->pcap = c->pcap == 0 ? 64 : c->pcap * 2;
			c->pending =
			    xrealloc(c->pending, c->pcap * sizeof *c->pending);
		}
	}
	l = xstrndup(s, len);
	c->pending[c->ptail++] = l;
	c->pbytes += len + 1;
	free(c->history[c->nhistory % HISTORY_N]);
	c->history[c->nhistory % HISTORY_N] = xstrndup(s, len);
	c->nhistory++;
}

/* Take the oldest unconsumed line (caller frees), or NULL. */
static char *
client_next_line(struct client *c)
{
	char *l;

	if (c->phead == c->ptail)
		return NULL;
	l = c->pending[c->phead++];
	c->pbytes -= strlen(l) + 1;
	return l;
}

/* Split complete lines out of the read buffer; CR LF or bare LF ends one. */
static void
client_split(struct client *c)
{
	char *nl;
	size_t off = 0, len;

	while ((nl = memchr(c->rbuf + off, '\n', c->rlen - off)) != NULL) {
		len = (size_t)(nl - (c->rbuf + off));
		if (len > 0 && c->rbuf[off + len - 1] == '\r')
			len--;
		client_add_line(c, c->rbuf + off, len);
		off = (size_t)(nl - c->rbuf) + 1;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	/* A line longer than the buffer is cut rather than lost. */
	if (c->rlen == sizeof c->rbuf) {
		client_add_line(c, c->rbuf, c->rlen);
		c->rlen = 0;
	}
}

/* Read what the socket has; note EOF or reset. */
static void
client_read(struct client *c)
{
	ssize_t n;

	n = read(c->fd, c->rbuf + c->rlen, sizeof c->rbuf - c->rlen);
	if (n > 0) {
		c->rlen += (size_t)n;
		client_split(c);
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF or error (ECONNRESET): keep an unterminated tail as a line. */
	if (c->rlen > 0) {
		client_add_line(c, c->rbuf, c->rlen);
		c->rlen = 0;
	}
	c->eof = true;
}

/* True if we should poll this client for input. */
static bool
client_readable(struct client *c)
{
	return c->fd != -1 && !c->eof && !c->paused && c->pbytes < PENDING_MAX;
}

/*
 * Wait up to timeout_ms for input on all clients (and for `writer` to
 * become writable, if given) and read whatever arrived. Returns true if
 * the writer is writable.
 */
static bool
pump(int timeout_ms, struct client *writer)
{
	struct pollfd *pfd;
	struct client **who;
	size_t i, n = 0;
	bool writable = false;
	int rv;

	pfd = xmalloc((nclients + 1) * sizeof *pfd);
	who = xmalloc((nclients + 1) * sizeof *who);
	for (i = 0; i < nclients; i++) {
		if (!client_readable(clients[i]) && clients[i] != writer)
			continue;
		pfd[n].fd = clients[i]->fd;
		pfd[n].events = client_readable(clients[i]) ? POLLIN : 0;
		if (clients[i] == writer)
			pfd[n].events |= POLLOUT;
		pfd[n].revents = 0;
		who[n++] = clients[i];
	}
	rv = poll(pfd, n, timeout_ms < 0 ? 0 : timeout_ms);
	for (i = 0; rv > 0 && i < n; i++) {
		if (pfd[i].revents & POLLOUT)
			writable = true;
		if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    client_readable(who[i]))
			client_read(who[i]);
		if (who[i] == writer && (pfd[i].revents & (POLLHUP | POLLERR)))
			writable = true;
	}
	free(pfd);
	free(who);
	return writable;
}

/* Milliseconds left until deadline, at least 0. */
static int
left_ms(int64_t deadline)
{
	int64_t d = deadline - now_ms();

	return d < 0 ? 0 : (d > INT_MAX ? INT_MAX : (int)d);
}

/*
 * Write all bytes, reading every client meanwhile so neither side can
 * deadlock on full buffers. A peer that has gone away is not an error
 * here: the next `<` or `closed` step sees the EOF.
 */
static void
client_write(struct client *c, const char *buf, size_t len, int64_t deadline)
{
	ssize_t n;
	size_t off = 0;

	while (off < len) {
		n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN)
			return;
		if (now_ms() >= deadline) {
			fail("%s: send timed out with %zu of %zu bytes written",
			    c->name, off, len);
			return;
		}
		pump(left_ms(deadline), c);
	}
}

/* Close a client's connection and forget it. */
static void
client_free(struct client *c)
{
	size_t i;
	char *l;

	if (c->fd != -1)
		close(c->fd);
	while ((l = client_next_line(c)) != NULL)
		free(l);
	free(c->pending);
	for (i = 0; i < HISTORY_N; i++)
		free(c->history[i]);
	free(c);
}

/* Remove a client from the table and free it. */
static void
client_remove(struct client *c)
{
	size_t i;

	for (i = 0; i < nclients; i++) {
		if (clients[i] == c) {
			memmove(clients + i, clients + i + 1,
			    (nclients - i - 1) * sizeof *clients);
			nclients--;
			break;
		}
	}
	client_free(c);
}

/* Show the last lines a client received, marking those not yet consumed. */
static void
client_diag(struct client *c)
{
	size_t first, i, unread;
	const char *l;

	unread = c->ptail - c->phead;
	first = c->nhistory > HISTORY_N ? c->nhistory - HISTORY_N : 0;
	printf("#   last %zu line(s) received by %s (of %zu)%s:\n",
	    c->nhistory - first, c->name, c->nhistory,
	    c->eof ? ", then EOF" : "");
	for (i = first; i < c->nhistory; i++) {
		l = c->history[i % HISTORY_N];
		printf("#     %s ", i + unread >= c->nhistory ? "unread" : "<");
		print_escaped(l, strlen(l), 300);
		printf("\n");
	}
	if (c->rlen > 0) {
		printf("#     partial ");
		print_escaped(c->rbuf, c->rlen, 300);
		printf(" (no newline yet)\n");
	}
}

/* Does a received line match a transcript glob? */
static bool
line_matches(const char *glob, const char *line)
{
	return fnmatch(glob, line, 0) == 0;
}

/* Build the payload of a `>*` step: text CR LF, N times, {i} = 1..N. */
static char *
repeat_build(const struct step *st, size_t *lenp)
{
	char *buf, num[32];
	const char *s, *mark;
	size_t cap, len = 0, nl;
	long i;

	cap = (st->len + 32) * (size_t)st->num;
	if (cap > REPEAT_MAX_BYTES)
		return NULL;
	buf = xmalloc(cap);
	for (i = 1; i <= st->num; i++) {
		nl = (size_t)snprintf(num, sizeof num, "%ld", i);
		s = st->arg;
		while ((mark = strstr(s, "{i}")) != NULL) {
			memcpy(buf + len, s, (size_t)(mark - s));
			len += (size_t)(mark - s);
			memcpy(buf + len, num, nl);
			len += nl;
			s = mark + 3;
		}
		memcpy(buf + len, s, strlen(s));
		len += strlen(s);
		memcpy(buf + len, "\r\n", 2);
		len += 2;
	}
	*lenp = len;
	return buf;
}

/* Remember the msgid tag of a line a client matched ({msgid:NAME}). */
static void
client_keep_msgid(struct client *c, const char *l)
{
	const char *p, *end;
	size_t n;

	if (l[0] != '@' || (end = strchr(l, ' ')) == NULL)
		return;
	for (p = l + 1; p < end; p++) {
		if ((p == l + 1 || p[-1] == ';') &&
		    strncmp(p, "msgid=", 6) == 0) {
			p += 6;
			n = strcspn(p, "; ");
			if (n < sizeof c->msgid) {
				memcpy(c->msgid, p, n);
				c->msgid[n] = '\0';
			}
			return;
		}
	}
}

/* A send step's text with each {msgid:NAME} replaced (allocated). */
static char *
send_expand(const struct step *st, size_t *lenp)
{
	const char *s = st->arg, *mark, *close;
	char *buf, name[NAME_MAX_LEN + 1];
	struct client *c;
	size_t len = 0, cap = st->len + 3, n, vl;

	buf = xmalloc(cap);
	while ((mark = strstr(s, "{msgid:")) != NULL &&
	    (close = strchr(mark, '}')) != NULL &&
	    (n = (size_t)(close - mark - 7)) <= NAME_MAX_LEN) {
		memcpy(name, mark + 7, n);
		name[n] = '\0';
		c = client_find(name);
		vl = c != NULL ? strlen(c->msgid) : 0;
		cap += vl;
		buf = xrealloc(buf, cap);
		memcpy(buf + len, s, (size_t)(mark - s));
		len += (size_t)(mark - s);
		if (vl > 0)
			memcpy(buf + len, c->msgid, vl);
		len += vl;
		s = close + 1;
	}
	n = st->len - (size_t)(s - st->arg);
	memcpy(buf + len, s, n);
	len += n;
	memcpy(buf + len, "\r\n", 2);
	*lenp = len + 2;
	return buf;
}

/* Run a step that waits for lines: `<`, `~` or `closed`. */
static void
step_wait(struct client *c, const struct step *st, long timeout)
{
	int64_t deadline = now_ms() + timeout;
	char *l;
	size_t skipped = 0;

	for (;;) {
		while ((l = client_next_line(c)) != NULL) {
			if (st->kind == STEP_EXPECT) {
				if (!line_matches(st->arg, l)) {
					fail("%s received a line that does not "
					     "match",
					    c->name);
					fail_got = l;
					return;
				}
				client_keep_msgid(c, l);
				free(l);
				return;
			}
			if (st->kind == STEP_SKIP && line_matches(st->arg, l)) {
				client_keep_msgid(c, l);
				free(l);
				return;
			}
			skipped++;
			free(l);
		}
		if (c->eof) {
			if (st->kind != STEP_CLOSED)
				fail("%s: connection closed by the server",
				    c->name);
			return;
		}
		if (now_ms() >= deadline) {
			if (st->kind == STEP_CLOSED)
				fail("%s: still open after %ld ms", c->name,
				    timeout);
			else if (st->kind == STEP_SKIP)
				fail("%s: timed out after %ld ms (%zu lines "
				     "skipped)",
				    c->name, timeout, skipped);
			else
				fail("%s: timed out after %ld ms", c->name,
				    timeout);
			return;
		}
		if (c->paused) {
			fail("%s is paused: resume it before waiting for lines",
			    c->name);
			return;
		}
		pump(left_ms(deadline), NULL);
	}
}

/* Run a `!` step: after a quiet period no unconsumed line may match. */
static void
step_absent(struct client *c, const struct step *st)
{
	int64_t deadline = now_ms() + QUIET_MS;
	size_t i;

	while (now_ms() < deadline)
		pump(left_ms(deadline), NULL);
	for (i = c->phead; i < c->ptail; i++) {
		if (line_matches(st->arg, c->pending[i])) {
			fail("%s received a line it should not have", c->name);
			fail_got =
			    xstrndup(c->pending[i], strlen(c->pending[i]));
			return;
		}
	}
}

/* Execute one step; on failure fail_buf is set. */
static void
step_run(const struct step *st, long *timeout)
{
	struct client *c;
	int64_t deadline = now_ms() + *timeout;
	char *buf;
	size_t len;

	if (st->kind == STEP_TIMEOUT) {
		*timeout = st->num;
		return;
	}
	c = client_find(st->name);
	if (st->kind == STEP_CONNECT) {
		if (c != NULL) {
			fail("%s: `connect` must be the first use of a client",
			    st->name);
			return;
		}
		client_open(st->name, st->num, deadline);
		return;
	}
	if (c == NULL && st->kind == STEP_CLOSE) {
		fail("%s: `close` on a client never opened", st->name);
		return;
	}
	if (c == NULL && (c = client_open(st->name, 0, deadline)) == NULL)
		return;
	switch (st->kind) {
	case STEP_SEND:
		buf = send_expand(st, &len);
		client_write(c, buf, len, deadline);
		free(buf);
		break;
	case STEP_RAW:
		client_write(c, st->arg, st->len, deadline);
		break;
	case STEP_REPEAT:
		if ((buf = repeat_build(st, &len)) == NULL) {
			fail("%s: `>*` would send more than %d bytes", c->name,
			    REPEAT_MAX_BYTES);
			break;
		}
		client_write(c, buf, len, deadline);
		free(buf);
		break;
	case STEP_EXPECT:
	case STEP_SKIP:
	case STEP_CLOSED:
		step_wait(c, st, *timeout);
		break;
	case STEP_ABSENT:
		step_absent(c, st);
		break;
	case STEP_CLOSE:
		client_remove(c);
		break;
	case STEP_PAUSE:
		c->paused = true;
		break;
	case STEP_RESUME:
		c->paused = false;
		break;
	default:
		break;
	}
}

/* Run one transcript and print its TAP test point. */
static bool
transcript_run(const struct transcript *t, size_t num)
{
	const struct step *st = NULL;
	struct client *c;
	long timeout = opt_timeout;
	size_t i;

	fail_buf[0] = '\0';
	if (t->error != NULL)
		fail("%s", t->error);
	for (i = 0; t->error == NULL && i < t->nsteps; i++) {
		st = &t->steps[i];
		step_run(st, &timeout);
		if (fail_buf[0] != '\0')
			break;
	}
	if (fail_buf[0] == '\0') {
		printf("ok %zu - %s\n", num, t->title);
	} else {
		printf("not ok %zu - %s\n", num, t->title);
		if (st != NULL && t->error == NULL) {
			printf("#   step %s:%d: ", t->file, st->line);
			print_escaped(st->text, strlen(st->text), 400);
			printf("\n");
		}
		printf("#   %s\n", fail_buf);
		if (st != NULL && t->error == NULL &&
		    (st->kind == STEP_EXPECT || st->kind == STEP_SKIP ||
		        st->kind == STEP_ABSENT)) {
			printf("#   %s ",
			    st->kind == STEP_ABSENT ? "unwanted:"
			                            : "expected:");
			print_escaped(st->arg, st->len, 400);
			printf("\n");
		}
		if (fail_got != NULL) {
			printf("#   got:      ");
			print_escaped(fail_got, strlen(fail_got), 400);
			printf("\n");
		}
		if (st != NULL && t->error == NULL &&
		    (c = client_find(st->name)) != NULL)
			client_diag(c);
	}
	fflush(stdout);
	free(fail_got);
	fail_got = NULL;
	while (nclients > 0)
		client_remove(clients[0]);
	return fail_buf[0] == '\0';
}

/* Print usage and exit. */
static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
	    "usage: chat-expect [-h host] -p port [-t timeout_ms] "
	    "[-T cap_seconds] [-P] [-m] FILE...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t i, failed = 0;
	bool markdown = false, plan = true;
	long v;
	int ch;

	while ((ch = getopt(argc, argv, "h:mp:Pt:T:")) != -1) {
		switch (ch) {
		case 'h':
			opt_host = optarg;
			break;
		case 'm':
			markdown = true;
			break;
		case 'p':
			opt_port = optarg;
			break;
		case 'P':
			plan = false;
			break;
		case 't':
			if (!parse_long(optarg, 1, 3600000, &opt_timeout, NULL))
				usage();
			break;
		case 'T':
			if (!parse_long(optarg, 1, 86400, &v, NULL))
				usage();
			opt_cap = (int)v;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (opt_port == NULL || argc == 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)opt_cap);

	for (i = 0; i < (size_t)argc; i++) {
		if (markdown)
			load_markdown(argv[i]);
		else
			load_plain(argv[i]);
	}
	if (plan)
		printf("1..%zu\n", ntranscripts);
	if (markdown && ntranscripts == 0 && plan)
		printf("# no ```chat blocks found\n");
	fflush(stdout);
	for (i = 0; i < ntranscripts; i++) {
		if (!transcript_run(&transcripts[i], i + 1))
			failed++;
	}
	if (failed > 0)
		printf("# %zu of %zu transcript(s) failed\n", failed,
		    ntranscripts);
	return failed > 0 ? 1 : 0;
}
