/* FNV-1a over bytes: the small, well-spread hash the project's tables key strings with (word
 * lists, pattern filters, paths, platform groups). Not for anything an attacker can aim at
 * a table's worst case where that would matter: those tables probe linearly and stay small.
 * And a 128-bit mix for cache keys, and a checksum for the cache's files (below). */
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

/* A checksum of bytes, for finding damage in the cache's files (the pack of light posts'
 * payloads, the per-post entries): four lanes of multiply and xor-shift over 8-byte words,
 * each lane every fourth word, so that the lanes' multiplies overlap. The hook checks every
 * payload of its pack (16 MB for a calendar of 10,000 posts): one chain of multiplies
 * (hash128_mix, 8 bytes a step) took 4 ms of it, a tenth of the hook. Each step is a
 * bijection of the lane for a given word, so a change inside one word always changes that
 * lane; the lanes, then the length, are folded into 32 bits. Damage is what it finds, not
 * tampering: the cache is this machine's. */
static inline uint32_t hash_checksum32(const void *payload, size_t len)
{
	uint64_t h[4] = { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
			  0x082efa98ec4e6c89ULL };
	const unsigned char *p = payload;
	unsigned char tail[32] = { 0 };
	for (size_t i = 0; i <= len; i += 32) {
		const unsigned char *block = p + i;
		if (i + 32 > len) { /* the last words: the rest, zero-padded (none when it is 0) */
			memcpy(tail, p + i, len - i);
			block = tail;
		}
		for (int k = 0; k < 4; k++) {
			uint64_t v;
			memcpy(&v, block + 8 * k, 8);
			h[k] = hash_lane_step(h[k], v);
		}
	}
	uint64_t fold[2] = { 0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL };
	for (int k = 0; k < 4; k++)
		hash128_word(fold, h[k]);
	hash128_word(fold, (uint64_t)len);
	return (uint32_t)(fold[0] ^ fold[1] ^ (fold[1] >> 32));
}

#endif
