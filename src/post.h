/* The post model: one draft's bytes, its front matter, body, thread parts, line table and
 * (on demand) its Markdown structure and tokens.
 *
 * Ownership: a post owns its bytes and everything computed from them. Every offset is a byte
 * offset into post->text (the whole file, front matter included), so rule ranges and fixes
 * land exactly where they point. Tokens are ranges, never copies, except a word's folded form
 * (kept in post->tk->norms) and a link's URL. */
#ifndef POSTLINT_POST_H
#define POSTLINT_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontmatter.h"
#include "markdown.h"
#include "util/buf.h"
#include "util/vec.h"
#include "value.h"

enum token_kind {
	TOK_WORD,
	TOK_SENTENCE,
	TOK_LINK,
	TOK_IMAGE,
	TOK_HASHTAG,
	TOK_MENTION,
	TOK_EMOJI,
	TOK_QUOTE,
	TOK_KINDS
};

enum token_flag {
	TF_QUOTED = 1 << 0,   /* inside a block quotation or quotation marks */
	TF_LINK = 1 << 1,     /* inside the visible text of a link */
	TF_HEADING = 1 << 2,  /* inside a heading */
	TF_QUESTION = 1 << 3, /* sentences: ends with a question mark */
	TF_BLOCK = 1 << 4,    /* quotes: a '>' block (else quotation marks) */
	TF_BARE = 1 << 5,     /* links: a URL written in the text, not Markdown */
	TF_AUTOLINK = 1 << 6, /* links: <https://...> */
};

struct token {
	size_t start, end;             /* [start, end) in post->text */
	size_t inner_start, inner_end; /* link text, image alt, quote content, tag name */
	size_t norm_off, norm_len;     /* words: NFC case-folded form in tk->norms */
	char *url;                     /* links and images (owned) */
	uint32_t first_word, nwords;   /* sentences: their words in tokens[TOK_WORD] */
	uint32_t sentence;             /* words: index of their sentence, or UINT32_MAX */
	uint16_t flags;
	uint16_t part; /* thread part, 0-based */
};

struct post_part {
	size_t start, end;
};

/* What post_tokens() computes from the text: the Markdown structure and the tokens. */
/* One match of a phrase set's whole-text scan (post:matches): words word .. word + nwords - 1,
 * and the phrase's source text, which lives in the set. */
struct phrase_hit {
	uint32_t word, nwords;
	const char *phrase;
	size_t phrase_len;
};

/* A phrase set's matches over the whole text, quotations and link text included, in text
 * order: made by the first post:matches that asks for the set, read by the others. */
struct phrase_scan {
	uint64_t set_id; /* sets are told apart by id: an address may be reused after a GC */
	struct phrase_hit *hits;
	size_t n;
};

struct post_tokens {
	uint16_t *cls; /* CLS_* bits per byte */
	struct markdown md;
	VEC(struct token) tokens[TOK_KINDS];
	struct buf norms;
	/* per word, post_word_lead of its norm: the phrase search tests a word against a
	 * list's first words by these, twenty lists a post, without reading the word's token */
	uint16_t *word_leads;
	/* per word, hash_fnv32 of its norm: a word that passes a list's leads is looked up in
	 * the list's filter of first words by it, made here once rather than once a list */
	uint32_t *word_hashes;
	struct phrase_scan *scans; /* post:matches' scans so far (api_matches.c) */
	size_t nscans, scans_cap;
	/* the phrase group whose members were scanned together for the post, if one was: a
	 * member that joined it since is scanned alone (api_matches.c) */
	const void *scanned_group;
	/* the golden rules' own words for one limit (api_lists.c), kept: three analyses of a
	 * post ask for them with the same one. own_words[0..nsentences + 2) are each sentence's
	 * starts, then nwords of them by sentence, then the nown words in text order. */
	size_t *own_words, own_before, nown;
};

/* A word's lead: its first two bytes (the second 0 for a one-byte word) mixed into one of
 * POST_LEAD_SLOTS slots, distinct for any two pairs of ASCII letters. The phrase lists mark
 * the leads of their first words in a bitmap of that many bits (api_lint.c) and the post
 * keeps those of its words (word_leads): both sides must agree, hence one definition. The
 * bitmap held a bit per pair of bytes, 8 KB in every list: twenty lists' worth was 50 page
 * faults of a one-post lint, and the bitmaps a post's scans read did not fit the L1 cache. */
#define POST_LEAD_SLOTS 4096u

static inline uint16_t post_lead_of(unsigned char first, unsigned char second)
{
	return (uint16_t)((first * 37u + second) & (POST_LEAD_SLOTS - 1));
}

static inline uint16_t post_word_lead(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	return n == 0 ? 0 : post_lead_of(u[0], n > 1 ? u[1] : 0);
}

struct post {
	char *path; /* display path (owned) */
	char *text; /* the file's bytes (owned); text[len] is a NUL for convenience */
	size_t len;
	/* (the flags together: a calendar holds thousands of posts) */
	bool has_bom;
	bool has_front_matter;
	bool front_matter_failed;
	bool binary; /* NUL bytes: not a text file */
	bool has_time;
	bool lang_guessed;
	/* whether the front matter has a "lint" key (in-file switches): 0 not known yet, 1 no,
	 * 2 yes (post_meta_lint; read and written atomically: light posts are shared) */
	unsigned char lint_key;

	size_t fm_start, fm_end; /* the YAML between the delimiter lines */
	size_t body_start, body_end;
	/* front matter map; an empty map when there is none. Read it with post_meta: a light
	 * post from the cache has NULL here until then (meta_bin) */
	struct value *meta;
	/* why, when it failed (owned; NULL otherwise): not inline, since a calendar holds
	 * thousands of posts and few of them have broken front matter */
	struct frontmatter_error *front_matter_error;
	/* when it is scheduled (schedule_of), worked out once from meta and path: a calendar
	 * asks for every post's time, and reading it here touches no other memory */
	long long time;

	size_t first_invalid_utf8; /* == len when the text is valid UTF-8 */

	size_t *line_starts;
	size_t nlines;

	VEC(struct post_part) parts;

	/* Computed by post_tokens() on first use; NULL before and after post_shrink. Apart,
	 * because the posts waiting for the calendar (thousands) never need them again. */
	struct post_tokens *tk;
	char lang[8]; /* "en", "es", "de", "ja", ... or "" when unknown */
	/* a light post's front matter as the cache's pack holds it (value_bin), until post_meta
	 * makes the tree: the pre-commit hook's calendar is 10,000 such posts, and the rules ask
	 * the front matter of a few (their time is worked out from the bytes). The pack is
	 * mapped until the cache closes, after the run's posts are freed. */
	const unsigned char *meta_bin;
	size_t meta_bin_len;
};

/* Builds a post from file bytes; takes ownership of text (malloc'd, len bytes, may be
 * unterminated: the post reallocates to add a NUL). Never fails: problems are recorded. */
struct post *post_new(const char *path, char *text, size_t len);
void post_free(struct post *post);
/* Frees the tokens and Markdown structure (post_tokens makes them again when asked), and
 * with keep_text false also the text, leaving path, meta and language: what a post of the
 * calendar needs once its rules' collect functions ran. */
void post_shrink(struct post *post, bool keep_text);

/* A post as post_shrink(post, false) leaves it, made from what the cache kept: path, front
 * matter (a map as value_bin wrote it: borrowed, it must outlive the post), language (""
 * when unknown) and time (schedule.h's, as the post had it). */
struct post *post_new_light(const char *path, const unsigned char *meta, size_t meta_len,
			    const char *lang, bool has_time, long long time);

/* The post's front matter map (an empty map when it has none). A light post's is made from
 * its bytes on first use; like the rest of a post, not from two threads at once. */
const struct value *post_meta(const struct post *post);
/* post_meta(post)'s "lint" value, or NULL. Asked for every rule and post (rules switched off
 * in front matter): whether there is one is kept with the post, so that the calendar's
 * thousands of posts, gone cold, are not read again for each rule. */
const struct value *post_meta_lint(const struct post *post);

/* Computes the Markdown structure and tokens once; later calls return at once. */
void post_tokens(struct post *post);

/* 1-based line and column (in code points) of a byte offset; offsets past the end map to the
 * end of the last line. */
void post_line_col(const struct post *post, size_t offset, int *line, int *column);
/* Offset of the start of the line holding offset. */
size_t post_line_start(const struct post *post, size_t offset);
/* Byte range [*start, *end) of 1-based line n, without its line break. */
bool post_line_range(const struct post *post, int line, size_t *start, size_t *end);
/* The thread part holding offset (0-based). */
size_t post_part_at(const struct post *post, size_t offset);

#endif
