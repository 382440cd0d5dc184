/* post:quote(a): is the post a quotation and nothing of the poster's own - the golden rules'
 * a.quote (rules/lib/analysis.lua, no-bare-quote, quote-streak). In Lua this walked every
 * sentence of every post with quotation marks, and every word for the attributions.
 *
 *   a.quote = post:quote(a)
 *   -> { quoted = false } or { quoted = true, token, tagged, remaining = { word, ... } }
 *
 * Reads of the analysis a (raw): a.W (the word lists, see api_lists.h), a.rt_first,
 * a.all_quoted and a.quote_tagged (a quotation hashtag or framing, see find_quotes).
 *
 * A post is quoted when it has a quotation (post.quotes; not a quote-tweet, "@user: ...") or
 * is tagged as one. token is the longest quotation (the first of those as long), tagged the
 * tag. remaining holds the first (up to four) words of the poster's own (post.words' tables)
 * once these are taken out: framing and interjections; around retweeted text, "RT", "MT"
 * and interjections; an attribution - the sentence after a dash that follows a quotation
 * closely (only decoration between), of seven words or fewer outside quotation marks, none
 * "I" or "you"; a name and a colon right before a quotation ("Kawasaki: ...", four words or
 * fewer on its line); link text; words inside quotation marks. Then what is left is no
 * comment either when the post is tagged as a quotation and three words or fewer, none "I"
 * or "you", remain, or two or fewer remain that are all names (a capital, no stopword). A
 * post that is all quotation has none. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/api_lists.h"
#include "lua/char_class.h"
#include "lua/host.h"
#include "token.h"
#include "unicode.h"

struct quote_run {
	struct word_lists v;
	const struct token *quotes;
	size_t nquotes;
	bool *removed; /* per word */
	int person;    /* stack slots of W.sets.first_person, then second_person */
};

/* Whether word i lies within quotation marks: the latest starting quotation holding its
 * start holds its end too. */
static bool inside(const struct quote_run *q, size_t i)
{
	const struct token *w = &q->v.words[i];
	for (size_t k = q->nquotes; k-- > 0;)
		if (q->quotes[k].start <= w->start && w->start < q->quotes[k].end)
			return w->end <= q->quotes[k].end;
	return false;
}

static bool is_dash(int32_t c)
{
	return c == 0x2D || c == 0x2014 || c == 0x2013 || c == 0x2015 || c == 0x7E;
}

static void count_word(void *ud, size_t a, size_t b)
{
	(void)a, (void)b;
	++*(size_t *)ud;
}

/* How many bytes of s[0..n) are decoration - spaces, emoji, symbols; not dashes, letters or
 * digits ("🎶 — The Beatles") - within its first 64 bytes. None when invalid UTF-8 comes
 * before the end of it (utf8.codes raised there). */
static size_t decoration(const char *s, size_t n)
{
	size_t skip = 0;
	for (size_t pos = 0; pos < n;) {
		int32_t c;
		int len = uni_decode(s + pos, n - pos, &c);
		if (len < 0)
			return 0;
		if (pos + 1 > 64 || is_dash(c) ||
		    (c < 0x80 && (cc_alnum((unsigned char)c) || c == '@' || c == '#')))
			return skip;
		if (c >= 0x80) { /* a letter of another script: a word, as lint.words reads one */
			size_t words = 0;
			token_split(s + pos, 0, (size_t)len, NULL, count_word, &words);
			if (words > 0)
				return skip;
		}
		pos += (size_t)len;
		skip = pos;
	}
	return skip;
}

/* Whether s[0..n), past its decoration, starts with a dash ("-", "~", "—", "–", "―"). */
static bool dash_after_decoration(const char *s, size_t n)
{
	size_t k = decoration(s, n);
	s += k;
	n -= k;
	if (n > 0 && (s[0] == '-' || s[0] == '~'))
		return true;
	return n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	       ((unsigned char)s[2] == 0x94 || (unsigned char)s[2] == 0x93 ||
		(unsigned char)s[2] == 0x95);
}

/* An attribution after a dash that follows a quotation closely: its words go. */
static void remove_attributions(struct quote_run *q)
{
	struct word_lists *v = &q->v;
	const char *text = v->p->text;
	for (size_t si = 0; si < v->nsentences; si++) {
		const struct token *s = &v->sentences[si];
		size_t top = 0, maxend = 0; /* the quotations starting before the sentence's end */
		while (top < q->nquotes && q->quotes[top].start < s->end) {
			if (q->quotes[top].end > maxend)
				maxend = q->quotes[top].end;
			top++;
		}
		if (top == 0 || maxend + 24 < s->start + 1)
			continue; /* none ends within 24 bytes of its start or later: most sentences */
		bool dash = false, after_quote = false;
		for (size_t k = top; k-- > 0 && top - k <= 4;) { /* the last four of them */
			const struct token *t = &q->quotes[k];
			if (t->end <= s->start && s->start + 1 - t->end <= 24) {
				bool word = false; /* only decoration between */
				for (size_t i = t->end; i < s->start && !word; i++)
					word = cc_alnum((unsigned char)text[i]);
				after_quote = after_quote || !word;
			}
			/* the dash can also sit inside the quote's own sentence: '"..." - Name' */
			if (t->end > s->start && t->end < s->end &&
			    dash_after_decoration(text + t->end, s->end - t->end))
				dash = after_quote = true;
		}
		/* the sentence's own lead dash matters only after a quotation */
		if (after_quote && !dash)
			dash = dash_after_decoration(text + s->start, s->end - s->start);
		if (!dash || !after_quote)
			continue;
		size_t outside = 0;
		bool person = false;
		for (size_t i = s->first_word; i < s->first_word + s->nwords; i++) {
			if (!inside(q, i)) {
				outside++;
				person = person || api_is_person(&q->v, q->person, i);
			}
		}
		if (outside <= 7 && !person)
			for (size_t i = s->first_word; i < s->first_word + s->nwords; i++)
				if (!inside(q, i))
					q->removed[i] = true;
	}
}

/* "Kawasaki: "..."" - a name and a colon right before a quotation. */
static void remove_names_before_quotes(struct quote_run *q)
{
	struct word_lists *v = &q->v;
	const char *text = v->p->text;
	size_t body = v->p->body_start;
	for (size_t k = 0; k < q->nquotes; k++) {
		size_t end = q->quotes[k].start;
		size_t from = end >= 200 && end - 200 > body ? end - 200 : body;
		if (from >= end)
			continue;
		size_t line = end; /* after the last line break before the quotation */
		while (line > from && text[line - 1] != '\n')
			line--;
		size_t tail = end; /* ":" then spaces at the end of the line */
		while (tail > line && cc_space((unsigned char)text[tail - 1]))
			tail--;
		if (tail == line || text[tail - 1] != ':')
			continue;
		unsigned runs = 0; /* of [^%s:] */
		bool in_run = false;
		for (size_t i = line; i < end; i++) {
			bool part = !cc_space((unsigned char)text[i]) && text[i] != ':';
			runs += part && !in_run;
			in_run = part;
		}
		if (runs > 4)
			continue;
		for (size_t i = 0; i < v->nwords; i++)
			if (v->words[i].end <= end && v->words[i].start >= line)
				q->removed[i] = true;
	}
}

int api_post_quote(lua_State *L)
{
	const struct post_view *view = api_whole_post_view(L, "quote");
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	const int a = 2;
	api_raw_field(L, a, "all_quoted");
	bool all_quoted = lua_toboolean(L, -1);
	api_raw_field(L, a, "quote_tagged");
	bool tagged = lua_toboolean(L, -1);
	lua_pop(L, 2);
	struct quote_run q = { 0 };
	struct post *p = view->post;
	post_tokens(p);
	q.quotes = p->tk->tokens[TOK_QUOTE].items;
	q.nquotes = p->tk->tokens[TOK_QUOTE].len;
	size_t longest = SIZE_MAX;
	for (size_t k = 0; k < q.nquotes; k++) {
		const struct token *t = &q.quotes[k];
		size_t len = t->inner_end - t->inner_start;
		bool quote_tweet = len > 0 && p->text[t->inner_start] == '@';
		if (!quote_tweet && (longest == SIZE_MAX ||
				     len > q.quotes[longest].inner_end - q.quotes[longest].inner_start))
			longest = k;
	}
	lua_createtable(L, 0, 4); /* the answer */
	int answer = lua_gettop(L);
	lua_pushboolean(L, longest != SIZE_MAX || tagged);
	lua_setfield(L, answer, "quoted");
	if (longest == SIZE_MAX && !tagged)
		return 1;
	if (longest != SIZE_MAX) {
		lua_getfield(L, 1, "quotes");
		lua_geti(L, -1, (lua_Integer)longest + 1);
		lua_setfield(L, answer, "token");
		lua_pop(L, 1);
	}
	lua_pushboolean(L, tagged);
	lua_setfield(L, answer, "tagged");
	lua_createtable(L, 4, 0);
	int remaining = lua_gettop(L);
	if (all_quoted) {
		lua_setfield(L, answer, "remaining");
		return 1;
	}
	api_lists_open_analysis(L, &q.v, p, a); /* (not all quoted, here) */
	struct word_lists *v = &q.v;
	q.removed = lua_newuserdatauv(L, v->nwords ? v->nwords : 1, 0);
	memset(q.removed, 0, v->nwords ? v->nwords : 1);
	q.person = api_person_open(v);
	struct word_marks marks = { v, q.removed };
	api_list_each(v, "framing", 0, p->len, OWN_ONLY, api_mark_match_words, &marks);
	api_list_each(v, "interjections", 0, p->len, OWN_ONLY, api_mark_match_words, &marks);
	if (v->rt_start != SIZE_MAX) { /* "RT", "MT" and interjections around retweeted text */
		int interjections = api_set_open(v, "interjections");
		for (size_t i = 0; i < v->nwords; i++) {
			size_t len;
			const char *norm = api_word_norm(v, i, &len);
			if (v->words[i].start >= v->rt_start &&
			    ((len == 2 && (memcmp(norm, "rt", 2) == 0 || memcmp(norm, "mt", 2) == 0)) ||
			     api_in_set(v, interjections, i)))
				q.removed[i] = true;
		}
		lua_pop(L, 1);
	}
	remove_attributions(&q);
	remove_names_before_quotes(&q);
	/* the first four words left: four or more are never all taken as an attribution */
	size_t left[4], nleft = 0;
	for (size_t i = 0; i < v->nwords && nleft < 4; i++)
		if (!q.removed[i] && !(v->words[i].flags & TF_LINK) && !inside(&q, i))
			left[nleft++] = i;
	bool person = false;
	for (size_t k = 0; k < nleft && !person; k++)
		person = api_is_person(v, q.person, left[k]);
	if (tagged && nleft <= 3 && !person)
		nleft = 0; /* a short trailing name in a post tagged as a quotation */
	if (nleft <= 2) { /* a lone name left over at the end ("... #SXSW Lavelle") */
		int stopwords = api_set_open(v, "stopwords");
		bool all_names = true;
		for (size_t k = 0; k < nleft && all_names; k++) {
			const struct token *w = &v->words[left[k]];
			all_names = api_word_capital(p->text + w->start, w->end - w->start) &&
				    !api_in_set(v, stopwords, left[k]);
		}
		lua_pop(L, 1);
		if (all_names)
			nleft = 0;
	}
	lua_getfield(L, 1, "words");
	for (size_t k = 0; k < nleft; k++) {
		lua_geti(L, -1, (lua_Integer)left[k] + 1);
		lua_rawseti(L, remaining, (lua_Integer)k + 1);
	}
	lua_pushvalue(L, remaining);
	lua_setfield(L, answer, "remaining");
	lua_pushvalue(L, answer);
	return 1;
}
