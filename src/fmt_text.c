/* The human format: "path:line:col severity message [rule]", the source line with a caret
 * under the range, and the fix or suggestions; then a summary. Colour only when asked. */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "unicode.h"
#include "util/buf.h"
#include "util/swar.h"
#include "util/xalloc.h"

/* Source lines wider than this are shown as a window around the range. */
#define MAX_SNIPPET_COLUMNS 120
#define MAX_QUOTED 60

#define RESET "\033[0m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define BLUE "\033[34m"
#define CYAN "\033[36m"

static const char *paint(const struct fmt_ctx *ctx, const char *code)
{
	return ctx->color ? code : "";
}

/* Appends an escape code when colouring (most runs do not: a call saved per piece). */
static void add_paint(struct buf *b, const struct fmt_ctx *ctx, const char *code)
{
	if (ctx->color)
		buf_adds(b, code);
}

static const char *severity_color(enum severity s)
{
	return s == SEVERITY_ERROR ? RED : s == SEVERITY_WARNING ? YELLOW : BLUE;
}

/* Appends s[0..n) for display: control characters shown escaped, long text shortened. */
static void add_quoted(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	size_t shown = 0; /* characters (lead bytes) so far */
	for (size_t i = 0; i < n;) {
		/* the characters shown as they are, copied in one run */
		size_t j = i;
		for (; j < n; j++) {
			/* eight printable ASCII characters, none a '"', all within the limit */
			while (j + 8 <= n && shown + 8 <= MAX_QUOTED) {
				uint64_t x = swar_load(s + j);
				if (!swar_printable(x) || swar_has_byte(x, '"'))
					break;
				j += 8;
				shown += 8;
			}
			if (j == n)
				break;
			unsigned char c = (unsigned char)s[j];
			bool lead = (c & 0xC0) != 0x80;
			if ((lead && shown >= MAX_QUOTED) || c < 0x20 || c == 0x7F || c == '"')
				break;
			shown += lead;
		}
		buf_add(b, s + i, j - i);
		if (j == n)
			break;
		if (shown >= MAX_QUOTED) { /* s[j] is a lead byte: every byte escaped below is */
			buf_adds(b, "...");
			break;
		}
		unsigned char c = (unsigned char)s[j];
		if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '"')
			buf_adds(b, "\\\"");
		else
			buf_addf(b, "\\x%02X", c);
		shown++;
		i = j + 1;
	}
	buf_addc(b, '"');
}

static void describe_edit(struct buf *b, const struct edit *e, const struct post *post)
{
	if (e->start == e->end) {
		int line, col;
		post_line_col(post, e->start, &line, &col);
		buf_adds(b, "insert ");
		add_quoted(b, e->text, e->text_len);
		buf_adds(b, " at ");
		buf_addi(b, line);
		buf_addc(b, ':');
		buf_addi(b, col);
	} else if (e->text_len == 0) {
		buf_adds(b, "delete ");
		add_quoted(b, post->text + e->start, e->end - e->start);
	} else {
		buf_adds(b, "replace ");
		add_quoted(b, post->text + e->start, e->end - e->start);
		buf_adds(b, " with ");
		add_quoted(b, e->text, e->text_len);
	}
}

static void describe_edits(struct buf *b, const struct edit *edits, size_t n,
			   const struct post *post)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(b, "; ");
		describe_edit(b, &edits[i], post);
	}
}

/* The line holding the finding, with a caret line under its range. */
static void snippet(struct buf *b, const struct fmt_ctx *ctx, const struct finding *f,
		    const struct post *post)
{
	size_t ls, le;
	if (!post_line_range(post, f->line, &ls, &le))
		return;
	size_t start = f->start < ls ? ls : f->start > le ? le : f->start;
	size_t end = f->end_line == f->line ? (f->end > le ? le : f->end) : le;
	if (end < start)
		end = start;
	/* window: keep the range visible on long lines. Widths are added up one cluster at a
	 * time, and the window is capped in bytes too (a line of zero-width characters never
	 * reaches the column limit). */
	size_t from = ls, to = le;
	if (le - ls > MAX_SNIPPET_COLUMNS) {
		from = start;
		for (size_t back = 0; from > ls && back < 30; back++) {
			from--;
			while (from > ls && ((unsigned char)post->text[from] & 0xC0) == 0x80)
				from--;
		}
		to = from;
		size_t width = 0;
		while (to < le && width < MAX_SNIPPET_COLUMNS && to - from < 4 * MAX_SNIPPET_COLUMNS) {
			/* a printable ASCII character (or a tab) followed by ASCII or the line's
			 * end is a cluster one column wide, as the calls below find: most of a
			 * line, without two calls a byte; eight of them at a time while the
			 * limits allow eight more */
			if (to + 8 <= le && width + 8 <= MAX_SNIPPET_COLUMNS &&
			    to + 8 - from <= 4 * MAX_SNIPPET_COLUMNS &&
			    (to + 8 == le || (unsigned char)post->text[to + 8] < 0x80) &&
			    swar_printable(swar_load(post->text + to))) {
				width += 8;
				to += 8;
				continue;
			}
			unsigned char c = (unsigned char)post->text[to];
			if (((c >= 0x20 && c < 0x7F) || c == '\t') &&
			    (to + 1 == le || (unsigned char)post->text[to + 1] < 0x80)) {
				width++;
				to++;
				continue;
			}
			size_t next = uni_grapheme_end(post->text, le, to);
			width += uni_display_width(post->text, to, next);
			to = next;
		}
		if (to < start)
			to = start;
		if (end > to)
			end = to;
	}
	/* the gutter: the line number right-aligned in five columns ("%5d | ") */
	size_t number = 1;
	for (int v = f->line; v >= 10 || v <= -10; v /= 10)
		number++;
	number += f->line < 0;
	size_t digits = number < 5 ? 5 : number;
	add_paint(b, ctx, DIM);
	buf_addn(b, ' ', digits - number);
	buf_addi(b, f->line);
	buf_adds(b, " | ");
	add_paint(b, ctx, RESET);
	if (from > ls)
		buf_adds(b, "...");
	/* the line, tabs as spaces and other control characters as '?' */
	buf_grow(b, to - from);
	char *out = b->ptr + b->len;
	for (size_t i = from; i < to; i++) {
		/* eight bytes at a time while none is a control character */
		if (i + 8 <= to && !swar_has_below(swar_load(post->text + i), 0x20)) {
			memcpy(out, post->text + i, 8);
			out += 8;
			i += 7;
			continue;
		}
		char c = post->text[i];
		*out++ = c == '\t' ? ' ' : ((unsigned char)c < 0x20 ? '?' : c);
	}
	b->len += to - from;
	b->ptr[b->len] = '\0';
	if (to < le)
		buf_adds(b, "...");
	buf_addc(b, '\n');
	add_paint(b, ctx, DIM);
	buf_addn(b, ' ', digits + 1);
	buf_adds(b, "| ");
	add_paint(b, ctx, RESET);
	size_t pad = uni_display_width(post->text, from, start) + (from > ls ? 3 : 0);
	size_t width = uni_display_width(post->text, start, end);
	buf_addn(b, ' ', pad);
	add_paint(b, ctx, severity_color(f->severity));
	buf_addn(b, '^', width ? width : 1);
	add_paint(b, ctx, RESET);
	if (f->end_line > f->line) {
		buf_adds(b, " (to line ");
		buf_addi(b, f->end_line);
		buf_addc(b, ')');
	}
	buf_addc(b, '\n');
}

static void text_file_to_buf(const struct fmt_ctx *ctx, const struct report *r,
			     const struct post *post, struct buf *b)
{
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (!fmt_shows(ctx, f))
			continue;
		/* "path:line:col severity message [rule]", without vsnprintf: a third of the
		 * cost of printing a finding went to parsing this format */
		add_paint(b, ctx, BOLD);
		buf_adds(b, r->path);
		buf_addc(b, ':');
		buf_addi(b, f->line);
		buf_addc(b, ':');
		buf_addi(b, f->column);
		add_paint(b, ctx, RESET);
		buf_addc(b, ' ');
		add_paint(b, ctx, severity_color(f->severity));
		buf_adds(b, severity_name(f->severity));
		add_paint(b, ctx, RESET);
		buf_addc(b, ' ');
		buf_adds(b, f->message);
		buf_addc(b, ' ');
		add_paint(b, ctx, DIM);
		buf_addc(b, '[');
		buf_adds(b, f->rule);
		buf_addc(b, ']');
		add_paint(b, ctx, RESET);
		buf_addc(b, '\n');
		if (post && !post->binary)
			snippet(b, ctx, f, post);
		if (f->nfix && post) {
			buf_adds(b, "  ");
			add_paint(b, ctx, GREEN);
			buf_adds(b, "fix:");
			add_paint(b, ctx, RESET);
			buf_addc(b, ' ');
			describe_edits(b, f->fix, f->nfix, post);
			buf_addc(b, '\n');
		}
		if (ctx->verbose && f->detail) {
			const char *p = f->detail;
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				buf_addf(b, "  %s%.*s%s\n", paint(ctx, DIM), (int)n, p, paint(ctx, RESET));
				p += n + (nl ? 1 : 0);
			}
		}
		for (size_t k = 0; k < f->nsuggestions && post; k++) {
			const struct suggestion *s = &f->suggestions[k];
			buf_adds(b, "  ");
			add_paint(b, ctx, CYAN);
			buf_adds(b, "suggestion:");
			add_paint(b, ctx, RESET);
			buf_addc(b, ' ');
			buf_adds(b, s->title);
			if (s->nedits) {
				buf_adds(b, ": ");
				describe_edits(b, s->edits, s->nedits, post);
			}
			buf_addc(b, '\n');
		}
		buf_addc(b, '\n');
	}
	if (ctx->mode == FMT_FIX_PREVIEW && r->fixes_applied && post) {
		/* the whole fixed file, between marker lines that cannot be mistaken for it */
		buf_addf(b, "%s--- %s: fixed text (%zu %s, not written) ---%s\n", paint(ctx, GREEN),
			 r->path, r->fixes_applied, r->fixes_applied == 1 ? "fix" : "fixes",
			 paint(ctx, RESET));
		buf_add(b, post->text, post->len);
		if (post->len && post->text[post->len - 1] != '\n')
			buf_adds(b, "\n\\ No newline at end of file\n");
		buf_addf(b, "%s--- end of %s ---%s\n\n", paint(ctx, GREEN), r->path,
			 paint(ctx, RESET));
	}
}

static void text_file(struct fmt_ctx *ctx, const struct report *r, const struct post *post)
{
	/* one buffer for the run (text_begin): grown once, not again for every file */
	struct buf own = BUF_INIT, *b = ctx->state ? ctx->state : &own;
	buf_reset(b);
	text_file_to_buf(ctx, r, post, b);
	fwrite(b->ptr, 1, b->len, ctx->out);
	buf_release(&own);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void text_end(struct fmt_ctx *ctx, const struct summary *s)
{
	if (ctx->state) {
		buf_release(ctx->state);
		free(ctx->state);
		ctx->state = NULL;
	}
	if (ctx->mode != FMT_LINT && s->fixed)
		fprintf(ctx->out, "%s%s %zu %s in %zu %s%s\n", paint(ctx, GREEN),
			ctx->mode == FMT_FIXED ? "applied" : "--fix would apply", s->fixed,
			plural(s->fixed, "fix", "fixes"), s->files_fixed,
			plural(s->files_fixed, "file", "files"), paint(ctx, RESET));
	size_t problems = s->errors + (ctx->quiet ? 0 : s->warnings + s->infos);
	if (problems == 0) {
		if (!ctx->quiet && s->files > 0)
			fprintf(ctx->out, "%s%zu %s checked, no problems%s\n", paint(ctx, GREEN), s->files,
				plural(s->files, "file", "files"), paint(ctx, RESET));
		return;
	}
	fprintf(ctx->out, "%s%s%zu %s (%zu %s, %zu %s", paint(ctx, BOLD),
		paint(ctx, s->errors ? RED : YELLOW), problems, plural(problems, "problem", "problems"),
		s->errors, plural(s->errors, "error", "errors"), ctx->quiet ? 0 : s->warnings,
		plural(ctx->quiet ? 0 : s->warnings, "warning", "warnings"));
	if (s->infos && !ctx->quiet)
		fprintf(ctx->out, ", %zu info", s->infos);
	fprintf(ctx->out, ") in %zu of %zu %s%s\n", s->files_with_problems, s->files,
		plural(s->files, "file", "files"), paint(ctx, RESET));
	if (s->fixable || s->suggestive)
		fprintf(ctx->out, "%zu with a safe fix (postlint --fix), %zu with suggestions to review\n",
			s->fixable, s->suggestive);
}

static void text_begin(struct fmt_ctx *ctx)
{
	struct buf *b = xmalloc(sizeof(*b));
	buf_init(b);
	ctx->state = b;
}

const struct formatter fmt_text = { "text", text_begin, text_file, text_end, text_file_to_buf };
