/* ctx:report{...}: validates a rule's report and copies it into a struct finding at once
 * (no Lua reference survives the call).
 *
 *   ctx:report{ message = "...",
 *               first = s, last = e   -- or at = token (anything with first/last)
 *               severity = "error" | "warning" | "info",      -- optional
 *               fix = { first =, last =, text = } or a list of such edits,  -- safe, optional
 *               suggestions = { { title = "...", edits = { {first=, last=, text=} } }, ... } }
 *
 * In check_set, `post = p` (one of the posts) says which post the report is about; reports
 * about posts that are not being linted are dropped.
 *
 * Ranges are 1-based inclusive byte offsets into post.text; an insertion has last = first-1.
 * Without a range the report points at the first line of the body. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "util/xalloc.h"

static struct rule_run *current_run(lua_State *L)
{
	struct rule_run *run = host_context(host_of(L));
	if (!run || (!run->post && !run->retarget))
		luaL_error(L, "ctx:report can only be called while a check runs");
	return run;
}

/* The fields ctx:report reads: its closure's upvalues (api_push_ctx), so that a report's
 * dozen reads do not each look a C string up among Lua's strings (a strcmp a read). */
enum report_key { RK_AT = 1, RK_EDITS, RK_FIRST, RK_FIX, RK_LAST, RK_MESSAGE, RK_POST,
		  RK_SEVERITY, RK_SUGGESTIONS, RK_TEXT, RK_TITLE, RK_COUNT };
static const char *const report_key_names[RK_COUNT] = {
	NULL, "at", "edits", "first", "fix", "last", "message", "post", "severity",
	"suggestions", "text", "title",
};

/* Raw field access: no __index code of the rule runs while a report is being copied (it
 * could call ctx:report again, or change what is being read). Called inside ctx_report. */
static int rawfield(lua_State *L, int idx, enum report_key key)
{
	idx = lua_absindex(L, idx);
	lua_pushvalue(L, lua_upvalueindex(key));
	return lua_rawget(L, idx);
}

static bool utf8_boundary(const struct post *p, size_t off)
{
	return off >= p->len || ((unsigned char)p->text[off] & 0xC0) != 0x80;
}

/* Reads first/last (or at = token) from the table at idx into [*start, *end). Returns false
 * if the table has no range at all. */
static bool read_range(lua_State *L, int idx, const struct post *p, const char *what,
		       size_t *start, size_t *end)
{
	idx = lua_absindex(L, idx);
	int src = idx;
	if (rawfield(L, idx, RK_AT) != LUA_TNIL) {
		if (!lua_istable(L, -1))
			luaL_error(L, "%s: 'at' must be a token (a table with first and last)", what);
		src = lua_gettop(L);
	}
	int tf = rawfield(L, src, RK_FIRST);
	int tl = rawfield(L, src, RK_LAST);
	if (tf == LUA_TNIL && tl == LUA_TNIL) {
		lua_pop(L, 3);
		return false;
	}
	int okf, okl;
	lua_Integer first = lua_tointegerx(L, -2, &okf);
	lua_Integer last = lua_tointegerx(L, -1, &okl);
	if (!okf || !okl)
		luaL_error(L, "%s: 'first' and 'last' must both be integers", what);
	if (first < 1 || last < first - 1 || (size_t)last > p->len)
		luaL_error(L, "%s: range %d..%d is outside the post (1..%d)", what, (int)first,
			   (int)last, (int)p->len);
	*start = (size_t)first - 1;
	*end = (size_t)last;
	if (!utf8_boundary(p, *start) || !utf8_boundary(p, *end))
		luaL_error(L, "%s: range %d..%d splits a UTF-8 character", what, (int)first, (int)last);
	lua_pop(L, 3);
	return true;
}

static int compare_edits(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Reads the edit list (or single edit) at idx into *edits (owned by the pending finding). */
static void read_edits(lua_State *L, int idx, const struct post *p, const char *what,
		       struct edit **edits, size_t *nedits)
{
	idx = lua_absindex(L, idx);
	if (!lua_istable(L, idx))
		luaL_error(L, "%s must be a table of edits", what);
	bool single = rawfield(L, idx, RK_FIRST) != LUA_TNIL;
	lua_pop(L, 1);
	lua_Integer n = single ? 1 : (lua_Integer)lua_rawlen(L, idx);
	if (n < 1 || n > 1000)
		luaL_error(L, "%s must hold between 1 and 1000 edits", what);
	for (lua_Integer i = 1; i <= n; i++) {
		if (single)
			lua_pushvalue(L, idx);
		else if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
			luaL_error(L, "%s: edit %d is not a table", what, (int)i);
		struct edit e = { 0 };
		if (!read_range(L, -1, p, what, &e.start, &e.end))
			luaL_error(L, "%s: edit %d has no 'first'/'last' range", what, (int)i);
		if (rawfield(L, -1, RK_TEXT) != LUA_TSTRING)
			luaL_error(L, "%s: edit %d needs 'text' (a string; \"\" deletes)", what, (int)i);
		size_t len;
		const char *text = lua_tolstring(L, -1, &len);
		*edits = xrealloc(*edits, (*nedits + 1) * sizeof(**edits));
		e.text = xstrndup(text, len);
		e.text_len = len;
		(*edits)[(*nedits)++] = e;
		lua_pop(L, 2);
	}
	qsort(*edits, *nedits, sizeof(**edits), compare_edits);
	for (size_t i = 1; i < *nedits; i++)
		if ((*edits)[i].start < (*edits)[i - 1].end)
			luaL_error(L, "%s: edits overlap", what);
}

static int ctx_report(lua_State *L)
{
	struct rule_run *run = current_run(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (run->retarget) {
		if (rawfield(L, 2, RK_POST) != LUA_TTABLE)
			return luaL_error(L, "ctx:report in check_set needs 'post' (one of the posts)");
		const struct post_view *target = api_post_view(L, -1);
		lua_pop(L, 1);
		if (!run->retarget(run, target))
			return 0; /* context, not being linted: nothing to report on */
	}
	const struct post *p = run->post;
	if (run->reported >= API_MAX_REPORTS) {
		run->reported++;
		return 0;
	}
	finding_release(&run->pending);
	struct finding *f = &run->pending;

	if (rawfield(L, 2, RK_MESSAGE) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
		return luaL_error(L, "ctx:report: 'message' must be a non-empty string");
	f->message = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);

	f->severity = run->severity;
	if (rawfield(L, 2, RK_SEVERITY) != LUA_TNIL) {
		bool ok;
		const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		enum severity s = severity_parse(name ? name : "", &ok);
		if (!ok || s == SEVERITY_OFF)
			return luaL_error(L, "ctx:report: severity must be \"error\", \"warning\" or "
					     "\"info\"");
		if (!run->severity_forced)
			f->severity = s;
	}
	lua_pop(L, 1);

	if (!read_range(L, 2, p, "ctx:report", &f->start, &f->end)) {
		int line, col;
		size_t s, e;
		post_line_col(p, p->body_start, &line, &col);
		if (!post_line_range(p, line, &s, &e))
			s = e = p->body_start;
		f->start = p->body_start;
		f->end = e > p->body_start ? e : p->body_start;
	}

	if (rawfield(L, 2, RK_FIX) != LUA_TNIL)
		read_edits(L, -1, p, "ctx:report: fix", &f->fix, &f->nfix);
	lua_pop(L, 1);

	if (rawfield(L, 2, RK_SUGGESTIONS) != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return luaL_error(L, "ctx:report: 'suggestions' must be a list");
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		for (lua_Integer i = 1; i <= n && i <= 100; i++) {
			if (lua_rawgeti(L, -1, i) != LUA_TTABLE)
				return luaL_error(L, "ctx:report: suggestion %d is not a table", (int)i);
			if (rawfield(L, -1, RK_TITLE) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
				return luaL_error(L, "ctx:report: suggestion %d needs a 'title'", (int)i);
			f->suggestions = xrealloc(f->suggestions,
						  (f->nsuggestions + 1) * sizeof(*f->suggestions));
			struct suggestion *sg = &f->suggestions[f->nsuggestions++];
			memset(sg, 0, sizeof(*sg));
			sg->title = xstrdup(lua_tostring(L, -1));
			lua_pop(L, 1);
			if (rawfield(L, -1, RK_EDITS) != LUA_TNIL) {
				read_edits(L, -1, p, "ctx:report: suggestion edits", &sg->edits,
					   &sg->nedits);
			} else {
				lua_pop(L, 1);
				lua_pushvalue(L, -1); /* the suggestion itself is one edit */
				bool has = rawfield(L, -1, RK_FIRST) != LUA_TNIL;
				lua_pop(L, 1);
				if (has)
					read_edits(L, -1, p, "ctx:report: suggestion", &sg->edits,
						   &sg->nedits);
			}
			lua_pop(L, 2);
		}
	}
	lua_pop(L, 1);

	f->rule = xstrdup(run->rule_id);
	report_add(run->report, f);
	run->reported++;
	return 0;
}

void api_push_ctx(lua_State *L, const char *rule_id)
{
	lua_createtable(L, 0, 4);
	lua_pushstring(L, rule_id);
	lua_setfield(L, -2, "id");
	for (int k = 1; k < RK_COUNT; k++)
		lua_pushstring(L, report_key_names[k]);
	lua_pushcclosure(L, ctx_report, RK_COUNT - 1);
	lua_setfield(L, -2, "report");
}
