/* Applying fixes to a post's bytes.
 *
 * Each finding's fix is a group of edits applied together or not at all. Groups are taken in
 * order of their span (start, end), then rule id, then replacement text, so the result does
 * not depend on the order rules ran in; a group that overlaps one already taken is skipped
 * (the fixer re-lints and tries it again on the next pass). */
#ifndef POSTLINT_FIX_H
#define POSTLINT_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct fix_options {
	bool unsafe;         /* also take the first suggestion of a finding without a fix */
	const char *newline; /* when "\r\n": line breaks inside replacement text become CRLF */
};

/* Returns the fixed text (malloc'd, NUL-terminated, *out_len bytes) and, in *applied, how
 * many fix groups went in. Findings without a fix are ignored; so is a group whose edits are
 * out of range, unsorted or overlapping (rules' edits are checked when reported, but this
 * function is also fed by tests and fuzzers). opts may be NULL: safe fixes, text as given. */
char *fix_apply(const char *text, size_t len, const struct report *report,
		const struct fix_options *opts, size_t *out_len, size_t *applied);

/* The edits fix_apply would use for f under opts, or NULL. */
const struct edit *fix_edits_of(const struct finding *f, const struct fix_options *opts,
				size_t *nedits);

#endif
