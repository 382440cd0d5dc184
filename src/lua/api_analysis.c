/* Post methods for the golden rules' analysis (rules/lib/analysis.lua): the parts it asks of
 * every word of most posts, where Lua paid a pattern call or two per word.
 *
 * post:title_words(words, stopwords [, split]): the words of a list written as a headline.
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
 * the segments in title case, in order (an empty list when none is). In Lua this was a
 * twelfth of a run's instructions.
 *
 * post:topic(words, skip, stopwords [, english]): a word or two the words are about, for
 * the wording of a suggestion, or nil.
 *
 *   a.topic = post:topic(a.own, list_words(W), W.sets.stopwords, W.lang == "en")
 *
 * First the longest run of consecutive words of the list that are names - a capital first
 * (word.capital), not a sentence's first word, not all ASCII capitals ("SXSW"), in neither
 * set - joined by spaces (the first of runs as long); else the content word the list
 * repeats most, at least twice (the first seen of those as frequent): 4 bytes and 4
 * graphemes or more, an ASCII letter, in neither set, and in English not ending in "ed",
 * "ing" or "ly". The sets are read as Lua reads set[word.norm], after the tests on the
 * word itself. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/char_class.h"
#include "lua/host.h"
#include "unicode.h"

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
		if (cc_space(c) && i + 1 < n && gap[i + 1] == '-') {
			size_t j = i + 1;
			while (j < n && gap[j] == '-')
				j++;
			if (j < n && cc_space((unsigned char)gap[j]))
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

/* Whether word w is in the set at stack index set (none when it is not a table): looked up
 * as set[word.norm] reads in Lua, metamethods included. */
static bool in_set(lua_State *L, int set, const struct post *p, const struct token *w)
{
	if (!lua_istable(L, set))
		return false;
	lua_pushlstring(L, p->tk->norms.ptr + w->norm_off, w->norm_len);
	bool found = lua_gettable(L, set) != LUA_TNIL && lua_toboolean(L, -1);
	lua_pop(L, 1);
	return found;
}

bool api_title_case(lua_State *L, int stop, const struct post *p, const size_t *index,
		    size_t from, size_t to)
{
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
	unsigned counted = 0, caps = 0;
	for (size_t k = from + 1; k < to; k++) {
		const struct token *w = &tokens[index[k]];
		const char *text = p->text + w->start;
		size_t len = w->end - w->start;
		if (len < 3 || in_set(L, stop, p, w) || !cc_has_letter(text, len))
			continue;
		counted++;
		if (api_word_capital(text, len) || has_byte_in(text, len, 'A', 'Z'))
			caps++;
	}
	return counted >= 2 && (double)caps / counted >= 0.6;
}

/* The list of word indices at idx, 0-based, in a userdata pushed on the stack (freed by the
 * GC, so a raise while reading leaks nothing). A rule may hand over anything: an item that
 * is no word's index is an error. */
static const size_t *read_indices(lua_State *L, int idx, const char *fn, size_t nwords,
				  size_t *count)
{
	lua_Integer len = luaL_len(L, idx); /* a rule's __len may say anything */
	if (len < 0 || (lua_Unsigned)len > SIZE_MAX / sizeof(size_t))
		luaL_error(L, "%s: the list's length %I is not one", fn, len);
	size_t n = (size_t)len;
	host_charge(L, (long long)n + 1);
	size_t *index = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*index), 0);
	for (size_t k = 0; k < n; k++) {
		int ok = 0;
		lua_geti(L, idx, (lua_Integer)k + 1);
		lua_Integer i = lua_tointegerx(L, -1, &ok);
		lua_pop(L, 1);
		if (!ok || i < 1 || (lua_Unsigned)i > nwords)
			luaL_error(L, "%s: item %I is not the index of a word", fn, (lua_Integer)k + 1);
		index[k] = (size_t)i - 1;
	}
	*count = n;
	return index;
}

void api_title_words(lua_State *L, int stop, const struct post *p, const size_t *index,
		     size_t n, bool split, bool *titled)
{
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
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
		bool title = api_title_case(L, stop, p, index, from, k + 1);
		for (size_t j = from; j <= k; j++)
			titled[j] = title;
		from = k + 1;
	}
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
	size_t n;
	const size_t *index = read_indices(L, 2, "title_words", nwords, &n); /* 5 */
	bool *titled = lua_newuserdatauv(L, n ? n : 1, 0);                  /* 6 */
	api_title_words(L, 3, p, index, n, split, titled);
	lua_createtable(L, 0, 0); /* 7: the result */
	lua_Integer out = 0;
	for (size_t k = 0; k < n; k++) {
		if (titled[k]) {
			lua_pushinteger(L, (lua_Integer)index[k] + 1);
			lua_rawseti(L, 7, ++out);
		}
	}
	return 1;
}

/* ---- post:topic ----------------------------------------------------------------------- */

static bool all_ascii_capitals(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return n > 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Whether word i of the post starts its sentence. */
static bool starts_sentence(const struct post *p, size_t i)
{
	const struct token *w = &p->tk->tokens[TOK_WORD].items[i];
	return w->sentence != UINT32_MAX &&
	       p->tk->tokens[TOK_SENTENCE].items[w->sentence].first_word == i;
}

/* Pushes the longest run of names (see the top of the file), or returns false. */
static bool push_name_run(lua_State *L, const struct post *p, const size_t *index, size_t n,
			  int skip, int stop)
{
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
	size_t best = 0, best_len = 0, run = 0, run_len = 0, prev = SIZE_MAX;
	for (size_t k = 0; k < n; k++) {
		size_t i = index[k];
		const struct token *w = &tokens[i];
		const char *text = p->text + w->start;
		size_t len = w->end - w->start;
		if (!api_word_capital(text, len) || starts_sentence(p, i) ||
		    all_ascii_capitals(text, len) || in_set(L, skip, p, w) || in_set(L, stop, p, w))
			continue;
		if (run_len > 0 && prev + 1 == i) {
			run_len++;
		} else {
			if (run_len > best_len)
				best = run, best_len = run_len;
			run = i, run_len = 1;
		}
		prev = i;
	}
	if (run_len > best_len)
		best = run, best_len = run_len;
	if (best_len == 0)
		return false;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = best; i < best + best_len; i++) {
		if (i > best)
			luaL_addchar(&b, ' ');
		luaL_addlstring(&b, p->text + tokens[i].start, tokens[i].end - tokens[i].start);
	}
	luaL_pushresult(&b);
	return true;
}

/* A content word of the list, by its norm and where it was first seen. */
struct candidate {
	const char *norm;
	size_t len, first;
};

static int compare_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->norm, y->norm, n);
	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Pushes the content word repeated most (see the top of the file), or returns false. */
static bool push_repeated_word(lua_State *L, const struct post *p, const size_t *index,
			       size_t n, int skip, int stop, bool english)
{
	const struct token *tokens = p->tk->tokens[TOK_WORD].items;
	struct candidate *found = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*found), 0);
	size_t nfound = 0;
	for (size_t k = 0; k < n; k++) {
		const struct token *w = &tokens[index[k]];
		const char *norm = p->tk->norms.ptr + w->norm_off;
		size_t len = w->norm_len;
		if (len < 4 || !cc_has_letter(norm, len) ||
		    (english && (ends_with(norm, len, "ed") || ends_with(norm, len, "ing") ||
				 ends_with(norm, len, "ly"))) ||
		    uni_grapheme_count(norm, len) < 4 || in_set(L, skip, p, w) ||
		    in_set(L, stop, p, w))
			continue;
		found[nfound++] = (struct candidate){ norm, len, index[k] };
	}
	host_charge(L, (long long)nfound * 8 + 1);
	qsort(found, nfound, sizeof(*found), compare_candidates);
	const struct candidate *pick = NULL;
	size_t pick_count = 0;
	for (size_t a = 0; a < nfound;) {
		size_t b = a + 1;
		while (b < nfound && found[b].len == found[a].len &&
		       memcmp(found[b].norm, found[a].norm, found[a].len) == 0)
			b++;
		/* found[a] is the first seen of its word: the group is sorted by first */
		size_t count = b - a;
		if (count >= 2 && (!pick || count > pick_count ||
				   (count == pick_count && found[a].first < pick->first)))
			pick = &found[a], pick_count = count;
		a = b;
	}
	if (!pick) {
		lua_pop(L, 1);
		return false;
	}
	lua_pushlstring(L, pick->norm, pick->len);
	lua_remove(L, -2);
	return true;
}

int api_post_topic(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "topic");
	luaL_checktype(L, 2, LUA_TTABLE);
	for (int arg = 3; arg <= 4; arg++)
		if (!lua_isnoneornil(L, arg))
			luaL_checktype(L, arg, LUA_TTABLE);
	bool english = lua_toboolean(L, 5);
	lua_settop(L, 5);
	struct post *p = view->post;
	post_tokens(p);
	size_t n;
	const size_t *index = read_indices(L, 2, "topic", p->tk->tokens[TOK_WORD].len, &n); /* 6 */
	if (push_name_run(L, p, index, n, 3, 4) || push_repeated_word(L, p, index, n, 3, 4, english))
		return 1;
	lua_pushnil(L);
	return 1;
}
