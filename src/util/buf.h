/* A growable byte buffer, always NUL-terminated (git's strbuf, smaller).
 *
 * Invariants: after buf_init, ptr is never NULL and ptr[len] == '\0'. The buffer owns ptr;
 * buf_detach hands ownership to the caller and leaves the buffer empty and reusable. */
#ifndef POSTLINT_BUF_H
#define POSTLINT_BUF_H

#include <stdarg.h>
#include <stddef.h>

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
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
/* n copies of c. */
void buf_addn(struct buf *b, char c, size_t n);
/* v in decimal (a minus sign first when negative), like "%d" without vsnprintf's cost:
 * the text output formats line and column numbers for every finding. */
void buf_addi(struct buf *b, long long v);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
char *buf_detach(struct buf *b, size_t *len);

#endif
