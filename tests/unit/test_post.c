/* The post model: front matter, line table and columns, thread parts, invalid input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "post.h"
#include "unicode.h"
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

/* The reference answers, byte by byte: line starts after LF, CR or CRLF; a column counts
 * code points, an invalid byte as one; the first invalid byte. */
static int reference_line_col(const char *t, size_t len, size_t offset, int *col)
{
	int line = 1;
	size_t start = 0;
	for (size_t i = 0; i < offset; i++) {
		if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
			i++;
		if ((t[i] == '\n' || t[i] == '\r') && i < offset) {
			line++;
			start = i + 1;
		}
	}
	*col = 1;
	for (size_t i = start; i < offset;) {
		int32_t cp;
		int n = uni_decode(t + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
		(*col)++;
	}
	return line;
}

/* The scans that pass eight ASCII bytes at a time (the line table, columns, the UTF-8
 * check) against the byte-by-byte answers, over texts whose breaks, tabs, multibyte and
 * invalid bytes fall at every offset of an eight-byte word. */
static void scans_by_word(void)
{
	static const char *const pieces[] = { "a", "abcdefgh", "abcdefghijklmno", "\n", "\r",
					      "\r\n", "\t", "\xC3\xA9", "\xF0\x9F\x91\x8D",
					      "\xE2\x82", "\xFF", " ", "0123456" };
	unsigned seed = 12345;
	int failures = 0;
	for (int round = 0; round < 400 && failures < 5; round++) {
		char text[512];
		size_t len = 0;
		while (len < 400) {
			seed = seed * 1103515245u + 12345u;
			size_t npieces = sizeof(pieces) / sizeof(*pieces);
			const char *piece = pieces[(seed >> 16) % npieces];
			size_t n = strlen(piece);
			memcpy(text + len, piece, n);
			len += n;
		}
		text[len] = '\0';
		struct post *p = post_new("t.txt", xstrndup(text, len), len);
		size_t invalid = len;
		for (size_t i = 0; i < len;) {
			int32_t cp;
			int n = uni_decode(text + i, len - i, &cp);
			if (n < 0) {
				invalid = i;
				break;
			}
			i += (size_t)n;
		}
		if (p->first_invalid_utf8 != invalid) {
			CHECK(false, "round %d: first invalid byte %zu, expected %zu", round,
			      p->first_invalid_utf8, invalid);
			failures++;
		}
		for (size_t off = 0; off <= len; off++) {
			int line, col, want_col;
			post_line_col(p, off, &line, &col);
			int want_line = reference_line_col(text, len, off, &want_col);
			if (line != want_line || col != want_col) {
				CHECK(false, "round %d, offset %zu: %d:%d, expected %d:%d", round,
				      off, line, col, want_line, want_col);
				failures++;
				break;
			}
		}
		post_free(p);
	}
	CHECK(failures == 0, "line table, columns and the UTF-8 check agree byte by byte");
}

int main(void)
{
	front_matter();
	lines_and_columns();
	parts();
	bad_input();
	scans_by_word();
	return check_done();
}
