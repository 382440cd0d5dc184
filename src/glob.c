/* Glob matching for configuration paths (see glob.h).
 *
 * Paths and patterns are split into '/'-separated segments. Within a segment, '*' is matched
 * greedily with backtracking to the last star only, which is linear; across segments, '**'
 * and the "at any depth" rule are a table of reachable (pattern segment, path segment) pairs.
 * No input makes this exponential. */
#include "glob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unicode.h"
#include "util/xalloc.h"

#define MAX_SEGMENTS 256

/* The next code point of s[0..n) and its length (invalid bytes count as one). */
static int next_cp(const char *s, size_t n, int32_t *cp)
{
	int k = uni_decode(s, n, cp);
	if (k < 0) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	return k;
}

/* [abc], [a-z], [!abc] at p[0..pn) against code point c; returns the class length in bytes
 * (including the brackets), or 0 when the class is malformed (then '[' is literal). */
static size_t match_class(const char *p, size_t pn, int32_t c, bool *matched)
{
	size_t i = 1;
	bool negate = i < pn && (p[i] == '!' || p[i] == '^');
	if (negate)
		i++;
	bool in = false;
	size_t first = i;
	while (i < pn && (p[i] != ']' || i == first)) {
		int32_t lo, hi;
		i += (size_t)next_cp(p + i, pn - i, &lo);
		hi = lo;
		if (i + 1 < pn && p[i] == '-' && p[i + 1] != ']') {
			i++;
			i += (size_t)next_cp(p + i, pn - i, &hi);
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	if (i >= pn)
		return 0;
	*matched = in != negate;
	return i + 1;
}

/* One segment: '*', '?' and classes; linear time. */
static bool segment_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0;
	size_t star_p = SIZE_MAX, star_s = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			while (pi < pn && p[pi] == '*')
				pi++;
			star_p = pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			int32_t c;
			int clen = next_cp(s + si, sn - si, &c);
			if (p[pi] == '?') {
				pi++;
				si += (size_t)clen;
				continue;
			}
			if (p[pi] == '[') {
				bool in = false;
				size_t k = match_class(p + pi, pn - pi, c, &in);
				if (k && in) {
					pi += k;
					si += (size_t)clen;
					continue;
				}
				if (k)
					goto backtrack;
			}
			if (p[pi] == s[si]) {
				pi++;
				si++;
				continue;
			}
		}
backtrack:
		if (star_p == SIZE_MAX)
			return false;
		/* let the last star take one more character, and retry after it */
		int32_t c;
		star_s += (size_t)next_cp(s + star_s, sn - star_s, &c);
		si = star_s;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

struct seg {
	const char *s;
	size_t n;
};

static size_t split(const char *s, struct seg *out, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (!(len == 1 && s[0] == '.'))
			out[n++] = (struct seg){ s, len };
		s += len;
	}
	return n;
}

static bool is_globstar(const struct seg *p)
{
	return p->n == 2 && p->s[0] == '*' && p->s[1] == '*';
}

bool glob_match(const char *pattern, const char *path)
{
	struct seg pats[MAX_SEGMENTS], segs[MAX_SEGMENTS];
	size_t np = split(pattern, pats, MAX_SEGMENTS);
	size_t ns = split(path, segs, MAX_SEGMENTS);
	if (np == 0)
		return false;
	/* a pattern without '/' matches a name at any depth, as in .gitignore */
	bool anywhere = strchr(pattern, '/') == NULL ||
			(strchr(pattern, '/') == pattern + strlen(pattern) - 1);
	/* reach[i][j]: pattern segments [0, i) match path segments [start, j) */
	size_t width = ns + 1;
	bool *reach = xcalloc((np + 1) * width, sizeof(bool));
	for (size_t j = 0; j <= (anywhere ? ns : 0); j++)
		reach[j] = true;
	for (size_t i = 0; i < np; i++) {
		for (size_t j = 0; j <= ns; j++) {
			if (!reach[i * width + j])
				continue;
			if (is_globstar(&pats[i])) {
				reach[(i + 1) * width + j] = true; /* zero segments */
				if (j < ns)
					reach[i * width + j + 1] = true; /* one more */
			} else if (j < ns && segment_match(pats[i].s, pats[i].n, segs[j].s, segs[j].n)) {
				reach[(i + 1) * width + j + 1] = true;
			}
		}
	}
	/* the whole path, or a folder above it (a matching folder covers its files) */
	bool matched = false;
	for (size_t j = 1; j <= ns && !matched; j++)
		matched = reach[np * width + j];
	if (!matched && ns == 0)
		matched = reach[np * width];
	free(reach);
	return matched;
}
