/* Introsort for unsigned integers (see sort.h). */
#include "util/sort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define SHORT_RANGE 16

/* Defines name(v, n) sorting type. */
#define DEFINE_SORT(name, type)                                                        \
	static void name##_insertion(type *v, size_t n)                                  \
	{                                                                                \
		for (size_t i = 1; i < n; i++) {                                         \
			type x = v[i];                                                   \
			size_t j = i;                                                    \
			for (; j > 0 && v[j - 1] > x; j--)                               \
				v[j] = v[j - 1];                                         \
			v[j] = x;                                                        \
		}                                                                        \
	}                                                                                \
                                                                                         \
	static void name##_sift(type *v, size_t n, size_t i)                             \
	{                                                                                \
		type x = v[i];                                                           \
		for (;;) {                                                               \
			size_t c = 2 * i + 1;                                            \
			if (c >= n)                                                      \
				break;                                                   \
			if (c + 1 < n && v[c + 1] > v[c])                                \
				c++;                                                     \
			if (v[c] <= x)                                                   \
				break;                                                   \
			v[i] = v[c];                                                     \
			i = c;                                                           \
		}                                                                        \
		v[i] = x;                                                                \
	}                                                                                \
                                                                                         \
	static void name##_heap(type *v, size_t n)                                       \
	{                                                                                \
		for (size_t i = n / 2; i-- > 0;)                                         \
			name##_sift(v, n, i);                                            \
		for (size_t end = n; end-- > 1;) {                                       \
			type t = v[0];                                                   \
			v[0] = v[end];                                                   \
			v[end] = t;                                                      \
			name##_sift(v, end, 0);                                          \
		}                                                                        \
	}                                                                                \
                                                                                         \
	static void name##_intro(type *v, size_t n, int depth)                           \
	{                                                                                \
		while (n > SHORT_RANGE) {                                                \
			if (depth-- == 0) {                                              \
				name##_heap(v, n);                                       \
				return;                                                  \
			}                                                                \
			/* median of three, left at v[0]: the pivot */                   \
			size_t m = n / 2;                                                \
			type t;                                                          \
			if (v[m] < v[0]) { t = v[m]; v[m] = v[0]; v[0] = t; }            \
			if (v[n - 1] < v[0]) { t = v[n - 1]; v[n - 1] = v[0]; v[0] = t; } \
			if (v[n - 1] < v[m]) { t = v[n - 1]; v[n - 1] = v[m]; v[m] = t; } \
			t = v[m]; v[m] = v[0]; v[0] = t;                                 \
			type pivot = v[0];                                               \
			size_t i = 0, j = n;                                             \
			for (;;) { /* Hoare: v[1..i] <= pivot <= v[j..n-1] */            \
				do i++; while (i < n && v[i] < pivot);                   \
				do j--; while (v[j] > pivot);                            \
				if (i >= j)                                              \
					break;                                           \
				t = v[i]; v[i] = v[j]; v[j] = t;                         \
			}                                                                \
			t = v[0]; v[0] = v[j]; v[j] = t;                                 \
			/* recurse into the smaller side, loop on the larger */          \
			if (j < n - j - 1) {                                             \
				name##_intro(v, j, depth);                               \
				v += j + 1;                                              \
				n -= j + 1;                                              \
			} else {                                                         \
				name##_intro(v + j + 1, n - j - 1, depth);               \
				n = j;                                                   \
			}                                                                \
		}                                                                        \
		name##_insertion(v, n);                                                  \
	}                                                                                \
                                                                                         \
	void name(type *v, size_t n)                                                     \
	{                                                                                \
		int depth = 0;                                                           \
		for (size_t k = n; k > 1; k >>= 1)                                       \
			depth += 2;                                                      \
		name##_intro(v, n, depth);                                               \
	}

DEFINE_SORT(sort_u64, uint64_t)

void sort_u64_depth(uint64_t *v, size_t n, int depth)
{
	sort_u64_intro(v, n, depth);
}
DEFINE_SORT(sort_u32, uint32_t)

/* Defines name(v, n, tmp) (see sort.h): counted into buckets of the values' range, about one
 * value a bucket (2^bits of them, the least power of two from n, at most 4,096), placed in
 * bucket order through tmp, then finished by the insertion sort, each value at most 16
 * places from its own. A bucket of more than 16 is sorted by fallback first, on its own:
 * the search's sets of ranks crowd the low ranks (its tokens are ranked rarest first, and a
 * post's common words are many), and sorting the whole set again for one crowded bucket
 * made the fallback three times the spread sort's time. */
#define DEFINE_SPREAD(name, type, type_bits, fallback)                                  \
	void name(type *v, size_t n, type *tmp)                                          \
	{                                                                                \
		if (n < 32 || n > 16 * 4096) {                                           \
			fallback(v, n);                                                  \
			return;                                                          \
		}                                                                        \
		type lo = v[0], hi = v[0];                                               \
		for (size_t i = 1; i < n; i++) {                                         \
			lo = v[i] < lo ? v[i] : lo;                                      \
			hi = v[i] > hi ? v[i] : hi;                                      \
		}                                                                        \
		unsigned bits = 5;                                                       \
		while (bits < 12 && ((size_t)1 << bits) < n)                             \
			bits++;                                                          \
		size_t nbuckets = (size_t)1 << bits;                                     \
		/* bucket of x: (x - lo), whose range is below 2^span, scaled to 2^bits */ \
		unsigned span = 0;                                                       \
		while (span < (type_bits) && ((hi - lo) >> span) != 0)                   \
			span++;                                                          \
		unsigned shift = span > bits ? span - bits : 0;                          \
		uint32_t count[(1u << 12) + 1];                                          \
		memset(count, 0, (nbuckets + 1) * sizeof(*count));                      \
		for (size_t i = 0; i < n; i++)                                           \
			count[((v[i] - lo) >> shift) + 1]++;                             \
		bool crowded = false;                                                    \
		for (size_t b = 0; b < nbuckets; b++) {                                  \
			crowded |= count[b + 1] > 16;                                    \
			count[b + 1] += count[b];                                        \
		}                                                                        \
		for (size_t i = 0; i < n; i++)                                           \
			tmp[count[(v[i] - lo) >> shift]++] = v[i];                       \
		memcpy(v, tmp, n * sizeof(*v));                                          \
		/* (count[b] is now where bucket b ends) */                              \
		for (size_t b = 0, from = 0; crowded && b < nbuckets; b++) {             \
			if (count[b] - from > 16)                                        \
				fallback(v + from, count[b] - from);                     \
			from = count[b];                                                 \
		}                                                                        \
		fallback##_insertion(v, n);                                              \
	}

DEFINE_SPREAD(sort_u64_spread, uint64_t, 64, sort_u64)
DEFINE_SPREAD(sort_u32_spread, uint32_t, 32, sort_u32)

/* ---- strings ------------------------------------------------------------------------- */

/* Up to 8 bytes of s as a big-endian number, zeros past its end: numbers compare as the
 * bytes do under strcmp (unsigned, and an end sorts before any byte). */
static uint64_t leading_bytes(const char *s)
{
	uint64_t v = 0;
	for (int k = 0, ended = 0; k < 8; k++) {
		ended = ended || s[k] == '\0'; /* (never read past the end) */
		v = (v << 8) | (ended ? 0 : (unsigned char)s[k]);
	}
	return v;
}

/* idx[0..n) by s[idx[k]] + offset, the strings equal before offset; keys and tmp: room
 * for n. */
static void sort_strings_from(const char *const *s, uint32_t *idx, size_t n, size_t offset,
			      uint64_t *keys, uint32_t *tmp)
{
	if (n <= SHORT_RANGE) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = idx[i];
			size_t j = i;
			for (; j > 0 && strcmp(s[idx[j - 1]] + offset, s[x] + offset) > 0; j--)
				idx[j] = idx[j - 1];
			idx[j] = x;
		}
		return;
	}
	/* the prefix they share, then their next bytes as keys over the position's bits */
	const char *first = s[idx[0]] + offset;
	size_t common = strlen(first);
	for (size_t k = 1; k < n && common > 0; k++) {
		const char *t = s[idx[k]] + offset;
		size_t m = 0;
		while (m < common && t[m] == first[m])
			m++;
		common = m;
	}
	offset += common;
	unsigned bits = 1;
	while (((size_t)1 << bits) < n)
		bits++;
	uint64_t low = ((uint64_t)1 << bits) - 1;
	for (size_t k = 0; k < n; k++)
		keys[k] = (leading_bytes(s[idx[k]] + offset) & ~low) | k;
	sort_u64(keys, n);
	for (size_t k = 0; k < n; k++)
		tmp[k] = idx[keys[k] & low];
	memcpy(idx, tmp, n * sizeof(*idx));
	/* strings whose keys are equal share at least their first (64 - bits) / 8 bytes after
	 * offset (3 or more: n < 2^32): each run of them is sorted past those, so every level
	 * of this goes at least 3 bytes further. A run of the whole input whose key is 0 is of
	 * strings all ending at offset: equal, and done. */
	for (size_t start = 0, end; start < n; start = end) {
		uint64_t key = keys[start] & ~low;
		for (end = start + 1; end < n && (keys[end] & ~low) == key; end++)
			;
		if (end - start > 1 && !(key == 0 && end - start == n))
			sort_strings_from(s, idx + start, end - start, offset, keys + start,
					  tmp + start);
	}
}

void sort_strings(const char *const *s, uint32_t *idx, size_t n)
{
	if (n < 2)
		return;
	uint64_t *keys = xcalloc(n, sizeof(*keys));
	uint32_t *tmp = xcalloc(n, sizeof(*tmp));
	sort_strings_from(s, idx, n, 0, keys, tmp);
	free(keys);
	free(tmp);
}
