/* The running executable's GNU build ID: a hash of its contents that the linker writes into
 * it (CMakeLists.txt asks for one). Results cached by one build of postlint must not answer
 * for another - a change to the tokenizer or to an analysis in C changes findings without
 * changing the version string or any rule's source - so the cache mixes it into its keys. */
#ifndef POSTLINT_BUILD_ID_H
#define POSTLINT_BUILD_ID_H

#include <stddef.h>

/* The ID's bytes and their count; NULL and 0 when the executable has none. */
const unsigned char *build_id(size_t *len);

#endif
