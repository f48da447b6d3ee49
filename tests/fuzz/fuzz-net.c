/*
 * Network-level fuzzer: several clients connected to a running chatd send
 * random command sequences, built from the seed sequences in
 * tests/fuzz/net-corpus (every command family: registration, CAP, SASL,
 * channels, messages, SENDFILE, TTT, CHATHISTORY, MONITOR, accounts) with
 * their placeholders filled from small pools (so clients meet on the same
 * nicks, channels and transfer ids) and mutated now and then. Clients the
 * server closes connect again. At the end a fresh client must still get
 * a PONG: a crash, a hang or a dead loop fails the run; the sanitizer
 * build catches the rest in chatd's log (run-net-fuzz.sh checks it).
 *
 *   fuzz-net -p port [-t seconds] [-s seed] [-c clients] [-o sent.log]
 *       corpus-dir
 *
 * The last lines sent are written to -o as "client line", so a failure
 * can be looked at (and replayed with chat-expect after a small edit). The seed
 * is printed; the same seed gives the same lines (not the same timing).
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NET_CLIENTS_MAX 16
#define NET_LINES_MAX 4096
#define NET_LINE_MAX 2048
#define NET_OUT_MAX 65536

/* One line of a seed sequence: which client sends it, and the template. */
struct net_line {
	int client;
	char *text;
};

/* A seed sequence (one corpus file). */
struct net_seq {
	struct net_line *lines;
	size_t n;
};

struct net_client {
	int fd;
	char out[NET_OUT_MAX];
	size_t outlen;
	unsigned long received;
};

static struct net_seq seqs[256];
static size_t nseqs;
static struct net_client clients[NET_CLIENTS_MAX];
static int nclients = 6;
static int port;
static uint64_t rng;
static unsigned long nsent, nreconnects;
/* The last lines sent, for -o at the end (an hour's would not fit). */
#define NET_RING 400
static char *ring[NET_RING];
static size_t ringpos;

static const char *pool_nick[] = { "ann", "bob", "cy", "dee", "eve", "fin",
	"Ann", "BOB", "guest", "a[b]", "x" };
static const char *pool_chan[] = { "#a", "#b", "#A", "#c", "&x", "#a,#b", "#" };
static const char *pool_word[] = { "", "*", "0", "1", "2", "-1", ":",
	"99999999999999999999", "+o", "-o", "+b", "+k", "+l", "+i", "+m", "+t",
	"+n", "+s", "x", "\xff", "\xc3\xa9", "latest", "timestamp=2020",
	"msgid=x", "*", "ACCEPT", "LIST" };

/* xorshift64*: reproducible from the seed. */
static uint64_t
net_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static size_t
net_pick(size_t n)
{
	return (size_t)(net_rand() % n);
}

/* Load one seed file: lines "N text", N the client (0-9). */
static void
net_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[NET_LINE_MAX];
	struct net_seq *s;
	size_t len;

	if (f == NULL || nseqs == sizeof seqs / sizeof seqs[0]) {
		if (f != NULL)
			fclose(f);
		return;
	}
	s = &seqs[nseqs];
	s->lines = calloc(NET_LINES_MAX, sizeof *s->lines);
	if (s->lines == NULL)
		abort();
	s->n = 0;
	while (fgets(buf, sizeof buf, f) != NULL && s->n < NET_LINES_MAX) {
		len = strcspn(buf, "\r\n");
		buf[len] = '\0';
		if (buf[0] < '0' || buf[0] > '9' || buf[1] != ' ')
			continue;
		s->lines[s->n].client = buf[0] - '0';
		if ((s->lines[s->n].text = strdup(buf + 2)) == NULL)
			abort();
		s->n++;
	}
	fclose(f);
	if (s->n > 0)
		nseqs++;
	else
		free(s->lines);
}

/* Load every file of a directory, in name order. */
static int
net_load_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(
			    path, sizeof path, "%s/%s", dir, names[i]->d_name);
			net_load(path);
		}
		free(names[i]);
	}
	free(names);
	return nseqs > 0 ? 0 : -1;
}

/* Append s to buf (bounded). */
static void
net_cat(char *buf, size_t *len, const char *s, size_t n)
{
	if (*len + n >= NET_LINE_MAX - 3)
		n = NET_LINE_MAX - 3 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
}

/* A random value for a placeholder. */
static void
net_fill(char *buf, size_t *len, const char *name, size_t nlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char tmp[128];
	const char *v = tmp;
	size_t i, n;

#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (IS("nick"))
		v = pool_nick[net_pick(sizeof pool_nick / sizeof *pool_nick)];
	else if (IS("chan"))
		v = pool_chan[net_pick(sizeof pool_chan / sizeof *pool_chan)];
	else if (IS("word"))
		v = pool_word[net_pick(sizeof pool_word / sizeof *pool_word)];
	else if (IS("id"))
		snprintf(tmp, sizeof tmp, "%u", (unsigned)net_pick(6));
	else if (IS("num"))
		snprintf(tmp, sizeof tmp, "%d", (int)net_pick(12) - 2);
	else if (IS("b64")) {
		n = net_pick(40) * 4;
		for (i = 0; i < n && i < sizeof tmp - 1; i++)
			tmp[i] = b64[net_pick(64)];
		tmp[i] = '\0';
	} else if (IS("text")) {
		n = net_pick(60);
		for (i = 0; i < n && i < sizeof tmp - 1; i++)
			tmp[i] = (char)(' ' + net_pick(95));
		tmp[i] = '\0';
	} else {
		snprintf(tmp, sizeof tmp, "{%.*s}", (int)nlen, name);
	}
#undef IS
	net_cat(buf, len, v, strlen(v));
}

/* Expand a template's placeholders into buf; returns the length. */
static size_t
net_expand(const char *t, char *buf)
{
	const char *p, *e;
	size_t len = 0;

	for (p = t; *p != '\0'; p++) {
		if (*p == '{' && (e = strchr(p, '}')) != NULL) {
			net_fill(buf, &len, p + 1, (size_t)(e - p - 1));
			p = e;
		} else
			net_cat(buf, &len, p, 1);
	}
	return len;
}

/* Sometimes damage a line: flip, cut, repeat or insert odd bytes. */
static size_t
net_mutate(char *buf, size_t len)
{
	static const char odd[] = { ' ', ':', '@', ';', '=', '\\', ',', '\0',
		'\r', '\x01', '\x80', '\xff', '*', '#' };
	size_t i, n;

	switch (net_pick(16)) {
	case 0:
		if (len > 0)
			buf[net_pick(len)] = odd[net_pick(sizeof odd)];
		break;
	case 1:
		if (len > 0)
			len = net_pick(len);
		break;
	case 2:
		/* A long tail: past 512 bytes and the tag limits. */
		n = 200 + net_pick(1500);
		for (i = 0; i < n && len < NET_LINE_MAX - 3; i++)
			buf[len++] = (char)('a' + net_pick(26));
		break;
	case 3:
		if (len > 0 && len < NET_LINE_MAX / 2) {
			memcpy(buf + len, buf, len);
			len *= 2;
		}
		break;
	case 4:
		n = net_pick(len + 1);
		if (len < NET_LINE_MAX - 4) {
			memmove(buf + n + 1, buf + n, len - n);
			buf[n] = odd[net_pick(sizeof odd)];
			len++;
		}
		break;
	default:
		break;
	}
	return len;
}

/*
 * Connect client i (blocking connect on loopback, then non-blocking), from
 * 127.0.0.1, or from 127.0.0.2 for the probe: the fuzzing clients may
 * leave their own address at max-per-ip (logins the throttle holds keep
 * their connections until they are checked, even after the peer closed).
 */
static void
net_connect(int i)
{
	struct sockaddr_in sin, src;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	clients[i].fd = -1;
	clients[i].outlen = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return;
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	src.sin_addr.s_addr =
	    htonl(i == NET_CLIENTS_MAX - 1 ? 0x7f000002 : 0x7f000001);
	if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	clients[i].fd = fd;
}

/* Drop client i and connect it again. */
static void
net_reconnect(int i)
{
	if (clients[i].fd >= 0)
		close(clients[i].fd);
	nreconnects++;
	net_connect(i);
}

/* Queue one line (CR LF added) for client i; dropped if its queue is full. */
static void
net_queue(int i, const char *line, size_t len)
{
	struct net_client *c = &clients[i];

	if (c->fd < 0)
		net_connect(i);
	if (c->fd < 0 || c->outlen + len + 2 > sizeof c->out)
		return;
	memcpy(c->out + c->outlen, line, len);
	c->outlen += len;
	c->out[c->outlen++] = '\r';
	c->out[c->outlen++] = '\n';
	nsent++;
	free(ring[ringpos % NET_RING]);
	ring[ringpos % NET_RING] = malloc(len + 4);
	if (ring[ringpos % NET_RING] == NULL)
		abort();
	snprintf(
	    ring[ringpos % NET_RING], len + 4, "%d %.*s", i, (int)len, line);
	ringpos++;
}

/* Write the last lines sent to path and free them. */
static void
net_ring_write(const char *path)
{
	FILE *f = path != NULL ? fopen(path, "w") : NULL;
	size_t i, first = ringpos > NET_RING ? ringpos - NET_RING : 0;

	for (i = first; i < ringpos; i++) {
		if (f != NULL)
			fprintf(f, "%s\n", ring[i % NET_RING]);
		free(ring[i % NET_RING]);
		ring[i % NET_RING] = NULL;
	}
	if (f != NULL)
		fclose(f);
}

/* Write and read what the sockets allow, for at most ms. */
static void
net_pump(int ms)
{
	struct pollfd pfd[NET_CLIENTS_MAX];
	char buf[65536];
	ssize_t n;
	int i;

	for (i = 0; i < nclients; i++) {
		pfd[i].fd = clients[i].fd;
		pfd[i].events = POLLIN | (clients[i].outlen > 0 ? POLLOUT : 0);
		pfd[i].revents = 0;
	}
	if (poll(pfd, (nfds_t)nclients, ms) <= 0)
		return;
	for (i = 0; i < nclients; i++) {
		if (clients[i].fd < 0)
			continue;
		if (pfd[i].revents & POLLOUT) {
			n = write(
			    clients[i].fd, clients[i].out, clients[i].outlen);
			if (n > 0) {
				memmove(clients[i].out, clients[i].out + n,
				    clients[i].outlen - (size_t)n);
				clients[i].outlen -= (size_t)n;
			} else if (n < 0 && errno != EAGAIN) {
				net_reconnect(i);
				continue;
			}
		}
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(clients[i].fd, buf, sizeof buf);
			if (n > 0)
				clients[i].received += (unsigned long)n;
			else if (n == 0 || errno != EAGAIN)
				net_reconnect(i);
		}
	}
}

/* One step: a stretch of a seed sequence, its lines filled and mutated. */
static void
net_step(void)
{
	struct net_seq *s = &seqs[net_pick(nseqs)];
	size_t start = net_pick(s->n), n = 1 + net_pick(12), k, len;
	int shift = (int)net_pick((size_t)nclients);
	char line[NET_LINE_MAX];

	/* Now and then from the start: registration before the rest. */
	if (net_pick(4) == 0)
		start = 0;
	for (k = start; k < s->n && k < start + n; k++) {
		len = net_expand(s->lines[k].text, line);
		if (net_pick(8) == 0)
			len = net_mutate(line, len);
		net_queue((s->lines[k].client + shift) % nclients, line, len);
	}
}

/* A fresh client must register and get its PONG within 10 s. */
static int
net_alive(void)
{
	const char hello[] = "NICK probe\r\nUSER probe 0 * :p\r\n"
	                     "PING :fuzz-net-alive\r\n";
	char buf[65536];
	size_t have = 0;
	struct pollfd pfd;
	struct timeval t0, t;
	ssize_t n;
	int i = NET_CLIENTS_MAX - 1;

	net_connect(i);
	if (clients[i].fd < 0 ||
	    write(clients[i].fd, hello, sizeof hello - 1) < 0)
		return -1;
	gettimeofday(&t0, NULL);
	for (;;) {
		gettimeofday(&t, NULL);
		if (t.tv_sec - t0.tv_sec > 10)
			return -1;
		pfd.fd = clients[i].fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = read(clients[i].fd, buf + have, sizeof buf - 1 - have);
		if (n <= 0 && errno != EAGAIN)
			return -1;
		if (n > 0)
			have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "PONG") != NULL &&
		    strstr(buf, "fuzz-net-alive") != NULL)
			return 0;
		if (have > sizeof buf / 2)
			have = 0;
	}
}

/* Free the corpus (the sanitizer build checks for leaks). */
static void
net_free(void)
{
	size_t i, k;

	for (i = 0; i < nseqs; i++) {
		for (k = 0; k < seqs[i].n; k++)
			free(seqs[i].lines[k].text);
		free(seqs[i].lines);
	}
	nseqs = 0;
}

int
main(int argc, char **argv)
{
	struct timeval t0, t;
	const char *logpath = NULL;
	double seconds = 10;
	int ch, i, rc, busy;

	/* chatd closes connections it drops (Excess Flood, KILL): not fatal. */
	signal(SIGPIPE, SIG_IGN);
	rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((ch = getopt(argc, argv, "p:t:s:c:o:")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			nclients = atoi(optarg);
			break;
		case 'o':
			logpath = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (port <= 0 || optind != argc - 1 || nclients < 1 ||
	    nclients > NET_CLIENTS_MAX - 1)
		goto usage;
	if (rng == 0)
		rng = 1;
	if (net_load_dir(argv[optind]) != 0) {
		fprintf(stderr, "fuzz-net: no sequences in %s\n", argv[optind]);
		return 2;
	}
	printf("# seed %llu, %zu sequences, %d clients, %.0f s\n",
	    (unsigned long long)rng, nseqs, nclients, seconds);
	fflush(stdout);
	for (i = 0; i < nclients; i++)
		net_connect(i);
	gettimeofday(&t0, NULL);
	for (;;) {
		gettimeofday(&t, NULL);
		if ((double)(t.tv_sec - t0.tv_sec) +
		        (double)(t.tv_usec - t0.tv_usec) / 1e6 >=
		    seconds)
			break;
		/* Generate no faster than the sockets take it. */
		for (i = 0, busy = 0; i < nclients; i++)
			busy += clients[i].outlen > 4096;
		if (busy == 0)
			net_step();
		net_pump(busy > 0 ? 5 : 0);
		/* Now and then a client drops out by itself. */
		if (net_pick(200) == 0)
			net_reconnect((int)net_pick((size_t)nclients));
	}
	for (i = 0; i < 50; i++)
		net_pump(10);
	for (i = 0; i < nclients; i++) {
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	}
	net_ring_write(logpath);
	rc = net_alive();
	if (clients[NET_CLIENTS_MAX - 1].fd >= 0)
		close(clients[NET_CLIENTS_MAX - 1].fd);
	net_free();
	printf("1..1\n%s 1 - %lu lines from %d clients, %lu reconnects; "
	       "chatd %s\n",
	    rc == 0 ? "ok" : "not ok", nsent, nclients, nreconnects,
	    rc == 0 ? "still answers" : "does not answer a new client");
	return rc == 0 ? 0 : 1;
usage:
	fprintf(stderr,
	    "usage: fuzz-net -p port [-t seconds] [-s seed] "
	    "[-c clients] [-o sent.log] corpus-dir\n");
	return 2;
}
