/* A compiled phrase list (lint.phrases): phrases matched on word boundaries over
 * case-folded words. One block of memory without pointers - a header, the phrases sorted by
 * their first word, their words, then the strings - so that it can live in a Lua userdata
 * (no malloc, no __gc), be copied, and be made at build time: tools/compile_phrases.c
 * compiles the built-in word lists into the binary, and lint.phrases copies such a set when
 * a list's phrases are the ones it was made from (compiling them was a seventh of a
 * one-post lint). */
#ifndef POSTLINT_PHRASE_SET_H
#define POSTLINT_PHRASE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "post.h"
#include "util/hash.h"

struct pword {
	uint32_t off, len;
	uint8_t prefix;
};

struct phrase {
	uint32_t word0, nwords;
	uint32_t source_off, source_len;
};

#define EXACT_BITS 4096

struct phrase_set {
	uint64_t id; /* unique in the process (post:matches keeps scans by it); 0 when made */
	/* the group the set is scanned with (lint.phrases(list, group); api_phrase_group.c)
	 * and its place in it: set when lint.phrases hands the set out, NULL and 0 when made */
	struct phrase_group *group;
	uint32_t group_slot;
	uint32_t nphrases, nwords;
	uint32_t nprefixed; /* phrases whose first word is a prefix: sorted first */
	/* a bit per lead (post_word_lead: a word's first two bytes) that some phrase's first
	 * word can match: most words of a post start no phrase, and one lookup tells so
	 * without a search */
	uint8_t starts[POST_LEAD_SLOTS / 8];
	/* two bits per whole first word of the exact phrases (a Bloom filter): of the words a
	 * post's first two bytes let through, most are no phrase's first word, and this tells
	 * so before the binary search */
	uint8_t exact[EXACT_BITS / 8];
	/* followed by struct phrase[nphrases], struct pword[nwords], char strings[] */
};

static inline struct phrase *phrase_set_phrases(const struct phrase_set *set)
{
	return (struct phrase *)(set + 1);
}

static inline struct pword *phrase_set_words(const struct phrase_set *set)
{
	return (struct pword *)(phrase_set_phrases(set) + set->nphrases);
}

static inline char *phrase_set_strings(const struct phrase_set *set)
{
	return (char *)(phrase_set_words(set) + set->nwords);
}

static inline bool phrase_set_may_start(const struct phrase_set *set, uint32_t word_hash)
{
	unsigned a = word_hash % EXACT_BITS, b = (word_hash >> 16) % EXACT_BITS;
	return (set->exact[a >> 3] & (1u << (a & 7))) && (set->exact[b >> 3] & (1u << (b & 7)));
}

/* Compiles phrases[0..n) (lens[i] bytes each) into a new malloc'd set of *size bytes, its id
 * 0. A phrase with no words is left out. */
struct phrase_set *phrase_set_compile(const char *const *phrases, const size_t *lens, size_t n,
				      size_t *size);

/* A list written as one string, "a, b, c" (lint.phrases takes that as well as a table; the
 * built-in word lists are written so: undumping their thousand short strings, each hashed and
 * interned, was 7% of a one-post lint): its phrases are separated by commas, each
 * without the white space around it (Lua's %s), and empty ones are left out. At most
 * phrase_list_max(text, len) phrases; phrase_list_split writes them as pointers into text
 * and lengths, and returns how many. */
size_t phrase_list_max(const char *text, size_t len);
size_t phrase_list_split(const char *text, size_t len, const char **phrases, size_t *lens);

/* A list's key, under which the set made at build time for it is found: its phrases' bytes
 * in order, each mixed with its length (lint.phrases, the build tool and its test make it
 * here, so that the three agree). */
static inline void phrase_set_key(uint64_t key[2], const char *const *phrases,
				  const size_t *lens, size_t n)
{
	key[0] = 0x70687261736573ULL; /* "phrases" */
	key[1] = (uint64_t)POST_LEAD_SLOTS << 32 | EXACT_BITS;
	for (size_t i = 0; i < n; i++)
		hash128_mix(key, phrases[i], lens[i]);
}

/* A set made at build time from the list named name (e.g. "en.first_person"). */
struct precompiled_phrases {
	uint64_t key[2];
	const unsigned char *data;
	size_t size;
	const char *name;
};

/* The built-in word lists' sets (builtin_phrases.c, generated), an empty entry last; the
 * postlint executable has them (src/main.c registers them), the core library does not. */
extern const struct precompiled_phrases builtin_phrase_sets[];
extern const size_t builtin_phrase_sets_count;

#endif
