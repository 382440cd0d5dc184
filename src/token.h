/* The tokenizer: words, sentences, links, images, hashtags, mentions, emoji and quotations
 * of a post, as byte ranges (see post.h for the token struct).
 *
 * It runs after markdown_scan has classified every byte, and only prose counts: code, HTML
 * and link targets never produce words. URLs, e-mail addresses, hashtags and mentions are not
 * words either; they get tokens of their own. */
#ifndef POSTLINT_TOKEN_H
#define POSTLINT_TOKEN_H

#include "post.h"

void token_scan(struct post *post);

/* Folds s[0..n) the way word norms are folded: NFC, full case folding, and typographic
 * apostrophes as "'". Appends to out; returns false (appending nothing) on invalid UTF-8. */
bool token_fold(const char *s, size_t n, struct buf *out);

/* Rewrites typographic apostrophes (U+2018, U+2019) as "'" in place; returns the new length. */
size_t token_normalize_apostrophes(char *s, size_t n);

/* Calls emit(ud, start, end) for each word of t[start..end). With cls (the post's byte
 * classes), only prose counts; with NULL, every byte does (for phrases given by rules). */
void token_split(const char *t, size_t start, size_t end, const uint16_t *cls,
		 void (*emit)(void *ud, size_t start, size_t end), void *ud);

#endif
