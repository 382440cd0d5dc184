/* Standard input as a source (--stdin --stdin-filename PATH): an editor's unsaved buffer.
 * It is one more entry in the source list, so the lint loop treats it like any file; only
 * its bytes come from stdin instead of the work tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "util/xalloc.h"

/* Same cap as files on disk: no post is this large. */
#define MAX_STDIN_BYTES ((size_t)256 << 20)

static int read_stdin(char **data, size_t *len, struct buf *err)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b.len + n > MAX_STDIN_BYTES) {
			buf_release(&b);
			buf_addf(err, "cannot read standard input: larger than %zu MB\n",
				 MAX_STDIN_BYTES >> 20);
			return -1;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(stdin)) {
		buf_release(&b);
		buf_addf(err, "cannot read standard input: %s\n", strerror(errno));
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

size_t source_collect_stdin(const char *display_path, struct config_store *configs,
			    struct source_list *out, struct buf *errors)
{
	char *data;
	size_t len;
	if (read_stdin(&data, &len, errors) < 0)
		return 1;
	/* Without a name, config is looked up as for a file in the working directory. */
	char *abs = source_canonical(display_path ? display_path : "<stdin>");
	const struct config *c = config_store_for(configs, abs, false);
	if (c && config_excludes(c, abs)) {
		free(abs);
		free(out->excluded_stdin);
		out->excluded_stdin = data;
		out->excluded_stdin_len = len;
		return 0;
	}
	source_list_add(out, abs, display_path ? display_path : "<stdin>", c, data, len);
	out->items[out->len - 1].origin = SOURCE_STDIN;
	free(abs);
	return 0;
}
