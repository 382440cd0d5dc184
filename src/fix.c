/* Applying fix groups in one pass (see fix.h). */
#include "fix.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

struct group {
	const struct edit *edits;
	size_t nedits;
	const char *rule;
	size_t start, end; /* span of all its edits */
	size_t order;
};

const struct edit *fix_edits_of(const struct finding *f, const struct fix_options *opts,
				size_t *nedits)
{
	if (f->nfix) {
		*nedits = f->nfix;
		return f->fix;
	}
	if (opts && opts->unsafe && f->nsuggestions && f->suggestions[0].nedits) {
		*nedits = f->suggestions[0].nedits;
		return f->suggestions[0].edits;
	}
	*nedits = 0;
	return NULL;
}

/* Edits sorted by position, disjoint and inside the text: anything else cannot be applied
 * as a whole, so it is not applied at all. */
static bool well_formed(const struct edit *e, size_t n, size_t len)
{
	for (size_t k = 0; k < n; k++) {
		if (e[k].start > e[k].end || e[k].end > len)
			return false;
		if (k && e[k].start < e[k - 1].end)
			return false;
	}
	return true;
}

static int compare_text(const struct edit *x, const struct edit *y)
{
	size_t n = x->text_len < y->text_len ? x->text_len : y->text_len;
	int c = memcmp(x->text, y->text, n);
	if (c)
		return c;
	return x->text_len < y->text_len ? -1 : x->text_len > y->text_len;
}

static int compare_groups(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	int c = strcmp(x->rule, y->rule);
	if (c)
		return c;
	for (size_t k = 0; k < x->nedits && k < y->nedits; k++)
		if ((c = compare_text(&x->edits[k], &y->edits[k])) != 0)
			return c;
	if (x->nedits != y->nedits)
		return x->nedits < y->nedits ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Appends replacement text, turning bare LF into CRLF when the file uses CRLF. */
static void add_replacement(struct buf *out, const struct edit *e, const struct fix_options *opts)
{
	bool crlf = opts && opts->newline && strcmp(opts->newline, "\r\n") == 0;
	if (!crlf) {
		buf_add(out, e->text, e->text_len);
		return;
	}
	for (size_t i = 0; i < e->text_len; i++) {
		if (e->text[i] == '\n' && (i == 0 || e->text[i - 1] != '\r'))
			buf_addc(out, '\r');
		buf_addc(out, e->text[i]);
	}
}

char *fix_apply(const char *text, size_t len, const struct report *report,
		const struct fix_options *opts, size_t *out_len, size_t *applied)
{
	size_t n = 0;
	struct group *groups = xcalloc(report->findings.len + 1, sizeof(*groups));
	for (size_t i = 0; i < report->findings.len; i++) {
		const struct finding *f = &report->findings.items[i];
		size_t nedits;
		const struct edit *edits = fix_edits_of(f, opts, &nedits);
		if (!edits || !well_formed(edits, nedits, len))
			continue;
		groups[n++] = (struct group){ edits, nedits, f->rule, edits[0].start,
					      edits[nedits - 1].end, i };
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
		for (size_t k = 0; k < groups[g].nedits; k++) {
			const struct edit *e = &groups[g].edits[k];
			buf_add(&out, text + pos, e->start - pos);
			add_replacement(&out, e, opts);
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
