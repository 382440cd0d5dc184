/* Parallel linting (see jobs.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "jobs.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/xalloc.h"

/* Lua's parser and pattern matcher recurse in C; musl's default thread stack (128 KB) is too
 * small for them, glibc's follows ulimit -s. Ask for the same as a main thread gets. */
#define WORKER_STACK (8u << 20)

struct run {
	const struct jobs *j;
	atomic_size_t next;  /* the next item to claim */
	atomic_bool *done;   /* per item: computed (release), read by the caller (acquire) */
	/* tasks (jobs.task): the workers that have no item left wait under lock until the
	 * caller has counted the tasks */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned idle;       /* workers whose items are all computed */
	bool tasks_counted;  /* ntasks is set */
	size_t ntasks;
	atomic_size_t next_task;
};

static void run_tasks(struct run *r, void *state)
{
	for (;;) {
		size_t k = atomic_fetch_add(&r->next_task, 1);
		if (k >= r->ntasks)
			return;
		r->j->task(state, k, r->j->ud);
	}
}

/* A worker whose items are done: says so, then waits for the tasks and claims its share. */
static void worker_tasks(struct run *r, void *state)
{
	pthread_mutex_lock(&r->lock);
	r->idle++;
	pthread_cond_broadcast(&r->changed);
	while (!r->tasks_counted)
		pthread_cond_wait(&r->changed, &r->lock);
	pthread_mutex_unlock(&r->lock);
	if (state)
		run_tasks(r, state);
}

/* The caller, its own items done: waits for the workers' items (started of them), counts
 * the tasks, and takes its share of them. */
static void caller_tasks(struct run *r, unsigned started)
{
	pthread_mutex_lock(&r->lock);
	while (r->idle < started)
		pthread_cond_wait(&r->changed, &r->lock);
	pthread_mutex_unlock(&r->lock);
	size_t ntasks = r->j->before_tasks(r->j->ud);
	pthread_mutex_lock(&r->lock);
	r->ntasks = ntasks;
	r->tasks_counted = true;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	run_tasks(r, r->j->caller_state);
}

static void work(struct run *r, void *state)
{
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->j->n)
			return;
		r->j->compute(state, i, r->j->ud);
		atomic_store_explicit(&r->done[i], true, memory_order_release);
	}
}

static void *worker_main(void *arg)
{
	struct run *r = arg;
	void *state = r->j->state_new(r->j->ud);
	if (state)
		work(r, state);
	if (r->j->task && r->j->after_compute)
		worker_tasks(r, state);
	if (state)
		r->j->state_free(state, r->j->ud);
	return NULL;
}

unsigned jobs_run(const struct jobs *j)
{
	size_t deliver_n = j->deliver_n ? j->deliver_n : j->n;
	if (j->threads == 0) {
		if (j->first)
			j->first(j->ud);
		for (size_t i = 0; i < j->n; i++) {
			j->compute(j->caller_state, i, j->ud);
			if (!j->after_compute && i < deliver_n)
				j->deliver(i, j->ud);
		}
		if (j->after_compute) {
			size_t ntasks = j->task ? j->before_tasks(j->ud) : 0;
			for (size_t k = 0; k < ntasks; k++)
				j->task(j->caller_state, k, j->ud);
			j->after_compute(j->ud);
			for (size_t i = 0; i < deliver_n; i++)
				j->deliver(i, j->ud);
		}
		return 0;
	}
	struct run r = { .j = j };
	atomic_init(&r.next, 0);
	atomic_init(&r.next_task, 0);
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.changed, NULL);
	r.done = xcalloc(j->n ? j->n : 1, sizeof(*r.done));
	for (size_t i = 0; i < j->n; i++)
		atomic_init(&r.done[i], false);
	pthread_t *tids = xcalloc(j->threads, sizeof(*tids));
	bool *started = xcalloc(j->threads, sizeof(*started));
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	unsigned failed = 0;
	for (unsigned t = 0; t < j->threads; t++) {
		started[t] = pthread_create(&tids[t], &attr, worker_main, &r) == 0;
		failed += !started[t];
	}
	pthread_attr_destroy(&attr);
	unsigned started_threads = j->threads - failed;
	if (j->first)
		j->first(j->ud);
	/* the caller works too, and prints what is finished in order between its items */
	size_t delivered = 0;
	for (;;) {
		size_t i = atomic_fetch_add(&r.next, 1);
		if (i < j->n) {
			j->compute(j->caller_state, i, j->ud);
			atomic_store_explicit(&r.done[i], true, memory_order_release);
		}
		while (!j->after_compute && delivered < deliver_n &&
		       atomic_load_explicit(&r.done[delivered], memory_order_acquire))
			j->deliver(delivered++, j->ud);
		if (i >= j->n)
			break;
	}
	if (j->task && j->after_compute)
		caller_tasks(&r, started_threads);
	for (unsigned t = 0; t < j->threads; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
	if (j->after_compute)
		j->after_compute(j->ud);
	while (delivered < deliver_n)
		j->deliver(delivered++, j->ud);
	pthread_cond_destroy(&r.changed);
	pthread_mutex_destroy(&r.lock);
	free(started);
	free(tids);
	free(r.done);
	return failed;
}

unsigned jobs_cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}
