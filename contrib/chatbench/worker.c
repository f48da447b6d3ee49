/*
 * A worker: one epoll loop over a share of the clients, run through the
 * phases connect -> ready -> measured phase -> done, each bounded by the
 * global deadline.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatbench.h"

#define WORKER_EVENTS 1024

/* Pump every sender marked during the last event batch. */
void
worker_pump(struct cb_worker *w, uint64_t now)
{
	struct cb_client *c;

	while ((c = w->dirty) != NULL) {
		w->dirty = c->nextdirty;
		c->dirty = false;
		c->nextdirty = NULL;
		if (cb.sc->pump != NULL)
			cb.sc->pump(c, now);
	}
}

/* Wait for events at most timeout_ns and handle them; false on error. */
static bool
worker_poll(struct cb_worker *w, uint64_t timeout_ns)
{
	struct epoll_event ev[WORKER_EVENTS];
	struct timespec ts;
	uint64_t now;
	int i, n;

	ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
	ts.tv_nsec = (long)(timeout_ns % 1000000000u);
	n = epoll_pwait2(w->ep, ev, WORKER_EVENTS, &ts, NULL);
	if (n < 0) {
		if (errno == EINTR)
			return true;
		fprintf(
		    stderr, "chatbench: epoll_pwait2: %s\n", strerror(errno));
		return false;
	}
	now = cb_now();
	for (i = 0; i < n; i++)
		client_event(ev[i].data.ptr, ev[i].events, now);
	if (w->dirty != NULL)
		worker_pump(w, now);
	return true;
}

/* Time left before the deadline, capped at cap_ns; 0 when past it. */
static uint64_t
worker_left(uint64_t now, uint64_t cap_ns)
{
	if (now >= cb.deadline)
		return 0;
	return cb.deadline - now < cap_ns ? cb.deadline - now : cap_ns;
}

/* Number of this worker's clients that are dead. */
static uint32_t
worker_dead(const struct cb_worker *w)
{
	uint32_t i, n = 0;

	for (i = 0; i < w->count; i++)
		if (cb.client[w->first + i].state == CB_DEAD)
			n++;
	return n;
}

/* Connect and register all clients, at most the concurrency at once. */
static bool
worker_connect(struct cb_worker *w)
{
	uint32_t conc, dead;
	uint64_t now;

	conc = (cb.concurrency + cb.jobs - 1) / cb.jobs;
	if (conc == 0)
		conc = 1;
	for (;;) {
		while (w->started < w->count && w->inflight < conc)
			client_start(&cb.client[w->first + w->started++]);
		dead = worker_dead(w);
		/* Only connect survives failed clients: it counts them. */
		if (dead > 0 && cb.sc != &scenario_connect)
			return false;
		if (w->started == w->count && w->ready + dead >= w->count)
			return true;
		if (atomic_load(&cb.abort))
			return false;
		now = cb_now();
		if (worker_left(now, 1) == 0)
			return false;
		if (!worker_poll(w, worker_left(now, 100000000u)))
			return false;
	}
}

/* Keep answering the server until every client everywhere is ready. */
static bool
worker_barrier(struct cb_worker *w)
{
	uint64_t now;

	for (;;) {
		if (atomic_load(&cb.n_ready) + atomic_load(&cb.n_dead) >=
		    cb.clients)
			break;
		if (atomic_load(&cb.abort))
			return false;
		now = cb_now();
		if (worker_left(now, 1) == 0)
			return false;
		if (!worker_poll(w, worker_left(now, 10000000u)))
			return false;
	}
	if (w->idx == 0) {
		cb.cpu_go = cb_server_cpu();
		cb.self_go = cb_self_cpu();
		cb.t_go = cb_now();
		atomic_store(&cb.go, true);
	}
	while (!atomic_load(&cb.go)) {
		now = cb_now();
		if (worker_left(now, 1) == 0)
			return false;
		if (!worker_poll(w, worker_left(now, 1000000u)))
			return false;
	}
	return true;
}

/* Run the measured phase until the scenario says done or time is up. */
static bool
worker_measure(struct cb_worker *w)
{
	uint64_t now, due;

	if (cb.sc->start != NULL)
		cb.sc->start(w);
	for (;;) {
		if (cb.sc->done(w))
			return true;
		if (atomic_load(&cb.abort))
			return false;
		now = cb_now();
		if (worker_left(now, 1) == 0)
			return false;
		due = cb.sc->next_due != NULL ? cb.sc->next_due(w, now)
		                              : 1000000000u;
		if (!worker_poll(w, worker_left(now, due)))
			return false;
	}
}

/* Run one worker through all phases; never returns early on timeout. */
void
worker_run(struct cb_worker *w)
{
	uint64_t now;
	uint32_t i;

	w->ep = epoll_create1(EPOLL_CLOEXEC);
	if (w->ep < 0)
		cb_fatal("epoll_create1: %s", strerror(errno));
	for (i = 0; i < w->count; i++)
		cb.client[w->first + i].w = w;
	if (!worker_connect(w) || !worker_barrier(w) || !worker_measure(w))
		w->failed = true;
	if (w->failed)
		atomic_store(&cb.abort, true);
	atomic_fetch_add(&cb.n_done, 1);
	/* Others may still wait for our acks: keep serving until all end. */
	while (atomic_load(&cb.n_done) < cb.jobs && !atomic_load(&cb.abort)) {
		now = cb_now();
		if (worker_left(now, 1) == 0)
			break;
		if (!worker_poll(w, worker_left(now, 1000000u)))
			break;
	}
}
