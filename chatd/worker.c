/*
 * One worker thread for slow work (password hashing), so the event loop
 * never waits for it. work() runs on the thread and must touch nothing
 * but its argument; done() runs later on the event loop, woken through a
 * pipe. Jobs still queued at shutdown get done(arg, true) instead.
 */

#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "chatd.h"

struct worker_job {
	void (*work)(void *);
	void (*done)(void *, bool);
	void *arg;
	TAILQ_ENTRY(worker_job) entry;
};
TAILQ_HEAD(worker_jobs, worker_job);

static pthread_t worker_thread;
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_cond = PTHREAD_COND_INITIALIZER;
static struct worker_jobs worker_todo = TAILQ_HEAD_INITIALIZER(worker_todo);
static struct worker_jobs worker_done = TAILQ_HEAD_INITIALIZER(worker_done);
static int worker_pipe[2] = { -1, -1 };
static struct event *worker_ev;
static bool worker_started, worker_stop;
static unsigned worker_count;

/* The thread: run jobs until told to stop. */
static void *
worker_main(void *arg UNUSED)
{
	struct worker_job *job;
	ssize_t n;

	pthread_mutex_lock(&worker_lock);
	for (;;) {
		while (TAILQ_EMPTY(&worker_todo) && !worker_stop)
			pthread_cond_wait(&worker_cond, &worker_lock);
		if (worker_stop)
			break;
		job = TAILQ_FIRST(&worker_todo);
		TAILQ_REMOVE(&worker_todo, job, entry);
		pthread_mutex_unlock(&worker_lock);
		job->work(job->arg);
		pthread_mutex_lock(&worker_lock);
		TAILQ_INSERT_TAIL(&worker_done, job, entry);
		/* A full pipe already has a wake-up pending. */
		do
			n = write(worker_pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&worker_lock);
	return NULL;
}

/* On the loop: hand finished jobs to their done callbacks. */
static void
worker_wake(evutil_socket_t fd, short events UNUSED, void *arg UNUSED)
{
	struct worker_jobs ready = TAILQ_HEAD_INITIALIZER(ready);
	struct worker_job *job;
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		continue;
	pthread_mutex_lock(&worker_lock);
	TAILQ_CONCAT(&ready, &worker_done, entry);
	pthread_mutex_unlock(&worker_lock);
	while ((job = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, job, entry);
		worker_count--;
		job->done(job->arg, false);
		free(job);
	}
}

/* Start the thread on first use. */
static void
worker_start(void)
{
	int i;

	if (pipe(worker_pipe) != 0)
		fatal("pipe");
	for (i = 0; i < 2; i++) {
		fcntl(worker_pipe[i], F_SETFL,
		    fcntl(worker_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(worker_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	worker_ev = event_new(
	    ev_base, worker_pipe[0], EV_READ | EV_PERSIST, worker_wake, NULL);
	event_add(worker_ev, NULL);
	if ((errno = pthread_create(&worker_thread, NULL, worker_main, NULL)) !=
	    0)
		fatal("pthread_create");
	worker_started = true;
}

/* Queue work(arg) on the thread; done(arg, false) follows on the loop. */
void
worker_run(void (*work)(void *), void (*done)(void *, bool), void *arg)
{
	struct worker_job *job = xcalloc(1, sizeof *job);

	job->work = work;
	job->done = done;
	job->arg = arg;
	if (!worker_started)
		worker_start();
	pthread_mutex_lock(&worker_lock);
	TAILQ_INSERT_TAIL(&worker_todo, job, entry);
	pthread_cond_signal(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	worker_count++;
}

/* Jobs queued or running, not yet done. */
unsigned
worker_pending(void)
{
	return worker_count;
}

/* Stop the thread; finished jobs are done, queued ones cancelled. */
void
worker_free(void)
{
	struct worker_job *job;

	if (!worker_started)
		return;
	pthread_mutex_lock(&worker_lock);
	worker_stop = true;
	pthread_cond_signal(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	pthread_join(worker_thread, NULL);
	worker_wake(worker_pipe[0], 0, NULL);
	while ((job = TAILQ_FIRST(&worker_todo)) != NULL) {
		TAILQ_REMOVE(&worker_todo, job, entry);
		worker_count--;
		job->done(job->arg, true);
		free(job);
	}
	event_free(worker_ev);
	close(worker_pipe[0]);
	close(worker_pipe[1]);
	worker_started = false;
}
