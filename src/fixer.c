/* The fix loop (see fixer.h). */
#include "fixer.h"

#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "util/xalloc.h"

const char *fixer_newline_of(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

struct post *fixer_run(struct session *s, const char *display, char *data, size_t len,
		       const char *abs_path, const struct config *cfg, bool unsafe,
		       struct report *report, struct fixer_result *result)
{
	memset(result, 0, sizeof(*result));
	/* a binary or undecodable file is never rewritten: its findings are about the bytes */
	struct fix_options opts = { .unsafe = unsafe, .newline = fixer_newline_of(data, len) };
	struct post *post = post_new(display, data, len);
	session_lint(s, post, abs_path, cfg, report);
	result->original = post->text;
	result->original_len = post->len;
	while (result->passes < FIXER_MAX_PASSES && !post->binary &&
	       post->first_invalid_utf8 == post->len) {
		size_t fixed_len, applied;
		char *fixed = fix_apply(post->text, post->len, report, &opts, &fixed_len, &applied);
		if (applied == 0 || (fixed_len == post->len && memcmp(fixed, post->text, post->len) == 0)) {
			free(fixed);
			break;
		}
		result->applied += applied;
		char *path = xstrdup(report->path);
		if (result->passes++ == 0) {
			result->first = post; /* the original, kept with its findings */
			result->first_report = *report;
		} else {
			post_free(post);
			report_release(report);
		}
		report_init(report, path);
		free(path);
		post = post_new(display, fixed, fixed_len);
		session_lint(s, post, abs_path, cfg, report);
	}
	return post;
}

void fixer_result_release(struct fixer_result *result)
{
	if (result->first) {
		post_free(result->first);
		report_release(&result->first_report);
	}
	memset(result, 0, sizeof(*result));
}

/* Offset of 1-based line and code-point column in post, clamped to the line's end (or to
 * the end of the text for a line that no longer exists). */
static size_t offset_at(const struct post *post, int line, int column)
{
	size_t start, end;
	if (!post_line_range(post, line, &start, &end))
		return post->len;
	size_t at = start;
	for (int c = 1; c < column && at < end; c++) {
		at++;
		while (at < end && ((unsigned char)post->text[at] & 0xC0) == 0x80)
			at++;
	}
	return at;
}

void fixer_move_findings(const struct post *after, struct report *moved,
			 struct report *report)
{
	for (size_t i = 0; i < moved->findings.len; i++) {
		struct finding *f = &moved->findings.items[i];
		size_t start = offset_at(after, f->line, f->column);
		size_t end = offset_at(after, f->end_line, f->end_column);
		f->start = start;
		f->end = end < start ? start : end;
		report_add(report, f);
	}
	moved->findings.len = 0;
	report_locate(report, after);
	report_sort(report);
}
