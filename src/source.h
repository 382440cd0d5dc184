/* Which files a run lints, and reading them.
 *
 * source_fs.c walks paths and folders (honouring .lintrc include/exclude and .gitignore);
 * source_git.c is the only libgit2 client. A source file knows its absolute path (for
 * config), its display path (relative to the working directory when inside it) and the
 * config that governs it. */
#ifndef POSTLINT_SOURCE_H
#define POSTLINT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "util/buf.h"

struct source_file {
	char *abs_path;
	char *display;
	const struct config *config; /* NULL when its .lintrc is broken */
	char *data; /* bytes read already (standard input), owned; NULL: read abs_path */
	size_t data_len;
};

struct source_list {
	struct source_file *items;
	size_t len, cap;
	/* standard input whose path the .lintrc excludes: not linted, but --fix --stdin passes
	 * it through unchanged (owned, or NULL) */
	char *excluded_stdin;
	size_t excluded_stdin_len;
};

/* Collects the files to lint from paths (files and folders), or with no paths from the
 * project at the working directory: the folder of the nearest .lintrc up to the repository
 * root, else the repository root, else the working directory. Missing paths are appended to
 * errors ("cannot read 'x': ..."). Returns the number of such errors. */
size_t source_collect(char *const *paths, size_t npaths, struct config_store *configs,
		      struct source_list *out, struct buf *errors);
void source_list_release(struct source_list *list);

/* Reads a whole file. Returns 0, or -1 with a message in err. */
int source_read(const char *path, char **data, size_t *len, struct buf *err);

/* The bytes of a source file: what was read already (standard input), else abs_path read
 * now. Returns 0 with *data malloc'd, or -1 with a message in err. */
int source_file_read(const struct source_file *f, char **data, size_t *len, struct buf *err);

/* --- source_stdin.c --- */
/* Reads standard input as one source file named display_path (or "<stdin>"): its config is
 * found by that path, relative to the working directory, and the file itself is never
 * read. An excluded path adds nothing. Returns the number of errors appended to errors. */
size_t source_collect_stdin(const char *display_path, struct config_store *configs,
			    struct source_list *out, struct buf *errors);

/* Absolute path with its folders resolved through symlinks (as .lintrc folders are); the
 * last component is kept. malloc'd. */
char *source_canonical(const char *path);

/* Absolute, normalised form of path (need not exist); malloc'd. */
char *source_absolute(const char *path);
/* path relative to the working directory when inside it, else path itself; malloc'd. */
char *source_display(const char *abs_path);

/* --- source_git.c --- */
struct git_repo;
/* The repository containing path (a folder), or NULL outside any repository. */
struct git_repo *source_git_open(const char *path);
void source_git_close(struct git_repo *repo);
/* Its work tree root (absolute, no trailing slash), or NULL for a bare repository. */
const char *source_git_workdir(const struct git_repo *repo);
bool source_git_ignored(struct git_repo *repo, const char *abs_path);
void source_git_init(void);
void source_git_shutdown(void);
const char *source_git_version(void);

#endif
