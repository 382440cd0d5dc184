/* A short needle in a short haystack, found by memchr for its first byte and a compare.
 *
 * glibc's memmem sets up a two-way search for every call: for the few hundred bytes of a
 * post and a needle such as "<!--", that set-up was most of its cost (2,500 instructions a
 * body, where a memchr walk takes a few hundred). */
#ifndef POSTLINT_UTIL_MEMFIND_H
#define POSTLINT_UTIL_MEMFIND_H

#include <stddef.h>
#include <string.h>

/* The first occurrence of needle[0..m) in hay[0..n), or NULL (m > 0). */
static inline const char *mem_find(const char *hay, size_t n, const char *needle, size_t m)
{
	for (const char *at = hay, *end = hay + n;
	     (size_t)(end - at) >= m && (at = memchr(at, needle[0], (size_t)(end - at) - m + 1));
	     at++)
		if (memcmp(at, needle, m) == 0)
			return at;
	return NULL;
}

#endif
