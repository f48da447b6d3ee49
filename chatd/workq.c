/*
 * A small pool of worker threads for CPU-heavy jobs (Argon2id password
 * hashing), so the event loop never runs them: one worker queue (worker.c)
 * with two threads, so two hashes run at once and jobs may complete out
 * of order. A job's work function runs on a thread; its done function
 * runs afterwards on the event loop. Work functions must not touch
 * chatd's state: they get only their own argument, a typed struct of the
 * caller's whose client references are weak (checked in done).
 */

#include "config.h"

#include <stdlib.h>

#include "chatd.h"

#define WORKQ_THREADS 2

struct workq_job {
	struct worker_job wj;
	void (*work)(void *);
	void (*done)(void *);
	void *arg;
};

static struct worker *workq;

/* Thread: the caller's work function. */
static void
workq_run(struct worker_job *wj)
{
	struct workq_job *j = WORKER_JOB(wj, struct workq_job, wj);

	j->work(j->arg);
}

/* Loop: the caller's done function. */
static void
workq_done(struct worker_job *wj)
{
	struct workq_job *j = WORKER_JOB(wj, struct workq_job, wj);

	j->done(j->arg);
	free(j);
}

/* Start the workers. */
void
workq_init(void)
{
	workq = worker_new("workq", WORKQ_THREADS, 0, NULL, NULL);
}

/* Queue work(arg) on a worker, then done(arg) on the loop. */
void
workq_add(void (*work)(void *), void (*done)(void *), void *arg)
{
	struct workq_job *j;

	if (workq == NULL) {
		work(arg);
		done(arg);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->wj.run = workq_run;
	j->wj.done = workq_done;
	j->work = work;
	j->done = done;
	j->arg = arg;
	worker_add(workq, &j->wj);
}

/* Jobs queued or running whose done function has not run yet. */
unsigned
workq_count(void)
{
	return workq != NULL ? (unsigned)worker_pending(workq) : 0;
}

/* Finish what is queued and stop the workers. */
void
workq_free(void)
{
	worker_free(workq, NULL);
	workq = NULL;
}
