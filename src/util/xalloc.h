/* Allocation that never returns NULL: out of memory ends the process with exit code 2.
 *
 * A linter has nothing useful to do after malloc fails, and checking every allocation would
 * hide the real error paths (bad input, bad rules) in noise. Lua states use their own capped
 * allocator (lua/host.c) and are the only place where running out of memory is recoverable. */
#ifndef POSTLINT_XALLOC_H
#define POSTLINT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Grows *items (of *cap elements of elem_size) to hold at least need elements, doubling from
 * 8 (xgrow) or from first (xgrow_from: arrays that are many and mostly short). */
void xgrow(void **items, size_t *cap, size_t need, size_t elem_size);
void xgrow_from(void **items, size_t *cap, size_t need, size_t elem_size, size_t first);

#endif
