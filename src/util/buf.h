/* A growable byte buffer, always NUL-terminated (git's strbuf, smaller).
 *
 * Invariants: after buf_init, ptr is never NULL and ptr[len] == '\0'. The buffer owns ptr;
 * buf_detach hands ownership to the caller and leaves the buffer empty and reusable. */
#ifndef POSTLINT_BUF_H
#define POSTLINT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *ptr;
	size_t len, cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);

/* The appends are inline: the text report makes some thirty a finding, and as calls (with
 * strlen's, even of a constant) they were a fifth of perf's samples of printing 10,000 posts
 * (inline: 683 -> 680 M instructions over 1,000 posts, printing 0.5 ms quicker). */
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len >= b->cap)
		buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void buf_addc(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

/* n copies of c. */
static inline void buf_addn(struct buf *b, char c, size_t n)
{
	if (b->len + n >= b->cap)
		buf_grow(b, n);
	memset(b->ptr + b->len, c, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

/* v in decimal (a minus sign first when negative), like "%d" without vsnprintf's cost:
 * the text output formats line and column numbers for every finding. */
void buf_addi(struct buf *b, long long v);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
char *buf_detach(struct buf *b, size_t *len);

#endif
