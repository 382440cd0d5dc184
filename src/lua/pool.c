/* Small blocks for a Lua state (see pool.h). */
#include "lua/pool.h"

#include <stdalign.h>
#include <stdlib.h>

/* Chunks grow from 16 KB (a one-post run needs a few hundred KB) to 256 KB. */
#define CHUNK_FIRST (16u << 10)
#define CHUNK_LAST (256u << 10)

struct pool_chunk {
	struct pool_chunk *next;
	size_t size;
	alignas(POOL_GRAIN) char data[];
};

static bool new_chunk(struct pool *p, size_t max_reserved)
{
	size_t size = p->chunks ? p->chunks->size * 2 : CHUNK_FIRST;
	if (size > CHUNK_LAST)
		size = CHUNK_LAST;
	size_t bytes = sizeof(struct pool_chunk) + size;
	if (p->reserved + bytes > max_reserved)
		return false;
	struct pool_chunk *c = malloc(bytes);
	if (!c)
		return false;
	c->next = p->chunks;
	c->size = size;
	p->chunks = c;
	p->reserved += bytes;
	/* the rest of the chunk before is lost: less than one block of the largest size */
	p->next = c->data;
	p->end = c->data + size;
	return true;
}

void *pool_take(struct pool *p, size_t size, size_t max_reserved)
{
	size_t k = pool_class(size);
	void *block = p->free[k];
	if (block) {
		p->free[k] = *(void **)block;
		return block;
	}
	size_t bytes = (k + 1) * POOL_GRAIN;
	if ((!p->next || (size_t)(p->end - p->next) < bytes) && !new_chunk(p, max_reserved))
		return NULL;
	block = p->next;
	p->next += bytes;
	return block;
}

void pool_give(struct pool *p, void *block, size_t size)
{
	size_t k = pool_class(size);
	*(void **)block = p->free[k];
	p->free[k] = block;
}

void pool_release(struct pool *p)
{
	while (p->chunks) {
		struct pool_chunk *c = p->chunks;
		p->chunks = c->next;
		free(c);
	}
	*p = (struct pool){ 0 };
}
