/* Joining C strings into a fixed buffer, cut short to fit and always NUL-terminated: what
 * snprintf(dst, size, "%s%s...", ...) does, without its format machinery (about a
 * thousand instructions a call). The host labels every rule call this way (for the
 * watchdog's and the errors' messages), three times per rule and post. */
#ifndef POSTLINT_STRJOIN_H
#define POSTLINT_STRJOIN_H

#include <stddef.h>
#include <string.h>

/* dst = the n strings of parts, one after another (NULL counts as ""); returns its length. */
static inline size_t str_join(char *dst, size_t size, const char *const *parts, size_t n)
{
	size_t len = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < n && len + 1 < size; i++) {
		if (!parts[i])
			continue;
		size_t k = strnlen(parts[i], size - 1 - len);
		memcpy(dst + len, parts[i], k);
		len += k;
	}
	dst[len] = '\0';
	return len;
}

/* dst = src (NULL as ""), cut short to fit. */
static inline size_t str_copy(char *dst, size_t size, const char *src)
{
	return str_join(dst, size, &src, 1);
}

#endif
