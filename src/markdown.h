/* Markdown structure of a post body, from md4c: which bytes are prose, and where the links,
 * images, block quotations and HTML comments are.
 *
 * md4c reports text as pointers into the buffer it parses, so every span here is an exact byte
 * range of the post's file, and a class byte per file byte records what md4c made of it. */
#ifndef POSTLINT_MARKDOWN_H
#define POSTLINT_MARKDOWN_H

#include <stddef.h>
#include <stdint.h>

/* Bits of the per-byte class array. A byte with none of them is markup (or outside the body). */
enum {
	CLS_TEXT = 0x01,    /* visible text */
	CLS_CODE = 0x02,    /* code span or code block: not prose */
	CLS_QUOTE = 0x04,   /* inside a '>' block quotation */
	CLS_LINK = 0x08,    /* visible text of a link */
	CLS_IMAGE = 0x10,   /* alt text of an image */
	CLS_HTML = 0x20,    /* raw HTML (comments carry postlint directives) */
	CLS_HEADING = 0x40, /* heading text */
	CLS_SPECIAL = 0x80, /* URL, hashtag, mention or e-mail found by the tokenizer */
	CLS_CODEBLOCK = 0x100, /* inside a fenced code block */
};

/* Prose: visible text that is not code, HTML or an image description. */
#define CLS_IS_PROSE(c) (((c) & (CLS_TEXT | CLS_CODE | CLS_HTML | CLS_IMAGE)) == CLS_TEXT)

struct md_link {
	size_t start, end;           /* the whole construct, e.g. "[text](url)" */
	size_t text_start, text_end; /* visible text (alt text for images) */
	char *url;                   /* owned, as md4c resolved it */
	int is_image;
};

struct md_range {
	size_t start, end;
};

struct markdown {
	struct md_link *links;
	size_t nlinks, links_cap;
	struct md_range *blockquotes; /* first to last text byte of each quotation block */
	size_t nblockquotes, blockquotes_cap;
	struct md_range *html; /* raw HTML runs (comments, tags) */
	size_t nhtml, html_cap;
};

/* Parses text[start..end) as Markdown, or-ing CLS_* bits into cls[] (indexed by file offset)
 * and appending to md. Can be called once per thread part with the same md and cls. Returns 0,
 * or -1 if md4c failed (the bytes then stay unclassified). */
int markdown_scan(const char *text, size_t start, size_t end, uint16_t *cls, struct markdown *md);
void markdown_release(struct markdown *md);

#endif
