/*
 * Worker queues: the one way chatd runs something off the event loop.
 *
 * A queue has its own threads (one for a serial queue, where jobs run and
 * complete in the order they were added) and a list of jobs. A job is the
 * caller's own struct with a struct worker_job inside it: its run function
 * gets the job on a worker thread and may touch only the job; its done
 * function gets it back on the event loop, woken through a pipe, and owns
 * it from then on. A queue may instead run jobs in batches (the store
 * commits a batch in one transaction): its batch function gets up to
 * `batch` jobs at once, in order.
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

struct worker {
	char *name;
	unsigned nthreads;
	size_t batch;
	void (*run_batch)(struct worker_jobs *, void *);
	void *arg;
	pthread_t *threads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct worker_jobs todo;
	struct worker_jobs done;
	size_t backlog; /* added, not yet finished by a thread */
	size_t pending; /* added, done function not yet called */
	bool stopping;
	int pipe[2];
	struct event *ev;
};

/* Run a batch one job at a time (queues without a batch function). */
static void
worker_run_each(struct worker_jobs *batch, void *arg UNUSED)
{
	struct worker_job *j;

	TAILQ_FOREACH(j, batch, entry)
		j->run(j);
}

/* A thread: take jobs, run them, hand them back, until told to stop. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_jobs batch;
	struct worker_job *j;
	bool wake;
	size_t n;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (TAILQ_EMPTY(&w->todo) && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (TAILQ_EMPTY(&w->todo))
			break;
		TAILQ_INIT(&batch);
		for (n = 0; n < w->batch && (j = TAILQ_FIRST(&w->todo)) != NULL;
		     n++) {
			TAILQ_REMOVE(&w->todo, j, entry);
			TAILQ_INSERT_TAIL(&batch, j, entry);
		}
		pthread_mutex_unlock(&w->lock);
		w->run_batch(&batch, w->arg);
		pthread_mutex_lock(&w->lock);
		w->backlog -= n;
		wake = TAILQ_EMPTY(&w->done);
		TAILQ_CONCAT(&w->done, &batch, entry);
		/* An empty done list means the loop has taken everything. */
		if (wake && write(w->pipe[1], "", 1) < 0 && errno != EAGAIN)
			log_warn(
			    "%s worker: pipe: %s", w->name, strerror(errno));
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Call the done functions of finished jobs (or discard them). */
static void
worker_finish(struct worker *w, void (*discard)(struct worker_job *))
{
	struct worker_jobs done;
	struct worker_job *j;

	TAILQ_INIT(&done);
	pthread_mutex_lock(&w->lock);
	TAILQ_CONCAT(&done, &w->done, entry);
	pthread_mutex_unlock(&w->lock);
	while ((j = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, j, entry);
		w->pending--;
		if (discard != NULL)
			discard(j);
		else
			j->done(j);
	}
}

/* A thread finished something: drain the pipe, finish jobs. */
static void
worker_wakeup(evutil_socket_t fd, short events UNUSED, void *arg)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		/* nothing */;
	worker_finish(arg, NULL);
}

/*
 * Start a queue of nthreads threads (1: serial). With run_batch, a thread
 * takes up to batch jobs at once and gives them to run_batch(jobs, arg)
 * instead of calling each job's run function.
 */
struct worker *
worker_new(const char *name, unsigned nthreads, size_t batch,
    void (*run_batch)(struct worker_jobs *, void *), void *arg)
{
	struct worker *w = xcalloc(1, sizeof *w);
	unsigned i;

	w->name = xstrdup(name);
	w->nthreads = nthreads > 0 ? nthreads : 1;
	w->batch = run_batch != NULL && batch > 0 ? batch : 1;
	w->run_batch = run_batch != NULL ? run_batch : worker_run_each;
	w->arg = arg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	TAILQ_INIT(&w->todo);
	TAILQ_INIT(&w->done);
	if (pipe2(w->pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		fatal("pipe");
	w->ev = event_new(
	    ev_base, w->pipe[0], EV_READ | EV_PERSIST, worker_wakeup, w);
	event_add(w->ev, NULL);
	w->threads = xcalloc(w->nthreads, sizeof *w->threads);
	for (i = 0; i < w->nthreads; i++) {
		if ((errno = pthread_create(
		         &w->threads[i], NULL, worker_main, w)) != 0)
			fatal("%s worker: pthread_create", name);
	}
	return w;
}

/* Queue a job; its run and done functions must be set. */
void
worker_add(struct worker *w, struct worker_job *j)
{
	w->pending++;
	pthread_mutex_lock(&w->lock);
	TAILQ_INSERT_TAIL(&w->todo, j, entry);
	w->backlog++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Jobs not yet finished by a thread (for back-pressure). */
size_t
worker_backlog(struct worker *w)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->backlog;
	pthread_mutex_unlock(&w->lock);
	return n;
}

/* Jobs whose done function has not run yet. */
size_t
worker_pending(struct worker *w)
{
	return w->pending;
}

/*
 * Run everything queued, stop the threads and free the queue. Finished
 * jobs go to their done functions, or to discard if it is not NULL (at
 * shutdown, when what the done functions touch is already gone).
 */
void
worker_free(struct worker *w, void (*discard)(struct worker_job *))
{
	unsigned i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	worker_finish(w, discard);
	event_free(w->ev);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->threads);
	free(w->name);
	free(w);
}
