/* Trusted calls (host_trust_next_call, the built-in rules compiled into postlint): their Lua
 * instructions are not counted while they are quick, and a trusted call that runs on is still
 * stopped by the budget or the time limit with its file and line, the process going on: on
 * the main thread, on a worker thread, and in a child forked after the watchdog ran (the
 * resident server's children). The stopping cases run in a child process: if the count never
 * started, the watchdog would end that child (exit code 2) instead. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "check.h"
#include "lua/host.h"

static const char *chunk_src;

static int run_chunk(lua_State *L)
{
	host_push_env(L, NULL);
	host_load_chunk(L, chunk_src, strlen(chunk_src), "=trusted", lua_gettop(L));
	lua_call(L, 0, 0);
	return 0;
}

struct outcome {
	int rc;
	enum host_error_kind kind;
	char message[1024];
	double seconds;
};

/* Runs src in a new host (a time limit of `seconds`) with `instructions`, trusted for
 * uncounted_ms (not at all: 0). */
static struct outcome run_for(const char *src, long long instructions, int uncounted_ms,
			      int seconds)
{
	struct host_limits limits = { .instructions = instructions };
	struct host *h = host_new(&limits);
	host_set_watchdog(h, seconds);
	host_set_label(h, "rule 'trusted' on 'p.md'");
	struct host_error err;
	struct timespec t0, t1;
	chunk_src = src;
	if (uncounted_ms > 0)
		host_trust_next_call(h, uncounted_ms);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct outcome o = { 0 };
	o.rc = host_call(h, run_chunk, NULL, instructions, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	o.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	o.kind = err.kind;
	snprintf(o.message, sizeof(o.message), "%s", o.rc < 0 ? err.message : "finished");
	host_free(h);
	return o;
}

/* ... with a 1 s time limit, trusted for a post's time or not */
static struct outcome run(const char *src, long long instructions, bool trusted)
{
	return run_for(src, instructions, trusted ? HOST_TRUSTED_UNCOUNTED_MS : 0, 1);
}

#define ENDLESS "local n = 0\nwhile true do n = n + 1 end"

static void *endless_on_thread(void *arg)
{
	static struct outcome o;
	(void)arg;
	o = run(ENDLESS, HOST_DEFAULT_INSTRUCTIONS, true);
	return &o;
}

/* In a child: a trusted endless loop, on this thread or a second one. Exit 0 when it was
 * stopped with the budget's or the clock's message naming line 2; 3 otherwise (its message
 * on stderr); the watchdog's 2 when nothing stopped it. The child of a process whose
 * watchdog ran is told nothing: the host notices the fork itself. */
static int stop_in_child(bool on_thread)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct outcome o;
		if (on_thread) {
			pthread_t t;
			void *res = NULL;
			if (pthread_create(&t, NULL, endless_on_thread, NULL) != 0 ||
			    pthread_join(t, &res) != 0)
				_exit(4);
			o = *(struct outcome *)res;
		} else {
			o = run(ENDLESS, HOST_DEFAULT_INSTRUCTIONS, true);
		}
		bool stopped = o.rc < 0 && o.kind == HOST_ERR_BUDGET &&
			       strstr(o.message, "trusted:2:") != NULL &&
			       (strstr(o.message, "instruction budget exceeded") ||
				strstr(o.message, "time limit exceeded"));
		fprintf(stderr, "# %s after %.2f s\n", o.message, o.seconds);
		_exit(stopped ? 0 : 3);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	host_watchdog_unblock();
	/* first in a process whose watchdog never ran */
	CHECK_INT(stop_in_child(false), 0, "a trusted endless loop is stopped");
	CHECK_INT(stop_in_child(true), 0, "on a worker thread too");
	/* about a million Lua instructions: a few ms, far below the time before counting starts */
	const char *busy = "local n = 0 for i = 1, 250000 do n = n + i end assert(n > 0)";
	struct outcome o = run(busy, 200000, false);
	CHECK(o.rc < 0 && o.kind == HOST_ERR_BUDGET, "counted, the call is over its budget: %s",
	      o.message);
	/* a few tries: a machine so loaded that the call stalls past the 200 ms would start the
	 * count, as it should */
	for (int tries = 0; tries < 3; tries++) {
		o = run(busy, 200000, true);
		if (o.rc == 0)
			break;
	}
	CHECK(o.rc == 0, "trusted and quick, its instructions are not counted: %s", o.message);
	/* the trust is for one call: the host's next call is counted again */
	{
		struct host_limits limits = { .instructions = 200000 };
		struct host *h = host_new(&limits);
		struct host_error err;
		chunk_src = busy;
		int rc = -1;
		for (int tries = 0; tries < 3 && rc != 0; tries++) { /* as above */
			host_trust_next_call(h, HOST_TRUSTED_UNCOUNTED_MS);
			rc = host_call(h, run_chunk, NULL, 200000, &err);
		}
		CHECK_INT(rc, 0, "the trusted call");
		CHECK(host_call(h, run_chunk, NULL, 200000, &err) < 0 && err.kind == HOST_ERR_BUDGET,
		      "the next call is counted");
		host_free(h);
	}
	/* a longer uncounted time (a calendar's check_set) lets a call of a second or so run
	 * uncounted to its end, where a post's 200 ms start the count on it */
	const char *long_busy = "local n = 0 for i = 1, 3e8 do n = n + i end assert(n > 0)";
	o = run_for(long_busy, 200000, 600000, 600);
	CHECK(o.rc == 0, "uncounted for its whole run (%.2f s): %s", o.seconds, o.message);
	o = run_for(long_busy, 200000, HOST_TRUSTED_UNCOUNTED_MS, 600);
	CHECK(o.rc < 0 && o.kind == HOST_ERR_BUDGET, "counted after 200 ms (%.2f s): %s",
	      o.seconds, o.message);
	/* a C function's charges count in a trusted call too */
	o = run("local s = ('x'):rep(100000) for i = 1, 50 do s:find('y', 1, true) end", 100000,
		true);
	CHECK(o.rc < 0 && o.kind == HOST_ERR_BUDGET, "charges are counted: %s", o.message);

	/* a child whose parent ran trusted calls: its thread has another kernel id */
	CHECK_INT(stop_in_child(false), 0, "in a child forked after trusted calls ran");
	CHECK_INT(stop_in_child(true), 0, "and on a thread of such a child");
	return check_done();
}
