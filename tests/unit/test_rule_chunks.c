/* The built-in rules as a lint loads them: compiled without their `tests` field and the names
 * of locals and upvalues (tools/compile_lua.c), and otherwise the same rules - the same
 * fields, and their functions on the same lines, line by line (errors and tracebacks name
 * them) - as `postlint test` loads whole. And
 * in one environment (host.c, push_shared_env), which is only safe while none of them sets
 * a global: linting posts that take most of their paths leaves it as it was made. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "check.h"
#include "config.h"
#include "embedded.h"
#include "lua/host.h"
#include "post.h"
#include "collected.h"
#include "rules.h"
#include "session.h"

/* Pushes field of the table of rule r in session s. */
static int push_field(struct session *s, const struct rule *r, const char *field)
{
	lua_State *L = host_state(s->host);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->ref);
	int type = lua_getfield(L, -1, field);
	lua_remove(L, -2);
	return type;
}

/* The name of the first upvalue of the main function of a chunk of bytecode (loaded, not
 * run), or "" when it does not load. */
static const char *upvalue_name(lua_State *L, const unsigned char *bytecode, size_t len)
{
	static char name[64];
	name[0] = '\0';
	if (luaL_loadbufferx(L, (const char *)bytecode, len, "chunk", "b") == LUA_OK) {
		const char *n = lua_getupvalue(L, -1, 1);
		snprintf(name, sizeof(name), "%s", n ? n : "(none)");
		lua_pop(L, n ? 2 : 1);
	} else {
		lua_pop(L, 1);
	}
	return name;
}

/* The lines with code of a function of the rule, as "3 4 7 ", and the name of its first
 * parameter ("" for none, or when the chunk has no names). */
static void code_lines(struct session *s, const struct rule *r, const char *field, char *out,
		       size_t cap, char *param, size_t param_cap)
{
	lua_State *L = host_state(s->host);
	out[0] = param[0] = '\0';
	if (push_field(s, r, field) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return;
	}
	const char *p = lua_getlocal(L, NULL, 1);
	snprintf(param, param_cap, "%s", p ? p : "");
	lua_Debug ar;
	lua_getinfo(L, ">L", &ar);
	int last = -1;
	for (;;) { /* the set's keys in increasing order */
		int next = -1;
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			int line = (int)lua_tointeger(L, -2);
			if (line > last && (next < 0 || line < next))
				next = line;
			lua_pop(L, 1);
		}
		if (next < 0)
			break;
		snprintf(out + strlen(out), cap - strlen(out), "%d ", next);
		last = next;
	}
	lua_pop(L, 1);
}

/* The first and last lines of a function of the rule, or -1 when it has none. */
static void lines_of(struct session *s, const struct rule *r, const char *field, int *first,
		     int *last)
{
	lua_State *L = host_state(s->host);
	*first = *last = -1;
	if (push_field(s, r, field) == LUA_TFUNCTION) {
		lua_Debug ar;
		lua_getinfo(L, ">S", &ar);
		*first = ar.linedefined;
		*last = ar.lastlinedefined;
	} else {
		lua_pop(L, 1);
	}
}

/* The names of the rule table's fields, sorted, joined by spaces. */
static void field_names(struct session *s, const struct rule *r, char *out, size_t cap)
{
	static const char *const fields[] = { "id", "summary", "docs", "severity", "fixable",
					      "options", "check", "check_set", "collect",
					      "tests", "version", NULL };
	lua_State *L = host_state(s->host);
	out[0] = '\0';
	for (size_t i = 0; fields[i]; i++) {
		if (push_field(s, r, fields[i]) != LUA_TNIL) {
			strncat(out, fields[i], cap - strlen(out) - 1);
			strncat(out, " ", cap - strlen(out) - 1);
		}
		lua_pop(L, 1);
	}
}

/* Whether the table at the top of the stack has a key that the table below it lacks, but
 * require (which the one below has not); the first such key in name. */
static bool has_extra_key(lua_State *L, char *name, size_t cap)
{
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "require") == 0)
			continue;
		lua_pushvalue(L, -1);
		if (lua_rawget(L, -4) == LUA_TNIL) {
			snprintf(name, cap, "%s", lua_type(L, -2) == LUA_TSTRING ?
						   lua_tostring(L, -2) : "(not a string)");
			lua_pop(L, 2);
			return true;
		}
		lua_pop(L, 1);
	}
	return false;
}

static void lint_sample(struct session *s, const char *text)
{
	struct config *cfg = config_default("/");
	size_t len = strlen(text);
	char *copy = malloc(len);
	memcpy(copy, text, len);
	struct post *post = post_new("sample.md", copy, len);
	struct report report;
	report_init(&report, "sample.md");
	struct collected col = { 0 };
	session_lint_collect(s, post, "/sample.md", cfg, &report, &col);
	collected_release(&col);
	report_release(&report);
	post_free(post);
	config_free(cfg);
}

/* The last line of the main function of a chunk of bytecode (loaded, not run). */
static int last_line(lua_State *L, const unsigned char *bytecode, size_t len)
{
	if (luaL_loadbufferx(L, (const char *)bytecode, len, "chunk", "b") != LUA_OK) {
		lua_pop(L, 1);
		return -1;
	}
	lua_Debug ar;
	lua_getinfo(L, ">L", &ar); /* pushes the set of its lines with code */
	int last = -1;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		int line = (int)lua_tointeger(L, -2);
		if (line > last)
			last = line;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return last;
}

static const char *const samples[] = {
	"---\nplatform: x\ngoal: replies\n---\nWe rebuilt our onboarding flow. What would you cut?\n",
	"---\nplatform: [linkedin, x]\n---\nRT @someone: \"Ship small, ship often.\" - a saying we "
	"live by. Buy now! 50% off today only https://example.com/deal #ad #Sale #quote @a @b @c\n",
	"---\nplatform: instagram\nkind: thread\n---\n1/ I I I my my MY LAUNCH!!! Check out my new "
	"blog post: https://example.com/post\n\n2/ Thoughts?\n",
	"---\nplatform: mastodon\nlang: de\n---\nWas meint ihr: lohnt sich der Umstieg auf Linux?\n",
	"---\nplatform: bluesky\nlang: ja\n---\n週末はどこに行きましたか？\n",
	"---\nplatform: facebook\nlang: es\n---\n¿Qué libro os ha cambiado la forma de pensar?\n",
	NULL,
};

int main(void)
{
	size_t lint_chunks = 0, rule_files = 0;
	for (size_t i = 0; i < builtin_rule_files_count; i++) {
		rule_files += !strchr(builtin_rule_files[i].name, '/');
		lint_chunks += builtin_rule_files[i].lint_bytecode != NULL;
	}
	CHECK(rule_files > 0, "the binary holds built-in rules (%zu)", rule_files);
	CHECK_INT(lint_chunks, builtin_rule_files_count,
		  "every built-in file (rules and their modules) has a chunk to lint with");
	/* the chunk's own last line (its final return, on the closing brace) is the same both
	 * ways: the tests were blanked with their newlines kept (each rule's tests come last,
	 * so the lines of its functions, checked below, would not show it) */
	lua_State *plain = luaL_newstate();
	for (size_t i = 0; i < builtin_rule_files_count; i++) {
		const struct embedded_file *f = &builtin_rule_files[i];
		if (!f->lint_bytecode)
			continue;
		int whole = last_line(plain, f->bytecode, f->bytecode_len);
		int lint = last_line(plain, f->lint_bytecode, f->lint_bytecode_len);
		CHECK(whole > 0 && whole == lint, "%s: the chunk ends on line %d both ways (%d)",
		      f->name, whole, lint);
		/* its upvalue, the environment, is named in the whole chunk only */
		const char *whole_name = upvalue_name(plain, f->bytecode, f->bytecode_len);
		CHECK(strcmp(whole_name, "_ENV") == 0, "%s: the whole chunk keeps names (%s)",
		      f->name, whole_name);
		const char *lint_name = upvalue_name(plain, f->lint_bytecode, f->lint_bytecode_len);
		CHECK(strcmp(lint_name, "_ENV") != 0, "%s: the lint chunk names no upvalue (%s)",
		      f->name, lint_name);
	}
	lua_close(plain);

	struct config_store *configs = config_store_new(NULL);
	struct session_options opts = { 0 };
	struct session *lint = session_new(&opts, configs);
	opts.with_tests = true;
	struct session *whole = session_new(&opts, configs);
	CHECK(lint && whole, "two sessions");
	CHECK_INT(lint->rules->nrules, whole->rules->nrules, "the same rules");
	for (size_t i = 0; i < whole->rules->nrules && i < lint->rules->nrules; i++) {
		const struct rule *w = &whole->rules->rules[i], *l = &lint->rules->rules[i];
		CHECK_STR(l->id, w->id, "the rules in the same order");
		int type = push_field(whole, w, "tests");
		lua_pop(host_state(whole->host), 1);
		CHECK(type == LUA_TTABLE, "%s: its tests, loaded whole", w->id);
		type = push_field(lint, l, "tests");
		lua_pop(host_state(lint->host), 1);
		CHECK(type == LUA_TNIL, "%s: no tests, loaded to lint", w->id);
		char wf[256], lf[256];
		field_names(whole, w, wf, sizeof(wf));
		field_names(lint, l, lf, sizeof(lf));
		char *tests = strstr(wf, "tests ");
		if (tests)
			memmove(tests, tests + 6, strlen(tests + 6) + 1);
		CHECK_STR(lf, wf, "the other fields");
		static const char *const functions[] = { "check", "check_set", "collect", NULL };
		for (size_t f = 0; functions[f]; f++) {
			int wa, wb, la, lb;
			lines_of(whole, w, functions[f], &wa, &wb);
			lines_of(lint, l, functions[f], &la, &lb);
			CHECK(wa == la && wb == lb, "%s: %s on lines %d-%d both ways (%d-%d)", w->id,
			      functions[f], wa, wb, la, lb);
			char wl[4096], ll[4096], wp[64], lp[64];
			code_lines(whole, w, functions[f], wl, sizeof(wl), wp, sizeof(wp));
			code_lines(lint, l, functions[f], ll, sizeof(ll), lp, sizeof(lp));
			CHECK(strcmp(ll, wl) == 0, "%s: %s has code on the same lines both ways",
			      w->id, functions[f]);
			CHECK(wa < 0 || (wp[0] && !lp[0]),
			      "%s: %s's parameter is named when whole only ('%s', '%s')", w->id,
			      functions[f], wp, lp);
		}
	}

	/* the environment the built-in rules share, after they linted the samples, against
	 * one made afresh for a rule from disk (which has no require: root NULL) */
	for (const char *const *t = samples; *t; t++)
		lint_sample(lint, *t);
	lua_State *L = host_state(lint->host);
	host_push_env(L, NULL);
	host_push_env(L, &lint->rules->origins[0].root);
	char name[128] = "";
	bool extra = false;
	extra = has_extra_key(L, name, sizeof(name));
	CHECK(!extra, "the built-in rules' environment holds no global of theirs%s%s",
	      extra ? ": " : "", extra ? name : "");
	lua_pop(L, 2);
	session_free(lint);
	session_free(whole);
	config_store_free(configs);
	return check_done();
}
