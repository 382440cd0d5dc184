/* Per-network length counting and the one table of limits. */
#include "length.h"

#include <string.h>

#include "twitter_text.h"
#include "unicode.h"
#include "util/memfind.h"

/* The defaults: the README's "Platforms and lengths" section cites the source of each. */
static const struct platform_settings defaults[] = {
	{ "x", LENGTH_WEIGHTED, TT_MAX_WEIGHTED_LENGTH, 0, TT_URL_LENGTH, true, "characters" },
	{ "mastodon", LENGTH_GRAPHEMES, 500, 0, 23, true, "characters" },
	{ "bluesky", LENGTH_GRAPHEMES, 300, 3000, 0, true, "graphemes" },
	{ "threads", LENGTH_GRAPHEMES, 500, 0, 0, true, "characters" },
	{ "linkedin", LENGTH_GRAPHEMES, 3000, 0, 0, false, "characters" },
	{ "instagram", LENGTH_GRAPHEMES, 2200, 0, 0, false, "characters" },
	{ "facebook", LENGTH_GRAPHEMES, 63206, 0, 0, false, "characters" },
};

bool length_settings(const char *platform, const struct length_overrides *ov,
		     struct platform_settings *out)
{
	const struct platform_settings *d = NULL;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++)
		if (strcmp(defaults[i].name, platform) == 0)
			d = &defaults[i];
	if (!d)
		return false;
	*out = *d;
	for (size_t i = 0; ov && i < ov->len; i++) {
		const struct length_override *o = &ov->items[i];
		if (strcmp(o->name, platform) != 0)
			continue;
		if (o->limit >= 0)
			out->limit = o->limit;
		if (o->max_bytes >= 0)
			out->max_bytes = o->max_bytes;
		if (o->url_length >= 0)
			out->url_length = o->url_length;
	}
	return true;
}

void length_override_set(struct length_overrides *ov, const struct length_override *o)
{
	for (size_t i = 0; i < ov->len; i++) {
		if (strcmp(ov->items[i].name, o->name) == 0) {
			ov->items[i] = *o;
			return;
		}
	}
	if (ov->len < sizeof(ov->items) / sizeof(*ov->items))
		ov->items[ov->len++] = *o;
}

/* Mastodon's account mention: "@user@domain" (the domain part is free for the length). The
 * user name is [A-Za-z0-9_]+ with single dots or dashes inside; the domain word characters,
 * dots and dashes, ending on a word character. Returns the end of the domain, or 0. */
static size_t fediverse_mention(const char *s, size_t n, size_t at, size_t *name_end)
{
	if (at > 0) {
		unsigned char b = (unsigned char)s[at - 1];
		if (b == '=' || b == '/' || b == '_' || (b >= '0' && b <= '9') ||
		    ((b | 0x20) >= 'a' && (b | 0x20) <= 'z'))
			return 0;
	}
	size_t i = at + 1;
#define WORD(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_'
	while (i < n && (WORD(s[i]) || ((s[i] == '.' || s[i] == '-') && i + 1 < n && (WORD(s[i + 1])))))
		i++;
	if (i == at + 1 || i >= n || s[i] != '@')
		return 0;
	*name_end = i;
	size_t d = i + 1, last_word = 0;
	while (d < n && (WORD(s[d]) || s[d] == '.' || s[d] == '-')) {
		if (WORD(s[d]))
			last_word = d + 1;
		d++;
	}
#undef WORD
	return last_word > i + 1 ? last_word : 0;
}

/* Mastodon's countable text: URLs as 23 characters, remote mentions as local ones. */
static void mastodon_text(const struct platform_settings *ps, const char *s, size_t n,
			  struct buf *out)
{
	tt_entities urls = { 0 };
	tt_extract_urls(s, n, true, &urls);
	size_t u = 0;
	for (size_t i = 0; i < n;) {
		if (u < urls.len && urls.items[u].start == i) {
			for (int k = 0; k < ps->url_length; k++)
				buf_addc(out, 'x');
			i = urls.items[u++].end;
			continue;
		}
		size_t name_end, end;
		if (s[i] == '@' && (end = fediverse_mention(s, n, i, &name_end)) != 0 &&
		    (u >= urls.len || urls.items[u].start >= end)) {
			buf_add(out, s + i, name_end - i);
			i = end;
			continue;
		}
		buf_addc(out, s[i]);
		i++;
	}
	VEC_FREE(&urls);
}

/* Graphemes, with URLs counted as url_length when the network shortens links. */
static long graphemes_with_urls(const struct platform_settings *ps, const char *s, size_t n)
{
	if (!ps->url_length)
		return (long)uni_grapheme_count(s, n);
	struct buf b = BUF_INIT;
	mastodon_text(ps, s, n, &b);
	long count = (long)uni_grapheme_count(b.ptr ? b.ptr : "", b.len);
	buf_release(&b);
	return count;
}

void length_measure(const struct platform_settings *ps, const char *s, size_t n,
		    struct length_result *r)
{
	r->bytes = n;
	if (ps->method == LENGTH_WEIGHTED)
		r->length = tt_weighted_length(s, n, NULL);
	else
		r->length = graphemes_with_urls(ps, s, n);
	r->over = r->length > ps->limit || (ps->max_bytes && (long)n > ps->max_bytes);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool length_post_text(const struct post *post, size_t part, struct buf *out)
{
	size_t start, end;
	if (part == 0) {
		start = post->body_start;
		end = post->body_end;
	} else {
		if (part > post->parts.len)
			return false;
		start = post->parts.items[part - 1].start;
		end = post->parts.items[part - 1].end;
	}
	size_t from = out->len;
	const char *text = post->text;
	bool unclosed = false; /* an unclosed comment was seen: none closes later either */
	for (size_t i = start; i < end;) {
		/* the text up to the next comment, copied as it is */
		const char *open = unclosed ? NULL : mem_find(text + i, end - i, "<!--", 4);
		size_t stop = open ? (size_t)(open - text) : end;
		buf_add(out, text + i, stop - i);
		i = stop;
		if (!open)
			break;
		const char *close = i + 4 < end ? mem_find(text + i + 4, end - i - 4, "-->", 3) : NULL;
		if (!close) {
			unclosed = true; /* the rest is text, "<!--" included */
			continue;
		}
		i = (size_t)(close - text) + 3;
		/* a comment on a line of its own leaves no blank line behind */
		if (i < end && text[i] == '\n' && (out->len == from || out->ptr[out->len - 1] == '\n'))
			i++;
	}
	/* trim the blank lines and spaces around the text */
	size_t a = from, b = out->len;
	while (a < b && blank(out->ptr[a]))
		a++;
	while (b > a && blank(out->ptr[b - 1]))
		b--;
	memmove(out->ptr + from, out->ptr + a, b - a);
	out->len = from + (b - a);
	if (out->ptr)
		out->ptr[out->len] = '\0';
	return true;
}
