/*
 * A small pool of worker threads for CPU-heavy jobs (Argon2id password
 * hashing), so the event loop never runs them. A job's work function runs
 * on a worker; its done function runs afterwards on the event loop, woken
 * through a pipe. Work functions must not touch chatd's state: they get
 * only their own argument.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "chatd.h"

#define WORKQ_THREADS 2

struct workq_job {
	void (*work)(void *);
	void (*done)(void *);
	void *arg;
	TAILQ_ENTRY(workq_job) entry;
};
TAILQ_HEAD(workq_jobs, workq_job);

static pthread_t workq_threads[WORKQ_THREADS];
static pthread_mutex_t workq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t workq_cond = PTHREAD_COND_INITIALIZER;
static struct workq_jobs workq_todo = TAILQ_HEAD_INITIALIZER(workq_todo);
static struct workq_jobs workq_done = TAILQ_HEAD_INITIALIZER(workq_done);
static bool workq_stopping, workq_running;
static unsigned workq_pending;
static int workq_pipe[2] = { -1, -1 };
static struct event *workq_ev;

/* A worker: run jobs until told to stop and the queue is empty. */
static void *
workq_main(void *arg UNUSED)
{
	struct workq_job *j;

	pthread_mutex_lock(&workq_lock);
	for (;;) {
		while (TAILQ_EMPTY(&workq_todo) && !workq_stopping)
			pthread_cond_wait(&workq_cond, &workq_lock);
		if ((j = TAILQ_FIRST(&workq_todo)) == NULL)
			break;
		TAILQ_REMOVE(&workq_todo, j, entry);
		pthread_mutex_unlock(&workq_lock);
		j->work(j->arg);
		pthread_mutex_lock(&workq_lock);
		TAILQ_INSERT_TAIL(&workq_done, j, entry);
		if (write(workq_pipe[1], "", 1) < 0 && errno != EAGAIN)
			log_warn("workq: pipe: %s", strerror(errno));
	}
	pthread_mutex_unlock(&workq_lock);
	return NULL;
}

/* Run the done functions of finished jobs. */
static void
workq_finish_all(void)
{
	struct workq_jobs done;
	struct workq_job *j;

	TAILQ_INIT(&done);
	pthread_mutex_lock(&workq_lock);
	TAILQ_CONCAT(&done, &workq_done, entry);
	pthread_mutex_unlock(&workq_lock);
	while ((j = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, j, entry);
		workq_pending--;
		j->done(j->arg);
		free(j);
	}
}

/* A worker finished something. */
static void
workq_wakeup(evutil_socket_t fd, short events UNUSED, void *arg UNUSED)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		/* nothing */;
	workq_finish_all();
}

/* Start the workers. */
void
workq_init(void)
{
	int i;

	if (pipe2(workq_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		fatal("pipe");
	workq_ev = event_new(
	    ev_base, workq_pipe[0], EV_READ | EV_PERSIST, workq_wakeup, NULL);
	event_add(workq_ev, NULL);
	workq_stopping = false;
	for (i = 0; i < WORKQ_THREADS; i++) {
		if ((errno = pthread_create(
		         &workq_threads[i], NULL, workq_main, NULL)) != 0)
			fatal("pthread_create");
	}
	workq_running = true;
}

/* Queue work(arg) on a worker, then done(arg) on the loop. */
void
workq_add(void (*work)(void *), void (*done)(void *), void *arg)
{
	struct workq_job *j = xcalloc(1, sizeof *j);

	j->work = work;
	j->done = done;
	j->arg = arg;
	workq_pending++;
	if (!workq_running) {
		work(arg);
		workq_pending--;
		done(arg);
		free(j);
		return;
	}
	pthread_mutex_lock(&workq_lock);
	TAILQ_INSERT_TAIL(&workq_todo, j, entry);
	pthread_cond_signal(&workq_cond);
	pthread_mutex_unlock(&workq_lock);
}

/* Jobs queued or running whose done function has not run yet. */
unsigned
workq_count(void)
{
	return workq_pending;
}

/* Finish what is queued and stop the workers. */
void
workq_free(void)
{
	int i;

	if (!workq_running)
		return;
	pthread_mutex_lock(&workq_lock);
	workq_stopping = true;
	pthread_cond_broadcast(&workq_cond);
	pthread_mutex_unlock(&workq_lock);
	for (i = 0; i < WORKQ_THREADS; i++)
		pthread_join(workq_threads[i], NULL);
	workq_running = false;
	workq_finish_all();
	event_free(workq_ev);
	close(workq_pipe[0]);
	close(workq_pipe[1]);
}
