/* The calendar for rules across posts: the posts being linted plus the repository's other
 * posts (context), read and parsed once and given to session_lint_set. Their findings wait,
 * per linted file, until the lint loop merges them into that file's report. */
#ifndef POSTLINT_CALENDAR_H
#define POSTLINT_CALENDAR_H

#include <stddef.h>

#include "session.h"
#include "source.h"

struct calendar;

/* Runs the check_set rules over files (linted) and context (not linted). NULL when no rule
 * has a check_set (then calendar_merge does nothing). Files whose config is NULL are left
 * out; so are files that cannot be read (the lint loop reports them). */
struct calendar *calendar_lint(struct session *s, const struct source_list *files,
			       const struct source_list *context);
/* Merges the findings about files->items[index] into its report (see session_merge_set). */
void calendar_merge(struct calendar *c, struct session *s, size_t index, struct post *post,
		    struct report *report);
void calendar_free(struct calendar *c);

#endif
