/* Growable NUL-terminated byte buffer. */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->ptr = buf_empty;
	b->len = b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	if (!b->ptr)
		buf_init(b);
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	if (!b->ptr)
		buf_init(b);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (b->cap) {
		b->ptr = xrealloc(b->ptr, ncap);
	} else {
		b->ptr = xmalloc(ncap);
		b->ptr[0] = '\0';
	}
	b->cap = ncap;
}

void buf_addi(struct buf *b, long long v)
{
	char digits[24];
	size_t k = sizeof(digits);
	/* negated as unsigned: LLONG_MIN has no positive counterpart */
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		digits[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--k] = '-';
	buf_add(b, digits + k, sizeof(digits) - k);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	/* formatted straight into the room the buffer has (made first for an empty one), and
	 * again only when it did not fit: measuring every time first doubled the cost of
	 * printing a report */
	if (!b->cap)
		buf_grow(b, 63);
	size_t room = b->cap - b->len;
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(b->ptr + b->len, room, fmt, copy);
	va_end(copy);
	if (n <= 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;
	if (!b->ptr || !b->cap) {
		p = xstrdup("");
		if (len)
			*len = 0;
	} else {
		p = b->ptr;
		if (len)
			*len = b->len;
	}
	buf_init(b);
	return p;
}

