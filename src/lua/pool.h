/* A pool of small blocks for one Lua state: the tables, strings and closures the rules make
 * by the million are served from free lists and carved from large chunks, instead of a
 * malloc and a free each (a sixth of a lint's CPU went to glibc's allocator). Lua's
 * allocator is told each block's size when it is freed or resized, so blocks carry no
 * header. One thread uses a pool at a time, as one thread uses a Lua state. */
#ifndef POSTLINT_LUA_POOL_H
#define POSTLINT_LUA_POOL_H

#include <stdbool.h>
#include <stddef.h>

#define POOL_MAX_BLOCK 256 /* larger blocks go to malloc */
#define POOL_GRAIN 16      /* block sizes are multiples of this (Lua's alignment fits) */
#define POOL_CLASSES (POOL_MAX_BLOCK / POOL_GRAIN)

struct pool {
	void *free[POOL_CLASSES]; /* freed blocks of each size, linked through their first word */
	char *next, *end;         /* the rest of the chunk being carved */
	struct pool_chunk *chunks;
	size_t reserved;          /* bytes of all chunks */
};

/* Whether a block of this size is served by the pool. */
static inline bool pool_serves(size_t size)
{
	return size > 0 && size <= POOL_MAX_BLOCK;
}

/* The size class of a block the pool serves: blocks of one class are interchangeable. */
static inline size_t pool_class(size_t size)
{
	return (size - 1) / POOL_GRAIN;
}

/* Whether blocks of these two sizes are interchangeable (a resize between them is free). */
static inline bool pool_same_class(size_t a, size_t b)
{
	return pool_serves(a) && pool_serves(b) && pool_class(a) == pool_class(b);
}

/* A block of size bytes (pool_serves(size)). A new chunk is taken from malloc only while
 * reserved stays within max_reserved; NULL when it would not (or malloc fails). */
void *pool_take(struct pool *p, size_t size, size_t max_reserved);

/* Gives back a block pool_take returned for the same size class. */
void pool_give(struct pool *p, void *block, size_t size);

/* Frees every chunk: the pool's blocks are all gone (after lua_close). */
void pool_release(struct pool *p);

#endif
