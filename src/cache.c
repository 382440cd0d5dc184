/* The result cache (see cache.h). Entries are small files in the host's binary form named by
 * their key, written through a temporary file and rename, so concurrent runs never read half
 * an entry. */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_id.h"
#include "cache_prune.h"
#include "embedded.h"
#include "light_pack.h"
#include "schedule.h"
#include "source.h"
#include "unicode.h"
#include "util/hash.h"
#include "util/xalloc.h"
#include "value_bin.h"
#include "version.h"

struct cache {
	char *dir;
	uint64_t run[2]; /* fingerprint of postlint, rules and command line */
	_Atomic size_t reused, linted; /* counted by every --jobs worker */
	_Atomic size_t written; /* entries written */
	/* the keys of the entries this run used, which pruning keeps (every worker adds) */
	pthread_mutex_t used_lock;
	uint64_t (*used)[2];
	size_t n_used, used_cap;
	struct light_pack *pack; /* light posts (main thread), loaded on first use */
	/* the entries of large runs (see ENTRY_PACK_FROM), loaded on first use (under the
	 * lock: any worker may be first) */
	pthread_mutex_t entries_lock;
	struct light_pack *entries;
	bool pack_entries; /* this run stores its entries there */
};


static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .lua file under dir (sorted, recursive): names and contents. */
static void mix_tree(uint64_t h[2], const char *dir, int depth)
{
	DIR *d = depth < 16 ? opendir(dir) : NULL;
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(char *));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), compare_names);
	for (size_t i = 0; i < n; i++) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/%s", dir, names[i]);
		struct stat st;
		size_t len = strlen(names[i]);
		if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
			mix_tree(h, path.ptr, depth + 1);
		} else if (len > 4 && strcmp(names[i] + len - 4, ".lua") == 0) {
			char *data;
			size_t size;
			hash128_mixs(h, path.ptr);
			if (source_read(path.ptr, &data, &size, NULL) == 0) {
				hash128_mix(h, data, size);
				free(data);
			}
		}
		buf_release(&path);
		free(names[i]);
	}
	free(names);
}

static void run_fingerprint(const struct session *s, uint64_t h[2])
{
	hash128_mixs(h, "postlint " POSTLINT_VERSION);
	/* this build (its code in C: the tokenizer, the analyses) and the Unicode tables of the
	 * utf8proc it loads (words, folding and graphemes follow them) */
	size_t build_len;
	const unsigned char *build = build_id(&build_len);
	if (build)
		hash128_mix(h, build, build_len);
	hash128_mixs(h, uni_library_version());
	for (size_t o = 0; o < s->rules->norigins; o++) {
		const struct rule_origin *origin = &s->rules->origins[o];
		hash128_mixs(h, origin->name);
		if (!origin->dir) {
			for (size_t i = 0; i < builtin_rule_files_count; i++) {
				hash128_mixs(h, builtin_rule_files[i].name);
				hash128_mix(h, builtin_rule_files[i].data,
					    builtin_rule_files[i].len);
			}
		} else {
			mix_tree(h, origin->dir, 0);
		}
	}
	for (size_t i = 0; i < s->opts.noverrides; i++) {
		const struct rule_override *o = &s->opts.overrides[i];
		char sev[32];
		snprintf(sev, sizeof(sev), "%d/%d", (int)o->severity, (int)o->use_default);
		hash128_mixs(h, o->id);
		hash128_mixs(h, sev);
	}
	for (char **id = s->opts.only; id && *id; id++)
		hash128_mixs(h, *id);
}

struct cache *cache_open(const struct session *s, struct buf *err)
{
	char *cwd = realpath(".", NULL);
	struct git_repo *repo = cwd ? source_git_open(cwd) : NULL;
	free(cwd);
	if (!repo) {
		buf_adds(err, "--cache: not in a git repository, so results are not cached");
		return NULL;
	}
	struct cache *c = xcalloc(1, sizeof(*c));
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s/postlint", source_git_dir(repo));
	mkdir(dir.ptr, 0777);
	buf_adds(&dir, "/cache");
	if (mkdir(dir.ptr, 0777) != 0 && errno != EEXIST) {
		buf_addf(err, "--cache: cannot create '%s': %s", dir.ptr, strerror(errno));
		buf_release(&dir);
		free(c);
		source_git_close(repo);
		return NULL;
	}
	source_git_close(repo);
	c->dir = buf_detach(&dir, NULL);
	pthread_mutex_init(&c->used_lock, NULL);
	pthread_mutex_init(&c->entries_lock, NULL);
	c->run[0] = 0xcbf29ce484222325ULL;
	c->run[1] = 0x84222325cbf29ce4ULL;
	run_fingerprint(s, c->run);
	return c;
}

static void account_entries(struct cache *c);

void cache_close(struct cache *c)
{
	if (!c)
		return;
	if (c->pack)
		light_pack_save(c->pack);
	light_pack_free(c->pack);
	if (c->entries && c->pack_entries) {
		/* as many entries as the single files may number (cache_prune.h), those of this
		 * run first: a run over a folder keeps the rest of the repository's */
		light_pack_set_cap(c->entries, cache_entries_limit(c->reused + c->linted));
		light_pack_save(c->entries);
	}
	light_pack_free(c->entries);
	account_entries(c);
	pthread_mutex_destroy(&c->used_lock);
	pthread_mutex_destroy(&c->entries_lock);
	free(c->used);
	free(c->dir);
	free(c);
}

void cache_counts(const struct cache *c, size_t *reused, size_t *linted)
{
	*reused = c ? c->reused : 0;
	*linted = c ? c->linted : 0;
}

const char *cache_dir(const struct cache *c)
{
	return c ? c->dir : "";
}

/* An entry's key: the post's bytes (git's blob id), where it is, its config, and the run. */
static void entry_key(const struct cache *c, const char *blob_id, const char *abs_path,
		      const char *display, const struct config *cfg, uint64_t h[2])
{
	h[0] = c->run[0];
	h[1] = c->run[1];
	hash128_mixs(h, blob_id);
	hash128_mixs(h, abs_path);
	hash128_mixs(h, display);
	/* the config's path, folder and text, hashed once per config */
	static const uint64_t no_config[2] = { 0, 0 };
	hash128_mix(h, cfg ? cfg->identity : no_config, sizeof(no_config));
}

static char *entry_path(const struct cache *c, const struct post *post, const char *abs_path,
			const struct config *cfg, uint64_t h[2])
{
	char blob[41];
	source_git_blob_id(post->text, post->len, blob);
	entry_key(c, blob, abs_path, post->path, cfg, h);
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%02x/%016llx%016llx.bin", c->dir,
		 (unsigned)(h[0] >> 56) % ENTRY_FOLDERS, (unsigned long long)h[0],
		 (unsigned long long)h[1]);
	return buf_detach(&p, NULL);
}

/* ---- entries ------------------------------------------------------------------------------
 * An entry, in the host's binary form (value_bin's varints and strings) - as JSON, parsing
 * 10,000 entries took 100 ms of a warm run's 290 ms of CPU:
 *   ENTRY_MAGIC, the checksum of the rest (hash_checksum32, 4 bytes in the machine's order),
 *   varint flags (entry_flags), [the post's language when ENTRY_COLLECTED], [varint length,
 *   then the collected data (put_collected) when ENTRY_SEEN], varint findings, each as
 *   put_finding writes it (the calendar entries' form).
 * The checksum makes any damage cost the entry (its post is linted again) rather than a wrong
 * number or flag passing for a result. The collected data goes before the findings, with its
 * length, so that a context post reads no finding. */

#define ENTRY_MAGIC "postlint-entry-5\n"

enum entry_flags {
	ENTRY_SKIPPED = 1,   /* the report's skipped (the post's front matter says so) */
	ENTRY_COLLECTED = 2, /* made by a run with rules that collect: the language follows */
	ENTRY_SEEN = 4,      /* rules see the post: its collected data follows (ENTRY_COLLECTED) */
};

/* An entry as read: its bytes and where its parts lie in them. */
struct entry {
	char *data; /* the file's bytes, or the pack's record's (a copy: owned) */
	size_t len;
	bool from_pack;
	struct timespec mtime; /* a file's */
	unsigned flags;
	const char *lang; /* ENTRY_COLLECTED: the language guessed when it was linted */
	size_t lang_len;
	const unsigned char *collected; /* ENTRY_SEEN: put_collected's bytes */
	size_t collected_len;
	struct bin_reader findings; /* at the count of findings */
};

static void put_text(struct buf *out, const char *s, size_t len)
{
	value_bin_put_varint(out, len);
	buf_add(out, s, len);
}

static void put_edits(struct buf *out, const struct edit *edits, size_t n)
{
	value_bin_put_varint(out, n);
	for (size_t i = 0; i < n; i++) {
		value_bin_put_varint(out, edits[i].start);
		value_bin_put_varint(out, edits[i].end);
		put_text(out, edits[i].text, edits[i].text_len);
	}
}

/* A finding: rule, varint severity, message, varint start, varint end, varint flags (1
 * internal, 2 detail follows), [detail], the fix's edits, varint suggestions, per suggestion
 * its title and edits; edits are a varint count and (varint start, varint end, text). */
static void put_finding(struct buf *out, const struct finding *f)
{
	put_text(out, f->rule, strlen(f->rule));
	value_bin_put_varint(out, (uint64_t)f->severity);
	put_text(out, f->message, strlen(f->message));
	value_bin_put_varint(out, f->start);
	value_bin_put_varint(out, f->end);
	value_bin_put_varint(out, (f->internal ? 1u : 0u) | (f->detail ? 2u : 0u));
	if (f->detail)
		put_text(out, f->detail, strlen(f->detail));
	put_edits(out, f->fix, f->nfix);
	value_bin_put_varint(out, f->nsuggestions);
	for (size_t k = 0; k < f->nsuggestions; k++) {
		put_text(out, f->suggestions[k].title, strlen(f->suggestions[k].title));
		put_edits(out, f->suggestions[k].edits, f->suggestions[k].nedits);
	}
}

static char *get_text(struct bin_reader *r)
{
	size_t len;
	const char *s = value_bin_get_bytes(r, &len);
	return s ? xstrndup(s, len) : NULL;
}

/* Edits read into *out (owned); false when damaged or outside the post. */
static bool get_edits(struct bin_reader *r, const struct post *post, struct edit **out,
		      size_t *n)
{
	uint64_t count = value_bin_get_varint(r);
	*out = NULL;
	*n = 0;
	if (!r->ok || count > (uint64_t)(r->end - r->p))
		return false;
	*out = count ? xcalloc((size_t)count, sizeof(**out)) : NULL;
	for (size_t i = 0; i < count; i++) {
		uint64_t start = value_bin_get_varint(r), end = value_bin_get_varint(r);
		size_t len;
		const char *text = value_bin_get_bytes(r, &len);
		if (!text || start > end || end > post->len)
			return false;
		(*out)[(*n)++] = (struct edit){ (size_t)start, (size_t)end, xstrndup(text, len),
						len };
	}
	return true;
}

/* One finding read into *f (owned, released by the caller when this fails). */
static bool get_finding(struct bin_reader *r, const struct post *post, struct finding *f)
{
	memset(f, 0, sizeof(*f));
	f->rule = get_text(r);
	uint64_t severity = value_bin_get_varint(r);
	f->message = get_text(r);
	uint64_t start = value_bin_get_varint(r), end = value_bin_get_varint(r);
	uint64_t flags = value_bin_get_varint(r);
	if (!f->rule || !f->message || severity > SEVERITY_ERROR || start > end ||
	    end > post->len)
		return false;
	f->severity = (enum severity)severity;
	f->start = (size_t)start;
	f->end = (size_t)end;
	f->internal = flags & 1;
	if ((flags & 2) && !(f->detail = get_text(r)))
		return false;
	if (!get_edits(r, post, &f->fix, &f->nfix))
		return false;
	uint64_t nsuggestions = value_bin_get_varint(r);
	if (!r->ok || nsuggestions > (uint64_t)(r->end - r->p))
		return false;
	f->suggestions = nsuggestions ? xcalloc((size_t)nsuggestions, sizeof(*f->suggestions))
				      : NULL;
	for (size_t k = 0; k < nsuggestions; k++) {
		struct suggestion *sg = &f->suggestions[f->nsuggestions++];
		if (!(sg->title = get_text(r)) || !get_edits(r, post, &sg->edits, &sg->nedits))
			return false;
	}
	return r->ok;
}

/* Each rule's data (a tree, or already in binary: collected_compact) as (id, value) pairs in
 * value_bin's form after their count: how the pack of light posts and the per-post entries
 * keep it. */
static void put_collected(struct buf *out, const struct session *s, const struct collected *col)
{
	struct buf pairs = BUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < s->rules->nrules; i++) {
		const struct rule *r = &s->rules->rules[i];
		if (!r->has_collect || r->collect_slot >= col->n)
			continue;
		size_t k = r->collect_slot;
		const struct collected_raw *raw = col->raw ? &col->raw[k] : NULL;
		if (!col->values[k] && !(raw && raw->bytes))
			continue;
		n++;
		value_bin_put_varint(&pairs, strlen(r->id));
		buf_adds(&pairs, r->id);
		if (col->values[k])
			value_bin_put(&pairs, col->values[k]);
		else
			buf_add(&pairs, raw->bytes, raw->len);
	}
	value_bin_put_varint(out, n);
	buf_add(out, pairs.ptr, pairs.len);
	buf_release(&pairs);
}

static int collect_slot_of(const struct session *s, const char *id, size_t len);

/* Reads put_collected's pairs into col (made here) as raw slots pointing into r's bytes,
 * each checked as value_bin_get would; false (col released) when they are damaged or name
 * a rule not loaded. */
static bool get_collected(const struct session *s, struct bin_reader *r, struct collected *col)
{
	uint64_t n = value_bin_get_varint(r);
	collected_init(col, s->rules->ncollect);
	col->raw = xcalloc(col->n ? col->n : 1, sizeof(*col->raw));
	for (uint64_t i = 0; i < n && r->ok; i++) {
		size_t id_len;
		const char *id = value_bin_get_bytes(r, &id_len);
		const unsigned char *at = r->p;
		int k = id && value_bin_skip(r) ? collect_slot_of(s, id, id_len) : -1;
		if (k < 0 || col->raw[k].bytes)
			r->ok = false;
		else
			col->raw[k] = (struct collected_raw){ at, (size_t)(r->p - at) };
	}
	if (!r->ok) {
		collected_release(col);
		return false;
	}
	return true;
}

/* The post's language as the entry keeps it (guessed when the post was linted): a light post
 * keeps no words to guess it from again. */
static void entry_lang(const struct entry *e, struct post *post)
{
	if (!post->lang_guessed)
		snprintf(post->lang, sizeof(post->lang), "%.*s", (int)e->lang_len, e->lang);
}

/* Fills col from an entry's collected data (copied: the entry's bytes go when it has been
 * read) and the post's language from it; false when the entry has none (made without) or it
 * is damaged. */
static bool collected_from(const struct session *s, const struct entry *e, struct post *post,
			   struct collected *col)
{
	if (!(e->flags & ENTRY_COLLECTED))
		return false;
	if (!(e->flags & ENTRY_SEEN)) {
		entry_lang(e, post);
		return true; /* rules do not see this post */
	}
	unsigned char *bytes = xmalloc(e->collected_len ? e->collected_len : 1);
	memcpy(bytes, e->collected, e->collected_len);
	struct bin_reader r = { bytes, bytes + e->collected_len, true };
	if (!get_collected(s, &r, col) || r.p != r.end) {
		if (r.ok)
			collected_release(col); /* (get_collected released it when damaged) */
		free(bytes);
		return false;
	}
	col->raw_owned = bytes; /* what raw points into */
	entry_lang(e, post);
	return true;
}

/* Fills report from an entry's findings; -1 when they do not fit the post or are damaged, or
 * bytes follow them (the report is then emptied by the caller). */
static int report_from(struct entry *e, const struct post *post, struct report *report)
{
	struct bin_reader *r = &e->findings;
	uint64_t n = value_bin_get_varint(r);
	if (!r->ok || n > (uint64_t)(r->end - r->p))
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		struct finding f;
		if (!get_finding(r, post, &f)) {
			finding_release(&f);
			return -1;
		}
		report_add(report, &f);
	}
	if (!r->ok || r->p != r->end)
		return -1;
	report->skipped = (e->flags & ENTRY_SKIPPED) != 0;
	return 0;
}

static void clear(struct report *r)
{
	for (size_t i = 0; i < r->findings.len; i++)
		finding_release(&r->findings.items[i]);
	r->findings.len = 0;
	r->skipped = false;
}

static bool collect_failed(const struct collected *col)
{
	for (size_t i = 0; col && i < col->n; i++)
		if (col->errors[i])
			return true;
	return false;
}

/* Replaces path with bytes through a temporary file and a rename, so that no reader sees
 * half an entry (a failed write leaves no temporary file behind). A cache that cannot be
 * written is only slower: no message, only the answer. */
static bool write_entry(const char *path, const char *bytes, size_t len)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp.ptr, "wb");
	if (!f && errno == ENOENT) {
		/* the entry's folder (cache_prune.h), made when first written to */
		char *slash = strrchr(tmp.ptr, '/');
		*slash = '\0';
		mkdir(tmp.ptr, 0777);
		*slash = '/';
		f = fopen(tmp.ptr, "wb");
	}
	bool written = f && fwrite(bytes, 1, len, f) == len;
	if (f && fclose(f) != 0)
		written = false;
	if (written)
		written = rename(tmp.ptr, path) == 0;
	if (f && !written)
		unlink(tmp.ptr);
	buf_release(&tmp);
	return written;
}

/* A large run's entries go to one pack, written once at its end (cache_close), rather than
 * to a file each: creating 10,000 files cost a cold run of 10,000 posts 0.2-1.2 s (ext4 passes
 * over the inodes it freed lately for each), and opening them a warm run 10,000 opens. A
 * smaller run (a commit's hook, an editor's file) writes single files: rewriting the pack
 * for a post or two would cost more than the post. */
#define ENTRY_PACK_FROM 256

void cache_expect_posts(struct cache *c, size_t posts)
{
	if (c)
		c->pack_entries = posts >= ENTRY_PACK_FROM;
}

/* The pack of entries, loaded by the first worker that asks. */
static struct light_pack *entries_of(struct cache *c)
{
	pthread_mutex_lock(&c->entries_lock);
	if (!c->entries) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/entries.pack", c->dir);
		c->entries = light_pack_load(path.ptr, false); /* (a run reads some of it) */
		buf_release(&path);
	}
	pthread_mutex_unlock(&c->entries_lock);
	return c->entries;
}

/* Writes the entry of a post: its report, and with col (a run whose rules collect) its
 * language and whether rules see it, with their data; to the pack in a large run, else to
 * its file at path. */
static void store(struct cache *c, const char *path, const uint64_t key[2],
		  const struct session *s, struct post *post, const struct report *r,
		  const struct collected *col)
{
	struct buf entry = BUF_INIT;
	buf_adds(&entry, ENTRY_MAGIC);
	const size_t body = entry.len + sizeof(uint32_t);
	buf_add(&entry, "\0\0\0\0", sizeof(uint32_t)); /* the checksum, once the rest is there */
	unsigned flags = (r->skipped ? ENTRY_SKIPPED : 0u) | (col ? ENTRY_COLLECTED : 0u) |
			 (col && col->seen ? ENTRY_SEEN : 0u);
	value_bin_put_varint(&entry, flags);
	if (col) {
		post_tokens(post); /* the language guess, when no rule asked for words */
		put_text(&entry, post->lang, strlen(post->lang));
	}
	if (flags & ENTRY_SEEN) {
		struct buf data = BUF_INIT;
		put_collected(&data, s, col);
		put_text(&entry, data.ptr, data.len);
		buf_release(&data);
	}
	value_bin_put_varint(&entry, r->findings.len);
	for (size_t i = 0; i < r->findings.len; i++)
		put_finding(&entry, &r->findings.items[i]);
	uint32_t check = hash_checksum32(entry.ptr + body, entry.len - body);
	memcpy(entry.ptr + body - sizeof(check), &check, sizeof(check));
	if (c->pack_entries) {
		/* (a record of the key found this run was not fit to use: this one replaces it) */
		light_pack_drop(entries_of(c), key);
		light_pack_add(c->entries, key, entry.ptr, entry.len, 0);
	} else if (write_entry(path, entry.ptr, entry.len)) {
		c->written++;
	}
	buf_release(&entry);
}

/* Finds the parts of the entry whose bytes e holds (e->data, e->len), its checksum and header
 * checked; false when it is damaged (e then holds nothing to release). The findings and the
 * collected data are checked by report_from and collected_from, which read them. */
static bool parse_entry(struct entry *e)
{
	size_t body = strlen(ENTRY_MAGIC) + sizeof(uint32_t);
	uint32_t check = 0;
	bool whole = e->len >= body && memcmp(e->data, ENTRY_MAGIC, strlen(ENTRY_MAGIC)) == 0;
	if (whole)
		memcpy(&check, e->data + body - sizeof(check), sizeof(check));
	struct bin_reader r = { (const unsigned char *)e->data + body,
				(const unsigned char *)e->data + e->len,
				whole && hash_checksum32(e->data + body, e->len - body) == check };
	uint64_t flags = r.ok ? value_bin_get_varint(&r) : 0;
	bool ok = r.ok && flags <= (ENTRY_SKIPPED | ENTRY_COLLECTED | ENTRY_SEEN) &&
		  (!(flags & ENTRY_SEEN) || (flags & ENTRY_COLLECTED));
	if (ok && (flags & ENTRY_COLLECTED)) {
		e->lang = value_bin_get_bytes(&r, &e->lang_len);
		ok = e->lang && e->lang_len < sizeof(((struct post *)0)->lang);
	}
	if (ok && (flags & ENTRY_SEEN))
		ok = (e->collected = (const unsigned char *)value_bin_get_bytes(
			      &r, &e->collected_len)) != NULL;
	if (!ok) {
		free(e->data);
		memset(e, 0, sizeof(*e));
		return false;
	}
	e->flags = (unsigned)flags;
	e->findings = r;
	return true;
}

static bool load_entry(const char *path, struct entry *e)
{
	memset(e, 0, sizeof(*e));
	struct stat st;
	if (source_read_stat(path, &e->data, &e->len, &st, NULL) < 0)
		return false;
	e->mtime = st.st_mtim;
	return parse_entry(e);
}

/* load_entry from the pack of entries. */
static bool pack_entry(struct cache *c, const uint64_t key[2], struct entry *e)
{
	memset(e, 0, sizeof(*e));
	struct buf record = BUF_INIT;
	bool found = light_pack_read(entries_of(c), key, &record);
	if (!found) {
		buf_release(&record);
		return false;
	}
	e->data = buf_detach(&record, &e->len);
	e->from_pack = true;
	return parse_entry(e);
}

/* The entry of key: a large run looks in the pack first, where it keeps its entries, any
 * other run in its file first, where it keeps them, and then in the pack only for a context
 * post (linted is false). A commit's staged post is linted again rather than looked up in
 * the pack: loading the pack's index of 10,000 entries cost a new commit's hook 0.7 ms, the
 * post's lint less, and a run over a few posts reads their calendar from it all the same. */
static bool find_entry(struct cache *c, const uint64_t key[2], const char *path, bool linted,
		       struct entry *e)
{
	if (c->pack_entries)
		return pack_entry(c, key, e) || load_entry(path, e);
	return load_entry(path, e) || (!linted && pack_entry(c, key, e));
}

/* A reused entry's file is touched now and then (cache_entry_touch: its last use, for the
 * pruning); a record of the pack ages by the pack's saves. */
static void touch(const struct entry *e, const char *path)
{
	if (!e->from_pack)
		cache_entry_touch(path, &e->mtime);
}

/* The run used the entry with key h (read or written): pruning keeps it. */
static void note_use(struct cache *c, const uint64_t h[2])
{
	pthread_mutex_lock(&c->used_lock);
	xgrow((void **)&c->used, &c->used_cap, c->n_used + 1, sizeof(*c->used));
	c->used[c->n_used][0] = h[0];
	c->used[c->n_used][1] = h[1];
	c->n_used++;
	pthread_mutex_unlock(&c->used_lock);
}

bool cache_lint(struct cache *c, struct session *s, struct post *post, const char *abs_path,
		const struct config *cfg, struct report *report, struct collected *col,
		uint64_t key[2])
{
	if (!c) {
		session_lint_collect(s, post, abs_path, cfg, report, col);
		return false;
	}
	uint64_t h[2];
	char *path = entry_path(c, post, abs_path, cfg, h);
	if (key) {
		key[0] = h[0];
		key[1] = h[1];
	}
	struct entry e;
	bool found = find_entry(c, h, path, true, &e);
	note_use(c, h);
	if (found && report_from(&e, post, report) == 0) {
		bool whole = true;
		if (col && !collected_from(s, &e, post, col)) {
			/* its data damaged (or made without): collected again, and the entry
			 * written anew with it, so that the next run reuses it whole */
			session_collect(s, post, abs_path, cfg, col);
			whole = !collect_failed(col);
			if (whole)
				store(c, path, h, s, post, report, col);
		}
		free(e.data);
		report_locate(report, post);
		report_sort(report);
		touch(&e, path);
		c->reused++;
		free(path);
		return whole;
	}
	free(e.data);
	clear(report);
	size_t rule_errors = s->rule_errors;
	session_lint_collect(s, post, abs_path, cfg, report, col);
	c->linted++;
	bool storable = s->rule_errors == rule_errors && !collect_failed(col);
	if (storable)
		store(c, path, h, s, post, report, col);
	free(path);
	return storable;
}

bool cache_collect(struct cache *c, struct session *s, struct post *post, const char *abs_path,
		   const struct config *cfg, struct collected *col)
{
	if (!c)
		return session_collect(s, post, abs_path, cfg, col);
	uint64_t h[2];
	char *path = entry_path(c, post, abs_path, cfg, h);
	struct entry e;
	bool found = find_entry(c, h, path, false, &e);
	note_use(c, h);
	/* (a context post reads no finding: they are checked when the post is linted) */
	found = found && collected_from(s, &e, post, col);
	free(e.data);
	if (!found) {
		/* collected only, and not stored: the pack of light posts keeps what the next
		 * hook needs. Linted whole and stored (for a later run that lints it), a commit's
		 * hook after an edit of a rule or an upgrade, when every context post is read
		 * anew, took 1.74 s instead of 0.37 s in a repository of 10,000 posts */
		session_collect(s, post, abs_path, cfg, col);
		c->linted++; /* (read anew: counted with the linted, as the pruning limit wants) */
	} else {
		touch(&e, path);
		c->reused++;
	}
	free(path);
	return col->seen;
}

/* ---- the calendar's findings ------------------------------------------------------------
 * An entry per calendar (in cache/calendars/): the findings the rules across posts with
 * collect made on its linted posts, keyed by every post's key in calendar order (the caller
 * mixes them: cmd_lint.c, calendar_key). Such rules
 * see a post only through what its key stands for (its bytes, path and config, the rules and
 * the command line), so the same keys give the same findings. In the host's binary form
 * (value_bin's varints and strings), not JSON: 6,658 findings of a 10,000-post calendar were
 * 2.8 MB of JSON, whose parse took 500 million instructions. The form:
 *   CALENDAR_MAGIC, varint posts; per post: varint index, varint findings, and each
 *   finding as put_finding writes it (the per-post entries' form, above). */

#define CALENDAR_MAGIC "postlint-calendar-3\n"

void cache_post_key(const struct cache *c, const struct source_file *f, uint64_t key[2])
{
	entry_key(c, f->blob_id, f->abs_path, f->display, f->config, key);
}

static char *calendar_path(const struct cache *c, const uint64_t key[2])
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/calendars/%016llx%016llx.bin", c->dir, (unsigned long long)key[0],
		 (unsigned long long)key[1]);
	return buf_detach(&p, NULL);
}

bool cache_calendar_find(struct cache *c, const uint64_t key[2], struct set_post *posts,
			 size_t n)
{
	if (!c)
		return false;
	char *path = calendar_path(c, key);
	char *data = NULL;
	size_t len = 0;
	bool ok = source_read(path, &data, &len, NULL) == 0 && len >= strlen(CALENDAR_MAGIC) &&
		  memcmp(data, CALENDAR_MAGIC, strlen(CALENDAR_MAGIC)) == 0;
	free(path);
	struct bin_reader r = { NULL, NULL, false };
	if (ok)
		r = (struct bin_reader){ (const unsigned char *)data + strlen(CALENDAR_MAGIC),
					 (const unsigned char *)data + len, true };
	size_t *before = ok ? xcalloc(n + 1, sizeof(*before)) : NULL;
	for (size_t i = 0; ok && i < n; i++)
		before[i] = posts[i].report ? posts[i].report->findings.len : 0;
	uint64_t nposts = ok ? value_bin_get_varint(&r) : 0;
	for (uint64_t k = 0; ok && r.ok && k < nposts; k++) {
		uint64_t at = value_bin_get_varint(&r), nfindings = value_bin_get_varint(&r);
		ok = r.ok && at < n && posts[at].report;
		for (uint64_t j = 0; ok && j < nfindings; j++) {
			struct finding f;
			ok = get_finding(&r, posts[at].post, &f);
			if (ok)
				report_add(posts[at].report, &f);
			else
				finding_release(&f);
		}
	}
	ok = ok && r.ok && r.p == r.end;
	if (!ok && before) {
		/* an entry that does not fit adds nothing: what it added so far goes */
		for (size_t i = 0; i < n; i++) {
			struct report *rep = posts[i].report;
			while (rep && rep->findings.len > before[i])
				finding_release(&rep->findings.items[--rep->findings.len]);
		}
	}
	free(before);
	free(data);
	return ok;
}

/* Calendar entries kept: a run whose calendar changed writes a new one (1.7 MB for 10,000
 * posts with thousands of findings), so only the newest few stay - enough for a branch or
 * two of pre-commit runs and the CI's. */
#define CALENDARS_KEPT 8

struct calendar_file {
	char *name;
	struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct calendar_file *)a)->mtime;
	const struct timespec *y = &((const struct calendar_file *)b)->mtime;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? 1 : -1;
	return (x->tv_nsec < y->tv_nsec) - (x->tv_nsec > y->tv_nsec);
}

/* Removes all but the CALENDARS_KEPT newest calendar entries (after one was written). They
 * have a folder of their own: the cache's folder holds an entry per post, and listing 100,000
 * of them took longer than the rest of a commit's hook. */
static void prune_calendars(const struct cache *c)
{
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s/calendars", c->dir);
	DIR *d = opendir(dir.ptr);
	buf_release(&dir);
	if (!d)
		return;
	struct calendar_file *files = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		if (len < 4 || strcmp(e->d_name + len - 4, ".bin") != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		xgrow((void **)&files, &cap, n + 1, sizeof(*files));
		files[n++] = (struct calendar_file){ xstrdup(e->d_name), st.st_mtim };
	}
	if (n > CALENDARS_KEPT) {
		qsort(files, n, sizeof(*files), newest_first);
		for (size_t i = CALENDARS_KEPT; i < n; i++)
			unlinkat(dirfd(d), files[i].name, 0);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
}

void cache_calendar_keep(struct cache *c, const uint64_t key[2], const struct set_post *posts,
			 size_t n, const size_t *before)
{
	if (!c)
		return;
	struct buf out = BUF_INIT;
	buf_adds(&out, CALENDAR_MAGIC);
	size_t nposts = 0;
	for (size_t i = 0; i < n; i++)
		nposts += posts[i].report && posts[i].report->findings.len > before[i];
	value_bin_put_varint(&out, nposts);
	for (size_t i = 0; i < n; i++) {
		const struct report *r = posts[i].report;
		if (!r || r->findings.len <= before[i])
			continue;
		/* only the findings this calendar's rules added (the others are the post's) */
		value_bin_put_varint(&out, i);
		value_bin_put_varint(&out, r->findings.len - before[i]);
		for (size_t k = before[i]; k < r->findings.len; k++)
			put_finding(&out, &r->findings.items[k]);
	}
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s/calendars", c->dir);
	mkdir(dir.ptr, 0777);
	buf_release(&dir);
	char *path = calendar_path(c, key);
	if (write_entry(path, out.ptr, out.len))
		prune_calendars(c);
	buf_release(&out);
	free(path);
}

/* ---- light posts: the pack --------------------------------------------------------------
 * A payload: a varint of flags (LIGHT_SEEN: rules see the post), then for a post rules see
 * its language, its meta, its collected data as (rule id, value) pairs, and its time (a
 * varint: 0 for none, else the time zigzagged, plus one). The time is kept rather than found
 * again in the meta and path: parsing it was 4% of a new commit's hook, for 10,000 posts. */

#define LIGHT_SEEN 1u

static struct light_pack *pack_of(struct cache *c)
{
	if (!c->pack) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/light.pack", c->dir);
		c->pack = light_pack_load(path.ptr, true);
		buf_release(&path);
	}
	return c->pack;
}

/* The collect_slot of the rule with collect named id, or -1. */
static int collect_slot_of(const struct session *s, const char *id, size_t len)
{
	for (size_t i = 0; i < s->rules->nrules; i++) {
		const struct rule *r = &s->rules->rules[i];
		if (r->has_collect && strlen(r->id) == len && memcmp(r->id, id, len) == 0)
			return (int)r->collect_slot;
	}
	return -1;
}

/* A time as kept in a payload: 0 for none, else its zigzag form plus one. */
static uint64_t time_code(bool has_time, long long time)
{
	if (!has_time)
		return 0;
	uint64_t zigzag = time < 0 ? ~((uint64_t)time << 1) : (uint64_t)time << 1;
	/* (the earliest time of all, -2^63, wraps to 0 and reads as none; parse_date's years
	 * 0-9999 never come near it) */
	return zigzag + 1;
}

static bool time_of_code(uint64_t code, long long *time)
{
	if (code == 0)
		return false;
	uint64_t zigzag = code - 1;
	*time = (long long)(zigzag & 1 ? ~(zigzag >> 1) : zigzag >> 1);
	return true;
}

/* Reads a payload of a post rules see; false when it is damaged or names a rule not loaded. */
static bool light_from(const struct session *s, struct bin_reader *r, const char *display,
		       struct post **post, struct collected *col)
{
	size_t lang_len;
	const char *lang = value_bin_get_bytes(r, &lang_len);
	/* the front matter stays bytes in the mapped pack until a rule asks for it (checked
	 * now: value_bin_get_block makes a tree of any bytes value_bin_skip passed) */
	const unsigned char *meta = r->p;
	bool meta_ok = value_bin_skip(r);
	size_t meta_len = (size_t)(r->p - meta);
	meta_ok = meta_ok && value_bin_is_map(meta, meta_len);
	/* checked now, read into Lua only if check_set asks (most context is never looked at
	 * twice, and the shingles of 10,000 posts need not be copied twice) */
	if (!get_collected(s, r, col))
		return false;
	long long time = 0;
	bool has_time = time_of_code(value_bin_get_varint(r), &time);
	char lang_code[sizeof((*post)->lang)];
	if (!r->ok || r->p != r->end || !meta_ok || lang_len >= sizeof(lang_code)) {
		collected_release(col);
		return false;
	}
	memcpy(lang_code, lang, lang_len);
	lang_code[lang_len] = '\0';
	*post = post_new_light(display, meta, meta_len, lang_code, has_time, time);
	return true;
}

/* The payload under key (cache_post_key's) in the pack and its flags, or NULL (none, or a
 * damaged one, which is dropped: the post is read and collected again, and kept anew). */
static const unsigned char *light_payload(struct cache *c, const uint64_t key[2],
					  struct bin_reader *r, uint64_t *flags)
{
	size_t len;
	const unsigned char *payload = light_pack_find(pack_of(c), key, &len);
	if (!payload)
		return NULL;
	*r = (struct bin_reader){ payload, payload + len, true };
	*flags = value_bin_get_varint(r);
	if (!r->ok || *flags > LIGHT_SEEN) {
		light_pack_drop(c->pack, key);
		return NULL;
	}
	return payload;
}

bool cache_light_peek(struct cache *c, const uint64_t key[2], bool *seen)
{
	unsigned flags = 0;
	*seen = false;
	if (!c || !light_pack_has(pack_of(c), key, &flags))
		return false;
	if (flags > LIGHT_SEEN) { /* not a pack of this postlint's */
		light_pack_drop(c->pack, key);
		return false;
	}
	*seen = (flags & LIGHT_SEEN) != 0;
	c->reused++;
	return true;
}

bool cache_light_load(struct cache *c, const struct session *s, const uint64_t key[2],
		      const char *display, struct post **post, struct collected *col)
{
	uint64_t flags = 0;
	struct bin_reader r;
	*post = NULL;
	if (!c)
		return false;
	if (light_payload(c, key, &r, &flags)) {
		if (!(flags & LIGHT_SEEN) || light_from(s, &r, display, post, col))
			return true;
		light_pack_drop(c->pack, key); /* damaged past its flags */
	}
	c->reused--; /* (counted by cache_light_peek) read and collected again instead */
	return false;
}

void cache_light_keep(struct cache *c, const struct session *s, const struct source_file *f,
		      const struct post *post, const struct collected *col)
{
	if (!c || !f->blob_id[0] || collect_failed(col) || (col && col->dropped))
		return; /* (dropped: the pack would answer with less than the post has) */
	uint64_t key[2];
	entry_key(c, f->blob_id, f->abs_path, f->display, f->config, key);
	unsigned flags;
	if (light_pack_has(pack_of(c), key, &flags))
		return; /* kept already (a damaged payload is dropped when read, then kept anew) */
	struct buf payload = BUF_INIT;
	bool seen = post && col && col->seen;
	value_bin_put_varint(&payload, seen ? LIGHT_SEEN : 0);
	if (seen) {
		value_bin_put_varint(&payload, strlen(post->lang));
		buf_adds(&payload, post->lang);
		value_bin_put(&payload, post_meta(post));
		put_collected(&payload, s, col);
		long long time;
		bool has_time = schedule_of(post, &time);
		value_bin_put_varint(&payload, time_code(has_time, time));
	}
	light_pack_add(c->pack, key, payload.ptr, payload.len, seen ? LIGHT_SEEN : 0);
	buf_release(&payload);
}

/* ---- pruning the per-post entries (cache_prune.h) ---------------------------------------
 * entries.count holds an estimate of the folder's entries: the runs that write entries add
 * them, and a count past the limit (or none: a cache an older postlint filled) lists the
 * folder, prunes it and counts it exactly. The count is rewritten in place, not through a
 * temporary file and a rename: each of those changes the folder, whose 20,000 entries made
 * them a millisecond of a commit's hook. A count that concurrent runs or a crash left wrong
 * or damaged only brings the next pruning sooner or later, which counts again. */

static bool parse_count(const char *text, size_t *count)
{
	char *end;
	unsigned long long n = strtoull(text, &end, 10);
	*count = (size_t)n;
	return end != text && text[0] != '-' && *end == '\n' && end[1] == '\0';
}

static void account_entries(struct cache *c)
{
	if (c->written == 0)
		return;
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/entries.count", c->dir);
	int fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	buf_release(&path);
	if (fd < 0)
		return;
	char text[32];
	ssize_t got = pread(fd, text, sizeof(text) - 1, 0);
	text[got > 0 ? got : 0] = '\0';
	/* the run's posts, linted or context (from the pack too): a repository's size */
	size_t count, limit = cache_entries_limit(c->reused + c->linted);
	if (!parse_count(text, &count) || count + c->written > limit) {
		cache_keys_sort(c->used, c->n_used);
		count = cache_prune_entries(c->dir, limit / 2, (const uint64_t(*)[2])c->used,
					    c->n_used);
	} else {
		count += c->written;
	}
	int len = snprintf(text, sizeof(text), "%zu\n", count);
	if (pwrite(fd, text, (size_t)len, 0) == len)
		(void)!ftruncate(fd, len);
	close(fd);
}
