/* The pack of light posts (see light_pack.h).
 *
 * File: a header (a magic line padded to 24 bytes and the number of records as 8 bytes),
 * an index of one 32-byte entry per record sorted by key (the key, then the payload's offset
 * and length, 4 bytes each, the count of saves since a run last found the record in 2, the
 * record's flags and their complement in 1 each, and a checksum of the payload in 4), then
 * the payloads. Numbers are in the machine's byte order: the
 * pack is a cache of this machine's runs.
 *
 * Why an index in front: finding a record reads the index alone (10,000 records: 320 KB
 * together), not a header inside every record of a 15 MB file. Walking the records to list
 * them touched every page of the file twice before the hook had found anything; on the
 * benchmark's VM the first touch of a page costs about a microsecond even when it is mapped,
 * and loading the pack cost the hook 12 ms. The payloads are written in the order the last
 * run used them (the calendar's order), so the next run reads them front to back, and the
 * records of another command line sharing the pack sit after them, untouched. */
#define _GNU_SOURCE /* MADV_POPULATE_READ, O_TMPFILE */
#include "light_pack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/xalloc.h"

/* 3: the index in front; 4: the checksum in four lanes; 5: the flags in the index (packs of
 * earlier versions read as empty) */
#define MAGIC "postlint light pack 5\n"
#define HEADER_BYTES 32 /* the magic line padded to 24 bytes, then the record count */
#define ENTRY_BYTES 32
#define KEEP_SLACK 1000
/* A record written back unused by this many saves in a row is dropped by the next (a run
 * that finds it resets the count: it saves for that too). Without an age, the
 * records of an earlier postlint, rule set or command line (keys no run makes any more)
 * were written back by every save as long as there was room: after an upgrade the hook's
 * pack stayed twice its size for good, and reading it cost the hook a tenth more time. A
 * few saves keep the records of another project of the repository, or of the command line
 * an editor uses, between its runs. */
#define KEEP_UNUSED_SAVES 8

/* One entry of the index, as in the file. */
struct entry {
	uint64_t key[2];
	uint32_t off, len; /* in the payloads */
	uint16_t unused_saves; /* saves in a row that wrote it back unused */
	uint8_t flags;         /* the caller's (light_pack_add), and */
	uint8_t flags_check;   /* ~flags: a damaged flag is not believed */
	uint32_t check;        /* of the payload: damage inside a payload is found, not used */
};
_Static_assert(sizeof(struct entry) == ENTRY_BYTES, "an index entry is 32 bytes");

/* What this run did with a record of the file: found it, dropped it (damaged), checked its
 * payload against the checksum. */
enum { REC_USED = 1, REC_DROPPED = 2, REC_CHECKED = 4 };

struct fresh {
	uint64_t key[2];
	uint64_t off;   /* in the run's payloads: the spill file's, then `added` */
	size_t len;
	uint32_t order; /* when it was added, among the records this run used */
	uint32_t check; /* of the payload */
	uint8_t flags;
};

struct light_pack {
	char *path;
	char *data; /* the file: mapped (mapped_len) or read (owned) */
	size_t data_len, mapped_len;
	const unsigned char *index; /* the file's entries, n of them, sorted by key */
	const unsigned char *payloads;
	size_t n;
	unsigned char *state;  /* per entry: REC_USED, REC_DROPPED, REC_CHECKED */
	bool populated;        /* the payloads' pages asked for (populate_payloads) */
	/* light_pack_load's whole false: payloads are read from the file as asked
	 * (light_pack_read), so a run that reads thousands holds none of their pages */
	bool lazy;
	int fd; /* the file, kept open when lazy */
	/* light_pack_read, light_pack_add and light_pack_drop may come from several threads
	 * (the cache's --jobs workers): they take it, and read a payload without it */
	pthread_mutex_t lock;
	size_t cap;            /* light_pack_set_cap's, 0 when unset */
	uint32_t *used_order;  /* per entry: when this run first found it */
	uint32_t next_order;
	struct fresh *fresh; /* this run's */
	size_t nfresh, cap_fresh;
	struct buf added; /* their payloads, after those spilled */
	/* the payloads added before, written out as they came (a temporary file, gone when
	 * closed): a run that adds records by the thousand holds none of them in memory */
	int spill_fd;
	uint64_t spilled;  /* bytes in it */
	bool spill_failed; /* no more tries: the rest stays in memory */
};

/* Added payloads go to the spill file a megabyte at a time. */
#define SPILL_FROM (1u << 20)

static struct entry entry_at(const struct light_pack *p, size_t i)
{
	struct entry e;
	memcpy(&e, p->index + i * ENTRY_BYTES, sizeof(e));
	return e;
}

static int compare_keys(const uint64_t a[2], const uint64_t b[2])
{
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

/* Takes the index of the file's bytes: none when it is cut short, else the entries up to the
 * first whose key is out of order (a damaged index); an entry whose payload lies outside the
 * file (cut short) is dropped, and one whose payload does not match its checksum is dropped
 * when it is first found. */
static void read_index(struct light_pack *p)
{
	size_t magic = strlen(MAGIC);
	if (p->data_len < HEADER_BYTES || memcmp(p->data, MAGIC, magic) != 0)
		return;
	uint64_t count;
	memcpy(&count, p->data + HEADER_BYTES - 8, 8);
	if (count > (p->data_len - HEADER_BYTES) / ENTRY_BYTES)
		return; /* the index itself is cut short: nothing to trust */
	size_t n = (size_t)count;
	p->index = (const unsigned char *)p->data + HEADER_BYTES;
	p->payloads = p->index + n * ENTRY_BYTES;
	size_t payload_bytes = p->data_len - HEADER_BYTES - n * ENTRY_BYTES;
	p->state = xcalloc(n ? n : 1, 1);
	p->used_order = xcalloc(n ? n : 1, sizeof(*p->used_order));
	for (size_t i = 0; i < n; i++) {
		struct entry e = entry_at(p, i);
		if (i > 0) {
			struct entry before = entry_at(p, i - 1);
			if (compare_keys(before.key, e.key) >= 0) {
				n = i;
				break;
			}
		}
		if ((size_t)e.off > payload_bytes || (size_t)e.len > payload_bytes - e.off ||
		    (uint8_t)(e.flags_check ^ e.flags) != 0xff)
			p->state[i] = REC_DROPPED;
	}
	p->n = n;
}

/* Maps the file: the hook reads a pack of 10,000 posts (16 MB of payloads, all of them when
 * the calendar must be judged again) where a copy would cost a page fault per 4 KB. The
 * payloads' pages are asked for in one call at the first payload read (populate_payloads):
 * faulting them in 64 KB at a time cost the hook 250 page faults (2.5 ms on the benchmark's
 * VM), and a hook whose calendar the cache answers reads the index alone. The pack is
 * replaced by rename, never rewritten in place, so the mapping stays whole while another
 * run writes the next one. */
static bool map_file(struct light_pack *p, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || !p->lazy)
		close(fd);
	else
		p->fd = fd;
	if (m == MAP_FAILED)
		return false;
	p->data = m;
	p->data_len = p->mapped_len = (size_t)st.st_size;
	return true;
}

/* Maps the payloads' pages at once (Linux 5.14 and later; elsewhere they come in on first
 * touch). */
static void populate_payloads(struct light_pack *p)
{
	p->populated = true;
#ifdef MADV_POPULATE_READ
	if (p->mapped_len && p->n) {
		long page = sysconf(_SC_PAGESIZE);
		size_t from = (size_t)((const char *)p->payloads - p->data);
		from -= from % (size_t)(page > 0 ? page : 4096);
		if (from < p->mapped_len)
			madvise(p->data + from, p->mapped_len - from, MADV_POPULATE_READ);
	}
#endif
}

struct light_pack *light_pack_load(const char *path, bool whole)
{
	struct light_pack *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->spill_fd = -1;
	p->fd = -1;
	p->lazy = !whole;
	pthread_mutex_init(&p->lock, NULL);
	buf_init(&p->added);
	if (map_file(p, path) || source_read(path, &p->data, &p->data_len, NULL) == 0)
		read_index(p);
	return p;
}

/* The position of the file's record with this key, or SIZE_MAX. The keys are hashes, spread
 * evenly over their range, so the first probes guess where key[0] falls between the keys
 * bounding the range (interpolation) and only then halve it: the hook looks up each of its
 * calendar's 10,000 posts, and halving took 14 probes a lookup, most of them to far parts of
 * a 320 KB index. A few guesses, then halving: keys not spread so cost no more than that. */
static size_t lookup(const struct light_pack *p, const uint64_t key[2])
{
	size_t lo = 0, hi = p->n;
	uint64_t below = 0, above = UINT64_MAX; /* bounds of key[0] in [lo, hi) */
	for (int guesses = 0; lo < hi; guesses++) {
		size_t mid = lo + (hi - lo) / 2;
		if (guesses < 4 && key[0] >= below && key[0] <= above) {
			/* (key[0] - below) / (above - below + 1) of the way, in 64 bits: both
			 * scaled under 2^32, and the range is under 2^32 records */
			uint64_t width = above - below;
			int shift = 0;
			while ((width >> shift) > UINT32_MAX)
				shift += 8;
			uint64_t part = (key[0] - below) >> shift, whole = (width >> shift) + 1;
			mid = lo + (size_t)(part * (uint64_t)(hi - lo) / whole);
		}
		uint64_t at[2];
		memcpy(at, p->index + mid * ENTRY_BYTES, sizeof(at));
		int c = compare_keys(at, key);
		if (c == 0)
			return mid;
		if (c < 0) {
			lo = mid + 1;
			below = at[0];
		} else {
			hi = mid;
			above = at[0];
		}
	}
	return SIZE_MAX;
}

/* The record's position when it is there and not dropped (it counts as used), else SIZE_MAX. */
static size_t use(struct light_pack *p, const uint64_t key[2])
{
	size_t i = lookup(p, key);
	if (i == SIZE_MAX || (p->state[i] & REC_DROPPED))
		return SIZE_MAX;
	if (!(p->state[i] & REC_USED)) {
		p->state[i] |= REC_USED;
		p->used_order[i] = p->next_order++;
	}
	return i;
}

bool light_pack_has(struct light_pack *p, const uint64_t key[2], unsigned *flags)
{
	size_t i = use(p, key);
	if (i == SIZE_MAX)
		return false;
	*flags = entry_at(p, i).flags;
	return true;
}

const unsigned char *light_pack_find(struct light_pack *p, const uint64_t key[2], size_t *len)
{
	size_t i = use(p, key);
	if (i == SIZE_MAX)
		return NULL;
	struct entry e = entry_at(p, i);
	const unsigned char *payload = p->payloads + e.off;
	if (!(p->state[i] & REC_CHECKED)) {
		if (!p->populated)
			populate_payloads(p);
		if (hash_checksum32(payload, e.len) != e.check) {
			p->state[i] = REC_DROPPED;
			return NULL;
		}
		p->state[i] |= REC_CHECKED;
	}
	*len = e.len;
	return payload;
}

static bool read_at(int fd, void *to, size_t len, uint64_t at)
{
	char *into = to;
	for (size_t done = 0; done < len;) {
		ssize_t got = pread(fd, into + done, len - done, (off_t)(at + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		done += (size_t)got;
	}
	return true;
}

bool light_pack_read(struct light_pack *p, const uint64_t key[2], struct buf *out)
{
	pthread_mutex_lock(&p->lock);
	size_t i = use(p, key);
	pthread_mutex_unlock(&p->lock);
	if (i == SIZE_MAX)
		return false;
	struct entry e = entry_at(p, i);
	const unsigned char *payload = p->payloads + e.off;
	buf_reset(out);
	buf_grow(out, e.len);
	bool ok = true;
	if (p->fd >= 0)
		ok = read_at(p->fd, out->ptr, e.len, (uint64_t)((const char *)payload - p->data));
	else
		memcpy(out->ptr, payload, e.len);
	out->len = e.len;
	/* (checked at each read, not marked checked: a run reads a record once, and the mark
	 * would be one more write under the lock) */
	ok = ok && hash_checksum32(out->ptr, e.len) == e.check;
	if (!ok) {
		pthread_mutex_lock(&p->lock);
		p->state[i] = REC_DROPPED;
		pthread_mutex_unlock(&p->lock);
	}
	return ok;
}

void light_pack_drop(struct light_pack *p, const uint64_t key[2])
{
	size_t i = lookup(p, key);
	pthread_mutex_lock(&p->lock);
	if (i != SIZE_MAX)
		p->state[i] = REC_DROPPED;
	pthread_mutex_unlock(&p->lock);
}

static bool write_all(int fd, const void *bytes, size_t len)
{
	const char *at = bytes;
	while (len > 0) {
		ssize_t w = write(fd, at, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		at += w;
		len -= (size_t)w;
	}
	return true;
}

/* Moves the payloads held in memory to the spill file (made beside the pack, unnamed). A
 * file that cannot be made or written leaves them in memory, as before there was one. */
static void spill(struct light_pack *p)
{
	if (p->spill_failed)
		return;
	if (p->spill_fd < 0) {
		char *dir = xstrdup(p->path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		p->spill_fd = open(slash ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		free(dir);
	}
	if (p->spill_fd < 0 || !write_all(p->spill_fd, p->added.ptr, p->added.len)) {
		p->spill_failed = true; /* (a part written is never read: offsets count in full) */
		return;
	}
	p->spilled += p->added.len;
	p->added.len = 0;
}

void light_pack_set_cap(struct light_pack *p, size_t records)
{
	p->cap = records;
}

void light_pack_add(struct light_pack *p, const uint64_t key[2], const void *payload, size_t len,
		    unsigned flags)
{
	if (len > UINT32_MAX)
		return; /* lengths are 32-bit (a post is at most a few MB: never, in practice) */
	uint32_t check = hash_checksum32(payload, len);
	pthread_mutex_lock(&p->lock);
	xgrow((void **)&p->fresh, &p->cap_fresh, p->nfresh + 1, sizeof(*p->fresh));
	p->fresh[p->nfresh++] = (struct fresh){ .key = { key[0], key[1] },
					       .off = p->spilled + p->added.len, .len = len,
					       .order = p->next_order++,
					       .check = check, .flags = (uint8_t)flags };
	buf_add(&p->added, payload, len);
	if (p->added.len >= SPILL_FROM)
		spill(p);
	pthread_mutex_unlock(&p->lock);
}

/* Whether a record this run found has gone unused in half the saves that drop it: writing
 * the pack back starts its count again, else runs that only find records (the hook of a
 * repository whose calendar is all in the pack) would let the saves of other runs age them
 * out. Half, not one: two command lines sharing a pack would otherwise rewrite it on every
 * run, each having aged the other's records by one. */
static bool found_aged(const struct light_pack *p)
{
	for (size_t i = 0; i < p->n; i++)
		if ((p->state[i] & REC_USED) &&
		    entry_at(p, i).unused_saves >= KEEP_UNUSED_SAVES / 2)
			return true;
	return false;
}

/* A record being written: its entry (off still to be set) and where its payload is. */
struct out_record {
	struct entry e;
	const unsigned char *payload; /* NULL: in file `from` at from_off */
	int from;
	uint64_t from_off;
	uint64_t order; /* payloads are laid out by it: this run's use, then the others */
};

static int by_order(const void *a, const void *b)
{
	uint64_t x = ((const struct out_record *)a)->order;
	uint64_t y = ((const struct out_record *)b)->order;
	return x < y ? -1 : x > y;
}

static int by_key(const void *a, const void *b)
{
	return compare_keys(((const struct out_record *)a)->e.key,
			    ((const struct out_record *)b)->e.key);
}

/* By key, then the first used first: of a key added twice, the copy kept is always the same. */
static int by_key_then_order(const void *a, const void *b)
{
	int c = by_key(a, b);
	if (c)
		return c;
	uint64_t x = ((const struct out_record *)a)->order;
	uint64_t y = ((const struct out_record *)b)->order;
	return (x > y) - (x < y);
}

/* A record of the file keeps its checksum (one a run never checked is not blessed). */
static void keep(struct out_record *out, size_t *n, struct entry e, const unsigned char *payload,
		 uint64_t order)
{
	out[(*n)++] = (struct out_record){ .e = e, .payload = payload, .order = order };
}

/* A record of the file: its payload where the mapping has it, or in the file of a lazy pack
 * (copied from there by the save: its pages never come into the process). */
static void keep_old(struct out_record *out, size_t *n, const struct light_pack *p,
		     struct entry e, uint64_t order)
{
	const unsigned char *payload = p->payloads + e.off;
	keep(out, n, e, p->fd >= 0 ? NULL : payload, order);
	out[*n - 1].from = p->fd;
	out[*n - 1].from_off = (uint64_t)((const char *)payload - p->data);
}

/* Writes a record's payload to f: from the mapped pack or memory, or from a file (the spill
 * file, a lazy pack's). */
static bool put_payload(FILE *f, const struct out_record *r)
{
	if (r->payload)
		return fwrite(r->payload, 1, r->e.len, f) == r->e.len;
	char chunk[1 << 14];
	for (size_t done = 0; done < r->e.len;) {
		size_t want = r->e.len - done < sizeof(chunk) ? r->e.len - done : sizeof(chunk);
		if (!read_at(r->from, chunk, want, r->from_off + done) ||
		    fwrite(chunk, 1, want, f) != want)
			return false;
		done += want;
	}
	return true;
}

void light_pack_save(struct light_pack *p)
{
	if (!p->nfresh && !found_aged(p))
		return;
	size_t in_use = p->nfresh;
	for (size_t i = 0; i < p->n; i++)
		in_use += (p->state[i] & REC_USED) != 0;
	size_t room = in_use + KEEP_SLACK; /* for the records not in use */
	if (p->cap)
		room = p->cap > in_use ? p->cap - in_use : 0;
	struct out_record *out = xcalloc(p->nfresh + p->n + 1, sizeof(*out));
	size_t n = 0;
	for (size_t i = 0; i < p->nfresh; i++) {
		const struct fresh *fr = &p->fresh[i];
		const unsigned char *payload = NULL; /* (spilled) */
		if (fr->off >= p->spilled)
			payload = (const unsigned char *)p->added.ptr + (fr->off - p->spilled);
		struct entry e = { .key = { fr->key[0], fr->key[1] }, .len = (uint32_t)fr->len,
				   .flags = fr->flags, .flags_check = (uint8_t)~fr->flags,
				   .check = fr->check };
		keep(out, &n, e, payload, fr->order);
		out[n - 1].from = p->spill_fd;
		out[n - 1].from_off = fr->off;
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->state[i] & REC_USED) {
			struct entry e = entry_at(p, i);
			e.unused_saves = 0;
			keep_old(out, &n, p, e, p->used_order[i]);
		}
	/* the others (posts since changed or deleted, or outside this run's calendar), as
	 * many as there is room for, unless unused for KEEP_UNUSED_SAVES saves already; after
	 * this run's, in the order they had */
	for (size_t i = 0; i < p->n && room > 0; i++) {
		struct entry e = entry_at(p, i);
		if (!p->state[i] && e.unused_saves < KEEP_UNUSED_SAVES) {
			e.unused_saves++;
			keep_old(out, &n, p, e, ((uint64_t)1 << 32) + e.off);
			room--;
		}
	}
	/* a key added twice is written once (the index is strictly ascending), before the
	 * payloads are laid out: the other copy's bytes would be a hole in the file */
	qsort(out, n, sizeof(*out), by_key_then_order);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || compare_keys(out[kept - 1].e.key, out[i].e.key) != 0)
			out[kept++] = out[i];
	qsort(out, kept, sizeof(*out), by_order);
	uint64_t off = 0; /* summed in 64 bits: a size_t of 32 would wrap before the check */
	for (size_t i = 0; i < kept; i++) {
		out[i].e.off = (uint32_t)off;
		off += out[i].e.len;
	}
	if (off > UINT32_MAX) { /* offsets are 32-bit: a pack past 4 GB is not written */
		free(out);
		return;
	}
	/* the index by key, then the payloads in the order laid out, streamed to the file: a
	 * pack of a run's thousands of entries is never whole in memory */
	struct out_record *index = xcalloc(kept + 1, sizeof(*index));
	memcpy(index, out, kept * sizeof(*out));
	qsort(index, kept, sizeof(*index), by_key);
	/* a fresh file of a name no other run (of any pid namespace) can have, created, never
	 * opened through a link someone left there, then renamed over the pack */
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.XXXXXX", p->path);
	int fd = mkstemp(tmp.ptr);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	bool ok = f != NULL;
	if (f) {
		setvbuf(f, NULL, _IOFBF, 1 << 16);
		char header[HEADER_BYTES] = { 0 };
		memcpy(header, MAGIC, strlen(MAGIC));
		uint64_t count = kept;
		memcpy(header + HEADER_BYTES - 8, &count, 8);
		ok = fwrite(header, 1, sizeof(header), f) == sizeof(header);
		for (size_t i = 0; ok && i < kept; i++)
			ok = fwrite(&index[i].e, 1, sizeof(index[i].e), f) == sizeof(index[i].e);
		for (size_t i = 0; ok && i < kept; i++)
			ok = put_payload(f, &out[i]);
		if (fclose(f) != 0)
			ok = false;
	} else if (fd >= 0) {
		close(fd);
	}
	if (fd >= 0 && (!ok || rename(tmp.ptr, p->path) != 0))
		unlink(tmp.ptr);
	free(index);
	free(out);
	buf_release(&tmp);
}

void light_pack_free(struct light_pack *p)
{
	if (!p)
		return;
	free(p->path);
	if (p->mapped_len)
		munmap(p->data, p->mapped_len);
	else
		free(p->data);
	free(p->state);
	free(p->used_order);
	free(p->fresh);
	buf_release(&p->added);
	if (p->spill_fd >= 0)
		close(p->spill_fd);
	if (p->fd >= 0)
		close(p->fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
