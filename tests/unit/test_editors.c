/* Pieces of the editor and CI support with exact answers: the XML escaper (checkstyle) and
 * LSP positions (UTF-16 code units) against byte offsets. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lsp/position.h"
#include "post.h"
#include "util/xalloc.h"
#include "xml_writer.h"

static void xml(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "a & b < c > d", "a &amp; b &lt; c &gt; d" },
		{ "\"q\" 'a'", "&quot;q&quot; &apos;a&apos;" },
		{ "l1\nl2\r\tx", "l1&#10;l2&#13;&#9;x" },
		{ "\x01\x1B\x7F", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "🎉 新年 é", "🎉 新年 é" },
		{ "bad \xFF byte \xC3", "bad \xEF\xBF\xBD byte \xEF\xBF\xBD" },
		{ "\xEF\xBF\xBE", "\xEF\xBF\xBD" }, /* U+FFFE is not an XML character */
		{ "&amp;", "&amp;amp;" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		xml_escapes(&b, cases[i].in);
		CHECK_STR(b.ptr ? b.ptr : "", cases[i].out, "xml_escape");
		buf_release(&b);
	}
}

static struct post *make(const char *text)
{
	return post_new("t.md", xstrdup(text), strlen(text));
}

static void positions(void)
{
	/* line 2: two emoji (2 units, 4 bytes each), a space, two CJK (1 unit, 3 bytes) */
	struct post *p = make("first\n🎉🎉 新年 x\nlast");
	size_t x = strlen("first\n🎉🎉 新年 ");
	struct lsp_position pos = lsp_position_of(p, x);
	CHECK_INT(pos.line, 1, "line of x");
	CHECK_INT(pos.character, 4 + 1 + 2 + 1, "UTF-16 character of x");
	CHECK_INT(lsp_offset_of(p, pos), x, "and back to bytes");
	pos = lsp_position_of(p, strlen("first\n🎉"));
	CHECK_INT(pos.character, 2, "after one emoji");
	/* a position inside a surrogate pair moves to the end of the code point */
	CHECK_INT(lsp_offset_of(p, (struct lsp_position){ 1, 1 }), strlen("first\n🎉"),
		  "inside a surrogate pair");
	CHECK_INT(lsp_offset_of(p, (struct lsp_position){ 1, 999 }), strlen("first\n🎉🎉 新年 x"),
		  "past the end of a line clamps to it");
	CHECK_INT(lsp_offset_of(p, (struct lsp_position){ 9, 0 }), p->len, "past the last line");
	pos = lsp_position_of(p, p->len);
	CHECK_INT(pos.line, 2, "end: last line");
	CHECK_INT(pos.character, 4, "end: its length");
	CHECK_INT(lsp_position_of(p, 0).character, 0, "start");
	post_free(p);

	p = make("a\r\nb🎉c");
	pos = lsp_position_of(p, strlen("a\r\nb🎉"));
	CHECK_INT(pos.line, 1, "CRLF: second line");
	CHECK_INT(pos.character, 3, "CRLF: after b and an emoji");
	post_free(p);
}

int main(void)
{
	xml();
	positions();
	return check_done();
}
