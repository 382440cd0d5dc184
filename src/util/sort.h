/* Sorting arrays of unsigned integers in place, ascending. qsort calls a comparison function
 * through a pointer for every step: the shingle sets of a 10,000-post run (a sort per post)
 * spent 2-3% of the run there. An introsort: quicksort (median of three), insertion sort for
 * short ranges, heapsort past a depth limit, so no input takes quadratic time. */
#ifndef POSTLINT_UTIL_SORT_H
#define POSTLINT_UTIL_SORT_H

#include <stddef.h>
#include <stdint.h>

void sort_u64(uint64_t *v, size_t n);
void sort_u32(uint32_t *v, size_t n);

/* sort_u64 with the quicksort's depth limit given: 0 sorts by heapsort alone. For tests of
 * the fallback, which random inputs never reach. */
void sort_u64_depth(uint64_t *v, size_t n, int depth);

#endif
