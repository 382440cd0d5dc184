/* The calendar for rules across posts: the posts being linted plus the repository's other
 * posts (context), read and parsed once and given to session_lint_set. Their findings wait,
 * per linted file, until the lint loop merges them into that file's report. */
#ifndef POSTLINT_CALENDAR_H
#define POSTLINT_CALENDAR_H

#include <stddef.h>

#include "session.h"
#include "source.h"

struct calendar;

/* The calendar of a run over files: a report of findings per file, filled by calendar_lint
 * or by session_lint_set with calendar_report's reports. NULL when no rule has a check_set
 * (then calendar_merge does nothing). */
struct calendar *calendar_new(struct session *s, const struct source_list *files);
/* Where the findings about files->items[index] go (NULL when c is NULL). */
struct report *calendar_report(struct calendar *c, size_t index);
/* Reads and parses files (linted) and context (not linted), and runs the check_set rules
 * `which` over them. Files whose config is NULL are left out; so are files that cannot be
 * read (the lint loop reports them). */
void calendar_lint(struct calendar *c, struct session *s, const struct source_list *files,
		   const struct source_list *context, enum set_rules which);
/* Merges the findings about files->items[index] into its report (see session_merge_set). */
void calendar_merge(struct calendar *c, struct session *s, size_t index, struct post *post,
		    struct report *report);
void calendar_free(struct calendar *c);

#endif
