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
 * hold none. A second index, of the phrases as written, answers the single-word sets made of
 * the same lists (api_phrase_group_has_word). The indexes are malloc'd, outside the state's
 * memory cap, but in proportion to the members' phrases, which the cap counts. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define GROUP_TYPE "postlint.phrase_group"

/* The group's two indexes are tables of keys - a word, or a phrase as written - each with a
 * list of what it leads to, linked through an array: a member that joins adds its entries
 * (a join per list, as the rules first ask for it), with no index made again. (Made again
 * at each join, they were most of a one-post lint.) */
struct key {
	const char *text; /* in a member's strings */
	uint32_t len, hash;
	uint32_t head; /* its first entry + 1; 0: none */
};

struct keys {
	struct key *items;
	size_t n;
	uint32_t *slots; /* open addressing by hash: an index into items + 1, 0 for empty */
	size_t mask;     /* slots - 1 (a power of two, at least twice n) */
};

/* What a first word leads to: a run of one member's phrases that start with it, phrases
 * lo..hi-1 (sorted by first word); what a phrase as written leads to: a member listing it
 * (lo and hi unused). */
struct entry {
	uint32_t member, lo, hi;
	uint32_t next; /* the key's next entry + 1; 0: none */
};

struct phrase_group {
	struct phrase_set **members; /* alive: the group's user value lists them */
	size_t nmembers, cap;
	/* the first words of the members' exact phrases -> runs, for the scan */
	struct keys words;
	/* the members' phrases as written -> members listing them, for the single-word sets
	 * made of the same lists (api_phrase_group_has_word) */
	struct keys sources;
	struct entry *entries; /* of both */
	size_t nentries, entries_cap;
	uint32_t *prefixed; /* the members with prefix phrases */
	size_t nprefixed, prefixed_cap;
	size_t nindexed;       /* members 0..nindexed-1 are in the indexes */
	const void *last_post; /* the post it was last asked about, and how many so far (to 2) */
	int posts;
};

static void keys_free(struct keys *k)
{
	free(k->items);
	free(k->slots);
	memset(k, 0, sizeof(*k));
}

static int group_gc(lua_State *L)
{
	struct phrase_group *g = luaL_checkudata(L, 1, GROUP_TYPE);
	keys_free(&g->words);
	keys_free(&g->sources);
	free(g->entries);
	free(g->prefixed);
	free(g->members);
	memset(g, 0, sizeof(*g));
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

/* The key text[0..len) (of hash_fnv32 hash), or NULL. */
static const struct key *key_find(const struct keys *k, const char *text, uint32_t len,
				  uint32_t hash)
{
	if (!k->slots)
		return NULL;
	for (size_t s = hash & k->mask; k->slots[s]; s = (s + 1) & k->mask) {
		const struct key *key = &k->items[k->slots[s] - 1];
		if (key->hash == hash && key->len == len && memcmp(key->text, text, len) == 0)
			return key;
	}
	return NULL;
}

/* The key text[0..len), added when new (text stays alive: a member's). */
static struct key *key_add(struct keys *k, const char *text, uint32_t len)
{
	uint32_t hash = hash_fnv32(text, len);
	struct key *found = (struct key *)key_find(k, text, len, hash);
	if (found)
		return found;
	if (2 * (k->n + 1) > k->mask + 1 || !k->slots) {
		size_t nslots = k->slots ? 2 * (k->mask + 1) : 64;
		free(k->slots);
		k->slots = xcalloc(nslots, sizeof(*k->slots));
		k->mask = nslots - 1;
		for (size_t i = 0; i < k->n; i++) {
			size_t s = k->items[i].hash & k->mask;
			while (k->slots[s])
				s = (s + 1) & k->mask;
			k->slots[s] = (uint32_t)i + 1;
		}
	}
	if (k->n == 0 || (k->n & (k->n - 1)) == 0) /* (full at each power of two: doubled) */
		k->items = xrealloc(k->items, (k->n ? 2 * k->n : 1) * sizeof(*k->items));
	size_t s = hash & k->mask;
	while (k->slots[s])
		s = (s + 1) & k->mask;
	k->slots[s] = (uint32_t)k->n + 1;
	k->items[k->n] = (struct key){ text, len, hash, 0 };
	return &k->items[k->n++];
}

static void entry_add(struct phrase_group *g, struct key *key, uint32_t member, uint32_t lo,
		      uint32_t hi)
{
	xgrow((void **)&g->entries, &g->entries_cap, g->nentries + 1, sizeof(*g->entries));
	g->entries[g->nentries] = (struct entry){ member, lo, hi, key->head };
	key->head = (uint32_t)++g->nentries;
}

/* The member's entries in both indexes. */
static void index_member(struct phrase_group *g, uint32_t m)
{
	const struct phrase_set *set = g->members[m];
	const struct phrase *phrases = phrase_set_phrases(set);
	const struct pword *pwords = phrase_set_words(set);
	const char *strings = phrase_set_strings(set);
	if (set->nprefixed > 0) {
		xgrow((void **)&g->prefixed, &g->prefixed_cap, g->nprefixed + 1,
		      sizeof(*g->prefixed));
		g->prefixed[g->nprefixed++] = m;
	}
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
		entry_add(g, key_add(&g->words, strings + w->off, w->len), m, (uint32_t)k,
			  (uint32_t)end);
		k = end;
	}
	for (size_t k = 0; k < set->nphrases; k++) {
		struct key *key = key_add(&g->sources, strings + phrases[k].source_off,
					  phrases[k].source_len);
		/* a list holding a phrase twice lists it once */
		if (!key->head || g->entries[key->head - 1].member != m)
			entry_add(g, key, m, 0, 0);
	}
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
}

bool api_phrase_group_ready(struct phrase_group *g, const struct post *p)
{
	if (g->last_post != p) {
		g->last_post = p;
		g->posts += g->posts < 2;
	}
	if (g->posts < 2)
		return false;
	while (g->nindexed < g->nmembers)
		index_member(g, (uint32_t)g->nindexed++);
	return true;
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
	struct post_tokens *tk = p->tk;
	size_t nwords = tk->tokens[TOK_WORD].len;
	/* the walk, as one set's scan charges it, and the members asked word by word and the
	 * runs tried besides: charged once the scans are kept (a charge may raise) */
	long long work = (long long)nwords + 4 + (long long)g->nmembers; /* (charged a quarter) */
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
		const struct key *w = key_find(&g->words, tk->norms.ptr + words[i].norm_off, len,
					       tk->word_hashes[i]);
		for (uint32_t e = w ? w->head : 0; e; e = g->entries[e - 1].next) {
			const struct entry *run = &g->entries[e - 1];
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

bool api_phrase_group_has_word(const struct phrase_set *set, const struct post *p, size_t word)
{
	const struct phrase_group *g = set->group;
	const struct post_tokens *tk = p->tk;
	const struct token *w = &tk->tokens[TOK_WORD].items[word];
	const struct key *key = key_find(&g->sources, tk->norms.ptr + w->norm_off,
					 (uint32_t)w->norm_len, tk->word_hashes[word]);
	for (uint32_t e = key ? key->head : 0; e; e = g->entries[e - 1].next)
		if (g->entries[e - 1].member == set->group_slot)
			return true;
	return false;
}
