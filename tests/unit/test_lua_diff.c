/* Runs a differential script in the sandbox rules run in: a host helper written in C against
 * the same answers computed the plain way in Lua, on random cases.
 *   nearest_diff.lua  lint.nearest (src/lua/api_similar.c) against a brute-force search, on
 *                     corpora full of identical and near-identical sets
 *   dated_diff.lua    lint.dated (src/lua/api_calendar.c) against table.sort, on calendars
 *                     full of ties
 * The script gets the number of rounds and returns (cases compared, differences).
 *
 * Usage: test_lua_diff SCRIPT ROUNDS MIN_CASES */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "check.h"
#include "lua/api.h"
#include "lua/host.h"

static char *script;
static size_t script_len;
static char chunk_name[256];
static long long rounds, cases, failures;

static int run_script(lua_State *L)
{
	host_push_env(L, NULL);
	host_load_chunk(L, script, script_len, chunk_name, lua_gettop(L));
	lua_pushinteger(L, (lua_Integer)rounds);
	lua_call(L, 1, 2);
	cases = lua_tointeger(L, -2);
	failures = lua_tointeger(L, -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: test_lua_diff SCRIPT ROUNDS MIN_CASES\n");
		return 2;
	}
	rounds = atoll(argv[2]);
	long long min_cases = atoll(argv[3]);
	const char *base = strrchr(argv[1], '/');
	snprintf(chunk_name, sizeof(chunk_name), "=%s", base ? base + 1 : argv[1]);
	FILE *f = fopen(argv[1], "rb");
	CHECK(f != NULL, "open %s", argv[1]);
	if (!f)
		return check_done();
	static char buf[1 << 16];
	script_len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	script = buf;
	/* large corpora take lint.nearest's threaded search, as in a lint run with --jobs 3 */
	api_similar_set_threads(3);
	struct host_limits limits = { .instructions = 4000000000LL };
	struct host *h = host_new(&limits);
	struct host_error err;
	int rc = host_call(h, run_script, NULL, limits.instructions, &err);
	CHECK(rc == 0, "run %s: %s", chunk_name + 1, rc ? err.message : "ok");
	CHECK(cases >= min_cases, "compared %lld cases (at least %lld)", cases, min_cases);
	CHECK_INT(failures, 0, "cases where the C helper differs from the plain Lua");
	host_free(h);
	return check_done();
}
