/* The Lua-facing API of postlint, one C file per module (lite src/api style):
 *   api_lint.c   the `lint` library: phrase lists, folding, graphemes
 *   api_post.c   the post object handed to check(post, ctx)
 *   api_report.c ctx:report{...}, copied into struct finding at once
 * Registry layout (keys are addresses of statics, see each file):
 *   registry[&host_template_key]  table of safe globals copied into every environment
 *   registry[&host_modules_key]   { [module_root*] = { [name] = module value } }
 */
#ifndef POSTLINT_API_H
#define POSTLINT_API_H

#include <stddef.h>

#include <lua.h>

#define API_TYPE_PHRASES "postlint.phrases"
#define API_TYPE_POST_HANDLE "postlint.post_handle"

/* Pushes the `lint` library table. */
int api_open_lint(lua_State *L);
/* Phrase sets made at build time (phrase_set.h), which lint.phrases copies when a list's
 * phrases are those one was made from; set once, before any Lua state is made. */
struct precompiled_phrases;
void api_lint_precompiled(const struct precompiled_phrases *sets, size_t n);
/* Threads lint.nearest may use for a large search, the caller's included (default 1): a lint
 * run passes its --jobs, so that --jobs 1 starts none. */
void api_similar_set_threads(unsigned threads);

#endif
