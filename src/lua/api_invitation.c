/* post:invitation(W, rt_first, all_quoted, sales_raw): does the post invite a reply, sentence
 * by sentence - the golden rules' a.invitation (rules/lib/analysis.lua, which says what each
 * part means). In Lua this was a twelfth of a run's instructions: for every sentence of every
 * post it asked the host about six word lists, one call each, and walked the answers.
 *
 *   a.invitation = post:invitation(a.W, a.rt_first, a.all_quoted, a.sales_raw)
 *   -> { genuine = bool, genuine_at = { [si] = true }, turns_to_reader = bool, asks = bool,
 *        sentences = { info, ... } (made when first read) }
 *
 * W is lib/words.lua's table for the post's language: W.phrases[name] (compiled lists),
 * W.sets[name] (sets of single words), W.data[name] (the lists as tables, made from the
 * strings they are written as when first read; searched as substrings when W.substring -
 * Japanese), all read as Lua reads them (metamethods included, so lists are still compiled
 * and made when first asked for). rt_first is where retweeted
 * text starts (or nil), all_quoted whether the whole post is a quotation, sales_raw the
 * sales score.
 *
 * The own words are the words that are not link text, do not start inside a quotation
 * (post.quotes) and start before the retweeted text (before offset 1 when all is quoted):
 * post:words_outside(post.quotes, before)'s. Each sentence with own words gets an info, in
 * text order: { sentence = post.sentences[si], index = si, question, request, genuine } and,
 * for a question, addressed, short, hook and self_directed too.
 *
 * Text is read as the Lua did with its patterns: %s and %p in the C locale, %w ASCII. A
 * sentence's marks and endings are read by code point; a sentence with invalid UTF-8 has
 * none (utf8.codes raised there). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "unicode.h"

/* Any phrase of the list among sentence si's own text. */
static bool sentence_has(struct word_lists *v, const char *name, size_t si)
{
	const struct token *s = &v->sentences[si];
	return api_list_any(v, name, s->start, s->end, OWN_ONLY);
}

struct starts {
	size_t at[3], n;
};

static bool starts_at_one(void *ud, const struct list_match *m)
{
	const struct starts *st = ud;
	for (size_t k = 0; k < st->n; k++)
		if (st->at[k] == m->start)
			return true;
	return false;
}

/* Whether a phrase of the list (anywhere) starts at one of the first `within` own words of
 * sentence si (within <= 3). */
static bool starts_with_list(struct word_lists *v, const char *name, size_t si, size_t within)
{
	struct starts st = { .n = api_own_count(v, si) };
	if (st.n > within)
		st.n = within;
	if (st.n == 0)
		return false;
	for (size_t k = 0; k < st.n; k++)
		st.at[k] = v->words[api_own_word(v, si, k)].start;
	const struct token *s = &v->sentences[si];
	return api_list_each(v, name, s->start, s->end, ANYWHERE, starts_at_one, &st);
}

/* ---- reading a sentence's text -------------------------------------------------------- */

/* The code point ending at s[0..*end), which moves back over it (valid UTF-8). */
static int32_t code_point_before(const char *s, size_t *end)
{
	size_t at = *end - 1;
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	int32_t cp;
	uni_decode(s + at, *end - at, &cp);
	*end = at;
	return cp;
}

static bool is_question_mark(int32_t c)
{
	return c == 0x3F || c == 0xFF1F || c == 0x203D || c == 0x2048 || c == 0x2049 ||
	       c == 0x2047;
}

static bool is_exclamation_mark(int32_t c)
{
	return c == 0x21 || c == 0xFF01 || c == 0x203D || c == 0x203C || c == 0x2048 ||
	       c == 0x2049;
}

/* what may follow a sentence's final mark: spaces, quotes, brackets, periods */
static bool is_closer(int32_t c)
{
	return c == 0x20 || c == 0x09 || c == 0x22 || c == 0x27 || c == 0x29 || c == 0x2E ||
	       c == 0x3002 || c == 0x201D || c == 0x2019 || c == 0xBB || c == 0x300D ||
	       c == 0x300F;
}

/* The marks ending text: a question mark, an exclamation mark among them. */
static void ending_marks(const char *text, size_t len, bool *question, bool *exclamation)
{
	*question = *exclamation = false;
	if (uni_first_invalid(text, len) < len)
		return;
	for (size_t end = len; end > 0;) {
		int32_t c = code_point_before(text, &end);
		bool q = is_question_mark(c), x = is_exclamation_mark(c);
		if (!q && !x && !is_closer(c))
			break;
		*question = *question || q;
		*exclamation = *exclamation || x;
	}
}

/* Whether tail has "#tag?" at its end (then only spaces and punctuation): the mark belongs
 * to a hashtag, as in "#doyoureallyneedthat?" - or "#tag？" anywhere. The Lua patterns were
 * "#[^%s#]+%?[%s%p]*$" and "#[^%s#]+？". */
static bool tag_before_mark(const char *t, size_t mark)
{
	/* back from the mark over a run of neither space nor '#', which must end at a '#' */
	size_t k = mark;
	while (k > 0 && !cc_space((unsigned char)t[k - 1]) && t[k - 1] != '#')
		k--;
	return k > 0 && t[k - 1] == '#' && k < mark;
}

static bool mark_is_a_tags(const char *t, size_t n)
{
	size_t tail = n; /* the trailing run of spaces and punctuation */
	while (tail > 0 && (cc_space((unsigned char)t[tail - 1]) ||
			    cc_punct((unsigned char)t[tail - 1])))
		tail--;
	for (size_t q = tail; q < n; q++)
		if (t[q] == '?' && tag_before_mark(t, q))
			return true;
	for (size_t q = 0; q + 3 <= n; q++)
		if (memcmp(t + q, "\xEF\xBC\x9F", 3) == 0 && tag_before_mark(t, q))
			return true;
	return false;
}

/* Whether text, without trailing "。", "！", "!" and spaces, ends in "か" or "かな": a
 * Japanese question without a mark. */
static bool japanese_question(const char *text, size_t len)
{
	if (uni_first_invalid(text, len) < len)
		return false;
	size_t end = len;
	while (end > 0) {
		size_t at = end;
		int32_t c = code_point_before(text, &at);
		if (c != 0x3002 && c != 0xFF01 && c != 0x21 && c != 0x20)
			break;
		end = at;
	}
	static const char ka[] = "\xE3\x81\x8B", kana[] = "\xE3\x81\x8B\xE3\x81\xAA";
	return (end >= 3 && memcmp(text + end - 3, ka, 3) == 0) ||
	       (end >= 6 && memcmp(text + end - 6, kana, 6) == 0);
}

/* ---- the questions -------------------------------------------------------------------- */

/* Is sentence si a question? Its mark (not a hashtag's), "か" in Japanese, or an auxiliary
 * verb then "you" or a group of readers: "does anyone have a contact at ...". */
static bool is_question(struct word_lists *v, size_t si)
{
	const struct token *s = &v->sentences[si];
	size_t n = api_own_count(v, si);
	if (n == 0)
		return false;
	const char *text = v->p->text;
	if (s->flags & TF_QUESTION) {
		size_t from = v->words[api_own_word(v, si, n - 1)].end;
		return from > s->end || !mark_is_a_tags(text + from, s->end - from);
	}
	if (v->substring)
		return japanese_question(text + s->start, s->end - s->start);
	if (n < 2 || !api_set_has(v, "question_aux", api_own_word(v, si, 0)))
		return false;
	size_t second = api_own_word(v, si, 1);
	return api_set_has(v, "second_person", second) || api_set_has(v, "reader_groups", second);
}

/* One of the own words 2 to 5 is a negation ("not", "...n't", "nicht", "kein", "no"). */
static bool has_negation(const struct word_lists *v, size_t si)
{
	size_t n = api_own_count(v, si);
	for (size_t k = 1; k < 5 && k < n; k++) {
		size_t len;
		const char *norm = api_word_norm(v, api_own_word(v, si, k), &len);
		if ((len == 3 && memcmp(norm, "not", 3) == 0) ||
		    (len >= 3 && memcmp(norm + len - 3, "n't", 3) == 0) ||
		    (len == 5 && memcmp(norm, "nicht", 5) == 0) ||
		    (len == 4 && memcmp(norm, "kein", 4) == 0) || (len == 2 && memcmp(norm, "no", 2) == 0))
			return true;
	}
	return false;
}

/* A link follows the sentence on its line, with only separators between. */
static bool link_follows(const struct word_lists *v, size_t si)
{
	const struct post *p = v->p;
	const struct token *links = p->tk->tokens[TOK_LINK].items;
	size_t nlinks = p->tk->tokens[TOK_LINK].len, end = v->sentences[si].end;
	size_t lo = 0, hi = nlinks; /* the first link starting after the sentence */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (links[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nlinks)
		return false;
	for (size_t k = end; k < links[lo].start; k++)
		if (p->text[k] == '\n' || cc_alnum((unsigned char)p->text[k]))
			return false;
	return true;
}

static bool is_headline(struct word_lists *v, size_t si, size_t k)
{
	size_t n = api_own_count(v, si);
	lua_State *L = v->L;
	lua_getfield(L, v->sets, "stopwords");
	bool title = n > 0 &&
		     api_title_case(L, lua_gettop(L), v->p, v->by_sentence + v->at[si], 0, n);
	lua_pop(L, 1);
	return title || (k == 0 && link_follows(v, si));
}

/* What post:invitation judged of one own sentence: its info table is made from this when
 * a.invitation.sentences is first read. The rules read a.invitation.genuine (and share's and
 * self's C read genuine_at and turns_to_reader): the info tables, nine fields each for every
 * sentence of every post, and the sentence tables they held, were 3% of a run's instructions
 * for nothing. */
enum judged {
	JUDGED_QUESTION = 1 << 0,
	JUDGED_REQUEST = 1 << 1,
	JUDGED_GENUINE = 1 << 2,
	JUDGED_ADDRESSED = 1 << 3,
	JUDGED_SHORT = 1 << 4,
	JUDGED_HOOK = 1 << 5,
	JUDGED_SELF_DIRECTED = 1 << 6,
};

struct judgment {
	uint32_t si;   /* the sentence (0-based) */
	uint32_t what; /* enum judged */
};

/* The judgments of a post's own sentences: a userdata whose user value is the post table
 * (for info.sentence), kept in the result under &judgments_key. */
struct judgments {
	size_t n;
	struct judgment items[];
};

#define JUDGMENTS_TYPE "postlint.invitation_judgments"
static char judgments_key, result_meta_key, judgments_meta_key;

/* Judges own sentence k (0-based), sentence si; next_si is the next own sentence or
 * SIZE_MAX. */
static uint32_t judge_sentence(struct word_lists *v, size_t k, size_t si, size_t next_si,
			       bool leading_mention, double sales_raw)
{
	bool q = is_question(v, si);
	bool request = sentence_has(v, "request_phrases", si);
	if (!q)
		return request ? JUDGED_REQUEST | JUDGED_GENUINE : 0;
	/* (info.request says whether a request phrase is there; a question word of the list
	 * question_requests makes the question a request too, below, for judging it only) */
	uint32_t what = JUDGED_QUESTION | (request ? JUDGED_REQUEST : 0);
	size_t n = api_own_count(v, si);
	bool addressed = sentence_has(v, "second_person", si) ||
			 sentence_has(v, "reader_groups", si) || (leading_mention && k < 2);
	for (size_t j = 0; j < n && !request; j++)
		request = api_set_has(v, "question_requests", api_own_word(v, si, j));
	bool advice = sentence_has(v, "advice", si);
	const struct token *s = &v->sentences[si];
	bool has_q, has_x;
	ending_marks(v->p->text + s->start, s->end - s->start, &has_q, &has_x);
	bool exclaimed = has_q && has_x;
	bool is_short = n <= 2;
	bool self_directed = starts_with_list(v, "self_questions", si, 1) && !advice;
	bool rhetorical = sentence_has(v, "rhetorical", si) ||
			  (n > 0 && api_set_has(v, "rhetorical_wh", api_own_word(v, si, 0)) &&
			   has_negation(v, si) && !advice);
	bool hook = sales_raw >= 2 && starts_with_list(v, "hook_starters", si, 3);
	bool headline = !addressed && !request && !advice && is_headline(v, si, k);
	bool answered = false;
	if (next_si != SIZE_MAX && !addressed && !request && !advice)
		answered = !is_question(v, next_si);
	if (next_si != SIZE_MAX && starts_with_list(v, "answer_starters", next_si, 1))
		answered = true;
	bool genuine = (request && !hook && !exclaimed) ||
		       !(exclaimed || is_short || self_directed || rhetorical || hook || headline ||
			 answered);
	return what | (genuine ? JUDGED_GENUINE : 0) | (addressed ? JUDGED_ADDRESSED : 0) |
	       (is_short ? JUDGED_SHORT : 0) | (hook ? JUDGED_HOOK : 0) |
	       (self_directed ? JUDGED_SELF_DIRECTED : 0);
}

/* A sentence that turns to the reader (post:self): a genuine invitation, or a question that
 * is not self-directed and not short unless a hook. */
static bool turns_to_reader(uint32_t what)
{
	return (what & JUDGED_GENUINE) ||
	       ((what & JUDGED_QUESTION) && !(what & JUDGED_SELF_DIRECTED) &&
		(!(what & JUDGED_SHORT) || (what & JUDGED_HOOK)));
}

static void set_bool(lua_State *L, const char *field, bool value)
{
	lua_pushboolean(L, value);
	lua_setfield(L, -2, field);
}

/* An own sentence's info: { sentence, index, question, request, genuine } and, for a
 * question, addressed, short, hook and self_directed too (pushed). sentences is the stack
 * slot of post.sentences. */
static void push_info(lua_State *L, int sentences, const struct judgment *j)
{
	bool q = j->what & JUDGED_QUESTION;
	lua_createtable(L, 0, q ? 9 : 5);
	lua_geti(L, sentences, (lua_Integer)j->si + 1);
	lua_setfield(L, -2, "sentence");
	lua_pushinteger(L, (lua_Integer)j->si + 1);
	lua_setfield(L, -2, "index");
	set_bool(L, "question", q);
	set_bool(L, "request", j->what & JUDGED_REQUEST);
	if (q) {
		set_bool(L, "addressed", j->what & JUDGED_ADDRESSED);
		set_bool(L, "short", j->what & JUDGED_SHORT);
		set_bool(L, "hook", j->what & JUDGED_HOOK);
		set_bool(L, "self_directed", j->what & JUDGED_SELF_DIRECTED);
	}
	set_bool(L, "genuine", j->what & JUDGED_GENUINE);
}

/* __index of post:invitation's result: .sentences, made from the judgments when first read
 * and kept in the result (the next reads are plain); any other key is nil. */
static int result_index(lua_State *L)
{
	if (!lua_istable(L, 1) || lua_type(L, 2) != LUA_TSTRING ||
	    strcmp(lua_tostring(L, 2), "sentences") != 0)
		return 0;
	lua_rawgetp(L, 1, &judgments_key);
	const struct judgments *j = luaL_testudata(L, -1, JUDGMENTS_TYPE);
	if (!j)
		return 0; /* (a rule took it out: nothing to make them from) */
	int judged = lua_gettop(L);
	lua_getiuservalue(L, judged, 1);
	lua_getfield(L, -1, "sentences"); /* the post's: refused once its run is over */
	int sentences = lua_gettop(L);
	luaL_checkstack(L, 8, "post:invitation");
	lua_createtable(L, (int)j->n, 0);
	for (size_t k = 0; k < j->n; k++) {
		push_info(L, sentences, &j->items[k]);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_pushliteral(L, "sentences");
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

/* Pushes the result's metatable, then the judgments' (made once per state). */
static void push_metas(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &result_meta_key) == LUA_TTABLE) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &judgments_meta_key);
		return;
	}
	lua_pop(L, 1);
	/* both shared by every result of the state: a rule may not read, change or take them
	 * (getmetatable answers the __metatable string; setmetatable refuses) */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, result_index);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "invitation");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &result_meta_key);
	luaL_newmetatable(L, JUDGMENTS_TYPE); /* (by name too: for luaL_testudata) */
	lua_pushliteral(L, "invitation judgments");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &judgments_meta_key);
}

int api_post_invitation(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "invitation");
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer rt_first = lua_toboolean(L, 3) ? luaL_checkinteger(L, 3) : 0;
	bool all_quoted = lua_toboolean(L, 4);
	double sales_raw = luaL_checknumber(L, 5);
	lua_settop(L, 5);
	struct word_lists v;
	api_lists_open(L, &v, view->post, 2, rt_first, all_quoted);
	size_t nsentences = v.nsentences, own = 0;
	for (size_t si = 0; si < nsentences; si++)
		own += api_own_count(&v, si) > 0;
	push_metas(L);
	int metas = lua_gettop(L); /* the result's at metas - 1 */
	struct judgments *judged =
		lua_newuserdatauv(L, sizeof(*judged) + own * sizeof(judged->items[0]), 1);
	judged->n = 0;
	lua_pushvalue(L, metas);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	int judged_at = lua_gettop(L);
	lua_createtable(L, 0, 0);
	int genuine_at = lua_gettop(L);
	const struct post *p = v.p;
	const struct token *mentions = p->tk->tokens[TOK_MENTION].items;
	bool leading_mention = p->tk->tokens[TOK_MENTION].len > 0 &&
			       mentions[0].start == p->body_start;
	bool genuine = false, turns = false, asks = false;
	size_t si = 0;
	while (si < nsentences && api_own_count(&v, si) == 0)
		si++;
	while (si < nsentences) {
		size_t next = si + 1;
		while (next < nsentences && api_own_count(&v, next) == 0)
			next++;
		size_t next_si = next < nsentences ? next : SIZE_MAX;
		uint32_t what = judge_sentence(&v, judged->n, si, next_si, leading_mention,
					       sales_raw);
		judged->items[judged->n++] = (struct judgment){ (uint32_t)si, what };
		if (what & JUDGED_GENUINE) {
			genuine = true;
			lua_pushboolean(L, 1);
			lua_rawseti(L, genuine_at, (lua_Integer)si + 1);
		}
		turns = turns || turns_to_reader(what);
		asks = asks || (what & (JUDGED_QUESTION | JUDGED_GENUINE));
		si = next;
	}
	lua_createtable(L, 0, 5);
	lua_pushboolean(L, genuine);
	lua_setfield(L, -2, "genuine");
	lua_pushvalue(L, genuine_at);
	lua_setfield(L, -2, "genuine_at");
	lua_pushboolean(L, turns);
	lua_setfield(L, -2, "turns_to_reader");
	lua_pushboolean(L, asks);
	lua_setfield(L, -2, "asks");
	lua_pushvalue(L, judged_at);
	lua_rawsetp(L, -2, &judgments_key);
	lua_pushvalue(L, metas - 1);
	lua_setmetatable(L, -2);
	return 1;
}
