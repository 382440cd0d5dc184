/* The calendar (see calendar.h). */
#include "calendar.h"

#include <stdlib.h>

#include "util/xalloc.h"

struct calendar {
	struct report *reports; /* one per linted file */
	size_t n;
};

static bool add_post(struct set_post **posts, size_t *n, size_t *cap, const struct source_file *f,
		     struct report *report)
{
	if (!f->config)
		return false;
	char *data;
	size_t len;
	if (source_file_read(f, &data, &len, NULL) < 0)
		return false;
	xgrow((void **)posts, cap, *n + 1, sizeof(**posts));
	(*posts)[(*n)++] = (struct set_post){ .post = post_new(f->display, data, len),
					      .abs_path = f->abs_path, .cfg = f->config,
					      .report = report };
	return true;
}

struct calendar *calendar_new(struct session *s, const struct source_list *files)
{
	if (!session_has_set_rules(s))
		return NULL;
	struct calendar *c = xcalloc(1, sizeof(*c));
	c->n = files->len;
	c->reports = xcalloc(files->len ? files->len : 1, sizeof(*c->reports));
	for (size_t i = 0; i < files->len; i++)
		report_init(&c->reports[i], files->items[i].display);
	return c;
}

struct report *calendar_report(struct calendar *c, size_t index)
{
	return c && index < c->n ? &c->reports[index] : NULL;
}

void calendar_lint(struct calendar *c, struct session *s, const struct source_list *files,
		   const struct source_list *context, enum set_rules which)
{
	if (!c || !session_has_set_rules_of(s, which))
		return;
	struct set_post *posts = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < files->len; i++)
		add_post(&posts, &n, &cap, &files->items[i], &c->reports[i]);
	for (size_t i = 0; i < context->len; i++)
		add_post(&posts, &n, &cap, &context->items[i], NULL);
	session_lint_set(s, posts, n, which);
	for (size_t i = 0; i < n; i++)
		post_free(posts[i].post);
	free(posts);
}

void calendar_merge(struct calendar *c, struct session *s, size_t index, struct post *post,
		    struct report *report)
{
	if (c && index < c->n)
		session_merge_set(s, post, &c->reports[index], report);
}

void calendar_free(struct calendar *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		report_release(&c->reports[i]);
	free(c->reports);
	free(c);
}
