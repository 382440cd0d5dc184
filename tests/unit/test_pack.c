/* The cache's pack of light posts and the binary value form it stores: round trips, and
 * damaged bytes read as "not there", never as a crash or a wrong value; what the rules across
 * posts may keep of that form over a run (collected.h). */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "collected.h"
#include "light_pack.h"
#include "source.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "value_bin.h"

static bool same(const struct value *a, const struct value *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type || a->line != b->line || a->column != b->column ||
	    a->len != b->len)
		return false;
	switch (a->type) {
	case VALUE_BOOL: return a->boolean == b->boolean;
	case VALUE_NUMBER: return a->number == b->number;
	case VALUE_STRING:
		return a->string_len == b->string_len &&
		       memcmp(a->string, b->string, a->string_len) == 0;
	case VALUE_LIST:
	case VALUE_MAP:
		for (size_t i = 0; i < a->len; i++)
			if ((a->type == VALUE_MAP && strcmp(a->keys[i], b->keys[i]) != 0) ||
			    !same(a->items[i], b->items[i]))
				return false;
		return true;
	default: return true;
	}
}

/* A tree with every kind of value: front matter (positions) and collected data (raw bytes). */
static struct value *sample(void)
{
	struct value *map = value_new(VALUE_MAP);
	map->line = 2;
	map->column = 1;
	struct value *platform = value_new_string("linkedin", 8);
	platform->line = 2;
	platform->column = 11;
	value_map_set(map, "platform", platform);
	value_map_set(map, "draft", value_new_bool(true));
	value_map_set(map, "retired", value_new_bool(false));
	value_map_set(map, "weight", value_new_number(-2.5e-3));
	value_map_set(map, "nothing", value_new(VALUE_NIL));
	struct value *list = value_new(VALUE_LIST);
	value_list_push(list, value_new_string("\0\xff\x80 hashes", 10));
	value_list_push(list, value_new_string("", 0));
	struct value *inner = value_new(VALUE_MAP);
	value_map_set(inner, "x", value_new_number(1e300));
	value_list_push(list, inner);
	value_map_set(map, "collected", list);
	return map;
}

static void round_trip(void)
{
	struct value *v = sample();
	struct buf out = BUF_INIT;
	value_bin_put(&out, v);
	value_bin_put_varint(&out, 300);
	struct bin_reader r = { (const unsigned char *)out.ptr,
				(const unsigned char *)out.ptr + out.len, true };
	struct value *back = value_bin_get(&r);
	CHECK(r.ok && same(v, back), "a value tree reads back the same (%zu bytes)", out.len);
	CHECK_INT(value_bin_get_varint(&r), 300, "a varint after it");
	CHECK(r.ok && r.p == r.end, "the reader ends at the end");
	value_free(back);
	/* in one block (the light posts' front matter): the same tree, the reader as far */
	struct bin_reader rb = { (const unsigned char *)out.ptr,
				 (const unsigned char *)out.ptr + out.len, true };
	struct value *block = value_bin_get_block(&rb);
	CHECK(rb.ok && same(v, block) && block->one_block, "a tree reads back the same in one block");
	CHECK(value_bin_get_varint(&rb) == 300 && rb.p == rb.end, "the block reader ends as far");
	value_free(block); /* one free: valgrind and ASan see whether it was one allocation */
	/* a tree held long (a post waiting for the calendar) made into one block in place */
	struct value *held = value_in_one_block(sample());
	CHECK(held && held->one_block && same(v, held), "a tree made into one block is the same");
	CHECK(value_in_one_block(held) == held, "one already is kept as it is");
	value_free(held);

	/* every shorter prefix is damage: NULL, no crash, nothing leaked (valgrind, ASan) */
	size_t value_len = out.len - 2;
	size_t wrong = 0;
	for (size_t n = 0; n < value_len; n++) {
		struct bin_reader t = { (const unsigned char *)out.ptr,
					(const unsigned char *)out.ptr + n, true };
		struct bin_reader tb = t;
		struct value *cut = value_bin_get(&t);
		struct value *cut_block = value_bin_get_block(&tb);
		wrong += cut != NULL || t.ok || cut_block != NULL || tb.ok;
		value_free(cut);
		value_free(cut_block);
	}
	CHECK_INT(wrong, 0, "prefixes of a value that read as a value");

	/* any one byte changed: a value or NULL, never a crash; and value_bin_skip (which checks
	 * the pack's collected data before it is read into Lua) accepts exactly the same bytes */
	size_t decoded = 0, disagree = 0;
	for (size_t i = 0; i < value_len; i++)
		for (int bit = 0; bit < 8; bit++) {
			char *copy = xmalloc(value_len);
			memcpy(copy, out.ptr, value_len);
			copy[i] = (char)(copy[i] ^ (1 << bit));
			struct bin_reader t = { (const unsigned char *)copy,
						(const unsigned char *)copy + value_len, true };
			struct bin_reader u = t, b = t;
			struct value *flipped = value_bin_get(&t);
			bool skipped = value_bin_skip(&u);
			struct value *in_block = value_bin_get_block(&b);
			decoded += flipped != NULL;
			disagree += skipped != (flipped != NULL) || (skipped && t.p != u.p);
			disagree += !same(flipped, in_block) || (in_block && b.p != t.p);
			value_free(flipped);
			value_free(in_block);
			free(copy);
		}
	CHECK(decoded < value_len * 8, "flipped bits are found as damage (%zu of %zu read)",
	      decoded, value_len * 8);
	CHECK_INT(disagree, 0, "inputs where checking and reading disagree");

	/* a count far beyond the bytes left is damage, not an allocation of that size */
	const unsigned char huge[] = { 'l', 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f };
	struct bin_reader h = { huge, huge + sizeof(huge), true };
	CHECK(value_bin_get(&h) == NULL && !h.ok, "a list of four billion items is damage");
	struct bin_reader hb = { huge, huge + sizeof(huge), true };
	CHECK(value_bin_get_block(&hb) == NULL && !hb.ok, "... in one block too");
	/* nesting deeper than the reader goes is damage, not a stack overflow */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_add(&deep, "l\0\0\x01", 4);
	struct bin_reader d = { (const unsigned char *)deep.ptr,
				(const unsigned char *)deep.ptr + deep.len, true };
	CHECK(value_bin_get(&d) == NULL && !d.ok, "lists nested 100,000 deep are damage");
	struct bin_reader db = { (const unsigned char *)deep.ptr,
				 (const unsigned char *)deep.ptr + deep.len, true };
	CHECK(value_bin_get_block(&db) == NULL && !db.ok, "... in one block too");
	buf_release(&deep);
	buf_release(&out);
	value_free(v);
}

/* A pack file in a folder of its own, made for a test and removed after it. */
struct pack_dir {
	char dir[sizeof("/tmp/postlint-pack-XXXXXX")];
	struct buf path;
};

static void pack_dir_make(struct pack_dir *pd, const char *name)
{
	memcpy(pd->dir, "/tmp/postlint-pack-XXXXXX", sizeof(pd->dir));
	CHECK(mkdtemp(pd->dir) != NULL, "a temporary folder");
	buf_init(&pd->path);
	buf_addf(&pd->path, "%s/%s", pd->dir, name);
}

static void pack_dir_remove(struct pack_dir *pd)
{
	unlink(pd->path.ptr);
	rmdir(pd->dir);
	buf_release(&pd->path);
}

static void write_file(const char *path, const char *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(bytes, 1, n, f);
	fclose(f);
}

static void pack(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t keys[3][2] = { { 1, 2 }, { 7, 0 }, { 1, 3 } };
	size_t len;

	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, keys[0], &len) == NULL, "a missing file is an empty pack");
	light_pack_add(p, keys[0], "first", 5, 0);
	light_pack_add(p, keys[1], "", 0, 0);
	light_pack_add(p, keys[2], "third\0x", 7, 0);
	light_pack_save(p);
	light_pack_free(p);

	p = light_pack_load(pd.path.ptr, true);
	const unsigned char *got = light_pack_find(p, keys[2], &len);
	CHECK(got && len == 7 && memcmp(got, "third\0x", 7) == 0, "a payload reads back");
	got = light_pack_find(p, keys[1], &len);
	CHECK(got && len == 0, "an empty payload reads back");
	uint64_t other[2] = { 1, 4 };
	CHECK(light_pack_find(p, other, &len) == NULL, "a key not stored is not found");
	/* a damaged record is dropped: not found again, not written back */
	light_pack_drop(p, keys[2]);
	CHECK(light_pack_find(p, keys[2], &len) == NULL, "a dropped record is not found");
	uint64_t fresh[2] = { 9, 9 };
	light_pack_add(p, fresh, "new", 3, 0);
	light_pack_save(p);
	light_pack_free(p);

	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, keys[2], &len) == NULL, "a dropped record was not written back");
	got = light_pack_find(p, keys[0], &len);
	CHECK(got && len == 5 && memcmp(got, "first", 5) == 0,
	      "a record not used by the run is kept");
	CHECK(light_pack_find(p, fresh, &len) != NULL, "the new record is there");
	light_pack_free(p);

	/* cut anywhere: the records before the cut, never a crash */
	char *bytes;
	size_t size;
	struct buf err = BUF_INIT;
	CHECK(source_read(pd.path.ptr, &bytes, &size, &err) == 0, "the pack reads (%zu bytes)", size);
	size_t bad = 0;
	for (size_t n = 0; n < size; n++) {
		write_file(pd.path.ptr, bytes, n);
		p = light_pack_load(pd.path.ptr, true);
		got = light_pack_find(p, keys[0], &len);
		bad += got && (len != 5 || memcmp(got, "first", 5) != 0);
		light_pack_free(p);
	}
	CHECK_INT(bad, 0, "cut packs that return a wrong payload");
	free(bytes);
	buf_release(&err);
	pack_dir_remove(&pd);
}

/* A pack of an earlier version: its magic line, then one record as that version wrote it
 * (the key, then the bytes after it). */
static void write_old_pack(const char *path, const char *magic, const uint64_t key[2],
			   const char *rest, size_t rest_len)
{
	FILE *f = fopen(path, "wb");
	fputs(magic, f);
	fwrite(key, 1, 16, f);
	fwrite(rest, 1, rest_len, f);
	fclose(f);
}

/* Where the bytes of a payload sit in the file (or -1). */
static long offset_of(const char *path, const char *payload)
{
	char *bytes;
	size_t size;
	if (source_read(path, &bytes, &size, NULL) != 0)
		return -1;
	const char *at = memmem(bytes, size, payload, strlen(payload));
	long off = at ? (long)(at - bytes) : -1;
	free(bytes);
	return off;
}

/* A byte changed inside a payload is caught by its checksum: the record is not found (the
 * post is read from git again) and not written back; the other records still are. And the
 * payloads are laid out in the order the run used them, so that the next run (the hook's,
 * walking the same calendar) reads the file front to back. */
static void pack_damage_and_order(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t a[2] = { 1, 1 }, b[2] = { 2, 2 }, c[2] = { 3, 3 }, d[2] = { 4, 4 };
	size_t len;
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	light_pack_add(p, a, "payload-a", 9, 0);
	light_pack_add(p, b, "payload-b", 9, 0);
	light_pack_add(p, c, "payload-c", 9, 0);
	light_pack_save(p);
	light_pack_free(p);

	/* a run uses c, then a (b not at all), and adds d */
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, c, &len) && light_pack_find(p, a, &len), "c and a are found");
	light_pack_add(p, d, "payload-d", 9, 0);
	light_pack_save(p);
	light_pack_free(p);
	long oc = offset_of(pd.path.ptr, "payload-c"), oa = offset_of(pd.path.ptr, "payload-a");
	long od = offset_of(pd.path.ptr, "payload-d"), ob = offset_of(pd.path.ptr, "payload-b");
	CHECK(oc >= 0 && oc < oa && oa < od && od < ob,
	      "payloads in the order of use, then the unused (c %ld, a %ld, d %ld, b %ld)", oc, oa,
	      od, ob);

	char *bytes;
	size_t size;
	CHECK(source_read(pd.path.ptr, &bytes, &size, NULL) == 0, "the pack reads");
	bytes[oa + 8] = 'X'; /* "payload-X" */
	write_file(pd.path.ptr, bytes, size);
	free(bytes);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, a, &len) == NULL, "a payload with a changed byte is not found");
	const unsigned char *got = light_pack_find(p, b, &len);
	CHECK(got && len == 9 && memcmp(got, "payload-b", 9) == 0, "the other records are");
	light_pack_add(p, a, "payload-a", 9, 0); /* read again and kept anew */
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	got = light_pack_find(p, a, &len);
	CHECK(got && len == 9 && memcmp(got, "payload-a", 9) == 0, "kept anew, once");
	CHECK(offset_of(pd.path.ptr, "payload-X") < 0, "the damaged payload was not written back");
	light_pack_free(p);

	/* a pack of version 2 (the records' headers between the payloads) reads as empty */
	write_old_pack(pd.path.ptr, "postlint light pack 2\n", a, "\000\011payload-a", 11);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, a, &len) == NULL, "a pack of version 2 is empty");
	light_pack_free(p);
	/* and one of version 3, whose checksums were made another way: were it read, every
	 * payload would fail its check and be read from git again (a run's worth of reads) */
	p = light_pack_load(pd.path.ptr, true);
	light_pack_add(p, a, "payload-a", 9, 0);
	light_pack_save(p);
	light_pack_free(p);
	CHECK(source_read(pd.path.ptr, &bytes, &size, NULL) == 0, "the pack reads");
	memcpy(bytes, "postlint light pack 3\n", 22);
	write_file(pd.path.ptr, bytes, size);
	free(bytes);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, a, &len) == NULL, "a pack of version 3 is empty");
	light_pack_free(p);
	pack_dir_remove(&pd);
}

/* Flags live in the index: light_pack_has answers with them without reading or checking the
 * payload (a hook whose calendar the cache answers reads no payload), light_pack_find still
 * checks the payload when it is read, and a flag byte changed in the index is not believed. A
 * pack of version 4 (flags in the payload only) reads as empty. */
static void pack_flags(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t a[2] = { 1, 1 }, b[2] = { 2, 2 };
	size_t len;
	unsigned flags = 99;
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	light_pack_add(p, a, "payload-a", 9, 1);
	light_pack_add(p, b, "payload-b", 9, 0);
	light_pack_save(p);
	light_pack_free(p);

	char *bytes;
	size_t size;
	long oa = offset_of(pd.path.ptr, "payload-a");
	CHECK(source_read(pd.path.ptr, &bytes, &size, NULL) == 0, "the pack reads");
	bytes[oa + 8] = 'X'; /* payload a damaged */
	write_file(pd.path.ptr, bytes, size);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_has(p, a, &flags) && flags == 1,
	      "a record's flags are found without its payload (flags %u)", flags);
	CHECK(light_pack_has(p, b, &flags) && flags == 0, "and 0 where none were given");
	CHECK(light_pack_find(p, a, &len) == NULL, "the damaged payload is found out when read");
	CHECK(!light_pack_has(p, a, &flags), "and its record is gone after that");
	light_pack_free(p);

	/* the first entry's flag byte (after its key, offset, length and age: 16 + 4 + 4 + 2)
	 * changed: its complement no longer matches */
	bytes[oa + 8] = 'a';
	bytes[32 + 26] ^= 1;
	write_file(pd.path.ptr, bytes, size);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(!light_pack_has(p, a, &flags), "a record whose flag byte changed is not found");
	CHECK(light_pack_has(p, b, &flags) && flags == 0, "the others are");
	light_pack_free(p);

	bytes[32 + 26] ^= 1;
	memcpy(bytes, "postlint light pack 4\n", 22);
	write_file(pd.path.ptr, bytes, size);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(!light_pack_has(p, a, &flags) && light_pack_find(p, b, &len) == NULL,
	      "a pack of version 4 is empty");
	light_pack_free(p);
	free(bytes);
	pack_dir_remove(&pd);
}

/* Records age: written back unused by 8 saves in a row, a record is dropped by the next
 * (records of an earlier postlint or rule set stayed for good); a run that finds one starts
 * its count again, saving for that alone if it must. */
/* The checksum sees a change of any byte of a payload, whatever its length (whole blocks of
 * four words, and the tail after them), and two of its words swapped. */
static void pack_checksum_every_byte(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t key[2] = { 7, 7 };
	unsigned char payload[100];
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof(payload); i++) {
		seed = seed * 1103515245u + 12345u;
		payload[i] = (unsigned char)(seed >> 16);
	}
	size_t missed = 0, cases = 0, len;
	for (size_t n = 1; n <= sizeof(payload); n += (n < 70 ? 1 : 30)) {
		struct light_pack *p = light_pack_load(pd.path.ptr, true);
		light_pack_drop(p, key);
		light_pack_add(p, key, payload, n, 0);
		light_pack_save(p);
		light_pack_free(p);
		char *bytes;
		size_t size;
		CHECK(source_read(pd.path.ptr, &bytes, &size, NULL) == 0, "the pack reads");
		const char *at = memmem(bytes, size, payload, n);
		CHECK(at != NULL, "the payload of %zu bytes is in the file", n);
		if (!at) {
			free(bytes);
			continue;
		}
		size_t off = (size_t)(at - bytes);
		for (size_t i = 0; i <= n; i++) {
			char *damaged = xmalloc(size);
			memcpy(damaged, bytes, size);
			if (i < n) {
				damaged[off + i] ^= (char)(1u << (i % 8));
			} else if (n >= 16) { /* the first two words swapped */
				memcpy(damaged + off, bytes + off + 8, 8);
				memcpy(damaged + off + 8, bytes + off, 8);
			} else {
				free(damaged);
				continue;
			}
			write_file(pd.path.ptr, damaged, size);
			free(damaged);
			p = light_pack_load(pd.path.ptr, true);
			missed += light_pack_find(p, key, &len) != NULL;
			cases++;
			light_pack_free(p);
		}
		write_file(pd.path.ptr, bytes, size);
		free(bytes);
	}
	CHECK(cases > 2000, "damaged payloads tried (%zu)", cases);
	CHECK_INT(missed, 0, "damaged payloads found as if whole");
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	const unsigned char *got = light_pack_find(p, key, &len);
	CHECK(got && len == sizeof(payload) && memcmp(got, payload, len) == 0,
	      "the undamaged payload is found");
	light_pack_free(p);
	pack_dir_remove(&pd);
}

/* A key added twice in one run is written once, and its other copy leaves no hole (the file
 * holds one payload); the pack is written through a fresh temporary file that the rename
 * takes away (nothing else is left in the folder). */
static void pack_duplicate_and_temporary(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t key[2] = { 9, 9 };
	char payload[1000];
	memset(payload, 'p', sizeof(payload));
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	uint64_t later[2] = { 10, 10 }; /* a larger key after it must not be lost */
	light_pack_add(p, key, payload, sizeof(payload), 0);
	light_pack_add(p, key, payload, sizeof(payload), 0);
	light_pack_add(p, later, "z", 1, 0);
	light_pack_save(p);
	light_pack_free(p);
	char *bytes;
	size_t size = 0;
	CHECK(source_read(pd.path.ptr, &bytes, &size, NULL) == 0, "the pack reads");
	CHECK_INT((long)size, 32 + 2 * 32 + (long)sizeof(payload) + 1,
		  "bytes of a pack of a key added twice and another (header, two entries, two "
		  "payloads)");
	free(bytes);
	p = light_pack_load(pd.path.ptr, true);
	size_t len;
	const unsigned char *got = light_pack_find(p, key, &len);
	CHECK(got && len == sizeof(payload) && memcmp(got, payload, len) == 0,
	      "the key is found, with its payload");
	got = light_pack_find(p, later, &len);
	CHECK(got && len == 1 && got[0] == 'z', "and the larger key after it");
	light_pack_free(p);
	DIR *d = opendir(pd.dir);
	size_t files = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		files += e->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK_INT((long)files, 1, "files in the folder after a save (the pack alone)");
	pack_dir_remove(&pd);
}

static void pack_ageing(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	uint64_t aging[2] = { 50, 50 }, found[2] = { 60, 60 }, hook[2] = { 70, 70 };
	size_t len;
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	light_pack_add(p, aging, "aging", 5, 0);
	light_pack_add(p, found, "found", 5, 0);
	light_pack_save(p);
	light_pack_free(p);
	for (int save = 1; save <= 9; save++) {
		/* another command line adds a record, and finds `found` once */
		p = light_pack_load(pd.path.ptr, true);
		if (save == 5)
			light_pack_find(p, found, &len);
		uint64_t added[2] = { 100, (uint64_t)save };
		light_pack_add(p, added, "a commit", 8, 0);
		light_pack_save(p);
		light_pack_free(p);
		p = light_pack_load(pd.path.ptr, true);
		bool aging_kept = light_pack_find(p, aging, &len) != NULL;
		bool found_kept = light_pack_find(p, found, &len) != NULL;
		light_pack_free(p);
		if (save == 8)
			CHECK(aging_kept && found_kept, "records unused by 8 saves are still there");
		if (save == 9)
			CHECK(!aging_kept && found_kept,
			      "unused by a 9th save: gone; found at the 5th: kept");
	}
	/* the hook finds its record and adds nothing, between runs that add and save */
	p = light_pack_load(pd.path.ptr, true);
	light_pack_add(p, hook, "hook", 4, 0);
	light_pack_save(p);
	light_pack_free(p);
	bool hook_found = true;
	for (int run = 1; run <= 12; run++) {
		p = light_pack_load(pd.path.ptr, true);
		uint64_t added[2] = { 200, (uint64_t)run };
		light_pack_add(p, added, "a commit", 8, 0);
		light_pack_save(p);
		light_pack_free(p);
		p = light_pack_load(pd.path.ptr, true);
		hook_found &= light_pack_find(p, hook, &len) != NULL;
		light_pack_save(p);
		light_pack_free(p);
	}
	CHECK(hook_found, "a record that runs adding nothing keep finding stays");
	/* the pack of an earlier version (no counts) reads as empty (its bytes would not make
	 * an index of this version anyway; the version check itself is tested above, with a
	 * pack of this layout whose magic line says 3) */
	write_old_pack(pd.path.ptr, "postlint light pack 1\n", aging, "\002\001x", 3);
	p = light_pack_load(pd.path.ptr, true);
	CHECK(light_pack_find(p, aging, &len) == NULL, "a pack of version 1 is empty");
	light_pack_free(p);
	pack_dir_remove(&pd);
}

/* Payloads added by the thousand go to the spill file a megabyte at a time, and the save
 * streams them (with those the pack had, and those still in memory) into the new pack: every
 * payload reads back whole, wherever it waited. */
/* The files this process has open. */
static long open_files(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void pack_spilled(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	enum { N = 3000, LEN = 1000 };
	static unsigned char payload[LEN + N + 7]; /* (payload + k, LEN + k % 7 bytes) */
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (unsigned char)(i * 7 + i / 251);
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	uint64_t old[2] = { 1, 1 };
	light_pack_add(p, old, "old", 3, 0);
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	size_t len;
	CHECK(light_pack_find(p, old, &len) != NULL, "the pack's record is found");
	long fds = open_files();
	for (uint64_t k = 0; k < N; k++) /* 3 MB: two spills and some left in memory */
		light_pack_add(p, (uint64_t[2]){ 1000 + k, k }, payload + k, LEN + k % 7, 0);
	CHECK_INT(open_files() - fds, 1, "files opened while adding 3 MB (the spill file)");
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	size_t wrong = 0;
	for (uint64_t k = 0; k < N; k++) {
		const unsigned char *got = light_pack_find(p, (uint64_t[2]){ 1000 + k, k }, &len);
		wrong += !got || len != LEN + k % 7 || memcmp(got, payload + k, len) != 0;
	}
	CHECK_INT(wrong, 0, "payloads spilled and streamed that do not read back whole");
	const unsigned char *got = light_pack_find(p, old, &len);
	CHECK(got && len == 3 && memcmp(got, "old", 3) == 0, "the pack's record is kept");
	light_pack_free(p);
	pack_dir_remove(&pd);
}

/* A pack with a cap (the cache's entries): a save keeps the records in use, then unused ones
 * up to the cap, where the default keeps twice those in use and 1,000 more; and a pack loaded
 * without whole reads its records from the file and copies them file to file when saved. */
static void pack_cap_and_lazy(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "entries.pack");
	size_t len;
	struct light_pack *p = light_pack_load(pd.path.ptr, false);
	for (uint64_t k = 1; k <= 6; k++) {
		uint64_t key[2] = { k, k };
		light_pack_add(p, key, "entry", 5, 0);
	}
	light_pack_save(p);
	light_pack_free(p);
	/* a run uses two records and adds one: with a cap of 4, one unused record stays */
	p = light_pack_load(pd.path.ptr, false);
	uint64_t used1[2] = { 2, 2 }, used2[2] = { 5, 5 }, fresh[2] = { 9, 9 };
	struct buf got_lazy = BUF_INIT;
	CHECK(light_pack_read(p, used1, &got_lazy) && got_lazy.len == 5 &&
		      memcmp(got_lazy.ptr, "entry", 5) == 0,
	      "a lazy pack reads a payload from its file");
	CHECK(light_pack_read(p, used2, &got_lazy), "a lazy pack reads a second record");
	buf_release(&got_lazy);
	light_pack_add(p, fresh, "fresh", 5, 0);
	light_pack_set_cap(p, 4);
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	const unsigned char *got = light_pack_find(p, used1, &len);
	CHECK(got && len == 5 && memcmp(got, "entry", 5) == 0,
	      "a record the lazy pack copied file to file reads back");
	int kept = 0;
	for (uint64_t k = 1; k <= 6; k++) {
		uint64_t key[2] = { k, k };
		kept += light_pack_find(p, key, &len) != NULL;
	}
	CHECK(light_pack_find(p, fresh, &len) != NULL, "the fresh record is kept under the cap");
	CHECK(light_pack_find(p, used1, &len) && light_pack_find(p, used2, &len),
	      "the records in use are kept under the cap");
	CHECK_INT(kept, 3, "records of the six kept with a cap of 4 (two in use, one fresh)");
	/* no cap: every unused record stays (room for twice those in use and 1,000) */
	light_pack_add(p, (uint64_t[2]){ 10, 10 }, "more", 4, 0);
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	kept = 0;
	for (uint64_t k = 1; k <= 10; k++) {
		uint64_t key[2] = { k, k };
		kept += light_pack_find(p, key, &len) != NULL;
	}
	CHECK_INT(kept, 5, "records kept without a cap (3 earlier, the fresh one, one more)");
	light_pack_free(p);
	pack_dir_remove(&pd);
}

/* value_bin_map_strings answers for each key what the whole tree says of it, in one pass:
 * first entry of a key, nil as missing, no string as -1, keys asked twice; and
 * value_bin_map_values, which it is made of, finds each value's own bytes. */
/* Lookups in a pack of many records: keys spread like hashes (the search's guesses), keys
 * crowded at both ends of the range and keys alike in their first half (where guessing is
 * no help and halving takes over): every record is found with its payload, and keys not
 * stored are not. */
static void pack_many_keys(void)
{
	struct pack_dir pd;
	pack_dir_make(&pd, "light.pack");
	enum { N = 6000 };
	uint64_t(*keys)[2] = xcalloc(N, sizeof(*keys));
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		switch (i % 3) {
		case 0: keys[i][0] = x; keys[i][1] = i; break;                 /* spread */
		case 1: keys[i][0] = i % 2 ? i : UINT64_MAX - i; keys[i][1] = x; break; /* crowded */
		case 2: keys[i][0] = 42; keys[i][1] = x; break;                  /* alike */
		}
	}
	struct light_pack *p = light_pack_load(pd.path.ptr, true);
	char payload[32];
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(payload, sizeof(payload), "record %zu", i);
		light_pack_add(p, keys[i], payload, (size_t)n, 0);
	}
	light_pack_save(p);
	light_pack_free(p);
	p = light_pack_load(pd.path.ptr, true);
	bool found = true, absent = true;
	size_t len;
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(payload, sizeof(payload), "record %zu", i);
		const unsigned char *got = light_pack_find(p, keys[i], &len);
		found &= got && len == (size_t)n && memcmp(got, payload, len) == 0;
		uint64_t other[2] = { keys[i][0], keys[i][1] ^ 0x8000000000000000ULL };
		uint64_t next[2] = { keys[i][0] + 1, keys[i][1] };
		absent &= light_pack_find(p, other, &len) == NULL;
		absent &= i % 3 != 0 || light_pack_find(p, next, &len) == NULL;
	}
	CHECK(found, "each of %d records is found with its payload", N);
	CHECK(absent, "keys not stored are not found");
	light_pack_free(p);
	free(keys);
	pack_dir_remove(&pd);
}

static void map_strings(void)
{
	struct value *m = value_new(VALUE_MAP);
	value_map_set(m, "goal", value_new_string("replies", 7));
	value_map_set(m, "count", value_new_number(3));
	value_map_set(m, "none", value_new(VALUE_NIL));
	struct value *list = value_new(VALUE_LIST);
	value_list_push(list, value_new_string("x", 1));
	value_map_set(m, "tags", list);
	value_map_set(m, "date", value_new_string("2026-12-05", 10));
	struct buf out = BUF_INIT;
	value_bin_put(&out, m);
	const unsigned char *b = (const unsigned char *)out.ptr;
	const char *keys[] = { "date", "goal", "count", "none", "missing", "tags", "goal" };
	size_t nkeys = sizeof(keys) / sizeof(*keys);
	int found[8];
	const char *str[8];
	size_t len[8];
	CHECK_INT(value_bin_map_strings(b, out.len, keys, nkeys, found, str, len), 0,
		  "seven keys in one pass");
	/* each answer against the tree value_bin_get reads from the same bytes */
	struct bin_reader tr = { b, b + out.len, true };
	struct value *tree = value_bin_get(&tr);
	size_t agree = 0;
	for (size_t k = 0; k < nkeys; k++) {
		const struct value *v = value_map_get(tree, keys[k]);
		int want = !v || v->type == VALUE_NIL ? 0 : v->type == VALUE_STRING ? 1 : -1;
		agree += want == found[k] &&
			 (want != 1 || (v->string_len == len[k] &&
					memcmp(v->string, str[k], len[k]) == 0));
	}
	value_free(tree);
	CHECK_INT(agree, nkeys, "each key's answer is the one the whole tree gives");
	CHECK(found[0] == 1 && len[0] == 10 && memcmp(str[0], "2026-12-05", 10) == 0,
	      "a string after others is found");
	CHECK(found[1] == 1 && found[6] == 1 && str[6] == str[1], "a key asked twice: both answered");
	CHECK(found[2] == -1 && found[3] == 0 && found[4] == 0 && found[5] == -1,
	      "a number and a list are no string (-1); nil and a missing key are missing (0)");
	/* value_bin_map_values: each value's own bytes, as value_bin_put writes the tree's */
	const unsigned char *values[8];
	size_t value_lens[8];
	CHECK_INT(value_bin_map_values(b, out.len, keys, nkeys, values, value_lens), 0,
		  "seven values in one pass");
	tr = (struct bin_reader){ b, b + out.len, true };
	tree = value_bin_get(&tr);
	agree = 0;
	for (size_t k = 0; k < nkeys; k++) {
		const struct value *v = value_map_get(tree, keys[k]);
		struct buf own = BUF_INIT;
		if (v)
			value_bin_put(&own, v);
		agree += v ? values[k] && value_lens[k] == own.len &&
				     memcmp(values[k], own.ptr, own.len) == 0
			   : values[k] == NULL;
		buf_release(&own);
	}
	value_free(tree);
	CHECK_INT(agree, nkeys, "each value's bytes are the tree's value written alone (none when "
		  "missing)");
	CHECK(values[6] == values[1] && values[3] != NULL && values[4] == NULL,
	      "a key asked twice: both answered; nil is a value, a missing key none");
	CHECK_INT(value_bin_map_values(b, out.len - 4, keys, 5, values, value_lens), -1,
		  "values: a map cut short before the keys are found");
	/* damage: the count of entries larger than the map holds */
	size_t cut = out.len - 4;
	CHECK_INT(value_bin_map_strings(b, cut, keys, 5, found, str, len), -1,
		  "a map cut short before the keys are found");
	CHECK_INT(value_bin_map_strings(b, out.len, keys, 9, found, str, len), -1,
		  "more keys than it takes");
	struct buf not_map = BUF_INIT;
	value_bin_put(&not_map, list);
	CHECK_INT(value_bin_map_strings((const unsigned char *)not_map.ptr, not_map.len, keys, 1,
					found, str, len), -1, "a list is no map");
	buf_release(&not_map);
	buf_release(&out);
	value_free(m);
}

/* value_bin_size says what value_bin_put writes, to the byte: the bound on collected data is
 * counted with it for fresh data and with the stored length for data from the cache, and the
 * two must agree for a run to be judged the same with and without --cache. */
static void sizes(void)
{
	struct value *trees[6] = { sample(), NULL, value_new_string("", 0),
				   value_new(VALUE_LIST), value_new(VALUE_MAP), NULL };
	/* lengths and positions past one and two varint bytes (127, 16,383) */
	size_t n = 20000;
	char *text = xcalloc(n + 1, 1); /* NUL-terminated: its tail is a key */
	memset(text, 'x', n);
	struct value *long_ones = value_new(VALUE_MAP);
	long_ones->line = 200;
	long_ones->column = 70000;
	value_map_set(long_ones, "s200", value_new_string(text, 200));
	value_map_set(long_ones, "s20000", value_new_string(text, n));
	struct value *many = value_new(VALUE_LIST);
	for (int i = 0; i < 300; i++)
		value_list_push(many, value_new_number(i));
	value_map_set(long_ones, "many", many);
	value_map_set(long_ones, text + n - 150, value_new_bool(true)); /* a 150-byte key */
	trees[5] = long_ones;
	for (size_t i = 0; i < sizeof(trees) / sizeof(*trees); i++) {
		struct buf out = BUF_INIT;
		value_bin_put(&out, trees[i]);
		CHECK(value_bin_size(trees[i]) == out.len, "tree %zu: size %zu, written %zu", i,
		      value_bin_size(trees[i]), out.len);
		buf_release(&out);
		value_free(trees[i]);
	}
	free(text);
}

/* A post's collected data: slot 0 a string of len bytes, slot 1 the number 1. */
static void collected_of(struct collected *c, size_t len)
{
	collected_init(c, 2);
	char *text = xcalloc(len + 1, 1);
	memset(text, 'y', len);
	c->values[0] = value_new_string(text, len);
	c->values[1] = value_new_number(1);
	free(text);
}

static void budget(void)
{
	/* in the binary form, a string of 100 bytes is 104 (tag, two positions, length), a number
	 * 11 */
	struct collect_budget b;
	collect_budget_init(&b, 2, 250);
	struct collected posts[4];
	for (size_t i = 0; i < 4; i++) {
		collected_of(&posts[i], 100);
		collected_account(&posts[i], &b);
	}
	size_t bytes = 0;
	CHECK(posts[0].values[0] && posts[1].values[0] && !posts[0].dropped && !posts[1].dropped,
	      "the data under the bound is kept");
	CHECK(!posts[2].values[0] && !posts[3].values[0] && posts[2].dropped && posts[3].dropped,
	      "the data counted past it is dropped at once, and the post says so");
	CHECK(posts[2].values[1] && posts[3].values[1], "another rule's data is not");
	CHECK(collect_budget_over(&b, 0, &bytes) && bytes == 4 * 104,
	      "the rule is over, having counted every post (%zu bytes)", bytes);
	CHECK(!collect_budget_over(&b, 1, &bytes) && bytes == 4 * 11, "the other is not (%zu)",
	      bytes);
	CHECK(!collect_budget_over(NULL, 0, NULL), "no budget: never over");
	/* data read from the cache counts by its stored length, the same sum */
	struct collect_budget raw_b;
	collect_budget_init(&raw_b, 2, 250);
	for (size_t i = 0; i < 4; i++) {
		struct collected c;
		collected_of(&c, 100);
		collected_compact(&c);
		CHECK(c.raw && c.raw[0].len == 104, "compacted, slot 0 holds %zu bytes",
		      c.raw ? c.raw[0].len : 0);
		collected_account(&c, &raw_b);
		CHECK(c.dropped == (i >= 2), "post %zu from the cache: dropped %d", i, c.dropped);
		CHECK(!c.raw[0].bytes == (i >= 2), "... its bytes too");
		/* the kept slot reads back from the bytes left (valgrind and ASan watch the copy) */
		struct bin_reader r = { c.raw[1].bytes, c.raw[1].bytes + c.raw[1].len, true };
		struct value *one = value_bin_get(&r);
		CHECK(one && one->type == VALUE_NUMBER && one->number == 1 && r.p == r.end,
		      "the other rule's data is still there");
		value_free(one);
		collected_release(&c);
	}
	CHECK(collect_budget_over(&raw_b, 0, &bytes) && bytes == 4 * 104,
	      "from the cache, the same count (%zu)", bytes);
	for (size_t i = 0; i < 4; i++)
		collected_release(&posts[i]);
	collect_budget_release(&b);
	collect_budget_release(&raw_b);
}

int main(void)
{
	map_strings();
	round_trip();
	sizes();
	budget();
	pack();
	pack_damage_and_order();
	pack_flags();
	pack_many_keys();
	pack_checksum_every_byte();
	pack_duplicate_and_temporary();
	pack_ageing();
	pack_spilled();
	pack_cap_and_lazy();
	return check_done();
}
