/* How long a post is on each network, counted the way that network counts, and the limits
 * table (one place; .lintrc may override a platform's numbers with `platform_limits = { ... }`).
 *
 *   x          twitter-text v3 weighted length (twitter_text.c), limit 280
 *   mastodon   graphemes; URLs with a scheme count 23; @user@domain counts as @user; 500
 *   bluesky    graphemes (300) and UTF-8 bytes (3000)
 *   threads    graphemes, 500;  linkedin 3000;  instagram 2200;  facebook 63206
 *
 * Sources for each number are in the README ("Platforms and lengths"). */
#ifndef POSTLINT_LENGTH_H
#define POSTLINT_LENGTH_H

#include <stdbool.h>
#include <stddef.h>

#include "post.h"
#include "util/buf.h"

enum length_method {
	LENGTH_WEIGHTED,  /* twitter-text */
	LENGTH_GRAPHEMES, /* user-perceived characters */
};

struct platform_settings {
	const char *name;
	enum length_method method;
	long limit;      /* in the method's unit */
	long max_bytes;  /* UTF-8 bytes, 0 when the network has no byte limit */
	int url_length;  /* what a URL counts, 0 when URLs count as written */
	bool threads;    /* the network threads replies, so a long post can be split */
	const char *unit; /* "characters" (weighted), "graphemes" */
};

/* A .lintrc override of one platform's numbers; -1 leaves a number as it is. */
struct length_override {
	char name[16];
	long limit, max_bytes;
	int url_length;
};

struct length_overrides {
	struct length_override items[16];
	size_t len;
};

/* The settings of a platform (lower-case name), with overrides applied (ov may be NULL).
 * Returns false for a platform postlint does not know. */
bool length_settings(const char *platform, const struct length_overrides *ov,
		     struct platform_settings *out);
/* Records an override (replacing an earlier one for the same platform). */
void length_override_set(struct length_overrides *ov, const struct length_override *o);

struct length_result {
	long length;  /* in the platform's unit */
	size_t bytes; /* UTF-8 bytes of the counted text */
	bool over;    /* over the limit or the byte limit */
};

/* Measures s[0..n) as one post on the platform. */
void length_measure(const struct platform_settings *ps, const char *s, size_t n,
		    struct length_result *r);

/* The text of the post that a network would receive, into out: the body (part = 0) or
 * thread part `part` (1-based), without HTML comments (postlint's own switches) and
 * without the blank lines around it. Returns false when there is no such part. */
bool length_post_text(const struct post *post, size_t part, struct buf *out);

#endif
