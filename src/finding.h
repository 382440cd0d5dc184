/* Diagnostics ("findings"), their fixes and suggestions, and the per-file report.
 *
 * A finding owns its strings and edits. Ranges are byte offsets [start, end) into the post's
 * file; line and column are filled from them by report_locate (1-based, columns in code
 * points). Nothing here refers to Lua: rules' reports are copied into these structs at once. */
#ifndef POSTLINT_FINDING_H
#define POSTLINT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/vec.h"

enum severity {
	SEVERITY_OFF = 0,
	SEVERITY_INFO = 1,
	SEVERITY_WARNING = 2,
	SEVERITY_ERROR = 3,
};

/* Rule ids the host itself reports under. */
#define RULE_ERROR "rule-error"        /* a rule threw, ran out of budget or memory */
#define RULE_FRONT_MATTER "front-matter" /* front matter that does not parse */
#define RULE_ENCODING "encoding"        /* invalid UTF-8 */
#define RULE_NOT_TEXT "not-text"        /* a binary file where a post was expected */
#define RULE_DIRECTIVE "directive"      /* a postlint-disable comment naming no known rule */
#define RULE_IO_ERROR "io-error"        /* a file that could not be read */
#define RULE_TOO_LARGE "too-large"      /* a body too large to be a post: rules not run */

struct edit {
	size_t start, end; /* replace text[start..end) ... */
	char *text;        /* ... with this (owned, NUL-terminated) */
	size_t text_len;
};

struct suggestion {
	char *title;
	struct edit *edits;
	size_t nedits;
};

struct finding {
	char *rule;
	enum severity severity;
	char *message;
	size_t start, end;
	int line, column, end_line, end_column;
	struct edit *fix; /* safe edits, applied together or not at all; NULL when none */
	size_t nfix;
	struct suggestion *suggestions;
	size_t nsuggestions;
	bool internal; /* reported by the host, not by a rule */
	char *detail;  /* rule errors: the Lua traceback (shown with --verbose), or NULL */
};

struct post;

struct report {
	char *path;
	VEC(struct finding) findings;
	bool skipped; /* not linted (unreadable, binary): its findings say why */
	size_t fixes_applied; /* fix groups --fix applied; the findings are the final text's */
};

enum severity severity_parse(const char *name, bool *ok);
const char *severity_name(enum severity s);

void edit_release(struct edit *e);
void finding_release(struct finding *f);

void report_init(struct report *r, const char *path);
void report_release(struct report *r);
/* Gives back the spare room of the findings array but for `room` more findings (for reports
 * held until a run's end). */
void report_compact(struct report *r, size_t room);
/* Adds a finding (takes ownership of its contents). */
void report_add(struct report *r, struct finding *f);
/* Adds a host finding with a formatted message. */
void report_addf(struct report *r, const char *rule, enum severity sev, size_t start, size_t end,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fills line/column fields from the post's line table. */
void report_locate(struct report *r, const struct post *post);
/* The same for the findings from index first on (those added since the others were located). */
void report_locate_from(struct report *r, const struct post *post, size_t first);
/* Sorts by (line, column, rule, message): rule order and Lua table order never show. */
void report_sort(struct report *r);

#endif
