/* The cache's pack of light posts: one file holding, for each post of the calendar, what
 * check_set of rules with collect reads of it (its meta, language and collected data), keyed
 * like the cache's entries (blob id, path, config, rules).
 *
 * Why one file: in the pre-commit hook, one staged post is linted against a calendar of
 * thousands. Reading each context post's blob from git, parsing it and then its JSON entry
 * cost most of the hook; with the pack, a context post is a key found in one file read once.
 * The payloads are opaque here (cache.c writes and reads them). The cache keeps a large
 * run's per-post entries in a second pack of the same form (entries.pack), read from its
 * file as asked rather than mapped whole.
 *
 * The file is replaced whole (a temporary file and a rename), so a concurrent run reads
 * either pack, never half of one. A damaged pack answers for what it can still vouch for: an
 * index cut short is no index, an index out of order is read up to the disorder, a record
 * whose payload lies outside the file or whose flags are damaged is not found, and a payload
 * unlike its checksum is refused when it is read (its post is read from git again; the record
 * may have been found by light_pack_has before, which reads no payload). */
#ifndef POSTLINT_LIGHT_PACK_H
#define POSTLINT_LIGHT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct light_pack;
struct buf;

/* The pack at path (an empty one when the file is missing or not a pack). With whole, its
 * payloads are mapped and the first read asks for all their pages at once (a calendar reads
 * them all: light_pack_find); without, they are read from the file as asked
 * (light_pack_read), and the save copies the others file to file, so that a pack larger
 * than the run's memory is never in it. */
struct light_pack *light_pack_load(const char *path, bool whole);
/* The payload stored under key, or NULL; a record found counts as used by this run. Its
 * payload is checked against its checksum when first read. */
const unsigned char *light_pack_find(struct light_pack *p, const uint64_t key[2], size_t *len);
/* light_pack_find's payload, copied into out (for a pack loaded without whole): false when
 * there is none or it is damaged. It, light_pack_add and light_pack_drop may be called from
 * several threads at once (the cache's --jobs workers); the other functions from one. */
bool light_pack_read(struct light_pack *p, const uint64_t key[2], struct buf *out);
/* Whether a record is stored under key, with its flags (light_pack_add's), without reading
 * its payload (nor checking it: light_pack_find does that when it is read); a record found
 * counts as used by this run. The hook asks this of each of the calendar's posts, and when
 * the cache answers for the calendar, reads none of their payloads. */
bool light_pack_has(struct light_pack *p, const uint64_t key[2], unsigned *flags);
/* Forgets a record whose payload turned out damaged: not found again, not written back. */
void light_pack_drop(struct light_pack *p, const uint64_t key[2]);
/* Stores a payload (copied) under a key that light_pack_find did not find, with flags (8
 * bits, the caller's) kept in the index. */
void light_pack_add(struct light_pack *p, const uint64_t key[2], const void *payload, size_t len,
		    unsigned flags);
/* The records a save keeps at most, those in use first (by default, twice those in use plus
 * 1,000: see light_pack_save). */
void light_pack_set_cap(struct light_pack *p, size_t records);
/* Writes the pack back when records were added, or when a record found had gone unused in
 * earlier saves: those, the ones found, and of the others (posts since changed or deleted)
 * as many as keep the file within twice the records in use (plus 1,000), unless written back
 * unused by the last 8 saves already. A pack that cannot be written is only slower next
 * time: no message. */
void light_pack_save(struct light_pack *p);
void light_pack_free(struct light_pack *p);

#endif
