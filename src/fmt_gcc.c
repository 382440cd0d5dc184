/* The gcc format, one line per problem, for vim's quickfix (:make, :cfile) and Emacs's
 * compilation mode:  path:line:col: severity: message [rule]
 * Severity is error, warning or note; columns are 1-based code points. Each problem stays
 * on one line: line breaks and tabs in the message become spaces, other control characters
 * and invalid UTF-8 become U+FFFD. A problem with no position (an unreadable file) is
 * "path: error: message [rule]". */
#include <stdint.h>
#include <string.h>

#include "fmt.h"
#include "unicode.h"

/* Keeps a field on its one line: breaks and tabs become spaces, other controls U+FFFD. */
static const char *one_line(int32_t cp, bool unused)
{
	(void)unused;
	if (cp == '\n' || cp == '\r' || cp == '\t')
		return " ";
	if (cp < 0x20 || cp == 0x7F)
		return "\xEF\xBF\xBD";
	return NULL;
}

static void add_one_line(struct buf *b, const char *s)
{
	fmt_add_escaped(b, s, strlen(s), one_line, false);
}

static const char *gcc_severity(enum severity s)
{
	return s == SEVERITY_ERROR ? "error" : s == SEVERITY_WARNING ? "warning" : "note";
}

static void gcc_begin(struct fmt_ctx *ctx)
{
	(void)ctx;
}

static void gcc_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	(void)post;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		add_one_line(&b, r->path);
		if (f->line > 0)
			buf_addf(&b, ":%d:%d", f->line, f->column);
		buf_addf(&b, ": %s: ", gcc_severity(f->severity));
		add_one_line(&b, f->message);
		buf_adds(&b, " [");
		add_one_line(&b, f->rule);
		buf_adds(&b, "]\n");
	}
	fwrite(b.ptr, 1, b.len, ctx->out);
	buf_release(&b);
}

static void gcc_end(struct fmt_ctx *ctx, const struct summary *s)
{
	(void)ctx;
	(void)s;
}

const struct formatter fmt_gcc = { "gcc", gcc_begin, gcc_file, gcc_end, NULL };
