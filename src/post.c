/* The post model: bytes, front matter, line table and thread parts (tokens: token.c). */
#include "post.h"

#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "schedule.h"
#include "token.h"
#include "unicode.h"
#include "util/hash.h"
#include "util/swar.h"
#include "util/xalloc.h"
#include "value_bin.h"

static void build_line_table(struct post *p)
{
	size_t cap = 16;
	p->line_starts = xmalloc(cap * sizeof(size_t));
	p->line_starts[0] = 0;
	p->nlines = 1;
	for (size_t i = 0; i < p->len; i++) {
		/* eight bytes at a time while none of them is a control character (below 0x20:
		 * line breaks are), the run between two breaks: 5,800 instructions a post were
		 * spent here byte by byte */
		while (i + 8 <= p->len && !swar_has_below(swar_load(p->text + i), 0x20))
			i += 8;
		if (i >= p->len)
			break;
		char c = p->text[i];
		if (c != '\n' && c != '\r')
			continue;
		if (c == '\r' && i + 1 < p->len && p->text[i + 1] == '\n')
			i++; /* CRLF is one line break */
		xgrow((void **)&p->line_starts, &cap, p->nlines + 1, sizeof(size_t));
		p->line_starts[p->nlines++] = i + 1;
	}
}

static int line_of(const struct post *p, size_t offset)
{
	size_t lo = 0, hi = p->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

void post_line_col(const struct post *p, size_t offset, int *line, int *column)
{
	if (offset > p->len)
		offset = p->len;
	int l = line_of(p, offset);
	size_t i = p->line_starts[l];
	if (l == 0 && p->has_bom) /* the byte order mark is not a character of the line */
		i = offset < 3 ? offset : 3;
	int col = 1;
	while (i < offset) {
		/* ASCII, most text: one byte, one column; eight of them at a time */
		if (i + 8 <= offset && swar_ascii(swar_load(p->text + i))) {
			i += 8;
			col += 8;
			continue;
		}
		if ((unsigned char)p->text[i] < 0x80) {
			i++;
			col++;
			continue;
		}
		int32_t cp;
		int n = uni_decode(p->text + i, p->len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
		col++;
	}
	*line = l + 1;
	*column = col;
}

size_t post_line_start(const struct post *p, size_t offset)
{
	if (offset > p->len)
		offset = p->len;
	return p->line_starts[line_of(p, offset)];
}

bool post_line_range(const struct post *p, int line, size_t *start, size_t *end)
{
	if (line < 1 || (size_t)line > p->nlines)
		return false;
	size_t s = p->line_starts[line - 1];
	size_t e = (size_t)line < p->nlines ? p->line_starts[line] : p->len;
	while (e > s && (p->text[e - 1] == '\n' || p->text[e - 1] == '\r'))
		e--;
	*start = s;
	*end = e;
	return true;
}

size_t post_part_at(const struct post *p, size_t offset)
{
	for (size_t i = 0; i < p->parts.len; i++)
		if (offset < p->parts.items[i].end)
			return i;
	return p->parts.len ? p->parts.len - 1 : 0;
}

/* Thread markers: "1/", "2/5", "(3/5)", optionally after a thread emoji, at a line start. */
static bool is_part_marker(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= 4 && memcmp(s + i, "\xF0\x9F\xA7\xB5", 4) == 0) { /* U+1F9F5 thread */
		i += 4;
		while (i < n && s[i] == ' ')
			i++;
	}
	if (i < n && s[i] == '(')
		i++;
	size_t digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4)
		i++, digits++;
	if (!digits || i >= n || s[i] != '/')
		return false;
	i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < n && s[i] == ')')
		i++;
	return i == n || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
}

static bool is_separator(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n == 3 && memcmp(s, "---", 3) == 0;
}

static bool is_fence(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return n - i >= 3 && (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

/* Splits the body into thread parts at "---" lines (dropped) and at numbered markers (kept).
 * Fenced code blocks are never split. */
static void split_parts(struct post *p)
{
	size_t part_start = p->body_start;
	bool has_content = false, in_fence = false;
	size_t line = p->body_start;
	while (line < p->body_end) {
		const char *nl = memchr(p->text + line, '\n', p->body_end - line);
		size_t end = nl ? (size_t)(nl - p->text) : p->body_end;
		size_t next = nl ? end + 1 : p->body_end;
		const char *s = p->text + line;
		size_t n = end - line;
		if (is_fence(s, n)) {
			in_fence = !in_fence;
		} else if (!in_fence && is_separator(s, n)) {
			if (has_content) {
				VEC_PUSH(&p->parts, ((struct post_part){ part_start, line }));
				has_content = false;
			}
			part_start = next;
			line = next;
			continue;
		} else if (!in_fence && has_content && is_part_marker(s, n)) {
			VEC_PUSH(&p->parts, ((struct post_part){ part_start, line }));
			part_start = line;
		}
		for (size_t i = 0; i < n; i++) {
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
				has_content = true;
				break;
			}
		}
		line = next;
	}
	if (has_content || p->parts.len == 0)
		VEC_PUSH(&p->parts, ((struct post_part){ part_start, p->body_end }));
}

struct post *post_new(const char *path, char *text, size_t len)
{
	struct post *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->text = xrealloc(text, len + 1);
	p->text[len] = '\0';
	p->len = len;
	p->has_bom = len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0;
	p->binary = memchr(p->text, '\0', len) != NULL;
	p->first_invalid_utf8 = uni_first_invalid(p->text, len);
	build_line_table(p);

	p->body_start = p->has_bom ? 3 : 0;
	p->body_end = len;
	size_t ys, ye, bs;
	switch (frontmatter_locate(p->text, len, &ys, &ye, &bs)) {
	case FRONTMATTER_NONE:
		break;
	case FRONTMATTER_UNTERMINATED:
		p->has_front_matter = true;
		p->front_matter_failed = true;
		p->front_matter_error = xcalloc(1, sizeof(*p->front_matter_error));
		p->front_matter_error->offset = p->body_start;
		strcpy(p->front_matter_error->message,
		       "front matter is not closed: add a line '---' after its last key");
		p->body_start = len;
		break;
	case FRONTMATTER_FOUND:
		p->has_front_matter = true;
		p->fm_start = ys;
		p->fm_end = ye;
		p->body_start = bs;
		if (!p->binary) {
			struct frontmatter_error err;
			if (frontmatter_parse(p->text, ys, ye, line_of(p, ys) + 1, &p->meta,
					      &err) < 0) {
				p->front_matter_failed = true;
				p->front_matter_error = xmalloc(sizeof(err));
				*p->front_matter_error = err;
			}
		}
		break;
	}
	if (!p->meta)
		p->meta = value_new(VALUE_MAP);
	p->has_time = schedule_compute(p->meta, p->path, &p->time);
	split_parts(p);
	return p;
}

void post_tokens(struct post *p)
{
	if (p->tk)
		return;
	struct post_tokens *tk = p->tk = xcalloc(1, sizeof(*p->tk));
	buf_init(&tk->norms);
	tk->cls = xcalloc(p->len + 1, sizeof(*tk->cls));
	if (p->binary)
		return;
	for (size_t i = 0; i < p->parts.len; i++)
		markdown_scan(p->text, p->parts.items[i].start, p->parts.items[i].end, tk->cls,
			      &tk->md);
	token_scan(p);
	size_t nwords = tk->tokens[TOK_WORD].len;
	tk->word_leads = xcalloc(nwords + 1, sizeof(*tk->word_leads));
	tk->word_hashes = xcalloc(nwords + 1, sizeof(*tk->word_hashes));
	for (size_t i = 0; i < nwords; i++) {
		const struct token *w = &tk->tokens[TOK_WORD].items[i];
		const char *norm = tk->norms.ptr + w->norm_off;
		tk->word_leads[i] = post_word_lead(norm, w->norm_len);
		tk->word_hashes[i] = hash_fnv32(norm, w->norm_len);
	}
	lang_guess(p);
}

static void drop_tokens(struct post *p)
{
	struct post_tokens *tk = p->tk;
	if (!tk)
		return;
	for (int k = 0; k < TOK_KINDS; k++) {
		for (size_t i = 0; i < tk->tokens[k].len; i++)
			free(tk->tokens[k].items[i].url);
		VEC_FREE(&tk->tokens[k]);
	}
	for (size_t i = 0; i < tk->nscans; i++)
		free(tk->scans[i].hits);
	free(tk->scans);
	free(tk->own_words);
	markdown_release(&tk->md);
	buf_release(&tk->norms);
	free(tk->word_leads);
	free(tk->word_hashes);
	free(tk->cls);
	free(tk);
	p->tk = NULL;
}

struct post *post_new_light(const char *path, const unsigned char *meta, size_t meta_len,
			    const char *lang, bool has_time, long long time)
{
	/* what post_new("") and post_shrink leave, without their work: the hook makes one of
	 * these for every post of the calendar */
	struct post *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->text = xstrdup("");
	p->line_starts = xmalloc(sizeof(size_t));
	p->line_starts[0] = 0;
	p->nlines = 1;
	p->meta_bin = meta;
	p->meta_bin_len = meta_len;
	p->has_time = has_time;
	p->time = has_time ? time : 0;
	size_t n = lang ? strnlen(lang, sizeof(p->lang) - 1) : 0;
	memcpy(p->lang, lang ? lang : "", n);
	p->lang[n] = '\0';
	return p;
}

const struct value *post_meta(const struct post *post)
{
	/* made once, on first use: the cache built the post from bytes it had checked. Light
	 * posts are read by the rules across posts on several threads at once (--jobs), so the
	 * first tree made is published with a compare-and-swap and a thread that loses the race
	 * frees its own (GCC's atomic builtins: the field stays a plain pointer for the rest of
	 * post.c, which runs on one thread per post) */
	struct value *meta = __atomic_load_n(&post->meta, __ATOMIC_ACQUIRE);
	if (meta)
		return meta;
	struct bin_reader r = { post->meta_bin, post->meta_bin + post->meta_bin_len, true };
	meta = post->meta_bin ? value_bin_get_block(&r) : NULL;
	if (!meta)
		meta = value_new(VALUE_MAP);
	struct value *none = NULL;
	struct post *p = (struct post *)post;
	if (!__atomic_compare_exchange_n(&p->meta, &none, meta, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		value_free(meta);
		return none; /* the winner's */
	}
	return meta;
}

const struct value *post_meta_lint(const struct post *post)
{
	struct post *p = (struct post *)post;
	if (__atomic_load_n(&p->lint_key, __ATOMIC_RELAXED) == 1)
		return NULL;
	const struct value *lint = value_map_get(post_meta(post), "lint");
	__atomic_store_n(&p->lint_key, lint ? 2 : 1, __ATOMIC_RELAXED);
	return lint;
}

void post_shrink(struct post *p, bool keep_text)
{
	char lang[sizeof(p->lang)];
	memcpy(lang, p->lang, sizeof(lang));
	drop_tokens(p);
	memcpy(p->lang, lang, sizeof(lang)); /* post_tokens would guess the same again */
	/* some ten small blocks become one: 10,000 waiting posts held 2.6 MB less */
	if (p->meta)
		p->meta = value_in_one_block(p->meta);
	if (keep_text)
		return;
	free(p->text);
	p->text = xstrdup("");
	p->len = 0;
	p->fm_start = p->fm_end = p->body_start = p->body_end = 0;
	p->first_invalid_utf8 = 0;
	p->line_starts[0] = 0;
	p->nlines = 1;
	VEC_FREE(&p->parts);
}

void post_free(struct post *p)
{
	if (!p)
		return;
	drop_tokens(p);
	VEC_FREE(&p->parts);
	value_free(p->meta);
	free(p->front_matter_error);
	free(p->line_starts);
	free(p->text);
	free(p->path);
	free(p);
}
