/* YAML front matter: finding the block and turning it into a value tree with libyaml.
 *
 * Only plain data is accepted: mappings, sequences and scalars. Anchors and aliases are
 * rejected (no alias bombs), nesting is capped, and so is the block's size. Plain scalars are
 * resolved with YAML 1.2 core-schema rules (true/false, null, numbers); everything else,
 * including quoted scalars and 'no'/'yes', stays a string. */
#ifndef POSTLINT_FRONTMATTER_H
#define POSTLINT_FRONTMATTER_H

#include <stddef.h>

#include "value.h"

#define FRONTMATTER_MAX_BYTES (64 * 1024)
#define FRONTMATTER_MAX_DEPTH 32

struct frontmatter_error {
	size_t offset;      /* byte offset in the file where the problem is */
	char message[320];
};

enum frontmatter_found {
	FRONTMATTER_NONE,
	FRONTMATTER_FOUND,
	FRONTMATTER_UNTERMINATED,
};

/* Looks for a front matter block at the start of text (after an optional UTF-8 BOM): a first
 * line that is exactly "---", up to the next line that is "---" or "...". On FOUND, the YAML is
 * text[*yaml_start..*yaml_end) and the body starts at *body_start. */
enum frontmatter_found frontmatter_locate(const char *text, size_t len, size_t *yaml_start,
					  size_t *yaml_end, size_t *body_start);

/* Parses text[yaml_start..yaml_end) into *out, a VALUE_MAP whose positions are lines and
 * columns of the whole file (first_line is the line number of yaml_start). Returns 0, or -1
 * with *err filled and *out NULL. */
int frontmatter_parse(const char *text, size_t yaml_start, size_t yaml_end, int first_line,
		      struct value **out, struct frontmatter_error *err);

#endif
