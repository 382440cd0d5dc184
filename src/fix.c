/* Applying fix groups in one pass (see fix.h). */
#include "fix.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

struct group {
	const struct finding *f;
	size_t start, end; /* span of all its edits */
	size_t order;
};

static int compare_groups(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	int c = strcmp(x->f->rule, y->f->rule);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

char *fix_apply(const char *text, size_t len, const struct report *report, size_t *out_len,
		size_t *applied)
{
	size_t n = 0;
	struct group *groups = xcalloc(report->findings.len + 1, sizeof(*groups));
	for (size_t i = 0; i < report->findings.len; i++) {
		const struct finding *f = &report->findings.items[i];
		if (!f->nfix)
			continue;
		groups[n] = (struct group){ f, f->fix[0].start, f->fix[f->nfix - 1].end, i };
		for (size_t k = 0; k < f->nfix; k++) {
			if (f->fix[k].start < groups[n].start)
				groups[n].start = f->fix[k].start;
			if (f->fix[k].end > groups[n].end)
				groups[n].end = f->fix[k].end;
		}
		n++;
	}
	if (n > 1)
		qsort(groups, n, sizeof(*groups), compare_groups);
	struct buf out = BUF_INIT;
	size_t pos = 0, taken = 0;
	bool any = false;
	size_t last_end = 0;
	for (size_t g = 0; g < n; g++) {
		/* a group overlapping one already taken is skipped; so is an insertion exactly
		 * where the previous group ended, whose order against it would be arbitrary */
		if (any && (groups[g].start < last_end ||
			    (groups[g].start == groups[g].end && groups[g].start == last_end)))
			continue;
		const struct finding *f = groups[g].f;
		for (size_t k = 0; k < f->nfix; k++) {
			const struct edit *e = &f->fix[k];
			if (e->start > len || e->end > len)
				break;
			buf_add(&out, text + pos, e->start - pos);
			buf_add(&out, e->text, e->text_len);
			pos = e->end;
		}
		last_end = groups[g].end;
		any = true;
		taken++;
	}
	buf_add(&out, text + pos, len - pos);
	free(groups);
	if (applied)
		*applied = taken;
	return buf_detach(&out, out_len);
}
