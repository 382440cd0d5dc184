/* libFuzzer target: a post's bytes through the post model (front matter, line table, thread
 * parts), the Markdown scan and the tokenizer, then every offset's line and column. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct post *p = post_new("fuzz.md", text, size);
	post_tokens(p);
	/* every token's range must lie inside the text, in order */
	for (int k = 0; k < TOK_KINDS; k++) {
		for (size_t i = 0; i < p->tk->tokens[k].len; i++) {
			const struct token *t = &p->tk->tokens[k].items[i];
			if (t->start > t->end || t->end > p->len)
				abort();
		}
	}
	for (size_t off = 0; off <= p->len; off += 1 + p->len / 64) {
		int line, col;
		post_line_col(p, off, &line, &col);
		if (line < 1 || (size_t)line > p->nlines || col < 1)
			abort();
		size_t s, e;
		if (!post_line_range(p, line, &s, &e) || s > e || e > p->len)
			abort();
		(void)post_part_at(p, off);
	}
	post_free(p);
	return 0;
}
