/* Applying fixes to a post's bytes.
 *
 * Each finding's fix is a group of edits applied together or not at all. Groups are taken in
 * order of their first edit (then of the finding order), and a group that overlaps one
 * already taken is skipped, so the result does not depend on the order rules ran in. */
#ifndef POSTLINT_FIX_H
#define POSTLINT_FIX_H

#include <stddef.h>

#include "finding.h"

/* Returns the fixed text (malloc'd, NUL-terminated, *out_len bytes) and, in *applied, how
 * many fix groups went in. Findings without a fix are ignored. */
char *fix_apply(const char *text, size_t len, const struct report *report, size_t *out_len,
		size_t *applied);

#endif
