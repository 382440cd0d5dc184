/* Large working arrays for a C function of the rule API (lint.nearest, lint.dated), given
 * back the moment it is done with them.
 *
 * Such arrays used to be full userdata: safe if the function raised an error (the collector
 * frees them), but they stayed garbage until the collector came round. At 100,000 posts
 * lint.nearest_posts left 86 MB of it in the main Lua state, which lifted the run's peak RSS
 * by 137 MB (the collector also let the garbage of the rule's own loop pile up behind it) and
 * drove collection steps over every post table. A scratch pad takes its blocks from the
 * state's own allocator, so they count against the state's memory cap and cost instruction
 * budget exactly as a userdata of the same size would; scratch_close gives them back at once.
 * The pad is a to-be-closed slot (lua_toclose): whatever it holds goes back when the function
 * returns or an error unwinds past it, not when the collector next runs (Lua's emergency
 * collection, when an allocation is refused, runs no finalizers). Inside a coroutine that an
 * error ends, coroutine.resume leaves the slot open: the pad's __gc gives the blocks back,
 * and the host runs a full collection after a call that ends with blocks still held
 * (host_scratch_held).
 *
 * The blocks are not in the collector's count (lua_gc LUA_GCCOUNT, which only sees the pad
 * itself), only in the host's (host_memory), which the cap checks.
 *
 * One pad per call of the API function, on the Lua stack (its holder is a userdata); one
 * thread allocates, as one thread uses a Lua state (helper threads may read the blocks). */
#ifndef POSTLINT_LUA_SCRATCH_H
#define POSTLINT_LUA_SCRATCH_H

#include <stddef.h>

#include <lua.h>

struct scratch;

/* Pushes a new, empty pad and returns it: a to-be-closed slot that must stay where it is on
 * the stack (the function may settop above it) until the function returns. */
struct scratch *scratch_open(lua_State *L);

/* count * size bytes (at least 1), uninitialised. Raises a Lua error when count * size
 * overflows ("<what>: input too large") or past the memory cap, after a full garbage
 * collection (a memory error, as Lua's own allocations raise). */
void *scratch_take(struct scratch *s, size_t count, size_t size, const char *what);

/* Gives back one block of this pad now (an array outgrown). */
void scratch_drop(struct scratch *s, void *block);

/* Gives back every block of the pad now (returning from the function does it too). The pad
 * stays usable. */
void scratch_close(struct scratch *s);

/* Bytes the pad holds now (for tests and figures). */
size_t scratch_bytes(const struct scratch *s);

#endif
