/* Keeping the cache's per-post entries bounded (see cache_prune.h). */
#include "cache_prune.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define KEY_HEX 32 /* an entry's name: its key as 32 hex digits, then ".bin" */
#define DAY_SECONDS (24 * 60 * 60)
#define HOUR_SECONDS (60 * 60)

size_t cache_entries_limit(size_t posts_in_run)
{
	size_t limit = CACHE_ENTRIES_DEFAULT;
	const char *setting = getenv("POSTLINT_CACHE_ENTRIES");
	if (setting && *setting) {
		char *end;
		unsigned long long n = strtoull(setting, &end, 10);
		if (*end == '\0' && n > 0 && setting[0] != '-')
			limit = (size_t)n;
	}
	/* half the limit (what pruning keeps) below the repository's posts would remove
	 * entries the next run reuses */
	if (limit / 4 < posts_in_run)
		limit = posts_in_run * 4;
	return limit;
}

static int compare_keys(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

void cache_keys_sort(uint64_t (*keys)[2], size_t n)
{
	if (n > 1)
		qsort(keys, n, sizeof(*keys), compare_keys);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The key of an entry's file name, false for any other file. */
static bool entry_key_of(const char *name, uint64_t key[2])
{
	/* (".json": an entry of an earlier postlint, whose entries were JSON: pruned
	 * like any other entry no run uses) */
	size_t len = strlen(name);
	if (!((len == KEY_HEX + 4 && strcmp(name + KEY_HEX, ".bin") == 0) ||
	      (len == KEY_HEX + 5 && strcmp(name + KEY_HEX, ".json") == 0)))
		return false;
	key[0] = key[1] = 0;
	for (int i = 0; i < KEY_HEX; i++) {
		int v = hex_value(name[i]);
		if (v < 0)
			return false;
		key[i / 16] = key[i / 16] << 4 | (uint64_t)v;
	}
	return true;
}

static bool is_temporary(const char *name)
{
	size_t len = strlen(name);
	return len > 4 && strcmp(name + len - 4, ".tmp") == 0;
}

struct candidate {
	char *name;
	struct timespec mtime;
};

static int oldest_first(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* What pruning found: every entry, and those it may remove. */
struct scan {
	struct timespec now;
	const uint64_t (*used)[2];
	size_t n_used;
	struct candidate *old;
	size_t n_old, cap, remaining;
};

/* The entries and temporary files of one folder (sub of the cache's, "" for itself, which
 * holds the entries of earlier postlints), named by their path from the cache's folder. */
static void scan_folder(struct scan *sc, int top, const char *sub)
{
	int fd = *sub ? openat(top, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
		      : dup(top);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		uint64_t key[2];
		bool entry = entry_key_of(e->d_name, key);
		if (!entry && !is_temporary(e->d_name))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (!entry) {
			/* a run writes an entry's temporary file in a moment; one an hour old is
			 * what a killed run left */
			if (sc->now.tv_sec - st.st_mtim.tv_sec > HOUR_SECONDS)
				unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		sc->remaining++;
		if (sc->n_used && bsearch(key, sc->used, sc->n_used, sizeof(*sc->used),
					  compare_keys))
			continue; /* this run's: the next run will want it */
		xgrow((void **)&sc->old, &sc->cap, sc->n_old + 1, sizeof(*sc->old));
		struct buf name = BUF_INIT;
		buf_addf(&name, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
		sc->old[sc->n_old++] = (struct candidate){ buf_detach(&name, NULL), st.st_mtim };
	}
	closedir(d);
}

size_t cache_prune_entries(const char *dir, size_t keep, const uint64_t (*used)[2],
			   size_t n_used)
{
	int top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return 0;
	struct scan sc = { .used = used, .n_used = n_used };
	clock_gettime(CLOCK_REALTIME, &sc.now);
	scan_folder(&sc, top, "");
	for (unsigned k = 0; k < ENTRY_FOLDERS; k++) {
		char sub[3];
		snprintf(sub, sizeof(sub), "%02x", k);
		scan_folder(&sc, top, sub);
	}
	if (sc.remaining > keep) {
		qsort(sc.old, sc.n_old, sizeof(*sc.old), oldest_first);
		for (size_t i = 0; i < sc.n_old && sc.remaining > keep; i++)
			if (unlinkat(top, sc.old[i].name, 0) == 0)
				sc.remaining--;
	}
	close(top);
	for (size_t i = 0; i < sc.n_old; i++)
		free(sc.old[i].name);
	free(sc.old);
	return sc.remaining;
}

void cache_entry_touch(const char *path, const struct timespec *mtime)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec - mtime->tv_sec > DAY_SECONDS)
		utimensat(AT_FDCWD, path, NULL, 0);
}
