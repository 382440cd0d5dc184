/* The step-counted pattern functions (src/lua/pattern.c): the same results and errors as the
 * stock string library on fixed and random cases, and a backtracking pattern that ends as a
 * budget error in a sandboxed host, quickly, instead of running on in C.
 *
 * Usage: test_pattern PATH/pattern_diff.lua */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "check.h"
#include "lua/host.h"
#include "lua/pattern.h"

static void differential(const char *script)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	/* in package.loaded, so argument errors name "mine.find" as stock names "string.find" */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_newtable(L);
	pattern_register(L, -1, false);
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, "mine");
	lua_remove(L, -2);
	int rc = luaL_loadfile(L, script);
	CHECK(rc == LUA_OK, "load %s: %s", script, rc ? lua_tostring(L, -1) : "ok");
	if (rc != LUA_OK) {
		lua_close(L);
		return;
	}
	lua_insert(L, -2);
	lua_pushinteger(L, 30000);
	rc = lua_pcall(L, 2, 2, 0);
	CHECK(rc == LUA_OK, "run the comparison: %s", rc ? lua_tostring(L, -1) : "ok");
	if (rc == LUA_OK) {
		long long cases = lua_tointeger(L, -2), failures = lua_tointeger(L, -1);
		CHECK(cases > 100000, "compared %lld calls", cases);
		CHECK_INT(failures, 0, "calls whose results or errors differ from stock Lua");
	}
	lua_close(L);
}

static const char *chunk_src;

static int run_chunk(lua_State *L)
{
	host_push_env(L, NULL);
	host_load_chunk(L, chunk_src, strlen(chunk_src), "=hostile", lua_gettop(L));
	lua_call(L, 0, 0);
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void budgeted(void)
{
	static const char *const runaway[] = {
		"local s = ('a'):rep(3000); s:find('.-.-.-.-.-.-.-b')",
		"local s = ('a'):rep(3000); string.match(s, '(.*)(.*)(.*)(.*)x')",
		"local s = ('a'):rep(3000); for _ in s:gmatch('.-.-.-.-.-b') do end",
		"local s = ('a'):rep(3000); s:gsub('.-.-.-.-.-b', 'x')",
		"local s = ('a'):rep(3000); pcall(string.find, s, '.-.-.-.-.-.-.-b'); while true do end",
	};
	struct host_limits limits = { .instructions = HOST_DEFAULT_INSTRUCTIONS };
	for (size_t i = 0; i < sizeof(runaway) / sizeof(*runaway); i++) {
		struct host *h = host_new(&limits);
		struct host_error err;
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		chunk_src = runaway[i];
		int rc = host_call(h, run_chunk, NULL, HOST_DEFAULT_INSTRUCTIONS, &err);
		double took = seconds_since(&t0);
		CHECK(rc < 0 && err.kind == HOST_ERR_BUDGET &&
			      strstr(err.message, "instruction budget exceeded"),
		      "%s: %s", runaway[i], rc < 0 ? err.message : "finished");
		/* generous: the budget is about 0.1 s; sanitizers and valgrind are slower */
		printf("# stopped after %.3f s\n", took);
		CHECK(took < 30, "stopped in %.3f s", took);
		host_free(h);
	}
	/* ordinary matching inside the budget still works */
	struct host *h = host_new(&limits);
	struct host_error err;
	chunk_src = "local n = 0; for w in ('the quick brown fox'):gmatch('%a+') do n = n + 1 end "
		    "assert(n == 4); assert(('x = 1'):match('^(%w+)%s*=%s*(%d+)$') == 'x'); "
		    "assert(select(2, ('aaa'):gsub('a', 'b')) == 3)";
	int rc = host_call(h, run_chunk, NULL, HOST_DEFAULT_INSTRUCTIONS, &err);
	CHECK(rc == 0, "patterns in the sandbox: %s", rc ? err.message : "ok");
	host_free(h);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_pattern PATH/pattern_diff.lua\n");
		return 2;
	}
	differential(argv[1]);
	budgeted();
	return check_done();
}
