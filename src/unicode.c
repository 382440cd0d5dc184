/* Unicode services built on utf8proc (the only includer of utf8proc.h). */
#include "unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "util/buf.h"
#include "util/swar.h"
#include "util/xalloc.h"

/* Debian's .pc file says 2.6.0 for the 2.8.0 library, so check the header instead
 * (tech-notes 3): stateful grapheme breaking needs 2.x with Unicode 13+. */
_Static_assert(UTF8PROC_VERSION_MAJOR > 2 ||
		       (UTF8PROC_VERSION_MAJOR == 2 && UTF8PROC_VERSION_MINOR >= 6),
	       "postlint needs utf8proc 2.6 or newer");

/* uni_decode (unicode.h) past ASCII, and at the end of the text. */
int uni_decode_multibyte(const char *s, size_t len, int32_t *cp)
{
	if (len == 0) {
		*cp = -1;
		return -1;
	}
	utf8proc_int32_t out;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      (utf8proc_ssize_t)(len > 4 ? 4 : len), &out);
	if (n <= 0) {
		*cp = -1;
		return -1;
	}
	*cp = out;
	return (int)n;
}

size_t uni_first_invalid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* plain ASCII eight bytes at a time: every post is checked whole before it is
		 * read, and most of it is ASCII (4,200 instructions a post, byte by byte) */
		while (i + 8 <= len && swar_ascii(swar_load(s + i)))
			i += 8;
		if (i >= len)
			break;
		int32_t cp;
		int n = uni_decode(s + i, len - i, &cp);
		if (n < 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

enum uni_class uni_classify(int32_t cp)
{
	if (cp < 0)
		return UNI_OTHER;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
		return UNI_LETTER;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return UNI_MARK;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return UNI_NUMBER;
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
		return UNI_PUNCT;
	case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_SO:
		return UNI_SYMBOL;
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		return UNI_SPACE;
	default:
		return UNI_OTHER;
	}
}

enum uni_case uni_letter_case(int32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? UNI_UPPER : cp >= 'a' && cp <= 'z' ? UNI_LOWER
										  : UNI_CASELESS;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
		return UNI_UPPER;
	case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
		return UNI_LOWER;
	default:
		return UNI_CASELESS;
	}
}

enum uni_script uni_script_of(int32_t cp)
{
	if (cp < 0x0250)
		return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp >= 0xC0
			       ? SCRIPT_LATIN : SCRIPT_OTHER;
	if (cp >= 0x0370 && cp <= 0x03FF)
		return SCRIPT_GREEK;
	if (cp >= 0x0400 && cp <= 0x052F)
		return SCRIPT_CYRILLIC;
	if (cp >= 0x0590 && cp <= 0x05FF)
		return SCRIPT_HEBREW;
	if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F))
		return SCRIPT_ARABIC;
	if (cp >= 0x1E00 && cp <= 0x1EFF)
		return SCRIPT_LATIN;
	if (cp >= 0x3040 && cp <= 0x309F)
		return SCRIPT_HIRAGANA;
	if ((cp >= 0x30A0 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
	    (cp >= 0xFF66 && cp <= 0xFF9F))
		return SCRIPT_KATAKANA;
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF))
		return SCRIPT_HAN;
	if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF))
		return SCRIPT_HANGUL;
	return SCRIPT_OTHER;
}

bool uni_is_space(int32_t cp)
{
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
		return true;
	return cp > 0x7F && uni_classify(cp) == UNI_SPACE;
}

bool uni_is_word_char(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	enum uni_class c = uni_classify(cp);
	return c == UNI_LETTER || c == UNI_MARK || c == UNI_NUMBER;
}

bool uni_is_extended_pictographic(int32_t cp)
{
	if (cp < 0xA9)
		return false;
	int bc = utf8proc_get_property(cp)->boundclass;
	return bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || bc == UTF8PROC_BOUNDCLASS_E_ZWG;
}

bool uni_is_regional_indicator(int32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

static char *map_with(const char *s, size_t len, size_t *out_len, utf8proc_option_t options)
{
	utf8proc_uint8_t *out = NULL;
	if (len == 0) {
		if (out_len)
			*out_len = 0;
		return xcalloc(1, 1);
	}
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
					  &out, options);
	if (n < 0) {
		free(out);
		return NULL;
	}
	if (out_len)
		*out_len = (size_t)n;
	return (char *)out;
}

char *uni_fold(const char *s, size_t len, size_t *out_len)
{
	return map_with(s, len, out_len, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

/* NFC, piece by piece: ASCII characters are starters that never decompose and are never
 * the second of a composition, so NFC changes nothing across them, and a post's text, mostly
 * ASCII, needs utf8proc only for its runs of other characters (each with the ASCII character
 * before it, which a combining mark may join): utf8proc's two passes over a whole post were
 * most of its weighted length. */
char *uni_nfc(const char *s, size_t len, size_t *out_len)
{
	struct buf out = BUF_INIT;
	buf_grow(&out, len);
	size_t i = 0;
	while (i < len) {
		size_t ascii = i;
		while (ascii < len && (unsigned char)s[ascii] < 0x80)
			ascii++;
		if (ascii == len) {
			buf_add(&out, s + i, len - i);
			break;
		}
		/* the run of other characters starts at ascii; the character before it joins it */
		size_t from = ascii > i ? ascii - 1 : ascii;
		buf_add(&out, s + i, from - i);
		size_t to = ascii;
		while (to < len && (unsigned char)s[to] >= 0x80)
			to++;
		size_t n;
		char *piece = map_with(s + from, to - from, &n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (!piece) {
			buf_release(&out);
			return NULL; /* invalid UTF-8 */
		}
		buf_add(&out, piece, n);
		free(piece);
		i = to;
	}
	return buf_detach(&out, out_len);
}

const char *uni_category(int32_t cp)
{
	if (cp < 0 || cp > 0x10FFFF)
		return "Cn";
	return utf8proc_category_string(cp);
}

/* utf8proc's two passes (decompose with opts into buf, then recompose and re-encode in
 * place), with the caller's buffer: see uni_fold_into. */
static long transform_into(const char *s, size_t len, int32_t *buf, size_t cap, size_t *out_len,
			   utf8proc_option_t opts)
{
	utf8proc_ssize_t need = utf8proc_decompose((const utf8proc_uint8_t *)s,
						   (utf8proc_ssize_t)len, buf,
						   buf ? (utf8proc_ssize_t)cap : 0, opts);
	if (need < 0)
		return -1;
	if (!buf || (size_t)need > cap)
		return (long)need;
	utf8proc_ssize_t n = utf8proc_reencode(buf, need, opts);
	if (n < 0)
		return -1;
	if (out_len)
		*out_len = (size_t)n;
	return (long)need;
}

long uni_fold_into(const char *s, size_t len, int32_t *buf, size_t cap, size_t *out_len)
{
	return transform_into(s, len, buf, cap, out_len,
			      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

long uni_nfkc_into(const char *s, size_t len, int32_t *buf, size_t cap, size_t *out_len)
{
	return transform_into(s, len, buf, cap, out_len,
			      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
}

size_t uni_grapheme_end(const char *s, size_t len, size_t pos)
{
	/* two ASCII characters always have a boundary between them but CR LF (UAX #29: every
	 * rule that joins characters names non-ASCII ones): most of a post, without decoding */
	if (pos >= len)
		return pos + 1; /* as a failed decode below */
	unsigned char c = (unsigned char)s[pos];
	if (c < 0x80 && (pos + 1 >= len || ((unsigned char)s[pos + 1] < 0x80 &&
					      !(c == '\r' && s[pos + 1] == '\n'))))
		return pos + 1;
	int32_t prev;
	int n = uni_decode(s + pos, len - pos, &prev);
	if (n < 0)
		return pos + 1;
	size_t i = pos + (size_t)n;
	utf8proc_int32_t state = 0;
	while (i < len) {
		int32_t cp;
		n = uni_decode(s + i, len - i, &cp);
		if (n < 0)
			break;
		if (utf8proc_grapheme_break_stateful(prev, cp, &state))
			break;
		prev = cp;
		i += (size_t)n;
	}
	return i;
}

size_t uni_grapheme_count(const char *s, size_t len)
{
	size_t count = 0;
	size_t i = 0;
	while (i < len) {
		/* eight ASCII characters before another, none a CR: eight clusters (the rule
		 * below, eight bytes at a time) */
		if (i + 9 <= len && (unsigned char)s[i + 8] < 0x80) {
			uint64_t eight = swar_load(s + i);
			if (swar_ascii(eight) && !swar_has_byte(eight, '\r')) {
				count += 8;
				i += 8;
				continue;
			}
		}
		/* uni_grapheme_end's rule for two ASCII characters, here without a call per byte */
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 && i + 1 < len && (unsigned char)s[i + 1] < 0x80 &&
		    !(c == '\r' && s[i + 1] == '\n')) {
			count++;
			i++;
			continue;
		}
		i = uni_grapheme_end(s, len, i);
		count++;
	}
	return count;
}

bool uni_cluster_is_emoji(const char *s, size_t start, size_t end)
{
	bool pictograph = false;
	size_t i = start;
	while (i < end) {
		int32_t cp;
		int n = uni_decode(s + i, end - i, &cp);
		if (n < 0)
			return false;
		if (uni_is_regional_indicator(cp) || cp == 0x20E3)
			return true;
		if (uni_is_extended_pictographic(cp)) {
			if (cp >= 0x2000)
				return true;
			pictograph = true; /* (c) and (r): emoji only with FE0F */
		}
		if (cp == 0xFE0F && pictograph)
			return true;
		i += (size_t)n;
	}
	return false;
}

size_t uni_display_width(const char *s, size_t start, size_t end)
{
	size_t width = 0;
	for (size_t i = start; i < end;) {
		/* eight printable ASCII characters before ASCII or the end: eight columns (the
		 * rule below, eight bytes at a time) */
		if (i + 8 <= end && (i + 8 == end || (unsigned char)s[i + 8] < 0x80) &&
		    swar_printable(swar_load(s + i))) { /* (each one column) */
			width += 8;
			i += 8;
			continue;
		}
		/* a printable ASCII character (or a tab) followed by ASCII or the end is a cluster
		 * of its own, one column wide: what the general path below finds, without decoding
		 * (the text report measures every finding's line up to it) */
		unsigned char c = (unsigned char)s[i];
		if (((c >= 0x20 && c < 0x7F) || c == '\t') &&
		    (i + 1 == end || (unsigned char)s[i + 1] < 0x80)) {
			width++;
			i++;
			continue;
		}
		size_t e = uni_grapheme_end(s, end, i);
		int cluster = 0;
		bool emoji_style = false;
		for (size_t j = i; j < e;) {
			int32_t cp;
			int n = uni_decode(s + j, e - j, &cp);
			if (n < 0) {
				cluster = cluster > 1 ? cluster : 1;
				j++;
				continue;
			}
			int w = cp == '\t' ? 1 : utf8proc_charwidth(cp);
			if (cp == 0xFE0F || uni_is_regional_indicator(cp))
				emoji_style = true;
			if (w > cluster)
				cluster = w;
			j += (size_t)n;
		}
		width += (size_t)(emoji_style ? 2 : cluster);
		i = e;
	}
	return width;
}

const char *uni_library_version(void)
{
	return utf8proc_version();
}
