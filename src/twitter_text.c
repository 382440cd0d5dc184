/* twitter-text's extraction and weighted length, by hand instead of by regular expression.
 *
 * Each extractor walks the text the way twitter-text's global regex scan does: a match
 * consumes the character before its sign (the "preceding character" group), the next match
 * may only start after the previous one ends, and checks made after the regex (twitter-text's
 * "end match" and URL validity tests) reject a match without giving its text back. */
#include "twitter_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tld.h"
#include "unicode.h"
#include "util/swar.h"
#include "util/xalloc.h"

/* Longest URL twitter-text accepts (MAX_URL_LENGTH) and longest t.co slug. */
#define MAX_URL_LENGTH 4096
#define MAX_TCO_SLUG 40
#define MAX_LABEL 63
/* Longest top-level domain in bytes (the longest in twitter-text's list is 24 UTF-8 bytes). */
#define MAX_TLD_BYTES 64

/* ---- characters --------------------------------------------------------------------------- */

/* Decodes the character at i; invalid bytes are one "character" with code point -1. */
static size_t next_cp(const char *s, size_t len, size_t i, int32_t *cp)
{
	int n = uni_decode(s + i, len - i, cp);
	if (n < 0) {
		*cp = -1;
		return 1;
	}
	return (size_t)n;
}

/* Start of the character that ends at i (i > 0). */
static size_t prev_start(const char *s, size_t i)
{
	size_t j = i - 1;
	while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	int32_t cp;
	if (uni_decode(s + j, i - j, &cp) != (int)(i - j))
		return i - 1;
	return j;
}

static int32_t cp_at(const char *s, size_t len, size_t i)
{
	int32_t cp;
	if (i >= len)
		return -2; /* end of text */
	next_cp(s, len, i, &cp);
	return cp;
}

static bool ascii_alpha(int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_alnum(int32_t c)
{
	return ascii_alpha(c) || (c >= '0' && c <= '9');
}

static bool ascii_punct(int32_t c)
{
	return c >= 0 && c < 0x80 && c != 0 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)c);
}

/* twitter-text's UNICODE_SPACES. */
static bool tt_space(int32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       c == 0x180E || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool directional(int32_t c)
{
	return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static bool invalid_char(int32_t c)
{
	return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

static bool latin_accent(int32_t c)
{
	return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) ||
	       (c >= 0x100 && c <= 0x24F) || c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 ||
	       c == 0x259 || c == 0x25B || c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 ||
	       c == 0x289 || c == 0x28B || c == 0x2BB || (c >= 0x300 && c <= 0x36F) ||
	       (c >= 0x1E00 && c <= 0x1EFF);
}

/* \p{Cyrillic}: the script's blocks. */
static bool cyrillic(int32_t c)
{
	return (c >= 0x400 && c <= 0x52F) || (c >= 0x1C80 && c <= 0x1C8F) || c == 0x1D2B ||
	       c == 0x1D78 || (c >= 0x2DE0 && c <= 0x2DFF) || (c >= 0xA640 && c <= 0xA69F) ||
	       c == 0xFE2E || c == 0xFE2F;
}

static bool dash_punct(int32_t c)
{
	return c >= 0 && strcmp(uni_category(c), "Pd") == 0;
}

/* A byte after which a run of letters and digits cannot be the start of a URL: ASCII space
 * and punctuation other than those a URL's next part starts with (. : / - _ and the like). */
static bool ends_word(char c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case ',': case ';': case '!': case '?':
	case '"': case '\'': case ')': case ']': case '}': case '(': case '[': case '{':
		return true;
	default:
		return false;
	}
}

/* DOMAIN_VALID_CHARS: anything but punctuation, spaces, controls and marks of direction. */
static bool domain_char(int32_t c)
{
	if (c >= 0 && c < 0x80)
		return ascii_alnum(c); /* the rest of ASCII is punctuation, space or control */
	return c >= 0 && !directional(c) && !invalid_char(c) && !tt_space(c);
}

static bool path_char(int32_t c)
{
	return ascii_alnum(c) || cyrillic(c) || latin_accent(c) || dash_punct(c) ||
	       (c > 0 && c < 0x80 && strchr("!*';:=+,.$/%#[]_~&|@", (int)c));
}

static bool path_ending_char(int32_t c)
{
	return ascii_alnum(c) || cyrillic(c) || latin_accent(c) ||
	       (c > 0 && c < 0x80 && strchr("=_#/+-", (int)c));
}

static bool query_char(int32_t c)
{
	return ascii_alnum(c) || (c > 0 && c < 0x80 && strchr("!?*'();:&=+$/%#[]-_.,~|@", (int)c));
}

static bool query_ending_char(int32_t c)
{
	return ascii_alnum(c) || (c > 0 && c < 0x80 && strchr("_&=#/-", (int)c));
}

/* The lookahead after a TLD: (?=[^0-9a-z@+-]|$), case-insensitive. */
static bool tld_boundary(int32_t c)
{
	return c == -2 || !(ascii_alnum(c) || c == '@' || c == '+' || c == '-');
}

static bool ascii_ieq(const char *s, size_t len, size_t i, const char *lit)
{
	size_t n = strlen(lit);
	if (len - i < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[i + k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[k])
			return false;
	}
	return true;
}

/* ---- domains ------------------------------------------------------------------------------- */

/* Length in bytes of the TLD at s[t..limit) that twitter-text would match (validGTLD, then
 * validCCTLD, then validPunycode), or 0. The text after it is judged up to limit. */
static size_t match_tld(const char *s, size_t limit, size_t t)
{
	size_t best_generic = 0, best_country = 0;
	size_t e = t;
	while (e < limit && e - t < MAX_TLD_BYTES) {
		int32_t c;
		e += next_cp(s, limit, e, &c);
		if (!domain_char(c))
			break; /* TLDs are letters: no dots, dashes or spaces */
		if (!tld_boundary(cp_at(s, limit, e)))
			continue;
		enum tld_kind k = tld_lookup(s + t, e - t);
		if (k == TLD_GENERIC)
			best_generic = e - t;
		else if (k == TLD_COUNTRY)
			best_country = e - t;
	}
	if (best_generic)
		return best_generic;
	if (best_country)
		return best_country;
	if (ascii_ieq(s, limit, t, "xn--")) {
		size_t i = t + 4;
		while (i < limit && (ascii_alnum((unsigned char)s[i]) || s[i] == '-'))
			i++;
		if (i > t + 4)
			return i - t;
	}
	return 0;
}

/* Tables computed once per text so that trying a URL at every position stays close to
 * linear (twitter-text's regex retries at each position too; on text like "a.a.a.a..." a
 * naive retry rescans the same labels and top-level domains again and again). */
struct scan {
	const char *s;
	size_t len;
	uint32_t *run_end;   /* per byte: end of the run of label characters holding it */
	uint32_t *us_before; /* per byte: number of '_' before it */
	uint16_t *tld;       /* per byte: match_tld's answer + 1, 0 when not computed yet */
};

static bool label_char(int32_t c)
{
	return c == '-' || c == '_' || domain_char(c);
}

static void scan_init(struct scan *sc, const char *s, size_t len)
{
	sc->s = s;
	sc->len = len;
	sc->run_end = xcalloc(len + 1, sizeof(*sc->run_end));
	sc->us_before = xcalloc(len + 1, sizeof(*sc->us_before));
	sc->tld = xcalloc(len + 1, sizeof(*sc->tld));
	uint32_t us = 0;
	size_t run = 0;
	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t k = next_cp(s, len, i, &c);
		for (size_t j = i; j < i + k; j++)
			sc->us_before[j] = us;
		us += c == '_';
		if (!label_char(c)) {
			for (size_t j = run; j < i; j++)
				sc->run_end[j] = (uint32_t)i;
			for (size_t j = i; j < i + k; j++)
				sc->run_end[j] = (uint32_t)j; /* not in a run: an empty label */
			run = i + k;
		}
		i += k;
	}
	for (size_t j = run; j < len; j++)
		sc->run_end[j] = (uint32_t)len;
	sc->run_end[len] = (uint32_t)len;
	sc->us_before[len] = us;
}

static void scan_release(struct scan *sc)
{
	free(sc->run_end);
	free(sc->us_before);
	free(sc->tld);
}

static size_t scan_tld(struct scan *sc, size_t t)
{
	if (!sc->tld[t])
		sc->tld[t] = (uint16_t)(match_tld(sc->s, sc->len, t) + 1);
	return sc->tld[t] - 1u;
}

/* validSubdomain* validDomainName TLD at d: the domain's end, or 0. The labels are the runs
 * between dots (a label cannot hold a dot, so the regex's backtracking only chooses how many
 * of them come before the TLD: as many as possible). A label starts and ends with a domain
 * character; only subdomains may hold '_'. */
static size_t match_domain(struct scan *sc, size_t d)
{
	const char *s = sc->s;
	size_t ends[128], n = 0, i = d;
	bool underscore[128];
	while (n < sizeof(ends) / sizeof(*ends) && i - d < MAX_URL_LENGTH && i < sc->len) {
		size_t e = sc->run_end[i];
		if (e == i || e >= sc->len || s[e] != '.')
			break;
		/* well formed: no '-' or '_' at either end (all later starts fail the same way) */
		if (s[i] == '-' || s[i] == '_' || s[e - 1] == '-' || s[e - 1] == '_')
			break;
		underscore[n] = sc->us_before[e] > sc->us_before[i];
		ends[n++] = e;
		i = e + 1; /* the dot */
	}
	for (size_t k = n; k >= 1; k--) {
		if (underscore[k - 1])
			continue; /* the last label before the TLD is a domain name: no '_' */
		size_t t = ends[k - 1] + 1;
		size_t tl = scan_tld(sc, t);
		if (tl)
			return t + tl;
	}
	return 0;
}

/* Bytes of the punycode form of one label (RFC 3492 with the "xn--" prefix), counted
 * without building it; or 0 on invalid UTF-8. ASCII labels stay as they are. */
static size_t punycode_length(const char *s, size_t start, size_t end)
{
	uint32_t cps[256];
	size_t n = 0, basic = 0;
	for (size_t i = start; i < end;) {
		int32_t c;
		i += next_cp(s, end, i, &c);
		if (c < 0)
			return 0;
		if (n == sizeof(cps) / sizeof(*cps))
			return 1000; /* far over any label limit */
		cps[n++] = (uint32_t)c;
		basic += c < 0x80;
	}
	if (basic == n)
		return n;
	/* RFC 3492 section 6.3, counting output digits only */
	const uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
	size_t out = 4 + basic + (basic > 0);
	uint32_t code = 0x80, delta = 0, bias = 72;
	size_t h = basic;
	while (h < n) {
		uint32_t m = UINT32_MAX;
		for (size_t j = 0; j < n; j++)
			if (cps[j] >= code && cps[j] < m)
				m = cps[j];
		delta += (m - code) * (uint32_t)(h + 1);
		code = m;
		for (size_t j = 0; j < n; j++) {
			if (cps[j] < code)
				delta++;
			if (cps[j] != code)
				continue;
			uint32_t q = delta;
			for (uint32_t k = base;; k += base) {
				uint32_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
				if (q < t)
					break;
				out++;
				q = (q - t) / (base - t);
			}
			out++;
			/* adapt the bias */
			uint32_t d = (h == basic) ? delta / damp : delta / 2;
			d += d / (uint32_t)(h + 1);
			uint32_t k = 0;
			while (d > ((base - tmin) * tmax) / 2) {
				d /= base - tmin;
				k += base;
			}
			bias = k + (base - tmin + 1) * d / (d + skew);
			delta = 0;
			h++;
		}
		delta++;
		code++;
	}
	return out;
}

static size_t count_cps(const char *s, size_t start, size_t end)
{
	size_t n = 0;
	for (size_t i = start; i < end; n++) {
		int32_t c;
		i += next_cp(s, end, i, &c);
	}
	return n;
}

/* validAsciiDomain searched in s[from..limit): (?:[-a-z0-9 latin-accents]+\.)+ TLD. */
static bool find_ascii_domain(const char *s, size_t from, size_t limit, size_t *mstart,
			      size_t *mend)
{
	for (size_t a = from; a < limit;) {
		size_t dots[128], n = 0, i = a;
		for (;;) {
			size_t run = i;
			while (i < limit) {
				int32_t c;
				size_t k = next_cp(s, limit, i, &c);
				if (!(ascii_alnum(c) || c == '-' || latin_accent(c)))
					break;
				i += k;
			}
			if (i == run || i >= limit || s[i] != '.' || n == sizeof(dots) / sizeof(*dots))
				break;
			dots[n++] = i;
			i++;
		}
		for (size_t k = n; k >= 1; k--) {
			size_t tl = match_tld(s, limit, dots[k - 1] + 1);
			if (tl) {
				*mstart = a;
				*mend = dots[k - 1] + 1 + tl;
				return true;
			}
		}
		/* a later start inside what was just walked sees a suffix of the same labels and
		 * top-level domains, all tried already: go on after it */
		int32_t c;
		a = i > a ? i : a + next_cp(s, limit, a, &c);
	}
	return false;
}

/* idna.toAscii + the length check of twitter-text's isValidUrl. */
static bool valid_url(const char *s, size_t url_start, size_t url_end, size_t proto_len,
		      size_t dom_start, size_t dom_end)
{
	if (ascii_ieq(s, dom_end, dom_start, "xn--") && memcmp(s + dom_start, "xn--", 4) == 0) {
		size_t a, b;
		if (!find_ascii_domain(s, dom_start, dom_end, &a, &b))
			return false; /* punycode cannot contain non-ASCII characters */
	}
	size_t ascii_len = 0;
	for (size_t i = dom_start; i <= dom_end;) {
		size_t j = i;
		while (j < dom_end && s[j] != '.')
			j++;
		size_t l = punycode_length(s, i, j);
		if (l < 1 || l > MAX_LABEL)
			return false;
		ascii_len += l + (j < dom_end);
		i = j + 1;
	}
	size_t url_len = count_cps(s, url_start, url_end);
	size_t dom_len = count_cps(s, dom_start, dom_end);
	size_t total = (proto_len ? proto_len : strlen("https://")) + url_len + ascii_len - dom_len;
	return total <= MAX_URL_LENGTH;
}

/* ---- URL paths ----------------------------------------------------------------------------- */

/* validUrlBalancedParens at i (on '('): its end, or 0. Two levels of nesting at most. */
static size_t balanced_parens(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	bool inner = false;
	size_t chars = 0;
	while (j < len) {
		int32_t c;
		size_t k = next_cp(s, len, j, &c);
		if (path_char(c)) {
			chars++;
			j += k;
		} else if (c == '(' && !inner) {
			/* one nested level: "(" G+ ")" */
			size_t m = j + 1, inner_chars = 0;
			while (m < len) {
				int32_t d;
				size_t kk = next_cp(s, len, m, &d);
				if (!path_char(d))
					break;
				inner_chars++;
				m += kk;
			}
			if (!inner_chars || m >= len || s[m] != ')')
				return 0;
			inner = true;
			j = m + 1;
		} else if (c == ')') {
			return (chars || inner) ? j + 1 : 0;
		} else {
			return 0;
		}
	}
	return 0;
}

/* The path after '/' at p: '/' plus the longest run of path units that ends on an ending
 * character or a parenthesised group (validUrlPath*). Returns its end. */
static size_t match_path(const char *s, size_t len, size_t p)
{
	size_t i = p + 1, end = p + 1;
	while (i < len) {
		int32_t c;
		size_t k = next_cp(s, len, i, &c);
		if (c == '(') {
			size_t e = balanced_parens(s, len, i);
			if (!e)
				break;
			i = e;
			end = i;
			continue;
		}
		if (!path_char(c))
			break;
		i += k;
		if (path_ending_char(c))
			end = i;
	}
	return end;
}

/* "?" query chars, ending on a query ending char: the end, or q when there is none. */
static size_t match_query(const char *s, size_t len, size_t q)
{
	size_t i = q + 1, end = q;
	while (i < len && query_char((unsigned char)s[i])) {
		if (query_ending_char((unsigned char)s[i]))
			end = i + 1;
		i++;
	}
	return end;
}

/* ---- URLs ----------------------------------------------------------------------------------- */

struct url_match {
	size_t before; /* start of the consumed preceding character (== url when none) */
	size_t url, proto_end, dom_end, path_start, path_end, end;
};

static bool url_preceding_ok(int32_t c)
{
	if (directional(c))
		return true;
	return !(ascii_alnum(c) || c == '@' || c == 0xFF20 || c == '$' || c == '#' || c == 0xFF03 ||
		 invalid_char(c));
}

/* The URL regex at u (preceding character already checked). */
static bool match_url_at(struct scan *sc, size_t u, struct url_match *m)
{
	const char *s = sc->s;
	size_t len = sc->len;
	size_t proto = 0;
	if (ascii_ieq(s, len, u, "http://"))
		proto = 7;
	else if (ascii_ieq(s, len, u, "https://"))
		proto = 8;
	size_t dom_end = proto ? match_domain(sc, u + proto) : 0;
	if (!dom_end) {
		proto = 0;
		dom_end = match_domain(sc, u);
	}
	if (!dom_end)
		return false;
	m->url = u;
	m->proto_end = u + proto;
	m->dom_end = dom_end;
	size_t i = dom_end;
	if (i + 1 < len && s[i] == ':' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	m->path_start = m->path_end = i;
	if (i < len && s[i] == '/') {
		i = match_path(s, len, i);
		m->path_end = i;
	}
	if (i < len && s[i] == '?')
		i = match_query(s, len, i);
	m->end = i;
	return true;
}

static void push(tt_entities *out, enum tt_kind kind, size_t start, size_t end, size_t vs,
		 size_t ve)
{
	struct tt_entity e = { .kind = kind, .start = start, .end = end, .value_start = vs,
			       .value_end = ve, .list_start = ve, .list_end = ve };
	VEC_PUSH(out, e);
}

void tt_extract_urls(const char *s, size_t len, bool with_scheme_only, tt_entities *out)
{
	if (!memchr(s, '.', len))
		return;
	struct scan sc;
	scan_init(&sc, s, len);
	size_t pos = 0;
	while (pos < len) {
		/* find the next start: a URL at u, its preceding character (if any) at >= pos */
		struct url_match m;
		bool found = false;
		size_t before = pos;
		for (size_t u = pos; u < len;) {
			/* an ASCII character after an ASCII letter, digit, '@', '$' or '#' (which no
			 * URL may follow), or one that no domain starts with, starts no URL: most
			 * bytes are passed over without decoding them or the one before */
			unsigned char b = (unsigned char)s[u];
			if (u > 0 && b < 0x80) {
				unsigned char pb = (unsigned char)s[u - 1];
				if (ascii_alnum(pb) || pb == '@' || pb == '$' || pb == '#' ||
				    !domain_char(b)) {
					u++;
					continue;
				}
			}
			/* a run of ASCII letters and digits ended by the text's end, a space or
			 * punctuation that no domain, port, path or scheme goes on with is a word:
			 * a URL needs a dot (or "://") after its first run. Passed over whole,
			 * without trying a match at its start (most words of a post) */
			if (b < 0x80 && ascii_alnum(b)) {
				size_t k = u + 1;
				while (k < len && ascii_alnum((unsigned char)s[k]))
					k++;
				if (k == len || ends_word(s[k])) {
					u = k;
					continue;
				}
			}
			int32_t c;
			size_t k = next_cp(s, len, u, &c);
			bool pre_ok;
			if (u == 0) {
				pre_ok = true;
				before = 0;
			} else {
				size_t p = prev_start(s, u);
				pre_ok = p >= pos && url_preceding_ok(cp_at(s, len, p));
				before = p;
			}
			if (pre_ok && domain_char(c) &&
			    match_url_at(&sc, u, &m)) {
				found = true;
				break;
			}
			u += k;
		}
		if (!found)
			break;
		size_t dom_start = m.proto_end;
		pos = m.end;
		bool has_proto = m.proto_end > m.url;
		if (!valid_url(s, m.url, m.end, m.proto_end - m.url, dom_start, m.dom_end))
			continue;
		if (!has_proto) {
			if (with_scheme_only)
				continue;
			if (before < m.url) {
				int32_t b = cp_at(s, len, before);
				if (b == '-' || b == '_' || b == '.' || b == '/')
					continue;
			}
			size_t from = dom_start, a, e;
			bool any = false;
			while (from < m.dom_end && find_ascii_domain(s, from, m.dom_end, &a, &e)) {
				push(out, TT_URL, a, e, a, e);
				any = true;
				from = e;
			}
			if (any && m.path_end > m.path_start) {
				out->items[out->len - 1].end = m.end;
				out->items[out->len - 1].value_end = m.end;
			}
			continue;
		}
		size_t end = m.end;
		if (ascii_ieq(s, len, m.url, "http://t.co/") || ascii_ieq(s, len, m.url, "https://t.co/")) {
			size_t slug = m.url + (ascii_ieq(s, len, m.url, "https") ? 13 : 12), i = slug;
			while (i < end && ascii_alnum((unsigned char)s[i]))
				i++;
			if (i > slug) {
				if (i - slug > MAX_TCO_SLUG)
					continue;
				if (i < end && s[i] == '?') {
					size_t q = match_query(s, end, i);
					if (q > i)
						i = q;
				}
				end = i;
			}
		}
		push(out, TT_URL, m.url, end, m.url, end);
	}
	scan_release(&sc);
}

/* ---- mentions ------------------------------------------------------------------------------- */

static bool mention_before_excluded(int32_t c)
{
	return ascii_alnum(c) || (c > 0 && c < 0x80 && strchr("_!#$%&*@", (int)c)) || c == 0xFF20;
}

/* validMentionPrecedingChars ending at a (the '@'), using only characters at >= pos. */
static bool mention_preceding_ok(const char *s, size_t len, size_t pos, size_t a)
{
	if (a == 0)
		return pos == 0;
	size_t p = prev_start(s, a);
	if (p >= pos && !mention_before_excluded(cp_at(s, len, p)))
		return true;
	/* "RT" or "RT:" before the at sign */
	size_t r = a;
	if (r > 0 && s[r - 1] == ':')
		r--;
	if (r < 2 || !((s[r - 2] | 0x20) == 'r' && (s[r - 1] | 0x20) == 't'))
		return false;
	r -= 2;
	if (r == 0)
		return pos == 0;
	size_t q = prev_start(s, r);
	int32_t c = cp_at(s, len, q);
	return q >= pos &&
	       !(ascii_alnum(c) || (c > 0 && c < 0x80 && strchr("_+~.-", (int)c)));
}

static bool mention_end_rejects(const char *s, size_t len, size_t i)
{
	int32_t c = cp_at(s, len, i);
	return c == '@' || c == 0xFF20 || latin_accent(c) || ascii_ieq(s, len, i, "://");
}

void tt_extract_mentions_or_lists(const char *s, size_t len, tt_entities *out)
{
	size_t pos = 0;
	for (size_t a = 0; a < len;) {
		int32_t c;
		size_t k = next_cp(s, len, a, &c);
		if ((c != '@' && c != 0xFF20) || !mention_preceding_ok(s, len, pos, a)) {
			a += k;
			continue;
		}
		size_t name = a + k, i = name;
		while (i < len && i - name < 20 &&
		       (ascii_alnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		if (i == name) {
			a += k;
			continue;
		}
		size_t name_end = i, list_end = i;
		if (i + 1 < len && s[i] == '/' && ascii_alpha((unsigned char)s[i + 1])) {
			size_t j = i + 2;
			while (j < len && j - (i + 2) < 24 &&
			       (ascii_alnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '-'))
				j++;
			list_end = j;
		}
		pos = list_end;
		if (!mention_end_rejects(s, len, list_end)) {
			struct tt_entity e = { .kind = TT_MENTION, .start = a, .end = list_end,
					       .value_start = name, .value_end = name_end,
					       .list_start = name_end, .list_end = list_end };
			VEC_PUSH(out, e);
		}
		a = list_end;
	}
}

/* ---- hashtags ------------------------------------------------------------------------------ */

static bool hashtag_letter(int32_t c)
{
	if (c < 0)
		return false;
	const char *cat = uni_category(c);
	return cat[0] == 'L' || cat[0] == 'M';
}

static bool hashtag_special(int32_t c)
{
	static const int32_t special[] = { '_', 0x200C, 0x200D, 0xA67E, 0x05BE, 0x05F3, 0x05F4,
		0xFF5E, 0x301C, 0x309B, 0x309C, 0x30A0, 0x30FB, 0x3003, 0x0F0B, 0x0F0C, 0x00B7 };
	for (size_t i = 0; i < sizeof(special) / sizeof(*special); i++)
		if (special[i] == c)
			return true;
	return false;
}

static bool hashtag_char(int32_t c)
{
	return hashtag_letter(c) || (c >= 0 && strcmp(uni_category(c), "Nd") == 0) ||
	       hashtag_special(c);
}

static void remove_url_overlaps(const char *s, size_t len, tt_entities *tags, size_t first)
{
	tt_entities urls = { 0 };
	tt_extract_urls(s, len, false, &urls);
	if (urls.len) {
		size_t keep = first, u = 0;
		size_t prev_end = 0;
		bool have_prev = false;
		/* both lists are sorted by start: merge them, keeping what does not overlap */
		for (size_t t = first; t < tags->len;) {
			bool take_url = u < urls.len && urls.items[u].start < tags->items[t].start;
			const struct tt_entity *e = take_url ? &urls.items[u] : &tags->items[t];
			bool overlaps = have_prev && prev_end > e->start;
			if (!overlaps) {
				prev_end = e->end;
				have_prev = true;
			}
			if (take_url) {
				u++;
			} else {
				if (!overlaps)
					tags->items[keep++] = tags->items[t];
				t++;
			}
		}
		tags->len = keep;
	}
	VEC_FREE(&urls);
}

void tt_extract_hashtags(const char *s, size_t len, tt_entities *out)
{
	size_t first = out->len, pos = 0;
	for (size_t h = 0; h < len;) {
		int32_t c;
		size_t k = next_cp(s, len, h, &c);
		if (c != '#' && c != 0xFF03) {
			h += k;
			continue;
		}
		bool pre_ok;
		if (h == 0) {
			pre_ok = pos == 0;
		} else {
			size_t p = prev_start(s, h);
			int32_t b = cp_at(s, len, p);
			pre_ok = p >= pos && (b == 0xFE0E || b == 0xFE0F || (b != '&' && !hashtag_char(b)));
		}
		int32_t next = cp_at(s, len, h + k);
		if (!pre_ok || next == 0xFE0F || next == 0x20E3) {
			h += k;
			continue;
		}
		size_t i = h + k;
		bool letter = false;
		while (i < len) {
			int32_t d;
			size_t kk = next_cp(s, len, i, &d);
			if (!hashtag_char(d))
				break;
			letter |= hashtag_letter(d);
			i += kk;
		}
		if (!letter) {
			h += k;
			continue;
		}
		pos = i;
		int32_t after = cp_at(s, len, i);
		if (after != '#' && after != 0xFF03 && !ascii_ieq(s, len, i, "://"))
			push(out, TT_HASHTAG, h, i, h + k, i);
		h = i;
	}
	remove_url_overlaps(s, len, out, first);
}

/* ---- cashtags ------------------------------------------------------------------------------ */

void tt_extract_cashtags(const char *s, size_t len, tt_entities *out)
{
	size_t pos = 0;
	for (size_t d = 0; d < len; d++) {
		if (s[d] != '$')
			continue;
		bool pre_ok;
		if (d == 0) {
			pre_ok = pos == 0;
		} else {
			size_t p = prev_start(s, d);
			int32_t b = cp_at(s, len, p);
			pre_ok = p >= pos && (tt_space(b) || directional(b));
		}
		if (!pre_ok)
			continue;
		size_t i = d + 1;
		while (i < len && ascii_alpha((unsigned char)s[i]))
			i++;
		size_t letters = i - (d + 1);
		if (letters < 1 || letters > 6)
			continue;
		size_t end = i;
		/* (?:[._][a-z]{1,2})? then the lookahead: $, a space or punctuation */
		if (i + 1 < len && (s[i] == '.' || s[i] == '_') && ascii_alpha((unsigned char)s[i + 1])) {
			size_t j = i + 2;
			if (j < len && ascii_alpha((unsigned char)s[j]))
				j++;
			int32_t after = cp_at(s, len, j);
			if (after == -2 || tt_space(after) || ascii_punct(after))
				end = j;
		}
		if (end == i) {
			int32_t after = cp_at(s, len, i);
			if (!(after == -2 || tt_space(after) || ascii_punct(after)))
				continue;
		}
		push(out, TT_CASHTAG, d, end, d + 1, end);
		pos = end;
		d = end - 1;
	}
}

/* ---- weighted length ----------------------------------------------------------------------- */

/* config/v3.json: code points in these ranges weigh 100 (one character), others 200. */
static int weight_of(int32_t c)
{
	if ((c >= 0 && c <= 4351) || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) ||
	    (c >= 8242 && c <= 8247))
		return 100;
	return 200;
}

long tt_weighted_length(const char *s, size_t len, bool *valid)
{
	size_t n;
	char *nfc = uni_nfc(s, len, &n);
	if (!nfc) { /* invalid UTF-8: no normalization, no entities */
		long w = 0;
		for (size_t i = 0; i < len;) {
			int32_t c;
			i += next_cp(s, len, i, &c);
			w += c < 0 ? 200 : weight_of(c);
		}
		if (valid)
			*valid = false;
		return w / 100;
	}
	tt_entities urls = { 0 };
	tt_extract_urls(nfc, n, false, &urls);
	long w = 0;
	bool bad_char = false;
	size_t u = 0;
	for (size_t i = 0; i < n;) {
		if (u < urls.len && urls.items[u].start == i) {
			w += TT_URL_LENGTH * 100;
			i = urls.items[u++].end;
			continue;
		}
		size_t limit = u < urls.len ? urls.items[u].start : n;
		if (i + 9 <= limit && (unsigned char)nfc[i + 8] < 0x80 &&
		    swar_ascii(swar_load(nfc + i))) {
			w += 800; /* eight times the case below, at once */
			i += 8;
			continue;
		}
		if ((unsigned char)nfc[i] < 0x80 &&
		    (i + 1 >= limit || (unsigned char)nfc[i + 1] < 0x80)) {
			/* ASCII followed by ASCII, most of a post: a cluster of its own (or "\r\n",
			 * two code points of 100 either way) and no emoji (a keycap, the one emoji
			 * that starts with ASCII, goes on with U+FE0F or U+20E3), so 100, without
			 * the grapheme and emoji tests (two thirds of the post's measure) */
			w += 100;
			i++;
			continue;
		}
		size_t e = uni_grapheme_end(nfc, limit, i);
		if (uni_cluster_is_emoji(nfc, i, e)) {
			w += 200;
		} else {
			for (size_t j = i; j < e;) {
				int32_t c;
				j += next_cp(nfc, e, j, &c);
				w += weight_of(c);
				bad_char |= invalid_char(c);
			}
		}
		i = e;
	}
	VEC_FREE(&urls);
	free(nfc);
	if (valid)
		*valid = n > 0 && !bad_char && w / 100 <= TT_MAX_WEIGHTED_LENGTH;
	return w / 100;
}
