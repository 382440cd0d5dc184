/* Keeping the cache's folder of per-post entries bounded.
 *
 * Every edit of a rule, a .lintrc or postlint itself gives every post a new key, and every
 * committed version of a post keeps its own entry, so without pruning the folder only grows
 * (a benchmark's repository held 120,000 entries). The runs that write entries count them in
 * the folder's entries.count (cache.c); once the count passes the limit, the folder is listed and
 * the least recently used entries go. An entry's modification time is its last use: a run
 * that reuses an entry older than a day touches it (at most once a day, so a warm run makes
 * no extra system calls), and the entries the pruning run itself used are never removed. */
#ifndef POSTLINT_CACHE_PRUNE_H
#define POSTLINT_CACHE_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Entries lie in ENTRY_FOLDERS folders, "00" to "ff", by their key's first byte: the --jobs
 * workers write a cold run's entries at once, and two threads creating files in one folder
 * wait on its lock (10,000 entries in one folder cost a cold run 150-200 us of system time
 * each, 20 us spread over 256 - measured with two writers, ext4). */
#define ENTRY_FOLDERS 256

/* The entries kept by default: the posts of a large repository twice over. */
#define CACHE_ENTRIES_DEFAULT 20000

/* When the folder holds more entries than this (POSTLINT_CACHE_ENTRIES, else
 * CACHE_ENTRIES_DEFAULT, and never fewer than four times the posts of the run, linted or
 * context), it is pruned down to half of it. */
size_t cache_entries_limit(size_t posts_in_run);

/* Removes the least recently used entries of dir (named by their key: XX/KEY.bin, and KEY.json
 * or KEY.bin in dir itself from earlier postlints) until at most keep remain, never those
 * whose key is in used (n_used keys, sorted by cache_keys_sort), and any temporary file a
 * killed run left more than an hour ago. Returns the entries that remain. */
size_t cache_prune_entries(const char *dir, size_t keep, const uint64_t (*used)[2],
			   size_t n_used);
void cache_keys_sort(uint64_t (*keys)[2], size_t n);

/* Marks an entry as used now when its modification time is more than a day old. */
void cache_entry_touch(const char *path, const struct timespec *mtime);

#endif
