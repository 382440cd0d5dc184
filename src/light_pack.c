/* The pack of light posts (see light_pack.h).
 *
 * File: a magic line, then records of a 16-byte key, a varint count of the saves since a
 * run last found the record, a varint payload length and the payload. Mapped (read when it
 * cannot be); the records are sorted by key for a binary search. */
#define _GNU_SOURCE /* MAP_POPULATE */
#include "light_pack.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "value_bin.h"

#ifndef MAP_POPULATE
#define MAP_POPULATE 0
#endif

/* 2: records count the saves they went unused (a pack of version 1 reads as empty) */
#define MAGIC "postlint light pack 2\n"
#define KEY_BYTES 16
#define KEEP_SLACK 1000
/* A record written back unused by this many saves in a row is dropped by the next (a run
 * that finds it resets the count: it saves for that too). Without an age, the
 * records of an earlier postlint, rule set or command line (keys no run makes any more)
 * were written back by every save as long as there was room: after an upgrade the hook's
 * pack stayed twice its size for good, and reading it cost the hook a tenth more time. A
 * few saves keep the records of another project of the repository, or of the command line
 * an editor uses, between its runs. */
#define KEEP_UNUSED_SAVES 8

struct record {
	uint64_t key[2];
	size_t off, len; /* in the file's bytes (records), or in `added` (fresh) */
	uint64_t unused_saves; /* saves in a row that wrote it back unused */
	bool used;       /* found by this run */
	bool dropped;    /* found damaged by this run: neither found again nor kept */
};

struct light_pack {
	char *path;
	char *data; /* the file: mapped (mapped_len) or read (owned) */
	size_t data_len, mapped_len;
	struct record *records; /* the file's, sorted by key */
	size_t n;
	struct record *fresh; /* this run's */
	size_t nfresh, cap_fresh;
	struct buf added; /* their payloads */
};

static int compare_keys(const uint64_t a[2], const uint64_t b[2])
{
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

static int compare_records(const void *a, const void *b)
{
	return compare_keys(((const struct record *)a)->key, ((const struct record *)b)->key);
}

/* Reads the record at r into *rec; false at the end or at a damaged record. */
static bool next_record(const struct light_pack *p, struct bin_reader *r, struct record *rec)
{
	if (r->end - r->p < KEY_BYTES)
		return false;
	*rec = (struct record){ 0 };
	memcpy(rec->key, r->p, KEY_BYTES);
	r->p += KEY_BYTES;
	rec->unused_saves = value_bin_get_varint(r);
	const char *payload = value_bin_get_bytes(r, &rec->len);
	if (!payload)
		return false;
	rec->off = (size_t)(payload - p->data);
	return true;
}

/* The records of the file's bytes, up to the first damaged one: counted, then listed in an
 * array of that size (the array grown by doubling cost the hook 6 M instructions in copies). */
static void index_records(struct light_pack *p)
{
	size_t magic = strlen(MAGIC);
	if (p->data_len < magic || memcmp(p->data, MAGIC, magic) != 0)
		return;
	const struct bin_reader start = { (const unsigned char *)p->data + magic,
					  (const unsigned char *)p->data + p->data_len, true };
	struct bin_reader r = start;
	struct record rec;
	size_t count = 0;
	while (r.p < r.end && next_record(p, &r, &rec))
		count++;
	p->records = xcalloc(count ? count : 1, sizeof(*p->records));
	r = start;
	while (p->n < count && next_record(p, &r, &rec))
		p->records[p->n++] = rec;
	if (p->n > 1)
		qsort(p->records, p->n, sizeof(*p->records), compare_records);
}

/* Maps the file: the hook reads a pack of 10,000 posts (8 MB) where a copy would cost a page
 * fault per 4 KB. MAP_POPULATE maps every page in this call: every record's header is read
 * below (and a record is smaller than a page, so every page is touched), and faulting them
 * in 64 KB at a time cost the hook 250 page faults (2.5 ms on the benchmark's VM); where it
 * does not exist (not Linux), the pages come in on first touch. The pack is replaced by
 * rename, never rewritten in place, so the mapping stays whole while another run writes the
 * next one. */
static bool map_file(struct light_pack *p, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return false;
	p->data = m;
	p->data_len = p->mapped_len = (size_t)st.st_size;
	return true;
}

struct light_pack *light_pack_load(const char *path)
{
	struct light_pack *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	buf_init(&p->added);
	if (map_file(p, path) || source_read(path, &p->data, &p->data_len, NULL) == 0)
		index_records(p);
	return p;
}

/* The file's record with this key, or NULL. */
static struct record *lookup(struct light_pack *p, const uint64_t key[2])
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_keys(p->records[mid].key, key);
		if (c == 0)
			return &p->records[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const unsigned char *light_pack_find(struct light_pack *p, const uint64_t key[2], size_t *len)
{
	struct record *rec = lookup(p, key);
	if (!rec || rec->dropped)
		return NULL;
	rec->used = true;
	*len = rec->len;
	return (const unsigned char *)p->data + rec->off;
}

void light_pack_drop(struct light_pack *p, const uint64_t key[2])
{
	struct record *rec = lookup(p, key);
	if (rec) {
		rec->dropped = true;
		rec->used = false;
	}
}

void light_pack_add(struct light_pack *p, const uint64_t key[2], const void *payload, size_t len)
{
	xgrow((void **)&p->fresh, &p->cap_fresh, p->nfresh + 1, sizeof(*p->fresh));
	p->fresh[p->nfresh++] = (struct record){ .key = { key[0], key[1] }, .off = p->added.len,
						.len = len };
	buf_add(&p->added, payload, len);
}

static void put_record(struct buf *out, const struct record *rec, uint64_t unused_saves,
		       const char *bytes)
{
	buf_add(out, rec->key, KEY_BYTES);
	value_bin_put_varint(out, unused_saves);
	value_bin_put_varint(out, rec->len);
	buf_add(out, bytes + rec->off, rec->len);
}

/* Whether a record this run found has gone unused in half the saves that drop it: writing
 * the pack back starts its count again, else runs that only find records (the hook of a
 * repository whose calendar is all in the pack) would let the saves of other runs age them
 * out. Half, not one: two command lines sharing a pack would otherwise rewrite it on every
 * run, each having aged the other's records by one. */
static bool found_aged(const struct light_pack *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->records[i].used && p->records[i].unused_saves >= KEEP_UNUSED_SAVES / 2)
			return true;
	return false;
}

void light_pack_save(struct light_pack *p)
{
	if (!p->nfresh && !found_aged(p))
		return;
	size_t in_use = p->nfresh;
	for (size_t i = 0; i < p->n; i++)
		in_use += p->records[i].used;
	size_t room = in_use + KEEP_SLACK; /* for the records not in use */
	struct buf out = BUF_INIT;
	buf_adds(&out, MAGIC);
	for (size_t i = 0; i < p->nfresh; i++)
		put_record(&out, &p->fresh[i], 0, p->added.ptr);
	for (size_t i = 0; i < p->n; i++)
		if (p->records[i].used)
			put_record(&out, &p->records[i], 0, p->data);
	/* the others (posts since changed or deleted, or outside this run's calendar), as
	 * many as there is room for, unless unused for KEEP_UNUSED_SAVES saves already */
	for (size_t i = 0; i < p->n && room > 0; i++) {
		const struct record *rec = &p->records[i];
		if (!rec->used && !rec->dropped && rec->unused_saves < KEEP_UNUSED_SAVES) {
			put_record(&out, rec, rec->unused_saves + 1, p->data);
			room--;
		}
	}
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.%ld.tmp", p->path, (long)getpid());
	FILE *f = fopen(tmp.ptr, "wb");
	bool ok = f && fwrite(out.ptr, 1, out.len, f) == out.len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp.ptr, p->path) != 0)
		unlink(tmp.ptr);
	buf_release(&tmp);
	buf_release(&out);
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
	free(p->records);
	free(p->fresh);
	buf_release(&p->added);
	free(p);
}
