/* Globs, fixes, findings and sorting: small pieces with exact answers. */
#define _GNU_SOURCE /* memmem, to check mem_find against */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "finding.h"
#include "fix.h"
#include "glob.h"
#include "source.h"
#include "unicode.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/memfind.h"
#include "util/strjoin.h"
#include "util/sort.h"
#include "util/xalloc.h"
#include "value.h"

static void globs(void)
{
	static const struct {
		const char *pattern, *path;
		int match;
	} cases[] = {
		{ "posts/**/*.md", "posts/x/a.md", 1 },
		{ "posts/**/*.md", "posts/a.md", 1 },
		{ "posts/**/*.md", "drafts/a.md", 0 },
		{ "*.md", "deep/er/a.md", 1 },
		{ "*.md", "a.txt", 0 },
		{ "drafts", "drafts/x/a.md", 1 },
		{ "posts/archive/**", "posts/archive/2019/a.md", 1 },
		{ "posts/archive", "posts/archived.md", 0 },
		{ "./posts/*.md", "posts/a.md", 1 },
		{ "posts/*.md", "posts/x/a.md", 0 },
		{ "p?sts/[ab].md", "posts/a.md", 1 },
		{ "p?sts/[!ab].md", "posts/a.md", 0 },
		{ "**", "anything/at/all.md", 1 },
		{ "notes/ü*.md", "notes/über.md", 1 },
		{ "[é]x.md", "éx.md", 1 },
		{ "drafts/", "drafts/a.md", 1 },
		{ "a/**/b/**/c.md", "a/x/b/y/z/c.md", 1 },
		{ "a/**/b/**/c.md", "a/x/y/c.md", 0 },
		{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.md", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		CHECK(glob_match(cases[i].pattern, cases[i].path) == cases[i].match, "glob '%s' %s '%s'",
		      cases[i].pattern, cases[i].match ? "matches" : "does not match", cases[i].path);
}

static struct finding with_fix(const char *rule, size_t start, size_t end, const char *text)
{
	struct finding f = { .rule = xstrdup(rule), .message = xstrdup("m"), .start = start,
			     .end = end };
	f.fix = xcalloc(1, sizeof(*f.fix));
	f.fix[0] = (struct edit){ start, end, xstrdup(text), strlen(text) };
	f.nfix = 1;
	return f;
}

static void fixes(void)
{
	const char *text = "Wow!!! Great!!! news";
	struct report r;
	report_init(&r, "t.md");
	struct finding f = with_fix("b-rule", 12, 15, "!");
	report_add(&r, &f);
	f = with_fix("a-rule", 3, 6, "!");
	report_add(&r, &f);
	f = with_fix("c-rule", 4, 8, "?"); /* overlaps the a-rule fix: skipped */
	report_add(&r, &f);
	size_t len, applied;
	char *out = fix_apply(text, strlen(text), &r, NULL, &len, &applied);
	CHECK_STR(out, "Wow! Great! news", "non-overlapping fixes apply in one pass");
	CHECK_INT(applied, 2, "the overlapping one is skipped");
	free(out);

	/* reversing the order of the findings gives the same bytes */
	struct finding tmp = r.findings.items[0];
	r.findings.items[0] = r.findings.items[2];
	r.findings.items[2] = tmp;
	out = fix_apply(text, strlen(text), &r, NULL, &len, &applied);
	CHECK_STR(out, "Wow! Great! news", "the result does not depend on rule order");
	free(out);
	report_release(&r);
}

static void fix_options_and_atomicity(void)
{
	const char *text = "one\r\ntwo\r\n";
	struct report r;
	report_init(&r, "t.md");
	struct finding f = with_fix("split", 3, 3, "\nand a half");
	report_add(&r, &f);
	/* a finding with only a suggestion */
	f = (struct finding){ .rule = xstrdup("sugg"), .message = xstrdup("m"), .start = 5 };
	f.suggestions = xcalloc(1, sizeof(*f.suggestions));
	f.suggestions[0].title = xstrdup("title");
	f.suggestions[0].edits = xcalloc(1, sizeof(struct edit));
	f.suggestions[0].edits[0] = (struct edit){ 5, 8, xstrdup("TWO"), 3 };
	f.suggestions[0].nedits = 1;
	f.nsuggestions = 1;
	report_add(&r, &f);
	size_t len, applied;
	struct fix_options crlf = { .newline = "\r\n" };
	char *out = fix_apply(text, strlen(text), &r, &crlf, &len, &applied);
	CHECK_STR(out, "one\r\nand a half\r\ntwo\r\n", "inserted line breaks follow the file's CRLF");
	CHECK_INT(applied, 1, "suggestions are not applied without unsafe");
	free(out);
	struct fix_options unsafe = { .unsafe = true };
	out = fix_apply(text, strlen(text), &r, &unsafe, &len, &applied);
	CHECK_STR(out, "one\nand a half\r\nTWO\r\n", "unsafe takes the first suggestion");
	CHECK_INT(applied, 2, "both groups applied");
	free(out);
	report_release(&r);

	/* a group with one edit out of range is not applied at all (never half a fix) */
	report_init(&r, "t.md");
	f = with_fix("bad", 0, 3, "ONE");
	f.fix = xrealloc(f.fix, 2 * sizeof(*f.fix));
	f.fix[1] = (struct edit){ 50, 60, xstrdup("x"), 1 };
	f.nfix = 2;
	report_add(&r, &f);
	out = fix_apply(text, strlen(text), &r, NULL, &len, &applied);
	CHECK_STR(out, text, "a malformed group changes nothing");
	CHECK_INT(applied, 0, "and is not counted");
	free(out);
	report_release(&r);

	/* two rules fixing the same range differently: the rule id decides, not the order */
	for (int order = 0; order < 2; order++) {
		report_init(&r, "t.md");
		struct finding a = with_fix("zeta", 0, 3, "1"), b = with_fix("alpha", 0, 3, "uno");
		if (order) {
			report_add(&r, &a);
			report_add(&r, &b);
		} else {
			report_add(&r, &b);
			report_add(&r, &a);
		}
		out = fix_apply(text, strlen(text), &r, NULL, &len, &applied);
		CHECK_STR(out, "uno\r\ntwo\r\n", "same range: the first rule id wins whatever the order");
		free(out);
		report_release(&r);
	}
}

static void severities(void)
{
	bool ok;
	CHECK(severity_parse("warn", &ok) == SEVERITY_WARNING && ok, "'warn' is accepted");
	severity_parse("fatal", &ok);
	CHECK(!ok, "unknown severities are refused");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* sort_u64 and sort_u32 against qsort: random values, few distinct values (duplicates),
 * sorted, reversed and organ-pipe inputs (a quicksort's bad cases), values crowded low with
 * a spread tail (the spread sorts' crowded buckets among sparse ones: the search's ranks),
 * and every short size. */
static void sorting(void)
{
	enum { MAX = 5000 };
	uint64_t *a = xcalloc(MAX, sizeof(*a)), *b = xcalloc(MAX, sizeof(*b));
	uint32_t *c = xcalloc(MAX, sizeof(*c)), *d = xcalloc(MAX, sizeof(*d));
	unsigned seed = 7;
	bool same64 = true, same32 = true, heap = true, spread = true;
	uint64_t *e = xcalloc(MAX, sizeof(*e)), *tmp = xcalloc(MAX, sizeof(*tmp));
	uint32_t *f = xcalloc(MAX, sizeof(*f)), *tmp32 = xcalloc(MAX, sizeof(*tmp32));
	int cases = 0;
	for (size_t n = 0; n <= MAX; n = n < 40 ? n + 1 : n * 3 / 2) {
		for (int shape = 0; shape < 6; shape++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				uint64_t x = ((uint64_t)seed << 32) ^ (seed >> 3);
				switch (shape) {
				case 1: x %= 7; break;                  /* duplicates */
				case 2: x = i; break;                   /* sorted */
				case 3: x = n - i; break;               /* reversed */
				case 4: x = i < n / 2 ? i : n - i; break; /* organ pipe */
				case 5: x = i % 4 ? x % 97 : x; break;  /* crowded low */
				}
				a[i] = b[i] = e[i] = x;
				c[i] = d[i] = (uint32_t)(x ^ (x >> 32));
			}
			/* hashes, and the shapes it must leave to sort_u64 (a bucket past 16) */
			sort_u64_spread(e, n, tmp);
			sort_u64(a, n);
			spread &= n == 0 || memcmp(a, e, n * sizeof(*a)) == 0;
			qsort(b, n, sizeof(*b), cmp_u64);
			same64 &= n == 0 || memcmp(a, b, n * sizeof(*a)) == 0;
			/* the 32-bit input widened, by the heapsort fallback alone (past 16 values) */
			for (size_t i = 0; i < n; i++)
				a[i] = c[i] | ((uint64_t)d[i] << 32);
			memcpy(b, a, n * sizeof(*a));
			sort_u64_depth(a, n, 0);
			qsort(b, n, sizeof(*b), cmp_u64);
			heap &= n == 0 || memcmp(a, b, n * sizeof(*a)) == 0;
			memcpy(f, c, n * sizeof(*c));
			sort_u32_spread(f, n, tmp32);
			sort_u32(c, n);
			qsort(d, n, sizeof(*d), cmp_u32);
			same32 &= n == 0 || memcmp(c, d, n * sizeof(*c)) == 0;
			spread &= n == 0 || memcmp(c, f, n * sizeof(*c)) == 0;
			cases++;
		}
	}
	CHECK(same64, "sort_u64 orders %d arrays as qsort does", cases);
	CHECK(spread, "sort_u64_spread and sort_u32_spread order %d arrays as sort_u64 and "
		      "sort_u32 do", cases);
	CHECK(same32, "sort_u32 orders %d arrays as qsort does", cases);
	CHECK(heap, "its heapsort fallback (depth limit 0) orders %d arrays as qsort does", cases);
	free(a);
	free(e);
	free(tmp);
	free(f);
	free(tmp32);
	free(b);
	free(c);
	free(d);
}

/* buf_addf formats into the room it has and again when that was too small: pieces of every
 * length from 0 to 300 appended across the buffer's growth come out as snprintf makes them,
 * NUL-terminated, and an empty result leaves the buffer as it was. */
static void formatting(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	char piece[320];
	bool same = true;
	for (int n = 0; n <= 300; n++) {
		memset(piece, 'a' + n % 26, (size_t)n);
		piece[n] = '\0';
		buf_addf(&b, "%s|%d;", piece, n);
		char one[400];
		int len = snprintf(one, sizeof(one), "%s|%d;", piece, n);
		buf_add(&want, one, (size_t)len);
		same &= b.len == want.len && memcmp(b.ptr, want.ptr, b.len + 1) == 0;
	}
	CHECK(same, "301 pieces appended across growth: %zu bytes as snprintf makes them", b.len);
	size_t before = b.len;
	buf_addf(&b, "%s", "");
	CHECK(b.len == before && b.ptr[b.len] == '\0', "an empty piece adds nothing");
	struct buf empty = BUF_INIT;
	buf_addf(&empty, "%d-%s", 42, "x");
	CHECK_STR(empty.ptr, "42-x", "the first piece into an empty buffer");
	buf_release(&b);
	buf_release(&want);
	buf_release(&empty);
}

/* buf_addi writes what "%lld" does, for the numbers at the edges and a sweep across digit
 * counts; buf_addn and buf_addc grow the buffer as buf_add does, NUL-terminated. */
static void numbers(void)
{
	static const long long edges[] = { 0, 1, -1, 9, 10, -10, 99999, 100000, INT_MAX, INT_MIN,
					   LLONG_MAX, LLONG_MIN };
	struct buf b = BUF_INIT, want = BUF_INIT;
	bool same = true;
	for (size_t i = 0; i < sizeof(edges) / sizeof(*edges); i++) {
		buf_addi(&b, edges[i]);
		buf_addf(&want, "%lld", edges[i]);
	}
	for (long long v = 1; v < LLONG_MAX / 7; v = v * 7 + 3) {
		buf_addi(&b, v);
		buf_addi(&b, -v);
		buf_addf(&want, "%lld%lld", v, -v);
	}
	same = b.len == want.len && memcmp(b.ptr, want.ptr, b.len + 1) == 0;
	CHECK(same, "buf_addi as %%lld (%zu bytes)", b.len);
	buf_reset(&b);
	buf_addn(&b, '^', 0);
	CHECK(b.len == 0 && b.ptr[0] == '\0', "no copies add nothing");
	for (size_t n = 0; n < 200; n++) {
		buf_addn(&b, (char)('a' + n % 26), n);
		buf_addc(&b, '|');
	}
	bool runs = b.ptr[b.len] == '\0';
	size_t at = 0;
	for (size_t n = 0; n < 200 && runs; n++) {
		for (size_t k = 0; k < n; k++)
			runs &= b.ptr[at++] == (char)('a' + n % 26);
		runs &= b.ptr[at++] == '|';
	}
	CHECK(runs && at == b.len, "buf_addn and buf_addc across growth (%zu bytes)", b.len);
	buf_release(&b);
	buf_release(&want);
}

/* uni_grapheme_count counts runs of ASCII without calling uni_grapheme_end per byte: on
 * random mixes of ASCII, CR LF, combining marks, emoji with modifiers and flags, and
 * invalid bytes it counts what a walk of uni_grapheme_end does. */
static void grapheme_counts(void)
{
	static const char *const pieces[] = { "a", " ", "\r", "\n", "\r\n", "e\xcc\x81",
					      "\xcc\x81", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
					      "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7", "\xff", "\xe2\x80\x8d",
					      "\xe4\xb8\xad", "!", "\t", "\x7f", "\x1f", "abcdefgh",
					      "A quick line ~" };
	size_t npieces = sizeof(pieces) / sizeof(*pieces);
	unsigned seed = 12345;
	bool same = true;
	int cases = 0, wide_same = 0;
	for (; cases < 2000 && same; cases++) {
		struct buf b = BUF_INIT;
		int n = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 30;
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf_adds(&b, pieces[(seed >> 16) % npieces]);
		}
		size_t walked = 0, width = 0;
		for (size_t i = 0; i < b.len;) {
			size_t next = uni_grapheme_end(b.ptr, b.len, i);
			walked++;
			width += uni_display_width(b.ptr, i, next);
			i = next;
		}
		same = uni_grapheme_count(b.ptr, b.len) == walked;
		wide_same += uni_display_width(b.ptr, 0, b.len) == width;
		buf_release(&b);
	}
	CHECK(same, "uni_grapheme_count as uni_grapheme_end walks, %d strings", cases);
	CHECK_INT(wide_same, cases, "uni_display_width of a string as the sum of its clusters'");
}

/* Reports grow their findings from 2 (a run holds thousands of mostly short ones), then
 * double; the FNV-1a helpers give the published values. */
static void small_pieces(void)
{
	struct report r;
	report_init(&r, "p.md");
	struct finding f = { .rule = xstrdup("r"), .message = xstrdup("m") };
	report_add(&r, &f);
	CHECK(r.findings.len == 1 && r.findings.cap == 2, "one finding: room for 2 (got %zu)",
	      r.findings.cap);
	for (int i = 0; i < 2; i++) {
		struct finding g = { .rule = xstrdup("r"), .message = xstrdup("m") };
		report_add(&r, &g);
	}
	CHECK(r.findings.len == 3 && r.findings.cap == 4, "three findings: room for 4 (got %zu)",
	      r.findings.cap);
	report_release(&r);
	CHECK(hash_fnv32("a", 1) == 0xe40c292cu && hash_fnv32("", 0) == 0x811c9dc5u,
	      "FNV-1a 32 test vectors");
	CHECK(hash_fnv64("a", 1) == 0xaf63dc4c8601ec8cull &&
		      hash_fnv64("", 0) == 0xcbf29ce484222325ull,
	      "FNV-1a 64 test vectors");
	/* hash128_mix: parts are told apart by their lengths, and a byte anywhere (in the
	 * 8-byte steps or the tail) changes both lanes */
	uint64_t ab_c[2] = { 1, 2 }, a_bc[2] = { 1, 2 };
	hash128_mix(ab_c, "ab", 2);
	hash128_mix(ab_c, "c", 1);
	hash128_mix(a_bc, "a", 1);
	hash128_mix(a_bc, "bc", 2);
	CHECK(ab_c[0] != a_bc[0] && ab_c[1] != a_bc[1], "(\"ab\",\"c\") and (\"a\",\"bc\") differ");
	char text[21] = "posts/2026/launch.md";
	uint64_t base[2] = { 7, 9 };
	hash128_mix(base, text, 20);
	int same = 0;
	for (int at = 0; at < 20; at++) {
		uint64_t h[2] = { 7, 9 };
		text[at] ^= 1;
		hash128_mix(h, text, 20);
		text[at] ^= 1;
		same += h[0] == base[0] || h[1] == base[1];
	}
	CHECK_INT(same, 0, "one flipped bit that left a lane unchanged");
	uint64_t a[2] = { 0, 0 }, a0[2] = { 0, 0 };
	hash128_mix(a, "a", 1);
	hash128_mix(a0, "a\0", 2);
	CHECK(a[0] != a0[0], "a trailing NUL byte changes the hash");

	/* str_join: the parts one after another, NULL as "", cut short to fit, terminated */
	char label[16];
	const char *parts[] = { "rule '", "x", "' on '", NULL, "p.md", "'" };
	CHECK(str_join(label, sizeof(label), parts, 3) == 13 && strcmp(label, "rule 'x' on '") == 0,
	      "three parts joined (%s)", label);
	CHECK(str_join(label, sizeof(label), parts, 6) == 15 &&
		      strcmp(label, "rule 'x' on 'p.") == 0,
	      "cut short at the buffer's size (%s)", label);
	CHECK(str_join(label, 1, parts, 6) == 0 && label[0] == '\0', "a buffer of one byte: \"\"");
	label[0] = 'z';
	CHECK(str_join(label, 0, parts, 6) == 0 && label[0] == 'z', "no buffer: nothing written");
	CHECK(str_copy(label, sizeof(label), NULL) == 0 && label[0] == '\0', "NULL copies as \"\"");
	CHECK(str_copy(label, 4, "abcdef") == 3 && strcmp(label, "abc") == 0, "a copy cut short");

	/* mem_find: the first occurrence, against memmem on every needle and start of a text
	 * full of near misses ("<!-", "<<!--", a needle cut by the end) */
	const char hay[] = "a<!- <<!-- x -->-- <!--<!--z <!-";
	const char *needles[] = { "<!--", "-->", "<", "z", "<!-", "-- <", "<!--z <!-", "q", "<!--x" };
	int differ = 0;
	for (size_t k = 0; k < sizeof(needles) / sizeof(*needles); k++) {
		size_t m = strlen(needles[k]);
		for (size_t from = 0; from <= sizeof(hay) - 1; from++)
			for (size_t to = from; to <= sizeof(hay) - 1; to++)
				differ += mem_find(hay + from, to - from, needles[k], m) !=
					  memmem(hay + from, to - from, needles[k], m);
	}
	CHECK_INT(differ, 0, "mem_find answers that differ from memmem");
	CHECK(mem_find("ab", 1, "ab", 2) == NULL && mem_find("", 0, "a", 1) == NULL,
	      "a needle longer than the text is not found");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* sort_strings against qsort with strcmp: names of one shared prefix and numbers (a folder
 * of posts), names that are prefixes of others, duplicates (more than its short-range
 * cutoff of them), bytes past 0x7F (UTF-8, compared unsigned), and names alike for 8 bytes
 * and more after their common prefix, which only its further levels tell apart. */
static void sorting_strings(void)
{
	enum { MAX = 3000, LEN = 48 };
	char (*store)[LEN] = xcalloc(MAX, sizeof(*store));
	const char **names = xcalloc(MAX, sizeof(*names)), **want = xcalloc(MAX, sizeof(*want));
	uint32_t *idx = xcalloc(MAX, sizeof(*idx));
	unsigned seed = 11;
	bool same = true;
	int cases = 0;
	static const char *const parts[] = { "a", "ab", "abc", "\xc3\xa9t\xc3\xa9", "z", "" };
	for (size_t n = 0; n <= MAX; n = n < 40 ? n + 1 : n * 2) {
		for (int shape = 0; shape < 6; shape++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = seed >> 8;
				switch (shape) {
				case 0: snprintf(store[i], LEN, "post-%05u.md", r % 100000); break;
				case 1: snprintf(store[i], LEN, "%s%s", parts[r % 6], parts[(r / 6) % 6]);
					break;
				case 2: snprintf(store[i], LEN, "same"); break;
				case 3: snprintf(store[i], LEN, "%c\xe2\x80\x94%u", 'a' + (int)(r % 3), r % 50);
					break;
				case 4: snprintf(store[i], LEN, "%u-shared-middle-part-%u", r % 2, r % 1000);
					break;
				}
				names[i] = store[i];
				idx[i] = (uint32_t)i;
			}
			memcpy(want, names, n * sizeof(*names));
			if (n > 1)
				qsort(want, n, sizeof(*want), cmp_str);
			sort_strings(names, idx, n);
			bool *seen = xcalloc(n + 1, sizeof(*seen));
			for (size_t i = 0; i < n; i++) {
				same &= idx[i] < n && !seen[idx[i]]; /* a permutation */
				if (idx[i] < n) {
					seen[idx[i]] = true;
					same &= strcmp(names[idx[i]], want[i]) == 0;
				}
			}
			free(seen);
			cases++;
		}
	}
	CHECK(same, "sort_strings orders %d lists of names as qsort with strcmp does", cases);
	free(store);
	free(names);
	free(want);
	free(idx);
}

/* The list of files: found by path through its index (the slots keep half of each path's
 * hash, so most misses are told without reading a path), reserved ahead or grown; and a list
 * of paths unique by construction (the calendar's one walk) keeps no index, yet finds. */
static void source_lists(void)
{
	enum { N = 5000 };
	struct source_list indexed = { 0 }, unique = { 0 };
	unique.unique_paths = true;
	source_list_reserve(&indexed, N / 2); /* half reserved, half grown */
	source_list_reserve(&unique, N);
	char path[64];
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/repo/posts/%d/post-%05d.md", i % 7, i);
		source_list_add(&indexed, path, path + 6, NULL, NULL, 0);
		source_list_add(&unique, path, path + 6, NULL, NULL, 0);
	}
	bool found = true, missed = true;
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/repo/posts/%d/post-%05d.md", i % 7, i);
		found &= source_list_find(&indexed, path) == i;
		if (i % 50 == 0)
			found &= source_list_find(&unique, path) == i;
		snprintf(path, sizeof(path), "/repo/posts/%d/post-%05d.md", (i + 1) % 7, i);
		missed &= source_list_find(&indexed, path) < 0;
		if (i % 50 == 0)
			missed &= source_list_find(&unique, path) < 0;
	}
	CHECK(found, "every path of %d is found at its place, with and without the index", N);
	CHECK(missed, "a path not in the list is not found, with and without the index");
	CHECK(indexed.nslots >= 2 * N && unique.nslots == 0 && unique.slots == NULL,
	      "the index is at most half full (%zu slots), and a list of unique paths has none",
	      indexed.nslots);
	source_list_release(&indexed);
	source_list_release(&unique);
	/* short lists, read through rather than hashed into, and the sizes around that bound */
	bool short_found = true, short_missed = true;
	for (int n = 0; n <= 20; n++) {
		struct source_list list = { 0 };
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/repo/post-%02d.md", i);
			source_list_add(&list, path, path + 6, NULL, NULL, 0);
		}
		for (int i = 0; i <= n; i++) {
			snprintf(path, sizeof(path), "/repo/post-%02d.md", i);
			if (i < n)
				short_found &= source_list_find(&list, path) == i;
			else
				short_missed &= source_list_find(&list, path) < 0;
			snprintf(path, sizeof(path), "/repo/post-%02d.m", i); /* a prefix of it */
			short_missed &= source_list_find(&list, path) < 0;
		}
		source_list_release(&list);
	}
	CHECK(short_found && short_missed,
	      "lists of 0 to 20 paths find each at its place and nothing else");
}

/* Maps built whole: value_map_add appends, value_map_sort orders by key and keeps the last
 * entry added for a key (as value_map_set, which replaces, would have left it). */
static void maps_built_whole(void)
{
	struct value *map = value_new(VALUE_MAP);
	enum { KEYS = 3000 };
	char key[32];
	for (int round = 0; round < 2; round++) {
		for (int i = KEYS - 1; i >= 0; i--) {
			snprintf(key, sizeof(key), "k%d", i);
			value_map_add(map, key, value_new_number(round * 10000 + i));
		}
	}
	value_map_add(map, "k7", value_new_string("last", 4));
	value_map_sort(map);
	CHECK(map->len == KEYS, "each key once: %zu entries", map->len);
	bool ordered = true;
	for (size_t i = 1; i < map->len; i++)
		ordered &= strcmp(map->keys[i - 1], map->keys[i]) < 0;
	CHECK(ordered, "keys in order");
	const char *last = value_map_string(map, "k7");
	CHECK(last && strcmp(last, "last") == 0, "the last k7 added wins: %s", last ? last : "-");
	const struct value *k123 = value_map_get(map, "k123");
	CHECK(k123 && k123->number == 10123, "the second round's k123 wins: %g",
	      k123 ? k123->number : -1);
	value_free(map); /* (the replaced entries were freed: valgrind and ASan run this) */
}

int main(void)
{
	small_pieces();
	maps_built_whole();
	formatting();
	numbers();
	grapheme_counts();
	sorting();
	sorting_strings();
	source_lists();
	globs();
	fixes();
	fix_options_and_atomicity();
	severities();
	return check_done();
}
