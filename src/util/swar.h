/* Eight bytes at a time ("SIMD within a register"): the scans over a post's text pass runs of
 * plain ASCII over a word at a time instead of testing byte by byte. Each test is exact for
 * whether some byte of the eight has the property (Bit Twiddling Hacks' haszero and hasless);
 * which byte it is, they do not say. */
#ifndef POSTLINT_UTIL_SWAR_H
#define POSTLINT_UTIL_SWAR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGHS 0x8080808080808080ULL

/* The eight bytes at p (any alignment). */
static inline uint64_t swar_load(const void *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

/* Whether no byte of x is over 0x7F. */
static inline bool swar_ascii(uint64_t x)
{
	return !(x & SWAR_HIGHS);
}

/* Whether some byte of x is c. */
static inline bool swar_has_byte(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (SWAR_ONES * c); /* a zero byte where c was */
	return ((y - SWAR_ONES) & ~y & SWAR_HIGHS) != 0;
}

/* Whether some byte of x is below n (n at most 0x80). */
static inline bool swar_has_below(uint64_t x, unsigned char n)
{
	return ((x - SWAR_ONES * n) & ~x & SWAR_HIGHS) != 0;
}

/* Whether every byte of x is printable ASCII (0x20..0x7E). */
static inline bool swar_printable(uint64_t x)
{
	return swar_ascii(x) && !swar_has_below(x, 0x20) && !swar_has_byte(x, 0x7F);
}

#endif
