/* Files and folders on disk: collecting posts and reading them. */
#define _DEFAULT_SOURCE /* readdir's d_type and DT_* */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "timing.h"
#include "util/hash.h"
#include "util/sort.h"
#include "util/xalloc.h"

/* Posts larger than this are refused rather than read into memory. */
#define MAX_POST_BYTES ((size_t)256 << 20)

char *source_absolute(const char *path)
{
	struct buf b = BUF_INIT;
	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)))
			buf_adds(&b, cwd);
	}
	buf_addc(&b, '/');
	buf_adds(&b, path);
	/* normalise: drop "." and empty segments, resolve ".." lexically */
	char *raw = buf_detach(&b, NULL);
	char **segs = xcalloc(strlen(raw) + 1, sizeof(char *));
	size_t n = 0;
	for (char *tok = strtok(raw, "/"); tok; tok = strtok(NULL, "/")) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n)
				n--;
			continue;
		}
		segs[n++] = tok;
	}
	for (size_t i = 0; i < n; i++) {
		buf_addc(&b, '/');
		buf_adds(&b, segs[i]);
	}
	if (n == 0)
		buf_addc(&b, '/');
	free(segs);
	free(raw);
	return buf_detach(&b, NULL);
}

/* postlint never changes its working directory: read it once (a system call per file was a
 * few percent of the hook, which names every post of the repository). */
static char cwd_cached[PATH_MAX];
static bool cwd_known;
static pthread_once_t cwd_once = PTHREAD_ONCE_INIT;

static void read_cwd(void)
{
	cwd_known = getcwd(cwd_cached, sizeof(cwd_cached)) != NULL;
}

char *source_display(const char *abs_path)
{
	pthread_once(&cwd_once, read_cwd);
	if (!cwd_known)
		return xstrdup(abs_path);
	const char *cwd = cwd_cached;
	size_t n = strlen(cwd);
	if (strcmp(cwd, "/") == 0)
		return xstrdup(abs_path + 1);
	if (strncmp(abs_path, cwd, n) == 0 && abs_path[n] == '/')
		return xstrdup(abs_path + n + 1);
	/* outside the working directory: "../x" while they share a folder below the root */
	size_t common = 0;
	for (size_t i = 0; cwd[i] && abs_path[i] == cwd[i]; i++)
		if (cwd[i] == '/')
			common = i;
	if (common == 0)
		return xstrdup(abs_path);
	struct buf b = BUF_INIT;
	for (const char *p = cwd + common; *p; p++)
		if (*p == '/')
			buf_adds(&b, "../");
	buf_adds(&b, abs_path + common + 1);
	return buf_detach(&b, NULL);
}

/* "cannot read 'path': why" appended to err (nothing when err is NULL); returns -1. */
__attribute__((format(printf, 3, 4)))
static int cannot_read(struct buf *err, const char *path, const char *why, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, why);
		buf_addf(err, "cannot read '%s': ", path);
		buf_vaddf(err, why, ap);
		va_end(ap);
	}
	return -1;
}

int source_read(const char *path, char **data, size_t *len, struct buf *err)
{
	struct stat st;
	return source_read_stat(path, data, len, &st, err);
}

int source_read_stat(const char *path, char **data, size_t *len, struct stat *stat_out,
		     struct buf *err)
{
	/* non-blocking open: a FIFO named like a post must not hang the run */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return cannot_read(err, path, "%s", strerror(e));
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_POST_BYTES) {
		close(fd);
		if (!S_ISREG(st.st_mode))
			return cannot_read(err, path, "not a regular file");
		return cannot_read(err, path, "larger than %zu MB", MAX_POST_BYTES >> 20);
	}
	/* read(2) straight into a buffer larger than the size fstat gave: a read that returns
	 * less than it asked for is the end of a regular file, so a post takes one read (a
	 * second read to see the end was half of a 10,000-post run's system calls), and a file
	 * that grew meanwhile fills the buffer and is read on. stdio would add a FILE, its own
	 * buffer and a copy, which showed in a 10,000-post run. */
	struct buf b = BUF_INIT;
	buf_grow(&b, (size_t)st.st_size + 1);
	for (;;) {
		if (b.len + 1 >= b.cap)
			buf_grow(&b, 65536);
		ssize_t n = read(fd, b.ptr + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			buf_release(&b);
			return cannot_read(err, path, "%s", strerror(e));
		}
		if (n == 0)
			break;
		size_t asked = b.cap - b.len - 1;
		b.len += (size_t)n;
		if (b.len > MAX_POST_BYTES) {
			close(fd);
			buf_release(&b);
			return cannot_read(err, path, "larger than %zu MB", MAX_POST_BYTES >> 20);
		}
		if ((size_t)n < asked)
			break;
	}
	close(fd);
	b.ptr[b.len] = '\0';
	*data = buf_detach(&b, len);
	*stat_out = st;
	return 0;
}

int source_file_read(const struct source_file *f, char **data, size_t *len, struct buf *err)
{
	if (f->unread)
		return cannot_read(err, f->display, "blob %s was not read from git", f->blob_id);
	if (!f->data) {
		long long started = timing_now();
		int rc = source_read(f->abs_path, data, len, err);
		timing_add("(host: read files)", started);
		return rc;
	}
	*data = xmalloc(f->data_len + 1);
	memcpy(*data, f->data, f->data_len);
	(*data)[f->data_len] = '\0';
	*len = f->data_len;
	return 0;
}

static uint64_t path_hash(const char *s)
{
	return hash_fnv64(s, strlen(s));
}

/* A slot of the path index: the hash's high half above (its tag), the item's index + 1
 * below. */
static uint64_t slot_tag(uint64_t hash)
{
	return hash >> 32;
}

static uint64_t slot_of(uint64_t hash, size_t i)
{
	return (slot_tag(hash) << 32) | (uint64_t)(i + 1);
}

static void index_put(uint64_t *slots, size_t nslots, const char *abs, size_t i)
{
	uint64_t h = path_hash(abs);
	size_t k = (size_t)h & (nslots - 1);
	while (slots[k])
		k = (k + 1) & (nslots - 1);
	slots[k] = slot_of(h, i);
}

bool source_name_skipped(const char *name, size_t len)
{
	return (len > 0 && name[0] == '.') || (len == 12 && memcmp(name, "node_modules", 12) == 0);
}

/* Lists this short are read through rather than hashed into: a commit's list of one or two
 * staged posts is asked about each of the calendar's 10,000 entries, and hashing each path
 * byte by byte cost more than comparing it with those posts (strcmp stops at the first
 * difference). */
#define FIND_BY_READING 8

long source_list_find(const struct source_list *list, const char *abs)
{
	/* (a list of unique paths keeps no index: no caller asks this of a long one now) */
	if (list->unique_paths || list->len <= FIND_BY_READING) {
		for (size_t i = 0; i < list->len; i++)
			if (strcmp(list->items[i].abs_path, abs) == 0)
				return (long)i;
		return -1;
	}
	if (!list->nslots)
		return -1;
	uint64_t h = path_hash(abs), tag = slot_tag(h);
	for (size_t k = (size_t)h & (list->nslots - 1); list->slots[k];
	     k = (k + 1) & (list->nslots - 1)) {
		size_t i = (size_t)(list->slots[k] & 0xffffffffu) - 1;
		if (list->slots[k] >> 32 == tag && strcmp(list->items[i].abs_path, abs) == 0)
			return (long)i;
	}
	return -1;
}

/* Makes the path index nslots large (a power of two, at least twice the files). */
static void index_rebuild(struct source_list *list, size_t nslots)
{
	free(list->slots);
	list->nslots = nslots;
	list->slots = xcalloc(list->nslots, sizeof(*list->slots));
	for (size_t i = 0; i < list->len; i++)
		index_put(list->slots, list->nslots, list->items[i].abs_path, i);
}

/* Beyond this, a hint is taken as this: a monorepo's index counts every file, not posts. */
#define RESERVE_MAX (256u * 1024)

void source_list_reserve(struct source_list *list, size_t n)
{
	size_t want = list->len + (n < RESERVE_MAX ? n : RESERVE_MAX);
	if (want > list->cap) { /* geometric, for a walk that reserves folder by folder */
		size_t cap = list->cap * 2 > want ? list->cap * 2 : want;
		list->items = xrealloc(list->items, cap * sizeof(*list->items));
		list->cap = cap;
	}
	if (list->unique_paths)
		return;
	size_t nslots = list->nslots ? list->nslots : 64;
	while (want * 2 > nslots)
		nslots *= 2;
	if (nslots != list->nslots)
		index_rebuild(list, nslots);
}

void source_list_add(struct source_list *list, const char *abs, const char *display,
		     const struct config *c, char *data, size_t data_len)
{
	source_list_take(list, xstrdup(abs), display ? xstrdup(display) : source_display(abs), c,
			 data, data_len);
}

void source_list_take(struct source_list *list, char *abs, char *display,
		      const struct config *c, char *data, size_t data_len)
{
	xgrow((void **)&list->items, &list->cap, list->len + 1, sizeof(*list->items));
	list->items[list->len++] = (struct source_file){
		.abs_path = abs, .display = display, .config = c, .data = data,
		.data_len = data_len, .origin = data ? SOURCE_GIT : SOURCE_DISK };
	if (list->unique_paths)
		return;
	if (list->len * 2 > list->nslots) { /* at most half full */
		size_t nslots = list->nslots ? list->nslots * 2 : 64;
		while (list->len * 2 > nslots)
			nslots *= 2;
		index_rebuild(list, nslots);
	} else {
		index_put(list->slots, list->nslots, abs, list->len - 1);
	}
}

static void add_file(struct source_list *out, const char *abs, const struct config *c)
{
	if (source_list_find(out, abs) >= 0)
		return; /* named twice */
	source_list_add(out, abs, NULL, c, NULL, 0);
}

struct walk {
	struct config_store *configs;
	struct git_repo *repo;
	struct source_list *out;
	const char *root;  /* the folder being walked, symlinks resolved */
	struct buf *notes; /* posts skipped, one line each (not errors) */
	/* the list was empty when this walk began: one walk meets each path once (it follows
	 * no symlinked folder), so its files are not looked for in the list first (a lookup
	 * per post, an eighth of walking a folder of 100,000) */
	bool fresh;
};

/* Adds a file the walk found. */
static void walk_add(struct walk *w, const char *abs, const struct config *c)
{
	if (w->fresh)
		source_list_add(w->out, abs, NULL, c, NULL, 0);
	else
		add_file(w->out, abs, c);
}

/* A symlinked post is read only when it points inside the folder being walked: a link to
 * ~/.ssh/id_rsa named notes.md must not end up in the output. */
static void add_symlink(struct walk *w, const char *path)
{
	const struct config *c = config_store_for(w->configs, path, false);
	if (!c || !config_wants(c, path))
		return;
	char *target = realpath(path, NULL);
	int e = errno;
	size_t n = strlen(w->root);
	char *display = source_display(path);
	if (!target)
		buf_addf(w->notes, "skipped '%s': cannot follow the symbolic link: %s\n", display,
			 strerror(e));
	else if (strncmp(target, w->root, n) == 0 && (target[n] == '/' || strcmp(w->root, "/") == 0))
		walk_add(w, path, c);
	else
		buf_addf(w->notes, "skipped '%s': a symbolic link to '%s', outside '%s'\n", display,
			 target, w->root);
	free(display);
	free(target);
}

/* An entry of a folder: its name's offset in the folder's names, and its type when readdir
 * tells it (DT_UNKNOWN otherwise). The names lie together, not in an allocation each: the
 * walk visits them in sorted order, not readdir's, and 100,000 names scattered over the heap
 * made a cache miss of nearly every one (a fifth of finding 100,000 posts). */
struct dir_entry {
	size_t name;
	unsigned char type;
};

/* dir/name (dir "/" gives "/name"), without a format to parse: the walk joins one per
 * entry, and vsnprintf's were 10% of finding 10,000 posts. */
static void add_joined(struct buf *b, const char *dir, const char *name)
{
	buf_adds(b, dir);
	if (strcmp(dir, "/") != 0)
		buf_addc(b, '/');
	buf_adds(b, name);
}

/* The entry's kind as lstat would tell it: from readdir's d_type where the file system gives
 * one (ext4, btrfs, xfs, tmpfs do), which spares an lstat per file (100,000 of them for a
 * repository of 100,000 posts), else from lstat. False when it cannot be told. */
static bool entry_mode(const struct dir_entry *e, const char *path, mode_t *mode)
{
	switch (e->type) {
	case DT_DIR: *mode = S_IFDIR; return true;
	case DT_REG: *mode = S_IFREG; return true;
	case DT_LNK: *mode = S_IFLNK; return true;
	case DT_UNKNOWN: break;
	default: *mode = 0; return true; /* a device, a socket, a pipe: not a post */
	}
	struct stat st;
	if (lstat(path, &st) != 0)
		return false;
	*mode = st.st_mode;
	return true;
}

/* gitignore_above: a .gitignore in a folder from the work tree's root down to dir's parent
 * (or dir is below a .git folder). Where there is none in dir either, and no rules come from
 * elsewhere, git ignores nothing here: the walk does not ask (asking reads the index, 800 KB
 * in a repository of 10,000 posts, hashed whole by libgit2, then looks each path up). */
static void walk_dir(struct walk *w, const char *dir, int depth, bool gitignore_above)
{
	if (depth > 64)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dir_entry *entries = NULL;
	size_t n = 0, cap = 0;
	struct buf names = BUF_INIT; /* each name and its '\0' */
	struct dirent *e;
	bool gitignore_here = false;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		gitignore_here |= strcmp(e->d_name, ".gitignore") == 0;
		if (source_name_skipped(e->d_name, len))
			continue;
		xgrow((void **)&entries, &cap, n + 1, sizeof(*entries));
		entries[n++] = (struct dir_entry){ names.len, e->d_type };
		buf_add(&names, e->d_name, len + 1);
	}
	closedir(d);
	/* in name order (strcmp's, the same on every file system) */
	const char **name_of = xcalloc(n + 1, sizeof(*name_of));
	uint32_t *order = xcalloc(n + 1, sizeof(*order));
	for (size_t i = 0; i < n; i++) {
		name_of[i] = names.ptr + entries[i].name;
		order[i] = (uint32_t)i;
	}
	sort_strings(name_of, order, n);
	/* room for the folder's files at once: a list grown one post at a time hashed its
	 * paths again at each doubling */
	source_list_reserve(w->out, n);
	bool gitignore = gitignore_above || gitignore_here;
	bool ask = w->repo && n > 0 && (gitignore || source_git_ask_elsewhere(w->repo));
	struct buf path = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		const struct dir_entry *entry = &entries[order[k]];
		buf_reset(&path);
		add_joined(&path, dir, name_of[order[k]]);
		mode_t mode;
		/* lstat's view: symlinked folders are not followed (no loops, no escaping the
		 * tree) */
		if (entry_mode(entry, path.ptr, &mode) &&
		    !(ask && source_git_ignored(w->repo, path.ptr))) {
			struct stat st;
			if (S_ISDIR(mode)) {
				walk_dir(w, path.ptr, depth + 1, gitignore);
			} else if (S_ISREG(mode)) {
				const struct config *c = config_store_for(w->configs, path.ptr, false);
				if (c && config_wants(c, path.ptr))
					walk_add(w, path.ptr, c);
			} else if (S_ISLNK(mode) &&
				   (stat(path.ptr, &st) != 0 || S_ISREG(st.st_mode))) {
				add_symlink(w, path.ptr);
			}
		}
	}
	buf_release(&path);
	buf_release(&names);
	free(name_of);
	free(order);
	free(entries);
}

static bool has_entry(const char *dir, const char *name)
{
	struct buf p = BUF_INIT;
	add_joined(&p, dir, name);
	struct stat st;
	bool ok = stat(p.ptr, &st) == 0;
	buf_release(&p);
	return ok;
}

/* The folder of the nearest .lintrc from cwd up to the repository root, else the
 * repository's root, else cwd. */
static char *project_root(const char *cwd, struct git_repo *repo)
{
	char *dir = xstrdup(cwd);
	for (;;) {
		if (has_entry(dir, ".lintrc"))
			return dir;
		if (has_entry(dir, ".git") || strcmp(dir, "/") == 0)
			break;
		char *slash = strrchr(dir, '/');
		*(slash == dir ? slash + 1 : slash) = '\0';
	}
	free(dir);
	if (repo && source_git_workdir(repo))
		return xstrdup(source_git_workdir(repo));
	return xstrdup(cwd);
}

/* The absolute path with its folders resolved (symlinks, ".."): .lintrc folders are
 * resolved the same way, so that globs compare like with like. The last component is kept
 * (a symlinked post keeps its own name). */
static char *canonical(const char *path)
{
	char *abs = source_absolute(path);
	struct stat st;
	if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *real = realpath(abs, NULL);
		if (real) {
			free(abs);
			return real;
		}
		return abs;
	}
	char *slash = strrchr(abs, '/');
	if (!slash || slash == abs)
		return abs;
	*slash = '\0';
	char *dir = realpath(abs, NULL);
	*slash = '/';
	if (!dir)
		return abs;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s", strcmp(dir, "/") == 0 ? "" : dir, slash);
	free(dir);
	free(abs);
	return buf_detach(&b, NULL);
}

/* Whether a .gitignore can apply to root's files from above it: one in a folder from repo's
 * work tree root down to root's parent, or root below a .git folder (git ignores .git
 * itself). root's own .gitignore the walk sees. */
static bool gitignore_above(const struct git_repo *repo, const char *root)
{
	const char *top = repo ? source_git_workdir(repo) : NULL;
	size_t n = top ? strlen(top) : 0;
	if (!top || strncmp(root, top, n) != 0 || (root[n] != '/' && root[n] != '\0'))
		return false; /* outside the work tree: git ignores nothing there */
	if (strstr(root + n, "/.git/") || (strlen(root + n) >= 5 &&
					   strcmp(root + strlen(root) - 5, "/.git") == 0))
		return true;
	struct buf dir = BUF_INIT;
	buf_add(&dir, root, strlen(root));
	bool found = false;
	while (!found && dir.len > n) {
		char *slash = strrchr(dir.ptr, '/');
		if (!slash || (size_t)(slash - dir.ptr) < n)
			break;
		dir.len = (size_t)(slash - dir.ptr);
		dir.ptr[dir.len] = '\0';
		found = has_entry(dir.len ? dir.ptr : "/", ".gitignore");
	}
	buf_release(&dir);
	return found;
}

/* source_collect with the working directory's real path and its repository (or NULL). */
static size_t collect(char *const *paths, size_t npaths, const char *cwd, struct git_repo *repo,
		      struct config_store *configs, struct source_list *out, struct buf *errors)
{
	size_t nerrors = 0;
	struct walk w = { configs, repo, out, NULL, errors, false };
	if (npaths == 0) {
		char *root = project_root(cwd, repo);
		w.root = root;
		w.fresh = out->len == 0;
		config_store_for(configs, root, true);
		walk_dir(&w, root, 0, gitignore_above(repo, root));
		free(root);
	}
	for (size_t i = 0; i < npaths; i++) {
		char *abs = canonical(paths[i]);
		struct stat st;
		if (stat(abs, &st) != 0) {
			buf_addf(errors, "cannot read '%s': %s\n", paths[i], strerror(errno));
			nerrors++;
		} else if (S_ISDIR(st.st_mode)) {
			/* the folder's repository: the working directory's when it is that folder
			 * (`postlint .`), which is open already */
			bool here = strcmp(abs, cwd) == 0;
			struct git_repo *own = here ? NULL : source_git_open(abs);
			w.repo = here ? repo : own;
			w.root = abs;
			w.fresh = out->len == 0;
			config_store_for(configs, abs, true);
			walk_dir(&w, abs, 0, gitignore_above(w.repo, abs));
			source_git_close(own);
			w.repo = repo;
		} else {
			/* a file named explicitly is linted whatever its extension or include say,
			 * but exclude still applies (pre-commit passes every staged file) */
			const struct config *c = config_store_for(configs, abs, false);
			if (!c || !config_excludes(c, abs))
				add_file(out, abs, c);
		}
		free(abs);
	}
	return nerrors;
}

size_t source_collect(char *const *paths, size_t npaths, struct config_store *configs,
		      struct source_list *out, struct buf *errors)
{
	char *cwd = canonical(".");
	struct git_repo *repo = source_git_open(cwd);
	size_t nerrors = collect(paths, npaths, cwd, repo, configs, out, errors);
	source_git_close(repo);
	free(cwd);
	return nerrors;
}

void source_list_release(struct source_list *list)
{
	for (size_t i = 0; i < list->len; i++) {
		free(list->items[i].abs_path);
		free(list->items[i].display);
		free(list->items[i].data);
	}
	free(list->items);
	free(list->excluded_stdin);
	free(list->slots);
	free(list->git_dir);
	memset(list, 0, sizeof(*list));
}

char *source_canonical(const char *path)
{
	return canonical(path);
}

size_t source_select(const struct source_query *q, struct config_store *configs,
		     struct source_list *files, struct source_list *calendar, struct buf *errors,
		     bool *fatal)
{
	*fatal = false;
	if (q->staged || q->since || q->rev)
		return source_git_select(q, configs, files, calendar, errors, fatal);
	/* the working directory's repository serves the walk and, when the query starts
	 * there, the calendar: each opening cost 130,000 instructions (`postlint .` opened it
	 * three times, 4% of a one-post lint) */
	char *cwd = canonical(".");
	struct git_repo *repo = source_git_open(cwd);
	size_t n = collect(q->paths, q->npaths, cwd, repo, configs, files, errors);
	source_git_calendar_head(q, repo, cwd, configs, files, calendar);
	source_git_close(repo);
	free(cwd);
	return n;
}
