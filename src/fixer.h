/* The fix loop behind --fix, --fix-dry-run and --diff: lint, apply the fixes that do not
 * overlap, lint the result again, and repeat until nothing changes (at most FIXER_MAX_PASSES
 * times, as ESLint does). What stays unfixed is reported against the final text. */
#ifndef POSTLINT_FIXER_H
#define POSTLINT_FIXER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "post.h"
#include "session.h"

#define FIXER_MAX_PASSES 10

struct fixer_result {
	const char *original; /* the bytes as read: first->text, or the returned post's */
	size_t original_len;
	size_t applied; /* fix groups applied over all passes */
	unsigned passes;
	/* When fixes applied: the post as read and its findings (owned), kept for a caller that
	 * cannot deliver the fixes and reports on the original instead, without linting again. */
	struct post *first;
	struct report first_report;
};

/* Lints data (taking ownership) as display/abs_path under cfg, fixing as it goes. Returns the
 * final post (the caller frees it); *report (initialised by the caller) holds the findings of
 * the final text. */
struct post *fixer_run(struct session *s, const char *display, char *data, size_t len,
		       const char *abs_path, const struct config *cfg, bool unsafe,
		       struct report *report, struct fixer_result *result);
void fixer_result_release(struct fixer_result *result);

/* Adds the findings of moved (located on the text before fixing) to report, each at the
 * same line and column of after, clamped to it, then locates and sorts report. For findings
 * computed on the text as read, such as those of rules across posts. Takes them from moved. */
void fixer_move_findings(const struct post *after, struct report *moved,
			 struct report *report);

/* "\r\n" when the text's first line break is CRLF, else "\n". */
const char *fixer_newline_of(const char *text, size_t len);

#endif
