/* Collected data of one post (see collected.h). */
#include "collected.h"

#include <stdlib.h>

#include "util/xalloc.h"

void collected_init(struct collected *c, size_t nrules)
{
	c->n = nrules;
	c->values = xcalloc(nrules ? nrules : 1, sizeof(*c->values));
	c->errors = xcalloc(nrules ? nrules : 1, sizeof(*c->errors));
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
	*c = (struct collected){ 0 };
}
