/* Globs, fixes and findings: small pieces with exact answers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "finding.h"
#include "fix.h"
#include "glob.h"
#include "util/xalloc.h"

static void globs(void)
{
	static const struct {
		const char *pattern, *path;
		int match;
	} cases[] = {
		{ "posts/**/*.md", "posts/x/a.md", 1 },
		{ "posts/**/*.md", "posts/a.md", 1 },
		{ "posts/**/*.md", "drafts/a.md", 0 },
		{ "*.md", "deep/er/a.md", 1 },
		{ "*.md", "a.txt", 0 },
		{ "drafts", "drafts/x/a.md", 1 },
		{ "posts/archive/**", "posts/archive/2019/a.md", 1 },
		{ "posts/archive", "posts/archived.md", 0 },
		{ "./posts/*.md", "posts/a.md", 1 },
		{ "posts/*.md", "posts/x/a.md", 0 },
		{ "p?sts/[ab].md", "posts/a.md", 1 },
		{ "p?sts/[!ab].md", "posts/a.md", 0 },
		{ "**", "anything/at/all.md", 1 },
		{ "notes/ü*.md", "notes/über.md", 1 },
		{ "[é]x.md", "éx.md", 1 },
		{ "drafts/", "drafts/a.md", 1 },
		{ "a/**/b/**/c.md", "a/x/b/y/z/c.md", 1 },
		{ "a/**/b/**/c.md", "a/x/y/c.md", 0 },
		{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.md", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		CHECK(glob_match(cases[i].pattern, cases[i].path) == cases[i].match, "glob '%s' %s '%s'",
		      cases[i].pattern, cases[i].match ? "matches" : "does not match", cases[i].path);
}

static struct finding with_fix(const char *rule, size_t start, size_t end, const char *text)
{
	struct finding f = { .rule = xstrdup(rule), .message = xstrdup("m"), .start = start,
			     .end = end };
	f.fix = xcalloc(1, sizeof(*f.fix));
	f.fix[0] = (struct edit){ start, end, xstrdup(text), strlen(text) };
	f.nfix = 1;
	return f;
}

static void fixes(void)
{
	const char *text = "Wow!!! Great!!! news";
	struct report r;
	report_init(&r, "t.md");
	struct finding f = with_fix("b-rule", 12, 15, "!");
	report_add(&r, &f);
	f = with_fix("a-rule", 3, 6, "!");
	report_add(&r, &f);
	f = with_fix("c-rule", 4, 8, "?"); /* overlaps the a-rule fix: skipped */
	report_add(&r, &f);
	size_t len, applied;
	char *out = fix_apply(text, strlen(text), &r, &len, &applied);
	CHECK_STR(out, "Wow! Great! news", "non-overlapping fixes apply in one pass");
	CHECK_INT(applied, 2, "the overlapping one is skipped");
	free(out);

	/* reversing the order of the findings gives the same bytes */
	struct finding tmp = r.findings.items[0];
	r.findings.items[0] = r.findings.items[2];
	r.findings.items[2] = tmp;
	out = fix_apply(text, strlen(text), &r, &len, &applied);
	CHECK_STR(out, "Wow! Great! news", "the result does not depend on rule order");
	free(out);
	report_release(&r);
}

static void severities(void)
{
	bool ok;
	CHECK(severity_parse("warn", &ok) == SEVERITY_WARNING && ok, "'warn' is accepted");
	severity_parse("fatal", &ok);
	CHECK(!ok, "unknown severities are refused");
}

int main(void)
{
	globs();
	fixes();
	severities();
	return check_done();
}
