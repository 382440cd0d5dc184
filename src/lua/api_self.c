/* post:self(a, names): is the post about the poster and never the reader - the golden
 * rules' a.self (rules/lib/analysis.lua, self-focus).
 *
 *   local selfref, more, turns, external = post:self(a, names)
 *
 * Reads of the analysis a (raw): a.W (the word lists, see api_lists.h), a.rt_first,
 * a.all_quoted, a.quote_tweet, a.sales.score, a.share_threshold (3 when nil), a.share.items
 * and a.invitation.turns_to_reader; names is a compiled list (lint.phrases) of the poster's
 * own names, or nil. A post without words of the poster's own is none of these; else, in its
 * own text of the body:
 *   selfref   it refers to the poster: a first_person phrase ("I", "my", "we") not inside
 *             general_we ("we all"); a subject left out at the start of the first own
 *             sentence (a phrase of elided_starts there, or in English a capitalised word of
 *             5 bytes or more ending in "ed" or "ing", not in not_elided, maybe after
 *             framing: "Excited to share ..."); in a sales push, a capitalised name the post
 *             repeats; a self_hashtags hashtag; one of names;
 *   more      the repeated name's word and the names' matches (post:find's tables), which
 *             the lazy a.self.first_person adds to the first-person matches; nil for none;
 *   turns     it turns to the reader: second_person or reader_groups, more phrases of
 *             thanks than of not_thanks, or a sentence that invites a reply or asks a
 *             question (not self-directed, not short unless a sales hook);
 *   external  it is mainly about something else: a retweet, a quote-tweet, a quotation of
 *             three words or more, or a shared link - unless the poster's own things lead
 *             (first_person_possessive) and item_words does not point at the link. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "lua/host.h"

/* Whether raw field of the table at index is truthy. */
static bool raw_truthy(lua_State *L, int table, const char *field)
{
	if (!lua_istable(L, table))
		return false;
	api_raw_field(L, table, field);
	bool truthy = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return truthy;
}

struct matches {
	size_t n, cap;
	struct list_match *items;
};

static bool collect(void *ud, const struct list_match *m)
{
	struct matches *ms = ud;
	if (ms->n < ms->cap)
		ms->items[ms->n] = *m;
	ms->n++;
	return false;
}

static bool count(void *ud, const struct list_match *m)
{
	(void)m;
	++*(size_t *)ud;
	return false;
}

/* A first_person phrase not inside a general_we one ("we all", "most of us"). */
static bool first_person_outside_general(struct word_lists *v, size_t first, size_t end)
{
	lua_State *L = v->L;
	size_t ngeneral = 0;
	api_list_each(v, "general_we", first, end, OWN_ONLY, count, &ngeneral);
	struct matches general = { 0, ngeneral, NULL };
	general.items = lua_newuserdatauv(L, (ngeneral ? ngeneral : 1) * sizeof(*general.items), 0);
	api_list_each(v, "general_we", first, end, OWN_ONLY, collect, &general);
	size_t nfirst = 0;
	api_list_each(v, "first_person", first, end, OWN_ONLY, count, &nfirst);
	struct matches firsts = { 0, nfirst, NULL };
	firsts.items = lua_newuserdatauv(L, (nfirst ? nfirst : 1) * sizeof(*firsts.items), 0);
	api_list_each(v, "first_person", first, end, OWN_ONLY, collect, &firsts);
	bool outside = false;
	for (size_t k = 0; k < firsts.n && !outside; k++) {
		bool inside = false;
		for (size_t g = 0; g < general.n && !inside; g++)
			inside = firsts.items[k].start >= general.items[g].start &&
				 firsts.items[k].stop <= general.items[g].stop;
		outside = !inside;
	}
	lua_pop(L, 2);
	return outside;
}

struct word_start {
	size_t start;
};

static bool starts_here(void *ud, const struct list_match *m)
{
	return m->start == ((const struct word_start *)ud)->start;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The subject left out at the start of the first own sentence ("Excited to share ..."). */
static bool elided_subject(struct word_lists *v, bool english)
{
	size_t si = 0;
	while (si < v->nsentences && api_own_count(v, si) == 0)
		si++;
	if (si == v->nsentences)
		return false;
	size_t n = api_own_count(v, si);
	for (size_t k = 0; k < n && k < 2; k++) {
		size_t i = api_own_word(v, si, k);
		const struct token *w = &v->words[i];
		struct word_start at = { w->start };
		if (api_list_each(v, "elided_starts", 0, v->p->len, ANYWHERE, starts_here, &at))
			return true;
		size_t len;
		const char *norm = api_word_norm(v, i, &len);
		if (english && len >= 5 && !api_set_has(v, "not_elided", i) &&
		    api_word_capital(v->p->text + w->start, w->end - w->start) &&
		    (ends_with(norm, len, "ed") || ends_with(norm, len, "ing")))
			return true;
		if (!api_set_has(v, "framing", i))
			break;
	}
	return false;
}

/* In a sales push, a capitalised name of 4 bytes or more (no stopword) that the post's own
 * words repeat: its second word's table is pushed onto the list at index more. */
static bool repeated_name(struct word_lists *v, int more)
{
	lua_State *L = v->L;
	int stopwords = api_set_open(v, "stopwords");
	lua_createtable(L, 0, 0); /* norm -> times seen */
	int seen = lua_gettop(L);
	bool found = false;
	for (size_t k = 0; k < v->nown && !found; k++) {
		size_t i = v->own[k], len;
		const struct token *w = &v->words[i];
		const char *norm = api_word_norm(v, i, &len);
		if (len < 4 || !api_word_capital(v->p->text + w->start, w->end - w->start) ||
		    api_in_set(v, stopwords, i))
			continue;
		lua_pushlstring(L, norm, len);
		lua_pushvalue(L, -1);
		lua_Integer times = lua_rawget(L, seen) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
		lua_pop(L, 1);
		lua_pushinteger(L, times + 1);
		lua_rawset(L, seen);
		if (times + 1 >= 2) {
			found = true;
			lua_getfield(L, 1, "words");
			lua_geti(L, -1, (lua_Integer)i + 1);
			lua_rawseti(L, more, (lua_Integer)lua_rawlen(L, more) + 1);
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
	return found;
}

static bool self_hashtag(struct word_lists *v)
{
	lua_State *L = v->L;
	const struct post *p = v->p;
	int set = api_set_open(v, "self_hashtags");
	bool found = false;
	const struct token *tags = p->tk->tokens[TOK_HASHTAG].items;
	for (size_t k = 0; k < p->tk->tokens[TOK_HASHTAG].len && !found && lua_istable(L, set);
	     k++) {
		api_push_folded(L, p->text + tags[k].inner_start,
				tags[k].inner_end - tags[k].inner_start);
		found = lua_gettable(L, set) != LUA_TNIL && lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return found;
}

/* The poster's names (post:find's matches, outside quotations) in their own text: each
 * match's table is pushed onto the list at index more. */
static bool own_names(struct word_lists *v, const void *names, int more)
{
	lua_State *L = v->L;
	const struct post *p = v->p;
	const struct api_word_filter filter = { .quoted = false, .links = true };
	bool found = false;
	for (size_t i = 0; i < v->nwords;) {
		const char *phrase;
		size_t phrase_len, m;
		i = api_phrases_next(names, p, i, &filter, &m, &phrase, &phrase_len);
		if (i >= v->nwords)
			break;
		const struct token *a = &v->words[i], *b = &v->words[i + m - 1];
		if (api_own_text_at(v, a->start)) {
			found = true;
			lua_createtable(L, 0, 5);
			lua_pushinteger(L, (lua_Integer)a->start + 1);
			lua_setfield(L, -2, "first");
			lua_pushinteger(L, (lua_Integer)b->end);
			lua_setfield(L, -2, "last");
			lua_pushlstring(L, p->text + a->start, b->end - a->start);
			lua_setfield(L, -2, "text");
			lua_pushlstring(L, phrase, phrase_len);
			lua_setfield(L, -2, "phrase");
			lua_pushinteger(L, (lua_Integer)i + 1);
			lua_setfield(L, -2, "word");
			lua_rawseti(L, more, (lua_Integer)lua_rawlen(L, more) + 1);
		}
		i += m;
	}
	return found;
}

/* A sentence of the invitation that turns to the reader: post:invitation's answer,
 * a.invitation.turns_to_reader (api_invitation.c says what turns). */
static bool invitation_turns(lua_State *L, int a)
{
	int top = lua_gettop(L);
	api_raw_field(L, a, "invitation");
	bool turns = false;
	if (lua_istable(L, -1)) {
		api_raw_field(L, -1, "turns_to_reader");
		turns = lua_toboolean(L, -1);
	}
	lua_settop(L, top);
	return turns;
}

/* A quotation of three words or more ("%S+" runs of its text). */
static bool long_quotation(const struct post *p)
{
	const struct token *quotes = p->tk->tokens[TOK_QUOTE].items;
	for (size_t k = 0; k < p->tk->tokens[TOK_QUOTE].len; k++) {
		unsigned runs = 0;
		bool in_run = false;
		for (size_t i = quotes[k].inner_start; i < quotes[k].inner_end; i++) {
			bool space = cc_space((unsigned char)p->text[i]);
			runs += !space && !in_run;
			in_run = !space;
		}
		if (runs >= 3)
			return true;
	}
	return false;
}

static bool shares_a_link(lua_State *L, int a)
{
	bool link = false;
	api_raw_field(L, a, "share");
	if (lua_istable(L, -1) && lua_getfield(L, -1, "items") == LUA_TTABLE) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		for (lua_Integer k = 1; k <= n && !link; k++) {
			lua_rawgeti(L, -1, k);
			if (lua_istable(L, -1)) {
				lua_getfield(L, -1, "kind");
				const char *kind = lua_tostring(L, -1);
				link = kind && strcmp(kind, "link") == 0;
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return link;
}

int api_post_self(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "self");
	luaL_checktype(L, 2, LUA_TTABLE);
	const void *names = lua_isnoneornil(L, 3) ? NULL : api_check_phrases(L, 3);
	lua_settop(L, 3);
	const int a = 2;
	bool quote_tweet = raw_truthy(L, a, "quote_tweet");
	struct word_lists v;
	api_lists_open_analysis(L, &v, view->post, a); /* a.W at 4 */
	bool retweet = v.rt_start != SIZE_MAX;
	if (v.nown == 0) { /* nothing of the poster's own: nothing to judge */
		lua_pushboolean(L, 0);
		lua_pushnil(L);
		lua_pushboolean(L, 0);
		lua_pushboolean(L, 0);
		return 4;
	}
	const struct post *p = v.p;
	size_t first = p->body_start, end = p->body_end;
	lua_createtable(L, 0, 0);
	int more = lua_gettop(L);

	bool selfref = api_list_any(&v, "general_we", first, end, OWN_ONLY) ?
			       first_person_outside_general(&v, first, end) :
			       api_list_any(&v, "first_person", first, end, OWN_ONLY);
	if (!selfref) {
		lua_getfield(L, 4, "lang");
		const char *lang = lua_tostring(L, -1);
		bool english = lang && strcmp(lang, "en") == 0;
		lua_pop(L, 1);
		selfref = elided_subject(&v, english);
	}
	if (!selfref) {
		api_raw_field(L, a, "sales");
		lua_Number score = 0;
		if (lua_istable(L, -1)) {
			lua_getfield(L, -1, "score");
			score = lua_tonumber(L, -1);
			lua_pop(L, 1);
		}
		api_raw_field(L, a, "share_threshold");
		lua_Number threshold = lua_isnil(L, -1) ? 3 : lua_tonumber(L, -1);
		lua_pop(L, 2);
		if (score >= threshold)
			selfref = repeated_name(&v, more);
	}
	selfref = self_hashtag(&v) || selfref;
	if (names)
		selfref = own_names(&v, names, more) || selfref;

	size_t thanks = 0, not_thanks = 0;
	api_list_each(&v, "thanks", first, end, OWN_ONLY, count, &thanks);
	api_list_each(&v, "not_thanks", first, end, OWN_ONLY, count, &not_thanks);
	bool turns = api_list_any(&v, "second_person", first, end, OWN_ONLY) ||
		     api_list_any(&v, "reader_groups", first, end, OWN_ONLY) ||
		     thanks > not_thanks || invitation_turns(L, a);

	bool possessive = api_list_any(&v, "first_person_possessive", first, end, OWN_ONLY);
	bool external = retweet || quote_tweet || (!possessive && long_quotation(p));
	if (!external && shares_a_link(L, a))
		external = !possessive || api_list_any(&v, "item_words", first, end, OWN_ONLY);

	lua_pushboolean(L, selfref);
	if (lua_rawlen(L, more) > 0)
		lua_pushvalue(L, more);
	else
		lua_pushnil(L);
	lua_pushboolean(L, turns);
	lua_pushboolean(L, external);
	return 4;
}
