/* The cache's pack of light posts: one file holding, for each post of the calendar, what
 * check_set of rules with collect reads of it (its meta, language and collected data), keyed
 * like the cache's entries (blob id, path, config, rules).
 *
 * Why one file: in the pre-commit hook, one staged post is linted against a calendar of
 * thousands. Reading each context post's blob from git, parsing it and then its JSON entry
 * cost most of the hook; with the pack, a context post is a key found in one file read once.
 * The payloads are opaque here (cache.c writes and reads them).
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

/* The pack at path (an empty one when the file is missing or not a pack). */
struct light_pack *light_pack_load(const char *path);
/* The payload stored under key, or NULL; a record found counts as used by this run. Its
 * payload is checked against its checksum when first read. */
const unsigned char *light_pack_find(struct light_pack *p, const uint64_t key[2], size_t *len);
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
/* Writes the pack back when records were added, or when a record found had gone unused in
 * earlier saves: those, the ones found, and of the others (posts since changed or deleted)
 * as many as keep the file within twice the records in use (plus 1,000), unless written back
 * unused by the last 8 saves already. A pack that cannot be written is only slower next
 * time: no message. */
void light_pack_save(struct light_pack *p);
void light_pack_free(struct light_pack *p);

#endif
