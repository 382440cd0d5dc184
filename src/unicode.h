/* Unicode services for the rest of postlint; the only file that includes utf8proc.h.
 *
 * Everything here works on byte buffers with explicit lengths (posts are not NUL-terminated
 * and may hold NUL bytes or invalid UTF-8). Functions that return new strings return malloc'd
 * memory owned by the caller. */
#ifndef POSTLINT_UNICODE_H
#define POSTLINT_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum uni_class {
	UNI_OTHER,
	UNI_LETTER,
	UNI_MARK,
	UNI_NUMBER,
	UNI_PUNCT,
	UNI_SYMBOL,
	UNI_SPACE,
};

/* Scripts that matter for word splitting and language guessing. */
enum uni_script {
	SCRIPT_OTHER,
	SCRIPT_LATIN,
	SCRIPT_HAN,
	SCRIPT_HIRAGANA,
	SCRIPT_KATAKANA,
	SCRIPT_HANGUL,
	SCRIPT_CYRILLIC,
	SCRIPT_GREEK,
	SCRIPT_ARABIC,
	SCRIPT_HEBREW,
};

/* uni_decode past ASCII, and at the end of the text (unicode.c). */
int uni_decode_multibyte(const char *s, size_t len, int32_t *cp);
/* Decodes one code point at s[0..len). Returns the bytes consumed (1..4); on invalid UTF-8
 * (overlong, surrogate, out of range, truncated) returns -1 and sets *cp = -1, and the caller
 * should skip one byte. */
static inline int uni_decode(const char *s, size_t len, int32_t *cp)
{
	/* ASCII inline: the tokenizer, line and column counts and the URL scanner decode most
	 * characters of every post one at a time */
	if (len > 0 && (unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	return uni_decode_multibyte(s, len, cp);
}
/* Offset of the first invalid byte in s[0..len), or len if it is all valid UTF-8. */
size_t uni_first_invalid(const char *s, size_t len);

enum uni_class uni_classify(int32_t cp);
/* A letter's case: upper (Lu), lower (Ll, and Lt: a titlecase digraph such as "ǅ" holds a
 * small letter), or none (every other character, and letters of scripts without case). */
enum uni_case { UNI_CASELESS, UNI_UPPER, UNI_LOWER };
enum uni_case uni_letter_case(int32_t cp);
enum uni_script uni_script_of(int32_t cp);
bool uni_is_space(int32_t cp);
/* Letters, combining marks and digits: what words are made of. */
bool uni_is_word_char(int32_t cp);
bool uni_is_extended_pictographic(int32_t cp);
bool uni_is_regional_indicator(int32_t cp);

/* NFC + full case folding of s[0..len); NULL if s is not valid UTF-8. */
char *uni_fold(const char *s, size_t len, size_t *out_len);
/* NFC + case folding into caller memory (for Lua-owned buffers): returns the number of code
 * points the result needs, or -1 on invalid UTF-8. When cap is at least that, buf is filled
 * and reused for the UTF-8 result, *out_len bytes long. */
long uni_fold_into(const char *s, size_t len, int32_t *buf, size_t cap, size_t *out_len);

/* NFKC of s[0..len) into caller memory, like uni_fold_into but without case folding:
 * compatibility characters become their plain forms (mathematical bold "𝐁" -> "B", fullwidth
 * "Ａ" -> "A", circled "Ⓐ" -> "A", the ligature "ﬁ" -> "fi"). */
long uni_nfkc_into(const char *s, size_t len, int32_t *buf, size_t cap, size_t *out_len);

/* End (exclusive) of the extended grapheme cluster starting at offset pos. Invalid bytes form
 * clusters of their own. */
size_t uni_grapheme_end(const char *s, size_t len, size_t pos);
size_t uni_grapheme_count(const char *s, size_t len);
/* Whether the cluster s[start..end) is displayed as an emoji (pictograph at or above U+2000,
 * a flag, a keycap, or a pictograph with the emoji presentation selector). */
bool uni_cluster_is_emoji(const char *s, size_t start, size_t end);

/* Terminal columns of s[start..end) (wide CJK and emoji count 2; marks and joiners 0). */
size_t uni_display_width(const char *s, size_t start, size_t end);

/* NFC of s[0..len) (malloc'd, NUL-terminated); NULL if s is not valid UTF-8. */
char *uni_nfc(const char *s, size_t len, size_t *out_len);
/* The general category as two letters ("Lu", "Nd", "Pd", ...); "Cn" for unassigned or -1. */
const char *uni_category(int32_t cp);

/* Library version string, for --version. */
const char *uni_library_version(void);

#endif
