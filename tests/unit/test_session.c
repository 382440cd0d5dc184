/* Sessions and their Lua state's collector: incremental for a few posts, generational once
 * the session is to lint many (session_options.many_posts, session_expect_many_posts), and
 * still generational in the fresh state a rule's runaway budget or memory leads to. */
#include <stdbool.h>

#include <lua.h>

#include "check.h"
#include "config.h"
#include "lua/host.h"
#include "session.h"
#include "session_internal.h"

/* Whether the session's collector is generational (asking changes nothing). */
static bool generational(struct session *s)
{
	lua_State *L = host_state(s->host);
	int before = lua_gc(L, LUA_GCGEN, 0, 0);
	if (before == LUA_GCINC)
		lua_gc(L, LUA_GCINC, 0, 0, 0);
	return before == LUA_GCGEN;
}

int main(void)
{
	struct config_store *configs = config_store_new(NULL);
	struct session_options opts = { 0 };
	struct session *s = session_new(&opts, configs);
	CHECK(s != NULL, "a session");
	CHECK(!generational(s), "a session for a few posts collects incrementally");
	CHECK(!generational(s), "asking did not change it");
	session_reset_host(s);
	CHECK(!generational(s), "... and so does its next state");
	session_expect_many_posts(s);
	CHECK(generational(s), "expecting many posts, it collects generationally");
	session_reset_host(s);
	CHECK(generational(s), "... and so does the state made after a runaway rule");
	session_free(s);

	opts.many_posts = true;
	s = session_new(&opts, configs);
	CHECK(generational(s), "a session made for many posts collects generationally");
	session_free(s);
	config_store_free(configs);
	return check_done();
}
