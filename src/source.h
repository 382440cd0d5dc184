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
#include <stdint.h>

#include "config.h"
#include "util/buf.h"

struct stat;

/* Where a file's bytes come from: it decides what --fix may write. */
enum source_origin {
	SOURCE_DISK,  /* the work tree */
	SOURCE_GIT,   /* a staged or committed blob: the work tree is written only if it equals it */
	SOURCE_STDIN, /* an editor's buffer: the fixed text goes to stdout */
};

struct source_file {
	char *abs_path;
	char *display;
	const struct config *config; /* NULL when its .lintrc is broken */
	/* Bytes read already (owned): standard input, or a git blob (staged or committed);
	 * NULL: read abs_path from disk when its turn comes. */
	char *data;
	size_t data_len;
	enum source_origin origin;
	/* A post of the calendar from a git tree: its blob id (40 hex digits, else ""), and
	 * whether its bytes are still in git (source_git_read_unread fetches them; until then
	 * source_file_read fails). Left unread, the cache can answer for it by the blob id. */
	char blob_id[41];
	bool unread;
};

struct source_list {
	struct source_file *items;
	size_t len, cap;
	/* standard input whose path the .lintrc excludes: not linted, but --fix --stdin passes
	 * it through unchanged (owned, or NULL) */
	char *excluded_stdin;
	size_t excluded_stdin_len;
	/* source_list_find's hash of abs_path: in each slot the index + 1 (0: empty) in the
	 * low 32 bits, the path's hash's high 32 bits above, so that collecting a repository
	 * of many posts is not quadratic, and a path not in the list is told so from the slots
	 * alone (not by reading the paths hashed near it: cache misses, at 100,000 posts) */
	uint64_t *slots;
	size_t nslots;
	/* paths unique by how the list is made (one walk of a tree or of the index, into an
	 * empty list): no path index is kept, and source_list_find reads the list through. The
	 * hook's calendar of 10,000 posts: 5% of the hook was keeping that index. */
	bool unique_paths;
	char *git_dir; /* the repository of the unread files (owned), or NULL */
};

/* Collects the files to lint from paths (files and folders), or with no paths from the
 * project at the working directory: the folder of the nearest .lintrc up to the repository
 * root, else the repository root, else the working directory. Missing paths are appended to
 * errors ("cannot read 'x': ..."). Returns the number of such errors. */
size_t source_collect(char *const *paths, size_t npaths, struct config_store *configs,
		      struct source_list *out, struct buf *errors);
void source_list_release(struct source_list *list);
/* Appends a file; takes ownership of data (may be NULL: read from disk; else its origin is
 * SOURCE_GIT). display NULL: derived from abs. */
void source_list_add(struct source_list *list, const char *abs, const char *display,
		     const struct config *c, char *data, size_t data_len);
/* source_list_add taking ownership of abs and display too (both malloc'd, neither NULL):
 * the hook's calendar lists 10,000 files, each path made for it. */
void source_list_take(struct source_list *list, char *abs, char *display,
		      const struct config *c, char *data, size_t data_len);
/* Room for n more files without growing (a repository's calendar, sized by its index; at
 * most 262,144: the rest grow as they come). */
void source_list_reserve(struct source_list *list, size_t n);
/* Index of the file with this absolute path, or -1. */
long source_list_find(const struct source_list *list, const char *abs);
/* Whether a file or folder named name[0..len) is never a post nor holds one, wherever it
 * is found (the work tree's walk, git's trees and index): hidden entries (.git, .cache) and
 * dependency folders (node_modules). */
bool source_name_skipped(const char *name, size_t len);

/* Reads a whole file. Returns 0, or -1 with a message in err (NULL: no message wanted). */
int source_read(const char *path, char **data, size_t *len, struct buf *err);
/* source_read, with the file's status as it was opened in *st (on success). */
int source_read_stat(const char *path, char **data, size_t *len, struct stat *st,
		     struct buf *err);
/* The bytes of a source file in a new buffer: what was read already (standard input, a git
 * blob), else abs_path read now. Returns 0, or -1 with a message in err (or NULL). */
int source_file_read(const struct source_file *f, char **data, size_t *len, struct buf *err);

/* What a run lints: paths on disk (the work tree), or what git says changed. */
struct source_query {
	char *const *paths; /* with a git mode: only changed posts at or under these */
	size_t npaths;
	bool staged;       /* --staged: the index's version of posts staged for commit */
	const char *since; /* --since REF: posts changed from REF's merge base to HEAD */
	const char *rev;   /* --rev A..B or A...B */
};

/* Collects the posts to lint into files, and into calendar the other posts of the
 * repository (the HEAD tree's, or the range's newer tree's) that rules across posts see as
 * context; the calendar's blobs are left unread (see source_git_read_unread). Problems go
 * to errors, one per line; returns their count.
 * *fatal is set when the query cannot run at all (a git mode outside a repository, a bad
 * revision): nothing should be linted then. */
size_t source_select(const struct source_query *q, struct config_store *configs,
		     struct source_list *files, struct source_list *calendar, struct buf *errors,
		     bool *fatal);

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
/* Whether the walk should ask about a file that no .gitignore of the work tree covers
 * (none from its root down to the file's folder): true when ignore rules come from
 * elsewhere (the repository's info/exclude, the excludes file) - without them git ignores
 * no such file, and the walk need not ask, nor read the index to ask - and when the index
 * is small enough that reading it costs less than looking for them. */
bool source_git_ask_elsewhere(struct git_repo *repo);
/* The repository's git folder (absolute, no trailing slash). */
const char *source_git_dir(const struct git_repo *repo);
/* Git's blob id of bytes, as 40 hex digits and a NUL. */
void source_git_blob_id(const void *data, size_t len, char out[41]);
/* git modes of source_select (see there); files and calendar are appended to. */
size_t source_git_select(const struct source_query *q, struct config_store *configs,
			 struct source_list *files, struct source_list *calendar,
			 struct buf *errors, bool *fatal);
/* Reads the blobs of the files source_select left unread, except those with skip[i] (skip
 * may be NULL). Main thread only, like all of libgit2 here. A blob that cannot be read
 * (gone, or larger than 256 MB) stays unread: the calendar leaves such a post out. */
void source_git_read_unread(struct source_list *list, const bool *skip);
/* Adds the posts of the HEAD tree of the repository holding the query's first path (or
 * cwd) that are not in files to calendar (nothing outside a repository or before the first
 * commit). open, when not NULL, is the repository the caller has open for the folder
 * open_dir (a real path): used when that is where the query starts, instead of opening it
 * again. */
void source_git_calendar_head(const struct source_query *q, struct git_repo *open,
			      const char *open_dir, struct config_store *configs,
			      const struct source_list *files, struct source_list *calendar);
/* The folder git runs hooks from (core.hooksPath honoured); malloc'd, NULL outside a
 * repository (with a message in err). */
char *source_git_hooks_dir(struct buf *err);
/* Loads and initialises libgit2 on first call (see source_git.c); every function here that
 * calls libgit2 calls it first. Without libgit2 it prints why and exits with 2. */
void source_git_ready(void);
void source_git_shutdown(void);
const char *source_git_version(void);

#endif
