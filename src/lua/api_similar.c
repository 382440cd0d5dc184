/* lint.nearest(items, threshold): near-duplicate search for rules across posts.
 *
 *   items[i] = { set = post:shingles(k), group = "x", name = "posts/a.md",
 *                want = false (only a candidate for the others) } (or false)
 *   -> { [i] = { index = j, similarity = s } } for every wanted i that has a match
 *
 * A set is a string of 8-byte tokens (post:shingles makes them: hashes of word runs).
 * For each item, the item of another group (a different string, nil counting as "") whose
 * token set is most similar to its own by Jaccard similarity |A & B| / |A | B|, when that is
 * at least threshold and they share a token; ties go to the smaller name (then index).
 *
 * Candidates come from a prefix filter (PPJoin, Xiao et al. 2008): with every set's tokens
 * in one global order (rarest first), two sets with similarity >= t share a token among the
 * first n - ceil(t * n) + 1 of each. Only those prefixes are indexed; each candidate is
 * verified by merging the two sorted sets. Identical sets are indexed once (see
 * find_classes), and an item with an identical twin in another group needs no search at
 * all. Each token's list of the index is grouped by platform group, so that a probe passes
 * over its own group's entries (they cannot be its answer) without reading them. With few
 * wanted items, each is compared with every item instead. Work is charged
 * to the rule's budget as it goes. The working arrays come from a scratch pad (scratch.h):
 * counted against the state's memory cap, given back when the search ends, or as an error
 * (a budget, a bad item) unwinds out of the middle. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api.h"
#include "lua/api_internal.h"
#include "lua/host.h"
#include "lua/scratch.h"
#include "util/hash.h"
#include "util/sort.h"
#include "value.h"
#include "value_bin.h"

#define CHARGE_BATCH 4096

struct item {
	const char *group;
	size_t group_len;
	uint32_t group_id; /* equal for equal groups (assign_groups); only of present items */
	const char *name;
	/* its tokens: the address of its set string and its token count on entry; the index
	 * renumbers them as ranks[first .. first + len) */
	size_t first, len;
	bool present;
	bool want;     /* its nearest item is asked for (want ~= false) */
	bool in_place; /* direct_search: its set is read where it lies (strictly ascending) */
};

static void *take(struct scratch *pad, size_t count, size_t size)
{
	return scratch_take(pad, count, size, "lint.nearest");
}

struct entry {
	uint32_t item, pos, len;
	/* the item's group when no member of its class is of another group (the item can only
	 * be an answer for other groups), else UINT32_MAX: lets a probe pass over the items of
	 * its own group without reading them */
	uint32_t only_group;
};

static int compare_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->only_group != y->only_group)
		return (x->only_group > y->only_group) - (x->only_group < y->only_group);
	if (x->len != y->len)
		return (x->len > y->len) - (x->len < y->len);
	return (x->item > y->item) - (x->item < y->item);
}

/* How many values two ascending arrays of ranks have in common. */
static size_t common(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, c = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j]) {
			i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			c++;
			i++;
			j++;
		}
	}
	return c;
}

/* Token k of a set as its bytes lie: a set inside the cache's pack need not be aligned. */
static inline uint64_t token_at(const unsigned char *set, size_t k)
{
	uint64_t token;
	memcpy(&token, set + k * sizeof(token), sizeof(token));
	return token;
}

/* How many tokens two strictly ascending sets have in common. */
static size_t common_tokens(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
	size_t i = 0, j = 0, c = 0;
	if (na == 0 || nb == 0)
		return 0;
	uint64_t x = token_at(a, 0), y = token_at(b, 0);
	for (;;) {
		if (x < y) {
			if (++i == na)
				break;
			x = token_at(a, i);
		} else if (x > y) {
			if (++j == nb)
				break;
			y = token_at(b, j);
		} else {
			c++;
			if (++i == na || ++j == nb)
				break;
			x = token_at(a, i);
			y = token_at(b, j);
		}
	}
	return c;
}

static bool strictly_ascending(const unsigned char *set, size_t n)
{
	for (size_t k = 1; k < n; k++)
		if (token_at(set, k) <= token_at(set, k - 1))
			return false;
	return true;
}

static bool same_group(const struct item *a, const struct item *b)
{
	return a->group_id == b->group_id;
}

/* Numbers the distinct groups, so that comparing two is comparing two integers (the probe
 * compares its item's group with most candidates'): an open-addressing table of items by
 * group string. */
static void assign_groups(struct scratch *pad, struct item *items, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	uint32_t *slots = take(pad, cap, sizeof(uint32_t)); /* item + 1 of each group, 0: empty */
	memset(slots, 0, cap * sizeof(uint32_t));
	uint32_t next = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		if (!it->present)
			continue;
		size_t at = (size_t)hash_fnv64(it->group, it->group_len) & (cap - 1);
		for (;; at = (at + 1) & (cap - 1)) {
			if (!slots[at]) {
				slots[at] = (uint32_t)i + 1;
				it->group_id = next++;
				break;
			}
			const struct item *o = &items[slots[at] - 1];
			if (o->group_len == it->group_len &&
			    memcmp(o->group, it->group, it->group_len) == 0) {
				it->group_id = o->group_id;
				break;
			}
		}
	}
	scratch_drop(pad, slots);
}

/* Which of two candidates with equal similarity wins: the smaller name, then index. */
static bool better_name(const struct item *items, size_t j, size_t best)
{
	int c = strcmp(items[j].name, items[best].name);
	return c < 0 || (c == 0 && j < best);
}

/* Items with identical sets, found by a hash of their sorted ranks: for such an item the
 * answer is known without a search (similarity 1 is the most there is), and a corpus where
 * the same text goes to several platforms is mostly such items. Each item's key is its
 * hash's high bits over the item's index (the bits key_item_mask gives): sorted as integers (a
 * qsort of hash and index pairs through a comparison function was a third of finding the
 * classes at 100,000 posts), equal sets have equal keys but for the index, and the few
 * different sets whose hashes agree on the high bits are told apart by comparing them. */
static uint64_t key_item_mask(size_t n)
{
	unsigned bits = 1;
	while (((size_t)1 << bits) < n)
		bits++;
	return ((uint64_t)1 << bits) - 1;
}

static bool same_set(const struct item *items, const uint32_t *ranks, size_t a, size_t b)
{
	return items[a].len == items[b].len &&
	       memcmp(ranks + items[a].first, ranks + items[b].first,
		      items[a].len * sizeof(uint32_t)) == 0;
}

/* One class of identical sets among keys[from, to) (keys equal above `low`), starting at
 * keys[from]: moved to the front of the range; returns its end. */
static size_t gather_class(uint64_t *keys, size_t from, size_t to, uint64_t low,
			   const struct item *items, const uint32_t *ranks)
{
	size_t end = from + 1;
	for (size_t k = from + 1; k < to; k++) {
		if (same_set(items, ranks, keys[from] & low, keys[k] & low)) {
			uint64_t tmp = keys[end];
			keys[end++] = keys[k];
			keys[k] = tmp;
		}
	}
	return end;
}

/* Items with identical sets form a class. Only one member of each class goes into the index
 * (its best by name, the representative); the class also keeps its best member of another
 * group than the representative's, so that whoever matches the class learns which member
 * the search would choose (the smallest name of another group, then index) without the
 * other members: a corpus where one text goes to several platforms indexes each text once.
 * A wanted member whose class spans groups needs no search at all (similarity 1 is the
 * most there is): twin[i] is its answer, else SIZE_MAX. */
struct classes {
	uint32_t *rep;    /* per item: its class's representative */
	size_t *other;    /* per representative: its class's best of another group, or SIZE_MAX */
	size_t *twin;     /* per item: see above */
};

static void find_classes(struct scratch *pad, const struct item *items, size_t n,
			 const uint32_t *ranks, struct classes *cl)
{
	uint64_t *keys = take(pad, n, sizeof(*keys));
	uint64_t low = key_item_mask(n);
	size_t nkeys = 0;
	for (size_t i = 0; i < n; i++) {
		cl->rep[i] = (uint32_t)i;
		cl->other[i] = cl->twin[i] = SIZE_MAX;
		if (!items[i].present || items[i].len == 0)
			continue;
		/* FNV-1a over pairs of ranks: half the chain of dependent multiplies */
		const uint32_t *r = ranks + items[i].first;
		size_t len = items[i].len, k = 0;
		uint64_t h = 0xcbf29ce484222325ULL ^ len;
		for (; k + 1 < len; k += 2)
			h = (h ^ (r[k] | (uint64_t)r[k + 1] << 32)) * 0x100000001b3ULL;
		if (k < len)
			h = (h ^ r[k]) * 0x100000001b3ULL;
		keys[nkeys++] = (h & ~low) | i;
	}
	uint64_t *room = take(pad, nkeys, sizeof(*room));
	sort_u64_spread(keys, nkeys, room); /* (hashes: spread over their range) */
	scratch_drop(pad, room);
	for (size_t run = 0; run < nkeys;) {
		size_t run_end = run + 1;
		while (run_end < nkeys && (keys[run_end] & ~low) == (keys[run] & ~low))
			run_end++;
		for (size_t from = run; from < run_end;) {
			size_t to = run_end - run == 1 ? run_end
						       : gather_class(keys, from, run_end, low, items,
								      ranks);
			size_t best = (size_t)(keys[from] & low), other = SIZE_MAX;
			for (size_t k = from + 1; k < to; k++)
				if (better_name(items, (size_t)(keys[k] & low), best))
					best = (size_t)(keys[k] & low);
			for (size_t k = from; k < to; k++) {
				size_t j = (size_t)(keys[k] & low);
				if (!same_group(&items[j], &items[best]) &&
				    (other == SIZE_MAX || better_name(items, j, other)))
					other = j;
			}
			cl->other[best] = other;
			for (size_t k = from; k < to; k++) {
				size_t i = (size_t)(keys[k] & low);
				cl->rep[i] = (uint32_t)best;
				if (items[i].want && other != SIZE_MAX)
					cl->twin[i] = same_group(&items[i], &items[best]) ? other : best;
			}
			from = to;
		}
		run = run_end;
	}
	scratch_drop(pad, keys);
}

/* Whether candidate j with similarity sim beats the best so far (best_sim, best; SIZE_MAX
 * when none): more similar, or as similar with a better name. Both searches decide so. */
static bool beats(const struct item *items, double sim, size_t j, double best_sim, size_t best)
{
	return sim > best_sim || (sim == best_sim && better_name(items, j, best));
}

/* result[i + 1] = { index = best + 1, similarity = sim } in the table on top. */
static void push_match(lua_State *L, size_t i, size_t best, double sim)
{
	lua_createtable(L, 0, 2);
	lua_pushinteger(L, (lua_Integer)best + 1);
	lua_setfield(L, -2, "index");
	lua_pushnumber(L, sim);
	lua_setfield(L, -2, "similarity");
	lua_rawseti(L, -2, (lua_Integer)i + 1);
}

/* Distinct tokens: an open-addressing table of ids, their values and document frequencies,
 * in the search's scratch pad (the arrays outgrown are given back at once). */
struct interner {
	struct scratch *pad;
	size_t cap, n;       /* slots, tokens */
	uint32_t *slots;     /* id + 1, 0: empty */
	uint64_t *tokens;    /* cap / 2 */
	uint32_t *df;        /* cap / 2 */
};

static size_t slot_of(const struct interner *in, uint64_t token)
{
	/* the tokens are hashes already: mix once more for the table's low bits */
	size_t h = (size_t)((token ^ (token >> 29)) * 0xbf58476d1ce4e5b9ULL >> 17) & (in->cap - 1);
	while (in->slots[h] && in->tokens[in->slots[h] - 1] != token)
		h = (h + 1) & (in->cap - 1);
	return h;
}

/* Makes the arrays for in->cap, keeping the tokens so far. */
static void interner_grow(struct interner *in)
{
	uint32_t *slots = take(in->pad, in->cap, sizeof(uint32_t));
	memset(slots, 0, in->cap * sizeof(uint32_t));
	uint64_t *tokens = take(in->pad, in->cap / 2, sizeof(uint64_t));
	uint32_t *df = take(in->pad, in->cap / 2, sizeof(uint32_t));
	if (in->n) {
		memcpy(tokens, in->tokens, in->n * sizeof(uint64_t));
		memcpy(df, in->df, in->n * sizeof(uint32_t));
	}
	if (in->slots) {
		scratch_drop(in->pad, in->slots);
		scratch_drop(in->pad, in->tokens);
		scratch_drop(in->pad, in->df);
	}
	in->slots = slots;
	in->tokens = tokens;
	in->df = df;
	for (size_t id = 0; id < in->n; id++)
		slots[slot_of(in, tokens[id])] = (uint32_t)id + 1;
}

static uint32_t intern(struct interner *in, uint64_t token)
{
	size_t h = slot_of(in, token);
	if (in->slots[h])
		return in->slots[h] - 1;
	if ((in->n + 1) * 2 > in->cap) {
		in->cap *= 2;
		interner_grow(in);
		h = slot_of(in, token);
	}
	in->tokens[in->n] = token;
	in->df[in->n] = 0;
	in->slots[h] = (uint32_t)++in->n;
	return (uint32_t)in->n - 1;
}

/* At most this many wanted items (a commit's posts among a repository's): comparing each with
 * every item costs less than indexing them all. */
#define DIRECT_MAX_WANTED 16

/* Sorts and deduplicates v[0..n) unless it is strictly ascending already (post:shingles makes
 * it so); returns the distinct count. */
static size_t sorted_distinct(uint64_t *v, size_t n)
{
	size_t k = 1;
	while (k < n && v[k] > v[k - 1])
		k++;
	if (k >= n)
		return n;
	sort_u64(v, n);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || v[i] != v[w - 1])
			v[w++] = v[i];
	return w;
}

/* The search for few wanted items: each against every item of another group, the same
 * answers as the index (the most similar, ties to the smaller name, then index). On entry
 * items[i].first holds the address of its set string and len its token count. Pushes the
 * result table. A set that is strictly ascending, as post:shingles makes them, is read where
 * it lies; only the others are sorted into a copy. (Copying every set took 18 of the 24 ms
 * this search took in the pre-commit hook: 4.8 MB of new memory for 10,000 posts.) */
static void direct_search(lua_State *L, struct scratch *pad, struct item *items, size_t n,
			  size_t total, double t)
{
	size_t unsorted = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		it->in_place = it->present &&
			       strictly_ascending((const unsigned char *)(uintptr_t)it->first, it->len);
		if (it->present && !it->in_place)
			unsorted += it->len;
	}
	uint64_t *copies = unsorted ? take(pad, unsorted, sizeof(uint64_t)) : NULL;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		if (!it->present || it->in_place)
			continue;
		memcpy(copies + at, (const char *)(uintptr_t)it->first, it->len * sizeof(uint64_t));
		size_t count = it->len;
		it->first = (size_t)(uintptr_t)(copies + at);
		it->len = sorted_distinct(copies + at, count);
		at += count;
	}
	host_charge(L, (long long)(total / 4 + n));
	lua_createtable(L, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct item *a = &items[i];
		if (!a->present || !a->want || a->len == 0)
			continue;
		size_t best = SIZE_MAX;
		double best_sim = -1;
		long long work = 0;
		for (size_t j = 0; j < n; j++) {
			const struct item *b = &items[j];
			if (j == i || !b->present || b->len == 0 || same_group(a, b))
				continue;
			/* the best b can do is to hold all of a (or a all of b): the similarity
			 * computed below with c = the smaller size, and smaller c give less */
			size_t small = a->len < b->len ? a->len : b->len;
			size_t large = a->len < b->len ? b->len : a->len;
			work++;
			if ((double)small / (double)large < t)
				continue;
			work += (long long)(a->len + b->len) / 4;
			size_t c = common_tokens((const unsigned char *)(uintptr_t)a->first, a->len,
						 (const unsigned char *)(uintptr_t)b->first, b->len);
			double sim = (double)c / (double)(a->len + b->len - c);
			if (c > 0 && sim >= t && beats(items, sim, j, best_sim, best)) {
				best = j;
				best_sim = sim;
			}
		}
		host_charge(L, work);
		if (best != SIZE_MAX)
			push_match(L, i, best, best_sim);
	}
}

/* ---- the probe: each wanted item's best match through the index --------------------------
 * Read-only once the index is built, so that wanted items can be searched on several threads
 * (the calendar runs on one thread after the lint workers are done: the other cores idle). */

struct probe {
	const struct item *items;
	const uint32_t *ranks;
	const size_t *prefix;
	const struct classes *cl;
	const struct entry *index;
	const uint32_t *index_off;
	const uint32_t *run_end; /* per entry: the end of its token's run of its only_group */
	double t;
};

/* The first entry of [lo, hi) (sorted by size) whose set has at least min_len tokens. */
static uint32_t first_of_size(const struct entry *index, uint32_t lo, uint32_t hi, double min_len)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((double)index[mid].len < min_len)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Item i's best match (SIZE_MAX for none) and its similarity. Each item's prefix is probed
 * against the index, each candidate verified once. The first token a pair meets on is, for a
 * pair that can reach the threshold, the first token they share (tokens are in one order), so
 * at most 1 + the tokens after it in either set can be shared: when that is below the overlap
 * the threshold needs (t / (1 + t) of both sizes together), the pair cannot reach it. Shared
 * tokens come in the same order in both sets, so a pair that fails this where it first meets
 * fails it wherever it meets again, and the test is made on each entry before the candidate
 * is looked up: on a's side it caps the size of b (the further a's token is from its start,
 * the shorter the window of the token's list), on b's side it drops entries late in b's
 * prefix. Each token's list is in runs by only_group, and a's own group's run is skipped
 * whole: on posts built from the same sentences the entries a token shares are nearly all
 * of one platform (100,000 posts: 2.5 G entries were scanned, of which 5,000 pairs of two
 * groups were verified). seen (one per thread, zeroed) marks candidates; *work counts the
 * steps. */
static size_t probe_item(const struct probe *pr, size_t i, uint32_t *seen, long long *work_out,
			 double *sim_out)
{
	long long work = 0; /* local: threads that counted in shared memory slowed each other */
	const struct item *items = pr->items, *a = &items[i];
	const struct classes *cl = pr->cl;
	const struct entry *index = pr->index;
	const uint32_t *index_off = pr->index_off, *ranks = pr->ranks, *run_ends = pr->run_end;
	size_t best = cl->twin[i];
	double best_sim = best != SIZE_MAX ? 1.0 : -1;
	/* the bar: the threshold, then the best similarity found so far (a later match must
	 * reach it, or equal it with a smaller name). As it rises, the prefix of a that can hold
	 * the first shared token shortens, and so do the sizes and overlaps worth looking at: a
	 * post with an identical twin stops after its rarest token. */
	double bar = pr->t - 1e-9;
	size_t limit = best != SIZE_MAX ? 0 : pr->prefix[i];
	double len_a = (double)a->len, min_len = 0, max_len = 0, share = 0;
	for (size_t k = 0; k < limit; k++) {
		/* b can share at most 1 + rest_a tokens from here: (1 + rest_a) >= share *
		 * (len_a + len_b) bounds len_b, as does the length filter (len_a / bar) */
		double rest_a = (double)(a->len - k - 1);
		min_len = bar * len_a;
		share = bar / (1 + bar);
		max_len = (1 + rest_a + 1e-9) / share - len_a;
		if (max_len > len_a / bar)
			max_len = len_a / bar;
		/* the token's list: a run per only_group, each sorted by size; a's own group is
		 * passed over, the others are scanned from min_len up to max_len */
		uint32_t r = ranks[a->first + k];
		for (uint32_t run = index_off[r], end = index_off[r + 1]; run < end;) {
			uint32_t run_end = run_ends[run];
			uint32_t x = index[run].only_group == a->group_id
					     ? run_end
					     : first_of_size(index, run, run_end, min_len);
			work++;
			for (; x < run_end && (double)index[x].len <= max_len; x++) {
				work++;
				/* b's side of the bound: at most len_b - pos tokens of b from here */
				double len_b = (double)index[x].len;
				if (len_b - (double)index[x].pos < share * (len_a + len_b) - 1e-9)
					continue;
				size_t j = index[x].item;
				if (j == i || seen[j] == i + 1)
					continue;
				seen[j] = (uint32_t)(i + 1);
				const struct item *b = &items[j];
				/* the member of j's class the search would choose for a */
				size_t member = same_group(a, b) ? cl->other[j] : j;
				if (member == SIZE_MAX || member == i)
					continue;
				work += (long long)(a->len + b->len) / 4;
				size_t c = common(ranks + a->first, a->len, ranks + b->first, b->len);
				double sim = (double)c / (double)(a->len + b->len - c);
				if (c > 0 && sim >= pr->t && beats(items, sim, member, best_sim, best)) {
					best = member;
					best_sim = sim;
					if (best_sim - 1e-9 > bar) {
						bar = best_sim - 1e-9;
						double keep = ceil(best_sim * len_a - 1e-7);
						size_t p = a->len - (keep < 1 ? 1 : (size_t)keep) + 1;
						if (p < limit)
							limit = p;
						min_len = bar * len_a;
						share = bar / (1 + bar);
						double cap = (1 + rest_a + 1e-9) / share - len_a;
						max_len = cap < len_a / bar ? cap : len_a / bar;
					}
				}
			}
			run = run_end;
		}
	}
	*work_out += work;
	*sim_out = best_sim;
	return best;
}

/* Threads for the probe, besides the caller: the lint run's (--jobs), none elsewhere. */
static _Atomic unsigned probe_helpers = 0;

void api_similar_set_threads(unsigned threads)
{
	atomic_store(&probe_helpers, threads > 1 ? threads - 1 : 0);
}

/* Fewer items than this are worked on by the calling thread alone. */
#define PROBE_PARALLEL_MIN 256
#define SPREAD_CHUNK 64
#define SPREAD_MAX_HELPERS 7

/* Work on items 0..n-1 shared out by chunks among the calling thread and the helpers: the
 * probe, and the sort of every set by rank before it. Each chunk is chunk(arg, thread,
 * from, to), thread 0 the caller's; the results must not depend on which thread took which
 * chunk (each chunk writes only its own items' results). */
struct spread {
	void (*chunk)(void *arg, unsigned thread, size_t from, size_t to);
	void *arg;
	struct host *host; /* ticked after each chunk: the watchdog sees the work go on */
	size_t n;
	_Atomic size_t next; /* the next chunk to take */
};

struct spread_thread {
	struct spread *sp;
	unsigned index;
};

static void *spread_chunks(void *p)
{
	const struct spread_thread *th = p;
	struct spread *sp = th->sp;
	for (;;) {
		size_t from = atomic_fetch_add(&sp->next, SPREAD_CHUNK);
		if (from >= sp->n)
			break;
		size_t to = from + SPREAD_CHUNK < sp->n ? from + SPREAD_CHUNK : sp->n;
		sp->chunk(sp->arg, th->index, from, to);
		host_tick(sp->host);
	}
	return NULL;
}

/* How many helpers work on `items` items: the lint run's threads (--jobs) less the caller,
 * none elsewhere or for few items. */
static unsigned spread_helpers(size_t items)
{
	unsigned helpers = atomic_load(&probe_helpers);
	if (items < PROBE_PARALLEL_MIN)
		return 0;
	return helpers > SPREAD_MAX_HELPERS ? SPREAD_MAX_HELPERS : helpers;
}

static void spread_run(struct spread *sp, unsigned helpers)
{
	pthread_t tids[SPREAD_MAX_HELPERS + 1];
	bool started[SPREAD_MAX_HELPERS + 1] = { false };
	struct spread_thread th[SPREAD_MAX_HELPERS + 1];
	for (unsigned h = 0; h <= helpers; h++)
		th[h] = (struct spread_thread){ sp, h };
	for (unsigned h = 1; h <= helpers; h++)
		started[h] = pthread_create(&tids[h], NULL, spread_chunks, &th[h]) == 0;
	spread_chunks(&th[0]); /* takes whatever a helper that did not start would have */
	for (unsigned h = 1; h <= helpers; h++)
		if (started[h])
			pthread_join(tids[h], NULL);
}

struct probe_thread {
	uint32_t *seen;
	long long work;
	char pad[64]; /* one cache line each: the threads write their own */
};

struct probe_run {
	const struct probe *pr;
	struct probe_thread *threads;
	size_t *best; /* per item, SIZE_MAX: none or not wanted */
	double *sim;
};

static void probe_chunk(void *arg, unsigned thread, size_t from, size_t to)
{
	struct probe_run *run = arg;
	struct probe_thread *th = &run->threads[thread];
	for (size_t i = from; i < to; i++)
		if (run->pr->prefix[i] && run->pr->items[i].want)
			run->best[i] = probe_item(run->pr, i, th->seen, &th->work, &run->sim[i]);
}

/* Pushes the result table: every wanted item probed, on this thread and the helpers; the
 * answers do not depend on how the items were shared out, and they are pushed in order. */
static void probe_all(lua_State *L, struct scratch *pad, const struct probe *pr, size_t n,
		      size_t wanted)
{
	unsigned helpers = spread_helpers(wanted);
	struct probe_thread th[SPREAD_MAX_HELPERS + 1];
	for (unsigned h = 0; h <= helpers; h++) {
		th[h] = (struct probe_thread){ .seen = take(pad, n, sizeof(uint32_t)) };
		memset(th[h].seen, 0, n * sizeof(uint32_t));
	}
	struct probe_run run = { pr, th, take(pad, n, sizeof(size_t)),
				 take(pad, n, sizeof(double)) };
	for (size_t i = 0; i < n; i++)
		run.best[i] = SIZE_MAX;
	struct spread sp = { probe_chunk, &run, host_of(L), n, 0 };
	spread_run(&sp, helpers);
	long long work = 0;
	for (unsigned h = 0; h <= helpers; h++)
		work += th[h].work;
	host_charge(L, work);
	lua_createtable(L, 0, 0);
	for (size_t i = 0; i < n; i++)
		if (run.best[i] != SIZE_MAX)
			push_match(L, i, run.best[i], run.sim[i]);
}

/* Every set as its tokens' ranks, sorted, and the length of its prefix (see search). */
struct rank_run {
	struct item *items;
	uint32_t *ranks;
	const uint32_t *rank_of;
	size_t *prefix;
	double t;
};

static void rank_chunk(void *arg, unsigned thread, size_t from, size_t to)
{
	(void)thread;
	const struct rank_run *run = arg;
	for (size_t i = from; i < to; i++) {
		const struct item *it = &run->items[i];
		run->prefix[i] = 0;
		if (!it->present || it->len == 0)
			continue;
		uint32_t *r = run->ranks + it->first;
		for (size_t k = 0; k < it->len; k++)
			r[k] = run->rank_of[r[k]];
		uint32_t room[1024];
		if (it->len <= 1024)
			sort_u32_spread(r, it->len, room); /* (low ranks crowd: sorted apart) */
		else
			sort_u32(r, it->len);
		double need = ceil(run->t * (double)it->len - 1e-7);
		size_t keep = need < 1 ? 1 : (size_t)need;
		run->prefix[i] = it->len - keep + 1;
	}
}

/* The search over items read by f_nearest or f_nearest_posts (their sets stay alive while
 * it runs; items is in pad, which gives its arrays back when f_nearest or f_nearest_posts
 * returns): pushes the result table. */
static void search(lua_State *L, struct scratch *pad, struct item *items, size_t n, size_t total,
		   size_t wanted, double t)
{
	luaL_checkstack(L, 8, "lint.nearest");
	assign_groups(pad, items, n);
	host_charge(L, (long long)(total / 4 + n));
	if (wanted <= DIRECT_MAX_WANTED) {
		direct_search(L, pad, items, n, total, t);
		return;
	}

	/* intern the tokens: ids by first appearance, and their document frequency. The table
	 * grows with the distinct tokens (posts share most of theirs), not with all of them */
	struct interner in = { .pad = pad, .cap = 1024 };
	interner_grow(&in);
	uint32_t *ranks = take(pad, total, sizeof(uint32_t)); /* per occurrence: its token id */
	size_t nocc = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		if (!it->present)
			continue;
		const char *set = (const char *)(uintptr_t)it->first;
		size_t count = it->len;
		it->first = nocc;
		bool ascending = true; /* as post:shingles makes them: no token twice */
		uint64_t previous = 0;
		for (size_t k = 0; k < count; k++) {
			uint64_t token;
			memcpy(&token, set + k * sizeof(uint64_t), sizeof(token));
			ascending &= k == 0 || token > previous;
			previous = token;
			ranks[nocc++] = intern(&in, token);
		}
		it->len = nocc - it->first;
		if (!ascending) {
			/* duplicates within a set count once */
			sort_u32(ranks + it->first, it->len);
			size_t w = 0;
			for (size_t k = 0; k < it->len; k++)
				if (w == 0 || ranks[it->first + k] != ranks[it->first + w - 1])
					ranks[it->first + w++] = ranks[it->first + k];
			it->len = w;
		}
		for (size_t k = 0; k < it->len; k++)
			in.df[ranks[it->first + k]]++;
	}

	/* the global order: rarest first (then first appearance); rank[id] is the position */
	size_t ntok = in.n;
	scratch_drop(pad, in.slots);
	scratch_drop(pad, in.tokens);
	/* by a counting sort: frequencies are at most the items, and the ids of one frequency
	 * come in ascending order as they are counted out (a sort of (df, id) pairs was a
	 * tenth of judging the calendar, on one thread) */
	uint32_t max_df = 0;
	for (size_t id = 0; id < ntok; id++)
		max_df = in.df[id] > max_df ? in.df[id] : max_df;
	uint32_t *at = take(pad, (size_t)max_df + 1, sizeof(uint32_t)); /* df -> next rank */
	memset(at, 0, ((size_t)max_df + 1) * sizeof(uint32_t));
	for (size_t id = 0; id < ntok; id++)
		at[in.df[id]]++;
	uint32_t next = 0;
	for (size_t f = 0; f <= max_df; f++) {
		uint32_t count = at[f];
		at[f] = next;
		next += count;
	}
	uint32_t *rank_of = take(pad, ntok, sizeof(uint32_t));
	for (size_t id = 0; id < ntok; id++)
		rank_of[id] = at[in.df[id]]++;
	scratch_drop(pad, at);
	scratch_drop(pad, in.df);
	host_charge(L, (long long)(ntok / 8 + nocc / 8));

	/* every set as sorted ranks, its classes, and the index of the representatives'
	 * prefixes: rank -> items. (A counting sort of all the sets at once took a sixth of the
	 * instructions of these sorts, but its array of every occurrence, 30 MB at 100,000 posts,
	 * cost as much in page faults on this VM as it saved, and raised the peak.) */
	size_t *prefix = take(pad, n, sizeof(size_t));
	struct rank_run ranking = { items, ranks, rank_of, prefix, t };
	struct spread sp = { rank_chunk, &ranking, host_of(L), n, 0 };
	spread_run(&sp, spread_helpers(n));
	scratch_drop(pad, rank_of);
	struct classes cl = { take(pad, n, sizeof(uint32_t)), take(pad, n, sizeof(size_t)),
			      take(pad, n, sizeof(size_t)) };
	find_classes(pad, items, n, ranks, &cl);
	host_charge(L, (long long)(nocc / 8 + n));
	uint32_t *index_off = take(pad, ntok + 1, sizeof(uint32_t));
	memset(index_off, 0, (ntok + 1) * sizeof(uint32_t));
	size_t nindex = 0;
	for (size_t i = 0; i < n; i++) {
		if (cl.rep[i] != i)
			continue;
		for (size_t k = 0; k < prefix[i]; k++)
			index_off[ranks[items[i].first + k] + 1]++;
		nindex += prefix[i];
	}
	for (size_t r = 0; r < ntok; r++)
		index_off[r + 1] += index_off[r];
	/* each entry: the item, the token's position in it (for the positional filter), the
	 * item's size and its only_group; each token's list sorted by only_group, then size, so
	 * that a probe skips its own group and scans only the sizes that can reach the threshold
	 * (t * n .. n / t). The representatives are sorted so once, and the lists filled in that
	 * order come out sorted. */
	size_t nreps = 0;
	for (size_t i = 0; i < n; i++)
		nreps += cl.rep[i] == i && prefix[i] > 0;
	struct entry *reps = take(pad, nreps, sizeof(struct entry));
	nreps = 0;
	for (size_t i = 0; i < n; i++) {
		if (cl.rep[i] != i || prefix[i] == 0)
			continue;
		uint32_t only = cl.other[i] == SIZE_MAX ? items[i].group_id : UINT32_MAX;
		reps[nreps++] = (struct entry){ (uint32_t)i, 0, (uint32_t)items[i].len, only };
	}
	qsort(reps, nreps, sizeof(struct entry), compare_entries);
	struct entry *index = take(pad, nindex, sizeof(struct entry));
	uint32_t *fill = take(pad, ntok, sizeof(uint32_t));
	memcpy(fill, index_off, ntok * sizeof(uint32_t));
	for (size_t e = 0; e < nreps; e++) {
		struct entry rep = reps[e];
		for (size_t k = 0; k < prefix[rep.item]; k++) {
			rep.pos = (uint32_t)k;
			index[fill[ranks[items[rep.item].first + k]]++] = rep;
		}
	}
	host_charge(L, (long long)nindex / 4);

	/* where each entry's run of one only_group ends within its token's list, found once
	 * here rather than by a search in every probe that meets the token */
	scratch_drop(pad, fill);
	scratch_drop(pad, reps);
	uint32_t *run_end = take(pad, nindex, sizeof(uint32_t));
	for (size_t r = 0; r < ntok; r++) {
		uint32_t end = index_off[r + 1];
		for (uint32_t x = end; x > index_off[r]; x--) {
			bool last = x == end || index[x].only_group != index[x - 1].only_group;
			run_end[x - 1] = last ? x : run_end[x];
		}
	}
	host_charge(L, (long long)nindex / 8);

	struct probe pr = { items, ranks, prefix, &cl, index, index_off, run_end, t };
	probe_all(L, pad, &pr, n, wanted);
}

/* The string on top of the stack, kept alive in the table at holder (its *kept-th entry)
 * until the search ends: a string a metamethod made, or luaL_checklstring converted from a
 * number, has no other owner once popped, and the search reads it long after. */
static const char *kept_string(lua_State *L, int holder, lua_Integer *kept, size_t *len)
{
	const char *str = lua_tolstring(L, -1, len);
	lua_pushvalue(L, -1);
	lua_rawseti(L, holder, ++*kept);
	return str;
}

static int f_nearest(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	double t = luaL_checknumber(L, 2);
	luaL_argcheck(L, t > 0 && t <= 1, 2, "the threshold must be above 0 and at most 1");
	size_t n = (size_t)lua_rawlen(L, 1);
	lua_settop(L, 2);
	lua_createtable(L, 0, 0); /* 3: the strings the items' fields gave (kept_string) */
	lua_Integer kept = 0;
	struct scratch *pad = scratch_open(L); /* 4 */
	struct item *items = take(pad, n, sizeof(*items));
	size_t total = 0, wanted = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		memset(it, 0, sizeof(*it));
		if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE) {
			lua_pop(L, 1);
			continue;
		}
		size_t len;
		if (lua_getfield(L, -1, "set") != LUA_TSTRING)
			luaL_error(L, "lint.nearest: item %d needs 'set' (from post:shingles)",
				   (int)i + 1);
		const char *set = kept_string(L, 3, &kept, &len);
		if (len % sizeof(uint64_t) != 0)
			luaL_error(L, "lint.nearest: item %d: 'set' is not a set of 8-byte tokens "
				      "(make it with post:shingles)", (int)i + 1);
		lua_pop(L, 1);
		lua_getfield(L, -1, "group");
		if (!lua_isnil(L, -1)) {
			luaL_checklstring(L, -1, NULL);
			it->group = kept_string(L, 3, &kept, &it->group_len);
		} else {
			it->group = "";
		}
		lua_pop(L, 1);
		lua_getfield(L, -1, "name");
		if (!lua_isnil(L, -1)) {
			size_t name_len;
			luaL_checkstring(L, -1);
			it->name = kept_string(L, 3, &kept, &name_len);
		} else {
			it->name = "";
		}
		lua_pop(L, 1);
		lua_getfield(L, -1, "want");
		it->want = lua_isnil(L, -1) || lua_toboolean(L, -1);
		lua_pop(L, 2);
		it->present = true;
		wanted += it->want;
		it->len = len / sizeof(uint64_t); /* tokens for now: renumbered below */
		it->first = (size_t)(uintptr_t)set; /* likewise */
		total += it->len;
	}
	search(L, pad, items, n, total, wanted, t);
	return 1;
}

/* An item's set and group from a post's collected data, as the host keeps it: false when the
 * data is no map (it cannot have the fields). */
static bool collected_fields(const unsigned char *bin, size_t len, const struct value *tree,
			     const char *set_key, const char *group_key, const char **set,
			     size_t *set_len, const char **group, size_t *group_len)
{
	*set = *group = NULL;
	if (bin) {
		const char *keys[2] = { set_key, group_key }, *str[2];
		size_t lens[2];
		int found[2];
		if (value_bin_map_strings(bin, len, keys, 2, found, str, lens) != 0)
			return false;
		if (found[0] == 1) { /* missing or no string: reported as missing */
			*set = str[0];
			*set_len = lens[0];
		}
		if (found[1] == 1) {
			*group = str[1];
			*group_len = lens[1];
		}
		return found[1] >= 0;
	}
	if (tree->type != VALUE_MAP)
		return false;
	const struct value *v = value_map_get(tree, set_key);
	if (v && v->type == VALUE_STRING) {
		*set = v->string;
		*set_len = v->string_len;
	}
	v = value_map_get(tree, group_key);
	if (v && v->type == VALUE_STRING) {
		*group = v->string;
		*group_len = v->string_len;
	}
	return !v || v->type == VALUE_STRING || v->type == VALUE_NIL;
}

/* At most this many fields of a post's collected data are carried into its match (read in
 * one pass). */
#define CARRY_MAX VALUE_BIN_MAX_KEYS

/* Copies the carried fields of post i's collected data (keys) into its match, the table on
 * top: read where the host keeps them for a light post (one value each, not the whole
 * data: its set is thousands of bytes), through Lua for another table. */
static void carry_fields(lua_State *L, size_t i, const char *const *keys, size_t nkeys)
{
	lua_rawgeti(L, 1, (lua_Integer)i + 1);
	const struct post_view *view = api_test_post_view(L, -1);
	if (view && view->light) {
		lua_pop(L, 1);
		const unsigned char *bin, *values[CARRY_MAX];
		size_t len, value_lens[CARRY_MAX];
		const struct value *tree;
		api_post_collected(L, view, &bin, &len, &tree);
		bool read = bin && value_bin_map_values(bin, len, keys, nkeys, values, value_lens) == 0;
		for (size_t k = 0; k < nkeys; k++) {
			if (read && values[k])
				api_push_bin(L, values[k], value_lens[k]);
			else if (!bin && tree && tree->type == VALUE_MAP)
				api_push_value(L, value_map_get(tree, keys[k]));
			else
				lua_pushnil(L);
			lua_setfield(L, -2, keys[k]);
		}
		return;
	}
	lua_getfield(L, -1, "collected"); /* a table: it made the item */
	for (size_t k = 0; k < nkeys; k++) {
		lua_getfield(L, -1, keys[k]);
		lua_setfield(L, -4, keys[k]);
	}
	lua_pop(L, 2);
}

/* lint.nearest_posts(posts, threshold, set_key, group_key [, carry]): lint.nearest over the
 * posts' collected data, items[i] = { set = c[set_key], group = c[group_key], name =
 * post.path, want = post.linted } where c = post.collected (no item where it is nil). The
 * host's light posts are read in C, from the data as the host keeps it (the cache's pack,
 * or the binary form the per-post pass left): a calendar's sets are never copied into Lua
 * strings nor its items made as tables, which took cross-post-duplicate's check_set longer
 * than the search and held 1 KB of Lua memory per post. Other tables are read through
 * their fields. carry, a list of keys, copies those fields of each matched post's own c
 * into its match: reading post.collected to report on the post decoded all of c, its set
 * too (at 100,000 posts, a sixth of cross-post-duplicate's time). */
static int f_nearest_posts(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	double t = luaL_checknumber(L, 2);
	luaL_argcheck(L, t > 0 && t <= 1, 2, "the threshold must be above 0 and at most 1");
	const char *set_key = luaL_checkstring(L, 3);
	const char *group_key = luaL_checkstring(L, 4);
	const char *carry[CARRY_MAX];
	size_t ncarry = 0;
	if (!lua_isnoneornil(L, 5)) {
		luaL_checktype(L, 5, LUA_TTABLE);
		size_t count = (size_t)lua_rawlen(L, 5);
		luaL_argcheck(L, count <= CARRY_MAX, 5, "at most 8 fields are carried");
		_Static_assert(CARRY_MAX == 8, "the message says 8");
		for (size_t k = 0; k < count; k++) {
			if (lua_rawgeti(L, 5, (lua_Integer)k + 1) != LUA_TSTRING)
				luaL_argerror(L, 5, "the fields to carry are a list of strings");
			const char *key = lua_tostring(L, -1);
			lua_pop(L, 1); /* (the string stays in the list, on the stack) */
			if (strcmp(key, "index") == 0 || strcmp(key, "similarity") == 0)
				luaL_argerror(L, 5, "a match has its own 'index' and 'similarity'");
			carry[ncarry++] = key;
		}
	}
	lua_settop(L, 5);
	size_t n = (size_t)lua_rawlen(L, 1);
	lua_createtable(L, 0, 0); /* 6: the strings read through Lua (kept_string) */
	lua_Integer kept = 0;
	struct scratch *pad = scratch_open(L); /* 7 */
	struct item *items = take(pad, n, sizeof(*items));
	size_t total = 0, wanted = 0;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		memset(it, 0, sizeof(*it));
		lua_rawgeti(L, 1, (lua_Integer)i + 1);
		const struct post_view *view = api_test_post_view(L, -1);
		const char *set = NULL, *group = NULL;
		size_t set_len = 0, group_len = 0;
		bool group_ok;
		if (view && view->light) {
			const unsigned char *bin;
			size_t len;
			const struct value *tree;
			lua_pop(L, 1);
			if (!api_post_collected(L, view, &bin, &len, &tree) ||
			    !api_collected_truthy(bin, len, tree))
				continue; /* nil or false: no item, as `d and {...} or false` */
			group_ok = collected_fields(bin, len, tree, set_key, group_key, &set,
						    &set_len, &group, &group_len);
			it->name = view->post->path;
			it->want = view->linted;
		} else {
			if (lua_type(L, -1) != LUA_TTABLE) {
				lua_settop(L, 7);
				continue;
			}
			lua_getfield(L, -1, "collected");
			if (!lua_toboolean(L, -1)) { /* nil or false: no item */
				lua_settop(L, 7);
				continue;
			}
			if (!lua_istable(L, -1))
				luaL_error(L, "lint.nearest_posts: post %d: collected data is no table",
					   (int)i + 1);
			if (lua_getfield(L, -1, set_key) == LUA_TSTRING)
				set = kept_string(L, 6, &kept, &set_len);
			int group_type = lua_getfield(L, -2, group_key);
			group_ok = group_type == LUA_TNIL || group_type == LUA_TSTRING;
			if (group_type == LUA_TSTRING)
				group = kept_string(L, 6, &kept, &group_len);
			lua_getfield(L, -4, "path");
			size_t name_len;
			it->name = lua_type(L, -1) == LUA_TSTRING
					   ? kept_string(L, 6, &kept, &name_len) : "";
			lua_getfield(L, -5, "linted");
			it->want = lua_isnil(L, -1) || lua_toboolean(L, -1);
			lua_settop(L, 7);
		}
		if (!set)
			luaL_error(L, "lint.nearest_posts: post %d: collected data needs '%s' (from "
				      "post:shingles)", (int)i + 1, set_key);
		if (set_len % sizeof(uint64_t) != 0)
			luaL_error(L, "lint.nearest_posts: post %d: '%s' is not a set of 8-byte tokens "
				      "(make it with post:shingles)", (int)i + 1, set_key);
		if (!group_ok)
			luaL_error(L, "lint.nearest_posts: post %d: '%s' is not a string", (int)i + 1,
				   group_key);
		it->group = group ? group : "";
		it->group_len = group ? group_len : 0;
		it->present = true;
		wanted += it->want;
		it->len = set_len / sizeof(uint64_t); /* tokens for now: renumbered by search */
		it->first = (size_t)(uintptr_t)set; /* likewise */
		total += it->len;
	}
	search(L, pad, items, n, total, wanted, t);
	for (size_t i = 0; ncarry > 0 && i < n; i++) {
		if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE)
			carry_fields(L, i, carry, ncarry);
		lua_pop(L, 1);
	}
	return 1;
}

void api_open_similar(lua_State *L)
{
	lua_pushcfunction(L, f_nearest);
	lua_setfield(L, -2, "nearest");
	lua_pushcfunction(L, f_nearest_posts);
	lua_setfield(L, -2, "nearest_posts");
}
