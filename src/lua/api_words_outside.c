/* post:words_outside(spans [, before]): the words a post's author wrote around quotations.
 *
 *   local own, by_sentence, words_by_sentence, span_of = post:words_outside(post.quotes, rt)
 *
 * spans is a list of ranges ({ first, last }, sorted by first, possibly nested), before an
 * offset or nil. A word is "outside" when it is not link text, does not start inside any of
 * the spans, and starts before `before`. Returned:
 *   own                the indices (into post.words) of the words outside, in order;
 *   by_sentence[si]    those of sentence si (only sentences that have any);
 *   words_by_sentence[si]  the same words as the post.words tables themselves (each
 *                      sentence's list made when first read: post.words makes a word's
 *                      table on first read, and most callers want a few words, if any);
 *   span_of[i]         for every word, the span its start lies in (the latest starting one),
 *                      or false.
 * The golden rules' analysis asks this of every post; one pass here replaces a Lua loop over
 * every word and a walk over the spans. */
#include <stdint.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/host.h"

/* The spans' ranges, read once, and the sweep over them: the words come in text order, so a
 * span is opened when the first word at or after its start comes, and the open spans are a
 * stack whose top is the latest starting one; those ended are dropped from the top. Each
 * span is pushed and popped once: linear in spans and words, whatever their nesting (a walk
 * back over earlier spans per word was quadratic under one wide span, and uncharged). */
struct span_sweep {
	lua_Integer *first, *last;
	size_t *open; /* indices of the opened spans not yet seen to end, latest on top */
	size_t n, next, nopen;
};

/* An integer field of span index (1-based); a rule may hand over anything. */
static lua_Integer range_field(lua_State *L, int table, const char *field, size_t index)
{
	int ok = 0;
	lua_Integer v = 0;
	if (lua_getfield(L, table, field) == LUA_TNUMBER)
		v = lua_tointegerx(L, -1, &ok);
	if (!ok)
		luaL_error(L, "words_outside: span %I has no integer '%s'", (lua_Integer)index, field);
	lua_pop(L, 1);
	return v;
}

/* Reads the list at idx; the arrays live in a userdata left on the stack (freed by the GC,
 * so a raise while reading leaks nothing). */
static void read_spans(lua_State *L, int idx, struct span_sweep *out)
{
	lua_Integer len = luaL_len(L, idx); /* a rule's __len may say anything */
	if (len < 0)
		luaL_error(L, "words_outside: the list of spans has a negative length");
	size_t per = 2 * sizeof(lua_Integer) + sizeof(size_t);
	if ((lua_Unsigned)len > SIZE_MAX / per)
		luaL_error(L, "words_outside: the list of spans is too long");
	size_t n = (size_t)len;
	host_charge(L, (long long)n + 1);
	lua_Integer *mem = lua_newuserdatauv(L, n ? n * per : 1, 0);
	*out = (struct span_sweep){ mem, mem + n, (size_t *)(mem + 2 * n), n, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		if (lua_geti(L, idx, (lua_Integer)i + 1) != LUA_TTABLE)
			luaL_error(L, "words_outside: span %I is not a table", (lua_Integer)i + 1);
		out->first[i] = range_field(L, -1, "first", i + 1);
		out->last[i] = range_field(L, -1, "last", i + 1);
		lua_pop(L, 1);
		if (i > 0 && out->first[i] < out->first[i - 1])
			luaL_error(L, "words_outside: the spans must be sorted by first (span %I "
				      "starts before span %I)", (lua_Integer)i + 1, (lua_Integer)i);
	}
}

/* The index of the latest starting span holding pos, or -1; pos never decreases from one
 * call to the next. */
static long span_holding(struct span_sweep *s, lua_Integer pos)
{
	while (s->next < s->n && s->first[s->next] <= pos)
		s->open[s->nopen++] = s->next++;
	/* a span popped here ended before pos, so before every later word too */
	while (s->nopen > 0 && s->last[s->open[s->nopen - 1]] < pos)
		s->nopen--;
	return s->nopen > 0 ? (long)s->open[s->nopen - 1] : -1;
}

/* Puts the list of sentence si (from the table at by_sentence, made when missing, with room
 * for the sentence's words) at the stack slot list, and returns its length. Words come in
 * text order, so this runs about once per sentence. */
static lua_Integer sentence_list(lua_State *L, int by_sentence, int list, lua_Integer si,
				 int room)
{
	if (lua_rawgeti(L, by_sentence, si) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, room, 0);
		lua_pushvalue(L, -1);
		lua_rawseti(L, by_sentence, si);
	}
	lua_replace(L, list);
	return (lua_Integer)lua_rawlen(L, list);
}

/* __index(words_by_sentence, si), upvalues by_sentence and post.words: the word tables of
 * the indices by_sentence[si], stored for the next read. */
static int sentence_words_index(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TTABLE) /* 3: by_sentence[key] */
		return 0;
	lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
	lua_createtable(L, (int)n, 0);
	for (lua_Integer k = 1; k <= n; k++) {
		lua_rawgeti(L, 3, k);
		lua_gettable(L, lua_upvalueindex(2)); /* post.words[i]: made if not yet */
		lua_rawseti(L, 4, k);
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 4);
	lua_rawset(L, 1);
	return 1;
}

/* __pairs: the sentences that have words, as pairs(by_sentence) lists them */
static int sentence_words_next(lua_State *L)
{
	lua_settop(L, 2);
	if (!lua_next(L, lua_upvalueindex(1)))
		return 0;
	lua_pop(L, 1);
	lua_pushvalue(L, -1);
	lua_gettable(L, 1);
	return 2;
}

static int sentence_words_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, sentence_words_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

int api_post_words_outside(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "words_outside");
	luaL_checktype(L, 2, LUA_TTABLE);
	/* nil or false: no limit, as `before and w.first >= before` reads in Lua */
	lua_Integer before = lua_toboolean(L, 3) ? luaL_checkinteger(L, 3) : LUA_MAXINTEGER;
	struct post *p = view->post;
	post_tokens(p);
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	host_charge(L, (long long)nwords / 4 + 1);
	lua_settop(L, 3);
	struct span_sweep spans;
	read_spans(L, 2, &spans); /* 4: the spans' arrays */
	lua_getfield(L, 1, "words"); /* 5: post.words (its tables are made when read) */
	luaL_checktype(L, 5, LUA_TTABLE);
	lua_createtable(L, (int)nwords, 0); /* 6: own */
	int nsentences = (int)p->tk->tokens[TOK_SENTENCE].len;
	lua_createtable(L, nsentences, 0); /* 7: by_sentence */
	lua_createtable(L, nsentences, 0); /* 8: words_by_sentence, filled when read */
	lua_createtable(L, (int)nwords, 0); /* 9: span_of */
	lua_pushnil(L);                     /* 10: the list of sentence current_si */
	lua_Integer nown = 0, current_si = 0, listed = 0, last_first = 0;
	for (size_t i = 0; i < nwords; i++) {
		const struct token *w = &words[i];
		lua_Integer first = (lua_Integer)w->start + 1;
		if (first < last_first)
			spans.next = spans.nopen = 0; /* not in text order (never so far): sweep anew */
		last_first = first;
		long span = span_holding(&spans, first);
		if (span >= 0)
			lua_geti(L, 2, span + 1);
		else
			lua_pushboolean(L, 0);
		lua_rawseti(L, 9, (lua_Integer)i + 1);
		if ((w->flags & TF_LINK) || span >= 0 || first >= before)
			continue;
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_rawseti(L, 6, ++nown);
		if (w->sentence == UINT32_MAX)
			continue;
		lua_Integer si = (lua_Integer)w->sentence + 1;
		if (si != current_si) {
			const struct token *s = &p->tk->tokens[TOK_SENTENCE].items[w->sentence];
			listed = sentence_list(L, 7, 10, si, (int)s->nwords);
			current_si = si;
		}
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_rawseti(L, 10, ++listed);
	}
	lua_settop(L, 9);
	lua_createtable(L, 0, 3); /* words_by_sentence's metatable, kept (as post.words') */
	lua_pushvalue(L, 7);
	lua_pushvalue(L, 5);
	lua_pushcclosure(L, sentence_words_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, 7);
	lua_pushcclosure(L, sentence_words_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "words by sentence");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, 8);
	return 4;
}

/* post:own_words(rt_first, all_quoted) -> own, own_sentences: the golden rules' own words
 * as the analyses in C find them (api_lists.h) - the indices of the words outside
 * post.quotes, not link text, starting before rt_first (none when all_quoted), in order;
 * and the indices of the sentences that have any. The same words as
 * post:words_outside(post.quotes, all_quoted and 1 or rt_first), from the arrays the
 * analyses keep, without the lists by sentence and the span of every word. */
int api_post_own_words(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "own_words");
	lua_Integer rt_first = lua_toboolean(L, 2) ? luaL_checkinteger(L, 2) : 0;
	bool all_quoted = lua_toboolean(L, 3);
	lua_settop(L, 3);
	struct word_lists v;
	api_own_words(L, &v, view->post, rt_first, all_quoted);
	lua_createtable(L, (int)v.nown, 0);
	for (size_t k = 0; k < v.nown; k++) {
		lua_pushinteger(L, (lua_Integer)v.own[k] + 1);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_createtable(L, 0, 0);
	lua_Integer n = 0;
	for (size_t si = 0; si < v.nsentences; si++) {
		if (api_own_count(&v, si) > 0) {
			lua_pushinteger(L, (lua_Integer)si + 1);
			lua_rawseti(L, -2, ++n);
		}
	}
	return 2;
}
