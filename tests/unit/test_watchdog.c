/* The watchdog, the last resort of the sandbox: a budgeted call stuck in C code that charges
 * nothing (no library function does that any more, so a C function stands in for one) ends
 * the process with exit code 2 and a message naming the label; one that charges its work
 * keeps running. Each case runs in a child process, since the watchdog ends the process. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "lua/host.h"

/* The whole time: the watchdog's timer signal cuts a nanosleep short (EINTR) every 100 ms. */
static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static int stuck(lua_State *L)
{
	(void)L;
	for (int i = 0; i < 100; i++) /* 5 s without charging anything */
		sleep_ms(50);
	return 0;
}

static int slow_but_charging(lua_State *L)
{
	for (int i = 0; i < 50; i++) { /* 2.5 s, charging as it goes */
		sleep_ms(50);
		host_charge(L, 1);
	}
	return 0;
}

static int quick(lua_State *L)
{
	(void)L;
	return 0;
}

/* For the resident server's children: forked from a process whose watchdog ran, they start
 * a watchdog of their own without being told, and the hook set by host_watchdog_on_exit hears
 * the exit code. */
static bool child_is_forked_server_child;

static void before_exit(int code)
{
	char m[] = "before exit ?\n";
	m[12] = (char)('0' + code);
	ssize_t n = write(STDERR_FILENO, m, sizeof(m) - 1);
	(void)n;
}

static int call_under_host(lua_CFunction fn)
{
	struct host_limits limits = { .instructions = HOST_DEFAULT_INSTRUCTIONS };
	struct host *h = host_new(&limits);
	host_set_watchdog(h, 1);
	host_set_label(h, "rule 'stuck' on 'p.md'");
	struct host_error err;
	int rc = host_call(h, fn, NULL, HOST_DEFAULT_INSTRUCTIONS, &err);
	host_free(h);
	return rc;
}

static void *call_on_thread(void *fn)
{
	static int rc;
	rc = call_under_host((lua_CFunction)(uintptr_t)fn);
	return &rc;
}

/* Runs fn in a child under a host with a 1 s watchdog, on the child's main thread or (like a
 * --jobs worker) on a second one while the main thread waits for it; with blocked, the
 * child starts with the watchdog's signal blocked, as a parent can leave it across exec, and
 * unblocks it as postlint's main does. Returns the exit status and the child's stderr. */
static int run_child(lua_CFunction fn, bool on_thread, bool blocked, char *msg, size_t size)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		if (child_is_forked_server_child)
			host_watchdog_on_exit(before_exit);
		if (blocked) {
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, HOST_WATCHDOG_SIGNAL);
			pthread_sigmask(SIG_BLOCK, &set, NULL);
			host_watchdog_unblock();
		}
		int rc;
		if (on_thread) {
			pthread_t t;
			void *res = NULL;
			if (pthread_create(&t, NULL, call_on_thread, (void *)(uintptr_t)fn) != 0 ||
			    pthread_join(t, &res) != 0)
				_exit(4);
			rc = *(int *)res;
		} else {
			rc = call_under_host(fn);
		}
		_exit(rc == 0 ? 0 : 3);
	}
	close(fds[1]);
	/* to the end: the child writes its message and the exit hook's line in two writes, and
	 * one read could return between them (1 run in about 15 under ctest -j2) */
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fds[0], msg + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	msg[got] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	char msg[512];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int code = run_child(stuck, false, false, msg, sizeof(msg));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_INT(code, 2, "a call stuck in C ends the process with exit code 2");
	CHECK(strstr(msg, "postlint: rule 'stuck' on 'p.md' ran for more than 1 seconds inside a "
			  "library call") != NULL, "message: %s", msg);
	CHECK(took >= 1.0 && took < 4.5, "stopped after %.2f s (watchdog set to 1 s)", took);
	code = run_child(slow_but_charging, false, false, msg, sizeof(msg));
	CHECK_INT(code, 0, "a slow call that charges its work is left to the budget");
	/* the timer's signal goes to any thread of the process: the one waiting in pthread_join
	 * or the stuck one, and either ends the run */
	code = run_child(stuck, true, false, msg, sizeof(msg));
	CHECK_INT(code, 2, "a call stuck on a worker thread ends the process too");
	CHECK(strstr(msg, "ran for more than 1 seconds") != NULL, "message: %s", msg);
	code = run_child(slow_but_charging, true, false, msg, sizeof(msg));
	CHECK_INT(code, 0, "and a charging one on a worker thread is left to the budget");
	/* a parent's blocked signal mask does not silence it */
	code = run_child(stuck, true, true, msg, sizeof(msg));
	CHECK_INT(code, 2, "a stuck call ends the process when the signal came blocked");
	/* the watchdog's timer runs here now; a forked child does not inherit it */
	CHECK_INT(call_under_host(quick), 0, "a quick call in the parent");
	child_is_forked_server_child = true;
	code = run_child(stuck, false, false, msg, sizeof(msg));
	CHECK_INT(code, 2, "a stuck call in a child forked after the watchdog ran ends it too");
	CHECK(strstr(msg, "ran for more than 1 seconds") != NULL &&
	      strstr(msg, "before exit 2\n") != NULL, "message: %s", msg);
	return check_done();
}
