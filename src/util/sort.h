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

/* sort_u64 for values spread evenly between their least and greatest (hashes), with room
 * tmp for n of them: one pass that puts each value in its bucket of that range, then an
 * insertion sort that finds each in place within its bucket. A quicksort's every comparison
 * of random hashes is a coin toss for the branch predictor (2 us a shingle set of 100, a
 * thirtieth of a lint); this pass has no such branches. A bucket where values crowd (more
 * than 16) is sorted by sort_u64 on its own first: never quadratic. */
void sort_u64_spread(uint64_t *v, size_t n, uint64_t *tmp);

/* The same for 32-bit values (the search's ranks of a set's tokens). */
void sort_u32_spread(uint32_t *v, size_t n, uint32_t *tmp);

/* sort_u64 with the quicksort's depth limit given: 0 sorts by heapsort alone. For tests of
 * the fallback, which random inputs never reach. */
void sort_u64_depth(uint64_t *v, size_t n, int depth);

/* Orders the indices idx[0..n) by the strings they name, s[idx[k]], ascending as strcmp
 * orders them (equal strings in any order). qsort with strcmp spent 25 ms on the 100,000
 * names of one folder (a folder of posts, each name walked by a call through a pointer
 * past a prefix they all share); here the strings' first 8 bytes after their common prefix
 * are sorted as integers, with the index in their low bits, and only names those bytes do
 * not tell apart are compared further, by the same means (each level at least 4 bytes
 * further: it recurses up to a quarter of the strings' length deep, so it is for short
 * strings such as file names, at most 255 bytes). */
void sort_strings(const char *const *s, uint32_t *idx, size_t n);

#endif
