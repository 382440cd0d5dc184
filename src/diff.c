/* Unified diffs through libgit2's patch machinery (see diff.h): the same diff algorithm and
 * path quoting as git itself, rather than a second hand-written differ. */
#include "diff.h"
#include "git_dl.h"
#include "source.h"

int diff_unified(const char *path, const char *old, size_t old_len, const char *new_text,
		 size_t new_len, struct buf *out, struct buf *err)
{
	source_git_ready();
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	/* posts with a stray NUL are still text to the user; never "Binary files differ" */
	opts.flags |= GIT_DIFF_FORCE_TEXT;
	git_patch *patch = NULL;
	git_buf text = { 0 };
	int rc = -1;
	if (git_patch_from_buffers(&patch, old, old_len, path, new_text, new_len, path, &opts) <
		    0 ||
	    git_patch_to_buf(&text, patch) < 0) {
		const git_error *e = git_error_last();
		buf_addf(err, "cannot make a diff: %s", e && e->message ? e->message : "unknown error");
		goto out;
	}
	buf_add(out, text.ptr, text.size);
	rc = 0;
out:
	git_buf_dispose(&text);
	git_patch_free(patch);
	return rc;
}
