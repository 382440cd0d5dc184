/* Collected data of one post (see collected.h). */
#include "collected.h"

#include <stdlib.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "value_bin.h"

void collected_init(struct collected *c, size_t nslots)
{
	c->n = nslots;
	c->seen = true;
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
