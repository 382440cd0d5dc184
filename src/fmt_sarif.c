/* SARIF 2.1.0 (GitHub code scanning, IDE viewers), written with jansson.
 *
 * One run. tool.driver.rules lists every loaded rule (id, summary as shortDescription, docs
 * as help, default level) and the host's own ids (rule-error, front-matter, ...); results
 * point at them by ruleId and ruleIndex. Regions are 1-based lines and columns; columns
 * count code points, which run.columnKind says ("unicodeCodePoints"), so no reader has to
 * guess. A finding's safe fix and its suggestions become fixes[] with replacements over
 * text regions (plus byteOffset/byteLength, exact even where lines are ambiguous); a
 * property "safe" tells them apart. Paths become URI references, percent-encoded. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "rules.h"
#include "version.h"

static const struct {
	const char *id, *summary;
} host_rules[] = {
	{ RULE_ERROR, "A rule failed while running, or ran out of its time or memory budget" },
	{ RULE_FRONT_MATTER, "The front matter does not parse as YAML" },
	{ RULE_ENCODING, "The file is not valid UTF-8" },
	{ RULE_NOT_TEXT, "A binary file where a post was expected" },
	{ RULE_DIRECTIVE, "A postlint-disable switch names no known rule" },
	{ RULE_IO_ERROR, "The file could not be read" },
	{ RULE_TOO_LARGE, "The body is too large to be a post, so rules were not run on it" },
};

struct sarif_state {
	json_t *root, *rules, *results;
};

static json_t *str(const char *s)
{
	return fmt_json_text(s, strlen(s));
}

static json_t *message(const char *s)
{
	return json_pack("{so}", "text", str(s));
}

static const char *level(enum severity s)
{
	return s == SEVERITY_ERROR ? "error" : s == SEVERITY_WARNING ? "warning" : "note";
}

/* RFC 3986: unreserved characters and '/' stay, every other byte is %XX. */
static json_t *uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;
	if (path[0] == '/')
		buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			buf_addc(&b, (char)*p);
		} else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[*p >> 4]);
			buf_addc(&b, hex[*p & 15]);
		}
	}
	json_t *j = json_stringn(b.ptr ? b.ptr : "", b.len);
	buf_release(&b);
	return j;
}

static void sarif_begin(struct fmt_ctx *ctx)
{
	struct sarif_state *st = calloc(1, sizeof(*st));
	st->rules = json_array();
	st->results = json_array();
	const struct ruleset *rs = ctx->rules;
	for (size_t i = 0; rs && i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		json_t *d = json_pack("{sososos{ss}s{sb}}", "id", str(r->id), "shortDescription",
				      message(r->summary), "help", message(r->docs && *r->docs ? r->docs : r->summary),
				      "defaultConfiguration", "level",
				      level(r->severity ? r->severity : SEVERITY_WARNING), "properties",
				      "fixable", r->fixable);
		json_array_append_new(st->rules, d);
	}
	for (size_t i = 0; i < sizeof(host_rules) / sizeof(*host_rules); i++)
		json_array_append_new(st->rules,
				      json_pack("{ssso}", "id", host_rules[i].id, "shortDescription",
						message(host_rules[i].summary)));
	ctx->state = st;
}

static json_int_t rule_index(const struct sarif_state *st, const char *id)
{
	for (size_t i = 0; i < json_array_size(st->rules); i++) {
		json_t *r = json_array_get(st->rules, i);
		if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
			return (json_int_t)i;
	}
	return -1;
}

/* The text region [start, end) of the post, and its bytes. */
static json_t *byte_region(const struct post *post, size_t start, size_t end)
{
	int l1, c1, l2, c2;
	post_line_col(post, start, &l1, &c1);
	post_line_col(post, end, &l2, &c2);
	return json_pack("{sisisisisIsI}", "startLine", l1, "startColumn", c1, "endLine", l2,
			 "endColumn", c2, "byteOffset", (json_int_t)start, "byteLength",
			 (json_int_t)(end - start));
}

static json_t *fix_json(const char *path, const char *description, bool safe,
			const struct edit *edits, size_t n, const struct post *post)
{
	json_t *replacements = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(replacements,
				      json_pack("{sos{so}}", "deletedRegion",
						byte_region(post, edits[i].start, edits[i].end),
						"insertedContent", "text",
						fmt_json_text(edits[i].text, edits[i].text_len)));
	return json_pack("{sos[{s{so}so}]s{sb}}", "description", message(description),
			 "artifactChanges", "artifactLocation", "uri", uri(path), "replacements",
			 replacements, "properties", "safe", safe);
}

static void sarif_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	struct sarif_state *st = ctx->state;
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		json_t *physical = json_pack("{s{so}}", "artifactLocation", "uri", uri(r->path));
		if (f->line > 0)
			json_object_set_new(physical, "region",
					    json_pack("{sisisisi}", "startLine", f->line, "startColumn",
						      f->column, "endLine", f->end_line, "endColumn",
						      f->end_column));
		json_t *res = json_pack("{sossso}", "ruleId", str(f->rule), "level",
					level(f->severity), "message", message(f->message));
		json_int_t index = rule_index(st, f->rule);
		if (index >= 0)
			json_object_set_new(res, "ruleIndex", json_integer(index));
		json_object_set_new(res, "locations", json_pack("[{so}]", "physicalLocation", physical));
		if (post && !post->binary && (f->nfix || f->nsuggestions)) {
			json_t *fixes = json_array();
			if (f->nfix)
				json_array_append_new(fixes, fix_json(r->path, "Apply the safe fix", true,
								      f->fix, f->nfix, post));
			for (size_t k = 0; k < f->nsuggestions; k++)
				if (f->suggestions[k].nedits)
					json_array_append_new(
						fixes, fix_json(r->path, f->suggestions[k].title, false,
								f->suggestions[k].edits,
								f->suggestions[k].nedits, post));
			if (json_array_size(fixes))
				json_object_set_new(res, "fixes", fixes);
			else
				json_decref(fixes);
		}
		json_array_append_new(st->results, res);
	}
}

static void sarif_end(struct fmt_ctx *ctx, const struct summary *s)
{
	(void)s;
	struct sarif_state *st = ctx->state;
	json_t *driver = json_pack("{ssssssso}", "name", "postlint", "version", POSTLINT_VERSION,
				   "semanticVersion", POSTLINT_VERSION, "rules", st->rules);
	json_t *root = json_pack("{sssss[{s{so}ssso}]}", "$schema",
				 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
				 "runs", "tool", "driver", driver, "columnKind", "unicodeCodePoints",
				 "results", st->results);
	json_dumpf(root, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', ctx->out);
	json_decref(root);
	free(st);
	ctx->state = NULL;
}

const struct formatter fmt_sarif = { "sarif", sarif_begin, sarif_file, sarif_end, NULL };
