/* Phrase sets scanned together: lint.phrase_group() and lint.phrases(list, group).
 *
 * The golden rules ask a post about twenty-five word lists of its language. Scanned one by
 * one (api_phrase_scan), each list walked all the post's words to test their first bytes
 * against its own, and ran a binary search for each word that passed: a twelfth of a run's
 * instructions, most of it the same walk twenty-five times. A group keeps one index of the
 * first words of all its sets' phrases - word -> (set, the run of its phrases starting with
 * that word) - so that one walk over the words, one hash lookup a word, finds the matches of
 * every set at once; each set's matches are the ones its own scan finds (longest first,
 * not overlapping, in text order), kept with the post's tokens in the same way.
 *
 * Phrases whose first word is a prefix ("discount*") are not in the index: a set holding any
 * is asked word by word as its own scan asks it (api_phrase_match_at). The built-in lists
 * hold none. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define GROUP_TYPE "postlint.phrase_group"

/* One distinct first word of the members' exact phrases, and where its runs are listed. */
struct first_word {
	const char *word; /* in a member's strings */
	uint32_t len, hash;
	uint32_t run0, nruns; /* runs[run0 .. run0 + nruns) */
};

/* A run of one member's phrases that start with one word: phrases lo..hi-1. */
struct run {
	uint32_t member, lo, hi;
};

struct phrase_group {
	struct phrase_set **members; /* alive: the group's user value lists them */
	size_t nmembers, cap;
	bool stale; /* members joined since the index was made */
	/* the index */
	struct first_word *words;
	size_t nwords;
	struct run *runs;
	uint32_t *slots; /* open addressing by hash: an index into words + 1, 0 for empty */
	size_t mask;
	uint32_t *prefixed; /* the members with prefix phrases */
	size_t nprefixed;
};

static void index_free(struct phrase_group *g)
{
	free(g->words);
	free(g->runs);
	free(g->slots);
	free(g->prefixed);
	g->words = NULL;
	g->runs = NULL;
	g->slots = NULL;
	g->prefixed = NULL;
	g->nwords = g->nprefixed = 0;
	g->mask = 0;
}

static int group_gc(lua_State *L)
{
	struct phrase_group *g = luaL_checkudata(L, 1, GROUP_TYPE);
	index_free(g);
	free(g->members);
	g->members = NULL;
	g->nmembers = g->cap = 0;
	return 0;
}

static int group_tostring(lua_State *L)
{
	struct phrase_group *g = luaL_checkudata(L, 1, GROUP_TYPE);
	lua_pushfstring(L, "phrase group (%d lists)", (int)g->nmembers);
	return 1;
}

int api_phrase_group_new(lua_State *L)
{
	struct phrase_group *g = lua_newuserdatauv(L, sizeof(*g), 1);
	memset(g, 0, sizeof(*g));
	if (luaL_newmetatable(L, GROUP_TYPE)) {
		lua_pushcfunction(L, group_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, group_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushliteral(L, "phrase_group");
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	lua_newtable(L); /* the members, kept alive with the group */
	lua_setiuservalue(L, -2, 1);
	return 1;
}

struct phrase_group *api_phrase_group_check(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, GROUP_TYPE);
}

void api_phrase_group_join(lua_State *L, int group_at, int set_at)
{
	group_at = lua_absindex(L, group_at);
	set_at = lua_absindex(L, set_at);
	struct phrase_group *g = api_phrase_group_check(L, group_at);
	struct phrase_set *set = lua_touserdata(L, set_at);
	/* the group keeps the set alive (its user value), the set the group (the set's) */
	lua_getiuservalue(L, group_at, 1);
	lua_pushvalue(L, set_at);
	lua_rawseti(L, -2, (lua_Integer)g->nmembers + 1);
	lua_pop(L, 1);
	lua_pushvalue(L, group_at);
	lua_setiuservalue(L, set_at, 1);
	xgrow((void **)&g->members, &g->cap, g->nmembers + 1, sizeof(*g->members));
	set->group = g;
	set->group_slot = (uint32_t)g->nmembers;
	g->members[g->nmembers++] = set;
	g->stale = true;
}

/* ---- the index ------------------------------------------------------------------------- */

struct run_entry {
	const char *word;
	uint32_t len, hash;
	struct run run;
};

static int compare_entries(const void *a, const void *b)
{
	const struct run_entry *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	int c = memcmp(x->word, y->word, x->len);
	if (c)
		return c;
	return x->run.member < y->run.member ? -1 : x->run.member > y->run.member;
}

static bool same_word(const struct run_entry *x, const struct run_entry *y)
{
	return x->hash == y->hash && x->len == y->len && memcmp(x->word, y->word, x->len) == 0;
}

static void index_build(struct phrase_group *g)
{
	index_free(g);
	size_t nentries = 0, cap = 0;
	struct run_entry *entries = NULL;
	g->prefixed = xmalloc((g->nmembers + 1) * sizeof(*g->prefixed));
	for (size_t m = 0; m < g->nmembers; m++) {
		const struct phrase_set *set = g->members[m];
		const struct phrase *phrases = phrase_set_phrases(set);
		const struct pword *pwords = phrase_set_words(set);
		const char *strings = phrase_set_strings(set);
		if (set->nprefixed > 0)
			g->prefixed[g->nprefixed++] = (uint32_t)m;
		/* the exact phrases are sorted by first word: one run per word */
		for (size_t k = set->nprefixed; k < set->nphrases;) {
			const struct pword *w = &pwords[phrases[k].word0];
			size_t end = k + 1;
			while (end < set->nphrases) {
				const struct pword *v = &pwords[phrases[end].word0];
				if (v->len != w->len || memcmp(strings + v->off, strings + w->off, w->len))
					break;
				end++;
			}
			xgrow((void **)&entries, &cap, nentries + 1, sizeof(*entries));
			entries[nentries++] = (struct run_entry){
				strings + w->off, w->len, hash_fnv32(strings + w->off, w->len),
				{ (uint32_t)m, (uint32_t)k, (uint32_t)end } };
			k = end;
		}
	}
	if (nentries > 1)
		qsort(entries, nentries, sizeof(*entries), compare_entries);
	g->runs = xmalloc((nentries + 1) * sizeof(*g->runs));
	g->words = xmalloc((nentries + 1) * sizeof(*g->words));
	for (size_t e = 0; e < nentries; e++) {
		if (e == 0 || !same_word(&entries[e - 1], &entries[e]))
			g->words[g->nwords++] = (struct first_word){ entries[e].word, entries[e].len,
								     entries[e].hash, (uint32_t)e, 0 };
		g->words[g->nwords - 1].nruns++;
		g->runs[e] = entries[e].run;
	}
	free(entries);
	size_t nslots = 16;
	while (nslots < 2 * g->nwords)
		nslots *= 2;
	g->slots = xcalloc(nslots, sizeof(*g->slots));
	g->mask = nslots - 1;
	for (size_t w = 0; w < g->nwords; w++) {
		size_t s = g->words[w].hash & g->mask;
		while (g->slots[s])
			s = (s + 1) & g->mask;
		g->slots[s] = (uint32_t)w + 1;
	}
	g->stale = false;
}

/* The first word the norm (of the given hash) is, or NULL. */
static const struct first_word *find_first(const struct phrase_group *g, const char *norm,
					   uint32_t len, uint32_t hash)
{
	for (size_t s = hash & g->mask; g->slots[s]; s = (s + 1) & g->mask) {
		const struct first_word *w = &g->words[g->slots[s] - 1];
		if (w->hash == hash && w->len == len && memcmp(w->word, norm, len) == 0)
			return w;
	}
	return NULL;
}

/* ---- the scan -------------------------------------------------------------------------- */

static bool scanned(const struct post_tokens *tk, const struct phrase_set *set)
{
	for (size_t k = 0; k < tk->nscans; k++)
		if (tk->scans[k].set_id == set->id)
			return true;
	return false;
}

struct member_scan {
	struct phrase_scan scan;
	size_t cap;
	size_t next; /* the first word a match may start at: after the last one */
	bool skip;   /* scanned for the post before */
};

static void add_hit(struct member_scan *ms, size_t i, size_t m, const char *phrase,
		    size_t phrase_len)
{
	xgrow((void **)&ms->scan.hits, &ms->cap, ms->scan.n + 1, sizeof(*ms->scan.hits));
	ms->scan.hits[ms->scan.n++] = (struct phrase_hit){ (uint32_t)i, (uint32_t)m, phrase,
							   phrase_len };
	ms->next = i + m;
}

void api_phrase_group_scan(lua_State *L, struct post *p, struct phrase_group *g)
{
	if (g->stale)
		index_build(g);
	struct post_tokens *tk = p->tk;
	size_t nwords = tk->tokens[TOK_WORD].len;
	/* the walk, as one set's scan charges it, and the members asked word by word and the
	 * runs tried besides: charged once the scans are kept (a charge may raise) */
	long long work = (long long)nwords + 4; /* (charged a quarter: nwords / 4 + 1) */
	struct member_scan *ms = xcalloc(g->nmembers + 1, sizeof(*ms));
	for (size_t m = 0; m < g->nmembers; m++) {
		ms[m].scan.set_id = g->members[m]->id;
		ms[m].skip = scanned(tk, g->members[m]);
	}
	const struct token *words = tk->tokens[TOK_WORD].items;
	for (size_t i = 0; i < nwords; i++) {
		uint32_t len = (uint32_t)words[i].norm_len;
		if (len == 0)
			continue; /* (no phrase starts at a word without letters) */
		const char *phrase;
		size_t phrase_len, n;
		work += (long long)g->nprefixed;
		for (size_t k = 0; k < g->nprefixed; k++) {
			struct member_scan *s = &ms[g->prefixed[k]];
			if (!s->skip && i >= s->next &&
			    (n = api_phrase_match_at(g->members[g->prefixed[k]], p, i, &phrase,
						     &phrase_len)) != 0)
				add_hit(s, i, n, phrase, phrase_len);
		}
		const struct first_word *w = find_first(g, tk->norms.ptr + words[i].norm_off, len,
							 tk->word_hashes[i]);
		for (uint32_t r = 0; w && r < w->nruns; r++) {
			const struct run *run = &g->runs[w->run0 + r];
			const struct phrase_set *set = g->members[run->member];
			struct member_scan *s = &ms[run->member];
			if (s->skip || i < s->next || set->nprefixed > 0)
				continue; /* (a set with prefixes was asked above, whole) */
			work += (long long)(run->hi - run->lo);
			n = api_phrase_match_run(set, p, i, run->lo, run->hi, &phrase, &phrase_len);
			if (n)
				add_hit(s, i, n, phrase, phrase_len);
		}
	}
	for (size_t m = 0; m < g->nmembers; m++) {
		if (ms[m].skip)
			continue;
		xgrow((void **)&tk->scans, &tk->scans_cap, tk->nscans + 1, sizeof(*tk->scans));
		tk->scans[tk->nscans++] = ms[m].scan;
	}
	free(ms);
	host_charge(L, work / 4);
}
