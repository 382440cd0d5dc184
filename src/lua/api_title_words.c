/* post:title_words(words, stopwords [, split]): the words of a list written as a headline.
 *
 *   local title = post:title_words(a.own_in_sentence[si], W.sets.stopwords, true)
 *
 * words is a list of indices into post.words in text order (a sentence's own words);
 * stopwords a set of norms (norm -> true) not counted, or nil. With split, the list is cut
 * into segments where a separator stands between two listed words (a line break, a dash
 * between spaces, ':', '|', an em or en dash): a share's title usually stands in a segment
 * of its own. A segment is in title case when at least two of its counted words - three
 * bytes or more, not a stopword, with an ASCII letter; the segment's first word is never
 * counted, a sentence starts with a capital anyway - and 60% or more of them start with a
 * capital (word.capital) or carry an ASCII one ("iPad"). Returns the indices of the words of
 * the segments in title case, in order (an empty list when none is).
 *
 * The golden rules' analysis asks this of every sentence of most posts to tell a shared
 * link's title from the poster's comment; in Lua, with a pattern call or two per word, it was
 * a twelfth of a run's instructions. */
#include <stdbool.h>
#include <stdint.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"

static bool is_space(unsigned char c)
{
	/* Lua's %s: isspace in the C locale */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Whether the text between two listed words splits a segment: what Lua's
 * gap:find("\n") or gap:find("%s%-+%s") or a ':', '|', '—' or '–' in it found before. */
static bool separates(const char *gap, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)gap[i];
		if (c == '\n' || c == ':' || c == '|')
			return true;
		/* U+2014 and U+2013: E2 80 94, E2 80 93 */
		if (c == 0xE2 && i + 2 < n && (unsigned char)gap[i + 1] == 0x80 &&
		    ((unsigned char)gap[i + 2] == 0x94 || (unsigned char)gap[i + 2] == 0x93))
			return true;
		if (is_space(c) && i + 1 < n && gap[i + 1] == '-') {
			size_t j = i + 1;
			while (j < n && gap[j] == '-')
				j++;
			if (j < n && is_space((unsigned char)gap[j]))
				return true;
		}
	}
	return false;
}

/* What a segment's counting needs to know of one word. */
static bool has_byte_in(const char *s, size_t n, char lo, char hi)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= lo && s[i] <= hi)
			return true;
	return false;
}

static bool has_ascii_letter(const char *s, size_t n)
{
	return has_byte_in(s, n, 'a', 'z') || has_byte_in(s, n, 'A', 'Z');
}

/* Whether word i is a stopword (stop at stack index stop, or none when it is not a table):
 * looked up as stop[word.norm] reads in Lua, metamethods included. */
static bool is_stopword(lua_State *L, int stop, const struct post *p, const struct token *w)
{
	if (!lua_istable(L, stop))
		return false;
	lua_pushlstring(L, p->tk->norms.ptr + w->norm_off, w->norm_len);
	bool found = lua_gettable(L, stop) != LUA_TNIL && lua_toboolean(L, -1);
	lua_pop(L, 1);
	return found;
}

/* Whether the segment words[from..to) (0-based indices into the tokens) is in title case. */
static bool title_case(lua_State *L, int stop, const struct post *p, const size_t *index,
		       size_t from, size_t to)
{
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
	unsigned counted = 0, caps = 0;
	for (size_t k = from + 1; k < to; k++) {
		const struct token *w = &tokens[index[k]];
		const char *text = p->text + w->start;
		size_t len = w->end - w->start;
		if (len < 3 || is_stopword(L, stop, p, w) || !has_ascii_letter(text, len))
			continue;
		counted++;
		if (api_word_capital(text, len) || has_byte_in(text, len, 'A', 'Z'))
			caps++;
	}
	return counted >= 2 && (double)caps / counted >= 0.6;
}

int api_post_title_words(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "title_words");
	luaL_checktype(L, 2, LUA_TTABLE);
	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	bool split = lua_toboolean(L, 4);
	lua_settop(L, 4);
	struct post *p = view->post;
	post_tokens(p);
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	lua_Integer len = luaL_len(L, 2); /* a rule's __len may say anything */
	if (len < 0 || (lua_Unsigned)len > SIZE_MAX / sizeof(size_t))
		return luaL_error(L, "title_words: the list's length %I is not one", len);
	size_t n = (size_t)len;
	host_charge(L, (long long)n + 1);
	size_t *index = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*index), 0); /* 5 */
	for (size_t k = 0; k < n; k++) {
		int ok = 0;
		lua_geti(L, 2, (lua_Integer)k + 1);
		lua_Integer i = lua_tointegerx(L, -1, &ok);
		lua_pop(L, 1);
		if (!ok || i < 1 || (lua_Unsigned)i > nwords)
			return luaL_error(L, "title_words: item %I is not the index of a word",
					  (lua_Integer)k + 1);
		index[k] = (size_t)i - 1;
	}
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
	lua_createtable(L, 0, 0); /* 6: the result */
	lua_Integer out = 0;
	size_t from = 0;
	for (size_t k = 0; k < n; k++) {
		bool last = k + 1 == n;
		if (!last && split) {
			size_t gap_start = tokens[index[k]].end, gap_end = tokens[index[k + 1]].start;
			last = gap_end > gap_start &&
			       separates(p->text + gap_start, gap_end - gap_start);
		}
		if (!last)
			continue;
		if (title_case(L, 3, p, index, from, k + 1))
			for (size_t j = from; j <= k; j++) {
				lua_pushinteger(L, (lua_Integer)index[j] + 1);
				lua_rawseti(L, 6, ++out);
			}
		from = k + 1;
	}
	return 1;
}
