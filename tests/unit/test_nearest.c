/* lint.nearest (src/lua/api_similar.c) gives the same answers as a brute-force search written
 * in Lua, on random corpora full of identical and near-identical sets, in the sandbox it runs
 * in for rules.
 *
 * Usage: test_nearest PATH/nearest_diff.lua */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "check.h"
#include "lua/api.h"
#include "lua/host.h"

static char *script;
static size_t script_len;
static long long cases, failures;

static int run_script(lua_State *L)
{
	host_push_env(L, NULL);
	host_load_chunk(L, script, script_len, "=nearest_diff.lua", lua_gettop(L));
	lua_pushinteger(L, 400);
	lua_call(L, 1, 2);
	cases = lua_tointeger(L, -2);
	failures = lua_tointeger(L, -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_nearest PATH/nearest_diff.lua\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	CHECK(f != NULL, "open %s", argv[1]);
	if (!f)
		return check_done();
	static char buf[1 << 16];
	script_len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	script = buf;
	/* large corpora take the threaded search, as in a lint run with --jobs 3 */
	api_similar_set_threads(3);
	struct host_limits limits = { .instructions = 4000000000LL };
	struct host *h = host_new(&limits);
	struct host_error err;
	int rc = host_call(h, run_script, NULL, limits.instructions, &err);
	CHECK(rc == 0, "run the comparison: %s", rc ? err.message : "ok");
	CHECK(cases > 10000, "compared %lld items", cases);
	CHECK_INT(failures, 0, "items whose nearest item differs from the brute-force search");
	host_free(h);
	return check_done();
}
