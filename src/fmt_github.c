/* GitHub Actions workflow commands: each problem becomes an annotation on the pull request.
 *   ::warning file=p,line=4,endLine=4,col=1,endColumn=2,title=postlint (rule)::message
 * Escaping is the runner's (it undoes exactly these): in the message % CR LF become %25 %0D
 * %0A; in property values also : and , become %3A %2C. Control characters the runner would
 * print raw (other than tab) and invalid UTF-8 become U+FFFD. Columns are 1-based code
 * points; GitHub takes col/endColumn only for one-line ranges, so they are left out for
 * longer ones. */
#include <stdint.h>
#include <string.h>

#include "fmt.h"
#include "unicode.h"

/* The runner's escaping: % CR LF always, : and , in property values; controls it would
 * print raw (other than tab) become U+FFFD. */
static const char *runner_escape(int32_t cp, bool property)
{
	switch (cp) {
	case '%':
		return "%25";
	case '\r':
		return "%0D";
	case '\n':
		return "%0A";
	case ':':
		return property ? "%3A" : NULL;
	case ',':
		return property ? "%2C" : NULL;
	}
	if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
		return "\xEF\xBF\xBD";
	return NULL;
}

static void add_escaped(struct buf *b, const char *s, bool property)
{
	fmt_add_escaped(b, s, strlen(s), runner_escape, property);
}

static const char *gh_command(enum severity s)
{
	return s == SEVERITY_ERROR ? "error" : s == SEVERITY_WARNING ? "warning" : "notice";
}

static void gh_begin(struct fmt_ctx *ctx)
{
	(void)ctx;
}

static void gh_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	(void)post;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		buf_addf(&b, "::%s file=", gh_command(f->severity));
		add_escaped(&b, r->path, true);
		if (f->line > 0) {
			buf_addf(&b, ",line=%d,endLine=%d", f->line, f->end_line);
			if (f->end_line == f->line)
				buf_addf(&b, ",col=%d,endColumn=%d", f->column, f->end_column);
			else
				buf_addf(&b, ",col=%d", f->column);
		}
		buf_adds(&b, ",title=");
		struct buf title = BUF_INIT;
		buf_addf(&title, "postlint (%s)", f->rule);
		add_escaped(&b, title.ptr, true);
		buf_release(&title);
		buf_adds(&b, "::");
		add_escaped(&b, f->message, false);
		buf_adds(&b, " [");
		add_escaped(&b, f->rule, false);
		buf_adds(&b, "]\n");
	}
	fwrite(b.ptr, 1, b.len, ctx->out);
	buf_release(&b);
}

static void gh_end(struct fmt_ctx *ctx, const struct summary *s)
{
	(void)ctx;
	(void)s;
}

const struct formatter fmt_github = { "github", gh_begin, gh_file, gh_end, NULL };
