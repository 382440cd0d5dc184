/* post:structure(W, rt_markers, quote_tags): where the retweeted text starts and what of the
 * post is quoted - the first questions of the golden rules' analysis (rules/lib/analysis.lua,
 * "structure"), asked of every post.
 *
 *   a.rt_first, a.quote_tweet, a.quote_tagged, a.all_quoted =
 *     post:structure(a.W, RT_MARKERS, QUOTE_TAGS)
 *
 * W holds the word lists (see api_lists.h), rt_markers is lint.phrases{ "rt", "mt" },
 * quote_tags the set of folded hashtags that mark a quotation ("quote" -> true).
 *   rt_first      the offset (1-based) of the first "RT"/"MT" outside quotation marks that
 *                 retweets: followed by "@", ":" or spaces and "@", or the post's first word
 *                 when the next word does not start with a small letter ("RT to win" is an
 *                 imperative); a lower-case "mt" never is. nil for none.
 *   quote_tweet   the first quotation (post.quotes) of "@user: ...": a share, not a quote.
 *   quote_tagged  a quotation hashtag, or framing that names a quote ("quote of the day":
 *                 folded, holding "quote", "zitat", "cita" or "名言").
 *   all_quoted    tagged, without quotation marks around 8 bytes or more: the whole text is
 *                 the quotation. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "lua/host.h"

/* Whether the "RT" or "MT" at word i retweets (see above). */
static bool retweets(const struct post *p, size_t i)
{
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	const struct token *w = &words[i];
	if ((w->end - w->start == 2 && memcmp(p->text + w->start, "mt", 2) == 0) ||
	    (w->flags & TF_QUOTED))
		return false;
	/* the three bytes after it */
	const char *after = p->text + w->end;
	size_t n = p->len - w->end < 3 ? p->len - w->end : 3;
	if (n > 0 && (after[0] == '@' || after[0] == ':'))
		return true;
	size_t k = 0;
	while (k < n && cc_space((unsigned char)after[k]))
		k++;
	if (k > 0 && k < n && after[k] == '@')
		return true;
	if (i != 0)
		return false;
	/* the post's first word: a retweet unless the next word starts with a small letter */
	return i + 1 >= nwords || !(p->text[words[i + 1].start] >= 'a' &&
				    p->text[words[i + 1].start] <= 'z');
}

static lua_Integer find_retweet(const struct post *p, const void *markers)
{
	const struct api_word_filter all = { .quoted = true, .links = true };
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	for (size_t i = 0; i < nwords;) {
		const char *phrase;
		size_t phrase_len, m;
		i = api_phrases_next(markers, p, i, &all, &m, &phrase, &phrase_len);
		if (i >= nwords)
			break;
		if (retweets(p, i))
			return (lua_Integer)p->tk->tokens[TOK_WORD].items[i].start + 1;
		i += m;
	}
	return 0;
}

/* The set at index tags has the folded text as a key. */
static bool folded_in(lua_State *L, int tags, const char *s, size_t n)
{
	api_push_folded(L, s, n);
	bool found = lua_gettable(L, tags) != LUA_TNIL && lua_toboolean(L, -1);
	lua_pop(L, 1);
	return found;
}

static bool names_a_quote(void *ud, const struct list_match *m)
{
	lua_State *L = ud;
	api_push_folded(L, m->phrase, m->phrase_len);
	size_t n;
	const char *folded = lua_tolstring(L, -1, &n);
	static const char *const words[] = { "quote", "zitat", "cita", "\xE5\x90\x8D\xE8\xA8\x80",
					     NULL };
	bool names = false;
	for (const char *const *w = words; *w && !names; w++)
		for (size_t i = 0, k = strlen(*w); i + k <= n && !names; i++)
			names = memcmp(folded + i, *w, k) == 0;
	lua_pop(L, 1);
	return names;
}

int api_post_structure(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "structure");
	luaL_checktype(L, 2, LUA_TTABLE);
	const void *markers = api_check_phrases(L, 3);
	luaL_checktype(L, 4, LUA_TTABLE);
	lua_settop(L, 4);
	struct word_lists v;
	api_lists_read(L, &v, view->post, 2, 0, false);
	const struct post *p = v.p;
	lua_Integer rt_first = find_retweet(p, markers);
	const struct token *quotes = p->tk->tokens[TOK_QUOTE].items;
	size_t nquotes = p->tk->tokens[TOK_QUOTE].len, quote_tweet = SIZE_MAX;
	bool marked = false;
	for (size_t k = 0; k < nquotes; k++) {
		const struct token *q = &quotes[k];
		if (quote_tweet == SIZE_MAX && q->inner_end > q->inner_start &&
		    p->text[q->inner_start] == '@')
			quote_tweet = k;
		marked = marked || q->inner_end - q->inner_start >= 8;
	}
	bool tagged = false;
	const struct token *tags = p->tk->tokens[TOK_HASHTAG].items;
	for (size_t k = 0; k < p->tk->tokens[TOK_HASHTAG].len && !tagged; k++)
		tagged = folded_in(L, 4, p->text + tags[k].inner_start,
				   tags[k].inner_end - tags[k].inner_start);
	if (!tagged)
		tagged = api_list_each(&v, "framing", 0, p->len, ANYWHERE, names_a_quote, L);
	if (rt_first > 0)
		lua_pushinteger(L, rt_first);
	else
		lua_pushnil(L);
	if (quote_tweet != SIZE_MAX) {
		lua_getfield(L, 1, "quotes");
		lua_geti(L, -1, (lua_Integer)quote_tweet + 1);
		lua_remove(L, -2);
	} else {
		lua_pushnil(L);
	}
	lua_pushboolean(L, tagged);
	lua_pushboolean(L, tagged && !marked);
	return 4;
}
