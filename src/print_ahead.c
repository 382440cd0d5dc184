#include "print_ahead.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/xalloc.h"

struct print_ahead {
	size_t n, window;
	void (*prepare)(size_t i, void *ud);
	void *ud;
	atomic_size_t next;      /* the next item to claim */
	atomic_size_t delivering; /* the item the main thread waits for or delivers */
	atomic_bool *ready;      /* item i prepared */
	pthread_t helper;
	/* the helper waits here when it is a window ahead, until delivery moves on (a pipe
	 * that is not read can hold the main thread for as long as it likes) */
	pthread_mutex_t lock;
	pthread_cond_t moved;
	atomic_bool helper_waits;
	/* the delivery the waiting helper is to be woken at: half a window past the one it
	 * needs, so that the main thread wakes it once per half window, not once per item
	 * (a system call per file written: some 950 in a 10,000-post run, now about 60) */
	atomic_size_t wake_at;
};

/* As jobs.c's workers: the same stack on every C library (musl's default is 128 KB). */
#define HELPER_STACK (8u << 20)

static void prepare_one(struct print_ahead *pa, size_t k)
{
	pa->prepare(k, pa->ud);
	atomic_store_explicit(&pa->ready[k], true, memory_order_release);
}

static void *helper_main(void *arg)
{
	struct print_ahead *pa = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&pa->next, 1);
		if (k >= pa->n)
			return NULL;
		/* not further ahead than the window: asleep until delivery moves on (a wait of
		 * this thread only: the main thread never waits for a claimed item but this
		 * one, and it delivers the items before it meanwhile). Once asleep, it sleeps
		 * until half a window is free. wake_at and helper_waits are set before the
		 * delivery is looked at again, and the main thread moves delivering before it
		 * looks at them: one of the two sees the other's change */
		if (k >= atomic_load(&pa->delivering) + pa->window) {
			size_t wake_at = k + 1 - pa->window + pa->window / 2;
			pthread_mutex_lock(&pa->lock);
			atomic_store(&pa->wake_at, wake_at);
			atomic_store(&pa->helper_waits, true);
			while (atomic_load(&pa->delivering) < wake_at)
				pthread_cond_wait(&pa->moved, &pa->lock);
			atomic_store(&pa->helper_waits, false);
			pthread_mutex_unlock(&pa->lock);
		}
		prepare_one(pa, k);
	}
}

struct print_ahead *print_ahead_start(size_t n, size_t window,
				      void (*prepare)(size_t i, void *ud), void *ud)
{
	struct print_ahead *pa = xcalloc(1, sizeof(*pa));
	pa->n = n;
	pa->window = window ? window : 1;
	pa->prepare = prepare;
	pa->ud = ud;
	atomic_init(&pa->next, 0);
	atomic_init(&pa->delivering, 0);
	pa->ready = xcalloc(n ? n : 1, sizeof(*pa->ready));
	for (size_t i = 0; i < n; i++)
		atomic_init(&pa->ready[i], false);
	pthread_mutex_init(&pa->lock, NULL);
	pthread_cond_init(&pa->moved, NULL);
	atomic_init(&pa->helper_waits, false);
	atomic_init(&pa->wake_at, 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, HELPER_STACK);
	int rc = pthread_create(&pa->helper, &attr, helper_main, pa);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_cond_destroy(&pa->moved);
		pthread_mutex_destroy(&pa->lock);
		free(pa->ready);
		free(pa);
		return NULL;
	}
	return pa;
}

/* Moves delivery on to item i, waking the helper if it waits for that far. */
static void deliver_from(struct print_ahead *pa, size_t i)
{
	atomic_store(&pa->delivering, i);
	if (atomic_load(&pa->helper_waits) && i >= atomic_load(&pa->wake_at)) {
		pthread_mutex_lock(&pa->lock);
		pthread_cond_signal(&pa->moved);
		pthread_mutex_unlock(&pa->lock);
	}
}

void print_ahead_wait(struct print_ahead *pa, size_t i)
{
	deliver_from(pa, i);
	while (!atomic_load_explicit(&pa->ready[i], memory_order_acquire)) {
		/* not ready: this thread prepares the next unclaimed item within the window (i
		 * itself, or one the helper will not have to), else waits for the helper's */
		size_t k = atomic_load(&pa->next);
		if (k < pa->n && k < i + pa->window &&
		    atomic_compare_exchange_strong(&pa->next, &k, k + 1))
			prepare_one(pa, k);
		else
			sched_yield();
	}
}

void print_ahead_finish(struct print_ahead *pa)
{
	if (!pa)
		return;
	deliver_from(pa, pa->n); /* (no window left to wait for) */
	pthread_join(pa->helper, NULL);
	pthread_cond_destroy(&pa->moved);
	pthread_mutex_destroy(&pa->lock);
	free(pa->ready);
	free(pa);
}
