/* Scratch pads (src/lua/scratch.c) and the API functions that use them: blocks count against
 * the state's memory as they are taken and are given back by scratch_drop and scratch_close;
 * an error that unwinds past a pad leaves its blocks to the pad's __gc; a block past the
 * memory cap is Lua's own memory error; and lint.nearest and lint.dated leave no garbage the
 * size of their working arrays behind (they left it all, as userdata, before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "check.h"
#include "lua/api.h"
#include "lua/host.h"
#include "lua/scratch.h"

#define MB (1024 * 1024)

/* What the collector counts: its own objects (garbage included), not the pads' blocks. */
static size_t lua_bytes(lua_State *L)
{
	return (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
}

/* What the host's allocator has handed out: everything, checked against the memory cap. */
static size_t host_bytes(lua_State *L)
{
	return host_memory(host_of(L));
}

static size_t with_blocks, after_drop, after_close;
static size_t pad_bytes[3];

static int take_and_give_back(lua_State *L)
{
	lua_gc(L, LUA_GCSTOP);
	struct scratch *pad = scratch_open(L);
	size_t opened = host_bytes(L);
	char *a = scratch_take(pad, 2, MB, "test");
	char *b = scratch_take(pad, MB, 3, "test");
	memset(a, 1, 2 * MB); /* usable to the last byte (ASan and valgrind see overruns) */
	memset(b, 2, 3 * MB);
	with_blocks = host_bytes(L) - opened;
	pad_bytes[0] = scratch_bytes(pad);
	scratch_drop(pad, a);
	after_drop = host_bytes(L) - opened;
	pad_bytes[1] = scratch_bytes(pad);
	scratch_close(pad);
	after_close = host_bytes(L) - opened;
	pad_bytes[2] = scratch_bytes(pad);
	lua_gc(L, LUA_GCRESTART);
	return 0;
}

static int take_then_fail(lua_State *L)
{
	struct scratch *pad = scratch_open(L);
	scratch_take(pad, 4, MB, "test");
	scratch_take(pad, 1, 100, "test");
	return luaL_error(L, "a rule's error in the middle");
}

static int take_too_much(lua_State *L)
{
	struct scratch *pad = scratch_open(L);
	scratch_take(pad, 64, MB, "test");
	return 0;
}

static int take_overflowing(lua_State *L)
{
	struct scratch *pad = scratch_open(L);
	scratch_take(pad, SIZE_MAX / 2, 4, "test");
	return 0;
}

/* lint.nearest over 3,000 items of 40 tokens (the indexed search) and lint.dated over 3,000
 * posts, with the collector stopped: what stays behind is what they return. */
static const char api_script[] =
	"local n = ...\n"
	"local items, posts = {}, {}\n"
	"for i = 1, n do\n"
	"  local parts = {}\n"
	"  for k = 1, 40 do parts[k] = string.pack('<I8', (i % 97) * 1000 + k * 7) end\n"
	"  items[i] = { set = table.concat(parts), group = (i % 2 == 0) and 'x' or 'y' }\n"
	"  posts[i] = { time = (i * 7919) % 100000, path = string.format('p%05d.md', i) }\n"
	"end\n"
	"return items, posts\n";

static size_t nearest_growth, dated_growth;
static lua_Integer nearest_matches, dated_count;

static int run_api(lua_State *L)
{
	host_push_env(L, NULL);
	int env = lua_gettop(L);
	host_load_chunk(L, api_script, strlen(api_script), "=scratch", env);
	lua_pushinteger(L, 3000);
	lua_call(L, 1, 2);
	int items = env + 1, posts = env + 2;
	lua_getfield(L, env, "lint");
	int lint = lua_gettop(L);
	lua_gc(L, LUA_GCCOLLECT);
	lua_gc(L, LUA_GCSTOP);
	size_t before = lua_bytes(L);
	lua_getfield(L, lint, "nearest");
	lua_pushvalue(L, items);
	lua_pushnumber(L, 0.6);
	lua_call(L, 2, 1);
	nearest_growth = lua_bytes(L) - before;
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		nearest_matches++;
	lua_pop(L, 1);
	lua_gc(L, LUA_GCCOLLECT);
	lua_gc(L, LUA_GCSTOP);
	before = lua_bytes(L);
	lua_getfield(L, lint, "dated");
	lua_pushvalue(L, posts);
	lua_call(L, 1, 1);
	dated_growth = lua_bytes(L) - before;
	dated_count = (lua_Integer)lua_rawlen(L, -1);
	lua_gc(L, LUA_GCRESTART);
	return 0;
}

int main(void)
{
	struct host_limits limits = { .instructions = 2000000000LL, .memory = 32 * MB };
	struct host *h = host_new(&limits);
	struct host_error err;

	int rc = host_call(h, take_and_give_back, NULL, limits.instructions, &err);
	CHECK(rc == 0, "take and give back: %s", rc ? err.message : "ok");
	CHECK(with_blocks >= 5 * MB && with_blocks < 5 * MB + 4096,
	      "5 MB of blocks count in the state's memory (%zu bytes)", with_blocks);
	CHECK(after_drop >= 3 * MB && after_drop < 3 * MB + 4096,
	      "scratch_drop gives one block back at once (%zu bytes left)", after_drop);
	CHECK(after_close < 4096, "scratch_close gives the rest back (%zu bytes left)", after_close);
	CHECK_INT(pad_bytes[0], 5 * MB, "scratch_bytes with both blocks");
	CHECK_INT(pad_bytes[1], 3 * MB, "scratch_bytes after the drop");
	CHECK_INT(pad_bytes[2], 0, "scratch_bytes after the close");

	host_collect(h);
	size_t base = host_memory(h);
	rc = host_call(h, take_then_fail, NULL, limits.instructions, &err);
	CHECK(rc != 0 && strstr(err.message, "in the middle"), "an error unwinds past the pad: %s",
	      err.message);
	size_t held = host_memory(h);
	CHECK(held >= base + 4 * MB, "its blocks are held until the pad is collected (%zu bytes)",
	      held - base);
	host_collect(h);
	size_t left = host_memory(h);
	CHECK(left < base + 4096, "the pad's __gc gave its 4 MB back (%zu bytes more than before)",
	      left > base ? left - base : 0);

	rc = host_call(h, take_too_much, NULL, limits.instructions, &err);
	CHECK(rc != 0 && err.kind == HOST_ERR_MEMORY,
	      "64 MB under a 32 MB cap is a memory error (kind %d: %s)", (int)err.kind, err.message);
	rc = host_call(h, take_overflowing, NULL, limits.instructions, &err);
	CHECK(rc != 0 && strstr(err.message, "test: input too large"),
	      "a size that overflows is refused: %s", err.message);
	host_free(h);

	/* the API functions, in a host with room for their corpora */
	api_similar_set_threads(2);
	struct host_limits big = { .instructions = 4000000000LL, .memory = 512 * MB };
	h = host_new(&big);
	rc = host_call(h, run_api, NULL, big.instructions, &err);
	CHECK(rc == 0, "lint.nearest and lint.dated ran: %s", rc ? err.message : "ok");
	CHECK(nearest_matches > 1000, "lint.nearest found matches (%lld)",
	      (long long)nearest_matches);
	/* its working arrays for 3,000 items of 40 tokens: over 2 MB; the result: 100-odd bytes
	 * per match */
	CHECK(nearest_growth < (size_t)nearest_matches * 200 + 64 * 1024,
	      "lint.nearest left %zu bytes for %lld matches (its arrays are given back)",
	      nearest_growth, (long long)nearest_matches);
	CHECK_INT(dated_count, 3000, "lint.dated listed every post");
	CHECK(dated_growth < 3000 * 24 + 64 * 1024,
	      "lint.dated left %zu bytes for a list of 3,000 (its arrays are given back)",
	      dated_growth);
	host_free(h);
	return check_done();
}
