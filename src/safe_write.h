/* Writing a fixed post back without ever losing a word of it.
 *
 * The new bytes go to a temporary file in the same folder, which is flushed, given the old
 * file's mode (and owner, when allowed) and renamed over the old one: a reader, a crash or a
 * full disk leaves either the old file or the new one, never half of one. The file is not
 * written when it is read-only or when its bytes are no longer the ones the fixes were
 * computed from (an editor saved it meanwhile). */
#ifndef POSTLINT_SAFE_WRITE_H
#define POSTLINT_SAFE_WRITE_H

#include <stddef.h>

#include "util/buf.h"

#define SAFE_WRITE_FAILED (-1)  /* could not write (read-only, no room, no permission) */
#define SAFE_WRITE_CHANGED (-2) /* the file no longer holds the expected bytes */

/* Replaces the file at path (symbolic links followed) holding exactly expected[0..
 * expected_len) with data[0..len). Returns 0, or SAFE_WRITE_FAILED / SAFE_WRITE_CHANGED
 * with a message (no path prefix) in err and the file untouched. */
int safe_write(const char *path, const char *expected, size_t expected_len, const char *data,
	       size_t len, struct buf *err);

#endif
