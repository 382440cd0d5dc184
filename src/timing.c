/* Per-rule timing (see timing.h). A handful of rows behind one mutex: only runs that asked
 * for timing ever take it. */
#include "timing.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"

struct timing_row {
	char *what;
	long long ns;
	long long calls;
};

/* 0: POSTLINT_TIMING not read yet; 1: off; 2: on. Threads that read it at once agree. */
static atomic_int state;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct timing_row *rows;
static size_t nrows;

bool timing_enabled(void)
{
	int now = atomic_load_explicit(&state, memory_order_relaxed);
	if (now == 0) {
		const char *v = getenv("POSTLINT_TIMING");
		now = v && *v && strcmp(v, "0") != 0 ? 2 : 1;
		atomic_store_explicit(&state, now, memory_order_relaxed);
	}
	return now == 2;
}

void timing_forget(void)
{
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].what);
	free(rows);
	rows = NULL;
	nrows = 0;
	atomic_store(&state, 0);
}

long long timing_now(void)
{
	if (!timing_enabled())
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void timing_add(const char *what, long long start)
{
	if (!timing_enabled())
		return;
	long long spent = timing_now() - start;
	pthread_mutex_lock(&lock);
	size_t i = 0;
	while (i < nrows && strcmp(rows[i].what, what) != 0)
		i++;
	if (i == nrows) {
		rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
		rows[nrows++] = (struct timing_row){ xstrdup(what), 0, 0 };
	}
	rows[i].ns += spent;
	rows[i].calls++;
	pthread_mutex_unlock(&lock);
}

static int slowest_first(const void *a, const void *b)
{
	const struct timing_row *x = a, *y = b;
	return (x->ns < y->ns) - (x->ns > y->ns);
}

void timing_print(FILE *out)
{
	if (!timing_enabled())
		return;
	pthread_mutex_lock(&lock);
	qsort(rows, nrows, sizeof(*rows), slowest_first);
	long long total = 0;
	for (size_t i = 0; i < nrows; i++)
		total += rows[i].ns;
	fprintf(out, "%-28s %12s %10s %8s\n", "rule (or step)", "time (ms)", "calls", "share");
	for (size_t i = 0; i < nrows; i++) {
		fprintf(out, "%-28s %12.1f %10lld %7.1f%%\n", rows[i].what, rows[i].ns / 1e6,
			rows[i].calls, total ? 100.0 * rows[i].ns / total : 0.0);
		free(rows[i].what);
	}
	free(rows);
	rows = NULL;
	nrows = 0;
	pthread_mutex_unlock(&lock);
}
