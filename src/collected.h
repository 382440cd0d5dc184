/* What the collect functions of the rules across posts returned for one post: plain data
 * (a value tree) per rule, made in the per-post pass (any thread) and read by check_set
 * afterwards (post.collected). Indexed by the rules' collect_slot (rules.h), so that the
 * thousands of posts waiting for the calendar hold a slot per rule with collect, not per
 * rule; every session loads the same rules in the same order, so the slots agree across
 * threads. */
#ifndef POSTLINT_COLLECTED_H
#define POSTLINT_COLLECTED_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

/* A rule's data still in the binary form of value_bin.h (checked already), read straight
 * into Lua when check_set asks: posts answered by the cache's pack (cache.c). */
struct collected_raw {
	const unsigned char *bytes; /* borrowed from the pack, which outlives the run */
	size_t len;
};

struct collected {
	struct value **values; /* per slot: its data; NULL when nil or not collected */
	char **errors;         /* per slot: why its collect failed, or NULL */
	struct collected_raw *raw; /* per slot, or NULL: data not decoded (values[i] NULL); when
				    * there is raw, no slot has values (a missing one: {NULL, 0}) */
	unsigned char *raw_owned;  /* the bytes raw points into, when not the pack's */
	size_t n;              /* slots */
	bool seen;             /* made by collected_init: the rules across posts see the post */
	bool dropped;          /* some slot's data was dropped: its rule kept too much (below) */
};

/* Makes room for nslots rules with collect (nothing collected yet). */
void collected_init(struct collected *c, size_t nslots);
void collected_release(struct collected *c);
/* Keeps each rule's data in the binary form instead of a value tree (a third of the memory):
 * for posts whose data waits for the calendar. Errors stay as they are. */
void collected_compact(struct collected *c);

/* How much of what collect returns the rules across posts may keep, over all the posts of a
 * run: per rule (slot), counted in the binary form (value_bin.h), the form in which the data
 * of thousands of posts waits for the calendar. 64 KB a post is what one collect may return
 * (session.c); this bounds the sum, which would otherwise grow with the repository (a rule
 * returning 60 KB a post made postlint hold 6 GB at 100,000 posts). The count is the sum of
 * every post's data, whatever the order the threads counted in, so whether a rule went over
 * is the same for every --jobs and with or without --cache. */
struct collect_budget {
	_Atomic size_t *bytes; /* per slot: counted so far */
	size_t nslots;
	size_t max_bytes; /* per slot */
};

void collect_budget_init(struct collect_budget *b, size_t nslots, size_t max_bytes);
void collect_budget_release(struct collect_budget *b);
/* Counts c's data (values or raw) against b (any thread). A slot whose count has gone over
 * drops its data at once (freed: the rule will not run across posts, see
 * collect_budget_over) and sets c->dropped, so that nothing stores the post as collected. */
void collected_account(struct collected *c, const struct collect_budget *b);
/* For posts whose data stays where it is (the bytes of the cache's pack, mapped from its
 * file: nothing to free), counted in bulk on one thread: c's bytes added to sums[slot]
 * (nslots of them), then all of them to b at once - an atomic addition per post and rule was
 * 1 M instructions of a commit's hook with 10,000 posts from the pack. */
void collected_tally(const struct collected *c, size_t *sums, size_t nslots);
void collect_budget_add(const struct collect_budget *b, const size_t *sums);
/* Whether slot's count went over its bound; *bytes its count. */
bool collect_budget_over(const struct collect_budget *b, size_t slot, size_t *bytes);

#endif
