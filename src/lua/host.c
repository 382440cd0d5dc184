/* The sandboxed Lua state: allocator cap, instruction budget, protected calls (see host.h). */
#define _GNU_SOURCE /* syscall, SYS_gettid, SYS_tgkill */
#include "lua/host.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua/api.h"
#include "lua/pattern.h"
#include "lua/pool.h"
#include "util/strjoin.h"
#include "util/xalloc.h"

_Static_assert(LUA_VERSION_NUM == 504, "postlint needs Lua 5.4");

/* The hook runs every HOOK_STEP instructions and charges them to the budget. */
#define HOOK_STEP 1000
/* What print() may write per state, so a chatty rule cannot flood an editor's log. */
#define PRINT_CAP (64 * 1024)
/* Allocations this large are checked against the budget at once (see host_alloc). */
#define ALLOC_CHECKED (64 * 1024)
/* Largest module file require() will read. */
#define MODULE_MAX_BYTES (4u << 20)

struct host {
	lua_State *L;
	size_t used, limit;
	long long budget_left, budget_total;
	bool budget_tripped;
	bool trust_next_call; /* host_trust_next_call */
	int trusted_ms;       /* its uncounted time */
	bool reset_needed;
	size_t printed;
	struct host_error *err; /* of the call in progress */
	void *ctx;
	char label[256];
	/* host_set_label_parts: the parts of the next call's label, joined into the watchdog's
	 * slot when the call starts (the caller keeps them until then); NULL: label */
	const char *const *label_parts;
	size_t nlabel_parts;
	int seconds;
	long long call_started_ms; /* now_ms, of the budgeted call in progress */
	bool timed_out;
	struct watch_slot *watch; /* this host's place in the watchdog's list */
	struct pool pool;         /* the state's small blocks */
	long long scratch_held;   /* bytes of scratch pads' blocks (host_scratch_held) */
	bool collector_paused;    /* host_pause_collector */
	/* host_leave_to_exit: the next host left, and the start of the state's first block
	 * (what lua_State points inside) */
	struct host *next_left;
	void *state_block;
};

/* ---- the watchdog ---------------------------------------------------------------------- */

/* A timer watches every host (one per --jobs worker): HOST_WATCHDOG_SIGNAL every
 * WATCH_TICK_MS. While a budgeted call runs, the instruction hook and every charge tick the
 * host's counter; if a counter stands still for the set number of seconds, that call is stuck
 * in C code that the hook cannot reach, and the only safe way out is to end the process (a
 * thread cannot be stopped safely). Slow but progressing Lua code (under valgrind, say) is
 * left to the instruction budget and the time limit. The slots are static, so the handler
 * never reads a freed host.
 *
 * A signal, not a thread: a one-post run (the pre-commit hook, an editor) starts no thread at
 * all, and the watchdog thread cost it 0.7 ms. A POSIX timer of its own with a real-time
 * signal, not setitimer's SIGALRM: the process's one ITIMER_REAL belongs to whoever embeds
 * the host (libFuzzer's -timeout uses it). The handler only loads atomics, reads the clock,
 * and writes and _exits: all async-signal-safe. SA_RESTART restarts the system calls it
 * interrupts (read, write, open; glibc's futex waits restart on their own), and postlint
 * makes none that a handler ends with EINTR whatever the flag (poll, select, sleep). */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
		       ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_BOOL_LOCK_FREE == 2,
	       "the watchdog's handler reads atomics: they must be lock-free");
#define WATCH_SLOTS 128
#define WATCH_TICK_MS 100

/* Trusted calls (host_trust_next_call: code compiled into postlint) run without the count
 * hook: with any hook set, the 5.4 VM stops at every instruction (luaG_traceexec), 11% of
 * the instructions of a 10,000-post run. The watchdog still watches them: once such a call
 * has run its uncounted time (host_trust_next_call), the watchdog's handler sends
 * HOST_COUNT_SIGNAL to its thread, whose handler sets the hook there (lua_sethook is made to
 * be called from a signal handler: lua.c's Ctrl-C does the same), and from then on the
 * budget and the time limit stop it like any call, with its file and line. (A coroutine the
 * call made has no hook of its own; the built-in rules make none.) */

struct watch_slot {
	atomic_bool taken;
	_Atomic long long armed_at; /* now_ms; 0 = idle */
	_Atomic unsigned long ticks;
	_Atomic int seconds;
	_Atomic int label_ready;
	/* a trusted call's thread (its kernel id) until the hook is set on it; 0: none */
	_Atomic int count_tid;
	_Atomic int uncounted_ms; /* the trusted call's time before its count starts */
	char label[256];
};

static struct watch_slot watch_slots[WATCH_SLOTS];
static void (*_Atomic before_watchdog_exit)(int code);
static struct watch_slot no_slot; /* hosts beyond WATCH_SLOTS: ticked, never watched */
/* Whether this process's watchdog timer runs (timers are not inherited by fork: see
 * forked_child). */
static atomic_bool watchdog_running;
/* Whether its timer was made and set (it may not be, on a system short of timers). */
static atomic_bool watchdog_ticking;
static pthread_mutex_t watchdog_lock = PTHREAD_MUTEX_INITIALIZER;

/* The coarse clock (a few ms of resolution, read without the TSC): the limits it measures
 * are seconds, and it is read twice per rule call and post, 400,000 times at 10,000 posts
 * (0.6% of the run with the precise clock). */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the watchdog last saw of one slot (the handler's alone). */
struct watch_seen {
	unsigned long ticks;
	long long armed, changed;
};

static struct watch_seen watch_seen[WATCH_SLOTS];
/* set while a handler runs: a tick delivered to another thread meanwhile (a VM can stall one
 * for longer than a tick) leaves watch_seen to it */
static atomic_flag watch_busy = ATOMIC_FLAG_INIT;

/* Appends s to msg[*n] (never past size - 1): snprintf is not async-signal-safe. */
static void add_text(char *msg, size_t size, size_t *n, const char *s)
{
	while (*s && *n + 1 < size)
		msg[(*n)++] = *s++;
}

static void add_number(char *msg, size_t size, size_t *n, int v)
{
	char digits[16];
	size_t k = 0;
	unsigned u = v < 0 ? 0u : (unsigned)v;
	do {
		digits[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u && k < sizeof(digits));
	while (k && *n + 1 < size)
		msg[(*n)++] = digits[--k];
}

/* Ends the process when the slot's call has made no progress for its seconds. */
static void watch_one(struct watch_slot *w, struct watch_seen *seen, long long now)
{
	long long armed = atomic_load(&w->armed_at);
	unsigned long ticks = atomic_load(&w->ticks);
	if (!armed)
		return;
	int tid = atomic_load(&w->count_tid);
	if (tid && now - armed >= atomic_load(&w->uncounted_ms) &&
	    atomic_compare_exchange_strong(&w->count_tid, &tid, 0))
		syscall(SYS_tgkill, (long)getpid(), (long)tid, (long)HOST_COUNT_SIGNAL);
	if (armed != seen->armed || ticks != seen->ticks) {
		*seen = (struct watch_seen){ ticks, armed, now };
		return;
	}
	int seconds = atomic_load(&w->seconds);
	if (now - seen->changed <= seconds * 1000LL)
		return;
	char msg[400];
	size_t n = 0;
	add_text(msg, sizeof(msg), &n, "postlint: ");
	add_text(msg, sizeof(msg), &n, atomic_load(&w->label_ready) ? w->label : "a rule");
	add_text(msg, sizeof(msg), &n, " ran for more than ");
	add_number(msg, sizeof(msg), &n, seconds);
	add_text(msg, sizeof(msg), &n, " seconds inside a library call (a pattern that "
		 "backtracks?); stopping (exit code 2)\n");
	ssize_t written = write(STDERR_FILENO, msg, n); /* stderr gone: the exit code says it */
	(void)written;
	void (*before)(int) = atomic_load(&before_watchdog_exit);
	if (before)
		before(2);
	_exit(2);
}

static void watchdog_tick(int sig)
{
	(void)sig;
	int saved = errno;
	if (!atomic_flag_test_and_set(&watch_busy)) {
		long long now = now_ms();
		for (size_t i = 0; i < WATCH_SLOTS; i++)
			watch_one(&watch_slots[i], &watch_seen[i], now);
		atomic_flag_clear(&watch_busy);
	}
	errno = saved;
}

static timer_t watch_timer;

static void budget_hook(lua_State *L, lua_Debug *ar);

/* The host whose trusted call runs on this thread, for HOST_COUNT_SIGNAL's handler (which
 * runs on this thread too), and this thread's kernel id (0: not asked yet). */
static _Thread_local struct host *volatile uncounted_host;
static _Thread_local int thread_tid;

static void start_counting(int sig)
{
	(void)sig;
	int saved = errno;
	struct host *h = uncounted_host;
	if (h)
		lua_sethook(h->L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
	errno = saved;
}

/* In a forked child (pthread_atfork, registered when the watchdog first starts): its thread
 * has another id, and the parent's timer did not come along, so the next budgeted call
 * starts one. */
static void forked_child(void)
{
	thread_tid = 0;
	atomic_store(&watchdog_running, false);
	atomic_store(&watchdog_ticking, false);
}

static int current_tid(void)
{
	if (!thread_tid)
		thread_tid = (int)syscall(SYS_gettid);
	return thread_tid;
}

/* At exit: no tick during the teardown (the handler stays, for a tick already pending). */
static void watchdog_stop(void)
{
	timer_delete(watch_timer);
}

static void watchdog_start(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_tick;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = HOST_WATCHDOG_SIGNAL;
	const struct itimerspec every = { { 0, WATCH_TICK_MS * 1000000L },
					  { 0, WATCH_TICK_MS * 1000000L } };
	struct sigaction count;
	memset(&count, 0, sizeof(count));
	count.sa_handler = start_counting;
	count.sa_flags = SA_RESTART;
	sigfillset(&count.sa_mask);
	if (sigaction(HOST_WATCHDOG_SIGNAL, &sa, NULL) != 0 ||
	    sigaction(HOST_COUNT_SIGNAL, &count, NULL) != 0 ||
	    timer_create(CLOCK_MONOTONIC, &ev, &watch_timer) != 0) {
		fprintf(stderr, "postlint: warning: cannot start the watchdog timer\n");
		return;
	}
	if (timer_settime(watch_timer, 0, &every, NULL) != 0) {
		timer_delete(watch_timer);
		fprintf(stderr, "postlint: warning: cannot start the watchdog timer\n");
		return;
	}
	atomic_store(&watchdog_ticking, true);
	static bool stop_registered; /* a forked child inherits the registrations */
	if (!stop_registered) {
		atexit(watchdog_stop);
		pthread_atfork(NULL, NULL, forked_child);
	}
	stop_registered = true;
}

void host_watchdog_on_exit(void (*before_exit)(int code))
{
	atomic_store(&before_watchdog_exit, before_exit);
}


void host_watchdog_unblock(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, HOST_WATCHDOG_SIGNAL);
	sigaddset(&set, HOST_COUNT_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static struct watch_slot *watch_slot_take(void)
{
	for (size_t i = 0; i < WATCH_SLOTS; i++) {
		bool free_slot = false;
		if (atomic_compare_exchange_strong(&watch_slots[i].taken, &free_slot, true))
			return &watch_slots[i];
	}
	return &no_slot;
}

static void watch_slot_give_back(struct watch_slot *w)
{
	if (w == &no_slot)
		return;
	atomic_store(&w->armed_at, 0);
	atomic_store(&w->taken, false);
}

static void watchdog_arm(const struct host *h)
{
	struct watch_slot *w = h->watch;
	if (w == &no_slot)
		return;
	if (!atomic_load_explicit(&watchdog_running, memory_order_acquire)) {
		pthread_mutex_lock(&watchdog_lock);
		if (!atomic_load(&watchdog_running))
			watchdog_start();
		atomic_store_explicit(&watchdog_running, true, memory_order_release);
		pthread_mutex_unlock(&watchdog_lock);
	}
	atomic_store(&w->label_ready, 0);
	if (h->label_parts)
		str_join(w->label, sizeof(w->label), h->label_parts, h->nlabel_parts);
	else
		str_copy(w->label, sizeof(w->label), h->label[0] ? h->label : "a rule");
	atomic_store(&w->label_ready, 1);
	atomic_store(&w->seconds, h->seconds > 0 ? h->seconds : HOST_WATCHDOG_SECONDS);
	atomic_store(&w->armed_at, now_ms());
}

static void watchdog_disarm(const struct host *h)
{
	atomic_store(&h->watch->armed_at, 0);
}

static char template_key, libs_key, modules_key, sizes_key, shared_envs_key;

/* ---- memory, budget, errors ----------------------------------------------------------- */

static void give_back(struct host *h, void *block, size_t size)
{
	if (pool_serves(size))
		pool_give(&h->pool, block, size);
	else
		free(block);
}

/* A block of nsize bytes holding the first bytes of block (old bytes, NULL when 0). The
 * pool's chunks count against the state's cap as well as what is in use, so that blocks
 * freed in one size and asked for in another cannot take the process past it; a block that
 * shrinks is not refused for that (Lua does not expect a shrink to fail). */
static void *resize(struct host *h, void *block, size_t old, size_t nsize)
{
	if (block && pool_same_class(old, nsize))
		return block;
	if (block && !pool_serves(old) && !pool_serves(nsize))
		return realloc(block, nsize);
	size_t cap = nsize < old ? SIZE_MAX : h->limit;
	void *fresh = pool_serves(nsize) ? pool_take(&h->pool, nsize, cap) : malloc(nsize);
	if (fresh && block) {
		memcpy(fresh, block, old < nsize ? old : nsize);
		give_back(h, block, old);
	}
	return fresh;
}

static void *host_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct host *h = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		if (ptr)
			give_back(h, ptr, old);
		h->used -= old;
		return NULL;
	}
	/* refuse growth past the cap; Lua then collects garbage and retries, or raises
	 * "not enough memory" (LUA_ERRMEM) */
	if (nsize > old && h->used - old + nsize > h->limit)
		return NULL;
	/* Bytes made cost budget too: a VM instruction can copy megabytes (s .. "x", s:sub(),
	 * s:upper()). An allocator must not raise; the hook does, at its next turn. Until then,
	 * once the budget is gone, large blocks are refused (a memory error, reported as the
	 * budget's), so a loop that copies megabytes per instruction stops at once; small ones
	 * are still served, for the error's own message and traceback. */
	if (nsize > old && h->budget_total > 0) {
		h->budget_left -= (long long)((nsize - old) / 32);
		if (nsize - old >= ALLOC_CHECKED) {
			atomic_fetch_add_explicit(&h->watch->ticks, 1, memory_order_relaxed);
			if (h->budget_left <= 0) {
				h->budget_tripped = true;
				return NULL;
			}
		}
	}
	void *p = resize(h, ptr, old, nsize);
	if (!p)
		return NULL;
	h->used = h->used - old + nsize;
	return p;
}

struct host *host_of(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

/* Charges HOOK_STEP instructions. Once the budget is gone the flag stays set and the hook is
 * re-armed to fire on every instruction of every thread, so a rule's own pcall, xpcall or
 * coroutine cannot swallow the error and carry on (tech-notes 1.4, redis luaMaskCountHook). */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
	struct host *h = host_of(L);
	atomic_fetch_add_explicit(&h->watch->ticks, 1, memory_order_relaxed);
	if (!h->budget_tripped) {
		h->budget_left -= HOOK_STEP;
		/* the clock, for the work no charge sees (comparing two long strings is one
		 * instruction and a memcmp): a call over the time limit is stopped like one over
		 * budget */
		int seconds = h->seconds > 0 ? h->seconds : HOST_WATCHDOG_SECONDS;
		if (now_ms() - h->call_started_ms > seconds * 1000LL)
			h->timed_out = true;
		if (h->budget_left > 0 && !h->timed_out)
			return;
		h->budget_tripped = true;
	}
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
	/* luaL_error would name the caller's line; name the running function's line instead */
	lua_getinfo(L, "Sl", ar);
	if (h->timed_out)
		lua_pushfstring(L, "%s:%d: time limit exceeded (%d seconds)", ar->short_src,
				ar->currentline, h->seconds > 0 ? h->seconds : HOST_WATCHDOG_SECONDS);
	else
		lua_pushfstring(L, "%s:%d: instruction budget exceeded (%d million instructions)",
				ar->short_src, ar->currentline, (int)(h->budget_total / 1000000));
	lua_error(L);
}

static int raise_budget(lua_State *L, struct host *h)
{
	h->budget_tripped = true;
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
	luaL_where(L, 1);
	lua_pushfstring(L, "instruction budget exceeded (%d million instructions)",
			(int)(h->budget_total / 1000000));
	lua_concat(L, 2);
	return lua_error(L);
}

void host_tick(struct host *h)
{
	atomic_fetch_add_explicit(&h->watch->ticks, 1, memory_order_relaxed);
}

bool host_budget_spent(const struct host *h)
{
	return h->budget_tripped || (h->budget_total > 0 && h->budget_left <= 0);
}

void host_scratch_held(struct host *h, long long delta)
{
	h->scratch_held += delta;
}

void host_charge(lua_State *L, long long units)
{
	struct host *h = host_of(L);
	if (h->budget_total <= 0)
		return;
	/* charged work is progress: the watchdog is only for calls that charge nothing */
	atomic_fetch_add_explicit(&h->watch->ticks, 1, memory_order_relaxed);
	h->budget_left -= units;
	if (h->budget_left <= 0 || h->budget_tripped)
		raise_budget(L, h);
}

/* Message handler: records where the error happened and a traceback, returns the message. */
static int message_handler(lua_State *L)
{
	struct host *h = host_of(L);
	const char *msg;
	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
		msg = lua_tostring(L, 1);
	} else if (!h->budget_tripped && luaL_callmeta(L, 1, "__tostring") &&
		   lua_type(L, -1) == LUA_TSTRING) {
		msg = lua_tostring(L, -1);
	} else {
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	if (h->err) {
		lua_Debug ar;
		h->err->where[0] = '\0';
		for (int level = 0; lua_getstack(L, level, &ar); level++) {
			lua_getinfo(L, "Sl", &ar);
			if (ar.currentline > 0 && (strcmp(ar.what, "Lua") == 0 || strcmp(ar.what, "main") == 0)) {
				snprintf(h->err->where, sizeof(h->err->where), "%s:%d", ar.short_src,
					 ar.currentline);
				break;
			}
		}
		luaL_traceback(L, L, msg, 1);
		str_copy(h->err->traceback, sizeof(h->err->traceback), lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pushstring(L, msg);
	return 1;
}

static int on_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "postlint: internal error: unprotected Lua error: %s\n", msg ? msg : "?");
	exit(2);
}

/* Warnings only come from finalizer errors, and __gc is refused: drop them. */
static void on_warning(void *ud, const char *msg, int tocont)
{
	(void)ud;
	(void)msg;
	(void)tocont;
}

/* ---- the sandbox's replacements for unsafe base functions ----------------------------- */

static int f_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE) {
		/* finalizers run with hooks off; so do __close handlers when a coroutine stopped by
		 * the budget is closed: either could loop for ever */
		static const char *const refused[] = { "__gc", "__close", NULL };
		for (const char *const *m = refused; *m; m++) {
			lua_pushstring(L, *m);
			if (lua_rawget(L, 2) != LUA_TNIL)
				return luaL_error(L, "setmetatable: %s metamethods are not allowed in rules",
						  *m);
			lua_pop(L, 1);
		}
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static int f_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	if (strcmp(opt, "count") != 0)
		return luaL_error(L, "collectgarbage('%s') is not allowed in rules (only 'count')", opt);
	int kb = lua_gc(L, LUA_GCCOUNT, 0);
	int b = lua_gc(L, LUA_GCCOUNTB, 0);
	lua_pushnumber(L, (lua_Number)kb + ((lua_Number)b / 1024));
	return 1;
}

static int f_print(lua_State *L)
{
	struct host *h = host_of(L);
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_addvalue(&b);
		(void)s;
		(void)len;
	}
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	if (h->printed < PRINT_CAP) {
		if (len > PRINT_CAP - h->printed)
			len = PRINT_CAP - h->printed;
		fprintf(stderr, "postlint: print: %.*s\n", (int)len, s);
		h->printed += len;
	}
	return 0;
}

/* xpcall(f, msgh, ...): an error raised by the budget hook reaches the message handler while
 * Lua has hooks switched off (they are restored only when the pcall unwinds), so a handler
 * that loops would never be stopped. Once the budget is gone, the rule's handler is skipped
 * and the error passes through unchanged. */
static int xpcall_handler(lua_State *L)
{
	if (host_of(L)->budget_tripped)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int finish_xpcall(lua_State *L, int status, lua_KContext extra)
{
	if (status != LUA_OK && status != LUA_YIELD) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int f_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1); /* the first result when all goes well */
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* stack: f, handler, true, f, args... */
	int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_xpcall);
	return finish_xpcall(L, status, 2);
}

/* Library functions that loop in C over a table or a string: charged by the work they will
 * do before they run. Upvalue 2 says how: RANGE (the elements or bytes between the call's
 * i and j, as the function itself resolves them, / 8: table.concat, utf8.len,
 * utf8.codepoint - charging the whole size would make a loop over ranges of one long text
 * quadratic), OFFSET (utf8.offset walks |n| characters), INSERT and REMOVE at a position
 * (the elements after it move; appending and popping cost nothing), SORT (n log n). */
enum { CHARGE_CONCAT, CHARGE_UTF8_LEN, CHARGE_CODEPOINT, CHARGE_OFFSET, CHARGE_INSERT,
       CHARGE_REMOVE, CHARGE_SORT };

/* Argument idx as an integer, or dflt when absent or not an integer (the function itself
 * then raises the error). */
static double int_arg(lua_State *L, int idx, double dflt)
{
	return lua_isinteger(L, idx) ? (double)lua_tointeger(L, idx) : dflt;
}

/* A string position as utf8.len and utf8.codepoint resolve it: negative from the end. */
static double string_pos(double pos, double len)
{
	return pos >= 0 ? pos : len + pos + 1;
}

static double span(double i, double j)
{
	return j >= i ? j - i + 1 : 0;
}

static int f_charged_by_size(lua_State *L)
{
	int how = (int)lua_tointeger(L, lua_upvalueindex(2));
	int t = lua_type(L, 1), nargs = lua_gettop(L);
	double n = t == LUA_TTABLE || t == LUA_TSTRING ? (double)lua_rawlen(L, 1) : 0;
	double units = 1;
	if (how == CHARGE_CONCAT) {
		units += span(int_arg(L, 3, 1), int_arg(L, 4, n)) / 8;
	} else if (how == CHARGE_UTF8_LEN) {
		units += span(string_pos(int_arg(L, 2, 1), n), string_pos(int_arg(L, 3, -1), n)) / 8;
	} else if (how == CHARGE_CODEPOINT) {
		double i = string_pos(int_arg(L, 2, 1), n);
		units += span(i, string_pos(int_arg(L, 3, i), n)) / 8;
	} else if (how == CHARGE_OFFSET) {
		double chars = fabs(int_arg(L, 2, 0));
		units += (chars * 4 < n ? chars * 4 : n) / 8;
	} else if ((how == CHARGE_INSERT && nargs == 3) || (how == CHARGE_REMOVE && nargs == 2)) {
		double pos = (double)lua_tointeger(L, 2);
		units += n > pos ? n - pos : 0;
	} else if (how == CHARGE_SORT && n > 1) {
		units += n * log2(n) / 2;
	}
	host_charge(L, units > 1e15 ? (long long)1e15 : (long long)units);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static void charge_by_size(lua_State *L, int lib, const char *name, int how)
{
	lua_getfield(L, lib, name);
	lua_pushinteger(L, how);
	lua_pushcclosure(L, f_charged_by_size, 2);
	lua_setfield(L, lib, name);
}

/* table.move(a1, f, e, t [, a2]) moves e - f + 1 elements in C: charge them. */
static int f_table_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
	if (e >= f)
		host_charge(L, e - f < LLONG_MAX / 4 ? (long long)(e - f) + 1 : LLONG_MAX / 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* string.rep(s, n [, sep]) builds its result in C: charge the result's size first, and
 * the count itself ((""):rep(math.maxinteger) builds nothing but loops for ever). */
static int f_string_rep(lua_State *L)
{
	size_t len = 0, seplen = 0;
	if (lua_type(L, 1) == LUA_TSTRING)
		lua_tolstring(L, 1, &len);
	if (lua_type(L, 3) == LUA_TSTRING)
		lua_tolstring(L, 3, &seplen);
	long long units = 1;
	lua_Integer n = lua_tointeger(L, 2);
	if (n > 0) {
		/* a byte copied costs about what an instruction does; a turn of the loop a bit */
		double work = (double)n * ((double)len + (double)seplen) / 8 + (double)n / 16;
		units += (long long)(work > 1e15 ? 1e15 : work);
	}
	host_charge(L, units);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* load(chunk [, chunkname [, mode [, env]]]): text only; without env, the caller's own
 * environment (the real globals are never reachable). */
static int f_load(lua_State *L)
{
	size_t len;
	const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
	const char *chunkname = luaL_optstring(L, 2, "=(load)");
	const char *mode = luaL_optstring(L, 3, "t");
	if (!s) {
		luaL_pushfail(L);
		lua_pushliteral(L, "load: rules may only load source text given as a string");
		return 2;
	}
	if (strchr(mode, 'b')) {
		luaL_pushfail(L);
		lua_pushliteral(L, "load: binary chunks are not allowed in rules");
		return 2;
	}
	int env = lua_isnone(L, 4) ? lua_upvalueindex(1) : 4;
	if (luaL_loadbufferx(L, s, len, chunkname, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushvalue(L, env);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	return 1;
}

/* ---- require: modules of the rule's own folder only ------------------------------------ */

static bool valid_module_name(const char *name)
{
	size_t seg = 0;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c == '.') {
			if (seg == 0)
				return false;
			seg = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
		seg++;
	}
	return seg > 0;
}

/* Pushes the module's source as a string, or raises. */
static void push_module_source(lua_State *L, const struct module_root *root, const char *rel)
{
	if (!root->dir) {
		for (size_t i = 0; i < root->nfiles; i++) {
			if (strcmp(root->files[i].name, rel) == 0) {
				lua_pushlstring(L, root->files[i].data, root->files[i].len);
				return;
			}
		}
		luaL_error(L, "module '%s' not found in %s", rel, root->display);
		return;
	}
	/* Resolve symlinks and refuse anything outside the folder. All C allocations here are
	 * released before the next Lua call that could raise. */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root->dir, rel);
	char *real = realpath(path, NULL);
	char *real_root = realpath(root->dir, NULL);
	bool inside = real && real_root && strncmp(real, real_root, strlen(real_root)) == 0 &&
		      real[strlen(real_root)] == '/';
	struct stat st;
	bool ok = inside && stat(real, &st) == 0 && S_ISREG(st.st_mode) &&
		  (size_t)st.st_size <= MODULE_MAX_BYTES;
	size_t size = ok ? (size_t)st.st_size : 0;
	if (ok)
		snprintf(path, sizeof(path), "%s", real);
	free(real);
	free(real_root);
	if (!ok)
		luaL_error(L, "module '%s' not found in %s", rel, root->display);
	char *data = lua_newuserdatauv(L, size ? size : 1, 0);
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(data, 1, size, f) : 0;
	if (f)
		fclose(f);
	if (got != size)
		luaL_error(L, "cannot read module '%s' in %s", rel, root->display);
	lua_pushlstring(L, data, size);
	lua_remove(L, -2);
}

/* __close of a require's guard { cache, name }: when the require ends by an error (the module
 * not found, a syntax error, an error in its main chunk, memory), its "loading" mark is taken
 * away, so that the next require tries again and gets the same error, as Lua's own require
 * does, rather than being told of a cycle. A require that loaded the module has replaced the
 * mark by then. A to-be-closed slot rather than a pcall: the error goes on with its status
 * (a memory error stays one). */
static int clear_loading_mark(lua_State *L)
{
	lua_rawgeti(L, 1, 1); /* the cache */
	lua_rawgeti(L, 1, 2); /* the name */
	lua_pushvalue(L, -1);
	if (lua_rawget(L, -3) == LUA_TLIGHTUSERDATA) {
		lua_pop(L, 1);
		lua_pushnil(L); /* setting a key to nil allocates nothing */
		lua_rawset(L, -3);
	}
	return 0;
}

static int f_require(lua_State *L)
{
	const struct module_root *root = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = luaL_checkstring(L, 1);
	if (!valid_module_name(name))
		return luaL_error(L, "require: '%s' is not a module name (rules may only require "
				  "modules of their own folder, like 'lib.words')", name);
	lua_settop(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &modules_key);
	if (lua_rawgetp(L, -1, root) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, -3, root);
	}
	int cache = lua_gettop(L);
	if (lua_getfield(L, cache, name) != LUA_TNIL) {
		if (lua_islightuserdata(L, -1))
			return luaL_error(L, "require: module '%s' requires itself", name);
		return 1;
	}
	lua_pop(L, 1);
	lua_createtable(L, 2, 0); /* the guard: made before the mark, so that no error comes between */
	lua_pushvalue(L, cache);
	lua_rawseti(L, -2, 1);
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, 2);
	if (luaL_newmetatable(L, "postlint.require_guard")) {
		lua_pushcfunction(L, clear_loading_mark);
		lua_setfield(L, -2, "__close");
	}
	lua_setmetatable(L, -2);
	lua_toclose(L, -1);
	lua_pushlightuserdata(L, (void *)&modules_key); /* marks "loading" */
	lua_setfield(L, cache, name);

	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (const char *p = name; *p; p++)
		luaL_addchar(&b, *p == '.' ? '/' : *p);
	luaL_addstring(&b, ".lua");
	luaL_pushresult(&b);
	const char *rel = lua_tostring(L, -1);
	const struct embedded_file *embedded = NULL;
	for (size_t i = 0; !root->dir && i < root->nfiles; i++)
		if (strcmp(root->files[i].name, rel) == 0)
			embedded = &root->files[i];
	if (embedded) {
		/* compiled into the binary, with its bytecode made at build time */
		lua_pushfstring(L, "@%s/%s", root->display, rel);
		host_push_env(L, root);
		host_load_embedded(L, embedded, lua_tostring(L, -2), lua_gettop(L),
				   root->whole_chunks);
	} else {
		push_module_source(L, root, rel);
		lua_pushfstring(L, "@%s/%s", root->display, rel);
		host_push_env(L, root);
		size_t len;
		const char *src = lua_tolstring(L, -3, &len);
		host_load_chunk(L, src, len, lua_tostring(L, -2), lua_gettop(L));
	}
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, cache, name);
	return 1;
}

/* ---- environments ----------------------------------------------------------------------- */

static int count_fields(lua_State *L, int index)
{
	index = lua_absindex(L, index);
	int n = 0;
	lua_pushnil(L);
	while (lua_next(L, index)) {
		lua_pop(L, 1);
		n++;
	}
	return n;
}

/* The number of fields of the sandbox's table at index (the template or a library, which
 * do not change once the state is set up), counted once per state: every environment is
 * made from them, and counting them again for each was a third of making it. */
/* Pushes the registry's table at key, made empty the first time it is asked for. */
static void push_registry_table(lua_State *L, const void *key)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, key);
	}
}

static int fields_of(lua_State *L, int index)
{
	index = lua_absindex(L, index);
	push_registry_table(L, &sizes_key);
	lua_pushvalue(L, index);
	int known = lua_rawget(L, -2) == LUA_TNUMBER;
	int n = known ? (int)lua_tointeger(L, -1) : count_fields(L, index);
	lua_pop(L, 1);
	if (!known) {
		lua_pushvalue(L, index);
		lua_pushinteger(L, n);
		lua_rawset(L, -3);
	}
	lua_pop(L, 1);
	return n;
}

/* Copies are made at their final size: every rule and module gets its own environment, and
 * growing its tables key by key rehashed each of them several times at every start. */
static void shallow_copy(lua_State *L, int index)
{
	index = lua_absindex(L, index);
	lua_createtable(L, 0, fields_of(L, index));
	lua_pushnil(L);
	while (lua_next(L, index)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
}

/* The built-in rules and their modules (compiled in: a root without a folder) share one
 * environment: they are postlint's own code, and none of them sets a global (all their names
 * are locals), while making each of them its own copy of the libraries was 13% of a
 * one-post lint. Rules from disk - plugins, a team's rules, --rules-dir - each get their
 * own, so that none sees what another did to its globals or its libraries. */
static bool push_shared_env(lua_State *L, const struct module_root *root)
{
	push_registry_table(L, &shared_envs_key);
	if (lua_rawgetp(L, -1, root) != LUA_TTABLE) {
		lua_pop(L, 2);
		return false;
	}
	lua_remove(L, -2);
	return true;
}

static void keep_shared_env(lua_State *L, const struct module_root *root, int env)
{
	push_registry_table(L, &shared_envs_key);
	lua_pushvalue(L, env);
	lua_rawsetp(L, -2, root);
	lua_pop(L, 1);
}

void host_push_env(lua_State *L, const struct module_root *root)
{
	bool shared = root && !root->dir;
	if (shared && push_shared_env(L, root))
		return;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &template_key);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &libs_key);
	int fields = fields_of(L, -2) + fields_of(L, -1) + 3; /* _G, load, require */
	lua_pop(L, 2);
	lua_createtable(L, 0, fields);
	int env = lua_gettop(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &template_key);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, env);
	}
	lua_pop(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &libs_key);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2); /* name */
		shallow_copy(L, -2);  /* own copy of the library table */
		lua_rawset(L, env);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, env);
	lua_setfield(L, env, "_G");
	lua_pushvalue(L, env);
	lua_pushcclosure(L, f_load, 1);
	lua_setfield(L, env, "load");
	if (root) {
		lua_pushlightuserdata(L, (void *)root);
		lua_pushcclosure(L, f_require, 1);
		lua_setfield(L, env, "require");
	}
	if (shared)
		keep_shared_env(L, root, env);
}

void host_push_empty_env(lua_State *L)
{
	lua_newtable(L);
}

/* Loads a chunk in mode "t" (source) or "b" (bytecode). */
static void load_chunk(lua_State *L, const char *src, size_t len, const char *chunkname,
		       int env_index, const char *mode)
{
	env_index = lua_absindex(L, env_index);
	if (luaL_loadbufferx(L, src, len, chunkname, mode) != LUA_OK) {
		/* a few parser errors ("C stack overflow" from deep nesting) carry no position:
		 * name the file at least */
		const char *msg = lua_tostring(L, -1);
		const char *file = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
		if (msg && strncmp(msg, file, strlen(file)) != 0) {
			lua_pushfstring(L, "%s: %s", file, msg);
			lua_error(L);
		}
		lua_error(L);
	}
	lua_pushvalue(L, env_index);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
}

void host_load_chunk(lua_State *L, const char *src, size_t len, const char *chunkname,
		     int env_index)
{
	load_chunk(L, src, len, chunkname, env_index, "t");
}

void host_load_embedded(lua_State *L, const struct embedded_file *f, const char *chunkname,
			int env_index, bool whole)
{
	if (f->lint_bytecode && !whole)
		load_chunk(L, (const char *)f->lint_bytecode, f->lint_bytecode_len, chunkname,
			   env_index, "b");
	else if (f->bytecode)
		load_chunk(L, (const char *)f->bytecode, f->bytecode_len, chunkname, env_index, "b");
	else
		load_chunk(L, f->data, f->len, chunkname, env_index, "t");
}

/* ---- state setup ---------------------------------------------------------------------- */

static int setup_state(lua_State *L)
{
	static const struct {
		const char *name;
		lua_CFunction open;
	} libs[] = {
		{ LUA_GNAME, luaopen_base },        { LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table },  { LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },  { LUA_COLIBNAME, luaopen_coroutine },
	};
	luaL_checkversion(L);
	for (size_t i = 0; i < sizeof(libs) / sizeof(*libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	int g = lua_gettop(L);

	/* Strip what no environment may see, from the real tables too (a leaked reference to
	 * them must expose nothing). String methods resolve through the real string table. */
	static const char *const unsafe_globals[] = { "dofile", "loadfile", "load", "require",
		"collectgarbage", "print", "warn", "setmetatable", NULL };
	for (const char *const *n = unsafe_globals; *n; n++) {
		lua_pushnil(L);
		lua_setfield(L, g, *n);
	}
	lua_getfield(L, g, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	/* in the real string table, so that ("x"):find(...) is charged too; the pattern
	 * functions are replaced by step-counted ones, so a backtracking pattern runs out of
	 * budget like a loop instead of running on in C */
	lua_getfield(L, -1, "rep");
	lua_pushcclosure(L, f_string_rep, 1);
	lua_setfield(L, -2, "rep");
	pattern_register(L, -1, true);
	lua_pop(L, 1);
	lua_getfield(L, g, LUA_TABLIBNAME);
	lua_getfield(L, -1, "move");
	lua_pushcclosure(L, f_table_move, 1);
	lua_setfield(L, -2, "move");
	charge_by_size(L, lua_gettop(L), "concat", CHARGE_CONCAT);
	charge_by_size(L, lua_gettop(L), "insert", CHARGE_INSERT);
	charge_by_size(L, lua_gettop(L), "remove", CHARGE_REMOVE);
	charge_by_size(L, lua_gettop(L), "sort", CHARGE_SORT);
	lua_pop(L, 1);
	lua_getfield(L, g, LUA_UTF8LIBNAME);
	charge_by_size(L, lua_gettop(L), "len", CHARGE_UTF8_LEN);
	charge_by_size(L, lua_gettop(L), "offset", CHARGE_OFFSET);
	charge_by_size(L, lua_gettop(L), "codepoint", CHARGE_CODEPOINT);
	lua_pop(L, 1);
	/* math.random would make output differ from run to run; the 5.3 compatibility functions
	 * Debian compiles in would make rules break on other builds */
	static const char *const unsafe_math[] = { "random", "randomseed", "pow", "ldexp", "frexp",
		"cosh", "sinh", "tanh", "log10", NULL };
	lua_getfield(L, g, LUA_MATHLIBNAME);
	for (const char *const *n = unsafe_math; *n; n++) {
		lua_pushnil(L);
		lua_setfield(L, -2, *n);
	}
	lua_pop(L, 1);
	/* getmetatable("") must not hand out the real string table */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "string");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);

	/* os: only the clock and calendar functions */
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	lua_newtable(L);
	static const char *const os_safe[] = { "time", "date", "clock", "difftime", NULL };
	for (const char *const *n = os_safe; *n; n++) {
		lua_getfield(L, -2, *n);
		lua_setfield(L, -2, *n);
	}
	lua_remove(L, -2);
	int os = lua_gettop(L);

	/* libraries: copied per environment */
	lua_newtable(L);
	int libt = lua_gettop(L);
	static const char *const lib_names[] = { LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
		LUA_UTF8LIBNAME, LUA_COLIBNAME, NULL };
	for (const char *const *n = lib_names; *n; n++) {
		lua_getfield(L, g, *n);
		lua_setfield(L, libt, *n);
		lua_pushnil(L);
		lua_setfield(L, g, *n);
	}
	lua_pushvalue(L, os);
	lua_setfield(L, libt, "os");
	api_open_lint(L);
	lua_setfield(L, libt, "lint");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &libs_key);
	lua_pop(L, 1); /* os */

	/* template: the remaining safe base functions plus the replacements */
	lua_newtable(L);
	int tmpl = lua_gettop(L);
	static const char *const base_safe[] = { "assert", "error", "ipairs", "next", "pairs",
		"pcall", "rawequal", "rawget", "rawlen", "rawset", "select", "tonumber",
		"tostring", "type", "getmetatable", "_VERSION", NULL };
	for (const char *const *n = base_safe; *n; n++) {
		lua_getfield(L, g, *n);
		lua_setfield(L, tmpl, *n);
	}
	lua_pushcfunction(L, f_setmetatable);
	lua_setfield(L, tmpl, "setmetatable");
	lua_pushcfunction(L, f_collectgarbage);
	lua_setfield(L, tmpl, "collectgarbage");
	lua_pushcfunction(L, f_xpcall);
	lua_setfield(L, tmpl, "xpcall");
	lua_pushcfunction(L, f_print);
	lua_setfield(L, tmpl, "print");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &template_key);

	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &modules_key);
	lua_pop(L, 1); /* globals */
	return 0;
}

struct host *host_new(const struct host_limits *limits)
{
	struct host *h = xcalloc(1, sizeof(*h));
	h->limit = limits && limits->memory ? limits->memory : HOST_DEFAULT_MEMORY;
	h->watch = watch_slot_take();
	h->L = lua_newstate(host_alloc, h);
	if (!h->L) {
		pool_release(&h->pool);
		watch_slot_give_back(h->watch);
		free(h);
		return NULL;
	}
	lua_atpanic(h->L, on_panic);
	lua_setwarnf(h->L, on_warning, h);
	struct host_error err;
	if (host_call(h, setup_state, NULL, 0, &err) < 0) {
		fprintf(stderr, "postlint: cannot set up Lua: %s\n", err.message);
		host_free(h);
		return NULL;
	}
	h->reset_needed = false;
	return h;
}

/* Hosts left to the exit, reachable from here until then. */
static _Atomic(struct host *) left_to_exit;

void host_leave_to_exit(struct host *h)
{
	if (!h)
		return;
	watch_slot_give_back(h->watch);
	h->watch = &no_slot;
	h->state_block = h->L ? lua_getextraspace(h->L) : NULL;
	struct host *head = atomic_load(&left_to_exit);
	do
		h->next_left = head;
	while (!atomic_compare_exchange_weak(&left_to_exit, &head, h));
}

void host_free(struct host *h)
{
	if (!h)
		return;
	if (h->L)
		lua_close(h->L);
	pool_release(&h->pool);
	watch_slot_give_back(h->watch);
	free(h);
}

void host_trust_next_call(struct host *h, int uncounted_ms)
{
	h->trust_next_call = true;
	h->trusted_ms = uncounted_ms > 0 ? uncounted_ms : 0;
}

lua_State *host_state(struct host *h)
{
	return h->L;
}

void host_set_context(struct host *h, void *ctx)
{
	h->ctx = ctx;
}

void *host_context(struct host *h)
{
	return h->ctx;
}

void host_set_memory_limit(struct host *h, size_t bytes)
{
	h->limit = bytes;
}

bool host_needs_reset(const struct host *h)
{
	return h->reset_needed;
}

void host_set_watchdog(struct host *h, int seconds)
{
	h->seconds = seconds;
}

void host_set_label(struct host *h, const char *label)
{
	h->label_parts = NULL;
	str_copy(h->label, sizeof(h->label), label);
}

void host_set_label_parts(struct host *h, const char *const *parts, size_t n)
{
	/* joined once, into the watchdog's slot, when the call starts (watchdog_arm): joined
	 * here and copied there, it was two copies of the label per rule and post, 1% of a
	 * run's instructions */
	h->label_parts = parts;
	h->nlabel_parts = n;
	h->label[0] = '\0'; /* (a later call with no label of its own is "a rule") */
}

size_t host_memory(const struct host *h)
{
	return h->used;
}

size_t host_memory_limit(const struct host *h)
{
	return h->limit;
}

static void resume_collector(struct host *h)
{
	if (h->collector_paused) {
		lua_gc(h->L, LUA_GCRESTART);
		h->collector_paused = false;
	}
}

void host_collect(struct host *h)
{
	lua_gc(h->L, LUA_GCCOLLECT, 0);
}

/* Most of what rules allocate for a post (its tables, the analysis, the reports' strings)
 * is garbage when the next post starts, while the rules, the word lists and the calendar's
 * data live for the run: the case generational collection is for. The incremental
 * collector traverses everything alive in every cycle; at 10,000 posts the run took 4% less
 * CPU time generationally (9 alternating runs; 100,000 posts: 9% less in 3), with the same
 * peak memory. For a state that lints a few posts it costs: one post took 2.7 ms more (the
 * rules' first use of their long-lived data is traversed by several young collections).
 * Lua 5.4.4 may set the next cycle's target late after a full collection in this mode
 * (fixed in 5.4.5): at worst the heap grows back to where it was before that collection,
 * within the memory cap, which still applies allocation by allocation. */
void host_collect_generationally(struct host *h)
{
	resume_collector(h);
	lua_gc(h->L, LUA_GCGEN, 0, 0);
}

/* Loading the built-in rules and linting one post, the collector's cycles were 0.9 of 15
 * million instructions (6%), marking the rules' tables again and again: nearly everything
 * a one-post run makes lives to its end (peak RSS no higher: 5.6-5.8 MB against 6.0). */
void host_pause_collector(struct host *h)
{
	lua_gc(h->L, LUA_GCSTOP);
	h->collector_paused = true;
}

int host_call(struct host *h, lua_CFunction fn, void *ud, long long instructions,
	      struct host_error *err)
{
	lua_State *L = h->L;
	if (h->collector_paused && h->used > HOST_PAUSED_HEAP)
		resume_collector(h);
	/* its strings are read up to their ends: cleared so, not all 3 KB of them (a memset per
	 * rule call and post) */
	err->kind = HOST_OK;
	err->message[0] = err->where[0] = err->traceback[0] = '\0';
	h->err = err;
	h->budget_tripped = false;
	h->timed_out = false;
	h->call_started_ms = now_ms();
	h->budget_total = h->budget_left = instructions;
	bool trusted = h->trust_next_call;
	h->trust_next_call = false;
	/* 0 is only for the host's own work, which runs no rule code */
	if (instructions > 0) {
		watchdog_arm(h);
		/* without a timer watching this host, nothing would start the count */
		trusted = trusted && h->watch != &no_slot && atomic_load(&watchdog_ticking);
		if (trusted) {
			lua_sethook(L, NULL, 0, 0);
			uncounted_host = h;
			atomic_signal_fence(memory_order_seq_cst);
			atomic_store(&h->watch->uncounted_ms, h->trusted_ms);
			atomic_store(&h->watch->count_tid, current_tid());
		} else {
			lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
		}
	} else {
		trusted = false;
		lua_sethook(L, NULL, 0, 0);
	}
	int base = lua_gettop(L);
	int status = LUA_ERRMEM;
	if (lua_checkstack(L, 4)) {
		lua_pushcfunction(L, message_handler);
		lua_pushcfunction(L, fn);
		lua_pushlightuserdata(L, ud);
		status = lua_pcall(L, 1, 0, base + 1);
	}
	if (status != LUA_OK) {
		if (h->budget_tripped) {
			err->kind = HOST_ERR_BUDGET;
		} else if (status == LUA_ERRMEM) {
			err->kind = HOST_ERR_MEMORY;
			snprintf(err->message, sizeof(err->message),
				 "memory limit exceeded (%zu MB for rules)", h->limit >> 20);
		} else {
			err->kind = status == LUA_ERRSYNTAX ? HOST_ERR_SYNTAX : HOST_ERR_RUNTIME;
		}
		if (err->kind == HOST_ERR_BUDGET && status == LUA_ERRMEM) {
			/* a large block refused by host_alloc once the budget was spent */
			snprintf(err->message, sizeof(err->message),
				 "instruction budget exceeded (%d million instructions)",
				 (int)(h->budget_total / 1000000));
		} else if (err->kind != HOST_ERR_MEMORY) {
			const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			if (status == LUA_ERRERR)
				msg = "error while handling an error (a __tostring that fails or loops?)";
			str_copy(err->message, sizeof(err->message), msg ? msg : "unknown error");
		}
		if (err->kind == HOST_ERR_BUDGET || err->kind == HOST_ERR_MEMORY)
			h->reset_needed = true;
	}
	if (trusted) {
		atomic_store(&h->watch->count_tid, 0);
		atomic_signal_fence(memory_order_seq_cst);
		uncounted_host = NULL;
		atomic_signal_fence(memory_order_seq_cst);
	}
	if (instructions > 0)
		watchdog_disarm(h);
	h->label_parts = NULL; /* (the caller's, for this call only) */
	lua_settop(L, base);
	lua_sethook(L, NULL, 0, 0);
	h->budget_total = h->budget_left = 0; /* host_alloc charges nothing between calls */
	h->err = NULL;
	if ((status != LUA_OK && (err->kind == HOST_ERR_MEMORY || err->kind == HOST_ERR_BUDGET)) ||
	    h->scratch_held > 0)
		lua_gc(L, LUA_GCCOLLECT, 0);
	return status == LUA_OK ? 0 : -1;
}
