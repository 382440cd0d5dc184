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
		value_free(c->options);
		for (char **p = c->platforms; p && *p; p++)
			free(*p);
		free(c->platforms);
		free(c->lang);
		for (size_t k = 0; k < c->nerrors; k++) {
			free(c->errors[k].message);
			free(c->errors[k].path);
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
		buf_addf(b, "  got: %d:%d %s [%s]\n", f->line, f->column, f->message, f->rule);
	}
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

/* Compares findings with the case's expectations; paths[i] is finding i's post (sets). */
static bool compare(struct session *s, const struct rule_test_case *c, const struct report *r,
		    const char *const *paths, struct buf *why)
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
				buf_addf(why, "  problem %zu: expected at %d:%d, got %d:%d\n", i + 1,
					 e->line, e->column, f->line, f->column);
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
	bool ok = compare(s, c, &all, paths, why);
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
	struct post *post = post_new("test.md", xstrndup(c->text, c->text_len), c->text_len);
	struct report r;
	report_init(&r, "test.md");
	session_lint_one(s, post, rule, c->options, (const char *const *)c->platforms, c->lang, &r);
	keep_rule(&r, rule_id);
	bool ok = compare(s, c, &r, NULL, why);
	if (ok && c->has_output) {
		size_t len;
		char *fixed = fix_apply(post->text, post->len, &r, &len, NULL);
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
	for (size_t i = 0; i < n; i++) {
		const struct rule *rule = ruleset_find(s->rules, ids[i]);
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
					fprintf(out, "ok %zu - %s %s #%d\n", number, ids[i],
						c->valid ? "valid" : "invalid", c->index);
			} else {
				totals->failed++;
				fprintf(out, "not ok %zu - %s %s #%d\n%s", number, ids[i],
					c->valid ? "valid" : "invalid", c->index, why.ptr);
			}
			buf_release(&why);
		}
		ruletest_release(&tests);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
