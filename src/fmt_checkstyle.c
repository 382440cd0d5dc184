/* The checkstyle XML format (reviewdog -f=checkstyle, Jenkins warnings-ng):
 *   <checkstyle version="4.3"><file name="p"><error line column severity message source/>
 * One <file> per linted file, with or without errors. Columns are 1-based code points;
 * source is "postlint.<rule-id>". */
#include <stdio.h>

#include "fmt.h"
#include "xml_writer.h"

static void cs_begin(struct fmt_ctx *ctx)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", ctx->out);
}

static const char *cs_severity(enum severity s)
{
	return s == SEVERITY_ERROR ? "error" : s == SEVERITY_WARNING ? "warning" : "info";
}

static void cs_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	(void)post;
	struct buf b = BUF_INIT;
	buf_adds(&b, "  <file name=\"");
	xml_escapes(&b, r->path);
	buf_adds(&b, "\">\n");
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		buf_adds(&b, "    <error");
		if (f->line > 0)
			buf_addf(&b, " line=\"%d\" column=\"%d\"", f->line, f->column);
		buf_addf(&b, " severity=\"%s\" message=\"", cs_severity(f->severity));
		xml_escapes(&b, f->message);
		buf_adds(&b, "\" source=\"postlint.");
		xml_escapes(&b, f->rule);
		buf_adds(&b, "\"/>\n");
	}
	buf_adds(&b, "  </file>\n");
	fwrite(b.ptr, 1, b.len, ctx->out);
	buf_release(&b);
}

static void cs_end(struct fmt_ctx *ctx, const struct summary *s)
{
	(void)s;
	fputs("</checkstyle>\n", ctx->out);
}

const struct formatter fmt_checkstyle = { "checkstyle", cs_begin, cs_file, cs_end, NULL };
