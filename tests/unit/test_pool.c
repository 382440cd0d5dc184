/* The small-block pool behind every Lua state: blocks are aligned, never overlap, are
 * reused by size class, and the pool never reserves more than it is allowed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lua/pool.h"

#define LIVE 4000

struct held {
	unsigned char *block;
	size_t size;
	unsigned char fill;
};

static bool intact(const struct held *h)
{
	for (size_t i = 0; i < h->size; i++)
		if (h->block[i] != h->fill)
			return false;
	return true;
}

/* Random takes and gives, each block filled with its own byte: a block handed out twice, or
 * overlapping another, shows as a changed byte. */
static void random_use(void)
{
	struct pool p = { 0 };
	static struct held live[LIVE];
	memset(live, 0, sizeof(live));
	unsigned seed = 12345;
	bool aligned = true, kept = true;
	size_t takes = 0;
	for (int step = 0; step < 200000; step++) {
		seed = seed * 1103515245u + 12345u;
		struct held *h = &live[(seed >> 8) % LIVE];
		if (h->block) {
			kept &= intact(h);
			pool_give(&p, h->block, h->size);
			h->block = NULL;
			continue;
		}
		h->size = 1 + (seed >> 16) % POOL_MAX_BLOCK;
		h->block = pool_take(&p, h->size, SIZE_MAX);
		h->fill = (unsigned char)(step * 7 + 1);
		aligned &= ((uintptr_t)h->block % POOL_GRAIN) == 0;
		memset(h->block, h->fill, h->size);
		takes++;
	}
	for (size_t i = 0; i < LIVE; i++)
		if (live[i].block)
			kept &= intact(&live[i]);
	CHECK(takes > 90000, "random use: %zu blocks taken", takes);
	CHECK(aligned, "every block is aligned to %d bytes", POOL_GRAIN);
	CHECK(kept, "no block was handed out twice or overlaps another");
	/* at most LIVE blocks of 256 bytes were ever held at once, plus a chunk per class */
	CHECK(p.reserved < (size_t)LIVE * POOL_MAX_BLOCK + 2 * 1024 * 1024,
	      "chunks are reused: %zu bytes reserved for %d live blocks at most", p.reserved, LIVE);
	pool_release(&p);
	CHECK(p.reserved == 0 && p.chunks == NULL, "release frees every chunk");
}

static void reuse_by_class(void)
{
	struct pool p = { 0 };
	void *a = pool_take(&p, 40, SIZE_MAX);
	pool_give(&p, a, 40);
	CHECK(pool_take(&p, 48, SIZE_MAX) == a, "a freed 40-byte block serves 48 (one class)");
	void *b = pool_take(&p, 40, SIZE_MAX);
	CHECK(b != a, "a block in use is not handed out again");
	pool_give(&p, b, 40);
	CHECK(pool_take(&p, 64, SIZE_MAX) != b, "a freed 48-byte block does not serve 64");
	CHECK(pool_same_class(33, 48) && !pool_same_class(32, 33) && !pool_same_class(256, 257),
	      "size classes are 16 bytes wide, up to %d", POOL_MAX_BLOCK);
	CHECK(pool_serves(1) && pool_serves(256) && !pool_serves(0) && !pool_serves(257),
	      "blocks of 1..%d bytes come from the pool", POOL_MAX_BLOCK);
	pool_release(&p);
}

static void reserve_cap(void)
{
	struct pool p = { 0 };
	size_t cap = 100 * 1024, taken = 0;
	while (pool_take(&p, 256, cap))
		taken++;
	CHECK(taken > 0 && p.reserved <= cap, "the cap stops new chunks: %zu blocks, %zu bytes",
	      taken, p.reserved);
	void *again = pool_take(&p, 256, cap);
	CHECK(again == NULL, "past the cap, a new block is refused");
	pool_release(&p);
	CHECK(pool_take(&p, 16, 10) == NULL, "a cap below one chunk refuses the first block");
	pool_release(&p);
}

int main(void)
{
	random_use();
	reuse_by_class();
	reserve_cap();
	return check_done();
}
