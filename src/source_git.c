/* libgit2: which repository a path is in, what .gitignore hides, and the git modes: the
 * staged blobs (--staged), the posts a range changed (--since, --rev), the calendar of
 * posts in a tree (for rules across posts), and where hooks live. With diff.c (patches for
 * --diff), the only file that calls libgit2 (through git_dl.h: it is loaded on first use). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "git_dl.h"
#include "source.h"
#include "timing.h"
#include "util/xalloc.h"

_Static_assert(LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 5),
	       "postlint needs libgit2 1.5 or newer");

struct git_repo {
	git_repository *repo;
	char *workdir; /* absolute, no trailing slash; NULL when bare */
	char *gitdir;  /* absolute, no trailing slash */
	git_index *tracked;  /* the index, once the walk asks whether a file is ignored */
	bool tracked_loaded; /* tried (tracked stays NULL when it cannot be read) */
	int ask_elsewhere;   /* source_git_ask_elsewhere: -1 not worked out yet, else 0 or 1 */
};

/* libgit2 is loaded (git_dl.c) and initialised at the first git call, on the main thread.
 * Both used to start at once on a thread of their own, to overlap the Lua state's making;
 * on the benchmark's VM that overlap cost more than it saved (the loader's mprotect and
 * munmap calls interrupt the other core to flush its TLB: 23.7 ms against 22.0 ms for one
 * post, medians of 300 runs taken in turn), and a one-post lint should start no thread. */
static pthread_once_t ready_once = PTHREAD_ONCE_INIT;
static bool initialised;
static struct buf load_error = BUF_INIT;

static void load_and_init(void)
{
	if (git_dl_load(&load_error) == 0) {
		git_libgit2_init();
		/* libgit2 hashes every object it reads to check it against its id (git does
		 * not, outside fsck and fetch): HEAD's tree in a repository of 10,000 posts is
		 * read for every lint, and hashing it was 27 of the 141 million instructions of
		 * finding the posts, a tenth of the pre-commit hook's. zlib's checksums and the
		 * packs' CRCs still catch a damaged object. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		initialised = true;
	}
}

/* Every function here that calls libgit2 calls this first. Without libgit2 postlint cannot
 * tell which files git ignores, let alone read the index or a commit: a broken install,
 * reported before any post is read (the first git call is the search for the posts). */
void source_git_ready(void)
{
	pthread_once(&ready_once, load_and_init);
	if (!initialised) {
		fprintf(stderr, "postlint: %s\n", load_error.ptr);
		exit(EXIT_TROUBLE);
	}
}

void source_git_shutdown(void)
{
	if (initialised)
		git_libgit2_shutdown();
	buf_release(&load_error);
}

const char *source_git_version(void)
{
	static char version[32];
	int major, minor, rev;
	source_git_ready();
	git_libgit2_version(&major, &minor, &rev);
	/* "(linked)": built with POSTLINT_STATIC_LIBGIT2, so POSTLINT_LIBGIT2 has no effect */
	snprintf(version, sizeof(version), "%d.%d.%d%s", major, minor, rev,
		 git_dl_linked() ? " (linked)" : "");
	return version;
}

static char *without_slash(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xstrndup(dir, n);
}

static struct git_repo *wrap(git_repository *repo)
{
	struct git_repo *r = xcalloc(1, sizeof(*r));
	r->repo = repo;
	const char *wd = git_repository_workdir(repo);
	if (wd)
		r->workdir = without_slash(wd);
	r->gitdir = without_slash(git_repository_path(repo));
	r->ask_elsewhere = -1;
	return r;
}

struct git_repo *source_git_open(const char *path)
{
	source_git_ready();
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, path, 0, NULL) != 0)
		return NULL;
	return wrap(repo);
}

void source_git_close(struct git_repo *r)
{
	if (!r)
		return;
	git_index_free(r->tracked);
	git_repository_free(r->repo);
	free(r->workdir);
	free(r->gitdir);
	free(r);
}

const char *source_git_workdir(const struct git_repo *r)
{
	return r->workdir;
}

/* The index file git set for a commit (commit -a, commit <paths> and linked worktrees use
 * other files than .git/index), or NULL for the repository's own. */
static const char *index_file_set_by_git(void)
{
	const char *file = getenv("GIT_INDEX_FILE");
	return file && *file ? file : NULL;
}

/* The index a commit would record: index_file_set_by_git, else the repository's. */
static int open_index(git_index **out, git_repository *repo)
{
	const char *file = index_file_set_by_git();
	if (file) {
		if (git_index_open(out, file) != 0)
			return -1;
		return git_repository_set_index(repo, *out);
	}
	return git_repository_index(out, repo);
}

/* Whether git tracks the file (rel: its path in the work tree). */
static bool is_tracked(struct git_repo *r, const char *rel)
{
	if (!r->tracked_loaded) {
		r->tracked_loaded = true;
		if (open_index(&r->tracked, r->repo) != 0)
			r->tracked = NULL;
	}
	return r->tracked && git_index_get_bypath(r->tracked, rel, 0) != NULL;
}

/* Whether the file at path holds an ignore rule: a line that is neither a comment ('#'
 * first) nor blank (spaces only: git trims trailing spaces, while a leading space or a tab
 * is part of a pattern). The careful answer where unsure: a file that is there but cannot be
 * read, or a line too long to look at whole, counts as a rule. */
static bool file_has_rules(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return access(path, F_OK) == 0;
	char line[512];
	bool rules = false;
	while (!rules && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		bool whole = (len > 0 && line[len - 1] == '\n') || feof(f);
		rules = !whole || (line[0] != '#' && line[strspn(line, " \r\n")] != '\0');
	}
	fclose(f);
	return rules;
}

static bool joined_has_rules(const char *dir, const char *rel)
{
	if (!dir || !*dir)
		return false;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", dir, rel);
	bool rules = file_has_rules(path.ptr);
	buf_release(&path);
	return rules;
}

/* Whether ignore rules come from outside the work tree's .gitignore files: the
 * repository's info/exclude, or the excludes file (core.excludesFile, else git's default
 * under $XDG_CONFIG_HOME or ~/.config; both defaults are looked at). A linked worktree
 * (its info/ is the main repository's) counts as having them. */
static bool rules_elsewhere(struct git_repo *r)
{
	struct stat st;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/commondir", r->gitdir);
	bool rules = stat(path.ptr, &st) == 0 || joined_has_rules(r->gitdir, "info/exclude");
	buf_release(&path);
	git_config *cfg = NULL;
	if (!rules && git_repository_config_snapshot(&cfg, r->repo) != 0) {
		rules = true; /* (a configuration that cannot be read: git's answer is unknown) */
	} else if (!rules) {
		git_buf file = { 0 };
		int found = git_config_get_path(&file, cfg, "core.excludesfile");
		rules = found == 0 ? file_has_rules(file.ptr) : found != GIT_ENOTFOUND;
		git_buf_dispose(&file);
		git_config_free(cfg);
	}
	if (!rules)
		rules = joined_has_rules(getenv("XDG_CONFIG_HOME"), "git/ignore") ||
			joined_has_rules(getenv("HOME"), ".config/git/ignore");
	return rules;
}

/* Below this size the index is read rather than the rules looked for: the configuration's
 * snapshot alone is some 50,000 instructions (1% of a one-post lint), reading a small
 * index less. 16 KB is about 150 entries. */
#define SMALL_INDEX (16u << 10)

bool source_git_ask_elsewhere(struct git_repo *r)
{
	if (r->ask_elsewhere < 0) {
		const char *file = index_file_set_by_git();
		struct buf index = BUF_INIT;
		if (file)
			buf_addf(&index, "%s", file);
		else
			buf_addf(&index, "%s/index", r->gitdir);
		struct stat st;
		bool small = stat(index.ptr, &st) != 0 || st.st_size < (off_t)SMALL_INDEX;
		buf_release(&index);
		r->ask_elsewhere = small || rules_elsewhere(r);
	}
	return r->ask_elsewhere == 1;
}

/* git's rule: .gitignore applies to the files git does not track; a tracked file is never
 * ignored. The index answers for tracked files from memory, where libgit2's ignore check
 * stats the path and both ignore files on every call (four system calls per post of a
 * 10,000-post walk). */
bool source_git_ignored(struct git_repo *r, const char *abs_path)
{
	if (!r->workdir)
		return false;
	size_t n = strlen(r->workdir);
	if (strncmp(abs_path, r->workdir, n) != 0 || abs_path[n] != '/')
		return false;
	const char *rel = abs_path + n + 1;
	if (is_tracked(r, rel))
		return false;
	int ignored = 0;
	if (git_ignore_path_is_ignored(&ignored, r->repo, rel) != 0)
		return false;
	return ignored == 1;
}

const char *source_git_dir(const struct git_repo *r)
{
	return r->gitdir;
}

/* An object id in hex, as git_oid_tostr writes it, without its general length handling:
 * the hook's calendar writes one for each of its 10,000 entries. */
static void oid_hex(const git_oid *id, char out[41])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < 20; i++) {
		out[2 * i] = digits[id->id[i] >> 4];
		out[2 * i + 1] = digits[id->id[i] & 15];
	}
	out[40] = '\0';
}

void source_git_blob_id(const void *data, size_t len, char out[41])
{
	source_git_ready();
	git_oid oid;
	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) != 0)
		memset(&oid, 0, sizeof(oid));
	oid_hex(&oid, out);
}

/* ---- the git modes: --staged, --since, --rev -------------------------------------------- */

/* Blobs larger than this are not read (nor are work-tree files: source_fs.c). */
#define MAX_BLOB_BYTES ((git_object_size_t)256 << 20)

static void git_message(struct buf *b, const char *what)
{
	const git_error *e = git_error_last();
	buf_addf(b, "%s: %s\n", what, e && e->message ? e->message : "unknown libgit2 error");
}

/* Opens the repository for a git mode the way git itself would from a hook: GIT_DIR and
 * friends are honoured (tech-notes 2.2), except that FROM_ENV cannot handle GIT_WORK_TREE
 * or GIT_COMMON_DIR; then the search starts at cwd. GIT_INDEX_FILE is read by open_index. */
static struct git_repo *open_for_mode(const char *cwd)
{
	git_repository *repo = NULL;
	bool env = getenv("GIT_DIR") && !getenv("GIT_WORK_TREE") && !getenv("GIT_COMMON_DIR");
	if (env && git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) != 0)
		repo = NULL;
	if (!repo && git_repository_open_ext(&repo, cwd, 0, NULL) != 0)
		return NULL;
	return wrap(repo);
}


/* Where a repository path lives for config matching and display: under the work tree, or
 * for a bare repository under its git folder; into b (reset first). */
static void abs_into(struct buf *b, const struct git_repo *r, const char *path)
{
	/* once per post of the calendar: no format string */
	buf_reset(b);
	buf_adds(b, r->workdir ? r->workdir : r->gitdir);
	buf_addc(b, '/');
	buf_adds(b, path);
}

static char *abs_of(const struct git_repo *r, const char *path)
{
	struct buf b = BUF_INIT;
	abs_into(&b, r, path);
	return buf_detach(&b, NULL);
}

static char *display_of(const struct git_repo *r, const char *abs, const char *path)
{
	return r->workdir ? source_display(abs) : xstrdup(path);
}

static int read_blob(git_repository *repo, const git_oid *id, char **data, size_t *len)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) != 0)
		return -1;
	git_object_size_t n = git_blob_rawsize(blob);
	if (n > MAX_BLOB_BYTES) {
		git_blob_free(blob);
		return -2;
	}
	*len = (size_t)n;
	*data = xmalloc(*len + 1);
	memcpy(*data, git_blob_rawcontent(blob), *len);
	(*data)[*len] = '\0';
	git_blob_free(blob);
	return 0;
}

/* The query's paths as absolute, resolved paths (so they compare with the work tree's). */
static char **resolve_paths(const struct source_query *q)
{
	char **out = xcalloc(q->npaths + 1, sizeof(char *));
	for (size_t i = 0; i < q->npaths; i++) {
		char *abs = source_absolute(q->paths[i]);
		char *real = realpath(abs, NULL);
		if (!real) {
			/* gone from the work tree (a staged file deleted on disk): resolve its folder */
			char *slash = strrchr(abs, '/');
			if (slash && slash != abs) {
				*slash = '\0';
				char *dir = realpath(abs, NULL);
				*slash = '/';
				if (dir) {
					struct buf b = BUF_INIT;
					buf_addf(&b, "%s%s", strcmp(dir, "/") ? dir : "", slash);
					real = buf_detach(&b, NULL);
					free(dir);
				}
			}
		}
		if (real) {
			free(abs);
			abs = real;
		}
		out[i] = abs;
	}
	return out;
}

static void free_strings(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

/* 0: not selected by the paths; 1: under a named folder; 2: the file itself was named. */
static int path_match(char *const *paths, const char *abs)
{
	int best = paths && *paths ? 0 : 1;
	for (char *const *p = paths; p && *p; p++) {
		size_t n = strlen(*p);
		if (strcmp(*p, abs) == 0)
			return 2;
		if (strncmp(*p, abs, n) == 0 && (abs[n] == '/' || (n == 1 && **p == '/')))
			best = 1;
	}
	return best;
}

struct selection {
	struct git_repo *r;
	git_index *index; /* staged mode */
	struct config_store *configs;
	char **paths; /* resolved query paths, NULL-terminated, or NULL */
	struct source_list *files;
	struct buf *errors;
	size_t nerrors;
};

static bool intent_to_add(git_index *index, const char *path)
{
	const git_index_entry *e = index ? git_index_get_bypath(index, path, 0) : NULL;
	return e && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD);
}

static void select_delta(struct selection *s, const git_diff_delta *d)
{
	switch (d->status) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_MODIFIED:
	case GIT_DELTA_RENAMED:
	case GIT_DELTA_COPIED:
	case GIT_DELTA_TYPECHANGE:
		break;
	default:
		return; /* deleted posts are not linted; unmodified ones are not changes */
	}
	const git_diff_file *nf = &d->new_file;
	/* gitlinks hold a commit id and symlinks a target path: neither is a post */
	if (nf->mode != GIT_FILEMODE_BLOB && nf->mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return;
	if (intent_to_add(s->index, nf->path))
		return; /* `git add -N`: nothing is staged yet */
	char *abs = abs_of(s->r, nf->path);
	int match = path_match(s->paths, abs);
	const struct config *c = match ? config_store_for(s->configs, abs, false) : NULL;
	/* a file named explicitly is linted whatever its extension or include say, but
	 * exclude still applies (as for paths on disk) */
	bool wanted = match == 2 ? (!c || !config_excludes(c, abs))
				 : (match == 1 && c && config_wants(c, abs));
	if (wanted && source_list_find(s->files, abs) < 0) {
		char *data = NULL;
		size_t len = 0;
		int rc = read_blob(s->r->repo, &nf->id, &data, &len);
		if (rc < 0) {
			buf_addf(s->errors, "cannot read '%s' from git: %s\n", nf->path,
				 rc == -2 ? "larger than 256 MB" : "blob not found");
			s->nerrors++;
		} else {
			char *display = display_of(s->r, abs, nf->path);
			source_list_add(s->files, abs, display, c, data, len);
			free(display);
		}
	}
	free(abs);
}

/* Conflicted entries cannot be linted (which side would it be?): each is an error. */
static void report_conflicts(struct selection *s)
{
	if (!git_index_has_conflicts(s->index))
		return;
	git_index_conflict_iterator *it = NULL;
	if (git_index_conflict_iterator_new(&it, s->index) != 0)
		return;
	const git_index_entry *ancestor, *ours, *theirs;
	while (git_index_conflict_next(&ancestor, &ours, &theirs, it) == 0) {
		const git_index_entry *e = ours ? ours : theirs ? theirs : ancestor;
		char *abs = abs_of(s->r, e->path);
		const struct config *c = path_match(s->paths, abs)
						 ? config_store_for(s->configs, abs, false) : NULL;
		if (c && config_wants(c, abs)) {
			buf_addf(s->errors, "cannot lint '%s': it has unresolved merge conflicts\n",
				 e->path);
			s->nerrors++;
		}
		free(abs);
	}
	git_index_conflict_iterator_free(it);
}

static int tree_of(git_tree **out, git_repository *repo, const git_oid *commit)
{
	git_commit *c = NULL;
	if (git_commit_lookup(&c, repo, commit) != 0)
		return -1;
	int rc = git_commit_tree(out, c);
	git_commit_free(c);
	return rc;
}

static const char *shallow_advice(git_repository *repo)
{
	return git_repository_is_shallow(repo)
		       ? " (this is a shallow clone: fetch the base commit, e.g. "
			 "`git fetch --deepen=50` or `fetch-depth: 0` in CI)"
		       : "";
}

/* The two trees a range compares: --rev A..B (A's and B's), --rev A...B and --since REF
 * (the merge base's and B's or HEAD's). */
static int range_trees(struct selection *s, const struct source_query *q, git_tree **old_tree,
		       git_tree **new_tree)
{
	git_repository *repo = s->r->repo;
	git_oid from, to;
	const char *what = q->rev ? q->rev : q->since;
	bool merge_base = true;
	if (q->rev) {
		git_revspec spec;
		if (git_revparse(&spec, repo, q->rev) != 0) {
			buf_addf(s->errors, "--rev '%s': ", q->rev);
			git_message(s->errors, "not a revision range");
			return -1;
		}
		bool range = spec.flags & GIT_REVSPEC_RANGE;
		merge_base = spec.flags & GIT_REVSPEC_MERGE_BASE;
		if (range) {
			git_oid_cpy(&from, git_object_id(spec.from));
			git_oid_cpy(&to, git_object_id(spec.to));
		}
		git_object_free(spec.from);
		git_object_free(spec.to);
		if (!range) {
			buf_addf(s->errors, "--rev '%s' is not a range: use A..B (or --since %s)\n",
				 q->rev, q->rev);
			return -1;
		}
	} else {
		git_object *o = NULL;
		if (git_revparse_single(&o, repo, q->since) != 0) {
			buf_addf(s->errors, "--since '%s': unknown revision%s\n", q->since,
				 shallow_advice(repo));
			return -1;
		}
		git_object *c = NULL;
		int rc = git_object_peel(&c, o, GIT_OBJECT_COMMIT);
		git_object_free(o);
		if (rc != 0) {
			buf_addf(s->errors, "--since '%s' does not name a commit\n", q->since);
			return -1;
		}
		git_oid_cpy(&from, git_object_id(c));
		git_object_free(c);
		if (git_reference_name_to_id(&to, repo, "HEAD") != 0) {
			buf_addf(s->errors, "--since needs a commit at HEAD (this repository has none)\n");
			return -1;
		}
	}
	if (merge_base) {
		git_oid base;
		if (git_merge_base(&base, repo, &from, &to) != 0) {
			buf_addf(s->errors, "'%s': no common ancestor of the two commits%s\n", what,
				 shallow_advice(repo));
			return -1;
		}
		from = base;
	}
	if (tree_of(old_tree, repo, &from) != 0 || tree_of(new_tree, repo, &to) != 0) {
		buf_addf(s->errors, "'%s': ", what);
		git_message(s->errors, "cannot read the commits' trees");
		return -1;
	}
	return 0;
}

/* ---- the calendar: every post of a tree, for rules across posts ------------------------- */

struct calendar_walk {
	struct git_repo *r;
	struct config_store *configs;
	const struct source_list *files;
	struct source_list *calendar;
	const struct config **projects; /* the distinct configs of the linted files */
	size_t nprojects;
	/* project_of's answer for the folder of the last entry (a tree walk visits a folder's
	 * files one after another): it depends on the folder alone, and looking it up again
	 * was a fifth of each of the hook's 10,000 entries */
	struct buf memo_root;
	bool memo_valid;
	const struct config *memo_config;
	struct buf path; /* the entry's path in the repository, made again for each */
	struct buf abs;  /* and its absolute path (copied only for a post taken) */
	bool fresh;      /* the calendar was empty: this walk cannot add a post twice */
	/* the linted file after the last one this walk met: the work tree's walk and git's
	 * trees both list a folder's names in byte order, so the next entry is most often that
	 * file, found without the path index (at 100,000 posts each lookup there was two or
	 * three cache misses: half of the calendar's walk of HEAD) */
	size_t next_file;
};

/* Index of the linted file at abs, or -1: the walk's next file first. */
static long linted_file(struct calendar_walk *w, const char *abs)
{
	const struct source_list *files = w->files;
	if (w->next_file < files->len && strcmp(files->items[w->next_file].abs_path, abs) == 0)
		return (long)w->next_file++;
	long i = source_list_find(files, abs);
	if (i >= 0)
		w->next_file = (size_t)i + 1;
	return i;
}

/* Context comes from the projects being linted: a post of the tree counts only when the
 * .lintrc that governs one of the linted files governs it too. Files elsewhere in the
 * repository (a fuzz corpus, docs, another team's folder) are not the calendar; paths outside
 * every project's folder are not even looked up, so their .lintrc files are never read. */
static const struct config *project_of(const struct calendar_walk *w, const char *abs)
{
	bool inside = false;
	for (size_t i = 0; i < w->nprojects && !inside; i++) {
		size_t n = strlen(w->projects[i]->dir);
		inside = strncmp(abs, w->projects[i]->dir, n) == 0 &&
			 (abs[n] == '/' || (n > 0 && w->projects[i]->dir[n - 1] == '/'));
	}
	if (!inside)
		return NULL;
	const struct config *c = config_store_for(w->configs, abs, false);
	for (size_t i = 0; i < w->nprojects; i++)
		if (w->projects[i] == c)
			return c;
	return NULL;
}

/* Adds the blob `id` at root + name (root: its folder, "" or ending in '/') to the calendar
 * when a linted project governs it and wants it, and it is not linted itself. */
static void calendar_add(struct calendar_walk *w, const char *root, const char *name,
			 const git_oid *id)
{
	struct buf *path = &w->path;
	buf_reset(path);
	buf_adds(path, root);
	buf_adds(path, name);
	abs_into(&w->abs, w->r, path->ptr);
	const char *abs = w->abs.ptr;
	if (linted_file(w, abs) < 0 &&
	    (w->fresh || source_list_find(w->calendar, abs) < 0)) {
		if (!w->memo_valid || strcmp(w->memo_root.ptr, root) != 0) {
			buf_reset(&w->memo_root);
			buf_adds(&w->memo_root, root);
			w->memo_config = project_of(w, abs);
			w->memo_valid = true;
		}
		const struct config *c = w->memo_config;
		if (c && config_wants(c, abs)) {
			/* the bytes wait: with --cache, most context posts need only their id */
			source_list_take(w->calendar, xstrdup(abs), display_of(w->r, abs, path->ptr),
					 c, NULL, 0);
			struct source_file *f = &w->calendar->items[w->calendar->len - 1];
			f->origin = SOURCE_GIT;
			f->unread = true;
			oid_hex(id, f->blob_id);
			if (!w->calendar->git_dir)
				w->calendar->git_dir = xstrdup(w->r->gitdir);
		}
	}
}

static int calendar_entry(const char *root, const git_tree_entry *e, void *payload)
{
	const char *name = git_tree_entry_name(e);
	if (source_name_skipped(name, strlen(name)))
		return git_tree_entry_type(e) == GIT_OBJECT_TREE ? 1 : 0;
	git_filemode_t mode = git_tree_entry_filemode(e);
	if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE)
		calendar_add(payload, root, name, git_tree_entry_id(e));
	return 0;
}

/* The distinct configs of the linted files: the projects whose posts make the calendar.
 * Returns false when there is none (nothing to look for). */
static bool calendar_walk_init(struct calendar_walk *w)
{
	/* one walk of a tree or of the index (one entry per path) into an empty list: no
	 * post can come twice, so the list keeps no path index to find them by (a walk into a
	 * list with posts already would look each up) */
	w->fresh = w->calendar->len == 0;
	if (w->fresh)
		w->calendar->unique_paths = true;
	w->projects = xcalloc(w->files->len + 1, sizeof(*w->projects));
	for (size_t i = 0; i < w->files->len; i++) {
		const struct config *c = w->files->items[i].config;
		bool seen = !c;
		for (size_t k = 0; k < w->nprojects && !seen; k++)
			seen = w->projects[k] == c;
		if (!seen)
			w->projects[w->nprojects++] = c;
	}
	return w->nprojects > 0;
}

static void calendar_walk_release(struct calendar_walk *w)
{
	buf_release(&w->path);
	buf_release(&w->abs);
	buf_release(&w->memo_root);
	free(w->projects);
}

static void calendar_of_tree(struct git_repo *r, git_tree *tree, struct config_store *configs,
			     const struct source_list *files, struct source_list *calendar)
{
	if (!tree)
		return;
	struct calendar_walk w = { r, configs, files, calendar, NULL, 0, BUF_INIT, false, NULL,
				   BUF_INIT, BUF_INIT, false, 0 };
	if (calendar_walk_init(&w))
		git_tree_walk(tree, GIT_TREEWALK_PRE, calendar_entry, &w);
	calendar_walk_release(&w);
}

/* --staged: the calendar is the index, the posts as the commit will hold them (a post
 * staged for deletion is not part of it; HEAD's tree would still count it). Entries in
 * path order, as a walk of the tree it will become lists them; entries in conflict, added
 * with `git add -N`, symlinks and submodules are no posts. The index is in memory already:
 * walking HEAD's tree for the calendar read and inflated its objects a second time (a tenth
 * of the hook's instructions). */
static void calendar_of_index(struct git_repo *r, git_index *index,
			      struct config_store *configs, const struct source_list *files,
			      struct source_list *calendar)
{
	size_t n = git_index_entrycount(index);
	struct calendar_walk w = { r, configs, files, calendar, NULL, 0, BUF_INIT, false, NULL,
				   BUF_INIT, BUF_INIT, false, 0 };
	struct buf root = BUF_INIT;
	bool wanted = calendar_walk_init(&w);
	source_list_reserve(calendar, n);
	for (size_t i = 0; wanted && i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		if (!e || (e->flags & GIT_INDEX_ENTRY_STAGEMASK) ||
		    (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) ||
		    (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE))
			continue;
		/* every folder of the path and its name: none hidden */
		bool hidden = false;
		const char *part = e->path, *slash;
		while ((slash = strchr(part, '/')) != NULL && !hidden) {
			hidden = source_name_skipped(part, (size_t)(slash - part));
			part = slash + 1;
		}
		if (hidden || source_name_skipped(part, strlen(part)))
			continue;
		buf_reset(&root);
		buf_add(&root, e->path, (size_t)(part - e->path));
		calendar_add(&w, root.ptr, part, &e->id);
	}
	buf_release(&root);
	calendar_walk_release(&w);
}

static git_tree *head_tree(git_repository *repo)
{
	git_object *o = NULL;
	if (git_revparse_single(&o, repo, "HEAD^{tree}") != 0)
		return NULL; /* unborn HEAD: no commit yet */
	return (git_tree *)o;
}

/* Where to look for the repository: the folder of the first path named (the repository
 * may be below the working directory), else the working directory. malloc'd. */
static char *start_dir(char *const *paths)
{
	char *dir = paths && paths[0] ? xstrdup(paths[0]) : realpath(".", NULL);
	struct stat st;
	while (dir && stat(dir, &st) != 0) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	return dir;
}

void source_git_calendar_head(const struct source_query *q, struct git_repo *open,
			      const char *open_dir, struct config_store *configs,
			      const struct source_list *files, struct source_list *calendar)
{
	source_git_ready();
	char **paths = q->npaths ? resolve_paths(q) : NULL;
	char *start = start_dir(paths);
	bool reuse = open && start && open_dir && strcmp(start, open_dir) == 0;
	struct git_repo *r = reuse ? open : start ? source_git_open(start) : NULL;
	free(start);
	free_strings(paths);
	if (!r)
		return;
	git_tree *tree = head_tree(r->repo);
	calendar_of_tree(r, tree, configs, files, calendar);
	git_tree_free(tree);
	if (r != open)
		source_git_close(r);
}

size_t source_git_select(const struct source_query *q, struct config_store *configs,
			 struct source_list *files, struct source_list *calendar,
			 struct buf *errors, bool *fatal)
{
	source_git_ready();
	const char *mode = q->staged ? "--staged" : q->since ? "--since" : "--rev";
	char **paths = q->npaths ? resolve_paths(q) : NULL;
	char *cwd = start_dir(paths);
	struct git_repo *r = cwd ? open_for_mode(cwd) : NULL;
	struct selection s = { .r = r, .configs = configs, .files = files, .errors = errors,
			       .paths = paths };
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	*fatal = true;
	if (!r) {
		buf_addf(errors, "%s needs a git repository, and '%s' is not in one\n", mode,
			 cwd ? cwd : ".");
		s.nerrors++;
		goto done;
	}
	if (q->staged && !r->workdir) {
		buf_addf(errors, "--staged needs a work tree: '%s' is a bare repository (use --rev)\n",
			 r->gitdir);
		s.nerrors++;
		goto done;
	}
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags |= GIT_DIFF_IGNORE_SUBMODULES;
	if (q->staged) {
		if (open_index(&s.index, r->repo) != 0) {
			git_message(errors, "cannot read the index");
			s.nerrors++;
			goto done;
		}
		new_tree = head_tree(r->repo); /* NULL before the first commit: all is added */
		if (git_diff_tree_to_index(&diff, r->repo, new_tree, s.index, &opts) != 0) {
			git_message(errors, "cannot compare the index with HEAD");
			s.nerrors++;
			goto done;
		}
		report_conflicts(&s);
	} else {
		if (range_trees(&s, q, &old_tree, &new_tree) < 0) {
			s.nerrors++;
			goto done;
		}
		if (git_diff_tree_to_tree(&diff, r->repo, old_tree, new_tree, &opts) != 0) {
			git_message(errors, "cannot compare the two trees");
			s.nerrors++;
			goto done;
		}
	}
	*fatal = false;
	/* a renamed post is the new path's post: lint it there, do not skip it as deleted */
	git_diff_find_options find;
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES;
	git_diff_find_similar(diff, &find);
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++)
		select_delta(&s, git_diff_get_delta(diff, i));
	if (s.index)
		calendar_of_index(r, s.index, configs, files, calendar);
	else
		calendar_of_tree(r, new_tree, configs, files, calendar);
done:
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_index_free(s.index);
	free_strings(s.paths);
	source_git_close(r);
	free(cwd);
	return s.nerrors;
}

void source_git_read_unread(struct source_list *list, const bool *skip)
{
	if (!list->git_dir)
		return;
	source_git_ready();
	git_repository *repo = NULL;
	if (git_repository_open(&repo, list->git_dir) != 0)
		return;
	for (size_t i = 0; i < list->len; i++) {
		struct source_file *f = &list->items[i];
		git_oid id;
		if (!f->unread || (skip && skip[i]) || git_oid_fromstr(&id, f->blob_id) != 0)
			continue;
		long long started = timing_now();
		if (read_blob(repo, &id, &f->data, &f->data_len) == 0)
			f->unread = false;
		timing_add("(host: read git blobs)", started);
	}
	git_repository_free(repo);
}

/* ---- hooks ---------------------------------------------------------------------------- */

char *source_git_hooks_dir(struct buf *err)
{
	source_git_ready();
	char *cwd = realpath(".", NULL);
	struct git_repo *r = cwd ? open_for_mode(cwd) : NULL;
	if (!r) {
		buf_addf(err, "not in a git repository ('%s')", cwd ? cwd : ".");
		free(cwd);
		return NULL;
	}
	free(cwd);
	char *out = NULL;
	git_config *cfg = NULL;
	git_buf b = { 0 };
	if (git_repository_config_snapshot(&cfg, r->repo) == 0 &&
	    git_config_get_path(&b, cfg, "core.hooksPath") == 0 && b.ptr && *b.ptr) {
		/* relative to where hooks run: the top of the work tree (or the git folder) */
		if (b.ptr[0] == '/') {
			out = xstrdup(b.ptr);
		} else {
			struct buf p = BUF_INIT;
			buf_addf(&p, "%s/%s", r->workdir ? r->workdir : r->gitdir, b.ptr);
			out = buf_detach(&p, NULL);
		}
	}
	git_buf_dispose(&b);
	git_config_free(cfg);
	if (!out && git_repository_item_path(&b, r->repo, GIT_REPOSITORY_ITEM_HOOKS) == 0) {
		size_t n = strlen(b.ptr);
		while (n > 1 && b.ptr[n - 1] == '/')
			n--;
		out = xstrndup(b.ptr, n);
		git_buf_dispose(&b);
	}
	if (!out)
		git_message(err, "cannot find the hooks folder");
	source_git_close(r);
	return out;
}
