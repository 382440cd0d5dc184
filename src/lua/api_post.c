/* The post object rules receive: a read-only table whose fields are built on first use
 * from the C post model and then cached in the table (plain table reads afterwards).
 *
 *   post.path, post.text, post.body, post.front_matter (the YAML's range, nil when none),
 *   post.meta, post.platforms, post.lang, post.kind,
 *   post.parts, post.words, post.sentences, post.links, post.images, post.hashtags,
 *   post.mentions, post.emoji, post.quotes (post.words' tables are made as they are read)
 *   post.words_in_capitals  the indices of the words written in capitals (ALL CAPS)
 *   post.norms     the words' norms, a list of strings (no table per word)
 *   post:line_col(offset) -> line, column
 *   post:word_at(offset) -> the index of the word holding offset, or nil
 *   post:find(phrases [, { quoted = false, links = true }]) -> { {first, last, text, phrase} }
 *   post:matches(phrases, first, last [, { before, quoted, any }]) -> those of a range, or
 *     whether there is one (the scan kept per post: api_matches.c)
 *   post:words_outside(spans [, before]) -> own, by_sentence, words_by_sentence, span_of;
 *     post:own_words(rt_first, all_quoted) -> own, own_sentences (api_words_outside.c)
 *   post:title_words(words, stopwords [, split]) -> the indices in title case
 *   post:topic(words, skip, stopwords [, english]) -> a word or two, or nil
 *     (api_analysis.c)
 *   post:invitation(W, rt_first, all_quoted, sales_raw) -> the analysis' a.invitation
 *     (api_invitation.c)
 *   post:share(a, sales_threshold) -> the analysis' a.share (api_share.c)
 *   post:sales(a, disclosure_tags) -> score, categories, digits; post:sales_signs(kind) ->
 *     prices or percentages (api_sales.c)
 *   post:self(a, names) -> selfref, more, turns, external (api_self.c)
 *   post:quote(a) -> the analysis' a.quote (api_quote.c)
 *   post:structure(W, rt_markers, quote_tags) -> rt_first, quote_tweet, quote_tagged,
 *     all_quoted (api_structure.c)
 *   post.time      seconds since 1970 (UTC) of front matter `scheduled`/`date` or a dated
 *                  file name, or nil
 *   post.linted    in check_set: whether the post is being linted (else it is context)
 *   post:length(platform [, part]) -> length, limit, { unit, bytes, max_bytes, threads, over }
 *     (or nil, message for an unknown platform or part); post:length(platform, text) measures
 *     a text of the rule's own -> length, limit
 *
 * Ranges are 1-based and inclusive: first = C start + 1, last = C end (string.find's
 * convention), so post.text:sub(t.first, t.last) is the token's text. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "schedule.h"
#include "token.h"
#include "unicode.h"
#include "util/buf.h"
#include "util/sort.h"
#include "value_bin.h"

struct post_handle {
	const struct post_view *view; /* NULL once the post's run is over */
};

static char posts_key, handles_key, handle_meta_key, post_meta_key;

/* Where a post table keeps its handle: an integer key, found by Lua's integer lookup (a light
 * userdata key took the generic one, four times the instructions; this runs for every
 * method call and every field a rule reads first, and for every post of a calendar that
 * lint.dated and lint.nearest_posts read). */
#define HANDLE_KEY LUA_MININTEGER

/* The address of the handles' metatable (api_metas): compared with a handle's metatable
 * without a registry lookup. */
static const void *handle_meta(lua_State *L)
{
	return api_metas(L)->handle;
}

/* The handle of the post table at (absolute) index table, or NULL when it is no post. */
static const struct post_handle *find_handle(lua_State *L, int table)
{
	if (!lua_istable(L, table))
		return NULL;
	if (lua_rawgeti(L, table, HANDLE_KEY) != LUA_TUSERDATA) {
		lua_pop(L, 1);
		return NULL;
	}
	/* only a handle made by api_push_post will do: pairs(post) shows the key, and a rule
	 * could put any userdata of its own under it (luaL_testudata, with the metatable known
	 * by address rather than looked up by name) */
	struct post_handle *h = NULL;
	if (lua_getmetatable(L, -1)) {
		if (lua_topointer(L, -1) == handle_meta(L))
			h = lua_touserdata(L, -2);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return h;
}

static const struct post_view *check_view(lua_State *L, int table)
{
	const struct post_handle *h = find_handle(L, table);
	if (!h)
		luaL_error(L, "expected a post (call methods as post:method(...))");
	if (!h->view)
		luaL_error(L, "this post is no longer valid: rules must not keep a post after "
			      "check returns");
	return h->view;
}

const struct post_view *api_whole_post_view(lua_State *L, const char *method)
{
	const struct post_view *view = check_view(L, 1);
	if (view->light)
		luaL_error(L, "post:%s is not available in check_set of a rule with collect (the "
			      "posts there have no text)", method);
	return view;
}

static void set_range(lua_State *L, size_t start, size_t end)
{
	lua_pushinteger(L, (lua_Integer)start + 1);
	lua_setfield(L, -2, "first");
	lua_pushinteger(L, (lua_Integer)end);
	lua_setfield(L, -2, "last");
}

static void set_text(lua_State *L, const struct post *p, const char *field, size_t a, size_t b)
{
	lua_pushlstring(L, p->text + a, b - a);
	lua_setfield(L, -2, field);
}

static void set_flag(lua_State *L, const char *field, bool on)
{
	if (on) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, field);
	}
}

static void set_int(lua_State *L, const char *field, lua_Integer n)
{
	lua_pushinteger(L, n);
	lua_setfield(L, -2, field);
}

/* word.capital: whether a word starts with a capital, an ASCII A-Z or a first character that
 * case folding changes ("Émile", "Straße"; not "iPad"). The golden rules ask it of most
 * words of a post (titles, names for the topic); in Lua it took a tenth of their
 * instructions. Invalid UTF-8 is not a capital. */
bool api_word_capital(const char *s, size_t n)
{
	unsigned char b = n ? (unsigned char)s[0] : 0;
	if (b >= 'A' && b <= 'Z')
		return true;
	if (n < 2 || (unsigned char)s[1] < 0x80 || (unsigned char)s[1] > 0xBF ||
	    (b >= 0x80 && (b < 0xC2 || b > 0xF4)))
		return false; /* an ASCII character, or no lead byte with its continuation */
	size_t k = 1;
	while (k < n && (unsigned char)s[k] >= 0x80 && (unsigned char)s[k] <= 0xBF)
		k++;
	/* the first character folded as a word's norm is (invalid UTF-8 folds to itself) */
	struct buf folded = BUF_INIT;
	bool changed = token_fold(s, k, &folded) && (folded.len != k ||
						     memcmp(folded.ptr, s, k) != 0);
	buf_release(&folded);
	return changed;
}

/* The fields of a word table, in the order they are set (a table's pairs order follows it);
 * their key strings are upvalues of lazy_list_index (FIELD_KEY). */
enum word_key { WK_FIRST, WK_LAST, WK_PART, WK_NORM, WK_TEXT, WK_SENTENCE, WK_QUOTED, WK_LINK,
		WK_HEADING, WK_CAPITAL, WORD_KEYS };
static const char *const word_key_names[WORD_KEYS] = { "first",	   "last",   "part",
						       "norm",	   "text",   "sentence",
						       "quoted",   "link",   "heading",
						       "capital" };

/* Tables of many fields are filled with their key strings pushed from upvalues of the
 * running C function and lua_rawset: lua_setfield would look each key's C string up in
 * Lua's string cache (a strcmp) and check for a metatable, for every field of every word,
 * token and match. Key k is upvalue 2 + k (upvalue 1 is the function's own: the post's
 * token kind for lazy_list_index, the table of post keys for post_index and post:find). */
#define FIELD_KEY(k) lua_upvalueindex(2 + (int)(k))

/* table[key k] = the value on top of the stack (popped); the table is below it */
static void field_set(lua_State *L, int k)
{
	lua_pushvalue(L, FIELD_KEY(k));
	lua_insert(L, -2);
	lua_rawset(L, -3);
}

static void field_set_int(lua_State *L, int k, lua_Integer n)
{
	lua_pushvalue(L, FIELD_KEY(k));
	lua_pushinteger(L, n);
	lua_rawset(L, -3);
}

static void field_set_flag(lua_State *L, int k, bool on)
{
	if (on) {
		lua_pushvalue(L, FIELD_KEY(k));
		lua_pushboolean(L, 1);
		lua_rawset(L, -3);
	}
}

static void field_set_text(lua_State *L, const struct post *p, int k, size_t a, size_t b)
{
	lua_pushvalue(L, FIELD_KEY(k));
	lua_pushlstring(L, p->text + a, b - a);
	lua_rawset(L, -3);
}

/* Whether a word's text is its norm (folded, NFC, ’ as '): most words, and no capital. */
static bool word_is_norm(const struct post *p, const struct token *t)
{
	return t->norm_len == t->end - t->start &&
	       memcmp(p->tk->norms.ptr + t->norm_off, p->text + t->start, t->norm_len) == 0;
}

/* A word's table (called by lazy_list_index, whose upvalues hold the key strings). */
static void push_word(lua_State *L, const struct post *p, const struct token *t)
{
	lua_createtable(L, 0, 8);
	field_set_int(L, WK_FIRST, (lua_Integer)t->start + 1);
	field_set_int(L, WK_LAST, (lua_Integer)t->end);
	field_set_int(L, WK_PART, (lua_Integer)t->part + 1);
	lua_pushvalue(L, FIELD_KEY(WK_TEXT));
	lua_pushlstring(L, p->text + t->start, t->end - t->start); /* table, "text", text */
	lua_pushvalue(L, FIELD_KEY(WK_NORM));
	if (word_is_norm(p, t))
		lua_pushvalue(L, -2); /* most words are their own folded form: one string */
	else
		lua_pushlstring(L, p->tk->norms.ptr + t->norm_off, t->norm_len);
	lua_rawset(L, -5);
	lua_rawset(L, -3);
	if (t->sentence != UINT32_MAX)
		field_set_int(L, WK_SENTENCE, (lua_Integer)t->sentence + 1);
	field_set_flag(L, WK_QUOTED, t->flags & TF_QUOTED);
	field_set_flag(L, WK_LINK, t->flags & TF_LINK);
	field_set_flag(L, WK_HEADING, t->flags & TF_HEADING);
	field_set_flag(L, WK_CAPITAL, api_word_capital(p->text + t->start, t->end - t->start));
}

/* The field names of the token tables and of post:find's matches: upvalues of post_index
 * and of post:find's closure (FIELD_KEY). */
enum tok_key { TK_FIRST, TK_LAST, TK_PART, TK_TEXT, TK_FIRST_WORD, TK_LAST_WORD, TK_QUESTION,
	       TK_QUOTED, TK_URL, TK_KIND, TK_TEXT_FIRST, TK_TEXT_LAST, TK_ALT, TK_ALT_FIRST,
	       TK_ALT_LAST, TK_TAG, TK_NAME, TK_DOMAIN, TK_PHRASE, TK_WORD,
	       TK_BEFORE, TK_ANY, /* post:matches' options (with "quoted") */
	       TOK_KEYS };
static const char *const tok_key_names[TOK_KEYS] = {
	"first", "last", "part", "text", "first_word", "last_word", "question", "quoted", "url",
	"kind", "text_first", "text_last", "alt", "alt_first", "alt_last", "tag", "name",
	"domain", "phrase", "word", "before", "any",
};

static void push_token(lua_State *L, const struct post *p, enum token_kind kind,
		       const struct token *t)
{
	lua_createtable(L, 0, 8);
	field_set_int(L, TK_FIRST, (lua_Integer)t->start + 1);
	field_set_int(L, TK_LAST, (lua_Integer)t->end);
	field_set_int(L, TK_PART, (lua_Integer)t->part + 1);
	switch (kind) {
	case TOK_SENTENCE:
		field_set_text(L, p, TK_TEXT, t->start, t->end);
		field_set_int(L, TK_FIRST_WORD, (lua_Integer)t->first_word + 1);
		field_set_int(L, TK_LAST_WORD, (lua_Integer)(t->first_word + t->nwords));
		field_set_flag(L, TK_QUESTION, t->flags & TF_QUESTION);
		field_set_flag(L, TK_QUOTED, t->flags & TF_QUOTED);
		break;
	case TOK_LINK:
		field_set_text(L, p, TK_TEXT, t->inner_start, t->inner_end);
		lua_pushstring(L, t->url ? t->url : "");
		field_set(L, TK_URL);
		lua_pushstring(L, t->flags & TF_BARE ? "bare" : t->flags & TF_AUTOLINK ? "autolink"
										   : "markdown");
		field_set(L, TK_KIND);
		field_set_int(L, TK_TEXT_FIRST, (lua_Integer)t->inner_start + 1);
		field_set_int(L, TK_TEXT_LAST, (lua_Integer)t->inner_end);
		field_set_flag(L, TK_QUOTED, t->start < p->len && (p->tk->cls[t->start] & CLS_QUOTE));
		break;
	case TOK_IMAGE:
		field_set_text(L, p, TK_ALT, t->inner_start, t->inner_end);
		/* where the description goes even when it is empty (an insertion point) */
		field_set_int(L, TK_ALT_FIRST, (lua_Integer)t->inner_start + 1);
		field_set_int(L, TK_ALT_LAST, (lua_Integer)t->inner_end);
		lua_pushstring(L, t->url ? t->url : "");
		field_set(L, TK_URL);
		break;
	case TOK_HASHTAG:
		field_set_text(L, p, TK_TEXT, t->start, t->end);
		field_set_text(L, p, TK_TAG, t->inner_start, t->inner_end);
		break;
	case TOK_MENTION:
		field_set_text(L, p, TK_TEXT, t->start, t->end);
		field_set_text(L, p, TK_NAME, t->inner_start, t->inner_end);
		if (t->inner_end + 1 < t->end)
			field_set_text(L, p, TK_DOMAIN, t->inner_end + 1, t->end);
		break;
	case TOK_EMOJI:
		field_set_text(L, p, TK_TEXT, t->start, t->end);
		break;
	case TOK_QUOTE:
		field_set_text(L, p, TK_TEXT, t->inner_start, t->inner_end);
		lua_pushstring(L, t->flags & TF_BLOCK ? "block" : "marks");
		field_set(L, TK_KIND);
		field_set_int(L, TK_TEXT_FIRST, (lua_Integer)t->inner_start + 1);
		field_set_int(L, TK_TEXT_LAST, (lua_Integer)t->inner_end);
		break;
	default:
		break;
	}
}

/* post.words and post.sentences are made item by item, as rules read them. Most words of
 * most posts are never looked at by a rule (the golden rules ask the host's C functions
 * about them and read a few), and a word's table was a seventh of a run's instructions with
 * its share of garbage collection; of a post's sentences a rule reads one or two (where a
 * closing question goes, the sentence of a shouted word), and all of their tables were 2%
 * of a run. Such a list holds the post's handle under HANDLE_KEY, as the post table does (a
 * read after the check is refused, as the post's fields are), and has a metatable shared by
 * every list of its kind (made once per state: lazy_list_meta): __index makes item i's table
 * the first time it is read and stores it in the list (the next reads are plain), __len
 * gives the number of items, and __pairs walks 1..n like ipairs. The __index and __len
 * closures hold the token kind (upvalue 1) and __index the field names (FIELD_KEY). */
static struct post *list_post(lua_State *L)
{
	/* the handle sits in the list, where a rule can put another post's in its place: one
	 * of a post without tokens (a light post of check_set, or one already shrunk) is
	 * refused rather than read; another whole post's tokens are read in bounds */
	const struct post_view *view = check_view(L, 1);
	if (view->light || !view->post->tk)
		luaL_error(L, "this list is not a list of a post's words or sentences");
	return view->post;
}

static int lazy_list_index(lua_State *L)
{
	int exact = 0;
	lua_Integer i = lua_tointegerx(L, 2, &exact);
	if (!exact)
		return 0; /* post.words.n, post.words[1.5]: nil, as in a plain list */
	enum token_kind kind = (enum token_kind)lua_tointeger(L, lua_upvalueindex(1));
	struct post *p = list_post(L);
	if (i < 1 || (lua_Unsigned)i > p->tk->tokens[kind].len)
		return 0;
	const struct token *t = &p->tk->tokens[kind].items[i - 1];
	if (kind == TOK_WORD)
		push_word(L, p, t);
	else
		push_token(L, p, kind, t);
	lua_pushvalue(L, -1);
	lua_rawseti(L, 1, i);
	return 1;
}

static int lazy_list_len(lua_State *L)
{
	enum token_kind kind = (enum token_kind)lua_tointeger(L, lua_upvalueindex(1));
	lua_pushinteger(L, (lua_Integer)list_post(L)->tk->tokens[kind].len);
	return 1;
}

static int lazy_list_next(lua_State *L)
{
	lua_Integer i = luaL_optinteger(L, 2, 0) + 1;
	if (lua_geti(L, 1, i) == LUA_TNIL)
		return 1;
	lua_pushinteger(L, i);
	lua_insert(L, -2);
	return 2;
}

static int lazy_list_pairs(lua_State *L)
{
	lua_pushcfunction(L, lazy_list_next);
	lua_pushvalue(L, 1);
	lua_pushinteger(L, 0);
	return 3;
}

static char words_meta_key, sentences_meta_key;

/* Pushes the shared metatable of the lazy lists of kind (TOK_WORD or TOK_SENTENCE). */
static void lazy_list_meta(lua_State *L, enum token_kind kind)
{
	const void *key = kind == TOK_WORD ? &words_meta_key : &sentences_meta_key;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE)
		return;
	lua_pop(L, 1);
	int nkeys = kind == TOK_WORD ? WORD_KEYS : TOK_KEYS;
	const char *const *names = kind == TOK_WORD ? word_key_names : tok_key_names;
	lua_createtable(L, 0, 4);
	luaL_checkstack(L, nkeys + 4, "a post's lists");
	lua_pushinteger(L, kind);
	for (int k = 0; k < nkeys; k++)
		lua_pushstring(L, names[k]);
	lua_pushcclosure(L, lazy_list_index, 1 + nkeys);
	lua_setfield(L, -2, "__index");
	lua_pushinteger(L, kind);
	lua_pushcclosure(L, lazy_list_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, lazy_list_pairs);
	lua_setfield(L, -2, "__pairs");
	/* the list is shared by every rule on the post: one may not take its metatable away */
	lua_pushstring(L, kind == TOK_WORD ? "words" : "sentences");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/* post.words or post.sentences: the list (its tables made on first read); the post table
 * is at post_at */
static void push_lazy_list(lua_State *L, struct post *p, enum token_kind kind, int post_at)
{
	lua_createtable(L, (int)p->tk->tokens[kind].len, 1); /* the array part, for the tables */
	lua_rawgeti(L, post_at, HANDLE_KEY);
	lua_rawseti(L, -2, HANDLE_KEY);
	lazy_list_meta(L, kind);
	lua_setmetatable(L, -2);
}

/* Whether text is written in capitals: an upper-case letter, and no lower-case one
 * ("NASA", "GO", "МОСКВА", "DON’T"; not "Москва", "iPad", "ÉTé", "123"). */
static bool in_capitals(const char *s, size_t len)
{
	bool upper = false;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		int n = uni_decode(s + i, len - i, &cp);
		enum uni_case c = n > 0 ? uni_letter_case(cp) : UNI_CASELESS;
		if (c == UNI_LOWER)
			return false;
		upper = upper || c == UNI_UPPER;
		i += n > 0 ? (size_t)n : 1;
	}
	return upper;
}

/* post.words_in_capitals: the indices of the words written in capitals. A rule about
 * shouting reads these words' tables and leaves the others unmade. */
static void push_words_in_capitals(lua_State *L, struct post *p)
{
	post_tokens(p);
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t n = p->tk->tokens[TOK_WORD].len;
	host_charge(L, (long long)n / 4 + 1);
	lua_newtable(L);
	lua_Integer listed = 0;
	for (size_t i = 0; i < n; i++) {
		/* a word that is its own folded form has no capital: most words, one memcmp */
		if (!word_is_norm(p, &words[i]) &&
		    in_capitals(p->text + words[i].start, words[i].end - words[i].start)) {
			lua_pushinteger(L, (lua_Integer)i + 1);
			lua_rawseti(L, -2, ++listed);
		}
	}
}

/* post.norms[i] == post.words[i].norm: for a rule that compares words with lists, one
 * string per word instead of a table with ten fields (a twentieth of the cost). */
static void push_norms(lua_State *L, struct post *p)
{
	post_tokens(p);
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t n = p->tk->tokens[TOK_WORD].len;
	host_charge(L, (long long)n + 1);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushlstring(L, p->tk->norms.ptr + words[i].norm_off, words[i].norm_len);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_tokens(lua_State *L, struct post *p, enum token_kind kind)
{
	post_tokens(p);
	size_t n = p->tk->tokens[kind].len;
	host_charge(L, (long long)n * 4);
	if (kind == TOK_WORD || kind == TOK_SENTENCE) {
		push_lazy_list(L, p, kind, 1);
		return;
	}
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_token(L, p, kind, &p->tk->tokens[kind].items[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_platforms(lua_State *L, const struct post_view *view)
{
	const struct value *v = value_map_get(post_meta(view->post), "platform");
	if (!v)
		v = value_map_get(post_meta(view->post), "platforms");
	lua_newtable(L);
	lua_Integer n = 0;
	if (v && v->type == VALUE_STRING) {
		api_push_folded(L, v->string, v->string_len);
		lua_rawseti(L, -2, ++n);
	} else if (v && v->type == VALUE_LIST) {
		for (size_t i = 0; i < v->len; i++) {
			if (v->items[i]->type != VALUE_STRING)
				continue;
			api_push_folded(L, v->items[i]->string, v->items[i]->string_len);
			lua_rawseti(L, -2, ++n);
		}
	} else if (view->default_platforms) {
		for (const char *const *d = view->default_platforms; *d; d++) {
			lua_pushstring(L, *d);
			lua_rawseti(L, -2, ++n);
		}
	}
}

static void push_parts(lua_State *L, const struct post *p)
{
	lua_createtable(L, (int)p->parts.len, 0);
	for (size_t i = 0; i < p->parts.len; i++) {
		const struct post_part *part = &p->parts.items[i];
		lua_createtable(L, 0, 4);
		set_range(L, part->start, part->end);
		set_text(L, p, "text", part->start, part->end);
		set_int(L, "index", (lua_Integer)i + 1);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* The keys post_index answers, found with one lookup in a table of the state (an upvalue of
 * post_index: key -> one of these) rather than by comparing the key with each name: rules
 * read methods (post:find) and post.linted of every post through it. */
enum post_key {
	KEY_LINTED = 1,
	KEY_COLLECTED,
	/* methods */
	KEY_LINE_COL,
	KEY_WORD_AT,
	KEY_FIND,
	KEY_MATCHES,
	KEY_SHINGLES,
	KEY_WORDS_OUTSIDE,
	KEY_TITLE_WORDS,
	KEY_INVITATION,
	KEY_SHARE,
	KEY_SALES,
	KEY_SALES_SIGNS,
	KEY_SELF,
	KEY_QUOTE,
	KEY_STRUCTURE,
	KEY_OWN_WORDS,
	KEY_TOPIC,
	KEY_LENGTH,
	/* the text's fields */
	KEY_TEXT,
	KEY_BODY,
	KEY_FRONT_MATTER,
	KEY_PARTS,
	KEY_WORDS_IN_CAPITALS,
	KEY_NORMS,
	/* fields that need no text (light posts have them too) */
	KEY_PATH,
	KEY_TIME,
	KEY_PLATFORMS,
	KEY_META,
	KEY_LANG,
	KEY_KIND,
	/* the token lists: KEY_TOKENS + enum token_kind */
	KEY_TOKENS,
};

/* Where post_index's table of keys keeps the state's post:find and post:matches closures */
#define SHARED_FIND (-1)
#define SHARED_MATCHES (-2)

static const struct {
	const char *name;
	int key;
} post_keys[] = {
	{ "linted", KEY_LINTED },
	{ "collected", KEY_COLLECTED },
	{ "line_col", KEY_LINE_COL },
	{ "word_at", KEY_WORD_AT },
	{ "find", KEY_FIND },
	{ "matches", KEY_MATCHES },
	{ "shingles", KEY_SHINGLES },
	{ "words_outside", KEY_WORDS_OUTSIDE },
	{ "title_words", KEY_TITLE_WORDS },
	{ "invitation", KEY_INVITATION },
	{ "share", KEY_SHARE },
	{ "sales", KEY_SALES },
	{ "sales_signs", KEY_SALES_SIGNS },
	{ "self", KEY_SELF },
	{ "quote", KEY_QUOTE },
	{ "structure", KEY_STRUCTURE },
	{ "own_words", KEY_OWN_WORDS },
	{ "topic", KEY_TOPIC },
	{ "length", KEY_LENGTH },
	{ "text", KEY_TEXT },
	{ "body", KEY_BODY },
	{ "front_matter", KEY_FRONT_MATTER },
	{ "parts", KEY_PARTS },
	{ "words_in_capitals", KEY_WORDS_IN_CAPITALS },
	{ "norms", KEY_NORMS },
	{ "path", KEY_PATH },
	{ "time", KEY_TIME },
	{ "platforms", KEY_PLATFORMS },
	{ "meta", KEY_META },
	{ "lang", KEY_LANG },
	{ "kind", KEY_KIND },
	{ "words", KEY_TOKENS + TOK_WORD },
	{ "sentences", KEY_TOKENS + TOK_SENTENCE },
	{ "links", KEY_TOKENS + TOK_LINK },
	{ "images", KEY_TOKENS + TOK_IMAGE },
	{ "hashtags", KEY_TOKENS + TOK_HASHTAG },
	{ "mentions", KEY_TOKENS + TOK_MENTION },
	{ "emoji", KEY_TOKENS + TOK_EMOJI },
	{ "quotes", KEY_TOKENS + TOK_QUOTE },
};

/* Pushes the fields a post has without its text (path, time, platforms, meta, lang, kind),
 * whole or light. Returns 1 when pushed, 0 for a nil time, -1 for another key. */
static int push_meta_field(lua_State *L, const struct post_view *view, int key)
{
	struct post *p = view->post;
	switch (key) {
	case KEY_PATH:
		lua_pushstring(L, p->path);
		return 1;
	case KEY_TIME: {
		long long when;
		if (!schedule_of(p, &when))
			return 0;
		lua_pushinteger(L, (lua_Integer)when);
		return 1;
	}
	case KEY_PLATFORMS:
		push_platforms(L, view);
		return 1;
	case KEY_META:
		api_push_value(L, post_meta(p));
		return 1;
	case KEY_LANG:
		if (!view->light)
			post_tokens(p); /* the guess needs the words; a light post kept its guess */
		if (p->lang[0])
			lua_pushstring(L, p->lang);
		else if (view->default_lang && view->default_lang[0])
			lua_pushstring(L, view->default_lang);
		else
			lua_pushnil(L);
		return 1;
	case KEY_KIND: {
		const char *kind = value_map_string(post_meta(p), "kind");
		if (kind)
			api_push_folded(L, kind, strlen(kind));
		else
			lua_pushnil(L);
		return 1;
	}
	default:
		return -1;
	}
}

bool api_post_collected(lua_State *L, const struct post_view *view, const unsigned char **bin,
			size_t *len, const struct value **tree)
{
	struct rule_run *run = host_context(host_of(L));
	const struct collected *c = view->collected;
	*bin = NULL;
	*len = 0;
	*tree = NULL;
	if (!view->light || !run || run->collect_slot < 0 || !c ||
	    (size_t)run->collect_slot >= c->n)
		return false;
	const struct collected_raw *raw = c->raw ? &c->raw[run->collect_slot] : NULL;
	if (raw && raw->bytes) {
		*bin = raw->bytes;
		*len = raw->len;
		return true;
	}
	*tree = c->values[run->collect_slot];
	return *tree != NULL;
}

bool api_collected_truthy(const unsigned char *bin, size_t len, const struct value *tree)
{
	if (bin)
		return value_bin_truthy(bin, len);
	return tree && tree->type != VALUE_NIL && !(tree->type == VALUE_BOOL && !tree->boolean);
}

bool api_post_collected_truthy(lua_State *L, const struct post_view *view)
{
	const unsigned char *bin;
	size_t len;
	const struct value *tree;
	return api_post_collected(L, view, &bin, &len, &tree) &&
	       api_collected_truthy(bin, len, tree);
}

/* The fields of a light post (check_set of a rule with collect): what the host knows
 * without the text, and post.collected, the data the running rule's collect returned for
 * it (not cached: the same table serves every rule with collect of an origin). */
static int light_field(lua_State *L, const struct post_view *view, int key)
{
	if (key == KEY_COLLECTED) {
		struct rule_run *run = host_context(host_of(L));
		const struct collected *c = view->collected;
		if (!run || run->collect_slot < 0 || !c || (size_t)run->collect_slot >= c->n)
			return 0;
		const struct collected_raw *raw = c->raw ? &c->raw[run->collect_slot] : NULL;
		if (raw && raw->bytes)
			api_push_bin(L, raw->bytes, raw->len);
		else
			api_push_value(L, c->values[run->collect_slot]);
		return 1;
	}
	int pushed = push_meta_field(L, view, key);
	if (pushed == 0)
		return 0;
	if (pushed < 0)
		return luaL_error(L, "post.%s is not available in check_set of a rule with collect: "
				     "collect(post, ctx) returns what check_set needs of each post "
				     "(read it as post.collected)", lua_tostring(L, 2));
	/* the same for every rule: cached in the table, like a whole post's fields */
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

static int m_line_col(lua_State *L);
static int m_word_at(lua_State *L);
static int m_find(lua_State *L);
static int m_matches(lua_State *L);
static int m_shingles(lua_State *L);
static int m_length(lua_State *L);

/* The method a key names, or NULL. */
static lua_CFunction method_of(int key)
{
	switch (key) {
	case KEY_LINE_COL:
		return m_line_col;
	case KEY_WORD_AT:
		return m_word_at;
	case KEY_FIND:
		return m_find;
	case KEY_MATCHES:
		return m_matches;
	case KEY_SHINGLES:
		return m_shingles;
	case KEY_WORDS_OUTSIDE:
		return api_post_words_outside;
	case KEY_TITLE_WORDS:
		return api_post_title_words;
	case KEY_INVITATION:
		return api_post_invitation;
	case KEY_SHARE:
		return api_post_share;
	case KEY_SALES:
		return api_post_sales;
	case KEY_SALES_SIGNS:
		return api_post_sales_signs;
	case KEY_SELF:
		return api_post_self;
	case KEY_QUOTE:
		return api_post_quote;
	case KEY_STRUCTURE:
		return api_post_structure;
	case KEY_OWN_WORDS:
		return api_post_own_words;
	case KEY_TOPIC:
		return api_post_topic;
	case KEY_LENGTH:
		return m_length;
	default:
		return NULL;
	}
}

/* __index(post, key), with upvalue 1 the table of keys (name -> enum post_key) and 2.. the
 * token tables' field names (FIELD_KEY): build the field, cache it with rawset, return it.
 * Methods are cached too, so that post:find reads a plain field from the second call on;
 * post.linted is not (below). Unknown keys are nil on a whole post and an error on a light
 * one, whose missing fields a rule would otherwise take for empty. */
static int post_index(lua_State *L)
{
	const struct post_view *view = check_view(L, 1);
	struct post *p = view->post;
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	lua_pushvalue(L, 2);
	int key = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : 0;
	lua_pop(L, 1);
	if (key == KEY_LINTED) {
		/* rules across posts ask it of every post of a calendar. Not cached: the same post
		 * table may be context for one rule call and linted for another */
		lua_pushboolean(L, !view->in_set || view->linted);
		return 1;
	}
	if (view->light)
		return light_field(L, view, key);
	lua_CFunction method = method_of(key);
	if (method == m_find || method == m_matches) {
		/* closures with the matches' field names, made once per state (a closure of 23
		 * upvalues per post and method was made here): kept in the table of keys */
		lua_rawgeti(L, lua_upvalueindex(1),
			    method == m_find ? SHARED_FIND : SHARED_MATCHES);
	} else if (method) {
		lua_pushcfunction(L, method);
	} else if (key >= KEY_TOKENS && key < KEY_TOKENS + TOK_KINDS) {
		push_tokens(L, p, (enum token_kind)(key - KEY_TOKENS));
	} else if (key == KEY_TEXT) {
		lua_pushlstring(L, p->text, p->len);
	} else if (key == KEY_BODY) {
		lua_createtable(L, 0, 3);
		set_range(L, p->body_start, p->body_end);
		set_text(L, p, "text", p->body_start, p->body_end);
	} else if (key == KEY_FRONT_MATTER) {
		if (!p->has_front_matter)
			return 0;
		lua_createtable(L, 0, 3);
		set_range(L, p->fm_start, p->fm_end);
		set_text(L, p, "text", p->fm_start, p->fm_end);
	} else if (key == KEY_PARTS) {
		push_parts(L, p);
	} else if (key == KEY_WORDS_IN_CAPITALS) {
		push_words_in_capitals(L, p);
	} else if (key == KEY_NORMS) {
		push_norms(L, p);
	} else if (push_meta_field(L, view, key) <= 0) {
		return 0;
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

static int post_newindex(lua_State *L)
{
	return luaL_error(L, "the post is read-only (tried to set '%s')", luaL_tolstring(L, 2, NULL));
}

/* post:line_col(offset) -> line, column (1-based; column in code points) */
static int m_line_col(lua_State *L)
{
	const struct post_view *view = check_view(L, 1);
	lua_Integer off = luaL_checkinteger(L, 2);
	if (off < 1)
		off = 1;
	if ((size_t)off > view->post->len + 1)
		off = (lua_Integer)view->post->len + 1;
	/* columns are counted from the line start: charge that scan */
	host_charge(L, (long long)(((size_t)off - 1) - post_line_start(view->post, (size_t)off - 1)) / 8 + 1);
	int line, column;
	post_line_col(view->post, (size_t)off - 1, &line, &column);
	lua_pushinteger(L, line);
	lua_pushinteger(L, column);
	return 2;
}

/* post:word_at(offset) -> the index of the word whose range holds offset, or nil. A binary
 * search over the words in C: a rule that looks at the words next to some character ("!")
 * need not read, and so make, every word's table. */
static int m_word_at(lua_State *L)
{
	struct post *p = api_whole_post_view(L, "word_at")->post;
	lua_Integer off = luaL_checkinteger(L, 2);
	post_tokens(p);
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t lo = 0, hi = p->tk->tokens[TOK_WORD].len; /* the first word starting past off */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((lua_Integer)words[mid].start + 1 <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || (lua_Integer)words[lo - 1].end < off)
		return 0;
	lua_pushinteger(L, (lua_Integer)lo);
	return 1;
}

static bool opt_bool(lua_State *L, int opts, const char *field, bool dflt)
{
	if (lua_isnoneornil(L, opts))
		return dflt;
	int t = lua_getfield(L, opts, field);
	bool v = t == LUA_TNIL ? dflt : lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

/* A match's table: words i .. i + m - 1, matching phrase (with the closure's field names) */
static void push_match(lua_State *L, const struct post *p, size_t i, size_t m,
		       const char *phrase, size_t phrase_len)
{
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	lua_createtable(L, 0, 5);
	field_set_int(L, TK_FIRST, (lua_Integer)words[i].start + 1);
	field_set_int(L, TK_LAST, (lua_Integer)words[i + m - 1].end);
	field_set_text(L, p, TK_TEXT, words[i].start, words[i + m - 1].end);
	lua_pushlstring(L, phrase, phrase_len);
	field_set(L, TK_PHRASE);
	field_set_int(L, TK_WORD, (lua_Integer)i + 1);
}

/* post:find(phrases [, opts]) -> list of { first, last, text, phrase, word } */
static int m_find(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "find");
	const void *set = api_check_phrases(L, 2);
	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	struct api_word_filter filter = { .quoted = opt_bool(L, 3, "quoted", false),
					  .links = opt_bool(L, 3, "links", true) };
	struct post *p = view->post;
	post_tokens(p);
	size_t nwords = p->tk->tokens[TOK_WORD].len;
	host_charge(L, (long long)nwords / 4 + 1);
	lua_newtable(L);
	lua_Integer n = 0;
	for (size_t i = 0; i < nwords;) {
		const char *phrase;
		size_t phrase_len, m;
		i = api_phrases_next(set, p, i, &filter, &m, &phrase, &phrase_len);
		if (i >= nwords)
			break;
		push_match(L, p, i, m, phrase, phrase_len);
		lua_rawseti(L, -2, ++n);
		i += m;
	}
	return 1;
}

/* Whether a match starting in post:matches' range ends in it too (by last) and lies outside
 * the quotations, or quotations are asked for as well. */
static bool hit_answers(const struct post *p, const struct phrase_hit *h, lua_Integer last,
			bool quoted)
{
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	return (lua_Integer)words[h->word + h->nwords - 1].end <= last &&
	       (quoted || !api_in_quotation(p, words[h->word].start));
}

/* post:matches(phrases, first, last [, { before = offset, quoted = false, any = false }]):
 * the matches of post:find(phrases, { quoted = true }) lying within [first, last], without
 * those starting inside a quotation unless quoted, and only those starting before `before`;
 * with any, whether there is one. The scan is made once per post and set (api_matches.c). */
static int m_matches(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "matches");
	const void *set = api_check_phrases(L, 2);
	lua_Integer first = luaL_checkinteger(L, 3), last = luaL_checkinteger(L, 4);
	lua_Integer before = LUA_MAXINTEGER;
	bool quoted = false, any = false;
	if (!lua_isnoneornil(L, 5)) {
		/* read raw, by the key strings of the closure: the analysis asks some fifty times
		 * a post, and lua_getfield's look-up of each C string was a sixth of a call */
		luaL_checktype(L, 5, LUA_TTABLE);
		lua_pushvalue(L, FIELD_KEY(TK_QUOTED));
		quoted = lua_rawget(L, 5) != LUA_TNIL && lua_toboolean(L, -1);
		lua_pushvalue(L, FIELD_KEY(TK_ANY));
		any = lua_rawget(L, 5) != LUA_TNIL && lua_toboolean(L, -1);
		lua_pushvalue(L, FIELD_KEY(TK_BEFORE));
		if (lua_rawget(L, 5) != LUA_TNIL) {
			int exact;
			before = lua_tointegerx(L, -1, &exact);
			if (!exact)
				return luaL_argerror(L, 5, "before must be an integer offset");
		}
		lua_pop(L, 3);
	}
	struct post *p = view->post;
	post_tokens(p);
	const struct phrase_scan *scan = api_phrase_scan(L, p, set);
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t lo = 0, hi = scan->n; /* the first match starting at or after first */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((lua_Integer)words[scan->hits[mid].word].start + 1 < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the matches starting in range, [lo, end): those ending in it too, and outside
	 * quotations unless quoted, answer; counted first, so that the list is made at its size */
	size_t end = lo;
	while (end < scan->n && (lua_Integer)words[scan->hits[end].word].start + 1 <= last &&
	       (lua_Integer)words[scan->hits[end].word].start + 1 < before)
		end++;
	if (any) {
		bool found = false;
		for (size_t k = lo; k < end && !found; k++)
			found = hit_answers(p, &scan->hits[k], last, quoted);
		lua_pushboolean(L, found);
		return 1;
	}
	size_t answers = 0;
	for (size_t k = lo; k < end; k++)
		answers += hit_answers(p, &scan->hits[k], last, quoted);
	lua_createtable(L, (int)answers, 0);
	lua_Integer n = 0;
	for (size_t k = lo; k < end; k++) {
		const struct phrase_hit *h = &scan->hits[k];
		if (hit_answers(p, h, last, quoted)) {
			push_match(L, p, h->word, h->nwords, h->phrase, h->phrase_len);
			lua_rawseti(L, -2, ++n);
		}
	}
	return 1;
}

/* post:shingles(k) -> set, words: the distinct runs of k consecutive words (folded; the whole
 * text when it has fewer words) as a set for lint.nearest, and the number of words. The set
 * is a string of 8-byte hashes (each word's norm hashed with FNV-1a, a run's from its words'
 * hashes), sorted: four to ten times smaller than the words, and compared without hashing
 * text again. The buffer is a userdata, so a budget error leaks nothing. */
static int m_shingles(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "shingles");
	lua_Integer k = luaL_checkinteger(L, 2);
	luaL_argcheck(L, k >= 1 && k <= 16, 2, "k must be between 1 and 16");
	struct post *p = view->post;
	post_tokens(p);
	size_t n = p->tk->tokens[TOK_WORD].len;
	const struct token *words = p->tk->tokens[TOK_WORD].items;
	host_charge(L, (long long)n * (long long)k / 2 + 1);
	if (n == 0) {
		lua_pushliteral(L, "");
		lua_pushinteger(L, 0);
		return 2;
	}
	size_t span = (size_t)k < n ? (size_t)k : n, count = n - span + 1;
	/* each word's norm hashed once (FNV-1a), then each run of span words from those: a
	 * word's bytes were read k times, once per shingle it is in */
	uint64_t *hashes = lua_newuserdatauv(L, (n + count) * sizeof(uint64_t), 0);
	uint64_t *word_hash = hashes + count;
	for (size_t w = 0; w < n; w++) {
		uint64_t h = 1469598103934665603ULL;
		const unsigned char *c =
			(const unsigned char *)p->tk->norms.ptr + words[w].norm_off;
		for (size_t b = 0; b < words[w].norm_len; b++) {
			h ^= c[b];
			h *= 1099511628211ULL;
		}
		word_hash[w] = h;
	}
	for (size_t i = 0; i < count; i++) {
		uint64_t h = 0x9E3779B97F4A7C15ULL;
		for (size_t w = i; w < i + span; w++) {
			h = (h ^ word_hash[w]) * 0xBF58476D1CE4E5B9ULL;
			h ^= h >> 31;
		}
		hashes[i] = h;
	}
	uint64_t room[256];
	uint64_t *tmp = count <= 256 ? room : lua_newuserdatauv(L, count * sizeof(uint64_t), 0);
	sort_u64_spread(hashes, count, tmp); /* (hashes: spread evenly) */
	size_t distinct = 0;
	for (size_t i = 0; i < count; i++)
		if (distinct == 0 || hashes[i] != hashes[distinct - 1])
			hashes[distinct++] = hashes[i];
	lua_pushlstring(L, (const char *)hashes, distinct * sizeof(uint64_t));
	lua_pushinteger(L, (lua_Integer)n);
	return 2;
}

/* post:length(platform [, part | text]): the post as the network counts it. Without part, the
 * whole body as one post; with part n, thread part n (post.parts[n]). The text counted is
 * what would be published: HTML comments (postlint's switches) and surrounding blank lines
 * are left out. No Lua call happens while the text buffer is allocated, so nothing leaks. */
static int m_length(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "length");
	size_t name_len;
	const char *name = luaL_checklstring(L, 2, &name_len);
	lua_Integer part = lua_type(L, 3) == LUA_TSTRING ? 0 : luaL_optinteger(L, 3, 0);
	struct platform_settings ps;
	char lower[16];
	size_t i = 0;
	for (; i < name_len && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	if (i != name_len || !length_settings(lower, view->platform_limits, &ps)) {
		lua_pushnil(L);
		lua_pushfstring(L, "unknown platform '%s'", name);
		return 2;
	}
	struct post *p = view->post;
	if (lua_type(L, 3) == LUA_TSTRING) { /* a text of the rule's own, e.g. a proposed split */
		size_t n;
		const char *t = lua_tolstring(L, 3, &n);
		host_charge(L, (long long)n / 4 + 1);
		struct length_result r;
		length_measure(&ps, t, n, &r);
		lua_pushinteger(L, r.length);
		lua_pushinteger(L, ps.limit);
		return 2;
	}
	if (part < 0 || (size_t)part > p->parts.len) {
		lua_pushnil(L);
		lua_pushfstring(L, "no part %d (the post has %d)", (int)part, (int)p->parts.len);
		return 2;
	}
	struct buf text = BUF_INIT;
	length_post_text(p, (size_t)part, &text);
	struct length_result r;
	length_measure(&ps, text.ptr, text.len, &r);
	buf_release(&text);
	host_charge(L, (long long)r.bytes / 4 + 1);
	lua_pushinteger(L, r.length);
	lua_pushinteger(L, ps.limit);
	lua_createtable(L, 0, 6);
	lua_pushstring(L, ps.unit);
	lua_setfield(L, -2, "unit");
	set_int(L, "bytes", (lua_Integer)r.bytes);
	if (ps.max_bytes)
		set_int(L, "max_bytes", ps.max_bytes);
	set_flag(L, "threads", ps.threads);
	set_flag(L, "over", r.over);
	lua_pushstring(L, ps.name);
	lua_setfield(L, -2, "platform");
	return 3;
}

void api_open_post_meta(lua_State *L)
{
	luaL_checkstack(L, TOK_KEYS + 8, "the post's metatable");
	luaL_newmetatable(L, "postlint.post");
	lua_createtable(L, 0, (int)(sizeof(post_keys) / sizeof(*post_keys)));
	for (size_t i = 0; i < sizeof(post_keys) / sizeof(*post_keys); i++) {
		lua_pushinteger(L, post_keys[i].key);
		lua_setfield(L, -2, post_keys[i].name);
	}
	/* post:find and post:matches, one closure each for the state, with post_index's
	 * upvalues (their first, this table, unused) */
	int keys = lua_gettop(L);
	const lua_CFunction shared[] = { m_find, m_matches };
	const lua_Integer at[] = { SHARED_FIND, SHARED_MATCHES };
	for (size_t i = 0; i < 2; i++) {
		lua_pushvalue(L, keys);
		for (int k = 0; k < TOK_KEYS; k++)
			lua_pushstring(L, tok_key_names[k]);
		lua_pushcclosure(L, shared[i], 1 + TOK_KEYS);
		lua_rawseti(L, keys, at[i]);
	}
	for (int k = 0; k < TOK_KEYS; k++)
		lua_pushstring(L, tok_key_names[k]);
	lua_pushcclosure(L, post_index, 1 + TOK_KEYS);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, post_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "post");
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &post_meta_key);
	luaL_newmetatable(L, API_TYPE_POST_HANDLE);
	lua_pushliteral(L, "post handle");
	lua_setfield(L, -2, "__metatable");
	/* anchored in the registry: it stays put */
	((struct api_metas *)api_metas(L))->handle = lua_topointer(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &handle_meta_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &posts_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &handles_key);
}

const struct post_view *api_post_view(lua_State *L, int idx)
{
	return check_view(L, lua_absindex(L, idx));
}

const struct post_view *api_test_post_view(lua_State *L, int idx)
{
	const struct post_handle *h = find_handle(L, lua_absindex(L, idx));
	return h ? h->view : NULL;
}

void api_post_tables_open(lua_State *L, struct api_post_tables *t)
{
	t->base = lua_gettop(L) + 1;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &handle_meta_key); /* base */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &handles_key);     /* base + 1 */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &post_meta_key);   /* base + 2 */
	t->nhandles = (lua_Integer)lua_rawlen(L, t->base + 1);
}

void api_post_tables_push(lua_State *L, struct api_post_tables *t, const struct post_view *view)
{
	/* room for the fields rules read (cached in the table; the built-in rules read 27 of a
	 * whole post): no rehash as they arrive (with 16, every post grew once, 0.4% of a run) */
	lua_createtable(L, 0, view->light ? 4 : 32);
	struct post_handle *h = lua_newuserdatauv(L, sizeof(*h), 0);
	h->view = view;
	lua_pushvalue(L, t->base);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawseti(L, t->base + 1, ++t->nhandles);
	lua_rawseti(L, -2, HANDLE_KEY);
	lua_pushvalue(L, t->base + 2);
	lua_setmetatable(L, -2);
}

void api_post_tables_close(lua_State *L, struct api_post_tables *t)
{
	assert(lua_gettop(L) == t->base + 2);
	(void)t; /* (used by the assertion only) */
	lua_pop(L, 3);
}

void api_push_post_table(lua_State *L, const struct post_view *view)
{
	struct api_post_tables t;
	api_post_tables_open(L, &t);
	api_post_tables_push(L, &t, view);
	lua_insert(L, t.base++); /* the post's table below the three */
	api_post_tables_close(L, &t);
}

void api_push_post(lua_State *L, const struct post_view *view, const void *origin)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &posts_key);
	if (lua_rawgetp(L, -1, origin) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	api_push_post_table(L, view);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, origin);
	lua_remove(L, -2);
}

/* Allocates nothing (it runs after a rule may have used up the memory cap): handles are
 * invalidated in place and both tables emptied by assigning nil to existing fields. */
void api_release_posts(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &handles_key);
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	for (lua_Integer i = n; i >= 1; i--) {
		lua_rawgeti(L, -1, i);
		struct post_handle *h = lua_touserdata(L, -1);
		if (h)
			h->view = NULL;
		lua_pop(L, 1);
		lua_pushnil(L);
		lua_rawseti(L, -2, i);
	}
	lua_pop(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &posts_key);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, -4);
	}
	lua_pop(L, 1);
}
