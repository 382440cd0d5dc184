/* The `lint` library for rules: phrase lists matched on word boundaries over NFC case-folded
 * text, and the Unicode helpers rules should not rewrite in Lua.
 *
 *   lint.phrases{ "buy now", "sign up", "discount*" }  -> a compiled phrase list (userdata)
 *   post:find(list [, { quoted = false, links = true }]) uses it (api_post.c)
 *   lint.fold(s)       -> s in NFC with full case folding ("Straße" -> "strasse")
 *   lint.words(s)      -> the folded words of s, as the tokenizer splits them
 *   lint.graphemes(s)  -> the number of user-perceived characters in s
 *   lint.nfkc(s)       -> s in NFKC: "fancy" compatibility letters as plain ones
 *                         ("𝐁𝐨𝐥𝐝" -> "Bold", "Ｆｕｌｌ" -> "Full"); case is kept
 *   lint.version       -> postlint's version string
 *
 * A compiled list lives entirely in one Lua userdata block (no malloc, no __gc): a header,
 * the phrases sorted by their first word, their words, and the strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "token.h"
#include "unicode.h"
#include "util/buf.h"
#include "util/hash.h"
#include "version.h"

#define MAX_PHRASES 100000

/* Folds and splits one phrase into words, appending "word\0" entries to out; a word written
 * with a trailing '*' becomes a prefix ("\1word\0"). Returns the number of words. scratch is
 * the caller's buffer, kept from one phrase to the next: a list of 2,500 phrases cost 5,000
 * mallocs and frees at a state's first use of the word lists (3% of a one-post lint). */
static uint32_t phrase_words(const char *s, size_t n, struct buf *out, struct buf *scratch)
{
	struct buf *folded = scratch;
	uint32_t count = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
			i++;
		size_t a = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			i++;
		if (i == a)
			break;
		bool prefix = s[i - 1] == '*';
		size_t chunk_end = prefix ? i - 1 : i;
		folded->len = 0;
		if (!token_fold(s + a, chunk_end - a, folded))
			continue;
		/* a chunk like "pre-order" holds several words */
		size_t starts[64], ends[64], k = 0;
		size_t j = 0;
		while (j < folded->len && k < 64) {
			int32_t cp;
			int m = uni_decode(folded->ptr + j, folded->len - j, &cp);
			if (m < 0)
				m = 1;
			if (!uni_is_word_char(cp)) {
				j += (size_t)m;
				continue;
			}
			starts[k] = j;
			while (j < folded->len) {
				m = uni_decode(folded->ptr + j, folded->len - j, &cp);
				if (m < 0)
					break;
				if (uni_is_word_char(cp) || (cp == '\'' && j + 1 < folded->len)) {
					j += (size_t)m;
					continue;
				}
				break;
			}
			ends[k++] = j;
		}
		for (size_t w = 0; w < k; w++) {
			if (prefix && w == k - 1)
				buf_addc(out, '\1');
			buf_add(out, folded->ptr + starts[w], ends[w] - starts[w]);
			buf_addc(out, '\0');
			count++;
		}
	}
	return count;
}

struct pword {
	uint32_t off, len;
	uint8_t prefix;
};

struct phrase {
	uint32_t word0, nwords;
	uint32_t source_off, source_len;
};

#define EXACT_BITS 4096

struct phrase_set {
	uint64_t id; /* unique in the process (post:matches keeps scans by it) */
	uint32_t nphrases, nwords;
	uint32_t nprefixed; /* phrases whose first word is a prefix: sorted first */
	/* a bit per lead (post_word_lead: a word's first two bytes) that some phrase's first
	 * word can match: most words of a post start no phrase, and one lookup tells so
	 * without a search */
	uint8_t starts[POST_LEAD_SLOTS / 8];
	/* two bits per whole first word of the exact phrases (a Bloom filter): of the words a
	 * post's first two bytes let through, most are no phrase's first word, and this tells
	 * so before the binary search */
	uint8_t exact[EXACT_BITS / 8];
	/* followed by struct phrase[nphrases], struct pword[nwords], char strings[] */
};

static bool exact_may_have(const struct phrase_set *set, uint32_t h)
{
	unsigned a = h % EXACT_BITS, b = (h >> 16) % EXACT_BITS;
	return (set->exact[a >> 3] & (1u << (a & 7))) && (set->exact[b >> 3] & (1u << (b & 7)));
}

static void exact_add(struct phrase_set *set, uint32_t h)
{
	unsigned a = h % EXACT_BITS, b = (h >> 16) % EXACT_BITS;
	set->exact[a >> 3] |= (uint8_t)(1u << (a & 7));
	set->exact[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static void mark_start(struct phrase_set *set, const struct pword *pw, const char *strings)
{
	const char *w = strings + pw->off;
	if (pw->prefix && pw->len == 1) {
		/* "a*": every word starting with that byte */
		for (unsigned second = 0; second < 256; second++) {
			unsigned k = post_lead_of((unsigned char)w[0], (unsigned char)second);
			set->starts[k >> 3] |= (uint8_t)(1u << (k & 7));
		}
		return;
	}
	unsigned k = post_word_lead(w, pw->len);
	set->starts[k >> 3] |= (uint8_t)(1u << (k & 7));
}

static struct phrase *set_phrases(struct phrase_set *set)
{
	return (struct phrase *)(set + 1);
}

static struct pword *set_words(struct phrase_set *set)
{
	return (struct pword *)(set_phrases(set) + set->nphrases);
}

static char *set_strings(struct phrase_set *set)
{
	return (char *)(set_words(set) + set->nwords);
}

/* qsort has no context argument; one per thread (--jobs workers compile lists at once) */
static _Thread_local const struct phrase_set *sort_set;

static int compare_words(const struct pword *x, const struct pword *y, const char *s)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(s + x->off, s + y->off, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Phrases starting with a prefix word come first (they are tried one by one); the rest are
 * sorted by their first word for binary search, longer phrases first. */
static int compare_phrases(const void *a, const void *b)
{
	struct phrase_set *set = (struct phrase_set *)sort_set;
	const struct phrase *x = a, *y = b;
	const struct pword *wx = &set_words(set)[x->word0], *wy = &set_words(set)[y->word0];
	if (wx->prefix != wy->prefix)
		return wx->prefix ? -1 : 1;
	int c = compare_words(wx, wy, set_strings(set));
	if (c)
		return c;
	if (x->nwords != y->nwords)
		return x->nwords > y->nwords ? -1 : 1;
	return x->source_off < y->source_off ? -1 : 1;
}

/* One pass over a list: each phrase's folded words, where they are in `words`. */
struct split_phrase {
	size_t words_off, words_len; /* "word\0" entries ("\1word\0" for a prefix word) */
	uint32_t nwords;
	lua_Integer index; /* in the list */
};

/* The malloc'd buffers of one lint.phrases call, owned by a to-be-closed userdata: an error
 * (a memory error making the set) frees them as it unwinds. */
struct split_list {
	struct buf words, folded;
	struct split_phrase *phrases;
};

#define SPLIT_LIST_TYPE "postlint.phrases.split"

static int split_list_close(lua_State *L)
{
	struct split_list *b = luaL_checkudata(L, 1, SPLIT_LIST_TYPE);
	buf_release(&b->words);
	buf_release(&b->folded);
	free(b->phrases);
	b->phrases = NULL;
	return 0;
}

static struct split_list *split_list_open(lua_State *L)
{
	struct split_list *b = lua_newuserdatauv(L, sizeof(*b), 0);
	memset(b, 0, sizeof(*b));
	b->words = (struct buf)BUF_INIT;
	b->folded = (struct buf)BUF_INIT;
	if (luaL_newmetatable(L, SPLIT_LIST_TYPE)) {
		lua_pushcfunction(L, split_list_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, split_list_close);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_toclose(L, -1);
	return b;
}

/* lint.phrases(list) -> compiled phrase list */
static int f_phrases(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer n = luaL_len(L, 1);
	if (n > MAX_PHRASES)
		return luaL_error(L, "lint.phrases: too many phrases (%d at most)", MAX_PHRASES);
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_rawgeti(L, 1, i) != LUA_TSTRING)
			return luaL_error(L, "lint.phrases: entry %d is a %s, not a string", (int)i,
					  luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	/* Each phrase is folded and split once, into buffers the set is then filled from
	 * (splitting every phrase twice, to measure and then to fill, was a third of compiling
	 * a list). The list's strings stay alive in it while their bytes are read. */
	struct split_list *split = split_list_open(L);
	split->phrases = xmalloc(((size_t)n + 1) * sizeof(*split->phrases));
	size_t nwords = 0, strings = 0, nphrases = 0;
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, 1, i);
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		size_t before = split->words.len;
		uint32_t k = phrase_words(s, len, &split->words, &split->folded);
		if (k > 0) {
			size_t bytes = split->words.len - before;
			split->phrases[nphrases++] = (struct split_phrase){
				.words_off = before, .words_len = bytes, .nwords = k, .index = i };
			nwords += k;
			strings += bytes + len + 1;
		}
		lua_pop(L, 1);
	}
	size_t size = sizeof(struct phrase_set) + nphrases * sizeof(struct phrase) +
		      nwords * sizeof(struct pword) + strings + 1;
	struct phrase_set *set = lua_newuserdatauv(L, size, 1);
	static _Atomic uint64_t last_id; /* every worker's state makes sets */
	set->id = ++last_id;
	set->nphrases = (uint32_t)nphrases;
	set->nwords = (uint32_t)nwords;
	struct phrase *phrases = set_phrases(set);
	struct pword *pwords = set_words(set);
	char *str = set_strings(set);
	size_t sp = 0, wp = 0;
	for (size_t pp = 0; pp < nphrases; pp++) {
		const struct split_phrase *sph = &split->phrases[pp];
		lua_rawgeti(L, 1, sph->index);
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		phrases[pp] = (struct phrase){ .word0 = (uint32_t)wp, .nwords = sph->nwords,
					       .source_off = (uint32_t)sp,
					       .source_len = (uint32_t)len };
		memcpy(str + sp, s, len);
		str[sp + len] = '\0';
		sp += len + 1;
		lua_pop(L, 1);
		const char *words = split->words.ptr + sph->words_off;
		size_t j = 0;
		for (uint32_t w = 0; w < sph->nwords; w++) {
			bool prefix = words[j] == '\1';
			if (prefix)
				j++;
			size_t wl = strlen(words + j);
			pwords[wp++] = (struct pword){ .off = (uint32_t)sp, .len = (uint32_t)wl,
						       .prefix = prefix };
			memcpy(str + sp, words + j, wl + 1);
			sp += wl + 1;
			j += wl + 1;
		}
	}
	memset(set->starts, 0, sizeof(set->starts));
	memset(set->exact, 0, sizeof(set->exact));
	for (size_t k = 0; k < nphrases; k++) {
		const struct pword *first = &pwords[phrases[k].word0];
		mark_start(set, first, str);
		if (!first->prefix)
			exact_add(set, hash_fnv32(str + first->off, first->len));
	}
	sort_set = set;
	qsort(phrases, nphrases, sizeof(struct phrase), compare_phrases);
	sort_set = NULL;
	set->nprefixed = 0;
	while (set->nprefixed < nphrases && pwords[phrases[set->nprefixed].word0].prefix)
		set->nprefixed++;
	luaL_setmetatable(L, API_TYPE_PHRASES);
	return 1;
}

/* Length of the match of phrase ph at word i (0 when it does not match): its words must
 * follow one another inside one sentence. */
static size_t match_phrase(const struct phrase_set *set, const struct phrase *ph,
			   const struct post *p, size_t i, const struct api_word_filter *filter)
{
	struct phrase_set *s = (struct phrase_set *)set;
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	const struct pword *pwords = set_words(s);
	const char *strings = set_strings(s);
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

/* The longest phrase of the set matching at word i (see api_phrases_next). */
static size_t match_at(struct phrase_set *set, const struct post *p, size_t i,
		       const struct api_word_filter *filter, const char **phrase, size_t *phrase_len)
{
	const struct phrase *phrases = set_phrases(set);
	const struct pword *pwords = set_words(set);
	const char *strings = set_strings(set);
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
	if (exact_may_have(set, p->tk->word_hashes[i])) {
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
	struct phrase_set *set = luaL_checkudata(L, 1, API_TYPE_PHRASES);
	lua_pushfstring(L, "phrases (%d)", (int)set->nphrases);
	return 1;
}

static int phrases_len(lua_State *L)
{
	struct phrase_set *set = luaL_checkudata(L, 1, API_TYPE_PHRASES);
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

int api_open_lint(lua_State *L)
{
	static const luaL_Reg phrase_meta[] = {
		{ "__tostring", phrases_tostring },
		{ "__len", phrases_len },
		{ NULL, NULL },
	};
	static const luaL_Reg funcs[] = {
		{ "phrases", f_phrases },
		{ "fold", f_fold },
		{ "words", f_words },
		{ "graphemes", f_graphemes },
		{ "nfkc", f_nfkc },
		{ NULL, NULL },
	};
	luaL_newmetatable(L, API_TYPE_PHRASES);
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
