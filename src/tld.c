/* TLD lookup by binary search over the generated, byte-sorted lists. */
#include "tld.h"

#include <string.h>

static int compare(const char *key, size_t n, const char *entry)
{
	size_t m = strlen(entry);
	int c = memcmp(key, entry, n < m ? n : m);
	if (c != 0)
		return c;
	return n < m ? -1 : n > m;
}

static bool contains(const char *const *list, size_t count, const char *key, size_t n)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare(key, n, list[mid]);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

enum tld_kind tld_lookup(const char *s, size_t n)
{
	char lower[64];
	if (n == 0 || n >= sizeof(lower))
		return TLD_NONE;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		lower[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	if (contains(tld_generic, tld_generic_count, lower, n))
		return TLD_GENERIC;
	if (contains(tld_country, tld_country_count, lower, n))
		return TLD_COUNTRY;
	static const char *const reserved[] = { "example", "invalid", "localhost", "test" };
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (compare(lower, n, reserved[i]) == 0)
			return TLD_RESERVED;
	return TLD_NONE;
}
