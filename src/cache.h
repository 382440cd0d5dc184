/* --cache: per-post results kept in the repository's git folder, so that a second run over
 * unchanged posts does not run their rules again.
 *
 * An entry is keyed by the post's bytes (git's blob id), its path, the config that governs
 * it (the .lintrc text), the command line's rule settings, and a fingerprint of every rule
 * file and library loaded (built-in, --rules-dir, plugins) plus postlint's version. Changing
 * any of these makes new keys; old entries are not read again, and are pruned
 * (cache_prune.h). Reports holding rule errors are not stored (a budget error is not a
 * property of the post). What the rules across posts' collect functions return for the post
 * is stored with it; the findings of those rules are stored per calendar
 * (cache_calendar_find), the caller merging them after. */
#ifndef POSTLINT_CACHE_H
#define POSTLINT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"
#include "source.h"

struct cache;

/* The cache of the repository at the working directory for a session's rules, or NULL
 * outside a repository (with the reason in err). */
struct cache *cache_open(const struct session *s, struct buf *err);
/* How many posts this run lints: from ENTRY_PACK_FROM (cache.c) on, it keeps their entries in
 * one pack rather than a file each. */
void cache_expect_posts(struct cache *c, size_t posts);
/* session_lint_collect through the cache: a stored report (and collected data, when col is
 * not NULL) when there is one, else lints and stores. With c NULL it is session_lint_collect.
 * Returns whether the result is the entry's, reused or stored (not when a rule failed),
 * with the entry's key in key (when not NULL): what cache_calendar_find's key is made of. */
bool cache_lint(struct cache *c, struct session *s, struct post *post, const char *abs_path,
		const struct config *cfg, struct report *report, struct collected *col,
		uint64_t key[2]);
/* session_collect through the cache, for a post of the calendar that is not linted: the
 * collected data of its entry when there is one, else session_collect's (nothing stored:
 * the pack of light posts keeps what the next run needs, cache_light_keep). */
bool cache_collect(struct cache *c, struct session *s, struct post *post, const char *abs_path,
		   const struct config *cfg, struct collected *col);
/* Light posts (see light_pack.h), for the calendar's posts when check_set of rules with
 * collect is all that reads them. Main thread only. */
/* A calendar file answered by its blob id without reading it: true when the pack has the
 * entry of key (cache_post_key's), with *seen whether rules see the post. Its light post is
 * made by cache_light_load only if the calendar is judged: a retried commit's calendar is
 * answered by cache_calendar_find from the posts' keys alone. */
bool cache_light_peek(struct cache *c, const uint64_t key[2], bool *seen);
/* The light post of an entry cache_light_peek found seen, in *post (named display, with col
 * its collected data); false when its payload turns out damaged (dropped: read and collect
 * the post again). */
bool cache_light_load(struct cache *c, const struct session *s, const uint64_t key[2],
		      const char *display, struct post **post, struct collected *col);
/* Keeps a calendar post's light form for the next run, unless the pack has it: post (shrunk;
 * NULL or col->n == 0 when rules do not see it) and what was collected from it, under f's
 * blob id. Written by cache_close. */
void cache_light_keep(struct cache *c, const struct session *s, const struct source_file *f,
		      const struct post *post, const struct collected *col);
/* The calendar's findings: those of the rules across posts with collect, on a calendar
 * whose every post has a key (cache_lint's, or cache_post_key for a post of git's calendar,
 * by its blob id) - the key given here mixes them in calendar order. With --cache an
 * unchanged repository does not run those rules again.
 * cache_post_key: the key of a calendar post that is not linted (f->blob_id set). */
void cache_post_key(const struct cache *c, const struct source_file *f, uint64_t key[2]);
/* Adds the stored findings to the linted posts' reports; false (reports untouched) when
 * there is no entry for key. */
bool cache_calendar_find(struct cache *c, const uint64_t key[2], struct set_post *posts,
			 size_t n);
/* Stores the findings the rules added to each linted post's report after its first
 * before[i] ones. */
void cache_calendar_keep(struct cache *c, const uint64_t key[2], const struct set_post *posts,
			 size_t n, const size_t *before);
/* Posts answered from the cache and posts linted, so far. */
void cache_counts(const struct cache *c, size_t *reused, size_t *linted);
const char *cache_dir(const struct cache *c);
void cache_close(struct cache *c);

#endif
