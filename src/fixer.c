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

static char *copy_bytes(const char *data, size_t len)
{
	char *c = xmalloc(len + 1);
	memcpy(c, data, len);
	c[len] = '\0';
	return c;
}

struct post *fixer_run(struct session *s, const char *display, char *data, size_t len,
		       const char *abs_path, const struct config *cfg, bool unsafe,
		       struct report *report, struct fixer_result *result)
{
	memset(result, 0, sizeof(*result));
	result->original = copy_bytes(data, len);
	result->original_len = len;
	/* a binary or undecodable file is never rewritten: its findings are about the bytes */
	struct fix_options opts = { .unsafe = unsafe, .newline = fixer_newline_of(data, len) };
	struct post *post = post_new(display, data, len);
	session_lint(s, post, abs_path, cfg, report);
	while (result->passes < FIXER_MAX_PASSES && !post->binary &&
	       post->first_invalid_utf8 == post->len) {
		size_t fixed_len, applied;
		char *fixed = fix_apply(post->text, post->len, report, &opts, &fixed_len, &applied);
		if (applied == 0 || (fixed_len == post->len && memcmp(fixed, post->text, post->len) == 0)) {
			free(fixed);
			break;
		}
		result->applied += applied;
		result->passes++;
		post_free(post);
		char *path = xstrdup(report->path);
		report_release(report);
		report_init(report, path);
		free(path);
		post = post_new(display, fixed, fixed_len);
		session_lint(s, post, abs_path, cfg, report);
	}
	return post;
}

void fixer_result_release(struct fixer_result *result)
{
	free(result->original);
	memset(result, 0, sizeof(*result));
}
