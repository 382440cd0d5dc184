/* FNV-1a over bytes: the small, well-spread hash the project's tables key strings with (word
 * lists, pattern filters, paths, platform groups). Not for anything an attacker can aim at
 * a table's worst case where that would matter: those tables probe linearly and stay small. */
#ifndef POSTLINT_HASH_H
#define POSTLINT_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t hash_fnv32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static inline uint64_t hash_fnv64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h;
}

#endif
