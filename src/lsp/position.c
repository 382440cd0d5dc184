/* Byte offsets <-> LSP positions (see position.h). */
#include "position.h"

#include <stdint.h>

#include "unicode.h"

/* UTF-16 code units of the code point at s[0..n), and its length in bytes (an invalid byte
 * counts as one unit, as the U+FFFD a client would have seen). */
static size_t units_of(const char *s, size_t n, size_t *bytes)
{
	int32_t cp;
	int k = uni_decode(s, n, &cp);
	if (k < 0) {
		*bytes = 1;
		return 1;
	}
	*bytes = (size_t)k;
	return cp >= 0x10000 ? 2 : 1;
}

struct lsp_position lsp_position_of(const struct post *post, size_t offset)
{
	if (offset > post->len)
		offset = post->len;
	int line, column;
	post_line_col(post, offset, &line, &column);
	size_t ls, le;
	struct lsp_position pos = { line > 0 ? line - 1 : 0, 0 };
	if (!post_line_range(post, line, &ls, &le))
		return pos;
	size_t units = 0;
	for (size_t i = ls; i < offset && i < post->len;) {
		size_t k;
		units += units_of(post->text + i, post->len - i, &k);
		i += k;
	}
	pos.character = (int)units;
	return pos;
}

size_t lsp_offset_of(const struct post *post, struct lsp_position pos)
{
	if (pos.line < 0)
		return 0;
	size_t ls, le;
	if (!post_line_range(post, pos.line + 1, &ls, &le))
		return post->len;
	size_t i = ls, units = 0;
	while (i < le && units < (size_t)(pos.character > 0 ? pos.character : 0)) {
		size_t k;
		units += units_of(post->text + i, le - i, &k);
		i += k;
	}
	return i;
}
