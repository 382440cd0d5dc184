/* Output formats: one file per format, chosen from the formatters[] table.
 *
 * A formatter sees each file's sorted report with the post it came from (for source lines),
 * then the run's summary. Formatters print; nothing else in the pipeline does. */
#ifndef POSTLINT_FMT_H
#define POSTLINT_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "finding.h"
#include "post.h"
#include "util/buf.h"

struct ruleset;

struct summary {
	size_t files;
	size_t files_with_problems;
	size_t errors, warnings, infos;
	size_t fixable;    /* findings with a safe fix */
	size_t suggestive; /* findings with suggestions only */
	size_t fixed;       /* fix groups applied (--fix, --fix-dry-run, --diff) */
	size_t files_fixed; /* files whose text the fixes changed */
	size_t restage;     /* --fix --staged: files fixed in the work tree, to stage again */
};

struct fmt_ctx {
	FILE *out;
	bool color;
	bool quiet;   /* errors only */
	bool verbose; /* text: show rule errors' tracebacks */
	enum { FMT_LINT, FMT_FIXED, FMT_FIX_PREVIEW } mode; /* findings are after --fix / a dry run */
	const struct ruleset *rules; /* sarif: rule metadata; may be NULL */
	void *state; /* the formatter's own */
};

struct formatter {
	const char *name;
	void (*begin)(struct fmt_ctx *ctx);
	/* post may be NULL when the file could not be read */
	void (*file)(struct fmt_ctx *ctx, const struct report *report, const struct post *post);
	void (*end)(struct fmt_ctx *ctx, const struct summary *summary);
	/* When set: what file would print, appended to out instead; from any thread, reading
	 * ctx only (a run's output is prepared on two threads: cmd_lint.c, print_ahead.h) */
	void (*file_to_buf)(const struct fmt_ctx *ctx, const struct report *report,
			    const struct post *post, struct buf *out);
};

extern const struct formatter fmt_text;
extern const struct formatter fmt_json;
extern const struct formatter fmt_json_lines;
extern const struct formatter fmt_gcc;
extern const struct formatter fmt_sarif;
extern const struct formatter fmt_checkstyle;
extern const struct formatter fmt_github;

/* The formatter called name, or NULL. */
const struct formatter *fmt_find(const char *name);
/* "text, json, ..." */
const char *fmt_names(void);

/* Whether the finding is shown under ctx (quiet hides non-errors). */
bool fmt_shows(const struct fmt_ctx *ctx, const struct finding *f);

/* Appends s[0..n) as valid UTF-8: each invalid byte becomes U+FFFD. */
void fmt_add_utf8(struct buf *b, const char *s, size_t n);
/* The same, with each code point for which escape(cp, arg) returns a string replaced by it
 * (the formats' own escaping). */
typedef const char *(*fmt_escape_fn)(int32_t cp, bool arg);
void fmt_add_escaped(struct buf *b, const char *s, size_t n, fmt_escape_fn escape, bool arg);

/* --- fmt_json.c, shared with json-lines --- */
struct json_t;
/* A JSON string of s[0..n), invalid UTF-8 as U+FFFD. */
struct json_t *fmt_json_text(const char *s, size_t n);
/* One diagnostic object as in the json format. */
struct json_t *fmt_json_diagnostic(const char *path, const struct finding *f);

#endif
