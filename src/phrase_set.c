/* Compiling phrase lists (see phrase_set.h). */
#include "phrase_set.h"

#include <stdlib.h>
#include <string.h>

#include "token.h"
#include "unicode.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Folds and splits one phrase into words, appending "word\0" entries to out; a word written
 * with a trailing '*' becomes a prefix ("\1word\0"). Returns the number of words. scratch is
 * the caller's buffer, kept from one phrase to the next: a list of 2,500 phrases cost 5,000
 * mallocs and frees at a state's first use of the word lists (3% of a one-post lint). */
static uint32_t phrase_words(const char *s, size_t n, struct buf *out, struct buf *scratch)
{
	struct buf *folded = scratch;
	uint32_t count = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
			i++;
		size_t a = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			i++;
		if (i == a)
			break;
		bool prefix = s[i - 1] == '*';
		size_t chunk_end = prefix ? i - 1 : i;
		folded->len = 0;
		if (!token_fold(s + a, chunk_end - a, folded))
			continue;
		/* a chunk like "pre-order" holds several words */
		size_t starts[64], ends[64], k = 0;
		size_t j = 0;
		while (j < folded->len && k < 64) {
			int32_t cp;
			int m = uni_decode(folded->ptr + j, folded->len - j, &cp);
			if (m < 0)
				m = 1;
			if (!uni_is_word_char(cp)) {
				j += (size_t)m;
				continue;
			}
			starts[k] = j;
			while (j < folded->len) {
				m = uni_decode(folded->ptr + j, folded->len - j, &cp);
				if (m < 0)
					break;
				if (uni_is_word_char(cp) || (cp == '\'' && j + 1 < folded->len)) {
					j += (size_t)m;
					continue;
				}
				break;
			}
			ends[k++] = j;
		}
		for (size_t w = 0; w < k; w++) {
			if (prefix && w == k - 1)
				buf_addc(out, '\1');
			buf_add(out, folded->ptr + starts[w], ends[w] - starts[w]);
			buf_addc(out, '\0');
			count++;
		}
	}
	return count;
}

static void exact_add(struct phrase_set *set, uint32_t h)
{
	unsigned a = h % EXACT_BITS, b = (h >> 16) % EXACT_BITS;
	set->exact[a >> 3] |= (uint8_t)(1u << (a & 7));
	set->exact[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static void mark_start(struct phrase_set *set, const struct pword *pw, const char *strings)
{
	const char *w = strings + pw->off;
	if (pw->prefix && pw->len == 1) {
		/* "a*": every word starting with that byte */
		for (unsigned second = 0; second < 256; second++) {
			unsigned k = post_lead_of((unsigned char)w[0], (unsigned char)second);
			set->starts[k >> 3] |= (uint8_t)(1u << (k & 7));
		}
		return;
	}
	unsigned k = post_word_lead(w, pw->len);
	set->starts[k >> 3] |= (uint8_t)(1u << (k & 7));
}

/* qsort has no context argument; one per thread (--jobs workers compile lists at once) */
static _Thread_local const struct phrase_set *sort_set;

static int compare_words(const struct pword *x, const struct pword *y, const char *s)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(s + x->off, s + y->off, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Phrases starting with a prefix word come first (they are tried one by one); the rest are
 * sorted by their first word for binary search, longer phrases first. */
static int compare_phrases(const void *a, const void *b)
{
	struct phrase_set *set = (struct phrase_set *)sort_set;
	const struct phrase *x = a, *y = b;
	const struct pword *wx = &phrase_set_words(set)[x->word0], *wy = &phrase_set_words(set)[y->word0];
	if (wx->prefix != wy->prefix)
		return wx->prefix ? -1 : 1;
	int c = compare_words(wx, wy, phrase_set_strings(set));
	if (c)
		return c;
	if (x->nwords != y->nwords)
		return x->nwords > y->nwords ? -1 : 1;
	return x->source_off < y->source_off ? -1 : 1;
}

struct phrase_set *phrase_set_compile(const char *const *sources, const size_t *lens, size_t n,
				      size_t *size)
{
	/* each phrase folded and split once, into words: where its words are, and how many */
	struct buf words = BUF_INIT, folded = BUF_INIT;
	size_t *off = xmalloc((n + 1) * sizeof(*off));
	uint32_t *count = xmalloc((n + 1) * sizeof(*count));
	size_t nwords = 0, strings = 0, nphrases = 0;
	for (size_t i = 0; i < n; i++) {
		off[i] = words.len;
		count[i] = phrase_words(sources[i], lens[i], &words, &folded);
		if (count[i] > 0) {
			nphrases++;
			nwords += count[i];
			strings += words.len - off[i] + lens[i] + 1;
		}
	}
	buf_release(&folded);
	*size = sizeof(struct phrase_set) + nphrases * sizeof(struct phrase) +
		nwords * sizeof(struct pword) + strings + 1;
	struct phrase_set *set = xcalloc(1, *size);
	set->nphrases = (uint32_t)nphrases;
	set->nwords = (uint32_t)nwords;
	struct phrase *phrases = phrase_set_phrases(set);
	struct pword *pwords = phrase_set_words(set);
	char *str = phrase_set_strings(set);
	size_t sp = 0, wp = 0, pp = 0;
	for (size_t i = 0; i < n; i++) {
		if (count[i] == 0)
			continue;
		phrases[pp++] = (struct phrase){ .word0 = (uint32_t)wp, .nwords = count[i],
						 .source_off = (uint32_t)sp,
						 .source_len = (uint32_t)lens[i] };
		memcpy(str + sp, sources[i], lens[i]);
		str[sp + lens[i]] = '\0';
		sp += lens[i] + 1;
		const char *w = words.ptr + off[i];
		size_t j = 0;
		for (uint32_t k = 0; k < count[i]; k++) {
			bool prefix = w[j] == '\1';
			if (prefix)
				j++;
			size_t wl = strlen(w + j);
			/* field by field: the block is compared byte for byte with the one made at
			 * build time, and a compound literal's padding is unspecified */
			pwords[wp].off = (uint32_t)sp;
			pwords[wp].len = (uint32_t)wl;
			pwords[wp].prefix = prefix;
			wp++;
			memcpy(str + sp, w + j, wl + 1);
			sp += wl + 1;
			j += wl + 1;
		}
	}
	buf_release(&words);
	free(off);
	free(count);
	for (size_t k = 0; k < nphrases; k++) {
		const struct pword *first = &pwords[phrases[k].word0];
		mark_start(set, first, str);
		if (!first->prefix)
			exact_add(set, hash_fnv32(str + first->off, first->len));
	}
	sort_set = set;
	qsort(phrases, nphrases, sizeof(struct phrase), compare_phrases);
	sort_set = NULL;
	set->nprefixed = 0;
	while (set->nprefixed < nphrases && pwords[phrases[set->nprefixed].word0].prefix)
		set->nprefixed++;
	return set;
}

size_t phrase_list_max(const char *text, size_t len)
{
	size_t n = 1;
	for (const char *c = text; (c = memchr(c, ',', len - (size_t)(c - text))) != NULL; c++)
		n++;
	return n;
}

static bool list_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t phrase_list_split(const char *text, size_t len, const char **phrases, size_t *lens)
{
	size_t n = 0;
	const char *end = text + len;
	for (const char *at = text; at <= end;) {
		const char *comma = memchr(at, ',', (size_t)(end - at));
		const char *a = at, *b = comma ? comma : end;
		while (a < b && list_space(*a))
			a++;
		while (b > a && list_space(b[-1]))
			b--;
		if (b > a) {
			phrases[n] = a;
			lens[n++] = (size_t)(b - a);
		}
		if (!comma)
			break;
		at = comma + 1;
	}
	return n;
}
