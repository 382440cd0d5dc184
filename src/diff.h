/* Unified diffs of fixes (--diff), in git's format so that both `git apply` and
 * `patch -p1` take them. */
#ifndef POSTLINT_DIFF_H
#define POSTLINT_DIFF_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the diff turning old into new for the file at path (relative, shown as a/path and
 * b/path) to out. Returns 0, or -1 with a message in err. */
int diff_unified(const char *path, const char *old, size_t old_len, const char *new_text,
		 size_t new_len, struct buf *out, struct buf *err);

#endif
