/* Scratch pads (src/lua/scratch.c) and the API functions that use them: blocks count against
 * the state's memory as they are taken and are given back by scratch_drop and scratch_close;
 * an error that unwinds past a pad gives its blocks back at once (a to-be-closed slot), so
 * a rule that calls lint.nearest under pcall again and again does not run out of memory; a
 * block refused for garbage is taken after a full collection; a block past the memory cap
 * is Lua's own memory error; and lint.nearest and lint.dated leave no garbage the size of
 * their working arrays behind (they left it all, as userdata, before). */
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

/* 20 MB of garbage under a 32 MB cap, then a 16 MB block: refused at first, taken after the
 * collection scratch_take runs. */
static size_t after_garbage;

static int take_over_garbage(lua_State *L)
{
	lua_gc(L, LUA_GCSTOP);
	for (int i = 0; i < 20; i++) {
		char *s = lua_newuserdatauv(L, MB, 0);
		memset(s, i, MB);
		lua_pop(L, 1);
	}
	struct scratch *pad = scratch_open(L);
	memset(scratch_take(pad, 16, MB, "test"), 0, 16 * MB);
	after_garbage = scratch_bytes(pad);
	lua_gc(L, LUA_GCRESTART);
	return 0;
}

/* A rule's loop: lint.nearest on a list that fails at its end (100,000 false items, then one
 * without a set), under pcall, 60 times: 4.8 MB of working arrays each. */
static const char retry_script[] =
	"local items = {}\n"
	"for i = 1, 100000 do items[i] = false end\n"
	"items[100001] = {}\n"
	"local set_errors, memory_errors = 0, 0\n"
	"for _ = 1, 60 do\n"
	"  local ok, err = pcall(lint.nearest, items, 0.5)\n"
	"  if not ok and tostring(err):find(\"needs 'set'\", 1, true) then\n"
	"    set_errors = set_errors + 1\n"
	"  elseif not ok then\n"
	"    memory_errors = memory_errors + 1\n"
	"  end\n"
	"end\n"
	"-- then 30 MB of the rule's own, which only Lua's emergency collection can make room for\n"
	"local big = string.rep('x', 30 * 1024 * 1024)\n"
	"return set_errors, memory_errors, #big\n";

/* The same calls inside coroutines that die of the error (coroutine.resume leaves their
 * to-be-closed slots open), and, in the next call, 30 MB of another rule's. */
static const char coroutine_script[] =
	"local items = {}\n"
	"for i = 1, 100000 do items[i] = false end\n"
	"items[100001] = {}\n"
	"local failed = 0\n"
	"for _ = 1, 8 do\n"
	"  local co = coroutine.create(function() return lint.nearest(items, 0.5) end)\n"
	"  if not coroutine.resume(co) then failed = failed + 1 end\n"
	"end\n"
	"return failed\n";
static const char next_rule_script[] = "return #string.rep('x', 30 * 1024 * 1024)\n";

static lua_Integer set_errors, memory_errors, big_len, coroutines_failed;

static int run_chunk(lua_State *L, const char *src, const char *name, int results)
{
	host_push_env(L, NULL);
	host_load_chunk(L, src, strlen(src), name, lua_gettop(L));
	lua_call(L, 0, results);
	return lua_gettop(L) - results + 1;
}

static int run_retries(lua_State *L)
{
	int at = run_chunk(L, retry_script, "=retries", 3);
	set_errors = lua_tointeger(L, at);
	memory_errors = lua_tointeger(L, at + 1);
	big_len = lua_tointeger(L, at + 2);
	return 0;
}

static int run_coroutines(lua_State *L)
{
	coroutines_failed = lua_tointeger(L, run_chunk(L, coroutine_script, "=coroutines", 1));
	return 0;
}

static int run_next_rule(lua_State *L)
{
	big_len = lua_tointeger(L, run_chunk(L, next_rule_script, "=next", 1));
	return 0;
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

/* 3,000 items of 40 tokens for lint.nearest (the indexed search: every item wanted), the
 * same as posts with collected data for lint.nearest_posts with five of them linted (the
 * direct search), and 3,000 posts for lint.dated. */
static const char api_script[] =
	"local n = ...\n"
	"local items, posts, dated = {}, {}, {}\n"
	"for i = 1, n do\n"
	"  local parts = {}\n"
	"  for k = 1, 40 do parts[k] = string.pack('<I8', (i % 97) * 1000 + k * 7) end\n"
	"  local group = (i % 2 == 0) and 'x' or 'y'\n"
	"  items[i] = { set = table.concat(parts), group = group }\n"
	"  posts[i] = { path = string.format('p%05d.md', i), linted = i <= 5,\n"
	"               collected = { set = items[i].set, group = group } }\n"
	"  dated[i] = { time = (i * 7919) % 100000, path = posts[i].path }\n"
	"end\n"
	"return items, posts, dated\n";

/* What a call left behind, with the collector stopped: in the collector's count (its result)
 * and in the host's (everything the allocator handed out, pads' blocks included). */
struct growth {
	size_t lua, host;
	lua_Integer entries; /* in the result table */
};

/* Calls the function below its nargs arguments on the stack, keeping its result there. */
static void measured_call(lua_State *L, int nargs, struct growth *g)
{
	lua_gc(L, LUA_GCCOLLECT);
	lua_gc(L, LUA_GCSTOP);
	size_t lua_before = lua_bytes(L), host_before = host_bytes(L);
	lua_call(L, nargs, 1);
	g->lua = lua_bytes(L) - lua_before;
	g->host = host_bytes(L) - host_before;
	g->entries = 0;
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		g->entries++;
	lua_gc(L, LUA_GCRESTART);
}

static struct growth nearest, nearest_posts, dated;

static int run_api(lua_State *L)
{
	host_push_env(L, NULL);
	int env = lua_gettop(L);
	host_load_chunk(L, api_script, strlen(api_script), "=scratch", env);
	lua_pushinteger(L, 3000);
	lua_call(L, 1, 3);
	int items = env + 1, posts = env + 2, calendar = env + 3;
	lua_getfield(L, env, "lint");
	int lint = lua_gettop(L);
	lua_getfield(L, lint, "nearest");
	lua_pushvalue(L, items);
	lua_pushnumber(L, 0.6);
	measured_call(L, 2, &nearest);
	lua_getfield(L, lint, "nearest_posts");
	lua_pushvalue(L, posts);
	lua_pushnumber(L, 0.6);
	lua_pushliteral(L, "set");
	lua_pushliteral(L, "group");
	measured_call(L, 4, &nearest_posts);
	lua_getfield(L, lint, "dated");
	lua_pushvalue(L, calendar);
	measured_call(L, 1, &dated);
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
	CHECK(held < base + 64 * 1024,
	      "its 4 MB went back as the error unwound, before any collection (%zu bytes held)",
	      held > base ? held - base : 0);
	host_collect(h);
	size_t left = host_memory(h);
	CHECK(left < base + 4096, "and nothing is left after a collection (%zu bytes)",
	      left > base ? left - base : 0);

	rc = host_call(h, take_over_garbage, NULL, limits.instructions, &err);
	CHECK(rc == 0, "16 MB over 20 MB of garbage under a 32 MB cap: %s",
	      rc ? err.message : "taken");
	CHECK_INT(after_garbage, 16 * MB, "the block is the pad's (taken after a full collection)");

	struct host_limits cap64 = { .instructions = 4000000000LL, .memory = 64 * MB };
	struct host *h64 = host_new(&cap64);
	rc = host_call(h64, run_retries, NULL, cap64.instructions, &err);
	CHECK(rc == 0, "the pcall loop ran: %s", rc ? err.message : "ok");
	CHECK_INT(set_errors, 60, "lint.nearest's own error, 60 times under pcall");
	CHECK_INT(memory_errors, 0, "no call ran out of memory (64 MB cap, 4.8 MB per call)");
	CHECK_INT(big_len, 30 * MB, "then 30 MB of the rule's own fit (nothing left to __gc)");
	host_collect(h64);
	size_t base64 = host_memory(h64);
	rc = host_call(h64, run_coroutines, NULL, cap64.instructions, &err);
	CHECK(rc == 0 && coroutines_failed == 8, "8 calls failed inside coroutines (%lld): %s",
	      (long long)coroutines_failed, rc ? err.message : "ok");
	size_t after_call = host_memory(h64);
	CHECK(after_call < base64 + 4 * MB, "their pads were collected when the call ended "
	      "(%zu bytes more than before)", after_call > base64 ? after_call - base64 : 0);
	big_len = 0;
	rc = host_call(h64, run_next_rule, NULL, cap64.instructions, &err);
	CHECK(rc == 0 && big_len == 30 * MB, "the next rule's 30 MB fit: %s",
	      rc ? err.message : "ok");
	host_free(h64);

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
	CHECK(rc == 0, "lint.nearest, lint.nearest_posts and lint.dated ran: %s",
	      rc ? err.message : "ok");
	/* every item has an identical twin in the other group */
	CHECK_INT(nearest.entries, 3000, "lint.nearest found a match for every item");
	CHECK_INT(nearest_posts.entries, 5, "lint.nearest_posts found one for each linted post");
	CHECK_INT(dated.entries, 3000, "lint.dated listed every post");
	/* the result tables, and the strings lint.nearest kept while it read the items: some
	 * 170 bytes per match; its working arrays for 3,000 items of 40 tokens are over 1 MB */
	CHECK(nearest.lua < 3000 * 200, "lint.nearest left %zu bytes to the collector",
	      nearest.lua);
	CHECK(dated.lua < 3000 * 40 + 4096, "lint.dated left %zu bytes to the collector",
	      dated.lua);
	/* and nothing outside the collector's count: every block of their pads was given back
	 * (lint.nearest_posts's count is the strings it kept while it read the posts) */
	CHECK(nearest.host < nearest.lua + 4096, "lint.nearest: %zu bytes held, %zu of them "
	      "the collector's", nearest.host, nearest.lua);
	CHECK(nearest_posts.host < nearest_posts.lua + 4096, "lint.nearest_posts: %zu bytes "
	      "held, %zu of them the collector's", nearest_posts.host, nearest_posts.lua);
	CHECK(dated.host < dated.lua + 4096, "lint.dated: %zu bytes held, %zu of them the "
	      "collector's", dated.host, dated.lua);
	host_free(h);
	return check_done();
}
