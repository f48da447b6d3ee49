/*
 * The message scenarios: fanout (senders to one channel) and direct
 * (pairs exchanging private messages). Each message text is
 * "cb SENDER SEQ SEND_NS", checked exactly once and in order per sender
 * at every receiver.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatbench.h"

static bool msg_direct; /* which of the two scenarios runs */
static char msg_pad[1024];

/* Parse a positive number option or complain. */
static int
msg_num(const char *arg, const char *what, uint32_t *out)
{
	char *end;
	unsigned long v;

	v = strtoul(arg, &end, 10);
	if (*end != '\0' || v == 0 || v > 100000000ul) {
		fprintf(stderr, "chatbench: bad %s: %s\n", what, arg);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Options shared by fanout and direct. */
static int
msg_opts(struct cb_bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 'z' },
		{ "channel", required_argument, NULL, 'C' },
		{ "oper", required_argument, NULL, 'O' },
		{ "umode", required_argument, NULL, 'U' },
		{ "inject-loss", required_argument, NULL, 'L' },
		{ "inject-dup", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	b->window = 0;
	b->concurrency = 100;
	while ((ch = getopt_long(
	            argc, argv, "c:s:m:w:r:P:k:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (msg_num(optarg, "-c", &b->clients))
				return -1;
			break;
		case 's':
			if (msg_num(optarg, "-s", &b->senders))
				return -1;
			break;
		case 'm':
			if (msg_num(optarg, "-m", &b->messages))
				return -1;
			break;
		case 'w':
			if (msg_num(optarg, "-w", &b->window))
				return -1;
			break;
		case 'P':
			if (msg_num(optarg, "-P", &b->pairs))
				return -1;
			break;
		case 'k':
			if (msg_num(optarg, "-k", &b->concurrency))
				return -1;
			break;
		case 'r':
			b->rate = strtod(optarg, &end);
			if (*end != '\0' || b->rate <= 0 || b->rate > 1e7) {
				fprintf(
				    stderr, "chatbench: bad -r: %s\n", optarg);
				return -1;
			}
			break;
		case 'z':
			b->size = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || b->size >= sizeof msg_pad) {
				fprintf(stderr, "chatbench: bad --size\n");
				return -1;
			}
			break;
		case 'C':
			b->channel = optarg;
			break;
		case 'O':
			b->oper = optarg;
			break;
		case 'U':
			b->umode = optarg;
			break;
		case 'L':
			if (msg_num(optarg, "--inject-loss", &b->inject_loss))
				return -1;
			break;
		case 'D':
			if (msg_num(optarg, "--inject-dup", &b->inject_dup))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "chatbench: stray argument %s\n", argv[optind]);
		return -1;
	}
	if (b->messages == 0) {
		fprintf(stderr, "chatbench: -m MESSAGES is required\n");
		return -1;
	}
	if ((uint64_t)b->inject_loss + b->inject_dup >= b->messages) {
		fprintf(stderr,
		    "chatbench: --inject-loss plus --inject-dup "
		    "must be below -m\n");
		return -1;
	}
	if (b->window == 0)
		b->window = b->rate > 0 ? b->messages : (msg_direct ? 1 : 256);
	/* Skipped messages are never acknowledged: keep room for them. */
	if (b->window <= b->inject_loss)
		b->window = b->inject_loss + 1;
	return 0;
}

/* Fanout options: -c and -s are required, senders among the clients. */
static int
msg_fanout_opts(struct cb_bench *b, int argc, char **argv)
{
	msg_direct = false;
	if (msg_opts(b, argc, argv) != 0)
		return -1;
	if (b->clients < 2 || b->senders == 0 || b->senders > b->clients) {
		fprintf(stderr,
		    "chatbench: fanout needs -c >= 2 and "
		    "1 <= -s <= -c\n");
		return -1;
	}
	return 0;
}

/* Direct options: -P pairs, two clients each. */
static int
msg_direct_opts(struct cb_bench *b, int argc, char **argv)
{
	msg_direct = true;
	if (msg_opts(b, argc, argv) != 0)
		return -1;
	if (b->pairs == 0 || b->pairs > 50000) {
		fprintf(stderr, "chatbench: direct needs -P PAIRS\n");
		return -1;
	}
	b->clients = 2 * b->pairs;
	b->senders = b->clients;
	return 0;
}

/* Worker owning a client id. */
static struct cb_worker *
msg_worker_of(struct cb_bench *b, uint32_t id)
{
	unsigned i;

	for (i = 0; i < b->jobs; i++)
		if (id < b->worker[i].first + b->worker[i].count)
			return &b->worker[i];
	return &b->worker[b->jobs - 1];
}

/* Pick the receiver whose receipt acknowledges sender s (fanout). */
static uint32_t
msg_pick_acker(struct cb_bench *b, uint32_t s)
{
	struct cb_worker *w = msg_worker_of(b, s);
	uint32_t lo = w->first, hi = w->first + w->count, nonsend;

	/* Prefer a non-sender in the same worker: acks stay thread-local. */
	if (hi > b->senders) {
		if (lo < b->senders)
			lo = b->senders;
		nonsend = hi - lo;
		return lo + s % nonsend;
	}
	if (w->count > 1)
		return s + 1 < hi ? s + 1 : w->first;
	return s + 1 < b->clients ? s + 1 : 0;
}

/* Allocate clients, receiver slots and bitmaps. */
static void
msg_setup(struct cb_bench *b)
{
	struct cb_client *c;
	uint32_t i, j, nrx;
	size_t bits = (b->messages + 7) / 8;

	memset(msg_pad, 'x', b->size);
	msg_pad[b->size] = '\0';
	if ((double)b->clients * (msg_direct ? 1 : b->senders) * (double)bits >
	    (double)(2u << 30))
		cb_fatal("clients * senders * messages too large for the "
		         "exactly-once bitmaps (2 GiB)");
	b->client = calloc(b->clients, sizeof *b->client);
	if (b->client == NULL)
		cb_fatal("out of memory");
	nrx = msg_direct ? 1 : b->senders;
	for (i = 0; i < b->clients; i++) {
		c = &b->client[i];
		client_init(
		    c, i, i < b->senders ? CB_OUTBUF_SEND : CB_OUTBUF_IDLE);
		c->sender = i < b->senders;
		c->nrx = nrx;
		c->rx = calloc(nrx, sizeof *c->rx);
		if (c->rx == NULL)
			cb_fatal("out of memory");
		for (j = 0; j < nrx; j++) {
			c->rx[j].seen = calloc(1, bits);
			if (c->rx[j].seen == NULL)
				cb_fatal("out of memory");
		}
		if (msg_direct)
			c->target = c->acker = i ^ 1u;
		else
			c->acker = c->sender ? msg_pick_acker(b, i) : 0;
	}
	for (i = 0; i < b->jobs; i++) {
		struct cb_worker *w = &b->worker[i];

		for (j = w->first; j < w->first + w->count; j++) {
			c = &b->client[j];
			if (c->sender)
				w->nsenders++;
			/* What done() waits for; the bitmaps still judge. */
			w->expected +=
			    (uint64_t)(b->messages - b->inject_loss) *
			    (msg_direct ? 1 : b->senders - (c->sender ? 1 : 0));
		}
	}
}

/* Queue as many messages as window, rate and buffer allow, then write. */
void
msg_pump(struct cb_client *c, uint64_t now)
{
	struct cb_worker *w = c->w;
	const char *target;
	uint32_t acked;

	/* rate_t0 is set when the measured phase starts. */
	if (c->state == CB_DEAD || !c->sender || c->sent >= cb.messages ||
	    c->rate_t0 == 0)
		return;
	target = msg_direct ? cb.client[c->target].nick : cb.channel;
	acked = atomic_load_explicit(&c->acked, memory_order_relaxed);
	while (c->sent < cb.messages && c->sent - acked < cb.window &&
	    client_room(c) >= 128 + cb.size + CB_NICKLEN) {
		if (cb.rate > 0 &&
		    c->rate_t0 + (uint64_t)((double)c->sent * 1e9 / cb.rate) >
		        now)
			break;
		/* Self-test: skip numbers 1..L, repeat the last D. */
		if (c->sent >= 1 && c->sent <= cb.inject_loss) {
			c->sent++;
			continue;
		}
		client_send(c, "PRIVMSG %s :cb %u %u %llu%s%s", target, c->id,
		    c->sent, (unsigned long long)now, cb.size ? " " : "",
		    msg_pad);
		if (c->sent >= cb.messages - cb.inject_dup)
			client_send(c, "PRIVMSG %s :cb %u %u %llu%s%s", target,
			    c->id, c->sent, (unsigned long long)now,
			    cb.size ? " " : "", msg_pad);
		c->sent++;
	}
	if (w->t_first_send == 0)
		w->t_first_send = now;
	client_flush(c);
}

/* Pump senders that polling must wake, and return the next timeout. */
uint64_t
msg_next_due(struct cb_worker *w, uint64_t now)
{
	struct cb_client *c;
	uint64_t due, best = 1000000000u;
	uint32_t i;

	if (w->nsenders == 0)
		return best;
	/* Senders are the lowest ids: stop at the first receiver. */
	for (i = 0; i < w->count && w->first + i < cb.senders; i++) {
		c = &cb.client[w->first + i];
		if (!c->sender || c->state == CB_DEAD || c->wantout ||
		    c->sent >= cb.messages)
			continue;
		if (cb.rate > 0) {
			due = c->rate_t0 +
			    (uint64_t)((double)c->sent * 1e9 / cb.rate);
			if (due <= now)
				msg_pump(c, now);
			else if (due - now < best)
				best = due - now;
		}
		/* Acks from another thread arrive without an event. */
		if (cb.client[c->acker].w != w) {
			msg_pump(c, now);
			if (best > 1000000u)
				best = 1000000u;
		}
	}
	return best;
}

/* Start the measured phase: stagger rate senders over one period. */
static void
msg_start(struct cb_worker *w)
{
	struct cb_client *c;
	uint64_t now = cb_now();
	uint32_t i;

	for (i = 0; i < w->count; i++) {
		c = &cb.client[w->first + i];
		if (!c->sender)
			continue;
		c->rate_t0 = now;
		if (cb.rate > 0)
			c->rate_t0 +=
			    (uint64_t)(1e9 / cb.rate * c->id / cb.senders);
		msg_pump(c, now);
	}
}

/* Parse an unsigned decimal; advance *pp past it and one space. */
static bool
msg_parse_u64(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (*p == ' ')
		p++;
	*pp = p;
	*out = v;
	return true;
}

/* Check one received message: exactly once, in order, its latency. */
static void
msg_on_privmsg(
    struct cb_client *c, const char *target, const char *text, uint64_t now)
{
	struct cb_worker *w = c->w;
	struct cb_client *s;
	struct cb_rx *rx;
	uint64_t id, seq, ts;
	uint8_t bit;

	(void)target;
	if (text[0] != 'c' || text[1] != 'b' || text[2] != ' ')
		return;
	text += 3;
	if (!msg_parse_u64(&text, &id) || !msg_parse_u64(&text, &seq) ||
	    !msg_parse_u64(&text, &ts))
		return;
	if (id >= cb.clients || seq >= cb.messages || !cb.client[id].sender)
		return;
	if (id == c->id) {
		c->self_echo++;
		return;
	}
	if (msg_direct) {
		if (id != c->target)
			return;
		rx = &c->rx[0];
	} else
		rx = &c->rx[id];
	w->deliveries++;
	w->t_last_rx = now;
	if (ts <= now)
		cb_hist_add(&w->lat, now - ts);
	bit = (uint8_t)(1u << (seq & 7));
	if (rx->seen[seq >> 3] & bit) {
		rx->dup++;
		return;
	}
	rx->seen[seq >> 3] |= bit;
	rx->distinct++;
	w->received++;
	if (seq + 1 < rx->maxseq)
		rx->ooo++;
	else
		rx->maxseq = (uint32_t)seq + 1;
	s = &cb.client[id];
	if (s->acker == c->id) {
		atomic_fetch_add_explicit(&s->acked, 1, memory_order_relaxed);
		if (s->w == w)
			client_mark_dirty(s);
	}
}

/* A worker is done when its senders sent all and it received all. */
static bool
msg_done(struct cb_worker *w)
{
	uint32_t i;

	if (w->received < w->expected)
		return false;
	for (i = 0; i < w->count; i++) {
		struct cb_client *c = &cb.client[w->first + i];

		if (c->sender && c->sent < cb.messages)
			return false;
	}
	return true;
}

/* Print the summary and the RESULT line; 1 on loss, dups or timeout. */
static int
msg_report(struct cb_bench *b)
{
	static struct cb_hist lat;
	struct cb_client *c;
	uint64_t deliveries = 0, received = 0, expected = 0, errors = 0;
	uint64_t lost = 0, dup = 0, ooo = 0, echo = 0, lines = 0;
	uint64_t t0 = 0, t1 = 0, sent = 0;
	uint32_t i, j, shown = 0;
	bool timeout = false;
	double secs, cpu, self;

	for (i = 0; i < b->jobs; i++) {
		struct cb_worker *w = &b->worker[i];

		cb_hist_merge(&lat, &w->lat);
		deliveries += w->deliveries;
		received += w->received;
		expected += w->expected;
		errors += w->errors;
		lines += w->lines;
		timeout |= w->failed;
		if (w->t_first_send && (t0 == 0 || w->t_first_send < t0))
			t0 = w->t_first_send;
		if (w->t_last_rx > t1)
			t1 = w->t_last_rx;
	}
	for (i = 0; i < b->clients; i++) {
		c = &b->client[i];
		echo += c->self_echo;
		if (c->sender)
			sent += c->sent;
		for (j = 0; j < c->nrx; j++) {
			if (!msg_direct && j == i)
				continue;
			lost += b->messages - c->rx[j].distinct;
			dup += c->rx[j].dup;
			ooo += c->rx[j].ooo;
			if (c->rx[j].distinct < b->messages && shown < 10) {
				shown++;
				printf("  missing: client %u (%s) has %u/%u "
				       "from sender %u\n",
				    i, c->nick, c->rx[j].distinct, b->messages,
				    msg_direct ? c->target : j);
			}
		}
	}
	secs = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
	if (timeout) {
		printf("chatbench: %s did not finish within %.0f s: "
		       "%u/%u clients ready, %llu/%llu messages sent, "
		       "%llu/%llu deliveries\n",
		    b->sc->name, b->max_seconds, atomic_load(&b->n_ready),
		    b->clients, (unsigned long long)sent,
		    (unsigned long long)b->senders * b->messages,
		    (unsigned long long)received, (unsigned long long)expected);
		for (i = 0; i < b->clients; i++) {
			c = &b->client[i];
			if (c->sender && c->sent < b->messages && shown < 20) {
				shown++;
				printf(
				    "  sender %u (%s) sent %u/%u, %u acked\n",
				    i, c->nick, c->sent, b->messages,
				    atomic_load(&c->acked));
			}
		}
	}
	printf("%s: %u clients, %u senders, %u messages each, window %u",
	    b->sc->name, b->clients, b->senders, b->messages, b->window);
	if (b->rate > 0)
		printf(", rate %.1f/s per sender", b->rate);
	if (b->inject_loss || b->inject_dup)
		printf(", self-test: each sender skips %u and repeats %u",
		    b->inject_loss, b->inject_dup);
	printf("\n  %.3f s, %llu deliveries (%.0f/s), %llu lines read\n", secs,
	    (unsigned long long)deliveries,
	    secs > 0 ? (double)deliveries / secs : 0,
	    (unsigned long long)lines);
	printf("  latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	    cb_hist_pct_ms(&lat, 0.5), cb_hist_pct_ms(&lat, 0.99),
	    cb_hist_pct_ms(&lat, 1));
	printf("  lost %llu, duplicated %llu, out of order %llu, "
	       "self-echo %llu, errors %llu, 433 retries %llu\n",
	    (unsigned long long)lost, (unsigned long long)dup,
	    (unsigned long long)ooo, (unsigned long long)echo,
	    (unsigned long long)errors,
	    (unsigned long long)atomic_load(&b->nick_retries));
	cpu = cb_cpu_pct(b->cpu_go, b->cpu_end, b->t_go, b->t_end);
	if (cpu >= 0)
		printf("  server CPU %.0f%% of one core while messages ran\n",
		    cpu);
	/* Near 100% per thread, chatbench itself may be the limit. */
	self = b->t_end > b->t_go ? (double)(b->self_end - b->self_go) * 100 /
	        (double)(b->t_end - b->t_go)
	                          : -1;
	printf(
	    "  chatbench CPU %.0f%% of one core (%u threads)\n", self, b->jobs);
	cb_result("clients=%u senders=%u messages=%u window=%u rate=%g "
	          "seconds=%.3f deliveries=%llu deliveries_per_s=%.0f "
	          "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f lost=%llu dup=%llu "
	          "ooo=%llu errors=%llu timeout=%d server_cpu_pct=%.0f "
	          "load_cpu_pct=%.0f",
	    b->clients, b->senders, b->messages, b->window, b->rate, secs,
	    (unsigned long long)deliveries,
	    secs > 0 ? (double)deliveries / secs : 0, cb_hist_pct_ms(&lat, 0.5),
	    cb_hist_pct_ms(&lat, 0.99), cb_hist_pct_ms(&lat, 1),
	    (unsigned long long)lost, (unsigned long long)dup,
	    (unsigned long long)ooo, (unsigned long long)errors,
	    timeout ? 1 : 0, cpu, self);
	return (lost || dup || ooo || errors || timeout) ? 1 : 0;
}

const struct cb_scenario scenario_fanout = {
	.name = "fanout",
	.usage = "fanout -c CLIENTS -s SENDERS -m MESSAGES [-w WINDOW] "
	         "[-r RATE] [-k CONC]\n"
	         "         [--size BYTES] [--channel #C] [--oper NAME:PASS] "
	         "[--umode +F]\n"
	         "         [--inject-loss N] [--inject-dup N] (test the "
	         "checker: skip/repeat N per sender)",
	.opts = msg_fanout_opts,
	.join = true,
	.setup = msg_setup,
	.start = msg_start,
	.done = msg_done,
	.on_privmsg = msg_on_privmsg,
	.pump = msg_pump,
	.next_due = msg_next_due,
	.report = msg_report,
};

const struct cb_scenario scenario_direct = {
	.name = "direct",
	.usage = "direct -P PAIRS -m MESSAGES [-w WINDOW] [-r RATE] "
	         "[--size BYTES]\n"
	         "         [--inject-loss N] [--inject-dup N]",
	.opts = msg_direct_opts,
	.setup = msg_setup,
	.start = msg_start,
	.done = msg_done,
	.on_privmsg = msg_on_privmsg,
	.pump = msg_pump,
	.next_due = msg_next_due,
	.report = msg_report,
};
