/* A compact binary form of value trees, for the cache's pack of light posts (cache_pack.c):
 * reading ten thousand of them back must cost far less than parsing JSON.
 *
 * Each value is a tag byte, its source position (two varints) and its payload: nothing for
 * nil, the tag itself for booleans, 8 bytes for a number (the host's double), a varint length
 * and the bytes for a string, a varint count and the items for a list, and for a map a count
 * and (key length, key, item) triples. The form is the host's own: it is never exchanged with
 * another machine, only read back by the same postlint (the cache key names its version). */
#ifndef POSTLINT_VALUE_BIN_H
#define POSTLINT_VALUE_BIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "value.h"

/* Appends v (NULL: nil) to out. */
void value_bin_put(struct buf *out, const struct value *v);
/* How many bytes value_bin_put appends for v, without writing them. */
size_t value_bin_size(const struct value *v);
/* An unsigned integer in 7-bit groups, low first. */
void value_bin_put_varint(struct buf *out, uint64_t n);

/* A cursor over bytes being read; ok turns false at the first damaged or truncated byte and
 * every later read then returns nothing. */
struct bin_reader {
	const unsigned char *p, *end;
	bool ok;
};

uint64_t value_bin_get_varint(struct bin_reader *r);
/* A string's bytes (varint length, then the bytes), borrowed from the input; NULL when
 * damaged. */
const char *value_bin_get_bytes(struct bin_reader *r, size_t *len);
/* The next value (owned by the caller), or NULL when the input is damaged (r->ok false). */
struct value *value_bin_get(struct bin_reader *r);
/* value_bin_get in one allocation (a first pass measures): for trees read by the thousand
 * and never changed, the cache's light posts' front matter. value_free frees it; nothing may
 * add to it or free a part of it. */
struct value *value_bin_get_block(struct bin_reader *r);
/* v (taken) as the same tree in one allocation (value_bin_get_block), or v itself when it is
 * one already or cannot be written: for trees held long and never changed again. */
struct value *value_in_one_block(struct value *v);
/* Whether the value that bytes hold is neither nil nor false (Lua's truth). */
bool value_bin_truthy(const unsigned char *bytes, size_t len);
/* Whether bytes hold a map (its header; value_bin_skip checks the rest). */
bool value_bin_is_map(const unsigned char *bytes, size_t len);
/* At most this many keys are looked up in one pass. */
#define VALUE_BIN_MAX_KEYS 8
/* Where the map that bytes hold keeps the values of keys, in one pass: values[i] and
 * value_lens[i] (within bytes) hold key i's value in the same binary form, a value of its own
 * (value_bin_get and api_push_bin read it), or NULL when the key is missing; the first entry
 * of a key counts, and a key asked twice is answered twice. Returns -1 when the value is no
 * map, nkeys is over VALUE_BIN_MAX_KEYS, or the bytes are damaged before all keys were found
 * (values[] is then unset), else 0. */
int value_bin_map_values(const unsigned char *bytes, size_t len, const char *const *keys,
			 size_t nkeys, const unsigned char **values, size_t *value_lens);
/* The strings under keys, as value_bin_map_values finds them: found[i] is 1 with s[i] and
 * slen[i] (pointing into bytes), 0 when the key is missing or nil, -1 when its value is no
 * string; the return value and found[] on failure as value_bin_map_values's. */
int value_bin_map_strings(const unsigned char *bytes, size_t len, const char *const *keys,
			  size_t nkeys, int *found, const char **s, size_t *slen);
/* Steps over the next value, checking it as value_bin_get would, without building it:
 * false (r->ok false) exactly when value_bin_get would fail on the same bytes. */
bool value_bin_skip(struct bin_reader *r);

#endif
