/* post:share(a, sales_threshold): is the post someone else's content without the poster's
 * comment - the golden rules' a.share (rules/lib/analysis.lua, share-needs-commentary). In
 * Lua this was the analysis' largest part: a loop over every own word of every post with a
 * link, and a question per list, title and link.
 *
 *   a.share = post:share(a, threshold)
 *   -> { items = { { kind, first, last [, link] }, ... } [, content = n, person = bool] }
 *
 * Reads of the analysis a (raw, no metamethods): a.W (the word lists, see api_lists.h),
 * a.rt_first, a.all_quoted, a.quote_tweet (a quotation of "@user: ..."), a.sales_raw and
 * a.invitation.genuine_at (the sentences that invite a reply).
 *
 * The items shared, in text order: the retweet ("RT", first..first + 1), the quote-tweet,
 * and each link in the poster's own text - unless the post names its own media (list
 * own_media) or pushes a sale (sales_raw >= threshold), when its links are its own. With
 * items, what is left of the own words once these are taken out counts as the comment:
 *   - phrases of the lists framing and interjections ("new post", "wow");
 *   - in English and Spanish, the title-case segments of sentences that ask readers nothing
 *     (post:title_words with split);
 *   - the sentence before a link on its line (nothing but separators between) when it does
 *     not speak as "I" or to "you" (lists first_person, second_person) and asks nothing: the
 *     link's title - only its words before the link;
 *   - what follows a colon after framing ("New blog post: ...").
 * content counts the words left that are no stopword and have an ASCII letter; person
 * tells whether one of them is "I" or "you". */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "lua/host.h"

enum item_kind { ITEM_RETWEET, ITEM_QUOTE_TWEET, ITEM_LINK };

struct item {
	enum item_kind kind;
	lua_Integer first, last; /* 1-based, as the analysis' ranges */
	size_t link;             /* ITEM_LINK: its index in post.links (0-based) */
};

struct share {
	struct word_lists v;
	int genuine_at; /* stack slot of a.invitation.genuine_at (or nil) */
	bool *removed;  /* per word: not counted as comment */
	int person;     /* stack slots of W.sets.first_person, then second_person */
};

static bool genuine_at(struct share *sh, size_t si)
{
	lua_State *L = sh->v.L;
	if (!lua_istable(L, sh->genuine_at))
		return false;
	bool genuine = lua_rawgeti(L, sh->genuine_at, (lua_Integer)si + 1) != LUA_TNIL &&
		       lua_toboolean(L, -1);
	lua_pop(L, 1);
	return genuine;
}

static void remove_titles(struct share *sh)
{
	struct word_lists *v = &sh->v;
	lua_State *L = v->L;
	lua_getfield(L, v->sets, "stopwords");
	int stop = lua_gettop(L);
	bool *titled = lua_newuserdatauv(L, v->nwords ? v->nwords : 1, 0);
	for (size_t si = 0; si < v->nsentences; si++) {
		size_t n = api_own_count(v, si);
		if (n == 0 || genuine_at(sh, si))
			continue;
		const size_t *index = v->by_sentence + v->at[si];
		api_title_words(L, stop, v->p, index, n, true, titled);
		for (size_t k = 0; k < n; k++)
			if (titled[k])
				sh->removed[index[k]] = true;
	}
	lua_pop(L, 2);
}

/* The own sentence before a link, on its line, that names it: its words before the link. */
static void remove_link_title(struct share *sh, const struct item *item)
{
	struct word_lists *v = &sh->v;
	size_t before = SIZE_MAX; /* the last own sentence starting before the link */
	for (size_t si = 0; si < v->nsentences; si++)
		if (api_own_count(v, si) > 0 && (lua_Integer)v->sentences[si].start + 1 < item->first)
			before = si;
	if (before == SIZE_MAX)
		return;
	const struct token *s = &v->sentences[before];
	lua_Integer s_last = (lua_Integer)s->end;
	bool adjacent = s_last >= item->first;
	if (!adjacent && item->first - s_last < 200) {
		adjacent = true; /* only separators between, on one line */
		for (lua_Integer k = s_last; k < item->first - 1; k++) {
			unsigned char c = (unsigned char)v->p->text[k];
			if (c == '\n' || cc_alnum(c))
				adjacent = false;
		}
	}
	size_t n = api_own_count(v, before), upto = 0;
	bool person = false;
	for (size_t k = 0; k < n; k++) {
		size_t i = api_own_word(v, before, k);
		if ((lua_Integer)v->words[i].end < item->first) {
			upto = k + 1; /* own words come in text order */
			person = person || api_is_person(v, sh->person, i);
		}
	}
	if (adjacent && !person && !genuine_at(sh, before))
		for (size_t k = 0; k < upto; k++)
			sh->removed[api_own_word(v, before, k)] = true;
}

/* "New blog post: ..." - after a colon that follows framing, the words are the share's. */
static void remove_after_framing_colon(struct share *sh)
{
	struct word_lists *v = &sh->v;
	for (size_t si = 0; si < v->nsentences; si++) {
		size_t n = api_own_count(v, si);
		if (n == 0)
			continue;
		const struct token *s = &v->sentences[si];
		const char *colon = memchr(v->p->text + s->start, ':', s->end - s->start);
		if (!colon)
			continue;
		size_t head = (size_t)(colon - v->p->text);
		if (!api_list_any(v, "framing", s->start, head, ANYWHERE))
			continue;
		for (size_t k = 0; k < n; k++) {
			size_t i = api_own_word(v, si, k);
			if (v->words[i].start > head)
				sh->removed[i] = true;
		}
	}
}

static lua_Integer field_integer(lua_State *L, int table, const char *field)
{
	lua_getfield(L, table, field);
	int ok = 0;
	lua_Integer n = lua_tointegerx(L, -1, &ok);
	lua_pop(L, 1);
	if (!ok)
		luaL_error(L, "post:share: the quote-tweet's %s is not an integer", field);
	return n;
}

/* The items shared, in text order; returns their count. */
static size_t find_items(struct share *sh, int a, double threshold, struct item *items)
{
	struct word_lists *v = &sh->v;
	lua_State *L = v->L;
	size_t n = 0;
	if (v->rt_start != SIZE_MAX) {
		lua_Integer rt = (lua_Integer)v->rt_start + 1;
		items[n++] = (struct item){ ITEM_RETWEET, rt, rt + 1, 0 };
	}
	api_raw_field(L, a, "quote_tweet");
	if (lua_istable(L, -1)) {
		int qt = lua_gettop(L);
		items[n++] = (struct item){ ITEM_QUOTE_TWEET, field_integer(L, qt, "first"),
					    field_integer(L, qt, "last"), 0 };
	}
	lua_pop(L, 1);
	const struct post *p = v->p;
	bool own_media = api_list_any(v, "own_media", p->body_start, p->body_end, OWN_ONLY);
	api_raw_field(L, a, "sales_raw");
	bool is_sales = lua_tonumber(L, -1) >= threshold;
	lua_pop(L, 1);
	const struct token *links = p->tk->tokens[TOK_LINK].items;
	for (size_t k = 0; k < p->tk->tokens[TOK_LINK].len && !own_media && !is_sales; k++)
		if (api_own_text_at(v, links[k].start))
			items[n++] = (struct item){ ITEM_LINK, (lua_Integer)links[k].start + 1,
						    (lua_Integer)links[k].end, k };
	/* by first (an insertion sort: a few items, the links in order already) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && items[j].first < items[j - 1].first; j--) {
			struct item t = items[j];
			items[j] = items[j - 1];
			items[j - 1] = t;
		}
	return n;
}

/* The items' list; links is the stack slot of post.links. */
static void push_items(lua_State *L, const struct item *items, size_t n, int links)
{
	static const char *const kinds[] = { "retweet", "quote-tweet", "link" };
	lua_createtable(L, (int)n, 0);
	for (size_t k = 0; k < n; k++) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, kinds[items[k].kind]);
		lua_setfield(L, -2, "kind");
		lua_pushinteger(L, items[k].first);
		lua_setfield(L, -2, "first");
		lua_pushinteger(L, items[k].last);
		lua_setfield(L, -2, "last");
		if (items[k].kind == ITEM_LINK) {
			lua_geti(L, links, (lua_Integer)items[k].link + 1);
			lua_setfield(L, -2, "link");
		}
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
}

int api_post_share(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "share");
	luaL_checktype(L, 2, LUA_TTABLE);
	double threshold = luaL_checknumber(L, 3);
	lua_settop(L, 3);
	const int a = 2;
	struct share sh = { 0 };
	api_lists_open_analysis(L, &sh.v, view->post, a); /* a.W at 4 */
	api_raw_field(L, a, "invitation");
	if (lua_istable(L, -1))
		lua_getfield(L, -1, "genuine_at");
	else
		lua_pushnil(L);
	sh.genuine_at = lua_gettop(L);
	struct word_lists *v = &sh.v;
	const struct post *p = v->p;
	size_t nlinks = p->tk->tokens[TOK_LINK].len;
	struct item *items = lua_newuserdatauv(L, (nlinks + 2) * sizeof(*items), 0);
	size_t nitems = find_items(&sh, a, threshold, items);
	lua_getfield(L, 1, "links");
	int links = lua_gettop(L);
	lua_createtable(L, 0, 3); /* the share */
	int share = lua_gettop(L);
	push_items(L, items, nitems, links);
	lua_setfield(L, -2, "items");
	if (nitems == 0)
		return 1;
	sh.person = api_person_open(v);
	int stopwords = api_set_open(v, "stopwords");
	if (!lua_istable(L, v->norms) &&
	    (lua_istable(L, sh.person) || lua_istable(L, sh.person + 1) ||
	     lua_istable(L, stopwords))) {
		/* every own word is looked up in three sets: their norms interned once, where a
		 * set is a Lua table (a grouped phrase set answers by the word's hash, in C) */
		lua_getfield(L, 1, "norms");
		lua_replace(L, v->norms);
	}
	sh.removed = lua_newuserdatauv(L, v->nwords ? v->nwords : 1, 0);
	memset(sh.removed, 0, v->nwords ? v->nwords : 1);
	/* framing and interjections are no comment */
	struct word_marks marks = { v, sh.removed };
	api_list_each(v, "framing", 0, p->len, OWN_ONLY, api_mark_match_words, &marks);
	api_list_each(v, "interjections", 0, p->len, OWN_ONLY, api_mark_match_words, &marks);
	lua_getfield(L, 4, "lang");
	const char *lang = lua_tostring(L, -1);
	bool titled = lang && (strcmp(lang, "en") == 0 || strcmp(lang, "es") == 0);
	lua_pop(L, 1);
	if (titled)
		remove_titles(&sh);
	for (size_t k = 0; k < nitems; k++)
		if (items[k].kind == ITEM_LINK)
			remove_link_title(&sh, &items[k]);
	remove_after_framing_colon(&sh);
	lua_Integer content = 0;
	bool person = false;
	for (size_t k = 0; k < v->nown; k++) {
		size_t i = v->own[k];
		if (sh.removed[i])
			continue;
		size_t len;
		const char *norm = api_word_norm(v, i, &len);
		if (api_is_person(v, sh.person, i))
			person = true;
		else if (cc_has_letter(norm, len) && !api_in_set(v, stopwords, i))
			content++;
	}
	lua_settop(L, share);
	lua_pushinteger(L, content);
	lua_setfield(L, -2, "content");
	lua_pushboolean(L, person);
	lua_setfield(L, -2, "person");
	return 1;
}
