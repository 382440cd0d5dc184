#include "print_ahead.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "util/xalloc.h"

struct print_ahead {
	size_t n, window;
	void (*prepare)(size_t i, void *ud);
	void *ud;
	atomic_size_t next;      /* the next item to claim */
	atomic_size_t delivering; /* the item the main thread waits for or delivers */
	atomic_bool *ready;      /* item i prepared */
	pthread_t helper;
};

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
		/* not further ahead than the window: a pause of 20 us until delivery moves on
		 * (a wait of this thread only; the main thread never waits for a claimed item
		 * but this one, and it delivers the items before it meanwhile) */
		while (k >= atomic_load(&pa->delivering) + pa->window) {
			struct timespec pause = { 0, 20000 };
			nanosleep(&pause, NULL);
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
	if (pthread_create(&pa->helper, NULL, helper_main, pa) != 0) {
		free(pa->ready);
		free(pa);
		return NULL;
	}
	return pa;
}

void print_ahead_wait(struct print_ahead *pa, size_t i)
{
	atomic_store(&pa->delivering, i);
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
	atomic_store(&pa->delivering, pa->n); /* (no window left to wait for) */
	pthread_join(pa->helper, NULL);
	free(pa->ready);
	free(pa);
}
