/* Preparing items ahead of their delivery in order, on one more thread.
 *
 * A run's output is printed by the main thread in file order; once every result is in (the
 * rules across posts need them all), preparing a file's output (joining the calendar's
 * findings to its report, formatting it) is the serial tail of the run. Here a helper
 * thread prepares items while the main thread delivers them: items are claimed from one
 * counter, the main thread prepares the next unclaimed ones while the item it waits for is
 * not ready, and neither prepares an item `window` or more ahead of the delivery, so that
 * item i may use slot i % window of the caller's (what is prepared waits there until
 * delivered). */
#ifndef POSTLINT_PRINT_AHEAD_H
#define POSTLINT_PRINT_AHEAD_H

#include <stddef.h>

struct print_ahead;

/* Starts the helper over items 0..n-1; prepare(i, ud) must touch item i's own data (and
 * its slot) only.
 * NULL when the thread cannot start (the caller then prepares every item itself). */
struct print_ahead *print_ahead_start(size_t n, size_t window,
				      void (*prepare)(size_t i, void *ud), void *ud);
/* Returns once item i is prepared (by the helper, or here). Called for i = 0, 1, ..., in
 * order: asking for i also says that the items before it are delivered. */
void print_ahead_wait(struct print_ahead *pa, size_t i);
/* Waits for the helper to finish and frees pa (NULL: nothing). */
void print_ahead_finish(struct print_ahead *pa);

#endif
