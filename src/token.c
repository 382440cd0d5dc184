/* Tokens over the prose of a post (see token.h). */
#include "token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tld.h"
#include "unicode.h"
#include "util/swar.h"

#define NONE ((size_t)-1)

struct scanner {
	struct post *p;
	const char *t;
	uint16_t *cls;
	uint8_t *quoted; /* 1 where a quotation-mark quote covers the byte */
	size_t start, end; /* current part */
	uint16_t part;
};

static int cp_at(const struct scanner *s, size_t i, size_t limit, int32_t *cp)
{
	if (i >= limit) {
		*cp = -1;
		return 0;
	}
	int n = uni_decode(s->t + i, limit - i, cp);
	return n > 0 ? n : 1;
}

/* The code point that ends just before offset i (or -1 at the part start). */
static int32_t cp_before(const struct scanner *s, size_t i)
{
	if (i <= s->start)
		return -1;
	size_t j = i - 1;
	while (j > s->start && ((unsigned char)s->t[j] & 0xC0) == 0x80 && i - j < 4)
		j--;
	int32_t cp;
	int n = uni_decode(s->t + j, i - j, &cp);
	return n > 0 && (size_t)n == i - j ? cp : -1;
}

static bool is_text(const struct scanner *s, size_t i)
{
	uint16_t c = s->cls[i];
	return (c & CLS_TEXT) && !(c & (CLS_CODE | CLS_HTML));
}

static void push(struct scanner *s, enum token_kind kind, struct token tok)
{
	tok.part = s->part;
	VEC_PUSH(&s->p->tk->tokens[kind], tok);
}

static void mark_special(struct scanner *s, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		s->cls[i] |= CLS_SPECIAL;
}

/* ASCII letters and digits, by table: the tokenizer's byte loops ask it of nearly every
 * byte of a post, and the table is one load where the three ranges were six compares and
 * branches (a quarter of token_scan's instructions) */
#define ALNUM_1(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
		    ((c) >= '0' && (c) <= '9'))
#define ALNUM_4(c) ALNUM_1(c), ALNUM_1((c) + 1), ALNUM_1((c) + 2), ALNUM_1((c) + 3)
#define ALNUM_16(c) ALNUM_4(c), ALNUM_4((c) + 4), ALNUM_4((c) + 8), ALNUM_4((c) + 12)
#define ALNUM_64(c) ALNUM_16(c), ALNUM_16((c) + 16), ALNUM_16((c) + 32), ALNUM_16((c) + 48)
static const bool ascii_alnum_table[128] = { ALNUM_64(0), ALNUM_64(64) };
#undef ALNUM_1
#undef ALNUM_4
#undef ALNUM_16
#undef ALNUM_64

/* c: a byte or a code point (anything not ASCII is no ASCII letter or digit) */
static bool ascii_alnum(int32_t c)
{
	return (uint32_t)c < 128 && ascii_alnum_table[c];
}

static bool starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);
	if (n < m)
		return false;
	for (size_t i = 0; i < m; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return false;
	}
	return true;
}

/* ---- URLs ---------------------------------------------------------------------------- */

/* A host name: labels of letters, digits and '-', separated by dots. Returns its end and the
 * last label's range; requires at least two labels unless allow_single. */
static size_t match_host(const struct scanner *s, size_t i, size_t limit, bool allow_single,
			 size_t *tld_start, size_t *tld_end)
{
	size_t labels = 0, j = i;
	for (;;) {
		size_t label = j;
		while (j < limit && is_text(s, j)) {
			int32_t cp;
			int n = cp_at(s, j, limit, &cp);
			if (!(cp == '-' || (cp < 0x80 ? ascii_alnum(cp) : uni_is_word_char(cp))))
				break;
			j += (size_t)n;
		}
		if (j == label || s->t[label] == '-' || s->t[j - 1] == '-')
			return labels >= (allow_single ? 1 : 2) ? *tld_end : 0;
		labels++;
		*tld_start = label;
		*tld_end = j;
		if (j + 1 < limit && s->t[j] == '.' && is_text(s, j + 1)) {
			int32_t next;
			cp_at(s, j + 1, limit, &next);
			if (next < 0x80 ? ascii_alnum(next) : uni_is_word_char(next)) {
				j++;
				continue;
			}
		}
		return labels >= (allow_single ? 1 : 2) ? j : 0;
	}
}

static bool url_path_char(int32_t cp)
{
	return cp > 0x20 && cp != '<' && cp != '>' && cp != '"' && cp != 0x7F && !uni_is_space(cp) &&
	       cp != 0x201C && cp != 0x201D && cp != 0x300D;
}

/* A URL starting at i: with a scheme (http, https), "www.", or a bare domain whose TLD is
 * known (country TLDs need a path, as in twitter-text). Returns the end or 0. */
static size_t match_url(const struct scanner *s, size_t i, size_t limit)
{
	const char *t = s->t;
	size_t j = i;
	bool scheme = false;
	if (starts_with_ci(t + i, limit - i, "https://"))
		j += 8, scheme = true;
	else if (starts_with_ci(t + i, limit - i, "http://"))
		j += 7, scheme = true;
	bool www = !scheme && starts_with_ci(t + i, limit - i, "www.");
	if (!scheme) {
		/* a bare domain has two labels: a word of ASCII letters, digits and '-' followed
		 * by anything but a dot or a non-ASCII character is none (most words are tried) */
		size_t k = j;
		while (k < limit && (unsigned char)t[k] < 0x80 && (ascii_alnum(t[k]) || t[k] == '-') &&
		       is_text(s, k))
			k++;
		if (k >= limit || ((unsigned char)t[k] < 0x80 && t[k] != '.'))
			return 0;
	}
	size_t tld_start = 0, tld_end = 0;
	size_t host_end = match_host(s, j, limit, scheme, &tld_start, &tld_end);
	if (!host_end)
		return 0;
	j = host_end;
	if (j + 1 < limit && t[j] == ':' && t[j + 1] >= '0' && t[j + 1] <= '9') {
		size_t k = j + 1;
		while (k < limit && t[k] >= '0' && t[k] <= '9')
			k++;
		j = k;
	}
	bool path = j < limit && (t[j] == '/' || t[j] == '?' || t[j] == '#') && is_text(s, j);
	if (!scheme && !www) {
		enum tld_kind kind = tld_lookup(t + tld_start, tld_end - tld_start);
		if (kind == TLD_NONE || (kind == TLD_COUNTRY && !(path && t[j] == '/')))
			return 0;
	}
	if (path) {
		int depth = 0;
		while (j < limit && is_text(s, j)) {
			int32_t cp;
			int n = cp_at(s, j, limit, &cp);
			if (!url_path_char(cp))
				break;
			if (cp == '(')
				depth++;
			else if (cp == ')' && --depth < 0)
				break;
			j += (size_t)n;
		}
		/* trailing punctuation belongs to the sentence, not the URL */
		while (j > host_end && strchr(".,;:!?'*_", t[j - 1]))
			j--;
	}
	return j;
}

/* ---- hashtags, mentions, e-mail -------------------------------------------------------- */

/* What may stand before a URL or e-mail address: not part of a word, path or handle. */
static bool url_boundary(int32_t before)
{
	if (before < 0)
		return true;
	if (before < 0x80)
		return before != 0 && !ascii_alnum(before) && !strchr("@#$./-_", (int)before);
	return !uni_is_word_char(before);
}

/* Before a hashtag: not a letter, digit or mark ("C#" is not a tag), nor '&' (entities). */
static bool hashtag_boundary(int32_t before)
{
	if (before < 0)
		return true;
	if (before < 0x80)
		return before != 0 && !ascii_alnum(before) && !strchr("&#@_", (int)before);
	return !uni_is_word_char(before);
}

/* Before a mention: not an ASCII letter or digit (an e-mail address) nor one of !#$%&*@,
 * as twitter-text has it; other scripts may touch it ("の@user"). */
static bool mention_boundary(int32_t before)
{
	if (before < 0 || before >= 0x80)
		return true;
	return before != 0 && !ascii_alnum(before) && !strchr("_!#$%&*@", (int)before);
}

static size_t match_hashtag(const struct scanner *s, size_t i, size_t limit, size_t *name)
{
	size_t j = i + (s->t[i] == '#' ? 1 : 3); /* '#' or U+FF03 */
	*name = j;
	bool letter = false;
	while (j < limit && is_text(s, j)) {
		int32_t cp;
		int n = cp_at(s, j, limit, &cp);
		if (cp == '_' || cp == 0x200C || cp == 0x200D) {
			j += (size_t)n;
			continue;
		}
		if (!uni_is_word_char(cp))
			break;
		if (uni_classify(cp) != UNI_NUMBER)
			letter = true;
		j += (size_t)n;
	}
	return letter ? j : 0;
}

static size_t match_mention(const struct scanner *s, size_t i, size_t limit, size_t *name_end)
{
	const char *t = s->t;
	size_t j = i + (t[i] == '@' ? 1 : 3); /* '@' or U+FF20 */
	size_t name = j;
	while (j < limit && is_text(s, j) && (ascii_alnum(t[j]) || t[j] == '_'))
		j++;
	if (j == name)
		return 0;
	/* handles with dots (Bluesky "@alice.bsky.social") */
	while (j + 1 < limit && (t[j] == '.' || t[j] == '-') && ascii_alnum(t[j + 1]) &&
	       is_text(s, j + 1)) {
		j++;
		while (j < limit && is_text(s, j) && (ascii_alnum(t[j]) || t[j] == '_'))
			j++;
	}
	int32_t after;
	cp_at(s, j, limit, &after);
	if (after > 0x7F && uni_script_of(after) == SCRIPT_LATIN)
		return 0; /* "@aliceìnheiro": not a handle */
	*name_end = j;
	/* Mastodon and other fediverse handles: @user@domain */
	if (j < limit && (t[j] == '@') && is_text(s, j)) {
		size_t ts, te;
		size_t host = match_host(s, j + 1, limit, false, &ts, &te);
		if (host)
			return host;
		return 0; /* "@user@": too close to an e-mail address */
	}
	return j;
}

static size_t match_email(const struct scanner *s, size_t i, size_t limit)
{
	const char *t = s->t;
	size_t j = i;
	while (j < limit && is_text(s, j) &&
	       (ascii_alnum(t[j]) || t[j] == '.' || t[j] == '_' || t[j] == '%' || t[j] == '+' ||
		t[j] == '-'))
		j++;
	if (j == i || j >= limit || t[j] != '@')
		return 0;
	size_t ts, te;
	return match_host(s, j + 1, limit, false, &ts, &te);
}

/* The ASCII characters after a run of letters, digits and '-' with which it may still be
 * (part of) a URL or an e-mail address: a dot, "http:", or an address's '_', '%', '+', '@'. */
static bool may_continue_url(char c)
{
	switch (c) {
	case '.': case ':': case '_': case '%': case '+': case '@':
		return true;
	default:
		return false;
	}
}

static void scan_specials(struct scanner *s)
{
	size_t i = s->start;
	while (i < s->end) {
		/* Nothing starts at an ASCII byte that is neither a letter, a digit, '#' nor '@', nor
		 * right after an ASCII letter or digit (no boundary for any of the four): most bytes
		 * are passed over without decoding this character or the one before */
		unsigned char byte = (unsigned char)s->t[i];
		if (byte < 0x80 && ((!ascii_alnum((int32_t)byte) && byte != '#' && byte != '@') ||
				    (i > s->start && ascii_alnum((unsigned char)s->t[i - 1])))) {
			i++;
			continue;
		}
		if (!is_text(s, i) || (s->cls[i] & CLS_IMAGE)) {
			i++;
			continue;
		}
		if (byte < 0x80 && ascii_alnum(byte)) {
			/* A run of ASCII letters, digits and '-' followed by the end, a space or
			 * ASCII punctuation other than . : _ % + @ is no URL (that needs a dot, or
			 * "http:"), no e-mail address (an '@') and holds no tag: most words. It is
			 * passed over whole, where the URL and address matchers each read it again
			 * and the bytes after its '-'s were looked at one by one. */
			size_t k = i;
			while (k < s->end && (unsigned char)s->t[k] < 0x80 &&
			       (ascii_alnum(s->t[k]) || s->t[k] == '-') && is_text(s, k))
				k++;
			if (k >= s->end || ((unsigned char)s->t[k] < 0x80 && !may_continue_url(s->t[k]))) {
				i = k;
				continue;
			}
		}
		int32_t cp;
		int n = cp_at(s, i, s->end, &cp);
		int32_t before = cp_before(s, i);
		bool boundary = url_boundary(before);
		size_t end;
		if (boundary && (cp == 'h' || cp == 'H' || cp == 'w' || cp == 'W' || ascii_alnum(cp) ||
				 (cp > 0x7F && uni_is_word_char(cp))) &&
		    (end = match_url(s, i, s->end)) != 0) {
			mark_special(s, i, end);
			if (!(s->cls[i] & CLS_LINK))
				push(s, TOK_LINK, (struct token){ .start = i, .end = end, .inner_start = i,
								  .inner_end = end, .flags = TF_BARE,
								  .url = xstrndup(s->t + i, end - i) });
			i = end;
			continue;
		}
		if ((cp == '#' || cp == 0xFF03) && hashtag_boundary(before)) {
			size_t name;
			if ((end = match_hashtag(s, i, s->end, &name)) != 0) {
				mark_special(s, i, end);
				push(s, TOK_HASHTAG, (struct token){ .start = i, .end = end,
								     .inner_start = name, .inner_end = end });
				i = end;
				continue;
			}
		}
		if ((cp == '@' || cp == 0xFF20) && mention_boundary(before)) {
			size_t name_end;
			if ((end = match_mention(s, i, s->end, &name_end)) != 0) {
				mark_special(s, i, end);
				push(s, TOK_MENTION, (struct token){ .start = i, .end = end,
								     .inner_start = i + (s->t[i] == '@' ? 1 : 3),
								     .inner_end = name_end });
				i = end;
				continue;
			}
		}
		if (boundary && cp < 0x80 && ascii_alnum(cp) && (end = match_email(s, i, s->end)) != 0) {
			mark_special(s, i, end);
			i = end;
			continue;
		}
		/* skip the rest of a word: URLs and tags only start at word boundaries */
		i += (size_t)n;
	}
}

/* ---- quotations ------------------------------------------------------------------------ */

struct quote_pair {
	int32_t open, close, alt_close;
};

static const struct quote_pair quote_pairs[] = {
	{ 0x201C, 0x201D, 0x201C }, /* “...” (and “...“ typed twice) */
	{ 0x201E, 0x201C, 0x201D }, /* „...“ German, „...” Polish */
	{ 0x00AB, 0x00BB, 0x00BB }, /* «...» */
	{ 0x00BB, 0x00AB, 0x00AB }, /* »...« German */
	{ 0x300C, 0x300D, 0x300D }, /* 「...」 */
	{ 0x300E, 0x300F, 0x300F }, /* 『...』 */
	{ '"', '"', '"' },
};

/* End of the paragraph containing i: a blank line or the part end. */
static size_t paragraph_end(const struct scanner *s, size_t i)
{
	const char *t = s->t;
	for (size_t j = i; j < s->end; j++) {
		if (t[j] != '\n')
			continue;
		size_t k = j + 1;
		while (k < s->end && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
			k++;
		if (k >= s->end || t[k] == '\n')
			return j;
	}
	return s->end;
}

static void scan_quotes(struct scanner *s)
{
	/* Linear on long paragraphs: the paragraph end is computed once per paragraph, and a
	 * kind of quotation mark that found no closing mark up to some point cannot find one
	 * from a later opener either. */
	enum { NPAIRS = sizeof(quote_pairs) / sizeof(*quote_pairs) };
	size_t para_end = 0, unclosed_until[NPAIRS] = { 0 };
	size_t i = s->start;
	while (i < s->end) {
		/* eight bytes with no '"' and none over 0x7F open nothing: passed over at once */
		if (i + 8 <= s->end) {
			uint64_t eight = swar_load(s->t + i);
			if (swar_ascii(eight) && !swar_has_byte(eight, '"')) {
				i += 8;
				continue;
			}
		}
		/* the one ASCII opener is '"': other ASCII bytes need no decoding or lookup */
		unsigned char byte = (unsigned char)s->t[i];
		if ((byte < 0x80 && byte != '"') || !is_text(s, i) || (s->cls[i] & CLS_SPECIAL)) {
			i++;
			continue;
		}
		int32_t cp;
		int n = cp_at(s, i, s->end, &cp);
		size_t k = 0;
		while (k < NPAIRS && quote_pairs[k].open != cp)
			k++;
		if (k == NPAIRS) {
			i += (size_t)n;
			continue;
		}
		const struct quote_pair *pair = &quote_pairs[k];
		if (cp == '"') {
			int32_t before = cp_before(s, i);
			if (before >= 0 && uni_is_word_char(before)) {
				i += (size_t)n; /* a closing or stray '"' */
				continue;
			}
		}
		if (i >= para_end)
			para_end = paragraph_end(s, i);
		if (unclosed_until[k] == para_end) {
			i += (size_t)n;
			continue;
		}
		size_t j = i + (size_t)n, close = NONE;
		while (j < para_end) {
			int32_t c;
			int m = cp_at(s, j, para_end, &c);
			if (is_text(s, j) && (c == pair->close || c == pair->alt_close) && j > i + (size_t)n) {
				close = j;
				j += (size_t)m;
				break;
			}
			j += (size_t)m;
		}
		if (close == NONE) {
			unclosed_until[k] = para_end;
			i += (size_t)n;
			continue;
		}
		push(s, TOK_QUOTE, (struct token){ .start = i, .end = j, .inner_start = i + (size_t)n,
						   .inner_end = close });
		memset(s->quoted + i, 1, j - i);
		i = j;
	}
}

/* ---- words ------------------------------------------------------------------------------ */

static bool is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

static enum uni_script word_script(int32_t cp)
{
	enum uni_script sc = uni_script_of(cp);
	return sc == SCRIPT_HAN || sc == SCRIPT_HIRAGANA || sc == SCRIPT_KATAKANA ? sc : SCRIPT_OTHER;
}

bool token_fold(const char *s, size_t n, struct buf *out)
{
	/* ASCII, nearly every word: lowered in one pass that stops at the first other byte.
	 * (Through a local pointer: stores through out->ptr could alias out's fields, so
	 * out->len++ in the loop was a load and a store per byte.) */
	if (!out->ptr || out->len + n + 1 > out->cap) /* (a call per word, mostly not needed) */
		buf_grow(out, n);
	char *dst = out->ptr + out->len;
	size_t i = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			break;
		dst[i] = (char)((unsigned)(c - 'A') < 26u ? c + ('a' - 'A') : c);
	}
	if (i == n) {
		dst[n] = '\0';
		out->len += n;
		return true;
	}
	dst[0] = '\0'; /* (the buffer stays terminated at its length) */
	size_t len;
	char *folded = uni_fold(s, n, &len);
	if (!folded)
		return false;
	len = token_normalize_apostrophes(folded, len);
	buf_add(out, folded, len);
	free(folded);
	return true;
}

size_t token_normalize_apostrophes(char *s, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x99 || (unsigned char)s[i + 2] == 0x98)) {
			s[j++] = '\'';
			i += 2;
		} else {
			s[j++] = s[i];
		}
	}
	return j;
}

static void push_word(struct scanner *s, size_t a, size_t b)
{
	struct post *p = s->p;
	uint16_t flags = 0;
	if (s->cls[a] & CLS_QUOTE || s->quoted[a])
		flags |= TF_QUOTED;
	if (s->cls[a] & CLS_LINK)
		flags |= TF_LINK;
	if (s->cls[a] & CLS_HEADING)
		flags |= TF_HEADING;
	size_t off = p->tk->norms.len;
	if (!token_fold(s->t + a, b - a, &p->tk->norms))
		buf_add(&p->tk->norms, s->t + a, b - a);
	push(s, TOK_WORD, (struct token){ .start = a, .end = b, .inner_start = a, .inner_end = b,
					  .norm_off = off, .norm_len = p->tk->norms.len - off,
					  .flags = flags });
}

/* Words are letters, marks and digits, joined by apostrophes ("don't") and, between digits,
 * by '.' or ',' ("3.5", "1,000"); a change between Han, kana and other scripts splits them,
 * since Japanese and Chinese put no spaces between words. With cls, only prose bytes that are
 * not URLs, tags or mentions count. */
void token_split(const char *t, size_t start, size_t end, const uint16_t *cls,
		 void (*emit)(void *ud, size_t start, size_t end), void *ud)
{
#define WORD_BYTE(i) (!cls || (CLS_IS_PROSE(cls[i]) && !(cls[i] & CLS_SPECIAL)))
	/* ASCII letters and digits, the bulk of most posts, are decided without decoding or
	 * Unicode tables: word characters of no particular script (SCRIPT_OTHER), digits the
	 * only numbers; other ASCII is never a word character */
	const unsigned char *u = (const unsigned char *)t;
	size_t i = start;
	while (i < end) {
		if (u[i] < 0x80 && !ascii_alnum(u[i])) {
			i++;
			continue;
		}
		size_t a = i;
		enum uni_script script;
		bool digits;
		if (u[i] < 0x80) {
			/* an ASCII letter or digit (above): a word character of no particular
			 * script, a number only if a digit - decided without the tables */
			if (!WORD_BYTE(i)) {
				i++;
				continue;
			}
			script = SCRIPT_OTHER;
			digits = u[i] <= '9';
			i++;
		} else {
			int32_t cp;
			int n = uni_decode(t + i, end - i, &cp);
			if (n < 0)
				n = 1;
			if (!WORD_BYTE(i) || !uni_is_word_char(cp)) {
				i += (size_t)n;
				continue;
			}
			script = word_script(cp);
			digits = uni_classify(cp) == UNI_NUMBER;
			i += (size_t)n;
		}
		while (i < end && WORD_BYTE(i)) {
			if (u[i] < 0x80 && ascii_alnum(u[i]) && script == SCRIPT_OTHER) {
				digits = u[i] <= '9';
				i++;
				continue;
			}
			int32_t c;
			int m = uni_decode(t + i, end - i, &c);
			if (m < 0)
				break;
			if (uni_is_word_char(c)) {
				if (word_script(c) != script && uni_classify(c) != UNI_MARK)
					break;
				digits = uni_classify(c) == UNI_NUMBER;
				i += (size_t)m;
				continue;
			}
			/* only an apostrophe, or a '.' or ',' after digits, may join what follows
			 * (the test below): a space or other mark ends the word without a look */
			if (!is_apostrophe(c) && !((c == '.' || c == ',') && digits))
				break;
			size_t j = i + (size_t)m;
			int32_t next = -1;
			if (j < end && WORD_BYTE(j) && uni_decode(t + j, end - j, &next) < 0)
				next = -1;
			bool joined = next >= 0 && uni_is_word_char(next) && word_script(next) == script;
			if (joined && (is_apostrophe(c) ||
				       ((c == '.' || c == ',') && digits && uni_classify(next) == UNI_NUMBER))) {
				i = j;
				continue;
			}
			break;
		}
		emit(ud, a, i);
	}
#undef WORD_BYTE
}

static void emit_word(void *ud, size_t a, size_t b)
{
	push_word(ud, a, b);
}

static void scan_words(struct scanner *s)
{
	token_split(s->t, s->start, s->end, s->cls, emit_word, s);
}

/* ---- sentences ------------------------------------------------------------------------- */

static bool is_terminator(int32_t cp, bool *question, bool *cjk)
{
	switch (cp) {
	case '?': case 0xFF1F: case 0x203D: case 0x2047: case 0x2048: case 0x2049:
		*question = true;
		*cjk = cp == 0xFF1F;
		return true;
	case '.': case '!': case 0x2026: case 0xFF01: case 0x3002: case 0xFF0E: case 0x203C:
		*cjk = cp >= 0x3000;
		return true;
	default:
		return false;
	}
}

static bool is_closer(int32_t cp)
{
	return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 ||
	       cp == 0x00BB || cp == 0x300D || cp == 0x300F || cp == 0xFF09;
}

static void end_sentence(struct scanner *s, size_t a, size_t b, bool question)
{
	if (a == NONE || b <= a)
		return;
	push(s, TOK_SENTENCE, (struct token){ .start = a, .end = b, .inner_start = a, .inner_end = b,
					      .flags = question ? TF_QUESTION : 0 });
}

static void scan_sentences(struct scanner *s)
{
	size_t start = NONE, last = NONE;
	size_t i = s->start;
	while (i < s->end) {
		char c = s->t[i];
		if (c == '\n' || c == '\r') {
			end_sentence(s, start, last, false);
			start = NONE;
			i++;
			continue;
		}
		uint16_t cl = s->cls[i];
		if (ascii_alnum((unsigned char)c)) {
			/* neither space nor terminator: what the general path below does with it,
			 * for the run of letters and digits of one class at once */
			size_t j = i + 1;
			while (j < s->end && ascii_alnum((unsigned char)s->t[j]) && s->cls[j] == cl)
				j++;
			if ((cl & CLS_TEXT) && !(cl & (CLS_CODEBLOCK | CLS_HTML | CLS_IMAGE))) {
				if (start == NONE)
					start = i;
				last = j;
			}
			i = j;
			continue;
		}
		int32_t cp;
		int n = cp_at(s, i, s->end, &cp);
		bool content = (cl & CLS_TEXT) && !(cl & (CLS_CODEBLOCK | CLS_HTML | CLS_IMAGE));
		if (!content) {
			i += (size_t)n;
			continue;
		}
		if (start == NONE) {
			if (uni_is_space(cp)) {
				i += (size_t)n;
				continue;
			}
			start = i;
		}
		if (!uni_is_space(cp))
			last = i + (size_t)n;
		bool question = false, cjk = false;
		if (!(cl & CLS_SPECIAL) && is_terminator(cp, &question, &cjk)) {
			/* '?', '!' and ellipses end a sentence even when the next one follows
			 * without a space ("sale?Im looking", "hold...can you help"), as posts
			 * are often typed; a lone '.' needs a space ("3.5", "e.g.x") */
			size_t dots = cp == '.';
			bool strong = cp != '.';
			size_t j = i + (size_t)n;
			while (j < s->end && (s->cls[j] & CLS_TEXT)) {
				int32_t c2;
				int m = cp_at(s, j, s->end, &c2);
				bool q2 = false, k2 = false;
				if (is_terminator(c2, &q2, &k2)) {
					question |= q2;
					cjk |= k2;
					dots += c2 == '.';
					strong |= c2 != '.';
				} else if (!is_closer(c2)) {
					break;
				}
				j += (size_t)m;
			}
			int32_t next;
			cp_at(s, j, s->end, &next);
			bool glued = (strong || dots >= 2) && next >= 0 && uni_is_word_char(next) &&
				     uni_classify(next) != UNI_NUMBER;
			bool boundary = cjk || glued || j >= s->end || next < 0 || uni_is_space(next) ||
					!(s->cls[j] & CLS_TEXT) || next == '\n';
			if (boundary) {
				end_sentence(s, start, j, question);
				start = NONE;
				last = NONE;
			} else {
				last = j;
			}
			i = j;
			continue;
		}
		i += (size_t)n;
	}
	end_sentence(s, start, last, false);
}

/* ---- emoji ------------------------------------------------------------------------------ */

static void scan_emoji(struct scanner *s)
{
	const unsigned char *u = (const unsigned char *)s->t;
	size_t i = s->start;
	while (i < s->end) {
		/* eight ASCII bytes followed by ASCII hold no candidate (every emoji has a byte
		 * over 0x7F, a keycap's right after its ASCII key): most of a post is passed over
		 * a word at a time, not tested byte by byte */
		if (i + 9 <= s->end && u[i + 8] < 0x80 && swar_ascii(swar_load(u + i))) {
			i += 8;
			continue;
		}
		bool candidate = u[i] >= 0x80 ||
				 (i + 3 < s->end && (u[i + 1] == 0xEF || u[i + 1] == 0xE2));
		if (!candidate || !(s->cls[i] & CLS_TEXT) || (s->cls[i] & (CLS_CODE | CLS_HTML))) {
			i++;
			continue;
		}
		size_t e = uni_grapheme_end(s->t, s->end, i);
		if (uni_cluster_is_emoji(s->t, i, e))
			push(s, TOK_EMOJI, (struct token){ .start = i, .end = e, .inner_start = i,
							   .inner_end = e });
		i = e;
	}
}

/* ---- assembly --------------------------------------------------------------------------- */

static int by_start(const void *a, const void *b)
{
	const struct token *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_markdown_spans(struct post *p)
{
	for (size_t i = 0; i < p->tk->md.nlinks; i++) {
		const struct md_link *l = &p->tk->md.links[i];
		struct token tok = { .start = l->start, .end = l->end, .inner_start = l->text_start,
				     .inner_end = l->text_end, .url = xstrdup(l->url),
				     .part = (uint16_t)post_part_at(p, l->start) };
		if (!l->is_image && l->start < p->len && p->text[l->start] == '<')
			tok.flags |= TF_AUTOLINK;
		VEC_PUSH(&p->tk->tokens[l->is_image ? TOK_IMAGE : TOK_LINK], tok);
	}
	for (size_t i = 0; i < p->tk->md.nblockquotes; i++) {
		const struct md_range *r = &p->tk->md.blockquotes[i];
		size_t line = r->start;
		while (line > p->body_start && p->text[line - 1] != '\n')
			line--; /* include the '>' marker */
		VEC_PUSH(&p->tk->tokens[TOK_QUOTE],
			 ((struct token){ .start = line, .end = r->end, .inner_start = r->start,
					  .inner_end = r->end, .flags = TF_BLOCK,
					  .part = (uint16_t)post_part_at(p, line) }));
	}
}

/* Gives each sentence its run of words, and flags quoted sentences. */
static void link_sentences(struct post *p)
{
	struct token *words = p->tk->tokens[TOK_WORD].items;
	size_t nwords = p->tk->tokens[TOK_WORD].len, w = 0;
	for (size_t i = 0; i < nwords; i++)
		words[i].sentence = UINT32_MAX;
	for (size_t i = 0; i < p->tk->tokens[TOK_SENTENCE].len; i++) {
		struct token *sen = &p->tk->tokens[TOK_SENTENCE].items[i];
		while (w < nwords && words[w].start < sen->start)
			w++;
		sen->first_word = (uint32_t)w;
		bool all_quoted = true;
		while (w < nwords && words[w].end <= sen->end) {
			all_quoted &= (words[w].flags & TF_QUOTED) != 0;
			words[w].sentence = (uint32_t)i;
			w++;
		}
		sen->nwords = (uint32_t)(w - sen->first_word);
		if (sen->nwords && all_quoted)
			sen->flags |= TF_QUOTED;
		if (sen->start < p->len && (p->tk->cls[sen->start] & CLS_QUOTE))
			sen->flags |= TF_QUOTED;
	}
}

/* Posts up to this size have their tokens' room reserved at once (a longer one, often code
 * or links rather than words, grows it as its words come) */
#define RESERVED_BYTES 16384

void token_scan(struct post *p)
{
	struct scanner s = { .p = p, .t = p->text, .cls = p->tk->cls };
	s.quoted = xcalloc(p->len + 1, 1);
	/* room for the words and sentences of most posts (a word and its space take six bytes
	 * on average, a sentence some sixty) and the words' norms: they grew by doubling, six
	 * reallocations a post */
	struct post_tokens *room = p->tk;
	size_t len = p->len < RESERVED_BYTES ? p->len : RESERVED_BYTES;
	VEC_RESERVE(&room->tokens[TOK_WORD], len / 5 + 8);
	VEC_RESERVE(&room->tokens[TOK_SENTENCE], len / 40 + 4);
	buf_grow(&room->norms, len);
	for (size_t k = 0; k < p->parts.len; k++) {
		s.start = p->parts.items[k].start;
		s.end = p->parts.items[k].end;
		s.part = (uint16_t)k;
		scan_specials(&s);
		scan_quotes(&s);
		scan_words(&s);
		scan_sentences(&s);
		scan_emoji(&s);
	}
	add_markdown_spans(p);
	struct post_tokens *tk = p->tk;
	if (tk->tokens[TOK_LINK].len > 1)
		qsort(tk->tokens[TOK_LINK].items, tk->tokens[TOK_LINK].len, sizeof(struct token),
		      by_start);
	if (tk->tokens[TOK_QUOTE].len > 1)
		qsort(tk->tokens[TOK_QUOTE].items, tk->tokens[TOK_QUOTE].len, sizeof(struct token),
		      by_start);
	link_sentences(p);
	free(s.quoted);
}
