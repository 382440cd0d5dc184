/* Markdown structure from md4c's callbacks, as byte classes and spans (see markdown.h). */
#include "markdown.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "util/xalloc.h"

#define MAX_SPAN_DEPTH 64

struct open_span {
	MD_SPANTYPE type;
	size_t first, last; /* text seen inside, as offsets; first > last when none */
	size_t href_start, href_end;
	char *url;
};

struct scan {
	const char *text;
	size_t start, end;
	uint16_t *cls;
	struct markdown *md;
	int quote_depth, code_depth, heading_depth;
	size_t quote_first, quote_last; /* text seen in the outermost open quotation */
	struct open_span spans[MAX_SPAN_DEPTH];
	int nspans, ignored_spans;
};

static bool in_buffer(const struct scan *s, const char *p, size_t n)
{
	return p >= s->text + s->start && p + n <= s->text + s->end;
}

static char *attribute_text(const MD_ATTRIBUTE *a)
{
	return xstrndup(a->text ? a->text : "", a->size);
}

static void push_link(struct markdown *md, struct md_link link)
{
	xgrow((void **)&md->links, &md->links_cap, md->nlinks + 1, sizeof(*md->links));
	md->links[md->nlinks++] = link;
}

static void push_range(struct md_range **items, size_t *n, size_t *cap, size_t start, size_t end)
{
	xgrow((void **)items, cap, *n + 1, sizeof(**items));
	(*items)[(*n)++] = (struct md_range){ start, end };
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	(void)detail;
	struct scan *s = userdata;
	if (type == MD_BLOCK_QUOTE && s->quote_depth++ == 0) {
		s->quote_first = (size_t)-1;
		s->quote_last = 0;
	} else if (type == MD_BLOCK_CODE) {
		s->code_depth++;
	} else if (type == MD_BLOCK_H) {
		s->heading_depth++;
	}
	return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	(void)detail;
	struct scan *s = userdata;
	if (type == MD_BLOCK_QUOTE && --s->quote_depth == 0 && s->quote_first <= s->quote_last)
		push_range(&s->md->blockquotes, &s->md->nblockquotes, &s->md->blockquotes_cap,
			   s->quote_first, s->quote_last);
	else if (type == MD_BLOCK_CODE)
		s->code_depth--;
	else if (type == MD_BLOCK_H)
		s->heading_depth--;
	return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct scan *s = userdata;
	if (s->nspans >= MAX_SPAN_DEPTH) {
		s->ignored_spans++;
		return 0;
	}
	struct open_span *o = &s->spans[s->nspans++];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->first = (size_t)-1;
	o->last = 0;
	const MD_ATTRIBUTE *target = NULL;
	if (type == MD_SPAN_A)
		target = &((MD_SPAN_A_DETAIL *)detail)->href;
	else if (type == MD_SPAN_IMG)
		target = &((MD_SPAN_IMG_DETAIL *)detail)->src;
	if (target) {
		o->url = attribute_text(target);
		if (target->text && in_buffer(s, target->text, target->size)) {
			o->href_start = (size_t)(target->text - s->text);
			o->href_end = o->href_start + target->size;
		}
	}
	return 0;
}

/* From the visible text, find the construct's source bounds: back to '[' (or "!["),
 * forward past "](...)", "][ref]" or "]". md4c already decided it is a link; this only
 * measures it. What follows the text decides the form, not where the target was found (a
 * reference's target lies elsewhere in the file). */
static void measure_link(const struct scan *s, const struct open_span *o, struct md_link *link)
{
	const char *t = s->text;
	size_t lo = s->start, hi = s->end;
	size_t a, b;
	if (o->first <= o->last) {
		a = o->first;
		b = o->last + 1;
	} else if (o->href_end > o->href_start) {
		/* empty text "[](url)": the text sits right before "](" */
		size_t i = o->href_start;
		while (i > lo && t[i - 1] != '[' && o->href_start - i < 4)
			i--;
		a = b = i;
	} else {
		link->start = link->end = link->text_start = link->text_end = 0;
		return;
	}
	link->text_start = a;
	link->text_end = b;
	if (o->type == MD_SPAN_A && a > lo && t[a - 1] == '<') { /* autolink <http://...> */
		link->start = a - 1;
		link->end = b < hi && t[b] == '>' ? b + 1 : b;
		return;
	}
	/* back over emphasis markers to the opening bracket */
	size_t open = a;
	while (open > lo && t[open - 1] != '[' && t[open - 1] != '\n' && a - open < 64)
		open--;
	if (open > lo && t[open - 1] == '[')
		open--;
	else
		open = a;
	if (o->type == MD_SPAN_IMG && open > lo && t[open - 1] == '!')
		open--;
	link->start = open;
	/* forward over closing markers to the closing bracket */
	size_t close = b;
	while (close < hi && t[close] != ']' && t[close] != '\n' && close - b < 64)
		close++;
	if (close >= hi || t[close] != ']') {
		link->end = b;
		return;
	}
	close++;
	if (close < hi && t[close] == '(') { /* inline: [text](target "title") */
		size_t i = close + 1;
		int depth = 0;
		while (i < hi && !(t[i] == ')' && depth == 0)) {
			if (t[i] == '\\' && i + 1 < hi)
				i++;
			else if (t[i] == '(')
				depth++;
			else if (t[i] == ')')
				depth--;
			else if (t[i] == '\n' && i + 1 < hi && t[i + 1] == '\n')
				break;
			i++;
		}
		link->end = i < hi && t[i] == ')' ? i + 1 : close;
	} else if (close < hi && t[close] == '[') { /* full reference: [text][ref] */
		size_t i = close + 1;
		while (i < hi && t[i] != ']' && t[i] != '\n')
			i++;
		link->end = i < hi && t[i] == ']' ? i + 1 : close;
	} else {
		link->end = close; /* shortcut reference: [text] */
	}
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	(void)detail;
	(void)type;
	struct scan *s = userdata;
	if (s->ignored_spans > 0) {
		s->ignored_spans--;
		return 0;
	}
	if (s->nspans == 0)
		return 0;
	struct open_span *o = &s->spans[--s->nspans];
	if (o->type == MD_SPAN_A || o->type == MD_SPAN_IMG) {
		struct md_link link = { 0 };
		measure_link(s, o, &link);
		link.url = o->url;
		link.is_image = o->type == MD_SPAN_IMG;
		o->url = NULL;
		if (link.end > link.start)
			push_link(s->md, link);
		else
			free(link.url);
	}
	/* text inside a link or image also belongs to the enclosing span's extent */
	if (s->nspans > 0 && o->first <= o->last) {
		struct open_span *parent = &s->spans[s->nspans - 1];
		if (o->first < parent->first)
			parent->first = o->first;
		if (o->last > parent->last)
			parent->last = o->last;
	}
	free(o->url);
	return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *p, MD_SIZE size, void *userdata)
{
	struct scan *s = userdata;
	if (size == 0 || !in_buffer(s, p, size))
		return 0; /* synthesized text (soft breaks, NUL replacement) */
	size_t off = (size_t)(p - s->text);
	uint16_t bits;
	switch (type) {
	case MD_TEXT_NORMAL:
		bits = CLS_TEXT;
		break;
	case MD_TEXT_CODE:
		bits = CLS_TEXT | CLS_CODE;
		break;
	case MD_TEXT_HTML:
		bits = CLS_HTML;
		break;
	case MD_TEXT_ENTITY:
		bits = 0; /* "&amp;" is markup, but it is part of a link's text */
		break;
	default:
		return 0; /* line breaks, math: markup */
	}
	if (s->code_depth > 0)
		bits |= CLS_CODE | CLS_CODEBLOCK;
	if (s->quote_depth > 0)
		bits |= CLS_QUOTE;
	if (s->heading_depth > 0)
		bits |= CLS_HEADING;
	bool in_image = false;
	for (int i = 0; i < s->nspans; i++) {
		if (s->spans[i].type == MD_SPAN_A)
			bits |= CLS_LINK;
		else if (s->spans[i].type == MD_SPAN_IMG)
			in_image = true;
		else if (s->spans[i].type == MD_SPAN_CODE)
			bits |= CLS_CODE;
	}
	if (in_image)
		bits |= CLS_IMAGE;
	for (size_t i = 0; i < size; i++)
		s->cls[off + i] |= bits;
	if (type == MD_TEXT_HTML)
		push_range(&s->md->html, &s->md->nhtml, &s->md->html_cap, off, off + size);
	if (s->nspans > 0) {
		struct open_span *o = &s->spans[s->nspans - 1];
		if (off < o->first)
			o->first = off;
		if (off + size - 1 > o->last)
			o->last = off + size - 1;
	}
	if (s->quote_depth > 0) {
		if (off < s->quote_first)
			s->quote_first = off;
		if (off + size > s->quote_last)
			s->quote_last = off + size;
	}
	return 0;
}

int markdown_scan(const char *text, size_t start, size_t end, uint16_t *cls, struct markdown *md)
{
	struct scan s = { .text = text, .start = start, .end = end, .cls = cls, .md = md };
	MD_PARSER parser = {
		.abi_version = 0,
		/* Posts are not documentation: a 4-space indent is a writer's layout, not code. */
		.flags = MD_FLAG_NOINDENTEDCODEBLOCKS | MD_FLAG_STRIKETHROUGH,
		.enter_block = enter_block,
		.leave_block = leave_block,
		.enter_span = enter_span,
		.leave_span = leave_span,
		.text = on_text,
	};
	if (end <= start)
		return 0;
	int rc = md_parse(text + start, (MD_SIZE)(end - start), &parser, &s);
	for (int i = 0; i < s.nspans; i++)
		free(s.spans[i].url);
	return rc == 0 ? 0 : -1;
}

void markdown_release(struct markdown *md)
{
	for (size_t i = 0; i < md->nlinks; i++)
		free(md->links[i].url);
	free(md->links);
	free(md->blockquotes);
	free(md->html);
	memset(md, 0, sizeof(*md));
}
