/* Collected data of one post (see collected.h). */
#include "collected.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "value_bin.h"

void collected_init(struct collected *c, size_t nslots)
{
	*c = (struct collected){ .n = nslots, .seen = true };
	c->values = xcalloc(nslots ? nslots : 1, sizeof(*c->values));
	c->errors = xcalloc(nslots ? nslots : 1, sizeof(*c->errors));
}

void collected_release(struct collected *c)
{
	if (!c || !c->values)
		return;
	for (size_t i = 0; i < c->n; i++) {
		value_free(c->values[i]);
		free(c->errors[i]);
	}
	free(c->values);
	free(c->errors);
	free(c->raw);
	free(c->raw_owned);
	*c = (struct collected){ 0 };
}

void collected_compact(struct collected *c)
{
	if (!c || !c->values || c->raw)
		return;
	struct buf bytes = BUF_INIT;
	size_t *start = xcalloc(c->n ? c->n : 1, sizeof(*start));
	bool any = false;
	for (size_t i = 0; i < c->n; i++) {
		start[i] = bytes.len;
		if (c->values[i]) {
			value_bin_put(&bytes, c->values[i]);
			any = true;
		}
	}
	if (any) {
		size_t len = bytes.len;
		/* exactly its size: thousands of these wait for the calendar */
		c->raw_owned = xrealloc(buf_detach(&bytes, NULL), len ? len : 1);
		c->raw = xcalloc(c->n, sizeof(*c->raw));
		for (size_t i = 0; i < c->n; i++) {
			if (!c->values[i])
				continue;
			size_t end = i + 1 < c->n ? start[i + 1] : len;
			c->raw[i] = (struct collected_raw){ c->raw_owned + start[i], end - start[i] };
			value_free(c->values[i]);
			c->values[i] = NULL;
		}
	}
	buf_release(&bytes);
	free(start);
}

void collect_budget_init(struct collect_budget *b, size_t nslots, size_t max_bytes)
{
	b->bytes = xcalloc(nslots ? nslots : 1, sizeof(*b->bytes));
	for (size_t i = 0; i < nslots; i++)
		atomic_init(&b->bytes[i], 0);
	b->nslots = nslots;
	b->max_bytes = max_bytes;
}

void collect_budget_release(struct collect_budget *b)
{
	free((void *)b->bytes);
	*b = (struct collect_budget){ 0 };
}

/* c's raw slots dropped (NULL) from bytes of its own (a cache entry's): the others copied to
 * bytes of their own, so that the memory of the dropped ones goes (a run over posts answered
 * by the cache would otherwise hold every entry's data, the bound notwithstanding) */
static void release_dropped_raw(struct collected *c)
{
	if (!c->raw_owned)
		return; /* bytes of the pack, mapped from its file */
	size_t total = 0;
	for (size_t i = 0; i < c->n; i++)
		total += c->raw[i].bytes ? c->raw[i].len : 0;
	unsigned char *own = xmalloc(total ? total : 1), *at = own;
	for (size_t i = 0; i < c->n; i++) {
		if (!c->raw[i].bytes)
			continue;
		memcpy(at, c->raw[i].bytes, c->raw[i].len);
		c->raw[i].bytes = at;
		at += c->raw[i].len;
	}
	free(c->raw_owned);
	c->raw_owned = own;
}

/* Slot i's data in the binary form: its length, stored or measured. */
static size_t slot_bytes(const struct collected *c, size_t i)
{
	if (c->raw && c->raw[i].bytes)
		return c->raw[i].len;
	return c->values[i] ? value_bin_size(c->values[i]) : 0;
}

void collected_account(struct collected *c, const struct collect_budget *b)
{
	if (!b || !c || !c->values)
		return;
	bool raw_dropped = false;
	for (size_t i = 0; i < c->n && i < b->nslots; i++) {
		bool raw = c->raw && c->raw[i].bytes;
		size_t len = slot_bytes(c, i);
		if (len == 0)
			continue;
		size_t total = atomic_fetch_add_explicit(&b->bytes[i], len, memory_order_relaxed) +
			       len;
		if (total <= b->max_bytes)
			continue;
		c->dropped = true;
		if (raw) {
			c->raw[i] = (struct collected_raw){ NULL, 0 };
			raw_dropped = true;
		} else {
			value_free(c->values[i]);
			c->values[i] = NULL;
		}
	}
	if (raw_dropped)
		release_dropped_raw(c);
}

void collected_tally(const struct collected *c, size_t *sums, size_t nslots)
{
	if (!c || !c->values)
		return;
	size_t n = c->n < nslots ? c->n : nslots;
	if (c->raw) { /* then every slot's data is raw (collected.h), a missing one of length 0 */
		for (size_t i = 0; i < n; i++)
			sums[i] += c->raw[i].len;
		return;
	}
	for (size_t i = 0; i < n; i++)
		sums[i] += slot_bytes(c, i);
}

void collect_budget_add(const struct collect_budget *b, const size_t *sums)
{
	for (size_t i = 0; b && i < b->nslots; i++)
		if (sums[i])
			atomic_fetch_add_explicit(&b->bytes[i], sums[i], memory_order_relaxed);
}

bool collect_budget_over(const struct collect_budget *b, size_t slot, size_t *bytes)
{
	size_t n = b && slot < b->nslots
			   ? atomic_load_explicit(&b->bytes[slot], memory_order_relaxed)
			   : 0;
	if (bytes)
		*bytes = n;
	return b && n > b->max_bytes;
}
