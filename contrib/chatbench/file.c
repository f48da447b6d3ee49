/*
 * The file scenario (issue 5): one sender uploads a file to one receiver
 * through the server with SENDFILE, in base64 chunks with a window of
 * acknowledgements; the receiver accepts the offer, downloads, acknowledges
 * each chunk and checks the SHA-256. Meanwhile two other clients play
 * private-message ping-pong at a fixed rate, to show whether chat stays
 * live during the transfer. After it, the same bytes are copied over a
 * plain loopback TCP connection: the ceiling the transfer is compared to.
 *
 * Pipelined (the default, issue 17): the receiver first asks for
 * chatd/sendfile-stream, so it is offered the file as soon as its first
 * chunk is written and downloads while the upload goes on; a server that
 * refuses the capability (or --sequential) gives the old order: upload,
 * check, store, offer, download.
 *
 * Wire format (chatd's SENDFILE, doc/PROTOCOL.md):
 *   > SENDFILE <nick> <name> <size> <sha256>
 *   < SENDFILE UPLOAD <id> <offset> :<name>
 *   > SENDFILE DATA <id> <offset> <base64>       (chunks of FB_CHUNK)
 *   < SENDFILE ACK <id> <bytes written>
 *   < SENDFILE STORED <id> <size> <sha256> <recipients>
 * and at the receiver:
 *   < SENDFILE OFFER <id> <from> <target> <size> <sha256> <mime> :<name>
 *   > SENDFILE ACCEPT <id>
 *   < SENDFILE BEGIN <id> <offset> <size>
 *   < SENDFILE DATA <id> <offset> <base64>
 *   > SENDFILE ACK <id> <offset>
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "chatbench.h"

#define FB_CHUNK 49152 /* bytes per DATA line: 65536 in base64 */
#define FB_WINDOW 8    /* chunks the server lets us have unacknowledged */
#define FB_B64 (FB_CHUNK / 3 * 4)
#define FB_LINE (FB_B64 + 128)
#define FB_OUT_SENDER (8 * FB_LINE)
#define FB_INBUF (8 * FB_LINE)
#define FB_RAW_BLOCK 262144

/*
 * Two threads: the sender and the pinger in the first, the receiver and
 * the ponger in the second, so that encoding the upload and decoding and
 * hashing the download do not take turns on one core (pipelined, they
 * run at the same time). The fields both threads touch are atomic.
 */
enum { FB_UP, FB_PING, FB_DOWN, FB_PONG, FB_NCLIENTS };

static struct {
	uint64_t size;
	double ping_rate;
	unsigned char *data;
	char hash[65];

	uint64_t up_id;   /* transfer id at the sender, 0 until UPLOAD */
	uint64_t down_id; /* and at the receiver, 0 until OFFER */
	uint64_t up_sent, up_acked;
	uint64_t down_off;
	EVP_MD_CTX *md;
	bool ok, unsupported;
	_Atomic bool failed;
	bool sequential;           /* --sequential: no sendfile-stream */
	_Atomic bool stream;       /* the server acknowledged it */
	_Atomic bool cap_answered; /* ACK or NAK: the offer may go */
	bool offered;              /* SENDFILE sent */
	char why[256];

	uint64_t t_start, t_upload, t_accept;
	_Atomic uint64_t t_stored, t_done, t_complete;
	_Atomic uint32_t pings, pongs;
	uint32_t bad_pongs;
	unsigned char chunk[FB_CHUNK + 4];
} fb;

/* Parse -S, --ping-rate. */
static int
file_opts(struct cb_bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ping-rate", required_argument, NULL, 'R' },
		{ "sequential", no_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	fb.size = 100ull << 20;
	fb.ping_rate = 100;
	while ((ch = getopt_long(argc, argv, "S:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			fb.size = strtoull(optarg, &end, 10);
			if (*end != '\0' || fb.size == 0 ||
			    fb.size > (4ull << 30)) {
				fprintf(
				    stderr, "chatbench: bad -S: %s\n", optarg);
				return -1;
			}
			break;
		case 'Q':
			fb.sequential = true;
			break;
		case 'R':
			fb.ping_rate = strtod(optarg, &end);
			if (*end != '\0' || fb.ping_rate <= 0 ||
			    fb.ping_rate > 100000) {
				fprintf(stderr, "chatbench: bad --ping-rate\n");
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "chatbench: stray argument %s\n", argv[optind]);
		return -1;
	}
	b->clients = FB_NCLIENTS;
	b->concurrency = FB_NCLIENTS;
	b->jobs = 2; /* sender and pinger, receiver and ponger */
	return 0;
}

/* Fill the file with reproducible bytes and hash them. */
static void
file_setup(struct cb_bench *b)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen, i;
	uint64_t x = 0x9e3779b97f4a7c15ull, off;

	fb.data = malloc(fb.size);
	b->client = calloc(FB_NCLIENTS, sizeof *b->client);
	fb.md = EVP_MD_CTX_new();
	if (fb.data == NULL || b->client == NULL || fb.md == NULL)
		cb_fatal("out of memory");
	/* xorshift64: incompressible, and the same in every run. */
	for (off = 0; off < fb.size; off++) {
		if ((off & 7) == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		fb.data[off] = (unsigned char)(x >> ((off & 7) * 8));
	}
	if (!EVP_Digest(fb.data, fb.size, md, &mdlen, EVP_sha256(), NULL))
		cb_fatal("SHA-256 failed");
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(fb.hash + 2 * i, 3, "%02x", md[i]);
	if (!EVP_DigestInit_ex(fb.md, EVP_sha256(), NULL))
		cb_fatal("SHA-256 failed");
	for (i = 0; i < FB_NCLIENTS; i++) {
		client_init(&b->client[i], i,
		    i == FB_UP ? FB_OUT_SENDER : CB_OUTBUF_IDLE);
		b->client[i].sender = i == FB_UP || i == FB_PING;
	}
}

/* Give up the transfer with a reason (reported, exit status 1). */
static void __attribute__((format(printf, 1, 2)))
file_fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&cb.lock);
	if (!fb.failed) {
		va_start(ap, fmt);
		vsnprintf(fb.why, sizeof fb.why, fmt, ap);
		va_end(ap);
	}
	fb.failed = true;
	pthread_mutex_unlock(&cb.lock);
	atomic_store(&cb.abort, true);
}

/* Queue upload chunks while the window and the output buffer allow. */
static void
file_pump_upload(struct cb_client *c)
{
	uint64_t len;
	int n;

	while (fb.up_id != 0 && fb.up_sent < fb.size &&
	    fb.up_sent - fb.up_acked < (uint64_t)FB_WINDOW * FB_CHUNK) {
		if (c->outoff > 0 && c->outcap - c->outlen < FB_LINE) {
			memmove(
			    c->out, c->out + c->outoff, c->outlen - c->outoff);
			c->outlen -= c->outoff;
			c->outoff = 0;
		}
		if (c->outcap - c->outlen < FB_LINE)
			break;
		len = fb.size - fb.up_sent;
		if (len > FB_CHUNK)
			len = FB_CHUNK;
		n = snprintf(c->out + c->outlen, 64, "SENDFILE DATA %llu %llu ",
		    (unsigned long long)fb.up_id,
		    (unsigned long long)fb.up_sent);
		c->outlen += (size_t)n;
		n = EVP_EncodeBlock((unsigned char *)c->out + c->outlen,
		    fb.data + fb.up_sent, (int)len);
		c->outlen += (size_t)n;
		c->out[c->outlen++] = '\r';
		c->out[c->outlen++] = '\n';
		fb.up_sent += len;
	}
	client_flush(c);
}

/* Send the next pings that are due. */
static void
file_pump_ping(struct cb_client *c, uint64_t now)
{
	uint64_t due;

	while (fb.t_done == 0 && !fb.failed) {
		due = c->rate_t0 +
		    (uint64_t)((double)fb.pings * 1e9 / fb.ping_rate);
		if (due > now || client_room(c) < 128)
			break;
		client_send(c, "PRIVMSG %s :fp %u %llu",
		    cb.client[FB_PONG].nick, fb.pings, (unsigned long long)now);
		fb.pings++;
	}
	client_flush(c);
}

/* The pump hook: after EPOLLOUT or an acknowledgement. */
static void
file_pump(struct cb_client *c, uint64_t now)
{
	if (c->id == FB_UP)
		file_pump_upload(c);
	else if (c->id == FB_PING && c->rate_t0 != 0)
		file_pump_ping(c, now);
}

static void file_offer(struct cb_worker *);

/* Time until the next ping, pumping it if it is due. */
static uint64_t
file_next_due(struct cb_worker *w, uint64_t now)
{
	struct cb_client *c = &cb.client[FB_PING];
	uint64_t due;

	if (c->w != w)
		return 100000000u; /* the receiver's thread */
	if (!fb.offered) {
		/* Waiting for the receiver's CAP answer. */
		if (fb.cap_answered)
			file_offer(w);
		else
			return 1000000u;
	}
	if (fb.t_done != 0 || c->rate_t0 == 0)
		return 100000000u;
	due = c->rate_t0 + (uint64_t)((double)fb.pings * 1e9 / fb.ping_rate);
	if (due <= now) {
		file_pump_ping(c, now);
		return 1000000u;
	}
	return due - now;
}

/* Send the SENDFILE line: the transfer's clock starts. */
static void
file_offer(struct cb_worker *w)
{
	uint64_t now = cb_now();

	if (fb.offered)
		return;
	fb.offered = true;
	fb.t_start = now;
	w->t_first_send = now;
	client_send(&cb.client[FB_UP], "SENDFILE %s chatbench.bin %llu %s",
	    cb.client[FB_DOWN].nick, (unsigned long long)fb.size, fb.hash);
	client_flush(&cb.client[FB_UP]);
}

/*
 * Start the pings; ask for chatd/sendfile-stream at the receiver first
 * (the offer follows its ACK or NAK), unless --sequential.
 */
static void
file_start(struct cb_worker *w)
{
	uint64_t now = cb_now();

	if (cb.client[FB_DOWN].w == w) {
		if (!fb.sequential) {
			client_send(&cb.client[FB_DOWN],
			    "CAP REQ chatd/sendfile-stream");
			client_flush(&cb.client[FB_DOWN]);
		}
		return;
	}
	cb.client[FB_PING].rate_t0 = now;
	file_pump_ping(&cb.client[FB_PING], now);
	if (fb.sequential)
		file_offer(w);
}

/* Decode one DATA chunk at the receiver, hash it and acknowledge it. */
static void
file_data(struct cb_client *c, uint64_t off, const char *b64)
{
	size_t blen = strlen(b64);
	int n;

	if (off != fb.down_off) {
		file_fail("a chunk arrived out of order");
		return;
	}
	if (blen == 0 || blen > FB_B64 || blen % 4 != 0) {
		file_fail("bad chunk length");
		return;
	}
	n = EVP_DecodeBlock(fb.chunk, (const unsigned char *)b64, (int)blen);
	if (n < 0) {
		file_fail("bad base64 in a chunk");
		return;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (b64[blen - 1] == '=')
		n--;
	if (b64[blen - 2] == '=')
		n--;
	if (fb.down_off + (uint64_t)n > fb.size) {
		file_fail("more bytes than offered");
		return;
	}
	EVP_DigestUpdate(fb.md, fb.chunk, (size_t)n);
	fb.down_off += (uint64_t)n;
	c->w->deliveries++;
	client_send(c, "SENDFILE ACK %llu %llu", (unsigned long long)fb.down_id,
	    (unsigned long long)fb.down_off);
	if (fb.down_off == fb.size) {
		unsigned char md[EVP_MAX_MD_SIZE];
		char hex[65];
		unsigned int mdlen, i;

		EVP_DigestFinal_ex(fb.md, md, &mdlen);
		for (i = 0; i < mdlen && i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		fb.ok = strcmp(hex, fb.hash) == 0;
		if (!fb.ok)
			file_fail("SHA-256 mismatch at the receiver: %s", hex);
		fb.t_done = cb_now();
		c->w->t_last_rx = fb.t_done;
	}
}

/* Split "A B C..." in place into at most max words (the last keeps the
 * rest); returns the count. */
static int
file_words(char *p, char **word, int max)
{
	int n = 0;

	while (*p != '\0' && n < max) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word[n++] = p;
		if (n == max)
			break;
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* SENDFILE replies, FAIL and 421; everything else goes on as usual. */
static bool
file_on_line(struct cb_client *c, char *line, uint64_t now)
{
	char *p = line, *wd[8];
	uint64_t v;
	int n;

	if (*p == ':' && (p = strchr(p, ' ')) != NULL)
		p++;
	if (p == NULL)
		return false;
	if (strncmp(p, "421 ", 4) == 0 && strstr(p, "SENDFILE") != NULL) {
		fb.unsupported = true;
		file_fail("the server does not know SENDFILE");
		return true;
	}
	if (strncmp(p, "FAIL SENDFILE ", 14) == 0) {
		file_fail("server: %s", p);
		return true;
	}
	if (c->id == FB_DOWN && strncmp(p, "CAP ", 4) == 0 &&
	    strstr(p, "chatd/sendfile-stream") != NULL) {
		/* The sender's thread sends the offer (file_next_due). */
		fb.stream = strstr(p, " ACK ") != NULL;
		fb.cap_answered = true;
		return true;
	}
	if (strncmp(p, "SENDFILE ", 9) != 0)
		return false;
	p += 9;
	if (strncmp(p, "DATA ", 5) == 0 && c->id == FB_DOWN) {
		if (file_words(p + 5, wd, 3) != 3) {
			file_fail("bad DATA line");
			return true;
		}
		file_data(c, strtoull(wd[1], NULL, 10), wd[2]);
		return true;
	}
	n = file_words(p, wd, 8);
	if (n < 2)
		return true;
	v = strtoull(wd[1], NULL, 10);
	if (c->id == FB_UP && strcmp(wd[0], "UPLOAD") == 0 && n >= 3) {
		fb.up_id = v;
		fb.up_sent = fb.up_acked = strtoull(wd[2], NULL, 10);
		fb.t_upload = now;
		file_pump_upload(c);
	} else if (c->id == FB_UP && strcmp(wd[0], "ACK") == 0 && n >= 3 &&
	    v == fb.up_id) {
		fb.up_acked = strtoull(wd[2], NULL, 10);
		file_pump_upload(c);
	} else if (c->id == FB_UP && strcmp(wd[0], "STORED") == 0) {
		fb.t_stored = now;
	} else if (c->id == FB_DOWN && strcmp(wd[0], "OFFER") == 0) {
		if (fb.down_id == 0 || v == fb.down_id) {
			fb.down_id = v;
			fb.t_accept = now;
			client_send(
			    c, "SENDFILE ACCEPT %llu", (unsigned long long)v);
		}
	} else if (c->id == FB_DOWN && strcmp(wd[0], "STATUS") == 0 && n >= 4 &&
	    v == fb.down_id && strcmp(wd[3], "COMPLETE") == 0) {
		/* The server has checked the hash too (pipelined: after us). */
		if (fb.t_done == 0)
			file_fail("COMPLETE before the last byte");
		fb.t_complete = now;
	} else if (c->id == FB_DOWN && strcmp(wd[0], "BEGIN") == 0 && n >= 3) {
		fb.down_off = strtoull(wd[2], NULL, 10);
		if (fb.down_off != 0)
			file_fail("download began at %s, not 0", wd[2]);
	}
	return true;
}

/* Ping-pong: the pong side answers, the ping side measures. */
static void
file_on_privmsg(
    struct cb_client *c, const char *target, const char *text, uint64_t now)
{
	unsigned long long seq, ts;

	(void)target;
	if (c->id == FB_PONG && sscanf(text, "fp %llu %llu", &seq, &ts) == 2) {
		client_send(c, "PRIVMSG %s :fq %llu %llu",
		    cb.client[FB_PING].nick, seq, ts);
		client_flush(c);
	} else if (c->id == FB_PING &&
	    sscanf(text, "fq %llu %llu", &seq, &ts) == 2) {
		fb.pongs++;
		if (ts <= now && seq < fb.pings)
			cb_hist_add(&c->w->lat, now - ts);
		else
			fb.bad_pongs++;
	}
}

/*
 * Done when the file is verified at the receiver, the server said
 * STORED and COMPLETE, and every ping has come back. (A thread that is
 * done goes on reading its clients: the ponger still answers.)
 */
static bool
file_done(struct cb_worker *w)
{
	(void)w;
	return fb.failed ||
	    (fb.t_done != 0 && fb.t_complete != 0 && fb.t_stored != 0 &&
	        fb.pongs >= fb.pings);
}

/* Writer thread of the raw copy: send the whole buffer, then close. */
static void *
file_raw_writer(void *arg)
{
	int fd = *(int *)arg;
	uint64_t off = 0;
	ssize_t n;

	while (off < fb.size) {
		n = write(fd, fb.data + off,
		    fb.size - off > FB_RAW_BLOCK ? FB_RAW_BLOCK
		                                 : fb.size - off);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		off += (uint64_t)n;
	}
	close(fd);
	return NULL;
}

/* Copy the file once over plain loopback TCP; MB/s, or -1. */
static double
file_raw_copy(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct timeval tv = { 10, 0 };
	pthread_t th;
	unsigned char *buf;
	uint64_t got = 0, t0, t1;
	ssize_t n;
	int lfd, wfd = -1, rfd = -1;

	buf = malloc(FB_RAW_BLOCK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (buf == NULL || lfd < 0)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0 ||
	    (wfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(wfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    (rfd = accept(lfd, NULL, NULL)) < 0) {
		close(lfd);
		if (wfd >= 0)
			close(wfd);
		free(buf);
		return -1;
	}
	close(lfd);
	/* A stuck copy ends after 10 s without data. */
	setsockopt(rfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	t0 = cb_now();
	if (pthread_create(&th, NULL, file_raw_writer, &wfd) != 0) {
		close(wfd);
		close(rfd);
		free(buf);
		return -1;
	}
	while (got < fb.size) {
		n = read(rfd, buf, FB_RAW_BLOCK);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (uint64_t)n;
	}
	t1 = cb_now();
	close(rfd);
	pthread_join(th, NULL);
	free(buf);
	if (got != fb.size || t1 <= t0)
		return -1;
	return (double)fb.size / 1e6 / ((double)(t1 - t0) / 1e9);
}

/* MB/s of size bytes between two times, or 0. */
static double
file_rate(uint64_t t0, uint64_t t1)
{
	if (t0 == 0 || t1 <= t0)
		return 0;
	return (double)fb.size / 1e6 / ((double)(t1 - t0) / 1e9);
}

/* Print the summary and the RESULT line; 1 unless verified. */
static int
file_report(struct cb_bench *b)
{
	const struct cb_hist *lat = &b->worker[0].lat;
	double raw = -1, e2e, up, down, cpu, self;
	bool timeout = b->worker[0].failed && !fb.failed;

	if (fb.t_done != 0)
		raw = file_raw_copy();
	e2e = file_rate(fb.t_start, fb.t_done);
	up = file_rate(fb.t_start, fb.t_stored);
	down = file_rate(fb.t_accept, fb.t_done);
	if (fb.failed)
		printf("chatbench: file transfer failed: %s\n", fb.why);
	if (timeout)
		printf("chatbench: file did not finish within %.0f s: "
		       "%llu/%llu bytes uploaded (%llu acknowledged), "
		       "%llu received\n",
		    b->max_seconds, (unsigned long long)fb.up_sent,
		    (unsigned long long)fb.size,
		    (unsigned long long)fb.up_acked,
		    (unsigned long long)fb.down_off);
	printf("file: %llu bytes, sha256 %s, %s\n", (unsigned long long)fb.size,
	    fb.hash,
	    fb.stream ? "pipelined (chatd/sendfile-stream)"
	              : "sequential (upload, store, then download)");
	printf("  end to end %.1f MB/s (upload %.1f MB/s until stored, "
	       "download %.1f MB/s), %s\n",
	    e2e, up, down,
	    fb.ok ? "SHA-256 verified at the receiver" : "NOT verified");
	printf("  until the server's COMPLETE (its own SHA-256 check): "
	       "%.1f MB/s\n",
	    file_rate(fb.t_start, fb.t_complete));
	printf("  raw loopback TCP copy of the same bytes: %.1f MB/s\n", raw);
	printf("  ping-pong during the transfer: %u sent, %u back, "
	       "p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	    fb.pings, fb.pongs, cb_hist_pct_ms(lat, 0.5),
	    cb_hist_pct_ms(lat, 0.99), cb_hist_pct_ms(lat, 1));
	cpu = cb_cpu_pct(b->cpu_go, b->cpu_end, b->t_go, b->t_end);
	if (cpu >= 0)
		printf("  server CPU %.0f%% of one core\n", cpu);
	/* One thread encodes, decodes and hashes: near 100% it is the limit. */
	self = b->t_end > b->t_go ? (double)(b->self_end - b->self_go) * 100 /
	        (double)(b->t_end - b->t_go)
	                          : -1;
	printf("  chatbench CPU %.0f%% of one core\n", self);
	cb_result("bytes=%llu seconds=%.3f mb_per_s=%.1f upload_mb_per_s=%.1f "
	          "download_mb_per_s=%.1f raw_mb_per_s=%.1f sha_ok=%d "
	          "pings=%u pongs=%u ping_p50_ms=%.3f ping_p99_ms=%.3f "
	          "lost=%u unsupported=%d timeout=%d server_cpu_pct=%.0f "
	          "stream=%d complete_mb_per_s=%.1f load_cpu_pct=%.0f",
	    (unsigned long long)fb.size,
	    fb.t_done > fb.t_start ? (double)(fb.t_done - fb.t_start) / 1e9 : 0,
	    e2e, up, down, raw, fb.ok ? 1 : 0, fb.pings, fb.pongs,
	    cb_hist_pct_ms(lat, 0.5), cb_hist_pct_ms(lat, 0.99),
	    fb.pings - fb.pongs, fb.unsupported ? 1 : 0, timeout ? 1 : 0, cpu,
	    fb.stream ? 1 : 0, file_rate(fb.t_start, fb.t_complete), self);
	EVP_MD_CTX_free(fb.md);
	free(fb.data);
	return (fb.ok && fb.pongs == fb.pings && fb.bad_pongs == 0) ? 0 : 1;
}

const struct cb_scenario scenario_file = {
	.name = "file",
	.usage = "file [-S BYTES] [--ping-rate PER_SECOND] [--sequential]   "
	         "(default 100 MiB, 100 pings/s, pipelined if the server can)",
	.opts = file_opts,
	.ready_at_motd = true,
	.setup = file_setup,
	.start = file_start,
	.done = file_done,
	.on_privmsg = file_on_privmsg,
	.on_line = file_on_line,
	.pump = file_pump,
	.next_due = file_next_due,
	.report = file_report,
	.inbuf = FB_INBUF,
};
