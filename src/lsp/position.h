/* LSP positions: 0-based lines and columns counted in UTF-16 code units (what LSP requires
 * by default), converted to and from byte offsets of a post. Lines are the post's lines
 * (split at LF; a CR before it belongs to the line, as for LSP). */
#ifndef POSTLINT_LSP_POSITION_H
#define POSTLINT_LSP_POSITION_H

#include <stddef.h>

#include "post.h"

struct lsp_position {
	int line, character;
};

struct lsp_position lsp_position_of(const struct post *post, size_t offset);
/* The byte offset of a position; positions past a line's end clamp to it, lines past the
 * end of the text to its length, and a position inside a surrogate pair to the end of the
 * code point. */
size_t lsp_offset_of(const struct post *post, struct lsp_position pos);

#endif
