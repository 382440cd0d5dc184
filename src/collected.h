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
	struct collected_raw *raw; /* per slot, or NULL: data not decoded (values[i] NULL) */
	unsigned char *raw_owned;  /* the bytes raw points into, when not the pack's */
	size_t n;              /* slots */
	bool seen;             /* made by collected_init: the rules across posts see the post */
};

/* Makes room for nslots rules with collect (nothing collected yet). */
void collected_init(struct collected *c, size_t nslots);
void collected_release(struct collected *c);
/* Keeps each rule's data in the binary form instead of a value tree (a third of the memory):
 * for posts whose data waits for the calendar. Errors stay as they are. */
void collected_compact(struct collected *c);

#endif
