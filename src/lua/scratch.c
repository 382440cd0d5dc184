/* Scratch pads for the rule API's C functions (see scratch.h). */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "lua/scratch.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include <lauxlib.h>

#include "lua/host.h"

/* More blocks than any API function holds at once (lint.nearest's search: some thirty). */
#define SCRATCH_BLOCKS 64

static const char pad_type[] = "postlint.scratch";

struct scratch {
	lua_State *L;    /* the thread that opened it (dead, when __gc runs after an error) */
	struct host *host;
	int index;       /* the pad's place on the stack */
	lua_Alloc alloc; /* the state's allocator: the host's, which counts every byte */
	void *alloc_ud;
	size_t n, bytes;
	struct {
		void *p;
		size_t size;
	} blocks[SCRATCH_BLOCKS];
};

static void give_back(struct scratch *s, size_t k)
{
	s->alloc(s->alloc_ud, s->blocks[k].p, s->blocks[k].size, 0);
	s->bytes -= s->blocks[k].size;
	host_scratch_held(s->host, -(long long)s->blocks[k].size);
	s->blocks[k] = s->blocks[--s->n];
}

static void give_back_all(struct scratch *s)
{
	while (s->n)
		give_back(s, s->n - 1);
}

/* The pad at index of L's stack given back: its blocks, and those take_through_lua got
 * (garbage once the pad's table of them is dropped). */
static void close_at(struct scratch *s, lua_State *L, int index)
{
	give_back_all(s);
	lua_pushnil(L);
	lua_setiuservalue(L, index, 1);
}

void scratch_close(struct scratch *s)
{
	close_at(s, s->L, s->index);
}

/* __close: the function returned, or an error unwinds past it (then at once: Lua's emergency
 * collection, when an allocation is refused, runs no finalizers, so blocks left to __gc
 * would count against the memory cap until the next full cycle); __gc: the backstop. Both
 * get the pad as their argument, on the thread that runs them. */
static int pad_close(lua_State *L)
{
	close_at(luaL_checkudata(L, 1, pad_type), L, 1);
	return 0;
}

struct scratch *scratch_open(lua_State *L)
{
	struct scratch *s = lua_newuserdatauv(L, sizeof(*s), 1);
	s->L = L;
	s->host = host_of(L);
	s->index = lua_gettop(L);
	s->alloc = lua_getallocf(L, &s->alloc_ud);
	s->n = s->bytes = 0;
	if (luaL_newmetatable(L, pad_type)) {
		lua_pushcfunction(L, pad_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, pad_close);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_toclose(L, s->index);
	return s;
}

/* The allocator refused (the memory cap, or a budget already spent): a userdata of the same
 * size asks again through Lua, which raises Lua's own memory error if it still cannot.
 * Should it succeed, the block is the collector's, kept in the pad's user value (a table
 * keyed by the block's address, so that scratch_drop can let it go) until the pad closes. */
static void *take_through_lua(struct scratch *s, size_t bytes)
{
	lua_State *L = s->L;
	void *p = lua_newuserdatauv(L, bytes, 0);
	if (lua_getiuservalue(L, s->index, 1) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setiuservalue(L, s->index, 1);
	}
	lua_pushvalue(L, -2);
	lua_rawsetp(L, -2, p);
	lua_pop(L, 2);
	return p;
}

/* From this size a block's whole 2 MB pages are asked for as transparent huge pages. */
#define HUGE_PAGES_FROM (4u << 20)
#define HUGE_PAGE (2u << 20)

/* A large block is fresh memory (glibc maps it anew), and the search touches all of it once:
 * at 100,000 posts lint.nearest's index alone is 64 MB, 16,000 first touches of a 4 KB page
 * at some 10 us each on a VM (see README, Performance), where 2 MB pages take 32. Only
 * advice: where transparent huge pages are off, or given to all memory anyway, nothing
 * changes, and madvise's answer does not matter. */
static void ask_for_huge_pages(void *p, size_t bytes)
{
	if (bytes < HUGE_PAGES_FROM)
		return;
	uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE);
}

void *scratch_take(struct scratch *s, size_t count, size_t size, const char *what)
{
	if (count && size > SIZE_MAX / count)
		luaL_error(s->L, "%s: input too large", what);
	size_t bytes = count && size ? count * size : 1;
	if (s->n == SCRATCH_BLOCKS)
		luaL_error(s->L, "%s: more than %d working arrays (a bug in postlint)", what,
			   SCRATCH_BLOCKS);
	void *p = s->alloc(s->alloc_ud, NULL, LUA_TUSERDATA, bytes);
	if (!p && !host_budget_spent(s->host)) {
		/* garbage may hold the room: a full cycle (which also frees the blocks of pads a
		 * dead coroutine left to their __gc) before asking again. Not when the budget is
		 * spent: then nothing is served, and the cycle would be work no budget counts */
		lua_gc(s->L, LUA_GCCOLLECT, 0);
		p = s->alloc(s->alloc_ud, NULL, LUA_TUSERDATA, bytes);
	}
	if (!p)
		return take_through_lua(s, bytes);
	ask_for_huge_pages(p, bytes);
	s->blocks[s->n].p = p;
	s->blocks[s->n].size = bytes;
	s->n++;
	s->bytes += bytes;
	host_scratch_held(s->host, (long long)bytes);
	return p;
}

void scratch_drop(struct scratch *s, void *block)
{
	for (size_t k = 0; k < s->n; k++) {
		if (s->blocks[k].p == block) {
			give_back(s, k);
			return;
		}
	}
	/* a block take_through_lua got: the collector's once unkeyed */
	if (lua_getiuservalue(s->L, s->index, 1) == LUA_TTABLE) {
		lua_pushnil(s->L);
		lua_rawsetp(s->L, -2, block);
	}
	lua_pop(s->L, 1);
}

size_t scratch_bytes(const struct scratch *s)
{
	return s->bytes;
}
