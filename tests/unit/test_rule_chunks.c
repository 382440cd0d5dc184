/* The built-in rules as a lint loads them: compiled without their `tests` field
 * (tools/compile_lua.c), and otherwise the same rules - the same fields, and their functions
 * on the same lines (errors and tracebacks name them) - as `postlint test` loads whole. */
#include <stdbool.h>
#include <string.h>

#include <lua.h>

#include "check.h"
#include "config.h"
#include "embedded.h"
#include "lua/host.h"
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

int main(void)
{
	size_t lint_chunks = 0, rule_files = 0;
	for (size_t i = 0; i < builtin_rule_files_count; i++) {
		const char *name = builtin_rule_files[i].name;
		if (!strchr(name, '/')) {
			rule_files++;
			lint_chunks += builtin_rule_files[i].lint_bytecode != NULL;
		}
	}
	CHECK(rule_files > 0, "the binary holds built-in rules (%zu)", rule_files);
	CHECK_INT(lint_chunks, rule_files, "built-in rules compiled without their tests too");

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
		}
	}
	session_free(lint);
	session_free(whole);
	config_store_free(configs);
	return check_done();
}
