/* Preparing output ahead on a helper thread (print_ahead.h): every item is prepared once,
 * before it is delivered, never a window or more ahead of the delivery (item i's slot is
 * i % window), and the helper that sleeps at the window's edge is woken again - a lost wake
 * hangs the run, which the alarm turns into a failure. The helper is let prepare a whole
 * window first (it then sleeps at the window's edge); delivery is made slower than
 * preparing in three cases and faster in the other, so that both sides wait. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "print_ahead.h"
#include "util/xalloc.h"

struct items {
	size_t n, window;
	unsigned prepare_spin, deliver_spin;
	atomic_int *prepared;       /* times item i was prepared */
	atomic_size_t delivered;    /* items delivered so far */
	atomic_size_t *slot;        /* what slot s holds */
	atomic_size_t most_ahead;   /* the largest i - delivered seen by prepare */
	atomic_int out_of_window;   /* items prepared a window or more ahead */
	atomic_int by_helper;       /* items prepared on another thread than the main one */
	atomic_int helper_resumed;  /* ...past the first window, less than half a window ahead */
	pthread_t main_thread;
};

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) != 0)
		;
}

static void spin(unsigned rounds)
{
	for (volatile unsigned k = 0; k < rounds; k++)
		;
}

static void prepare(size_t i, void *ud)
{
	struct items *it = ud;
	size_t delivered = atomic_load(&it->delivered);
	if (i >= delivered + it->window)
		atomic_fetch_add(&it->out_of_window, 1);
	size_t ahead = i - delivered;
	size_t seen = atomic_load(&it->most_ahead);
	while (ahead > seen && !atomic_compare_exchange_weak(&it->most_ahead, &seen, ahead))
		;
	if (!pthread_equal(pthread_self(), it->main_thread)) {
		atomic_fetch_add(&it->by_helper, 1);
		if (i >= it->window && ahead < it->window / 2)
			atomic_fetch_add(&it->helper_resumed, 1);
	}
	spin(it->prepare_spin);
	atomic_store(&it->slot[i % it->window], i);
	atomic_fetch_add(&it->prepared[i], 1);
}

static void run(const char *what, size_t n, size_t window, unsigned prepare_spin,
		unsigned deliver_spin)
{
	struct items it = { .n = n, .window = window, .prepare_spin = prepare_spin,
			    .deliver_spin = deliver_spin, .main_thread = pthread_self() };
	it.prepared = xcalloc(n, sizeof(*it.prepared));
	it.slot = xcalloc(window, sizeof(*it.slot));
	struct print_ahead *pa = print_ahead_start(n, window, prepare, &it);
	CHECK(pa != NULL, "%s: the helper starts", what);
	/* the helper first prepares a whole window and goes to sleep at its edge, so that the
	 * delivery below must wake it (on a busy machine it may start late: delivering at once
	 * could leave it nothing to do) */
	for (int ms = 0; ms < 10000 && atomic_load(&it.by_helper) < (int)window; ms++)
		sleep_ms(1);
	CHECK_INT(atomic_load(&it.by_helper), window, "items the helper prepared before delivery");
	size_t not_ready = 0, wrong_slot = 0;
	for (size_t i = 0; i < n; i++) {
		print_ahead_wait(pa, i);
		not_ready += atomic_load(&it.prepared[i]) != 1;
		wrong_slot += atomic_load(&it.slot[i % window]) != i;
		spin(deliver_spin);
		atomic_store(&it.delivered, i + 1);
	}
	print_ahead_finish(pa);
	size_t twice = 0;
	for (size_t i = 0; i < n; i++)
		twice += atomic_load(&it.prepared[i]) != 1;
	CHECK_INT(not_ready, 0, "items delivered before they were prepared");
	CHECK_INT(wrong_slot, 0, "items whose slot held another when delivered");
	CHECK_INT(twice, 0, "items not prepared exactly once");
	CHECK_INT(atomic_load(&it.out_of_window), 0, "items prepared a window ahead or more");
	CHECK_INT(atomic_load(&it.most_ahead), window - 1, "how far ahead preparing got");
	/* asleep at the window's edge, the helper is woken once half the window is written
	 * (not at every file): with a slow delivery it then resumes under half a window ahead,
	 * and prepares half a window before it is at the edge again, where woken at every file
	 * it would stay at the edge (window 256: 0 or 1 such items, against thousands) */
	if (window >= 16 && deliver_spin > prepare_spin)
		CHECK(atomic_load(&it.helper_resumed) >= (int)window / 2,
		      "%s: the helper resumed under half a window ahead %d times", what,
		      atomic_load(&it.helper_resumed));
	free(it.prepared);
	free(it.slot);
}

static void hung(int sig)
{
	(void)sig;
	static const char msg[] = "not ok - the run hung (a helper never woken?)\n";
	ssize_t w = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	_exit(1);
}

int main(void)
{
	signal(SIGALRM, hung);
	alarm(60);
	run("slow delivery, window 16", 20000, 16, 200, 3000);
	run("slow delivery, window 1", 2000, 1, 200, 3000);
	run("slow delivery, window 256", 20000, 256, 100, 2000);
	run("slow preparing, window 16", 20000, 16, 3000, 200);
	return check_done();
}
