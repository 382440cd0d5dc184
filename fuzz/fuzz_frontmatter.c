/* libFuzzer target: the front-matter reader (locating the block, then libyaml into a value
 * tree with its depth, size and alias limits). The input is used both as a whole file and,
 * wrapped in delimiter lines, as the YAML itself, so the parser is reached on every input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tree(const struct value *v, int depth)
{
	if (!v)
		return;
	if (depth > FRONTMATTER_MAX_DEPTH + 2)
		abort(); /* the depth cap did not hold */
	for (size_t i = 0; i < v->len; i++)
		check_tree(v->items[i], depth + 1);
}

static void parse(const char *text, size_t len)
{
	size_t ys, ye, bs;
	if (frontmatter_locate(text, len, &ys, &ye, &bs) != FRONTMATTER_FOUND)
		return;
	if (ys > ye || ye > len || bs > len)
		abort();
	struct value *v = NULL;
	struct frontmatter_error err;
	if (frontmatter_parse(text, ys, ye, 2, &v, &err) == 0) {
		if (!v || v->type != VALUE_MAP)
			abort();
		check_tree(v, 0);
	} else if (v || err.offset > len || !memchr(err.message, '\0', sizeof(err.message))) {
		abort();
	}
	value_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	parse(text, size);
	free(text);

	char *wrapped = malloc(size + 9);
	if (!wrapped)
		return 0;
	memcpy(wrapped, "---\n", 4);
	memcpy(wrapped + 4, data, size);
	memcpy(wrapped + 4 + size, "\n---\n", 5);
	parse(wrapped, size + 9);
	free(wrapped);
	return 0;
}
