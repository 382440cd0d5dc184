/* Declarations shared by the lua/api_*.c files and the session that drives them. */
#ifndef POSTLINT_API_INTERNAL_H
#define POSTLINT_API_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "collected.h"
#include "finding.h"
#include "length.h"
#include "post.h"

/* What a rule sees of a post beyond the post model: settings from the effective config. */
struct post_view {
	struct post *post;
	const char *const *default_platforms; /* NULL-terminated; used when front matter has none */
	const char *default_lang;             /* used when the language cannot be told */
	const struct length_overrides *platform_limits; /* .lintrc `platform_limits`, or NULL */
	const struct collected *collected;
	void *owner; /* the session's entry for this view */
	bool in_set; /* handed to check_set: post.linted says whether it is being linted */
	bool linted;
	/* check_set of a rule with collect: only the light fields (path, time, linted,
	 * platforms, lang, kind, meta) and post.collected, the running rule's data */
	bool light;
	/* (the flags last: a calendar holds two views per post) */
};

/* Which words post:find considers. */
struct api_word_filter {
	bool quoted; /* words inside quotations */
	bool links;  /* words of link text */
};

/* Whether word i passes the filter; inline: the phrase search asks it of every word. */
static inline bool api_word_usable(const struct post *p, size_t i,
				   const struct api_word_filter *filter)
{
	uint16_t flags = p->tk->tokens[TOK_WORD].items[i].flags;
	return !((flags & TF_QUOTED) && !filter->quoted) && !((flags & TF_LINK) && !filter->links);
}
/* The first word at or after word i where a phrase of the set matches (the post's word count
 * when none), with the length in words of the longest phrase matching there and that
 * phrase's source text. The words are scanned here, next to the set's filters, rather than
 * by a call per word. */
size_t api_phrases_next(const void *set, const struct post *p, size_t i,
			const struct api_word_filter *filter, size_t *len, const char **phrase,
			size_t *phrase_len);
struct phrase_set;
struct phrase_group;
/* The length in words of the longest phrase of the set matching at word i of p, quotations
 * and link text included (0: none), and that phrase's source text: as api_phrases_next
 * finds it at i. */
size_t api_phrase_match_at(const struct phrase_set *set, const struct post *p, size_t i,
			   const char **phrase, size_t *phrase_len);
/* The same among the set's phrases lo..hi-1 alone: a run of the phrases sorted by first word
 * whose first word is word i's (api_phrase_group.c finds the run by the word). */
size_t api_phrase_match_run(const struct phrase_set *set, const struct post *p, size_t i,
			    size_t lo, size_t hi, const char **phrase, size_t *phrase_len);
/* Whether the group serves post p (its scan, its single-word sets): from the second post it
 * is asked about, when its indexes are made of the lists that joined. A one-post lint (a
 * commit, an editor), and the first post of a run while the lists join one by one, ask each
 * list alone: the indexes would cost that post more than they save (4% of a one-post lint). */
bool api_phrase_group_ready(struct phrase_group *group, const struct post *p);
/* Finds the matches of every set of the group over p's words in one pass and keeps them with
 * p's tokens as api_phrase_scan does for one set: those of the sets already scanned for p are
 * kept as they are (api_phrase_group.c). */
void api_phrase_group_scan(lua_State *L, struct post *p, struct phrase_group *group);
/* Makes the set at stack index set_at a member of the group at group_at (lint.phrases'
 * second argument): from then on, the first scan of any member scans them all. */
void api_phrase_group_join(lua_State *L, int group_at, int set_at);
/* Whether word (an index into p's words) is, as its norm, one of the phrases of the set (a
 * member of a group) as they are written: what the Lua set { [phrase] = true } of the same
 * list answers for the norm, by the word's hash (api_lists.c: api_in_set). */
bool api_phrase_group_has_word(const struct phrase_set *set, const struct post *p, size_t word);
/* The group at idx, or luaL_checkudata's argument error. */
struct phrase_group *api_phrase_group_check(lua_State *L, int idx);
/* lint.phrase_group() -> a new, empty group (its metatable registered by api_open_lint). */
int api_phrase_group_new(lua_State *L);
/* The set's id: unique among the sets the process has made. */
uint64_t api_phrases_id(const void *set);
/* The set's matches over the whole text of p, whose tokens are made (api_matches.c): found
 * on the first call for the set, kept with the tokens for the later ones. */
const struct phrase_scan *api_phrase_scan(lua_State *L, struct post *p, const void *set);
/* Whether offset (0-based) lies inside one of p's quotations (post.quotes). */
bool api_in_quotation(const struct post *p, size_t offset);
/* post:words_outside(spans [, before]), post:own_words(rt_first, all_quoted)
 * (api_words_outside.c). */
int api_post_words_outside(lua_State *L);
int api_post_own_words(lua_State *L);
/* post:title_words(words, stopwords [, split]) (api_analysis.c). */
int api_post_title_words(lua_State *L);
/* Whether the words index[from..to) (0-based indices into the words) are written in title
 * case, with the set of stopwords at stack index stop (or none there) (api_analysis.c). */
bool api_title_case(lua_State *L, int stop, const struct post *p, const size_t *index,
		    size_t from, size_t to);
/* Marks titled[k] for the words index[0..n) in title case (post:title_words' answer; with
 * split, segment by segment), with the set of stopwords at stack index stop (api_analysis.c). */
void api_title_words(lua_State *L, int stop, const struct post *p, const size_t *index,
		     size_t n, bool split, bool *titled);
/* post:invitation(W, rt_first, all_quoted, sales_raw) (api_invitation.c). */
int api_post_invitation(lua_State *L);
/* post:share(a, sales_threshold) (api_share.c). */
int api_post_share(lua_State *L);
/* post:structure(W, rt_markers, quote_tags) (api_structure.c). */
int api_post_structure(lua_State *L);
/* post:quote(a) (api_quote.c). */
int api_post_quote(lua_State *L);
/* post:self(a, names) (api_self.c). */
int api_post_self(lua_State *L);
/* post:sales(a), post:sales_signs(kind) (api_sales.c). */
int api_post_sales(lua_State *L);
int api_post_sales_signs(lua_State *L);
/* post:topic(words, skip, stopwords [, english]) (api_analysis.c). */
int api_post_topic(lua_State *L);
/* word.capital of the word s[0..n): an ASCII capital first, or a first character that case
 * folding changes (api_post.c). */
bool api_word_capital(const char *s, size_t n);
/* Pushes s folded like word norms (NFC, case folding, plain apostrophes). */
void api_push_folded(lua_State *L, const char *s, size_t n);

/* Creates the post metatable (once per state). */
void api_open_post_meta(lua_State *L);

/* The addresses of the API's metatables in one state, for type checks without a registry
 * lookup by name (luaL_checkudata's, a tenth of a word list's question): kept in a userdata
 * anchored in the registry and found through the state's extra space, which every thread of
 * the state copies when it is made. api_open_lint makes it, before any userdata. */
#define API_LITERAL_SLOTS 512
struct api_metas {
	const void *handle;  /* a post table's handle (api_post.c) */
	const void *phrases; /* a phrase set (API_TYPE_PHRASES) */
	/* api_push_literal's strings: a C string literal's address -> the registry reference
	 * of its Lua string (open addressing by address; at most half full) */
	struct {
		const char *s;
		int ref;
	} literals[API_LITERAL_SLOTS];
	size_t nliterals;
};
const struct api_metas *api_metas(lua_State *L);
/* Pushes the Lua string of s, a string literal (or any string that lives as long as the
 * process and never changes: its address names it). The analyses in C read dozens of fields
 * and word lists by name a post; lua_pushstring and lua_getfield look each C string up among
 * Lua's strings, comparing it with the one cached for its address (a strcmp), which was 3%
 * of a lint's instructions. Here the address alone finds the string, kept in the registry. */
void api_push_literal(lua_State *L, const char *s);
/* Whether the value at idx is a phrase set. */
bool api_is_phrases(lua_State *L, int idx);
/* The phrase set at idx, or luaL_checkudata's argument error. */
const void *api_check_phrases(lua_State *L, int idx);
/* Pushes the post table for view, one per (post, origin): rules of one origin share it, rules
 * of different plugins never see each other's changes. */
void api_push_post(lua_State *L, const struct post_view *view, const void *origin);
/* Pushes a new post table for view (rules across posts get one per post). It is ended by
 * api_release_posts like the others. */
void api_push_post_table(lua_State *L, const struct post_view *view);
/* The same for the many posts of a calendar: api_post_tables_open pushes the three registry
 * tables every post table needs, looked up once (three lookups a post were a quarter of
 * making a calendar's tables), api_post_tables_push pushes one post's table, and
 * api_post_tables_close pops the three, which must be on top again by then. */
struct api_post_tables {
	int base;             /* the stack index of the first of the three tables */
	lua_Integer nhandles; /* the handles' list's length */
};
void api_post_tables_open(lua_State *L, struct api_post_tables *t);
void api_post_tables_push(lua_State *L, struct api_post_tables *t, const struct post_view *view);
void api_post_tables_close(lua_State *L, struct api_post_tables *t);
/* The view of the post table at idx; raises when it is not a live post. */
const struct post_view *api_post_view(lua_State *L, int idx);
/* api_post_view(L, 1) for the methods that read a post's text or words (method names it in
 * the error): a light post (check_set of a rule with collect) has neither, and a rule could
 * keep a method from collect and call it there. */
const struct post_view *api_whole_post_view(lua_State *L, const char *method);
/* The same without raising: NULL for anything but a live post. */
const struct post_view *api_test_post_view(lua_State *L, int idx);
/* What post.collected holds for the running rule (check_set of a rule with collect), in the
 * form the host keeps it: *bin and *len (binary, value_bin.h) or *tree. False when post.collected
 * is nil (no data, a failed collect, or not a light post of such a rule). */
bool api_post_collected(lua_State *L, const struct post_view *view, const unsigned char **bin,
			size_t *len, const struct value **tree);
/* Whether post.collected is true in Lua (neither nil nor false), read without making it. */
bool api_post_collected_truthy(lua_State *L, const struct post_view *view);
/* The same, of what api_post_collected found. */
bool api_collected_truthy(const unsigned char *bin, size_t len, const struct value *tree);
/* Ends the current post: every post table handed out now raises when used, so a rule that
 * kept one cannot read freed memory later. */
void api_release_posts(lua_State *L);
/* Pushes a value tree as Lua data (maps as tables, lists as sequences). */
void api_push_value(lua_State *L, const struct value *v);
/* Pushes a value in the binary form of value_bin.h, as api_push_value pushes it decoded. */
void api_push_bin(lua_State *L, const unsigned char *bytes, size_t len);
/* Converts the Lua value at idx into children of parent (a list or map; key for maps): plain
 * data only (nil, booleans, numbers, strings, tables of those, 16 levels at most, a tree of
 * at most max_bytes, a table counted each time it appears). Raises on anything else, naming
 * `what`; whatever was converted already is owned by parent, so a raise leaks nothing. */
void api_to_value(lua_State *L, int idx, struct value *parent, const char *key, const char *what,
		  size_t max_bytes);
/* Converts the table at idx, whose keys must be names, into a VALUE_MAP stored in *slot
 * before it is filled (so a raise leaves it owned by the caller's slot). {} is an empty map.
 * At most max_bytes, as api_to_value. */
void api_to_map(lua_State *L, int idx, struct value **slot, const char *what, size_t max_bytes);
/* The most a rule's options (its defaults, a test's) come to as a value tree. */
#define API_OPTIONS_MAX_BYTES (1u << 20)

/* Adds lint.nearest (near-duplicate sets) to the lint table on top of the stack.
 * api_similar.c. */
void api_open_similar(lua_State *L);
/* Adds lint.dated (a calendar in time order) to the lint table on top of the stack.
 * api_calendar.c. */
void api_open_calendar(lua_State *L);

/* The rule run in progress, for ctx:report. */
struct rule_run {
	struct post *post;
	struct report *report;
	const char *rule_id;
	enum severity severity; /* effective severity of the rule for this post */
	bool severity_forced;   /* set by config or --rule: wins over a report's own severity */
	size_t reported;
	/* check_set: ctx:report{ post = p, ... } points post, report and severity at p's
	 * before the report is read; false drops the report (p is not being linted). */
	bool (*retarget)(struct rule_run *run, const struct post_view *view);
	/* check_set of a rule with collect: its collect_slot, for post.collected (else -1) */
	int collect_slot;
	/* The finding being built: it owns what was copied so far, so a Lua error in the
	 * middle of ctx:report leaks nothing (the session releases it after the call). */
	struct finding pending;
};

/* Most findings one rule may report on one post; more are dropped with a note. */
#define API_MAX_REPORTS 1000

/* Pushes a new ctx table for a rule: ctx.id, ctx:report. The options field is set by the
 * caller. Reports go to the rule_run that host_context() returns at the time of the call. */
void api_push_ctx(lua_State *L, const char *rule_id);

#endif
