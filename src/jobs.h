/* Parallel linting (--jobs): items 0..n-1 computed by worker threads, each with its own
 * state (a session: Lua host and rules), and delivered on the calling thread in item order,
 * so that what is printed does not depend on the number of threads (tech-notes section 5).
 *
 * Items are handed out by an atomic counter, without locks. The calling thread works too,
 * with its own state, after running `first` (the rules across posts), and delivers every
 * finished prefix of items as it goes, so results do not pile up. With no extra threads
 * everything runs inline: compute and deliver one item after the other. With after_compute,
 * delivery waits until every item is computed; with tasks, the threads then share some work
 * across the items (the rules across posts, one group of rules per state) before it. */
#ifndef POSTLINT_JOBS_H
#define POSTLINT_JOBS_H

#include <stddef.h>

struct jobs {
	size_t n;          /* items */
	unsigned threads;  /* threads besides the caller (0: run inline, start none) */
	void *ud;          /* passed to every callback */
	void *caller_state; /* the calling thread's state for compute */
	/* A worker thread's state, made and freed on that thread; NULL: the thread does no
	 * work (the others, and the caller, do it). */
	void *(*state_new)(void *ud);
	void (*state_free)(void *state, void *ud);
	/* Runs on the calling thread once the threads have started, before it computes. */
	void (*first)(void *ud);
	/* Computes item i with a state; any thread. Touches only item i's own result. */
	void (*compute)(void *state, size_t i, void *ud);
	/* When set: runs on the calling thread once every item is computed, and nothing is
	 * delivered before it (the rules across posts need every post's collected data). */
	void (*after_compute)(void *ud);
	/* When set (with after_compute): once every item is computed, before_tasks runs on the
	 * calling thread and returns how many tasks there are; each task then runs once, on
	 * whichever thread claims it first (a worker with its state, the caller with
	 * caller_state), and after_compute runs when all are done. A worker keeps its state
	 * until then. */
	size_t (*before_tasks)(void *ud);
	void (*task)(void *state, size_t k, void *ud);
	/* Items 0..deliver_n-1 are delivered (the others, the calendar's context posts, are
	 * only computed); 0 means all n. */
	size_t deliver_n;
	/* Item i is done: called on the calling thread, in order of i, after `first`. */
	void (*deliver)(size_t i, void *ud);
};

/* Runs the items (see above). Returns the number of threads that could not be started
 * (their share was done by the others). */
unsigned jobs_run(const struct jobs *j);

/* The number of cores this process may use (at least 1). */
unsigned jobs_cores(void);

#endif
