/* Die-on-OOM allocation helpers (see xalloc.h for why). */
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
	fprintf(stderr, "postlint: out of memory (allocating %zu bytes)\n", size);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void xgrow(void **items, size_t *cap, size_t need, size_t elem_size)
{
	xgrow_from(items, cap, need, elem_size, 8);
}

void xgrow_from(void **items, size_t *cap, size_t need, size_t elem_size, size_t first)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap : first;
	while (ncap < need)
		ncap *= 2;
	if (ncap > ((size_t)-1) / elem_size)
		out_of_memory((size_t)-1);
	*items = xrealloc(*items, ncap * elem_size);
	*cap = ncap;
}
