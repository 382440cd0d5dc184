/* Build tool part: drops the names of local variables and upvalues from a Lua 5.4 bytecode
 * chunk (what lua_dump wrote), keeping everything else - the code, the constants, the chunk's
 * name and every line number. See strip_local_names.c. */
#ifndef POSTLINT_STRIP_LOCAL_NAMES_H
#define POSTLINT_STRIP_LOCAL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Rewrites chunk[0..len) into *out (malloc'd, *out_len bytes). False, with nothing
 * allocated, when the chunk is not one this understands (another format or version, or cut
 * short). */
bool strip_local_names(const unsigned char *chunk, size_t len, unsigned char **out,
		       size_t *out_len);

#endif
