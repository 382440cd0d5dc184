/* twitter-text's rules for X: entity extraction (URLs, mentions and lists, hashtags, cashtags)
 * and the v3 weighted length, written after twitter-text's published regular expressions
 * (https://github.com/twitter/twitter-text, Apache-2.0, see third_party/twitter-text-LICENSE)
 * and checked against its conformance suite (tests/conformance). This is X's notion of a URL
 * or a hashtag; postlint's own tokenizer (token.c) keeps its own semantics for the post model.
 *
 * Everything works on a byte buffer with an explicit length; entity ranges are byte offsets
 * into that buffer. Invalid UTF-8 bytes are treated as characters that belong to nothing. */
#ifndef POSTLINT_TWITTER_TEXT_H
#define POSTLINT_TWITTER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "util/vec.h"

enum tt_kind { TT_URL, TT_MENTION, TT_HASHTAG, TT_CASHTAG };

struct tt_entity {
	enum tt_kind kind;
	size_t start, end;             /* the whole entity: "@name/list", "#tag", "$SYM", the URL */
	size_t value_start, value_end; /* the screen name, tag or symbol without its sign; URLs: = start/end */
	size_t list_start, list_end;   /* mentions: "/list-slug", empty when none */
};

typedef VEC(struct tt_entity) tt_entities;

/* Each appends to out in text order. with_scheme_only: only URLs written with http(s)://
 * (Mastodon's rule); twitter-text's default extracts bare domains too. */
void tt_extract_urls(const char *s, size_t len, bool with_scheme_only, tt_entities *out);
/* Mentions and lists ("@user/list"); a mention is an entity whose list range is empty. */
void tt_extract_mentions_or_lists(const char *s, size_t len, tt_entities *out);
/* Hashtags, minus those inside URLs (twitter-text's check_url_overlap). */
void tt_extract_hashtags(const char *s, size_t len, tt_entities *out);
void tt_extract_cashtags(const char *s, size_t len, tt_entities *out);

/* The v3 configuration (config/v3.json): weights in hundredths of a character. */
#define TT_MAX_WEIGHTED_LENGTH 280
#define TT_URL_LENGTH 23

/* twitter-text's weighted length of s (NFC first; URLs 23; an emoji sequence 2; other code
 * points 1 or 2 by range). *valid (optional) says whether X would accept it as a post: not
 * empty, at most 280, and none of U+FFFE, U+FEFF, U+FFFF. Invalid UTF-8 counts byte by byte
 * with weight 2 (the text cannot be normalized). */
long tt_weighted_length(const char *s, size_t len, bool *valid);

#endif
