/* In-file switches: HTML comments in the body that turn rules off for a stretch of text.
 *
 *   <!-- postlint-disable [rule, ...] -->          off from here (all rules if none named)
 *   <!-- postlint-enable [rule, ...] -->           on again
 *   <!-- postlint-disable-next-line [rule, ...] --> off for the next line
 *   <!-- postlint-disable-line [rule, ...] -->      off for this line
 *
 * Comments inside code are text, not switches. Host findings (rule errors, encoding, front
 * matter) cannot be switched off. */
#ifndef POSTLINT_SUPPRESS_H
#define POSTLINT_SUPPRESS_H

#include <stdbool.h>

#include "finding.h"
#include "post.h"

/* Drops the findings that switches cover, and reports switches naming unknown rules.
 * is_rule(id, ud) tells whether a rule id exists. Computes the post's Markdown structure if
 * no one has yet (a comment is a switch only where Markdown says it is HTML). */
void suppress_apply(struct post *post, struct report *report,
		    bool (*is_rule)(const char *id, void *ud), void *ud);

#endif
