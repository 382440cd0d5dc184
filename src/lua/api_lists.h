/* What the golden rules' analyses written in C (api_invitation.c, api_share.c) ask of a post:
 * its own words, the single-word sets and where a word list matches - read from the post's
 * tokens and the lists of rules/lib/words.lua, as rules/lib/analysis.lua asked them in Lua.
 *
 * The own words are those the poster wrote around quoted and retweeted text, as
 * post:words_outside(post.quotes, before) finds them: not link text, not starting inside a
 * quotation (post.quotes), starting before the retweeted text - none when the whole post is
 * a quotation. */
#ifndef POSTLINT_API_LISTS_H
#define POSTLINT_API_LISTS_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "post.h"

struct word_lists {
	lua_State *L;
	struct post *p;
	const struct token *words, *sentences;
	size_t nwords, nsentences;
	int phrases, sets, data; /* stack slots of W.phrases, W.sets and W.data */
	int norms;               /* stack slot of post.norms if made (the norms, interned), or nil */
	bool substring;          /* W.substring: the lists are searched as substrings */
	bool all_quoted;         /* the whole post is a quotation */
	size_t rt_start;         /* where the retweeted text starts (0-based), SIZE_MAX: none */
	size_t *own, nown;       /* the own words (indices into the words), in text order */
	size_t *by_sentence, *at; /* sentence si's own words: by_sentence[at[si] .. at[si + 1]) */
};

/* Which matches a question accepts: those starting in the poster's own text, outside
 * quotations (own or retweeted text), or anywhere. */
enum region_want { OWN_ONLY, NOT_QUOTED, ANYWHERE };

/* Reads W (a table at stack index w) for the post at stack index 1 (p) and finds its own
 * words (kept with the post's tokens for the next analysis); rt_first is the retweeted
 * text's offset (1-based; 0 for none). Pushes four slots (W.phrases, W.sets, W.data, and
 * post.norms or nil), which must stay while v is used. */
void api_lists_open(lua_State *L, struct word_lists *v, struct post *p, int w,
		    lua_Integer rt_first, bool all_quoted);
/* api_lists_open for the analysis table at stack index a (the golden rules' a): reads its
 * word lists, retweeted text and whole quotation raw (a.W, a.rt_first, a.all_quoted: its
 * metatable makes parts when asked for a missing key), and pushes a.W before the four
 * slots. */
void api_lists_open_analysis(lua_State *L, struct word_lists *v, struct post *p, int a);

/* Pushes t[field], raw. */
void api_raw_field(lua_State *L, int t, const char *field);

/* api_lists_open without the own words (v->own and the others are left unset): for finding
 * where the retweeted text starts and whether all is a quotation, which the own words
 * depend on. */
void api_lists_read(lua_State *L, struct word_lists *v, struct post *p, int w,
		    lua_Integer rt_first, bool all_quoted);
/* The own words alone: no word lists (v's slots are 0), nothing pushed. */
void api_own_words(lua_State *L, struct word_lists *v, struct post *p, lua_Integer rt_first,
		   bool all_quoted);

static inline size_t api_own_count(const struct word_lists *v, size_t si)
{
	return v->at[si + 1] - v->at[si];
}

/* Own word k (0-based) of sentence si. */
static inline size_t api_own_word(const struct word_lists *v, size_t si, size_t k)
{
	return v->by_sentence[v->at[si] + k];
}

/* Whether text at offset is the poster's own (not quoted, not retweeted). */
bool api_own_text_at(const struct word_lists *v, size_t offset);
/* Whether text at offset lies in a quotation (or the whole post is one). */
bool api_quoted_at(const struct word_lists *v, size_t offset);

const char *api_word_norm(const struct word_lists *v, size_t word, size_t *len);

/* W.sets[set][the norm of word] (metamethods included: the set is made on first use). */
bool api_set_has(struct word_lists *v, const char *set, size_t word);
/* For many words: pushes W.sets[set] (nil when the language lacks it) and returns its slot,
 * which api_in_set reads as set[the norm of word]. */
int api_set_open(struct word_lists *v, const char *set);
bool api_in_set(struct word_lists *v, int set, size_t word);

/* "I" or "you", the poster speaking or speaking to the reader: api_person_open pushes
 * W.sets.first_person and W.sets.second_person and returns the first's slot, which
 * api_is_person reads. */
int api_person_open(struct word_lists *v);
bool api_is_person(struct word_lists *v, int person, size_t word);

/* A match of a list: text [start, stop); its words [word, word + nwords), or nwords 0 for a
 * substring match; the list's phrase it matched. Returns true to stop the walk. */
struct list_match {
	size_t start, stop, word, nwords;
	const char *phrase;
	size_t phrase_len;
};
typedef bool (*list_match_fn)(void *ud, const struct list_match *m);

/* Walks the matches of list `name` lying in [first, end) (starting and ending in it) that
 * start in the poster's own text unless anywhere; true when fn stopped it. A list the
 * language lacks has none. Matched on word boundaries (post:matches' scan), or searched as
 * substrings (each phrase from the body's start, each search going on after the last
 * match), in no particular order. */
bool api_list_each(struct word_lists *v, const char *name, size_t first, size_t end,
		   enum region_want want, list_match_fn fn, void *ud);

/* A list_match_fn that marks the words of each match in marks->marked (per word): those of
 * a phrase match, or the words lying in a substring match. */
struct word_marks {
	const struct word_lists *v;
	bool *marked;
};
bool api_mark_match_words(void *marks, const struct list_match *m);

/* Whether list `name` has a match in [first, end) as api_list_each reads them. */
bool api_list_any(struct word_lists *v, const char *name, size_t first, size_t end,
		  enum region_want want);

#endif
