/* The `lint` library for rules: phrase lists matched on word boundaries over NFC case-folded
 * text, and the Unicode helpers rules should not rewrite in Lua.
 *
 *   lint.phrases{ "buy now", "sign up", "discount*" }  -> a compiled phrase list (userdata)
 *   lint.phrases("buy now, sign up, discount*")        -> the same list, written as one string
 *   lint.phrase_list("buy now, sign up") -> { "buy now", "sign up" }: such a string's phrases
 *   post:find(list [, { quoted = false, links = true }]) uses it (api_post.c)
 *   lint.phrase_group() -> a group: lint.phrases(list, group) makes lists that post:matches
 *                          scans together, in one walk over a post's words
 *   lint.fold(s)       -> s in NFC with full case folding ("Straße" -> "strasse")
 *   lint.words(s)      -> the folded words of s, as the tokenizer splits them
 *   lint.graphemes(s)  -> the number of user-perceived characters in s
 *   lint.nfkc(s)       -> s in NFKC: "fancy" compatibility letters as plain ones
 *                         ("𝐁𝐨𝐥𝐝" -> "Bold", "Ｆｕｌｌ" -> "Full"); case is kept
 *   lint.version       -> postlint's version string
 *
 * A compiled list lives entirely in one Lua userdata block (no malloc, no __gc; its layout
 * and compiler are phrase_set.c's): a copy of the one made at build time for a built-in word
 * list, or compiled when it is asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "token.h"
#include "unicode.h"
#include "util/xalloc.h"
#include "version.h"

#define MAX_PHRASES 100000

/* Sets made at build time (api_lint_precompiled). */
static const struct precompiled_phrases *precompiled;
static size_t nprecompiled;

void api_lint_precompiled(const struct precompiled_phrases *sets, size_t n)
{
	precompiled = sets;
	nprecompiled = n;
}

static const struct precompiled_phrases *find_precompiled(const uint64_t key[2])
{
	for (size_t i = 0; i < nprecompiled; i++)
		if (precompiled[i].key[0] == key[0] && precompiled[i].key[1] == key[1])
			return &precompiled[i];
	return NULL;
}

/* What one lint.phrases call compiles in malloc'd memory, owned by a to-be-closed userdata:
 * an error (a memory error making the userdata) frees it as it unwinds. */
struct compile_guard {
	const char **sources;
	size_t *lens;
	struct phrase_set *set;
};

#define COMPILE_GUARD_TYPE "postlint.phrases.compile"

static int compile_guard_close(lua_State *L)
{
	struct compile_guard *g = luaL_checkudata(L, 1, COMPILE_GUARD_TYPE);
	free(g->sources);
	free(g->lens);
	free(g->set);
	memset(g, 0, sizeof(*g));
	return 0;
}

static struct compile_guard *compile_guard_open(lua_State *L)
{
	struct compile_guard *g = lua_newuserdatauv(L, sizeof(*g), 0);
	memset(g, 0, sizeof(*g));
	if (luaL_newmetatable(L, COMPILE_GUARD_TYPE)) {
		lua_pushcfunction(L, compile_guard_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, compile_guard_close);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_toclose(L, -1);
	return g;
}

/* The phrases of the string at index 1 (a list written as one string), as pointers into it
 * in g; raises the error of `who` when it could hold more than MAX_PHRASES. */
static size_t split_into(lua_State *L, struct compile_guard *g, const char *who)
{
	size_t len;
	const char *text = lua_tolstring(L, 1, &len);
	size_t max = phrase_list_max(text, len);
	if (max > MAX_PHRASES)
		luaL_error(L, "%s: too many commas (%d phrases at most)", who, MAX_PHRASES);
	g->sources = xmalloc(max * sizeof(*g->sources));
	g->lens = xmalloc(max * sizeof(*g->lens));
	return phrase_list_split(text, len, g->sources, g->lens);
}

/* lint.phrases(list [, group]) -> compiled phrase list: a copy of the set made at build time
 * when the list's phrases are those of a built-in word list, else compiled now; with a group
 * (lint.phrase_group()), a member of it (api_phrase_group.c). The list is a table of
 * phrases or one string of them separated by commas (phrase_list_split). */
static int f_phrases(lua_State *L)
{
	if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TTABLE)
		return luaL_typeerror(L, 1, "table or string");
	lua_settop(L, 2); /* the group or nil at 2, whatever comes after */
	if (!lua_isnil(L, 2))
		api_phrase_group_check(L, 2);
	/* the phrases, alive in the list (its strings, or the one string) while compiled */
	struct compile_guard *g = compile_guard_open(L);
	size_t n;
	if (lua_type(L, 1) == LUA_TSTRING) {
		n = split_into(L, g, "lint.phrases");
	} else {
		/* (its length as #list says it: a __len may say anything, a negative count too) */
		lua_Integer count = luaL_len(L, 1);
		if (count < 0 || count > MAX_PHRASES)
			return luaL_error(L, "lint.phrases: a list of %I phrases (0 to %d)",
					  (LUAI_UACINT)count, MAX_PHRASES);
		n = (size_t)count;
		g->sources = xmalloc((n + 1) * sizeof(*g->sources));
		g->lens = xmalloc((n + 1) * sizeof(*g->lens));
		for (size_t i = 0; i < n; i++) {
			if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TSTRING)
				return luaL_error(L, "lint.phrases: entry %d is a %s, not a string",
						  (int)i + 1, luaL_typename(L, -1));
			g->sources[i] = lua_tolstring(L, -1, &g->lens[i]);
			lua_pop(L, 1);
		}
	}
	uint64_t key[2];
	phrase_set_key(key, g->sources, g->lens, n);
	const struct precompiled_phrases *made = find_precompiled(key);
	const void *from;
	size_t size;
	if (made) {
		from = made->data;
		size = made->size;
	} else {
		g->set = phrase_set_compile(g->sources, g->lens, n, &size);
		from = g->set;
	}
	struct phrase_set *set = lua_newuserdatauv(L, size, 1);
	memcpy(set, from, size);
	static _Atomic uint64_t last_id; /* every worker's state makes sets */
	set->id = ++last_id;
	set->group = NULL;
	set->group_slot = 0;
	luaL_setmetatable(L, API_TYPE_PHRASES);
	if (!lua_isnil(L, 2))
		api_phrase_group_join(L, 2, -1);
	return 1;
}

/* lint.phrase_list(text) -> the phrases of a list written as one string, as a table
 * (phrase_list_split: lint.phrases reads such a string the same way). */
static int f_phrase_list(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TSTRING);
	struct compile_guard *g = compile_guard_open(L);
	size_t n = split_into(L, g, "lint.phrase_list");
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushlstring(L, g->sources[i], g->lens[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* Every word: quotations and link text included (the scans post:matches reads). */
static const struct api_word_filter all_words = { .quoted = true, .links = true };

/* Length of the match of phrase ph at word i (0 when it does not match): its words must
 * follow one another inside one sentence. */
static size_t match_phrase(const struct phrase_set *set, const struct phrase *ph,
			   const struct post *p, size_t i, const struct api_word_filter *filter)
{
	struct phrase_set *s = (struct phrase_set *)set;
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	const struct pword *pwords = phrase_set_words(s);
	const char *strings = phrase_set_strings(s);
	for (uint32_t w = 0; w < ph->nwords; w++) {
		size_t j = i + w;
		if (j >= nwords || words[j].sentence != words[i].sentence ||
		    (w > 0 && !api_word_usable(p, j, filter)))
			return 0;
		const struct pword *pw = &pwords[ph->word0 + w];
		const char *norm = p->tk->norms.ptr + words[j].norm_off;
		size_t len = words[j].norm_len;
		bool ok = pw->prefix ? len >= pw->len && memcmp(norm, strings + pw->off, pw->len) == 0
				     : len == pw->len && memcmp(norm, strings + pw->off, len) == 0;
		if (!ok)
			return 0;
	}
	return ph->nwords;
}

size_t api_phrase_match_run(const struct phrase_set *set, const struct post *p, size_t i,
			    size_t lo, size_t hi, const char **phrase, size_t *phrase_len)
{
	const struct phrase *phrases = phrase_set_phrases(set);
	size_t best_len = 0, best = SIZE_MAX;
	for (size_t k = lo; k < hi; k++) {
		size_t m = match_phrase(set, &phrases[k], p, i, &all_words);
		if (m > best_len)
			best_len = m, best = k;
	}
	if (best == SIZE_MAX)
		return 0;
	*phrase = phrase_set_strings(set) + phrases[best].source_off;
	*phrase_len = phrases[best].source_len;
	return best_len;
}

/* The longest phrase of the set matching at word i (see api_phrases_next). */
static size_t match_at(struct phrase_set *set, const struct post *p, size_t i,
		       const struct api_word_filter *filter, const char **phrase, size_t *phrase_len)
{
	const struct phrase *phrases = phrase_set_phrases(set);
	const struct pword *pwords = phrase_set_words(set);
	const char *strings = phrase_set_strings(set);
	const struct token *word = &p->tk->tokens[TOK_WORD].items[i];
	struct pword key = { .off = 0, .len = (uint32_t)word->norm_len };
	const char *norm = p->tk->norms.ptr + word->norm_off;
	if (key.len == 0)
		return 0; /* (the word's lead was tested against the set's by api_phrases_next) */
	size_t best_len = 0, best = SIZE_MAX;
	for (size_t k = 0; k < set->nprefixed; k++) {
		size_t m = match_phrase(set, &phrases[k], p, i, filter);
		if (m > best_len)
			best_len = m, best = k;
	}
	if (phrase_set_may_start(set, p->tk->word_hashes[i])) {
		/* lower bound of the word among the exact phrases */
		size_t lo = set->nprefixed, hi = set->nphrases;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct pword *pw = &pwords[phrases[mid].word0];
			size_t n = pw->len < key.len ? pw->len : key.len;
			int c = memcmp(strings + pw->off, norm, n);
			if (c == 0)
				c = pw->len < key.len ? -1 : pw->len > key.len;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < set->nphrases; k++) {
			const struct pword *pw = &pwords[phrases[k].word0];
			if (pw->len != key.len || memcmp(strings + pw->off, norm, key.len) != 0)
				break;
			size_t m = match_phrase(set, &phrases[k], p, i, filter);
			if (m > best_len)
				best_len = m, best = k;
		}
	}
	if (best == SIZE_MAX)
		return 0;
	*phrase = strings + phrases[best].source_off;
	*phrase_len = phrases[best].source_len;
	return best_len;
}

size_t api_phrase_match_at(const struct phrase_set *set, const struct post *p, size_t i,
			   const char **phrase, size_t *phrase_len)
{
	unsigned lead = p->tk->word_leads[i];
	if (!(set->starts[lead >> 3] & (1u << (lead & 7))))
		return 0;
	return match_at((struct phrase_set *)set, p, i, &all_words, phrase, phrase_len);
}

size_t api_phrases_next(const void *setp, const struct post *p, size_t i,
			const struct api_word_filter *filter, size_t *len, const char **phrase,
			size_t *phrase_len)
{
	struct phrase_set *set = (struct phrase_set *)setp;
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	const uint16_t *leads = p->tk->word_leads;
	for (; i < nwords; i++) {
		/* most words start no phrase of the set: told by their first two bytes alone
		 * (match_at tests them again, with the rest) */
		unsigned lead = leads[i];
		if (!(set->starts[lead >> 3] & (1u << (lead & 7))) || !api_word_usable(p, i, filter))
			continue;
		size_t m = match_at(set, p, i, filter, phrase, phrase_len);
		if (m) {
			*len = m;
			return i;
		}
	}
	return nwords;
}

uint64_t api_phrases_id(const void *set)
{
	return ((const struct phrase_set *)set)->id;
}

static int phrases_tostring(lua_State *L)
{
	const struct phrase_set *set = api_check_phrases(L, 1);
	lua_pushfstring(L, "phrases (%d)", (int)set->nphrases);
	return 1;
}

static int phrases_len(lua_State *L)
{
	const struct phrase_set *set = api_check_phrases(L, 1);
	lua_pushinteger(L, set->nphrases);
	return 1;
}

/* ASCII folds to its lower case, and NFC leaves it as it is: most strings rules fold (a
 * word, a tag, a sentence to compare with its folded self) take this path, without
 * utf8proc's two passes (2% of a run's instructions). */
static bool push_folded_ascii(lua_State *L, const char *s, size_t n)
{
	bool upper = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return false;
		upper |= c >= 'A' && c <= 'Z';
	}
	if (!upper) {
		lua_pushlstring(L, s, n);
		return true;
	}
	luaL_Buffer b;
	char *out = luaL_buffinitsize(L, &b, n);
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	luaL_pushresultsize(&b, n);
	return true;
}

void api_push_folded(lua_State *L, const char *s, size_t n)
{
	if (push_folded_ascii(L, s, n))
		return;
	long need = uni_fold_into(s, n, NULL, 0, NULL);
	if (need < 0) {
		lua_pushlstring(L, s, n); /* invalid UTF-8: leave it as it is */
		return;
	}
	/* the buffer is Lua's, so a memory error here cannot leak it */
	int32_t *buf = lua_newuserdatauv(L, ((size_t)need + 1) * sizeof(int32_t), 0);
	size_t len = 0;
	uni_fold_into(s, n, buf, (size_t)need + 1, &len);
	len = token_normalize_apostrophes((char *)buf, len);
	lua_pushlstring(L, (const char *)buf, len);
	lua_remove(L, -2);
}

/* lint.fold(s) */
static int f_fold(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	host_charge(L, (long long)n / 4 + 1);
	api_push_folded(L, s, n);
	return 1;
}

struct words_ctx {
	lua_State *L;
	const char *s;
	int table;
	int count;
};

static void emit_folded(void *ud, size_t a, size_t b)
{
	struct words_ctx *c = ud;
	api_push_folded(c->L, c->s + a, b - a);
	lua_rawseti(c->L, c->table, ++c->count);
}

/* lint.words(s) */
static int f_words(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	host_charge(L, (long long)n / 2 + 1);
	lua_newtable(L);
	struct words_ctx c = { L, s, lua_gettop(L), 0 };
	token_split(s, 0, n, NULL, emit_folded, &c);
	return 1;
}

/* lint.graphemes(s) */
static int f_graphemes(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	host_charge(L, (long long)n / 4 + 1);
	lua_pushinteger(L, (lua_Integer)uni_grapheme_count(s, n));
	return 1;
}

/* lint.nfkc(s); invalid UTF-8 comes back unchanged */
static int f_nfkc(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	host_charge(L, (long long)n / 4 + 1);
	long need = uni_nfkc_into(s, n, NULL, 0, NULL);
	if (need < 0) {
		lua_pushvalue(L, 1);
		return 1;
	}
	/* Lua owns the buffer, so a memory error cannot leak it */
	int32_t *buf = lua_newuserdatauv(L, ((size_t)need + 1) * sizeof(int32_t), 0);
	size_t len = 0;
	uni_nfkc_into(s, n, buf, (size_t)need + 1, &len);
	lua_pushlstring(L, (const char *)buf, len);
	return 1;
}

_Static_assert(LUA_EXTRASPACE >= sizeof(void *), "the extra space holds a pointer");
static char metas_key;

const struct api_metas *api_metas(lua_State *L)
{
	const struct api_metas *metas;
	memcpy(&metas, lua_getextraspace(L), sizeof(metas));
	return metas;
}

void api_push_literal(lua_State *L, const char *s)
{
	struct api_metas *m;
	memcpy(&m, lua_getextraspace(L), sizeof(m));
	size_t mask = API_LITERAL_SLOTS - 1;
	for (size_t i = (size_t)(((uintptr_t)s >> 3) * 0x9E3779B97F4A7C15ULL >> 40) & mask;;
	     i = (i + 1) & mask) {
		if (m->literals[i].s == s) {
			lua_rawgeti(L, LUA_REGISTRYINDEX, m->literals[i].ref);
			return;
		}
		if (m->literals[i].s)
			continue;
		lua_pushstring(L, s);
		if (2 * (m->nliterals + 1) <= API_LITERAL_SLOTS) { /* (else: pushed plainly) */
			lua_pushvalue(L, -1);
			m->literals[i].ref = luaL_ref(L, LUA_REGISTRYINDEX);
			m->literals[i].s = s;
			m->nliterals++;
		}
		return;
	}
}

bool api_is_phrases(lua_State *L, int idx)
{
	bool ok = false;
	if (lua_touserdata(L, idx) && lua_getmetatable(L, idx)) {
		ok = lua_topointer(L, -1) == api_metas(L)->phrases;
		lua_pop(L, 1);
	}
	return ok;
}

const void *api_check_phrases(lua_State *L, int idx)
{
	if (api_is_phrases(L, idx))
		return lua_touserdata(L, idx);
	return luaL_checkudata(L, idx, API_TYPE_PHRASES); /* its error */
}

int api_open_lint(lua_State *L)
{
	static const luaL_Reg phrase_meta[] = {
		{ "__tostring", phrases_tostring },
		{ "__len", phrases_len },
		{ NULL, NULL },
	};
	static const luaL_Reg funcs[] = {
		{ "phrases", f_phrases },
		{ "phrase_list", f_phrase_list },
		{ "phrase_group", api_phrase_group_new },
		{ "fold", f_fold },
		{ "words", f_words },
		{ "graphemes", f_graphemes },
		{ "nfkc", f_nfkc },
		{ NULL, NULL },
	};
	struct api_metas *metas = lua_newuserdatauv(L, sizeof(*metas), 0);
	memset(metas, 0, sizeof(*metas));
	memcpy(lua_getextraspace(L), &metas, sizeof(metas));
	lua_rawsetp(L, LUA_REGISTRYINDEX, &metas_key);
	luaL_newmetatable(L, API_TYPE_PHRASES);
	metas->phrases = lua_topointer(L, -1); /* anchored in the registry: it stays put */
	luaL_setfuncs(L, phrase_meta, 0);
	lua_pushliteral(L, "phrases");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	api_open_post_meta(L);
	luaL_newlib(L, funcs);
	api_open_similar(L);
	api_open_calendar(L);
	lua_pushliteral(L, POSTLINT_VERSION);
	lua_setfield(L, -2, "version");
	return 1;
}
