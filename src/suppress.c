/* In-file rule switches (see suppress.h). */
#include "suppress.h"

#include <stdlib.h>
#include <string.h>

#include "util/memfind.h"
#include "util/vec.h"
#include "util/xalloc.h"

enum switch_kind { SW_DISABLE, SW_ENABLE, SW_NEXT_LINE, SW_LINE };

struct switch_ {
	enum switch_kind kind;
	size_t at;         /* where it applies from (end of the comment) */
	size_t line_start; /* for the line forms: the covered line */
	size_t line_end;
	char **rules;      /* NULL-terminated; empty: all rules */
};

static const struct {
	const char *word;
	enum switch_kind kind;
} keywords[] = {
	/* longest first: "postlint-disable" is a prefix of the others */
	{ "postlint-disable-next-line", SW_NEXT_LINE },
	{ "postlint-disable-line", SW_LINE },
	{ "postlint-disable", SW_DISABLE },
	{ "postlint-enable", SW_ENABLE },
};

static char **split_ids(const char *s, size_t n)
{
	char **ids = xcalloc(n / 2 + 2, sizeof(char *));
	size_t count = 0, i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		size_t a = i;
		while (i < n && !(s[i] == ' ' || s[i] == ',' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i > a)
			ids[count++] = xstrndup(s + a, i - a);
	}
	return ids;
}

static bool covers(char **rules, const char *id)
{
	if (!rules[0])
		return true;
	for (char **r = rules; *r; r++)
		if (strcmp(*r, id) == 0)
			return true;
	return false;
}

static void line_bounds(const struct post *p, size_t offset, int delta, size_t *start, size_t *end)
{
	int line, col;
	post_line_col(p, offset, &line, &col);
	if (!post_line_range(p, line + delta, start, end))
		*start = *end = p->len;
	else if (*end < p->len)
		(*end)++; /* findings at the line break still count */
}

static bool disabled(const struct switch_ *items, size_t n, const struct finding *f)
{
	bool off = false;
	for (size_t i = 0; i < n; i++) {
		const struct switch_ *s = &items[i];
		switch (s->kind) {
		case SW_DISABLE:
			if (f->start >= s->at && covers(s->rules, f->rule))
				off = true;
			break;
		case SW_ENABLE:
			if (f->start >= s->at && covers(s->rules, f->rule))
				off = false;
			break;
		case SW_NEXT_LINE:
		case SW_LINE:
			if (f->start >= s->line_start && f->start < s->line_end && covers(s->rules, f->rule))
				return true;
			break;
		}
	}
	return off;
}

void suppress_apply(struct post *p, struct report *r,
		    bool (*is_rule)(const char *id, void *ud), void *ud)
{
	/* switches are HTML comments: without one there is nothing to do (and no need for the
	 * Markdown structure, which a post answered from the cache or waiting for the rules
	 * across posts has not got) */
	if (p->body_end <= p->body_start ||
	    !mem_find(p->text + p->body_start, p->body_end - p->body_start, "<!--", 4))
		return;
	post_tokens(p);
	VEC(struct switch_) sw = { 0 };
	const char *t = p->text;
	for (size_t i = p->body_start; i + 4 <= p->body_end; i++) {
		if (memcmp(t + i, "<!--", 4) != 0 || !(p->tk->cls[i] & CLS_HTML))
			continue;
		const char *close = NULL;
		for (size_t j = i + 4; j + 3 <= p->body_end; j++) {
			if (t[j] == '-' && t[j + 1] == '-' && t[j + 2] == '>') {
				close = t + j;
				break;
			}
		}
		if (!close)
			break;
		size_t a = i + 4, b = (size_t)(close - t);
		while (a < b && (t[a] == ' ' || t[a] == '\t' || t[a] == '\n' || t[a] == '\r'))
			a++;
		for (size_t k = 0; k < sizeof(keywords) / sizeof(*keywords); k++) {
			size_t n = strlen(keywords[k].word);
			if (b - a < n || memcmp(t + a, keywords[k].word, n) != 0)
				continue;
			if (a + n < b && t[a + n] != ' ' && t[a + n] != '\t' && t[a + n] != '\n')
				continue; /* "postlint-disabled": not ours */
			struct switch_ s = { .kind = keywords[k].kind, .at = b + 3,
					     .rules = split_ids(t + a + n, b - a - n) };
			if (s.kind == SW_NEXT_LINE)
				line_bounds(p, b, 1, &s.line_start, &s.line_end);
			else if (s.kind == SW_LINE)
				line_bounds(p, i, 0, &s.line_start, &s.line_end);
			for (char **id = s.rules; *id; id++)
				if (!is_rule(*id, ud))
					report_addf(r, RULE_DIRECTIVE, SEVERITY_WARNING, i, b + 3,
						    "unknown rule '%s' in %s", *id, keywords[k].word);
			VEC_PUSH(&sw, s);
			break;
		}
		i = b + 2;
	}
	if (sw.len) {
		size_t kept = 0;
		for (size_t i = 0; i < r->findings.len; i++) {
			struct finding *f = &r->findings.items[i];
			if (!f->internal && disabled(sw.items, sw.len, f)) {
				finding_release(f);
				continue;
			}
			r->findings.items[kept++] = *f;
		}
		r->findings.len = kept;
	}
	for (size_t i = 0; i < sw.len; i++) {
		for (char **id = sw.items[i].rules; *id; id++)
			free(*id);
		free(sw.items[i].rules);
	}
	VEC_FREE(&sw);
}
