/* The own words, sets and list matches the C analyses share (see api_lists.h). */
#include "lua/api_lists.h"

#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "util/memfind.h"
#include "util/xalloc.h"

/* The own words, and each sentence's, kept with the post's tokens for the next analysis
 * that asks with the same limit. */
static void find_own_words(struct word_lists *v)
{
	/* words starting at or after this offset are not own: the retweeted text, or all */
	size_t before = v->all_quoted ? 0 : v->rt_start;
	size_t nwords = v->nwords, nsentences = v->nsentences;
	struct post_tokens *tk = v->p->tk;
	size_t *mem = tk->own_words;
	if (!mem || tk->own_before != before) {
		mem = xrealloc(mem, (nsentences + 2 + 2 * nwords + 1) * sizeof(size_t));
		tk->own_words = mem;
		tk->own_before = before;
		tk->nown = SIZE_MAX; /* (not made yet) */
	}
	v->at = mem;
	v->by_sentence = mem + nsentences + 2;
	v->own = v->by_sentence + nwords;
	if (tk->nown != SIZE_MAX) {
		v->nown = tk->nown;
		return;
	}
	v->nown = 0;
	memset(v->at, 0, (nsentences + 2) * sizeof(size_t));
	/* counted per sentence, then placed: words keep their text order in each sentence */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nwords; i++) {
			const struct token *w = &v->words[i];
			if ((w->flags & TF_LINK) || w->start >= before ||
			    api_in_quotation(v->p, w->start))
				continue;
			if (pass == 0)
				v->own[v->nown++] = i;
			if (w->sentence == UINT32_MAX || w->sentence >= nsentences)
				continue;
			if (pass == 0)
				v->at[w->sentence + 2]++;
			else
				v->by_sentence[v->at[w->sentence + 1]++] = i;
		}
		if (pass == 0)
			for (size_t si = 2; si < nsentences + 2; si++)
				v->at[si] += v->at[si - 1];
	}
	tk->nown = v->nown;
}

void api_lists_open(lua_State *L, struct word_lists *v, struct post *p, int w,
		    lua_Integer rt_first, bool all_quoted)
{
	api_lists_read(L, v, p, w, rt_first, all_quoted);
	find_own_words(v);
}

/* The post's part of v: its tokens, and where the poster's own text ends. */
static void lists_of_post(lua_State *L, struct word_lists *v, struct post *p,
			  lua_Integer rt_first, bool all_quoted)
{
	post_tokens(p);
	*v = (struct word_lists){ .L = L, .p = p, .all_quoted = all_quoted,
				  .rt_start = rt_first >= 1 ? (size_t)rt_first - 1 : SIZE_MAX,
				  .words = p->tk->tokens[TOK_WORD].items,
				  .sentences = p->tk->tokens[TOK_SENTENCE].items,
				  .nwords = p->tk->tokens[TOK_WORD].len,
				  .nsentences = p->tk->tokens[TOK_SENTENCE].len };
	host_charge(L, (long long)(v->nwords + v->nsentences) / 4 + 1);
}

void api_own_words(lua_State *L, struct word_lists *v, struct post *p, lua_Integer rt_first,
		   bool all_quoted)
{
	lists_of_post(L, v, p, rt_first, all_quoted);
	find_own_words(v);
}

void api_raw_field(lua_State *L, int t, const char *field)
{
	t = lua_absindex(L, t);
	api_push_literal(L, field);
	lua_rawget(L, t);
}

void api_lists_open_analysis(lua_State *L, struct word_lists *v, struct post *p, int a)
{
	a = lua_absindex(L, a);
	api_raw_field(L, a, "W");
	luaL_checktype(L, -1, LUA_TTABLE);
	int w = lua_gettop(L);
	api_raw_field(L, a, "rt_first");
	lua_Integer rt_first = lua_toboolean(L, -1) ? luaL_checkinteger(L, -1) : 0;
	api_raw_field(L, a, "all_quoted");
	bool all_quoted = lua_toboolean(L, -1);
	lua_pop(L, 2);
	api_lists_open(L, v, p, w, rt_first, all_quoted);
}

void api_lists_read(lua_State *L, struct word_lists *v, struct post *p, int w,
		    lua_Integer rt_first, bool all_quoted)
{
	w = lua_absindex(L, w);
	lists_of_post(L, v, p, rt_first, all_quoted);
	api_push_literal(L, "substring");
	lua_gettable(L, w);
	v->substring = lua_toboolean(L, -1);
	lua_pop(L, 1);
	api_push_literal(L, "phrases");
	lua_gettable(L, w);
	v->phrases = lua_gettop(L);
	api_push_literal(L, "sets");
	lua_gettable(L, w);
	v->sets = lua_gettop(L);
	api_push_literal(L, "data");
	lua_gettable(L, w);
	v->data = lua_gettop(L);
	/* post.norms when a rule made it already (its strings are interned), else nil */
	api_push_literal(L, "norms");
	lua_rawget(L, 1);
	v->norms = lua_gettop(L);
}

bool api_own_text_at(const struct word_lists *v, size_t offset)
{
	return !v->all_quoted && !api_in_quotation(v->p, offset) && offset < v->rt_start;
}

bool api_quoted_at(const struct word_lists *v, size_t offset)
{
	return v->all_quoted || api_in_quotation(v->p, offset);
}

/* Whether a match starting at offset is in the region asked for. */
static bool wanted_at(const struct word_lists *v, enum region_want want, size_t offset)
{
	return want == ANYWHERE || (want == OWN_ONLY ? api_own_text_at(v, offset)
						     : !api_quoted_at(v, offset));
}

const char *api_word_norm(const struct word_lists *v, size_t word, size_t *len)
{
	const struct token *w = &v->words[word];
	*len = w->norm_len;
	return v->p->tk->norms.ptr + w->norm_off;
}

int api_set_open(struct word_lists *v, const char *set)
{
	lua_State *L = v->L;
	/* a list compiled already as a phrase set of a group (W.phrases, read raw: not made
	 * here) answers in C, by the word's hash: W.sets' answer, without a Lua string per
	 * word asked (api_phrase_group_has_word) */
	if (!v->substring && lua_istable(L, v->phrases)) {
		api_push_literal(L, set);
		const struct phrase_set *ps;
		if (lua_rawget(L, v->phrases) == LUA_TUSERDATA && api_is_phrases(L, -1) &&
		    (ps = lua_touserdata(L, -1))->group && api_phrase_group_ready(ps->group, v->p))
			return lua_gettop(L);
		lua_pop(L, 1);
	}
	api_push_literal(L, set);
	lua_gettable(L, v->sets);
	return lua_gettop(L);
}

bool api_in_set(struct word_lists *v, int set, size_t word)
{
	lua_State *L = v->L;
	if (lua_type(L, set) == LUA_TUSERDATA) /* (api_set_open: a grouped phrase set) */
		return api_phrase_group_has_word(lua_touserdata(L, set), v->p, word);
	if (!lua_istable(L, set))
		return false;
	/* the norm as post.norms holds it, interned already, when there is that */
	if (lua_istable(L, v->norms)) {
		lua_rawgeti(L, v->norms, (lua_Integer)word + 1);
	} else {
		size_t len;
		const char *norm = api_word_norm(v, word, &len);
		lua_pushlstring(L, norm, len);
	}
	bool found = lua_gettable(L, set) != LUA_TNIL && lua_toboolean(L, -1);
	lua_pop(L, 1);
	return found;
}

int api_person_open(struct word_lists *v)
{
	int first = api_set_open(v, "first_person");
	api_set_open(v, "second_person");
	return first;
}

bool api_is_person(struct word_lists *v, int person, size_t word)
{
	return api_in_set(v, person, word) || api_in_set(v, person + 1, word);
}

bool api_set_has(struct word_lists *v, const char *set, size_t word)
{
	int slot = api_set_open(v, set);
	bool found = api_in_set(v, slot, word);
	lua_pop(v->L, 1);
	return found;
}

/* W.data[name] searched as substrings, as analysis.lua's find did: each phrase from the
 * body's start, each search going on after the last match. */
static bool substring_each(struct word_lists *v, const char *name, size_t first, size_t end,
			   enum region_want want, list_match_fn fn, void *ud)
{
	lua_State *L = v->L;
	const struct post *p = v->p;
	bool stopped = false;
	api_push_literal(L, name);
	if (lua_gettable(L, v->data) != LUA_TTABLE) {
		lua_pop(L, 1);
		return false;
	}
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	for (lua_Integer k = 1; k <= n && !stopped; k++) {
		size_t plen = 0;
		const char *phrase = lua_rawgeti(L, -1, k) == LUA_TSTRING ?
					     lua_tolstring(L, -1, &plen) : NULL;
		for (size_t at = p->body_start; phrase && plen > 0 && at + plen <= p->len;) {
			const char *hit = mem_find(p->text + at, p->len - at, phrase, plen);
			if (!hit)
				break;
			size_t start = (size_t)(hit - p->text), stop = start + plen;
			host_charge(L, 1);
			if (start >= end)
				break; /* (later matches start later still) */
			struct list_match m = { start, stop, 0, 0, phrase, plen };
			if (start >= first && stop <= end && wanted_at(v, want, start) && fn(ud, &m)) {
				stopped = true;
				break;
			}
			at = stop;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return stopped;
}

bool api_list_each(struct word_lists *v, const char *name, size_t first, size_t end,
		   enum region_want want, list_match_fn fn, void *ud)
{
	lua_State *L = v->L;
	if (v->all_quoted && want != ANYWHERE)
		return false;
	if (v->substring)
		return substring_each(v, name, first, end, want, fn, ud);
	api_push_literal(L, name);
	if (lua_gettable(L, v->phrases) == LUA_TNIL) {
		lua_pop(L, 1);
		return false;
	}
	/* (W.phrases keeps the set: popped, it stays alive) */
	const void *set = api_check_phrases(L, -1);
	lua_pop(L, 1);
	const struct phrase_scan *scan = api_phrase_scan(L, v->p, set);
	size_t lo = 0, hi = scan->n; /* the first match starting in the range */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->words[scan->hits[mid].word].start < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < scan->n; k++) {
		const struct phrase_hit *h = &scan->hits[k];
		size_t start = v->words[h->word].start;
		size_t stop = v->words[h->word + h->nwords - 1].end;
		if (start >= end)
			break;
		struct list_match m = { start, stop, h->word, h->nwords, h->phrase, h->phrase_len };
		if (stop <= end && wanted_at(v, want, start) && fn(ud, &m))
			return true;
	}
	return false;
}

bool api_mark_match_words(void *ud, const struct list_match *m)
{
	struct word_marks *marks = ud;
	const struct word_lists *v = marks->v;
	if (m->nwords > 0) {
		for (size_t i = m->word; i < m->word + m->nwords; i++)
			marks->marked[i] = true;
		return false;
	}
	for (size_t i = 0; i < v->nwords; i++)
		if (v->words[i].start >= m->start && v->words[i].end <= m->stop)
			marks->marked[i] = true;
	return false;
}

static bool stop_at_first(void *ud, const struct list_match *m)
{
	(void)ud, (void)m;
	return true;
}

bool api_list_any(struct word_lists *v, const char *name, size_t first, size_t end,
		  enum region_want want)
{
	return api_list_each(v, name, first, end, want, stop_at_first, NULL);
}
