/* Lua pattern classes as the golden rules' analysis read them, in the C locale postlint's Lua
 * runs in (byte by byte: no byte of a multi-byte character is in any of them): %s, %p, %d
 * and %w. The analyses in C (api_*.c) test text with these, so that they answer as the Lua
 * patterns they replaced did. */
#ifndef POSTLINT_LUA_CHAR_CLASS_H
#define POSTLINT_LUA_CHAR_CLASS_H

#include <stdbool.h>
#include <stddef.h>

static inline bool cc_space(unsigned char c) /* %s */
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool cc_punct(unsigned char c) /* %p */
{
	return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
	       (c >= 123 && c <= 126);
}

static inline bool cc_digit(unsigned char c) /* %d */
{
	return c >= '0' && c <= '9';
}

static inline bool cc_letter(unsigned char c) /* %a */
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool cc_alnum(unsigned char c) /* %w */
{
	return cc_digit(c) || cc_letter(c);
}

/* s[0..n):find("%a") */
static inline bool cc_has_letter(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cc_letter((unsigned char)s[i]))
			return true;
	return false;
}

#endif
