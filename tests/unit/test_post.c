/* The post model: front matter, line table and columns, thread parts, invalid input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "post.h"
#include "util/xalloc.h"

static struct post *make(const char *text)
{
	return post_new("t.md", xstrdup(text), strlen(text));
}

static void front_matter(void)
{
	struct post *p = make("---\nplatform: [x, mastodon]\ngoal: replies\ncount: 3\nok: true\n"
			      "quoted: 'no'\nplain_no: no\nwhen: 2026-12-01\n---\nBody text.\n");
	CHECK(!p->front_matter_failed, "well-formed front matter parses");
	const struct value *platform = value_map_get(p->meta, "platform");
	CHECK(platform && platform->type == VALUE_LIST && platform->len == 2, "a flow list is a list");
	CHECK_STR(value_map_string(p->meta, "goal"), "replies", "strings stay strings");
	const struct value *count = value_map_get(p->meta, "count");
	CHECK(count && count->type == VALUE_NUMBER && count->number == 3, "plain numbers are numbers");
	const struct value *ok = value_map_get(p->meta, "ok");
	CHECK(ok && ok->type == VALUE_BOOL && ok->boolean, "true is a boolean");
	CHECK_STR(value_map_string(p->meta, "quoted"), "no", "a quoted 'no' is a string");
	CHECK_STR(value_map_string(p->meta, "plain_no"), "no", "YAML 1.2: plain no is a string, not false");
	CHECK_STR(value_map_string(p->meta, "when"), "2026-12-01", "dates stay strings");
	CHECK_INT(p->body_start, strlen("---\nplatform: [x, mastodon]\ngoal: replies\ncount: 3\nok: true\n"
					"quoted: 'no'\nplain_no: no\nwhen: 2026-12-01\n---\n"), "body starts after the closing line");
	CHECK_INT(platform->line, 2, "values carry their line");
	post_free(p);

	p = make("\xEF\xBB\xBF---\r\ngoal: x\r\n---\r\nHi\r\n");
	CHECK(p->has_bom && !p->front_matter_failed, "a BOM and CRLF line ends are accepted");
	CHECK_STR(value_map_string(p->meta, "goal"), "x", "CRLF front matter value");
	post_free(p);

	p = make("---\ntitle: Hello: world?\n---\nBody");
	CHECK(p->front_matter_failed && p->front_matter_error, "an unquoted colon is an error");
	if (!p->front_matter_error)
		return;
	CHECK(strstr(p->front_matter_error->message, "put quotes around") != NULL,
	      "the error suggests quoting: %s", p->front_matter_error->message);
	int line, col;
	post_line_col(p, p->front_matter_error->offset, &line, &col);
	CHECK_INT(line, 2, "the error points at the line");
	CHECK_INT(col, 13, "and the column");
	post_free(p);

	p = make("---\ngoal: x\nno closing line\n");
	CHECK(p->front_matter_failed && p->front_matter_error && strstr(p->front_matter_error->message, "not closed"),
	      "unterminated front matter is reported");
	post_free(p);

	p = make("---\na: &anchor [1]\nb: *anchor\n---\n");
	CHECK(p->front_matter_failed && p->front_matter_error && strstr(p->front_matter_error->message, "anchors"),
	      "anchors and aliases are refused: %s", p->front_matter_error->message);
	post_free(p);

	p = make("---\n- just\n- a list\n---\nBody");
	CHECK(p->front_matter_failed && p->front_matter_error && strstr(p->front_matter_error->message, "mapping"),
	      "front matter must be a mapping");
	post_free(p);

	p = make("---\ngoal: a\ngoal: b\n---\n");
	CHECK(p->front_matter_failed && p->front_matter_error && strstr(p->front_matter_error->message, "duplicate"),
	      "duplicate keys are reported");
	post_free(p);

	/* 100 levels of nesting: refused quickly instead of parsed */
	char deep[400] = "---\nx: ";
	for (int i = 0; i < 100; i++)
		strcat(deep, "[");
	strcat(deep, "\n---\n");
	p = make(deep);
	CHECK(p->front_matter_failed && p->front_matter_error && strstr(p->front_matter_error->message, "nested too deeply"),
	      "deep nesting is refused: %s", p->front_matter_error->message);
	post_free(p);

	p = make("No front matter here.\n---\nSecond part.");
	CHECK(!p->has_front_matter, "--- not on the first line is not front matter");
	CHECK_INT(p->parts.len, 2, "but it separates thread parts");
	post_free(p);
}

static void lines_and_columns(void)
{
	struct post *p = make("ab\ncafé 👍🏽 x\r\nlast");
	int line, col;
	post_line_col(p, 0, &line, &col);
	CHECK(line == 1 && col == 1, "offset 0 is 1:1");
	post_line_col(p, 3, &line, &col);
	CHECK(line == 2 && col == 1, "after LF is the next line");
	const char *x = strstr(p->text, " x");
	post_line_col(p, (size_t)(x - p->text) + 1, &line, &col);
	CHECK(line == 2 && col == 9, "columns count code points (got %d:%d)", line, col);
	post_line_col(p, (size_t)(strstr(p->text, "last") - p->text), &line, &col);
	CHECK(line == 3 && col == 1, "CRLF is one line break");
	size_t s, e;
	CHECK(post_line_range(p, 2, &s, &e) && p->text[e] == '\r', "line ranges exclude the break");
	post_free(p);

	p = make("one\rtwo");
	post_line_col(p, 4, &line, &col);
	CHECK(line == 2 && col == 1, "a lone CR breaks lines too");
	post_free(p);
}

static void parts(void)
{
	struct post *p = make("1/3 First part.\n2/3 Second part.\n3/3 Third part?\n");
	CHECK_INT(p->parts.len, 3, "numbered markers split a thread");
	CHECK(strncmp(p->text + p->parts.items[1].start, "2/3", 3) == 0, "a marker starts its part");
	post_free(p);

	p = make("First.\n---\nSecond.\n\n```\n---\n```\n");
	CHECK_INT(p->parts.len, 2, "--- splits, but not inside a fenced code block");
	post_free(p);

	p = make("🧵 1/2 Opening.\n\n(2/2) Closing.");
	CHECK_INT(p->parts.len, 2, "thread emoji and parenthesised markers");
	post_free(p);
}

static void bad_input(void)
{
	char bin[] = "abc\0def";
	struct post *p = post_new("b.md", xstrndup(bin, 7), 7);
	CHECK(p->binary, "NUL bytes mean not a text file");
	post_free(p);

	p = make("ok \xC0\xAF overlong, \xED\xA0\x80 surrogate");
	CHECK_INT(p->first_invalid_utf8, 3, "the first invalid byte is found");
	post_tokens(p);
	CHECK(p->tk->tokens[TOK_WORD].len >= 3, "invalid bytes do not stop tokenizing");
	post_free(p);

	p = make("");
	post_tokens(p);
	CHECK(p->parts.len == 1 && p->tk->tokens[TOK_WORD].len == 0,
	      "an empty post has one empty part");
	post_free(p);

	p = make("---\ngoal: x\n---\n");
	post_tokens(p);
	CHECK(p->body_start == p->len && p->tk->tokens[TOK_SENTENCE].len == 0,
	      "a file of only front matter has an empty body");
	post_free(p);
}

int main(void)
{
	front_matter();
	lines_and_columns();
	parts();
	bad_input();
	return check_done();
}
