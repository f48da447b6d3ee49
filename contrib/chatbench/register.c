/*
 * The register scenario: N registered clients each send one account
 * REGISTER at the same moment; registrations per second until the last
 * answer, and the latency of each (password hashing plus the store's
 * durable write). Against chatd only: other servers have no REGISTER.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatbench.h"

/* Parse -n. */
static int
register_opts(struct cb_bench *b, int argc, char **argv)
{
	char *end;
	unsigned long v;
	int ch;

	b->concurrency = 100;
	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			v = strtoul(optarg, &end, 10);
			if (*end != '\0' || v == 0 || v > 100000) {
				fprintf(
				    stderr, "chatbench: bad -n: %s\n", optarg);
				return -1;
			}
			b->clients = (uint32_t)v;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || b->clients == 0) {
		fprintf(stderr, "chatbench: register needs -n N\n");
		return -1;
	}
	return 0;
}

/* Allocate the clients. */
static void
register_setup(struct cb_bench *b)
{
	uint32_t i;

	b->client = calloc(b->clients, sizeof *b->client);
	if (b->client == NULL)
		cb_fatal("out of memory");
	for (i = 0; i < b->clients; i++)
		client_init(&b->client[i], i, CB_OUTBUF_IDLE);
}

/* Every client of this worker asks for an account named after it. */
static void
register_start(struct cb_worker *w)
{
	struct cb_client *c;
	uint32_t i;

	for (i = 0; i < w->count; i++) {
		c = &cb.client[w->first + i];
		if (c->state == CB_DEAD)
			continue;
		c->rate_t0 = cb_now();
		client_send(c, "REGISTER %s * pw-%s-bench", c->nick, c->nick);
		client_flush(c);
	}
}

/* REGISTER SUCCESS or FAIL REGISTER: one answer. */
static bool
register_line(struct cb_client *c, char *line, uint64_t now)
{
	bool success = strstr(line, " REGISTER SUCCESS ") != NULL;

	if (!success && strncmp(line, "FAIL REGISTER", 13) != 0 &&
	    strstr(line, " FAIL REGISTER ") == NULL)
		return false;
	if (success) {
		c->w->received++;
		cb_hist_add(&c->w->lat, now - c->rate_t0);
	} else {
		c->w->errors++;
		fprintf(stderr, "chatbench: %s: %s\n", c->nick, line);
	}
	c->w->t_last_rx = now;
	return true;
}

/* Done when every client of this worker has its answer. */
static bool
register_done(struct cb_worker *w)
{
	return w->received + w->errors >= w->count;
}

/* Print the summary and RESULT line; 1 if any REGISTER failed. */
static int
register_report(struct cb_bench *b)
{
	static struct cb_hist hs;
	uint64_t t1 = 0, ok = 0, failed = 0;
	double secs, rate, cpu;
	uint32_t i;

	for (i = 0; i < b->jobs; i++) {
		cb_hist_merge(&hs, &b->worker[i].lat);
		ok += b->worker[i].received;
		failed += b->worker[i].errors;
		if (b->worker[i].t_last_rx > t1)
			t1 = b->worker[i].t_last_rx;
	}
	secs = t1 > b->t_go ? (double)(t1 - b->t_go) / 1e9 : 0;
	rate = secs > 0 ? (double)ok / secs : 0;
	cpu = cb_cpu_pct(b->cpu_go, b->cpu_end, b->t_go, b->t_end);
	printf("register: %u clients at once\n"
	       "  %llu accounts in %.3f s (%.0f/s), %llu failed\n"
	       "  latency p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	    b->clients, (unsigned long long)ok, secs, rate,
	    (unsigned long long)failed, cb_hist_pct_ms(&hs, 0.5),
	    cb_hist_pct_ms(&hs, 0.99), cb_hist_pct_ms(&hs, 1));
	if (cpu >= 0)
		printf("  server CPU %.0f%% of one core\n", cpu);
	cb_result("clients=%u seconds=%.3f registered=%llu failed=%llu "
	          "registrations_per_s=%.0f p50_ms=%.3f p99_ms=%.3f "
	          "server_cpu_pct=%.0f",
	    b->clients, secs, (unsigned long long)ok,
	    (unsigned long long)failed, rate, cb_hist_pct_ms(&hs, 0.5),
	    cb_hist_pct_ms(&hs, 0.99), cpu);
	return failed > 0 || ok < b->clients ? 1 : 0;
}

const struct cb_scenario scenario_register = {
	.name = "register",
	.usage = "register -n N",
	.opts = register_opts,
	.setup = register_setup,
	.start = register_start,
	.on_line = register_line,
	.done = register_done,
	.report = register_report,
};
