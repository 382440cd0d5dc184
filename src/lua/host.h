/* One sandboxed Lua 5.4 state: capped memory, an instruction budget per call, protected calls
 * with tracebacks, and fresh environments for rule and config chunks.
 *
 * A host is used by one thread. Every Lua operation goes through host_call, which runs a C
 * function under lua_pcall with a message handler, so no Lua error can reach the panic handler
 * and abort. After a call that ran out of budget or memory the state is still consistent, but
 * host_needs_reset says it should be rebuilt before it is trusted again (tech-notes 1.7).
 *
 * Sandbox (DESIGN section 6): only base, string, table, math, utf8 and coroutine are opened,
 * plus os.time/os.date/os.clock; no io, os, debug or package; load accepts text only and runs
 * in the caller's environment; string.dump, dofile, loadfile and math.random are gone;
 * setmetatable refuses __gc and __close (they can run with hooks off, so they could loop forever);
 * xpcall skips the rule's message handler once the budget is gone (same reason);
 * collectgarbage only answers "count". Each environment gets its own copies of the library
 * tables, so one rule cannot replace another's string.find. */
#ifndef POSTLINT_HOST_H
#define POSTLINT_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "embedded.h"

#define HOST_DEFAULT_INSTRUCTIONS 20000000LL /* per rule call; about 0.1 s */
#define HOST_DEFAULT_MEMORY (64u << 20)      /* per state, plus 4x the post size */
/* The instruction budget stops Lua code and the library work charged to it (patterns are
 * step-counted, bytes allocated are charged); a call running longer than this many seconds is
 * stopped by the hook as over budget; one stuck that long inside a single library function
 * that charges nothing is stopped by a watchdog that ends the process with exit code 2,
 * naming the rule and the post (a last resort: no library function is known to do that). */
#define HOST_WATCHDOG_SECONDS 10

struct host_limits {
	long long instructions;
	size_t memory;
	int seconds; /* wall clock per call, for the watchdog (0: HOST_WATCHDOG_SECONDS) */
};

enum host_error_kind {
	HOST_OK,
	HOST_ERR_RUNTIME,
	HOST_ERR_SYNTAX,
	HOST_ERR_BUDGET,
	HOST_ERR_MEMORY,
};

struct host_error {
	enum host_error_kind kind;
	char message[1024]; /* one line: "file:line: what went wrong" where known */
	char where[256];    /* innermost Lua frame, "file:line", or "" */
	char traceback[2048];
};

/* Where `require` looks: an embedded file set or a folder on disk. */
struct module_root {
	const char *display; /* prefix for chunk names, e.g. "rules" or "plugins/brand" */
	const char *dir;     /* folder on disk, or NULL for embedded files */
	const struct embedded_file *files;
	size_t nfiles;
	bool whole_chunks; /* require loads embedded files whole (host_load_embedded) */
};

struct host;

struct host *host_new(const struct host_limits *limits);
void host_free(struct host *h);
/* The process ends after this run: the state is left to the exit rather than freed object by
 * object (lua_close of a one-post lint's state was 6% of its instructions, and each worker's
 * state at the end of a large run stood between its last post and the output). It stays
 * reachable from a static, so that leak checkers see memory in use, not lost. Any thread. */
void host_leave_to_exit(struct host *h);
lua_State *host_state(struct host *h);
struct host *host_of(lua_State *L);

/* Opaque pointer for the API layers (the current run's context). */
void host_set_context(struct host *h, void *ctx);
void *host_context(struct host *h);

/* Memory cap for the state from now on (e.g. raised for a large post). */
void host_set_memory_limit(struct host *h, size_t bytes);
/* Wall-clock seconds a budgeted call may take: past them the hook stops it like a spent
 * budget, and the watchdog ends the process if the call is stuck in C. */
void host_set_watchdog(struct host *h, int seconds);
/* The next host_call runs code compiled into postlint (the built-in rules), not a
 * stranger's: its Lua instructions are not counted for its first uncounted_ms, since the
 * count hook makes the VM stop at every instruction. C functions' charges still count, and a
 * call still running then gets the hook from the watchdog, so a loop in it is still stopped
 * by the budget and the time limit, with its file and line. */
void host_trust_next_call(struct host *h, int uncounted_ms);
/* A call on one post: far longer than a built-in rule takes. */
#define HOST_TRUSTED_UNCOUNTED_MS 200
/* The watchdog's timer signal (a real-time one: SIGALRM and the one ITIMER_REAL stay free
 * for whoever embeds the host). */
#define HOST_WATCHDOG_SIGNAL (SIGRTMIN + 3)
/* The signal that starts counting a trusted call's instructions (host_trust_next_call). */
#define HOST_COUNT_SIGNAL (SIGRTMIN + 4)
/* Unblocks HOST_WATCHDOG_SIGNAL and HOST_COUNT_SIGNAL in the calling thread and the threads
 * it creates later: a process inherits its parent's blocked signals across exec, and with
 * these blocked in every thread the watchdog would never run. Call it first thing, before
 * any thread. (A child forked after the watchdog ran needs nothing: its timer did not come
 * along, and the host notices the fork and starts one at the child's next rule call.) */
void host_watchdog_unblock(void);
/* Called (from the signal handler: async-signal-safe only) with the exit code when the
 * watchdog ends the process, before it does (the resident server tells its client). */
void host_watchdog_on_exit(void (*before_exit)(int code));
/* Runs fn(L) with ud as a light userdata argument, protected, under an instruction budget of
 * `instructions` (0: unlimited, for host-internal work). Returns 0, or -1 with *err. */
int host_call(struct host *h, lua_CFunction fn, void *ud, long long instructions,
	      struct host_error *err);
bool host_needs_reset(const struct host *h);
/* What the next calls are doing, for the watchdog's message ("rule 'x' on 'post.md'"). */
void host_set_label(struct host *h, const char *label);
/* The label joined from n parts (NULL as ""), for the next host_call only: the parts must
 * live until it returns (they are joined when it starts). */
void host_set_label_parts(struct host *h, const char *const *parts, size_t n);
/* Bytes of memory the state holds now, and its cap. */
size_t host_memory(const struct host *h);
size_t host_memory_limit(const struct host *h);
/* A full garbage collection. */
void host_collect(struct host *h);
/* Switches the state's collector to generational mode, for a state that is to lint many
 * posts (see session_options.many_posts); a paused collector starts again. */
void host_collect_generationally(struct host *h);
/* Stops the collector of a new state until its heap passes HOST_PAUSED_HEAP bytes (checked
 * before each call) or host_collect_generationally: a state that lints a few posts and ends
 * with the process would only mark what it keeps. The memory cap still holds: an
 * allocation over it collects all the garbage first, as always. */
#define HOST_PAUSED_HEAP (16u << 20)
void host_pause_collector(struct host *h);

/* --- for use inside host_call --- */

/* Pushes a new environment table for a chunk whose require resolves inside root. */
void host_push_env(lua_State *L, const struct module_root *root);
/* Loads src as a text chunk named chunkname and sets its _ENV to the table at env_index.
 * Pushes the function; raises on syntax errors. */
void host_load_chunk(lua_State *L, const char *src, size_t len, const char *chunkname,
		     int env_index);
/* Loads a file compiled into the binary: its bytecode (made at build time from the same
 * source by tools/compile_lua.c) when there is one, else its source; unless whole, the
 * lighter chunk for linting when there is that (a rule's without its tests, and without the
 * names of locals). Only the binary's own files are ever loaded as bytecode; rules from
 * disk are always source. */
void host_load_embedded(lua_State *L, const struct embedded_file *f, const char *chunkname,
			int env_index, bool whole);
/* Pushes an empty environment with no library functions at all (for .lintrc). */
void host_push_empty_env(lua_State *L);
/* Tells the watchdog that work is progressing, from any thread (C code running outside the
 * Lua state, such as lint.nearest's helper threads, which cannot charge the budget). */
void host_tick(struct host *h);
/* Charges work done in C on behalf of Lua (scanning n bytes, building n tables) to the
 * call's instruction budget; raises the budget error when it runs out. */
void host_charge(lua_State *L, long long units);
/* Whether the running call's budget is spent (the next charge raises). */
bool host_budget_spent(const struct host *h);
/* Scratch pads (scratch.h) count the bytes they hold here. A pad an error left open inside
 * a coroutine (coroutine.resume does not close a dead coroutine's to-be-closed slots) gives
 * its blocks back only in its finalizer, which Lua's emergency collection never runs: a call
 * that ends with bytes still held ends with a full collection, so that the next rule does
 * not run out of memory for them. */
void host_scratch_held(struct host *h, long long delta);

#endif
