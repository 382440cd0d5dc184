/* POSTLINT_TIMING=1: the time spent in each rule (and in the host's own steps), printed to
 * stderr after a run, slowest first, like ESLint's TIMING=1. Off by default; when off, each
 * call costs one branch. Safe to call from worker threads. */
#ifndef POSTLINT_TIMING_H
#define POSTLINT_TIMING_H

#include <stdbool.h>
#include <stdio.h>

bool timing_enabled(void);
/* A monotonic clock in nanoseconds (0 when timing is off, so callers need not check). */
long long timing_now(void);
/* Adds the time since start (from timing_now) to the row named what. */
void timing_add(const char *what, long long start);
/* Prints the rows, slowest first, with their share of the total, and forgets them. */
void timing_print(FILE *out);
/* Forgets the rows and whether timing is on (read again from the environment): for a child
 * of the resident server, which has its client's environment. Single-threaded callers. */
void timing_forget(void);

#endif
