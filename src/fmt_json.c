/* The JSON format (DESIGN section 4), written with jansson:
 *   {"version":1, "files":[paths], "diagnostics":[{path, rule, severity, message, line,
 *    column, end_line, end_column, fix:{edits:[{start,end,text}]}|null,
 *    suggestions:[{title, edits}]}], "summary":{...}}
 * Lines and columns are 1-based, columns in code points. Edit start/end are 0-based byte
 * offsets into the file, end exclusive. Invalid UTF-8 in text becomes U+FFFD, so the output
 * is always valid JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "unicode.h"
#include "util/buf.h"

struct json_state {
	json_t *root, *files, *diagnostics;
	json_t *fixed; /* --fix / --fix-dry-run: the files the fixes changed */
};

json_t *fmt_json_text(const char *s, size_t n)
{
	if (uni_first_invalid(s, n) == n)
		return json_stringn(s, n);
	struct buf b = BUF_INIT;
	fmt_add_utf8(&b, s, n);
	json_t *j = json_stringn(b.ptr, b.len);
	buf_release(&b);
	return j;
}

static json_t *cstr(const char *s)
{
	return fmt_json_text(s, strlen(s));
}

static json_t *edits_json(const struct edit *edits, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{sIsIso}", "start", (json_int_t)edits[i].start,
						   "end", (json_int_t)edits[i].end, "text",
						   fmt_json_text(edits[i].text, edits[i].text_len)));
	return a;
}

json_t *fmt_json_diagnostic(const char *path, const struct finding *f)
{
	json_t *d = json_object();
	json_object_set_new(d, "path", cstr(path));
	json_object_set_new(d, "rule", cstr(f->rule));
	json_object_set_new(d, "severity", cstr(severity_name(f->severity)));
	json_object_set_new(d, "message", cstr(f->message));
	json_object_set_new(d, "line", json_integer(f->line));
	json_object_set_new(d, "column", json_integer(f->column));
	json_object_set_new(d, "end_line", json_integer(f->end_line));
	json_object_set_new(d, "end_column", json_integer(f->end_column));
	json_object_set_new(d, "fix", f->nfix ? json_pack("{so}", "edits", edits_json(f->fix, f->nfix))
					      : json_null());
	json_t *sugg = json_array();
	for (size_t k = 0; k < f->nsuggestions; k++)
		json_array_append_new(sugg, json_pack("{soso}", "title", cstr(f->suggestions[k].title),
						      "edits", edits_json(f->suggestions[k].edits,
									  f->suggestions[k].nedits)));
	json_object_set_new(d, "suggestions", sugg);
	return d;
}

static void json_begin(struct fmt_ctx *ctx)
{
	struct json_state *st = calloc(1, sizeof(*st));
	st->root = json_object();
	st->files = json_array();
	st->diagnostics = json_array();
	st->fixed = json_array();
	ctx->state = st;
}

static void json_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	struct json_state *st = ctx->state;
	json_array_append_new(st->files, cstr(r->path));
	if (r->fixes_applied && post) {
		json_t *fx = json_pack("{soso}", "path", cstr(r->path), "fixes",
				       json_integer((json_int_t)r->fixes_applied));
		if (ctx->mode == FMT_FIX_PREVIEW)
			json_object_set_new(fx, "output", fmt_json_text(post->text, post->len));
		json_array_append_new(st->fixed, fx);
	}
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		json_array_append_new(st->diagnostics, fmt_json_diagnostic(r->path, f));
	}
}

static void json_end(struct fmt_ctx *ctx, const struct summary *s)
{
	struct json_state *st = ctx->state;
	json_object_set_new(st->root, "version", json_integer(1));
	json_object_set_new(st->root, "files", st->files);
	json_object_set_new(st->root, "diagnostics", st->diagnostics);
	if (ctx->mode != FMT_LINT)
		json_object_set_new(st->root, "fixed", st->fixed);
	else
		json_decref(st->fixed);
	json_object_set_new(st->root, "summary",
			    json_pack("{sIsIsIsIsIsIsI}", "files", (json_int_t)s->files,
				      "files_with_problems", (json_int_t)s->files_with_problems,
				      "errors", (json_int_t)s->errors, "warnings",
				      (json_int_t)s->warnings, "infos", (json_int_t)s->infos,
				      "fixable", (json_int_t)s->fixable, "with_suggestions",
				      (json_int_t)s->suggestive));
	json_dumpf(st->root, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', ctx->out);
	json_decref(st->root);
	free(st);
	ctx->state = NULL;
}

const struct formatter fmt_json = { "json", json_begin, json_file, json_end, NULL };

/* json-lines: one diagnostic object per line, as soon as its file is done (streamable;
 * no summary). */
static void lines_begin(struct fmt_ctx *ctx)
{
	(void)ctx;
}

static void lines_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	(void)post;
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		json_t *d = fmt_json_diagnostic(r->path, f);
		json_dumpf(d, ctx->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', ctx->out);
		json_decref(d);
	}
}

static void lines_end(struct fmt_ctx *ctx, const struct summary *s)
{
	(void)ctx;
	(void)s;
}

const struct formatter fmt_json_lines = { "json-lines", lines_begin, lines_file, lines_end,
						 NULL };
