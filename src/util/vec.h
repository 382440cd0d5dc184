/* A typed growable array: VEC(struct token) tokens = {0}; VEC_PUSH(&tokens, t);
 * The array owns its items buffer; VEC_FREE releases it (not what the items point to). */
#ifndef POSTLINT_VEC_H
#define POSTLINT_VEC_H

#include "util/xalloc.h"

#define VEC(T) struct { T *items; size_t len, cap; }

/* the capacity is tested here, so that a push with room calls nothing (tokens are pushed
 * hundreds of times per post); n is evaluated twice */
#define VEC_RESERVE(v, n) \
	((n) > (v)->cap ? xgrow((void **)&(v)->items, &(v)->cap, (n), sizeof(*(v)->items)) \
			: (void)0)

/* VEC_RESERVE doubling from first instead of 8 */
#define VEC_RESERVE_FROM(v, n, first) \
	((n) > (v)->cap ? xgrow_from((void **)&(v)->items, &(v)->cap, (n), sizeof(*(v)->items), \
				     (first)) \
			: (void)0)

#define VEC_PUSH(v, x) do { \
	VEC_RESERVE((v), (v)->len + 1); \
	(v)->items[(v)->len++] = (x); \
} while (0)

#define VEC_FREE(v) do { \
	free((v)->items); \
	(v)->items = NULL; \
	(v)->len = (v)->cap = 0; \
} while (0)

#endif
