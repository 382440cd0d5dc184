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

static void add_one_line(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		int32_t cp;
		int k = uni_decode(s + i, n - i, &cp);
		if (k < 0) {
			buf_adds(b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\r' || cp == '\t')
			buf_addc(b, ' ');
		else if (cp < 0x20 || cp == 0x7F)
			buf_adds(b, "\xEF\xBF\xBD");
		else
			buf_add(b, s + i, (size_t)k);
		i += (size_t)k;
	}
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

const struct formatter fmt_gcc = { "gcc", gcc_begin, gcc_file, gcc_end };
