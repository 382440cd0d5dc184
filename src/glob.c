/* Glob matching for configuration paths (see glob.h). */
#include "glob.h"

#include <string.h>

static const char *utf8_next(const char *s)
{
	s++;
	while ((*s & 0xC0) == 0x80)
		s++;
	return s;
}

/* Matches a bracket class at p against the character at s; returns the pattern after the
 * class, or NULL when the character is not in it (or the class is malformed). */
static const char *match_class(const char *p, const char *s, bool *matched)
{
	p++; /* '[' */
	bool negate = *p == '!' || *p == '^';
	if (negate)
		p++;
	bool in = false;
	const char *start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (*s >= p[0] && *s <= p[2])
				in = true;
			p += 3;
		} else {
			if (*s == *p)
				in = true;
			p++;
		}
	}
	if (*p != ']')
		return NULL;
	*matched = in != negate;
	return p + 1;
}

static bool match_here(const char *p, const char *s, const char *pattern_start)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0') &&
		    (p == pattern_start || p[-1] == '/')) {
			const char *rest = p[2] ? p + 3 : p + 2;
			if (!*rest)
				return true;
			for (const char *t = s;;) {
				if (match_here(rest, t, pattern_start))
					return true;
				t = strchr(t, '/');
				if (!t)
					return false;
				t++;
			}
		}
		if (*p == '*') {
			while (*p == '*')
				p++;
			for (const char *t = s;; t = utf8_next(t)) {
				if (match_here(p, t, pattern_start))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			p++;
			s = utf8_next(s);
			continue;
		}
		if (*p == '[') {
			bool in = false;
			const char *after = match_class(p, s, &in);
			if (after) {
				if (!in || *s == '/')
					return false;
				p = after;
				s++;
				continue;
			}
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return !*s;
}

bool glob_match(const char *pattern, const char *path)
{
	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2;
	while (*pattern == '/')
		pattern++;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t plen = strlen(pattern);
	char trimmed[1024];
	if (plen > 0 && pattern[plen - 1] == '/' && plen < sizeof(trimmed)) {
		memcpy(trimmed, pattern, plen - 1);
		trimmed[plen - 1] = '\0';
		pattern = trimmed;
	}
	bool anywhere = strchr(pattern, '/') == NULL;
	/* try the whole path, then each folder prefix (a matching folder covers its files) */
	const char *start = path;
	for (;;) {
		const char *end = path + strlen(path);
		for (const char *cut = end;; cut--) {
			if (cut == end || *cut == '/') {
				char prefix[4096];
				size_t n = (size_t)(cut - start);
				if (n < sizeof(prefix)) {
					memcpy(prefix, start, n);
					prefix[n] = '\0';
					if (match_here(pattern, prefix, pattern))
						return true;
				}
			}
			if (cut == start)
				break;
		}
		if (!anywhere)
			return false;
		start = strchr(start, '/');
		if (!start)
			return false;
		start++;
	}
}
