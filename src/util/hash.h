/* FNV-1a over bytes: the small, well-spread hash the project's tables key strings with (word
 * lists, pattern filters, paths, platform groups). Not for anything an attacker can aim at
 * a table's worst case where that would matter: those tables probe linearly and stay small.
 * And a 128-bit mix for cache keys (below). */
#ifndef POSTLINT_HASH_H
#define POSTLINT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* 128 bits for keys made of several strings (the cache's entries, a config's identity): two
 * lanes of multiply and xor-shift with different constants, 8 bytes a step (a byte a step
 * was 4% of the pre-commit hook, which makes a key per context post), then the length, so
 * that ("ab", "c") and ("a", "bc") differ. Start h from any two words and mix each part. */
/* One step of a lane: multiply and xor-shift, a bijection of h for a given word v (so a
 * change of v always changes the lane). */
static inline uint64_t hash_lane_step(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static inline void hash128_word(uint64_t h[2], uint64_t v)
{
	h[0] = hash_lane_step(h[0], v);
	h[1] = (h[1] ^ v) * 0xff51afd7ed558ccdULL;
	h[1] ^= h[1] >> 32;
}

static inline void hash128_mix(uint64_t h[2], const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		hash128_word(h, v);
	}
	uint64_t tail = 0;
	if (len > i)
		memcpy(&tail, p + i, len - i);
	hash128_word(h, tail);
	hash128_word(h, (uint64_t)len);
}

/* hash128_mix of a C string (NULL as ""). */
static inline void hash128_mixs(uint64_t h[2], const char *s)
{
	hash128_mix(h, s ? s : "", s ? strlen(s) : 0);
}

#endif
