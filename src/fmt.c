/* The table of output formats. */
#include "fmt.h"

#include <string.h>

#include "unicode.h"

static const struct formatter *const formatters[] = {
	&fmt_text, &fmt_json, &fmt_json_lines, &fmt_gcc, &fmt_sarif, &fmt_checkstyle, &fmt_github, NULL
};

const struct formatter *fmt_find(const char *name)
{
	for (const struct formatter *const *f = formatters; *f; f++)
		if (strcmp((*f)->name, name) == 0)
			return *f;
	return NULL;
}

const char *fmt_names(void)
{
	return "text, json, json-lines, gcc, sarif, checkstyle, github";
}

bool fmt_shows(const struct fmt_ctx *ctx, const struct finding *f)
{
	return !ctx->quiet || f->severity == SEVERITY_ERROR;
}

void fmt_add_escaped(struct buf *b, const char *s, size_t n, fmt_escape_fn escape, bool arg)
{
	for (size_t i = 0; i < n;) {
		int32_t cp;
		int k = uni_decode(s + i, n - i, &cp);
		if (k < 0) {
			buf_adds(b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		const char *replacement = escape ? escape(cp, arg) : NULL;
		if (replacement)
			buf_adds(b, replacement);
		else
			buf_add(b, s + i, (size_t)k);
		i += (size_t)k;
	}
}

void fmt_add_utf8(struct buf *b, const char *s, size_t n)
{
	fmt_add_escaped(b, s, n, NULL, false);
}
