/* Running rules' embedded tests (see ruletest.h). */
#include "ruletest.h"

#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "post.h"
#include "util/xalloc.h"

void ruletest_release(struct rule_tests *t)
{
	for (size_t i = 0; i < t->ncases; i++) {
		struct rule_test_case *c = &t->cases[i];
		free(c->text);
		free(c->name);
		free(c->path);
		value_free(c->options);
		for (char **p = c->platforms; p && *p; p++)
			free(*p);
		free(c->platforms);
		free(c->lang);
		for (size_t k = 0; k < c->nerrors; k++) {
			struct expected_error *e = &c->errors[k];
			free(e->message);
			free(e->path);
			for (long g = 0; e->suggestions && g < e->nsuggestions; g++) {
				free(e->suggestions[g].title);
				free(e->suggestions[g].output);
			}
			free(e->suggestions);
		}
		free(c->errors);
		free(c->output);
		for (size_t k = 0; k < c->nposts; k++) {
			free(c->posts[k].text);
			free(c->posts[k].path);
		}
		free(c->posts);
	}
	free(t->cases);
	memset(t, 0, sizeof(*t));
}

static void show_text(struct buf *b, const char *label, const char *s, size_t n)
{
	buf_addf(b, "  %s: \"", label);
	for (size_t i = 0; i < n && i < 400; i++) {
		char c = s[i];
		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '"')
			buf_adds(b, "\\\"");
		else
			buf_addc(b, c);
	}
	buf_adds(b, n > 400 ? "...\"\n" : "\"\n");
}

static void show_found(struct buf *b, const struct report *r)
{
	if (!r->findings.len) {
		buf_adds(b, "  got: no problems\n");
		return;
	}
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		buf_addf(b, "  got: %d:%d-%d:%d %s [%s]\n", f->line, f->column, f->end_line,
			 f->end_column, f->message, f->rule);
		for (size_t g = 0; g < f->nsuggestions; g++)
			buf_addf(b, "       suggestion: %s\n", f->suggestions[g].title);
	}
}

/* An expected position, where 0 means "any": "3:7", "line 3" or "column 7". */
static void show_position(struct buf *b, int line, int column)
{
	if (line && column)
		buf_addf(b, "%d:%d", line, column);
	else if (line)
		buf_addf(b, "line %d", line);
	else
		buf_addf(b, "column %d", column);
}

/* Line-by-line difference of expected and actual output, marked - and +. */
static void show_diff(struct buf *b, const char *want, size_t wn, const char *got, size_t gn)
{
	buf_adds(b, "  output differs (- expected, + actual):\n");
	size_t wi = 0, gi = 0;
	while (wi < wn || gi < gn) {
		const char *we = memchr(want + wi, '\n', wn - wi);
		const char *ge = memchr(got + gi, '\n', gn - gi);
		size_t wl = we ? (size_t)(we - want - wi) : wn - wi;
		size_t gl = ge ? (size_t)(ge - got - gi) : gn - gi;
		bool w_has = wi < wn, g_has = gi < gn;
		if (w_has && g_has && wl == gl && memcmp(want + wi, got + gi, wl) == 0) {
			buf_addf(b, "    %.*s\n", (int)wl, want + wi);
		} else {
			if (w_has)
				buf_addf(b, "  - %.*s\n", (int)wl, want + wi);
			if (g_has)
				buf_addf(b, "  + %.*s\n", (int)gl, got + gi);
		}
		wi = w_has ? wi + wl + 1 : wi;
		gi = g_has ? gi + gl + 1 : gi;
	}
}

/* The text after applying one suggestion's edits (in order of position; a suggestion's
 * edits do not overlap, or the host would have refused them). */
static char *apply_edits(const char *text, size_t len, const struct edit *edits, size_t n,
			 size_t *out_len)
{
	const struct edit **sorted = xcalloc(n + 1, sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k > 0 && sorted[k - 1]->start > edits[i].start) {
			sorted[k] = sorted[k - 1];
			k--;
		}
		sorted[k] = &edits[i];
	}
	struct buf out = BUF_INIT;
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		const struct edit *e = sorted[i];
		if (e->start < pos || e->end > len)
			continue;
		buf_add(&out, text + pos, e->start - pos);
		buf_add(&out, e->text, e->text_len);
		pos = e->end;
	}
	buf_add(&out, text + pos, len - pos);
	free(sorted);
	return buf_detach(&out, out_len);
}

static bool check_suggestions(struct session *s, const struct post *post, size_t number,
			      const struct expected_error *e, const struct finding *f,
			      struct buf *why)
{
	if (e->nsuggestions < 0)
		return true;
	if ((size_t)e->nsuggestions != f->nsuggestions) {
		buf_addf(why, "  problem %zu: expected %ld suggestion%s, got %zu\n", number,
			 e->nsuggestions, e->nsuggestions == 1 ? "" : "s", f->nsuggestions);
		return false;
	}
	bool ok = true;
	for (long g = 0; e->suggestions && g < e->nsuggestions; g++) {
		const struct expected_suggestion *want = &e->suggestions[g];
		const struct suggestion *got = &f->suggestions[g];
		if (want->title && !ruletest_message_matches(s, want->title, got->title)) {
			buf_addf(why, "  problem %zu, suggestion %ld: title \"%s\" does not match "
				      "\"%s\"\n", number, g + 1, got->title, want->title);
			ok = false;
		}
		if (want->has_output) {
			size_t len;
			char *applied = apply_edits(post->text, post->len, got->edits, got->nedits,
						    &len);
			if (len != want->output_len || memcmp(applied, want->output, len) != 0) {
				buf_addf(why, "  problem %zu, suggestion %ld:\n", number, g + 1);
				show_diff(why, want->output, want->output_len, applied, len);
				ok = false;
			}
			free(applied);
		}
	}
	return ok;
}

/* Keeps only the findings of rule id (and rule errors, which always fail a case). */
static void keep_rule(struct report *r, const char *id)
{
	size_t kept = 0;
	for (size_t i = 0; i < r->findings.len; i++) {
		struct finding *f = &r->findings.items[i];
		if (strcmp(f->rule, id) != 0 && strcmp(f->rule, RULE_ERROR) != 0 &&
		    strcmp(f->rule, RULE_FRONT_MATTER) != 0) {
			finding_release(f);
			continue;
		}
		r->findings.items[kept++] = *f;
	}
	r->findings.len = kept;
}

/* Compares findings with the case's expectations. Single posts: post is the post linted.
 * Calendars: post is NULL and paths[i] is finding i's post. */
static bool compare(struct session *s, const struct rule_test_case *c, const struct report *r,
		    const struct post *post, const char *const *paths, struct buf *why)
{
	bool ok = true;
	if (c->valid) {
		ok = r->findings.len == 0;
		if (!ok)
			buf_adds(why, "  expected no problems\n");
	} else if (c->count >= 0) {
		ok = (long)r->findings.len == c->count;
		if (!ok)
			buf_addf(why, "  expected %ld problem%s, got %zu\n", c->count,
				 c->count == 1 ? "" : "s", r->findings.len);
	} else {
		ok = r->findings.len == c->nerrors;
		if (!ok)
			buf_addf(why, "  expected %zu problem%s, got %zu\n", c->nerrors,
				 c->nerrors == 1 ? "" : "s", r->findings.len);
		for (size_t i = 0; ok && i < c->nerrors; i++) {
			const struct expected_error *e = &c->errors[i];
			const struct finding *f = &r->findings.items[i];
			if (e->path && paths && strcmp(e->path, paths[i]) != 0) {
				buf_addf(why, "  problem %zu: expected on %s, got %s\n", i + 1, e->path,
					 paths[i]);
				ok = false;
			}
			if (e->message && !ruletest_message_matches(s, e->message, f->message)) {
				buf_addf(why, "  problem %zu: message does not match \"%s\"\n", i + 1,
					 e->message);
				ok = false;
			}
			if ((e->line && e->line != f->line) || (e->column && e->column != f->column)) {
				buf_addf(why, "  problem %zu: expected at ", i + 1);
				show_position(why, e->line, e->column);
				buf_addf(why, ", got %d:%d\n", f->line, f->column);
				ok = false;
			}
			if ((e->end_line && e->end_line != f->end_line) ||
			    (e->end_column && e->end_column != f->end_column)) {
				buf_addf(why, "  problem %zu: expected to end at ", i + 1);
				show_position(why, e->end_line, e->end_column);
				buf_addf(why, ", got %d:%d\n", f->end_line, f->end_column);
				ok = false;
			}
			if (post) {
				ok &= check_suggestions(s, post, i + 1, e, f, why);
			} else if (e->nsuggestions >= 0) {
				buf_addf(why, "  problem %zu: suggestions are checked in single-post "
					      "cases only\n", i + 1);
				ok = false;
			}
		}
	}
	return ok;
}

/* A calendar case for a check_set rule: every post's findings, in post order. */
static bool check_set_case(struct session *s, const struct rule *rule,
			   const struct rule_test_case *c, struct buf *why)
{
	struct set_post *posts = xcalloc(c->nposts, sizeof(*posts));
	struct report *reports = xcalloc(c->nposts, sizeof(*reports));
	for (size_t i = 0; i < c->nposts; i++) {
		const struct rule_test_post *tp = &c->posts[i];
		report_init(&reports[i], tp->path);
		posts[i] = (struct set_post){
			.post = post_new(tp->path, xstrndup(tp->text, tp->text_len), tp->text_len),
			.abs_path = tp->path, .report = tp->linted ? &reports[i] : NULL };
	}
	session_lint_set_one(s, rule, c->options, (const char *const *)c->platforms, c->lang,
			     posts, c->nposts);
	struct report all;
	report_init(&all, "calendar");
	const char **paths = xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < c->nposts; i++) {
		report_locate(&reports[i], posts[i].post);
		report_sort(&reports[i]);
		keep_rule(&reports[i], rule->id);
		for (size_t k = 0; k < reports[i].findings.len; k++) {
			paths = xrealloc(paths, (all.findings.len + 1) * sizeof(char *));
			paths[all.findings.len] = c->posts[i].path;
			report_add(&all, &reports[i].findings.items[k]);
		}
		reports[i].findings.len = 0;
	}
	bool ok = compare(s, c, &all, NULL, paths, why);
	if (!ok) {
		for (size_t i = 0; i < c->nposts; i++)
			show_text(why, c->posts[i].path, c->posts[i].text, c->posts[i].text_len);
		for (size_t i = 0; i < all.findings.len; i++) {
			const struct finding *f = &all.findings.items[i];
			buf_addf(why, "  got: %s:%d:%d %s [%s]\n", paths[i], f->line, f->column,
				 f->message, f->rule);
		}
		if (!all.findings.len)
			buf_adds(why, "  got: no problems\n");
	}
	free(paths);
	report_release(&all);
	for (size_t i = 0; i < c->nposts; i++) {
		report_release(&reports[i]);
		post_free(posts[i].post);
	}
	free(reports);
	free(posts);
	return ok;
}

static bool check_case(struct session *s, const char *rule_id, const struct rule_test_case *c,
		       struct buf *why)
{
	const struct rule *rule = ruleset_find(s->rules, rule_id);
	if (!rule) {
		buf_adds(why, "  the rule did not reload\n");
		return false;
	}
	if (c->nposts || !c->text) {
		if (!rule->has_check_set) {
			buf_adds(why, "  'posts' cases are for rules with a check_set\n");
			return false;
		}
		return check_set_case(s, rule, c, why);
	}
	const char *path = c->path ? c->path : "test.md";
	struct post *post = post_new(path, xstrndup(c->text, c->text_len), c->text_len);
	struct report r;
	report_init(&r, path);
	session_lint_one(s, post, rule, c->options, (const char *const *)c->platforms, c->lang, &r);
	keep_rule(&r, rule_id);
	bool ok = compare(s, c, &r, post, NULL, why);
	if (ok && c->has_output) {
		size_t len;
		char *fixed = fix_apply(post->text, post->len, &r, NULL, &len, NULL);
		if (len != c->output_len || memcmp(fixed, c->output, len) != 0) {
			show_diff(why, c->output, c->output_len, fixed, len);
			ok = false;
		}
		free(fixed);
	}
	if (!ok) {
		show_text(why, "text", c->text, c->text_len);
		show_found(why, &r);
	}
	report_release(&r);
	post_free(post);
	return ok;
}

/* A TAP comment naming the plugin whose rules follow (built-ins go unannounced). */
static void describe_origin(FILE *out, const struct rule_origin *o)
{
	if (o->builtin)
		return;
	fprintf(out, "# %s%s%s (%s)%s%s\n", o->name, o->version ? " " : "",
		o->version ? o->version : "", o->display, o->description ? ": " : "",
		o->description ? o->description : "");
}

void ruletest_run(struct session *s, size_t first_origin, FILE *out, bool verbose,
		  struct ruletest_totals *totals)
{
	size_t n = 0;
	/* ids first: a rule that trips its budget makes the session reload every rule */
	size_t count = s->rules->nrules;
	char **ids = xcalloc(count + 1, sizeof(char *));
	for (size_t i = 0; i < count; i++)
		if (s->rules->rules[i].origin >= first_origin)
			ids[n++] = xstrdup(s->rules->rules[i].id);
	size_t number = 0;
	size_t shown_origin = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		const struct rule *rule = ruleset_find(s->rules, ids[i]);
		if (rule && rule->origin != shown_origin) {
			shown_origin = rule->origin;
			describe_origin(out, &s->rules->origins[rule->origin]);
		}
		struct rule_tests tests = { 0 };
		struct buf err = BUF_INIT;
		if (!rule || ruletest_read(s, rule, &tests, &err) < 0) {
			fprintf(out, "not ok %zu - %s: cannot read its tests\n  %s\n", ++number, ids[i],
				err.ptr);
			totals->failed++;
			buf_release(&err);
			ruletest_release(&tests);
			continue;
		}
		buf_release(&err);
		size_t invalid = 0;
		for (size_t k = 0; k < tests.ncases; k++)
			invalid += !tests.cases[k].valid;
		if (invalid == 0) {
			fprintf(out, "not ok %zu - %s: no invalid test case shows the rule firing\n",
				++number, ids[i]);
			totals->failed++;
		}
		for (size_t k = 0; k < tests.ncases; k++) {
			const struct rule_test_case *c = &tests.cases[k];
			struct buf why = BUF_INIT;
			bool ok = check_case(s, ids[i], c, &why);
			number++;
			if (ok) {
				totals->passed++;
				if (verbose)
					fprintf(out, "ok %zu - %s %s #%d%s%s%s\n", number, ids[i],
						c->valid ? "valid" : "invalid", c->index,
						c->name ? " \"" : "", c->name ? c->name : "",
						c->name ? "\"" : "");
			} else {
				totals->failed++;
				fprintf(out, "not ok %zu - %s %s #%d%s%s%s\n%s", number, ids[i],
					c->valid ? "valid" : "invalid", c->index,
					c->name ? " \"" : "", c->name ? c->name : "",
					c->name ? "\"" : "", why.ptr);
			}
			buf_release(&why);
		}
		ruletest_release(&tests);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
