/* How hard a post pushes a sale - the golden rules' a.sales (rules/lib/analysis.lua,
 * no-sales-push, promo-ratio) - and the prices and percentages it names.
 *
 *   local score, categories, digits = post:sales(a, DISCLOSURE_TAGS)
 *   local signs = post:sales_signs("percent" | "price" | "price_words")
 *
 * post:sales reads the analysis a (raw): a.W (the word lists, see api_lists.h), a.rt_first
 * and a.all_quoted. Outside quotations (own or retweeted text) of the body it looks for the
 * categories of a sale: the lists cta (a call to action: "buy", "order", "shop" ... count only
 * as a sentence's first word, list imperative_only), giveaway, offer, urgency, launch and
 * entry; a percentage off (offer) and a price (price); a disclosure hashtag (#ad, #sponsored
 * ...: its tag, folded, in the set disclosure_tags). Weights: cta and giveaway 2, the others
 * 1; with any, ownership (list ownership: "our shop") and a link outside quotations add 1
 * each; then a score above 0 loses 2 for each of the lists non_commercial (a charity, free
 * software) and customer (a customer's voice).
 * Returns the score, the set of categories found (name -> true) and whether the body has a
 * digit.
 *
 * post:sales_signs(kind) lists the body's prices ("price"; "price_words": those of words
 * alone - "/mo", "/month", "per month" - for a body without a digit) or percentages off
 * ("percent", read on the lower-cased body) as { first, last, text }, pattern by pattern in
 * the order below, each in text order: the Lua patterns they were, matched by hand (each is
 * deterministic: no repetition can give back what the next part needs).
 *   "/mo%f[%W]", "/month", "per month"
 *   S .. "%s?%d[%d,%.]*" and "%f[%d]%d[%d,%.]*%s?" .. S for each currency sign S of $ € £ ¥
 *   円 EUR USD
 *   "%f[%d]%d+%s?" .. T for each T of "%%%s?off", "%%%s?rabatt", "%%%s?de descuento",
 *   "%%%s?dto", "%%%s?discount", "%%%s?オフ", "％%s?オフ" */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "lua/host.h"
#include "util/memfind.h"

/* The body being searched: s[0..n), its offset in the post. */
struct subject {
	const char *s;
	size_t n, offset;
};

static bool has_at(const struct subject *b, size_t i, const char *lit, size_t len)
{
	return i + len <= b->n && memcmp(b->s + i, lit, len) == 0;
}

/* %f[%d]: the byte before i (none at the start) is no digit, the one at i is. */
static bool digit_frontier(const struct subject *b, size_t i)
{
	return i < b->n && cc_digit((unsigned char)b->s[i]) &&
	       (i == 0 || !cc_digit((unsigned char)b->s[i - 1]));
}

/* The end of a run of [%d,%.] from i. */
static size_t number_end(const struct subject *b, size_t i)
{
	while (i < b->n && (cc_digit((unsigned char)b->s[i]) || b->s[i] == ',' || b->s[i] == '.'))
		i++;
	return i;
}

/* "%s?" then lit at i: the end, or 0 for none (lit is never empty). */
static size_t space_then(const struct subject *b, size_t i, const char *lit, size_t len)
{
	if (i < b->n && cc_space((unsigned char)b->s[i]) && has_at(b, i + 1, lit, len))
		return i + 1 + len;
	return has_at(b, i, lit, len) ? i + len : 0;
}

enum pattern_kind { LITERAL, MONTH_ABBREVIATION, SIGN_FIRST, SIGN_LAST, PERCENT };

struct pattern {
	enum pattern_kind kind;
	const char *lit; /* the literal, sign, or percent sign */
	const char *tail; /* PERCENT: the word after the sign */
};

/* The end of the pattern's match starting at i, or 0 for none. */
static size_t match_at(const struct subject *b, const struct pattern *pat, size_t i)
{
	size_t len = strlen(pat->lit), end;
	switch (pat->kind) {
	case LITERAL:
		return has_at(b, i, pat->lit, len) ? i + len : 0;
	case MONTH_ABBREVIATION: /* "/mo%f[%W]": not followed by a letter or digit */
		return has_at(b, i, pat->lit, len) &&
		       (i + len == b->n || !cc_alnum((unsigned char)b->s[i + len])) ? i + len : 0;
	case SIGN_FIRST:
		if (!has_at(b, i, pat->lit, len))
			return 0;
		end = i + len;
		if (end < b->n && cc_space((unsigned char)b->s[end]) && end + 1 < b->n &&
		    cc_digit((unsigned char)b->s[end + 1]))
			end++;
		return end < b->n && cc_digit((unsigned char)b->s[end]) ? number_end(b, end) : 0;
	case SIGN_LAST:
		if (!digit_frontier(b, i))
			return 0;
		return space_then(b, number_end(b, i), pat->lit, len);
	case PERCENT:
		if (!digit_frontier(b, i))
			return 0;
		end = i;
		while (end < b->n && cc_digit((unsigned char)b->s[end]))
			end++;
		end = space_then(b, end, pat->lit, len);
		return end ? space_then(b, end, pat->tail, strlen(pat->tail)) : 0;
	}
	return 0;
}

static const struct pattern price_patterns[] = {
	{ MONTH_ABBREVIATION, "/mo", NULL }, { LITERAL, "/month", NULL },
	{ LITERAL, "per month", NULL },
	{ SIGN_FIRST, "$", NULL }, { SIGN_LAST, "$", NULL },
	{ SIGN_FIRST, "\xE2\x82\xAC", NULL }, { SIGN_LAST, "\xE2\x82\xAC", NULL },
	{ SIGN_FIRST, "\xC2\xA3", NULL }, { SIGN_LAST, "\xC2\xA3", NULL },
	{ SIGN_FIRST, "\xC2\xA5", NULL }, { SIGN_LAST, "\xC2\xA5", NULL },
	{ SIGN_FIRST, "\xE5\x86\x86", NULL }, { SIGN_LAST, "\xE5\x86\x86", NULL },
	{ SIGN_FIRST, "EUR", NULL }, { SIGN_LAST, "EUR", NULL },
	{ SIGN_FIRST, "USD", NULL }, { SIGN_LAST, "USD", NULL },
};
#define PRICE_WORDS 3 /* the patterns of words alone: the others need a digit */

static const struct pattern percent_patterns[] = {
	{ PERCENT, "%", "off" }, { PERCENT, "%", "rabatt" }, { PERCENT, "%", "de descuento" },
	{ PERCENT, "%", "dto" }, { PERCENT, "%", "discount" },
	{ PERCENT, "%", "\xE3\x82\xAA\xE3\x83\x95" },
	{ PERCENT, "\xEF\xBC\x85", "\xE3\x82\xAA\xE3\x83\x95" },
};

typedef bool (*sign_fn)(void *ud, size_t start, size_t end);

/* Whether the body holds lit. */
static bool contains(const struct subject *b, const char *lit)
{
	return mem_find(b->s, b->n, lit, strlen(lit)) != NULL;
}

/* Calls fn(ud, start, end) (offsets in the post) for each match of the patterns, pattern by
 * pattern, each search going on after its last match, as string.find in a loop did. True
 * when fn stopped it. */
static bool each_sign(lua_State *L, const struct subject *b, const struct pattern *pats,
		      size_t npats, sign_fn fn, void *ud)
{
	for (size_t k = 0; k < npats; k++) {
		/* every match holds the literal: most bodies have no price or percentage, and one
		 * search says so */
		if (!contains(b, pats[k].lit))
			continue;
		bool from_digit = pats[k].kind == SIGN_LAST || pats[k].kind == PERCENT;
		host_charge(L, (long long)b->n / 16 + 1);
		for (size_t i = 0; i < b->n;) {
			if (from_digit) { /* to the next run of digits */
				while (i < b->n && !digit_frontier(b, i))
					i++;
				if (i == b->n)
					break;
			} else { /* to the next byte that starts the literal */
				const char *at = memchr(b->s + i, pats[k].lit[0], b->n - i);
				if (!at)
					break;
				i = (size_t)(at - b->s);
			}
			size_t end = match_at(b, &pats[k], i);
			if (!end) {
				i++;
				continue;
			}
			if (fn(ud, b->offset + i, b->offset + end))
				return true;
			i = end > i ? end : i + 1;
		}
	}
	return false;
}

/* The body, lower-cased (ASCII, as string.lower in the C locale) in a userdata pushed on the
 * stack when lower. */
static struct subject body_of(lua_State *L, const struct post *p, bool lower)
{
	struct subject b = { p->text + p->body_start, p->body_end - p->body_start, p->body_start };
	if (lower) {
		char *copy = lua_newuserdatauv(L, b.n ? b.n : 1, 0);
		for (size_t i = 0; i < b.n; i++) {
			char c = b.s[i];
			copy[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		b.s = copy;
	}
	return b;
}

struct sign_list {
	lua_State *L;
	const struct post *p;
	lua_Integer n;
};

static bool push_sign(void *ud, size_t start, size_t end)
{
	struct sign_list *list = ud;
	lua_State *L = list->L;
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, (lua_Integer)start + 1);
	lua_setfield(L, -2, "first");
	lua_pushinteger(L, (lua_Integer)end);
	lua_setfield(L, -2, "last");
	lua_pushlstring(L, list->p->text + start, end - start);
	lua_setfield(L, -2, "text");
	lua_rawseti(L, -2, ++list->n);
	return false;
}

int api_post_sales_signs(lua_State *L)
{
	static const char *const kinds[] = { "percent", "price", "price_words", NULL };
	const struct post_view *view = api_whole_post_view(L, "sales_signs");
	int kind = luaL_checkoption(L, 2, NULL, kinds);
	lua_settop(L, 2);
	struct post *p = view->post;
	post_tokens(p);
	struct subject b = body_of(L, p, kind == 0);
	lua_createtable(L, 0, 0);
	struct sign_list list = { L, p, 0 };
	if (kind == 0)
		each_sign(L, &b, percent_patterns,
			  sizeof(percent_patterns) / sizeof(*percent_patterns), push_sign, &list);
	else
		each_sign(L, &b, price_patterns,
			  kind == 1 ? sizeof(price_patterns) / sizeof(*price_patterns) : PRICE_WORDS,
			  push_sign, &list);
	return 1;
}

/* ---- the score ------------------------------------------------------------------------ */

static bool outside_quotes(void *ud, size_t start, size_t end)
{
	(void)end;
	return !api_quoted_at(ud, start); /* (stops at the first) */
}

struct cta_check {
	struct word_lists *v;
	int imperative_only; /* stack slot of W.sets.imperative_only */
};

/* A call to action counts unless it is one of the imperative-only words ("buy", "order")
 * and not its sentence's first word; stops the walk at one that counts. */
static bool cta_counts(void *ud, const struct list_match *m)
{
	struct cta_check *c = ud;
	struct word_lists *v = c->v;
	lua_State *L = v->L;
	if (m->nwords == 0 || !lua_istable(L, c->imperative_only))
		return true; /* (a substring match has no word) */
	api_push_folded(L, m->phrase, m->phrase_len);
	bool imperative = lua_gettable(L, c->imperative_only) != LUA_TNIL && lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (!imperative)
		return true;
	uint32_t si = v->words[m->word].sentence;
	return si != UINT32_MAX && si < v->nsentences && v->sentences[si].first_word == m->word;
}

/* A hashtag outside quotations discloses a paid post: its tag, folded as lint.fold does, is
 * in the set at index tags_set. */
static bool discloses(struct word_lists *v, int tags_set)
{
	lua_State *L = v->L;
	const struct post *p = v->p;
	const struct token *tags = p->tk->tokens[TOK_HASHTAG].items;
	for (size_t k = 0; k < p->tk->tokens[TOK_HASHTAG].len; k++) {
		if (api_quoted_at(v, tags[k].start))
			continue;
		api_push_folded(L, p->text + tags[k].inner_start, tags[k].inner_end - tags[k].inner_start);
		bool found = lua_gettable(L, tags_set) != LUA_TNIL && lua_toboolean(L, -1);
		lua_pop(L, 1);
		if (found)
			return true;
	}
	return false;
}

static void set_category(lua_State *L, int categories, const char *name)
{
	lua_pushboolean(L, 1);
	lua_setfield(L, categories, name);
}

int api_post_sales(lua_State *L)
{
	static const struct {
		const char *name;
		int weight;
	} lists[] = { { "cta", 2 }, { "giveaway", 2 }, { "offer", 1 }, { "urgency", 1 },
		      { "launch", 1 }, { "entry", 1 } };
	const struct post_view *view = api_whole_post_view(L, "sales");
	luaL_checktype(L, 2, LUA_TTABLE);
	luaL_checktype(L, 3, LUA_TTABLE);
	lua_settop(L, 3);
	struct word_lists v;
	api_lists_open_analysis(L, &v, view->post, 2);
	const struct post *p = v.p;
	size_t first = p->body_start, end = p->body_end;
	lua_createtable(L, 0, 4);
	int categories = lua_gettop(L);
	int score = 0, found = 0;
	struct cta_check cta = { &v, api_set_open(&v, "imperative_only") };
	for (size_t k = 0; k < sizeof(lists) / sizeof(*lists); k++) {
		bool any = k == 0 ? api_list_each(&v, "cta", first, end, NOT_QUOTED, cta_counts, &cta)
				  : api_list_any(&v, lists[k].name, first, end, NOT_QUOTED);
		if (any) {
			set_category(L, categories, lists[k].name);
			score += lists[k].weight;
			found++;
		}
	}
	bool digits = false;
	for (size_t i = first; i < end && !digits; i++)
		digits = cc_digit((unsigned char)p->text[i]);
	if (digits) {
		struct subject lower = body_of(L, p, true);
		bool percent = each_sign(L, &lower, percent_patterns,
					 sizeof(percent_patterns) / sizeof(*percent_patterns),
					 outside_quotes, &v);
		lua_pop(L, 1);
		if (percent) {
			lua_getfield(L, categories, "offer");
			if (lua_isnil(L, -1)) {
				score += 1;
				found++;
			}
			lua_pop(L, 1);
			set_category(L, categories, "offer");
		}
	}
	struct subject body = body_of(L, p, false);
	if (each_sign(L, &body, price_patterns,
		      digits ? sizeof(price_patterns) / sizeof(*price_patterns) : PRICE_WORDS,
		      outside_quotes, &v)) {
		set_category(L, categories, "price");
		score += 1;
		found++;
	}
	if (discloses(&v, 3)) {
		set_category(L, categories, "disclosure");
		score += 1;
		found++;
	}
	if (found > 0) {
		if (api_list_any(&v, "ownership", first, end, NOT_QUOTED)) {
			set_category(L, categories, "ownership");
			score += 1;
		}
		const struct token *links = p->tk->tokens[TOK_LINK].items;
		for (size_t k = 0; k < p->tk->tokens[TOK_LINK].len; k++) {
			if (!api_quoted_at(&v, links[k].start)) {
				set_category(L, categories, "link");
				score += 1;
				break;
			}
		}
	}
	static const char *const discounts[] = { "non_commercial", "customer" };
	for (size_t k = 0; k < 2; k++) {
		if (score > 0 && api_list_any(&v, discounts[k], first, end, NOT_QUOTED)) {
			set_category(L, categories, discounts[k]);
			score -= 2;
		}
	}
	lua_pushinteger(L, score);
	lua_pushvalue(L, categories);
	lua_pushboolean(L, digits);
	return 3;
}
