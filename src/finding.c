/* Findings and reports. */
#include "finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const char *const severity_names[] = { "off", "info", "warning", "error" };

enum severity severity_parse(const char *name, bool *ok)
{
	*ok = true;
	for (int i = 0; i < 4; i++)
		if (strcmp(name, severity_names[i]) == 0)
			return (enum severity)i;
	if (strcmp(name, "warn") == 0)
		return SEVERITY_WARNING;
	*ok = false;
	return SEVERITY_OFF;
}

const char *severity_name(enum severity s)
{
	return severity_names[s];
}

void edit_release(struct edit *e)
{
	free(e->text);
	e->text = NULL;
}

void finding_release(struct finding *f)
{
	for (size_t i = 0; i < f->nfix; i++)
		edit_release(&f->fix[i]);
	free(f->fix);
	for (size_t i = 0; i < f->nsuggestions; i++) {
		for (size_t j = 0; j < f->suggestions[i].nedits; j++)
			edit_release(&f->suggestions[i].edits[j]);
		free(f->suggestions[i].edits);
		free(f->suggestions[i].title);
	}
	free(f->suggestions);
	free(f->rule);
	free(f->message);
	free(f->detail);
	memset(f, 0, sizeof(*f));
}

void report_init(struct report *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->findings.len; i++)
		finding_release(&r->findings.items[i]);
	VEC_FREE(&r->findings);
	free(r->path);
	r->path = NULL;
}

void report_compact(struct report *r, size_t room)
{
	size_t keep = r->findings.len + room;
	if (r->findings.cap <= keep)
		return;
	if (keep == 0) {
		VEC_FREE(&r->findings);
		return;
	}
	r->findings.items = xrealloc(r->findings.items, keep * sizeof(struct finding));
	r->findings.cap = keep;
}

void report_add(struct report *r, struct finding *f)
{
	/* Most reports get a few findings, and a run holds one report per post (two with rules
	 * across posts) until its end: grown from 2, not from the vector's usual 8 (at 10,000
	 * posts the calendar's reports, mostly of one finding, held 5.5 MB so). */
	VEC_RESERVE_FROM(&r->findings, r->findings.len + 1, 2);
	r->findings.items[r->findings.len++] = *f;
	memset(f, 0, sizeof(*f));
}

void report_addf(struct report *r, const char *rule, enum severity sev, size_t start, size_t end,
		 const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	struct finding f = { .rule = xstrdup(rule), .severity = sev, .start = start, .end = end,
			     .internal = true };
	f.message = buf_detach(&msg, NULL);
	report_add(r, &f);
}

void report_locate(struct report *r, const struct post *post)
{
	report_locate_from(r, post, 0);
}

void report_locate_from(struct report *r, const struct post *post, size_t first)
{
	for (size_t i = first; i < r->findings.len; i++) {
		struct finding *f = &r->findings.items[i];
		if (!post) {
			f->line = f->column = f->end_line = f->end_column = 1;
			continue;
		}
		post_line_col(post, f->start, &f->line, &f->column);
		post_line_col(post, f->end, &f->end_line, &f->end_column);
	}
}

static int compare_findings(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	int c = strcmp(x->rule, y->rule);
	if (c)
		return c;
	c = strcmp(x->message, y->message);
	if (c)
		return c;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

void report_sort(struct report *r)
{
	if (r->findings.len > 1)
		qsort(r->findings.items, r->findings.len, sizeof(struct finding), compare_findings);
}
