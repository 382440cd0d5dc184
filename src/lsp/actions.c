/* Code actions: quick fixes built from the last lint of a document.
 *
 * For each finding whose range meets the requested one: its safe fix ("preferred"), each
 * suggestion that has edits, and "Disable RULE for this post". Disabling writes an in-file
 * switch: `lint: { disable: [RULE] }` in the front matter, which turns the rule off for the
 * whole post - a new front matter block when there is none, a new key when the front matter
 * has no `lint` yet. When it has one already (a key this edit cannot extend safely), the
 * switch is `<!-- postlint-disable RULE -->` on its own line at the top of the body. */
#include <string.h>

#include "fmt.h"
#include "position.h"
#include "server.h"
#include "value.h"

static bool position_from(const json_t *j, struct lsp_position *pos)
{
	json_t *line = json_object_get(j, "line"), *ch = json_object_get(j, "character");
	if (!json_is_integer(line) || !json_is_integer(ch))
		return false;
	pos->line = (int)json_integer_value(line);
	pos->character = (int)json_integer_value(ch);
	return true;
}

static json_t *text_edit(const struct post *post, size_t start, size_t end, const char *text,
			 size_t len)
{
	return json_pack("{soso}", "range", lsp_range_json(post, start, end), "newText",
			 fmt_json_text(text, len));
}

static json_t *action(const struct lsp_doc *doc, const struct finding *f, const char *title,
		      json_t *edits, bool preferred)
{
	json_t *a = json_pack("{sosss[o]s{s{so}}}", "title", fmt_json_text(title, strlen(title)),
			      "kind", "quickfix", "diagnostics", lsp_diagnostic_json(doc->post, f),
			      "edit", "changes", doc->uri, edits);
	if (preferred)
		json_object_set_new(a, "isPreferred", json_true());
	return a;
}

static json_t *edits_json(const struct post *post, const struct edit *e, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, text_edit(post, e[i].start, e[i].end, e[i].text, e[i].text_len));
	return a;
}

static json_t *disable_edit(const struct post *post, const char *rule)
{
	const char *eol = strstr(post->text, "\r\n") ? "\r\n" : "\n";
	struct buf b = BUF_INIT;
	size_t at;
	if (!post->has_front_matter) {
		at = post->has_bom ? 3 : 0;
		buf_addf(&b, "---%slint: { disable: [%s] }%s---%s", eol, rule, eol, eol);
	} else if (!post->front_matter_failed && !value_map_get(post_meta(post), "lint")) {
		at = post->fm_start;
		buf_addf(&b, "lint: { disable: [%s] }%s", rule, eol);
	} else {
		at = post->body_start;
		buf_addf(&b, "<!-- postlint-disable %s -->%s", rule, eol);
	}
	json_t *e = json_pack("[o]", text_edit(post, at, at, b.ptr, b.len));
	buf_release(&b);
	return e;
}

json_t *lsp_code_actions(const struct lsp_doc *doc, const json_t *range)
{
	json_t *out = json_array();
	struct lsp_position a, b;
	if (!position_from(json_object_get(range, "start"), &a) ||
	    !position_from(json_object_get(range, "end"), &b))
		return out;
	size_t from = lsp_offset_of(doc->post, a), to = lsp_offset_of(doc->post, b);
	struct buf title = BUF_INIT;
	for (size_t i = 0; i < doc->report.findings.len; i++) {
		const struct finding *f = &doc->report.findings.items[i];
		if (f->start > to || f->end < from)
			continue;
		if (f->nfix) {
			buf_reset(&title);
			buf_addf(&title, "Fix: %s [%s]", f->message, f->rule);
			json_array_append_new(out, action(doc, f, title.ptr,
							  edits_json(doc->post, f->fix, f->nfix), true));
		}
		for (size_t k = 0; k < f->nsuggestions; k++) {
			const struct suggestion *s = &f->suggestions[k];
			if (!s->nedits)
				continue;
			buf_reset(&title);
			buf_addf(&title, "%s [%s]", s->title, f->rule);
			json_array_append_new(out, action(doc, f, title.ptr,
							  edits_json(doc->post, s->edits, s->nedits),
							  false));
		}
		bool offered = false; /* one "disable" per rule */
		for (size_t k = 0; k < i; k++) {
			const struct finding *g = &doc->report.findings.items[k];
			offered |= strcmp(g->rule, f->rule) == 0 && g->start <= to && g->end >= from;
		}
		if (!f->internal && !offered) {
			buf_reset(&title);
			buf_addf(&title, "Disable %s for this post", f->rule);
			json_array_append_new(out, action(doc, f, title.ptr,
							  disable_edit(doc->post, f->rule), false));
		}
	}
	buf_release(&title);
	return out;
}
