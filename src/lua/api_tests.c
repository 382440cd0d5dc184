/* Reading a rule's `tests` table into C (see ruletest.h), and Lua-pattern message checks. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"
#include "ruletest.h"
#include "util/xalloc.h"

struct read_call {
	const struct rule *rule;
	struct rule_tests *out; /* owns whatever was read so far */
};

static char *dup_field(lua_State *L, int t, const char *field, size_t *len, bool required,
		       const char *what)
{
	int type = lua_getfield(L, t, field);
	if (type == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (type != LUA_TSTRING)
		luaL_error(L, "%s: '%s' must be a string", what, field);
	size_t n;
	const char *s = lua_tolstring(L, -1, &n);
	char *copy = xstrndup(s, n);
	if (len)
		*len = n;
	lua_pop(L, 1);
	return copy;
}

static int int_field(lua_State *L, int t, const char *field, const char *what)
{
	int type = lua_getfield(L, t, field);
	if (type != LUA_TNIL && !lua_isinteger(L, -1))
		luaL_error(L, "%s: '%s' must be a whole number", what, field);
	int v = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return v;
}

/* { message =, path =, line =, column =, end_line =, end_column =, suggestions = N | { {title, output} } }
 * at the top of the stack */
static void read_expected_error(lua_State *L, struct expected_error *e, const char *what)
{
	int t = lua_gettop(L);
	e->message = dup_field(L, t, "message", NULL, false, what);
	e->path = dup_field(L, t, "path", NULL, false, what);
	e->line = int_field(L, t, "line", what);
	e->column = int_field(L, t, "column", what);
	e->end_line = int_field(L, t, "end_line", what);
	e->end_column = int_field(L, t, "end_column", what);
	int st = lua_getfield(L, t, "suggestions");
	if (st == LUA_TNUMBER) {
		e->nsuggestions = (long)lua_tointeger(L, -1);
	} else if (st == LUA_TTABLE) {
		lua_Integer n = luaL_len(L, -1);
		e->suggestions = xcalloc((size_t)n + 1, sizeof(*e->suggestions));
		e->nsuggestions = 0; /* counts the entries filled, for ruletest_release */
		for (lua_Integer i = 1; i <= n; i++) {
			if (lua_geti(L, -1, i) != LUA_TTABLE)
				luaL_error(L, "%s: each expected suggestion is a table { title = ..., "
					      "output = ... }", what);
			struct expected_suggestion *g = &e->suggestions[e->nsuggestions++];
			g->title = dup_field(L, -1, "title", NULL, false, what);
			g->output = dup_field(L, -1, "output", &g->output_len, false, what);
			g->has_output = g->output != NULL;
			lua_pop(L, 1);
		}
	} else if (st != LUA_TNIL) {
		luaL_error(L, "%s: 'suggestions' must be a count or a list", what);
	}
	lua_pop(L, 1);
}

/* posts = { "text", { text = "...", path = "...", linted = false }, ... } */
static void read_posts(lua_State *L, int idx, struct rule_test_case *c, const char *what)
{
	lua_Integer n = luaL_len(L, idx);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, idx, i);
		c->posts = xrealloc(c->posts, (c->nposts + 1) * sizeof(*c->posts));
		struct rule_test_post *p = &c->posts[c->nposts++];
		memset(p, 0, sizeof(*p));
		p->linted = true;
		if (lua_type(L, -1) == LUA_TSTRING) {
			size_t len;
			const char *text = lua_tolstring(L, -1, &len);
			p->text = xstrndup(text, len);
			p->text_len = len;
		} else if (lua_istable(L, -1)) {
			p->text = dup_field(L, -1, "text", &p->text_len, true, what);
			p->path = dup_field(L, -1, "path", NULL, false, what);
			if (lua_getfield(L, -1, "linted") != LUA_TNIL)
				p->linted = lua_toboolean(L, -1);
			lua_pop(L, 1);
		} else {
			luaL_error(L, "%s: posts[%d] must be a string or a table with 'text'", what, (int)i);
		}
		if (!p->path) {
			char name[32];
			snprintf(name, sizeof(name), "post%d.md", (int)i);
			p->path = xstrdup(name);
		}
		lua_pop(L, 1);
	}
}

static void read_case(lua_State *L, int idx, struct rule_test_case *c, const char *what)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) == LUA_TSTRING) {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		c->text = xstrndup(s, n);
		c->text_len = n;
		return;
	}
	if (!lua_istable(L, idx))
		luaL_error(L, "%s must be a string or a table with 'text'", what);
	int posts = lua_getfield(L, idx, "posts");
	if (posts == LUA_TTABLE)
		read_posts(L, lua_gettop(L), c, what);
	else if (posts != LUA_TNIL)
		luaL_error(L, "%s: 'posts' must be a list of posts", what);
	lua_pop(L, 1);
	c->text = dup_field(L, idx, "text", &c->text_len, posts == LUA_TNIL, what);
	c->lang = dup_field(L, idx, "lang", NULL, false, what);
	c->name = dup_field(L, idx, "name", NULL, false, what);
	c->path = dup_field(L, idx, "path", NULL, false, what);
	if (lua_getfield(L, idx, "options") != LUA_TNIL)
		api_to_map(L, -1, &c->options, what, API_OPTIONS_MAX_BYTES);
	lua_pop(L, 1);
	int pt = lua_getfield(L, idx, "platform");
	if (pt == LUA_TSTRING) {
		c->platforms = xcalloc(2, sizeof(char *));
		c->platforms[0] = xstrdup(lua_tostring(L, -1));
	} else if (pt != LUA_TNIL) {
		luaL_error(L, "%s: 'platform' must be a string", what);
	}
	lua_pop(L, 1);
	if (c->valid)
		return;
	int et = lua_getfield(L, idx, "errors");
	if (et == LUA_TNUMBER) {
		c->count = (long)lua_tointeger(L, -1);
	} else if (et == LUA_TTABLE) {
		c->count = -1;
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_geti(L, -1, i);
			c->errors = xrealloc(c->errors, (c->nerrors + 1) * sizeof(*c->errors));
			struct expected_error *e = &c->errors[c->nerrors++];
			memset(e, 0, sizeof(*e));
			e->nsuggestions = -1;
			if (lua_type(L, -1) == LUA_TSTRING) {
				e->message = xstrdup(lua_tostring(L, -1));
			} else if (lua_istable(L, -1)) {
				read_expected_error(L, e, what);
			} else {
				luaL_error(L, "%s: each expected error is a table or a message", what);
			}
			lua_pop(L, 1);
		}
	} else {
		luaL_error(L, "%s: 'errors' must be a count or a list of expected errors", what);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "output") != LUA_TNIL) {
		if (!lua_isstring(L, -1))
			luaL_error(L, "%s: 'output' must be a string", what);
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		c->output = xstrndup(s, n);
		c->output_len = n;
		c->has_output = true;
	}
	lua_pop(L, 1);
}

static int read_tests(lua_State *L)
{
	struct read_call *rc = lua_touserdata(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, rc->rule->ref);
	if (lua_getfield(L, -1, "tests") != LUA_TTABLE)
		return 0;
	int tests = lua_gettop(L);
	static const char *const groups[] = { "valid", "invalid" };
	for (int g = 0; g < 2; g++) {
		int type = lua_getfield(L, tests, groups[g]);
		if (type == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		if (type != LUA_TTABLE)
			return luaL_error(L, "%s: tests.%s must be a list", rc->rule->file, groups[g]);
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n; i++) {
			struct rule_tests *out = rc->out;
			out->cases = xrealloc(out->cases, (out->ncases + 1) * sizeof(*out->cases));
			struct rule_test_case *c = &out->cases[out->ncases++];
			memset(c, 0, sizeof(*c));
			c->valid = g == 0;
			c->index = (int)i;
			char what[300];
			snprintf(what, sizeof(what), "%s: tests.%s[%d]", rc->rule->file, groups[g], (int)i);
			lua_geti(L, -1, i);
			read_case(L, -1, c, what);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	return 0;
}

int ruletest_read(struct session *s, const struct rule *rule, struct rule_tests *out,
		  struct buf *err)
{
	memset(out, 0, sizeof(*out));
	struct read_call rc = { rule, out };
	struct host_error herr;
	/* the tests table is the rule's data and may have metamethods: budgeted like a load */
	if (host_call(s->host, read_tests, &rc, 50000000LL, &herr) < 0) {
		buf_adds(err, herr.message);
		return -1;
	}
	return 0;
}

struct match_call {
	const char *pattern, *message;
	bool matched;
};

static int match_message(lua_State *L)
{
	struct match_call *m = lua_touserdata(L, 1);
	lua_pushstring(L, m->message);
	lua_getfield(L, -1, "find"); /* through the string metatable */
	lua_insert(L, -2);
	lua_pushstring(L, m->pattern);
	lua_call(L, 2, 1);
	m->matched = !lua_isnil(L, -1);
	return 0;
}

bool ruletest_message_matches(struct session *s, const char *pattern, const char *message)
{
	if (strcmp(pattern, message) == 0)
		return true;
	struct match_call m = { pattern, message, false };
	struct host_error err;
	if (host_call(s->host, match_message, &m, 1000000, &err) < 0)
		return false; /* not a valid pattern: only equality counts */
	return m.matched;
}
